#include "vs_markov.h"
#include "vs_err.h"
#include "vs_rng.h"

#include <math.h>

#include <htslib/kstring.h>
#include <stdlib.h>
#include <string.h>

/* ---------- chains ---------- */

static vs_mchain_t *chain_new(int64_t n_sites)
{
    vs_mchain_t *c = vs_calloc(1, sizeof *c);
    c->n_sites = n_sites;
    c->first = vs_calloc(n_sites + 1, sizeof *c->first);
    return c;
}

/* Appends a node to the site being built (first[s + 1] counts them). */
static void chain_push(vs_mchain_t *c, int64_t *cap, int64_t s, const vs_mnode_t *n)
{
    int64_t k = c->first[s + 1]++;
    if (k == *cap) {
        *cap = *cap ? 2 * *cap : 1024;
        c->node = vs_realloc(c->node, *cap * sizeof *c->node);
    }
    c->node[k] = *n;
}

void vs_markov_destroy(vs_mchain_t *c)
{
    if (!c) return;
    free(c->suffix);
    free(c->step);
    free(c->first);
    free(c->node);
    free(c);
}

static int node_order(const vs_mnode_t *x, const vs_mnode_t *y)
{
    if (x->depth != y->depth) return x->depth < y->depth ? -1 : 1;
    if (x->pred != y->pred) return x->pred < y->pred ? -1 : 1;
    return (x->allele > y->allele) - (x->allele < y->allele);
}

int vs_markov_equal(const vs_mchain_t *a, const vs_mchain_t *b)
{
    if (a->n_sites != b->n_sites) return 0;
    for (int64_t s = 0; s <= a->n_sites; s++)
        if (a->first[s] != b->first[s]) return 0;
    for (int64_t k = 0; k < a->first[a->n_sites]; k++) {
        const vs_mnode_t *x = &a->node[k], *y = &b->node[k];
        if (node_order(x, y) || x->n[0] != y->n[0] || x->n[1] != y->n[1] || x->ind[0] != y->ind[0] ||
            x->ind[1] != y->ind[1] || x->carriers != y->carriers)
            return 0;
    }
    return 1;
}

/* ---------- how far contexts reach ---------- */

int32_t *vs_markov_reach(const double *cm, int64_t n_sites, int context_sites, double context_cm)
{
    int32_t *reach = vs_malloc((n_sites + 1) * sizeof *reach);
    int64_t q = 0;            /* the oldest site a context at s may start at: never moves back */
    for (int64_t s = 0; s < n_sites; s++) {
        if (q < s - context_sites) q = s - context_sites;
        while (context_cm > 0 && cm && cm[s] - cm[q] > context_cm) q++;
        reach[s] = (int32_t)(s - q);
    }
    return reach;
}

/* ---------- the fit ---------- */

/* Contexts are compacted: a context whose haplotypes are exactly those of
 * its suffix (the context less its oldest allele) is not stored, since each
 * of its extensions would again hold the same haplotypes as its suffix's.
 * Each distinct block of the positional BWT is stored once, at the shortest
 * context that gives it, so a site holds at most 2H - 1 nodes whatever the
 * context length, and a walk that backs off to the longest stored suffix
 * draws from the same haplotypes as an uncompacted chain would. */

/* A site's nodes while they are built: per node its block of the sort order
 * (fit) or the nodes of the two parts holding its haplotypes (merge), its
 * longest stored proper suffix, and its stored extensions at the next site. */
typedef struct {
    int32_t n, m;
    int32_t *lo, *hi;        /* fit: the block a[lo..hi); merge: part a's and part b's node, -1: none */
    int32_t *sfx;            /* the longest stored proper suffix, -1: none (the empty context) */
    int32_t *child;          /* child[2 k + a]: the extension by allele a at the next site, -1: not stored */
} level_t;

static void level_push(level_t *v, int32_t lo, int32_t hi, int32_t sfx)
{
    if (v->n == v->m) {
        v->m = v->m ? 2 * v->m : 256;
        v->lo = vs_realloc(v->lo, v->m * sizeof *v->lo);
        v->hi = vs_realloc(v->hi, v->m * sizeof *v->hi);
        v->sfx = vs_realloc(v->sfx, v->m * sizeof *v->sfx);
        v->child = vs_realloc(v->child, 2 * (size_t)v->m * sizeof *v->child);
    }
    int32_t k = v->n++;
    v->lo[k] = lo;
    v->hi[k] = hi;
    v->sfx[k] = sfx;
    v->child[2 * k] = v->child[2 * k + 1] = -1;
}

static void level_free(level_t *v)
{
    free(v->lo);
    free(v->hi);
    free(v->sfx);
    free(v->child);
}

static void level_swap(level_t *x, level_t *y)
{
    level_t t = *x;
    *x = *y;
    *y = t;
    y->n = 0;
}

/* The longest stored proper suffix of the extension by allele a of node p of
 * the previous site: the longest stored suffix of p's suffix that extends by a. */
static int32_t extension_suffix(const level_t *prev, int32_t p, int a)
{
    for (p = prev->sfx[p]; p >= 0; p = prev->sfx[p])
        if (prev->child[2 * p + a] >= 0) return prev->child[2 * p + a];
    return 0;
}

/* The positional BWT of the group's haplotypes (Durbin 2014): at site s the
 * haplotypes are sorted by their alleles before s read backwards, so those
 * that share a context form a block. */
typedef struct {
    int H, K;
    const int *haps;
    const int32_t *reach;              /* per site, the longest context */
    int *a, *a1;                       /* the order at this site; scratch */
    int *zeros;                        /* zeros[j]: allele-0 haplotypes among a[0..j) of the previous site */
    uint8_t *y;                        /* this site's alleles, by group haplotype */
    uint32_t *stamp, gen;              /* distinct individuals */
    uint8_t *side;
} fit_t;

/* Counts of the block a[lo..hi): haplotypes and distinct individuals by allele here, and carriers. */
static void block_counts(fit_t *f, int lo, int hi, vs_mnode_t *n)
{
    f->gen++;
    n->n[0] = n->n[1] = n->ind[0] = n->ind[1] = n->carriers = 0;
    for (int j = lo; j < hi; j++) {
        int t = f->a[j], ind = f->haps[t] >> 1, y = f->y[t];
        n->n[y]++;
        if (f->stamp[ind] != f->gen) {
            f->stamp[ind] = f->gen;
            f->side[ind] = 0;
            n->carriers++;
        }
        if (!(f->side[ind] & (1 << y))) {
            f->side[ind] |= (uint8_t)(1 << y);
            n->ind[y]++;
        }
    }
}

/* The order at the next site: a stable partition by this site's allele. */
static void pbwt_step(fit_t *f)
{
    int n0 = 0;
    for (int j = 0; j < f->H; j++) {
        f->zeros[j] = n0;
        n0 += f->y[f->a[j]] == 0;
    }
    f->zeros[f->H] = n0;
    for (int j = 0, n1 = 0; j < f->H; j++) {
        int t = f->a[j];
        if (f->y[t] == 0) f->a1[f->zeros[j]] = t;
        else f->a1[n0 + n1++] = t;
    }
    int *ta = f->a;
    f->a = f->a1;
    f->a1 = ta;
}

/* Where boundary j of the previous site's order falls among the haplotypes that took allele a. */
static int32_t ranked(const fit_t *f, int32_t j, int a)
{
    return a ? f->zeros[f->H] + j - f->zeros[j] : f->zeros[j];
}

/* Stores the context of the block a[lo..hi) unless fewer than K individuals carry it. */
static int fit_push(fit_t *f, vs_mchain_t *c, int64_t *cap, int64_t s, level_t *cur, vs_mnode_t *n, int32_t lo,
                    int32_t hi, int32_t sfx)
{
    block_counts(f, lo, hi, n);
    if (f->K && n->carriers < f->K) return 0;
    level_push(cur, lo, hi, sfx);
    chain_push(c, cap, s, n);
    return 1;
}

/* The nodes of site s: the empty context, then each node of the site before
 * extended by each allele, where the extension holds haplotypes, is no longer
 * than the site's reach, holds other haplotypes than its suffix does, and (pruning) is
 * carried by K individuals.  They come out in canonical order. */
static void fit_site(fit_t *f, vs_mchain_t *c, int64_t *cap, int64_t s, level_t *prev, level_t *cur)
{
    vs_mnode_t n = { .pred = -1 };
    if (!fit_push(f, c, cap, s, cur, &n, 0, f->H, -1) || !s) return;
    const int64_t base = c->first[s - 1];      /* c->node moves as nodes are pushed: indices, not pointers */
    for (int32_t p = 0; p < prev->n; p++)
        for (int a = 0; a < 2; a++) {
            int32_t size = c->node[base + p].n[a], depth = c->node[base + p].depth + 1;
            int32_t suffix_size = prev->sfx[p] < 0 ? f->H : c->node[base + prev->sfx[p]].n[a];
            if (!size || depth > f->reach[s] || size == suffix_size) continue;
            n = (vs_mnode_t){ .pred = p, .allele = (uint8_t)a, .depth = depth };
            if (fit_push(f, c, cap, s, cur, &n, ranked(f, prev->lo[p], a), ranked(f, prev->hi[p], a),
                         extension_suffix(prev, p, a)))
                prev->child[2 * p + a] = cur->n - 1;
        }
}

vs_mchain_t *vs_markov_fit(const vs_panel_t *p, int64_t first_site, int64_t n_sites, const int *haps, int n_haps,
                           const int32_t *reach, int min_carriers)
{
    fit_t f = { .H = n_haps, .K = min_carriers, .haps = haps, .reach = reach };
    size_t H = (size_t)n_haps + 1;
    f.a = vs_malloc(H * sizeof *f.a);
    f.a1 = vs_malloc(H * sizeof *f.a1);
    f.zeros = vs_malloc(H * sizeof *f.zeros);
    f.y = vs_calloc(H, 1);
    f.stamp = vs_calloc(p->n_samples + 1, sizeof *f.stamp);
    f.side = vs_calloc(p->n_samples + 1, 1);
    for (int t = 0; t < n_haps; t++) f.a[t] = t;
    vs_mchain_t *c = chain_new(n_sites);
    int64_t cap = 0;
    level_t prev = { 0 }, cur = { 0 };
    for (int64_t s = 0; s < n_sites; s++) {
        if (s) pbwt_step(&f);
        for (int t = 0; t < n_haps; t++) f.y[t] = (uint8_t)vs_panel_allele(p, first_site + s, haps[t]);
        c->first[s + 1] = c->first[s];
        fit_site(&f, c, &cap, s, &prev, &cur);
        level_swap(&prev, &cur);
    }
    if (min_carriers) {         /* allele counts of fewer than K individuals; individual counts are not kept */
        vs_mchain_t *pruned = vs_markov_prune(c, min_carriers);
        vs_markov_destroy(c);
        c = pruned;
    }
    level_free(&prev);
    level_free(&cur);
    free(f.a);
    free(f.a1);
    free(f.zeros);
    free(f.y);
    free(f.stamp);
    free(f.side);
    return c;
}

/* ---------- differential privacy ---------- */

/* The difference of two geometric counts: P(k) proportional to alpha^|k|. */
static int64_t two_sided_geometric(vs_stream_t *st, double alpha)
{
    double la = log(alpha);
    int64_t a = (int64_t)floor(log(vs_stream_unif(st)) / la), b = (int64_t)floor(log(vs_stream_unif(st)) / la);
    return a - b;
}

void vs_markov_noise(vs_mchain_t *c, double eps, uint64_t seed, uint64_t key)
{
    double alpha = exp(-eps / 2);
    vs_stream_t st;
    vs_stream_set(&st, seed, VS_RNG_DP, key, 0);
    for (int64_t k = 0; k < c->first[c->n_sites]; k++)
        for (int y = 0; y < 2; y++) {
            int64_t v = c->node[k].n[y] + two_sided_geometric(&st, alpha);
            c->node[k].n[y] = v < 0 ? 0 : v > INT32_MAX ? INT32_MAX : (int32_t)v;
        }
}

/* ---------- pruning ---------- */

vs_mchain_t *vs_markov_prune(const vs_mchain_t *c, int K)
{
    vs_mchain_t *out = chain_new(c->n_sites);
    int64_t cap = 0, max_site = 0;
    for (int64_t s = 0; s < c->n_sites; s++)
        if (c->first[s + 1] - c->first[s] > max_site) max_site = c->first[s + 1] - c->first[s];
    int32_t *map_prev = vs_malloc((max_site + 1) * sizeof *map_prev), *map_cur = vs_malloc((max_site + 1) * sizeof *map_cur);
    for (int64_t s = 0; s < c->n_sites; s++) {
        out->first[s + 1] = out->first[s];
        int32_t kept = 0;
        for (int64_t k = c->first[s]; k < c->first[s + 1]; k++) {
            vs_mnode_t n = c->node[k];
            int32_t pred = n.pred < 0 ? -1 : map_prev[n.pred];
            map_cur[k - c->first[s]] = -1;
            if ((n.pred >= 0 && pred < 0) || n.carriers < K) continue;
            n.pred = pred;
            for (int y = 0; y < 2; y++)
                if (n.ind[y] < K) n.n[y] = 0;
            n.ind[0] = n.ind[1] = n.carriers = 0;
            map_cur[k - c->first[s]] = kept++;
            chain_push(out, &cap, s, &n);
        }
        int32_t *t = map_prev;
        map_prev = map_cur;
        map_cur = t;
    }
    free(map_prev);
    free(map_cur);
    return out;
}

/* ---------- sampling ---------- */

/* Node (depth, pred, allele) of site s, index within the site, or -1. */
static int32_t find_node(const vs_mchain_t *c, int64_t s, int depth, int32_t pred, int allele)
{
    vs_mnode_t key = { .pred = pred, .allele = (uint8_t)allele, .depth = depth };
    int64_t lo = c->first[s], hi = c->first[s + 1];
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        int o = node_order(&c->node[mid], &key);
        if (o == 0) return (int32_t)(mid - c->first[s]);
        if (o < 0) lo = mid + 1;
        else hi = mid;
    }
    return -1;
}

/* child[2 k + a]: the node of the next site that extends node k (global
 * index) by allele a, -1: none stored. */
static int32_t *child_table(const vs_mchain_t *c)
{
    int64_t n = c->first[c->n_sites];
    int32_t *child = vs_malloc((2 * n + 1) * sizeof *child);
    for (int64_t k = 0; k < 2 * n; k++) child[k] = -1;
    for (int64_t s = 1; s < c->n_sites; s++)
        for (int64_t k = c->first[s]; k < c->first[s + 1]; k++)
            if (c->node[k].pred >= 0)
                child[2 * (c->first[s - 1] + c->node[k].pred) + c->node[k].allele] = (int32_t)(k - c->first[s]);
    return child;
}

/* The longest stored context at site s + 1 after allele a from node cur of site s: (context, a)
 * if stored, else the same from the context's longest stored suffix. */
static int32_t walk_next(const vs_mchain_t *c, const int32_t *child, int64_t s, int32_t cur, int a)
{
    for (; cur >= 0; cur = c->suffix[c->first[s] + cur])
        if (child[2 * (c->first[s] + cur) + a] >= 0) return child[2 * (c->first[s] + cur) + a];
    return 0;
}

void vs_markov_links(vs_mchain_t *c)
{
    int32_t *child = child_table(c);
    free(c->suffix);
    c->suffix = vs_malloc((c->first[c->n_sites] + 1) * sizeof *c->suffix);
    for (int64_t s = 0; s < c->n_sites; s++)
        for (int64_t k = c->first[s]; k < c->first[s + 1]; k++) {
            /* (x1..xd) less x1: the longest stored suffix of (x1..x{d-1}) less x1, extended by xd */
            const vs_mnode_t *n = &c->node[k];
            c->suffix[k] = n->depth == 0 ? -1 : n->depth == 1 ? 0
                                                 : walk_next(c, child, s - 1, c->suffix[c->first[s - 1] + n->pred], n->allele);
        }
    free(c->step);
    c->step = vs_malloc((c->first[c->n_sites] + 1) * sizeof *c->step);
    int32_t *draw_from = vs_malloc((c->first[c->n_sites] + 1) * sizeof *draw_from);
    for (int64_t s = 0; s < c->n_sites; s++)
        for (int64_t k = c->first[s]; k < c->first[s + 1]; k++) {
            /* nodes come in depth order: a suffix's draw_from is set before its extensions' */
            const vs_mnode_t *n = &c->node[k];
            int32_t self = (int32_t)(k - c->first[s]);
            draw_from[k] = n->n[0] + n->n[1] > 0 || self == 0 ? self : draw_from[c->first[s] + c->suffix[k]];
            const vs_mnode_t *d = &c->node[c->first[s] + draw_from[k]];
            int64_t total = (int64_t)d->n[0] + d->n[1];
            c->step[k].p0 = total > 0 ? (double)d->n[0] / (double)total : 1.0;
            for (int a = 0; a < 2; a++) c->step[k].next[a] = s + 1 < c->n_sites ? walk_next(c, child, s, self, a) : 0;
        }
    free(draw_from);
    free(child);
}

/* ---------- merging ---------- */

/* The node of part x that holds the haplotypes of the extension by allele a
 * of its node r of site s (the extension itself, or its longest stored
 * suffix when compacted away), -1: none (no haplotype of x, or a count of
 * fewer than K individuals stored as 0). */
static int32_t part_extension(const vs_mchain_t *x, int64_t s, int32_t r, int a)
{
    if (r < 0) return -1;
    const vs_mnode_t *n = &x->node[x->first[s] + r];
    if (!n->n[a] && find_node(x, s + 1, n->depth + 1, r, a) < 0) return -1;
    return vs_markov_next(x, s, r, a);
}

static int32_t part_root(const vs_mchain_t *x, int64_t s) { return x->first[s + 1] > x->first[s] ? 0 : -1; }

static vs_mnode_t part_node(const vs_mchain_t *x, int64_t s, int32_t r)
{
    return r < 0 ? (vs_mnode_t){ .pred = -1 } : x->node[x->first[s] + r];
}

/* Stores a node of the merge: the sum of the parts' nodes ra and rb. */
static void merge_push(vs_mchain_t *out, int64_t *cap, const vs_mchain_t *a, const vs_mchain_t *b, int64_t s,
                       level_t *cur, vs_mnode_t n, int32_t ra, int32_t rb, int32_t sfx)
{
    vs_mnode_t x = part_node(a, s, ra), y = part_node(b, s, rb);
    for (int v = 0; v < 2; v++) {
        n.n[v] = x.n[v] + y.n[v];
        n.ind[v] = x.ind[v] + y.ind[v];
    }
    n.carriers = x.carriers + y.carriers;
    level_push(cur, ra, rb, sfx);
    chain_push(out, cap, s, &n);
}

/* As fit_site, from the parts: an extension of a node of the merge holds the
 * union of the parts' haplotypes, so it is stored where either part's differ
 * from those of its suffix. */
static void merge_site(vs_mchain_t *out, int64_t *cap, const vs_mchain_t *a, const vs_mchain_t *b,
                       const int32_t *reach, int64_t s, level_t *prev, level_t *cur)
{
    int32_t root_a = part_root(a, s), root_b = part_root(b, s);
    if (root_a < 0 && root_b < 0) return;
    merge_push(out, cap, a, b, s, cur, (vs_mnode_t){ .pred = -1 }, root_a, root_b, -1);
    if (!s) return;
    const int64_t base = out->first[s - 1];    /* out->node moves as nodes are pushed */
    for (int32_t p = 0; p < prev->n; p++)
        for (int v = 0; v < 2; v++) {
            int32_t depth = out->node[base + p].depth + 1, q = prev->sfx[p];
            int32_t ra = part_extension(a, s - 1, prev->lo[p], v), rb = part_extension(b, s - 1, prev->hi[p], v);
            int32_t sa = q < 0 ? root_a : part_extension(a, s - 1, prev->lo[q], v);
            int32_t sb = q < 0 ? root_b : part_extension(b, s - 1, prev->hi[q], v);
            if (depth > reach[s] || (ra < 0 && rb < 0) || (ra == sa && rb == sb)) continue;
            merge_push(out, cap, a, b, s, cur, (vs_mnode_t){ .pred = p, .allele = (uint8_t)v, .depth = depth }, ra,
                       rb, extension_suffix(prev, p, v));
            prev->child[2 * p + v] = cur->n - 1;
        }
}

vs_mchain_t *vs_markov_merge(vs_mchain_t *a, vs_mchain_t *b, const int32_t *reach)
{
    if (a->n_sites != b->n_sites) vs_fatal("internal error: merging chains of %lld and %lld sites",
                                           (long long)a->n_sites, (long long)b->n_sites);
    if (!a->step) vs_markov_links(a);
    if (!b->step) vs_markov_links(b);
    vs_mchain_t *out = chain_new(a->n_sites);
    int64_t cap = 0;
    level_t prev = { 0 }, cur = { 0 };
    for (int64_t s = 0; s < a->n_sites; s++) {
        out->first[s + 1] = out->first[s];
        merge_site(out, &cap, a, b, reach, s, &prev, &cur);
        level_swap(&prev, &cur);
    }
    level_free(&prev);
    level_free(&cur);
    return out;
}

/* ---------- text form ---------- */

char *vs_markov_encode(const vs_mchain_t *c, int unpruned)
{
    kstring_t ks = { 0, 0, NULL };
    for (int64_t s = 0; s < c->n_sites; s++) {
        for (int64_t k = c->first[s]; k < c->first[s + 1]; k++) {
            const vs_mnode_t *n = &c->node[k];
            ksprintf(&ks, "%s%d:%d:%d:%d", k > c->first[s] ? " " : "", n->pred, n->allele, n->n[0], n->n[1]);
            if (unpruned) ksprintf(&ks, ":%d:%d:%d", n->ind[0], n->ind[1], n->carriers);
        }
        kputc('\n', &ks);
    }
    return ks.s ? ks.s : vs_strdup("");
}

/* One "pred:allele:n0:n1[:i0:i1:carriers]" token. */
static int parse_node(const char **p, int unpruned, vs_mnode_t *n)
{
    long v[7];
    int want = unpruned ? 7 : 4;
    for (int i = 0; i < want; i++) {
        char *end;
        if (**p != '-' && (**p < '0' || **p > '9')) return 0;    /* strtol would skip blanks and newlines */
        v[i] = strtol(*p, &end, 10);
        if (end == *p || (i < want - 1 && *end != ':')) return 0;
        *p = end + (i < want - 1);
    }
    if (v[0] < -1 || v[0] > INT32_MAX || (v[1] != 0 && v[1] != 1)) return 0;
    for (int i = 2; i < want; i++)
        if (v[i] < 0 || v[i] > INT32_MAX) return 0;
    *n = (vs_mnode_t){ (int32_t)v[0], (uint8_t)v[1], 0, { (int32_t)v[2], (int32_t)v[3] },
                       { unpruned ? (int32_t)v[4] : 0, unpruned ? (int32_t)v[5] : 0 }, unpruned ? (int32_t)v[6] : 0 };
    return 1;
}

vs_mchain_t *vs_markov_decode(const char *text, int64_t n_sites, int unpruned, const int32_t *reach, const char **err)
{
    vs_mchain_t *c = chain_new(n_sites);
    int64_t cap = 0;
    const char *p = text;
    *err = NULL;
    for (int64_t s = 0; s < n_sites && !*err; s++) {
        c->first[s + 1] = c->first[s];
        if (!*p) {
            *err = "fewer site lines than sites";
            break;
        }
        int64_t prev_n = s ? c->first[s] - c->first[s - 1] : 0;
        while (*p && *p != '\n' && !*err) {
            vs_mnode_t n;
            if (!parse_node(&p, unpruned, &n)) *err = "a node is not pred:allele:n0:n1";
            else if (n.pred >= prev_n || (s == 0 && n.pred >= 0)) *err = "a node extends a node the site before lacks";
            else if (n.pred >= 0 && c->node[c->first[s - 1] + n.pred].depth >= reach[s])
                *err = "a context is longer than the model's context_sites and context_cM allow";
            else {
                n.depth = n.pred < 0 ? 0 : c->node[c->first[s - 1] + n.pred].depth + 1;
                if (c->first[s + 1] > c->first[s] && node_order(&c->node[c->first[s + 1] - 1], &n) >= 0)
                    *err = "the nodes of a site are not in order (depth, pred, allele)";
                else
                    chain_push(c, &cap, s, &n);
            }
            if (*p == ' ') p++;
        }
        if (!*err && (c->first[s + 1] == c->first[s] || c->node[c->first[s]].pred != -1))
            *err = "a site has no empty context";
        if (!*err && *p != '\n') *err = "a site line does not end where its nodes do";
        if (*p == '\n') p++;
    }
    if (!*err && *p) *err = "more site lines than sites";
    if (*err) {
        vs_markov_destroy(c);
        return NULL;
    }
    return c;
}
