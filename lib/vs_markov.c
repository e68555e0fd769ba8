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
    free(c->draw_from);
    free(c->next);
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

/* ---------- the fit ---------- */

/* The positional BWT of the group's haplotypes and the contexts it shows. */
typedef struct {
    int H, L, K;
    const int *haps;
    int *a, *a1, *ones;
    int64_t *d, *d1, *d_ones;
    uint8_t *y, *y_prev;
    int32_t *node_prev, *node_cur;     /* per depth x haplotype: its node at the last / this site, -1: none */
    uint32_t *stamp, gen;              /* distinct individuals */
    uint8_t *side;
} fit_t;

typedef struct {
    vs_mnode_t n;
    int lo, hi;                        /* its block of the sort order */
} cand_t;

static int cand_order(const void *x, const void *y)
{
    const cand_t *a = x, *b = y;
    int o = node_order(&a->n, &b->n);
    return o ? o : (a->lo > b->lo) - (a->lo < b->lo);
}

/* Durbin's algorithm 2: the order and divergences after site s. */
static void pbwt_step(fit_t *f, int64_t s)
{
    int n0 = 0, n1 = 0;
    int64_t p = s + 1, q = s + 1;
    for (int j = 0; j < f->H; j++) {
        if (f->d[j] > p) p = f->d[j];
        if (f->d[j] > q) q = f->d[j];
        int t = f->a[j];
        if (f->y[t] == 0) {
            f->a1[n0] = t;
            f->d1[n0++] = p;
            p = 0;
        } else {
            f->ones[n1] = t;
            f->d_ones[n1++] = q;
            q = 0;
        }
    }
    memcpy(f->a1 + n0, f->ones, n1 * sizeof *f->ones);
    memcpy(f->d1 + n0, f->d_ones, n1 * sizeof *f->d_ones);
    int *ta = f->a;
    f->a = f->a1;
    f->a1 = ta;
    int64_t *td = f->d;
    f->d = f->d1;
    f->d1 = td;
}

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

/* The contexts of site s: every block of every depth up to L, less those
 * fewer than K individuals carry, in canonical order. */
static void site_nodes(fit_t *f, vs_mchain_t *c, int64_t *cap, int64_t s, cand_t **cand, int *m_cand)
{
    int nc = 0, top = s < f->L ? (int)s : f->L;
    for (int l = 0; l <= top; l++)
        for (int lo = 0, hi; lo < f->H; lo = hi) {
            for (hi = lo + 1; hi < f->H && f->d[hi] <= s - l; hi++) {}
            int t0 = f->a[lo];
            int32_t pred = l ? f->node_prev[(l - 1) * f->H + t0] : -1;
            if (l && pred < 0) continue;                   /* its shorter context was dropped */
            if (nc == *m_cand) *cand = vs_realloc(*cand, (*m_cand = 2 * *m_cand + 64) * sizeof **cand);
            cand_t *x = &(*cand)[nc];
            x->n.pred = pred;
            x->n.allele = l ? f->y_prev[t0] : 0;
            x->n.depth = (uint8_t)l;
            x->lo = lo;
            x->hi = hi;
            block_counts(f, lo, hi, &x->n);
            if (f->K && x->n.carriers < f->K) continue;
            nc++;
        }
    qsort(*cand, nc, sizeof **cand, cand_order);
    for (int i = 0; i < (top + 1) * f->H; i++) f->node_cur[i] = -1;
    for (int i = 0; i < nc; i++) {
        cand_t *x = &(*cand)[i];
        for (int j = x->lo; j < x->hi; j++) f->node_cur[x->n.depth * f->H + f->a[j]] = (int32_t)i;
        chain_push(c, cap, s, &x->n);
    }
}

vs_mchain_t *vs_markov_fit(const vs_panel_t *p, int64_t first_site, int64_t n_sites, const int *haps, int n_haps,
                           int context_sites, int min_carriers)
{
    fit_t f = { .H = n_haps, .L = context_sites, .K = min_carriers, .haps = haps };
    size_t H = (size_t)n_haps + 1;
    f.a = vs_malloc(H * sizeof *f.a);
    f.a1 = vs_malloc(H * sizeof *f.a1);
    f.ones = vs_malloc(H * sizeof *f.ones);
    f.d = vs_calloc(H, sizeof *f.d);
    f.d1 = vs_calloc(H, sizeof *f.d1);
    f.d_ones = vs_malloc(H * sizeof *f.d_ones);
    f.y = vs_calloc(H, 1);
    f.y_prev = vs_calloc(H, 1);
    f.node_prev = vs_malloc((context_sites + 1) * H * sizeof *f.node_prev);
    f.node_cur = vs_malloc((context_sites + 1) * H * sizeof *f.node_cur);
    f.stamp = vs_calloc(p->n_samples + 1, sizeof *f.stamp);
    f.side = vs_calloc(p->n_samples + 1, 1);
    for (int t = 0; t < n_haps; t++) f.a[t] = t;
    vs_mchain_t *c = chain_new(n_sites);
    int64_t cap = 0;
    cand_t *cand = NULL;
    int m_cand = 0;
    for (int64_t s = 0; s < n_sites; s++) {
        for (int t = 0; t < n_haps; t++) f.y[t] = (uint8_t)vs_panel_allele(p, first_site + s, haps[t]);
        c->first[s + 1] = c->first[s];
        site_nodes(&f, c, &cap, s, &cand, &m_cand);
        pbwt_step(&f, s);
        uint8_t *ty = f.y_prev;
        f.y_prev = f.y;
        f.y = ty;
        int32_t *tn = f.node_prev;
        f.node_prev = f.node_cur;
        f.node_cur = tn;
    }
    if (min_carriers) {         /* allele counts of fewer than K individuals; individual counts are not kept */
        vs_mchain_t *pruned = vs_markov_prune(c, min_carriers);
        vs_markov_destroy(c);
        c = pruned;
    }
    free(cand);
    free(f.a);
    free(f.a1);
    free(f.ones);
    free(f.d);
    free(f.d1);
    free(f.d_ones);
    free(f.y);
    free(f.y_prev);
    free(f.node_prev);
    free(f.node_cur);
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

/* ---------- pruning and merging ---------- */

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

vs_mchain_t *vs_markov_merge(const vs_mchain_t *a, const vs_mchain_t *b)
{
    if (a->n_sites != b->n_sites) vs_die("internal error: merging chains of %lld and %lld sites",
                                         (long long)a->n_sites, (long long)b->n_sites);
    vs_mchain_t *out = chain_new(a->n_sites);
    int64_t cap = 0, max_site = 0;
    for (int64_t s = 0; s < a->n_sites; s++) {
        int64_t na = a->first[s + 1] - a->first[s], nb = b->first[s + 1] - b->first[s];
        if (na > max_site) max_site = na;
        if (nb > max_site) max_site = nb;
    }
    /* each side's node index at the last site -> the merged one (monotonic: the merged order
     * restricted to one side is that side's order) */
    int32_t *ma = vs_malloc((max_site + 1) * sizeof *ma), *mb = vs_malloc((max_site + 1) * sizeof *mb);
    int32_t *ma1 = vs_malloc((max_site + 1) * sizeof *ma1), *mb1 = vs_malloc((max_site + 1) * sizeof *mb1);
    for (int64_t s = 0; s < a->n_sites; s++) {
        out->first[s + 1] = out->first[s];
        int64_t i = a->first[s], j = b->first[s];
        int32_t k = 0;
        while (i < a->first[s + 1] || j < b->first[s + 1]) {
            vs_mnode_t x, y;
            int has_x = i < a->first[s + 1], has_y = j < b->first[s + 1];
            if (has_x) {
                x = a->node[i];
                x.pred = x.pred < 0 ? -1 : ma[x.pred];
            }
            if (has_y) {
                y = b->node[j];
                y.pred = y.pred < 0 ? -1 : mb[y.pred];
            }
            int o = !has_x ? 1 : !has_y ? -1 : node_order(&x, &y);
            vs_mnode_t n = o <= 0 ? x : y;
            if (o == 0)
                for (int v = 0; v < 2; v++) {
                    n.n[v] += y.n[v];
                    n.ind[v] += y.ind[v];
                }
            if (o == 0) n.carriers += y.carriers;
            if (o <= 0) ma1[i++ - a->first[s]] = k;
            if (o >= 0) mb1[j++ - b->first[s]] = k;
            chain_push(out, &cap, s, &n);
            k++;
        }
        int32_t *t = ma;
        ma = ma1;
        ma1 = t;
        t = mb;
        mb = mb1;
        mb1 = t;
    }
    free(ma);
    free(mb);
    free(ma1);
    free(mb1);
    return out;
}

/* ---------- sampling ---------- */

/* Node (depth, pred, allele) of site s, index within the site, or -1. */
static int32_t find_node(const vs_mchain_t *c, int64_t s, int depth, int32_t pred, int allele)
{
    vs_mnode_t key = { .pred = pred, .allele = (uint8_t)allele, .depth = (uint8_t)depth };
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

/* The longest stored context at site s + 1 after allele a from node cur of site s: (context, a)
 * if stored, else the same from the context's longest stored suffix. */
static int32_t walk_next(const vs_mchain_t *c, int64_t s, int32_t cur, int a)
{
    if (s + 1 >= c->n_sites) return 0;
    for (;;) {
        int32_t next = find_node(c, s + 1, c->node[c->first[s] + cur].depth + 1, cur, a);
        if (next >= 0 || cur == 0) return next >= 0 ? next : 0;
        cur = c->suffix[c->first[s] + cur];
    }
}

void vs_markov_links(vs_mchain_t *c)
{
    free(c->suffix);
    c->suffix = vs_malloc((c->first[c->n_sites] + 1) * sizeof *c->suffix);
    for (int64_t s = 0; s < c->n_sites; s++)
        for (int64_t k = c->first[s]; k < c->first[s + 1]; k++) {
            const vs_mnode_t *n = &c->node[k];
            if (n->depth <= 1) {
                c->suffix[k] = n->depth ? 0 : -1;
                continue;
            }
            /* (x1..xd) less x1 = (suffix of (x1..x{d-1})) extended by xd; it carries at least as many */
            int32_t p = c->suffix[c->first[s - 1] + n->pred];
            c->suffix[k] = find_node(c, s, n->depth - 1, p, n->allele);
            if (c->suffix[k] < 0) c->suffix[k] = 0;       /* not stored (pruned unevenly by a merge): the root */
        }
    free(c->draw_from);
    free(c->next);
    c->draw_from = vs_malloc((c->first[c->n_sites] + 1) * sizeof *c->draw_from);
    c->next = vs_malloc((2 * c->first[c->n_sites] + 1) * sizeof *c->next);
    for (int64_t s = 0; s < c->n_sites; s++)
        for (int64_t k = c->first[s]; k < c->first[s + 1]; k++) {
            /* nodes come in depth order: a suffix's draw_from is set before its extensions' */
            const vs_mnode_t *n = &c->node[k];
            int32_t self = (int32_t)(k - c->first[s]);
            c->draw_from[k] = n->n[0] + n->n[1] > 0 || self == 0 ? self : c->draw_from[c->first[s] + c->suffix[k]];
            for (int a = 0; a < 2; a++) c->next[2 * k + a] = walk_next(c, s, self, a);
        }
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

vs_mchain_t *vs_markov_decode(const char *text, int64_t n_sites, int unpruned, int max_depth, const char **err)
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
            else if (n.pred >= 0 && c->node[c->first[s - 1] + n.pred].depth >= max_depth)
                *err = "a context is longer than the model's context_sites";
            else {
                n.depth = n.pred < 0 ? 0 : (uint8_t)(c->node[c->first[s - 1] + n.pred].depth + 1);
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
