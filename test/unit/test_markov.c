/* vs_markov: context counts against brute force, compaction, merging, pruning, the text form. */
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "vs_markov.h"
#include "vs_rng.h"

#define NS 60          /* samples */
#define M 40           /* sites */
#define L 5            /* context sites (a short limit; the long one is M) */

/* Haplotypes with structure: each copies one of 6 founders, with a switch now and then and rare flips. */
static vs_panel_t *toy_panel(void)
{
    vs_panel_t *p = calloc(1, sizeof *p);
    p->n_samples = NS;
    p->n_hap = 2 * NS;
    p->wps = (p->n_hap + 63) / 64;
    p->bits = calloc((size_t)M * p->wps, sizeof *p->bits);
    for (int h = 0; h < p->n_hap; h++) {
        int f = (int)(vs_rng_unif(3, 1, h, 0) * 6);
        for (int s = 0; s < M; s++) {
            if (vs_rng_unif(3, 2, h, s) < 0.05) f = (int)(vs_rng_unif(3, 3, h, s) * 6);
            int y = (int)(vs_rng_unif(4, f, s, 0) * 2);
            if (vs_rng_unif(3, 4, h, s) < 0.02) y ^= 1;
            p->bits[s * p->wps + (h >> 6)] |= (uint64_t)y << (h & 63);
        }
    }
    return p;
}

/* The context of node k of site s, oldest allele first (depth chars). */
static void context_of(const vs_mchain_t *c, int64_t s, int64_t k, char *out)
{
    int d = c->node[k].depth;
    out[d] = 0;
    for (int i = d - 1; i >= 0; i--) {
        out[i] = (char)('0' + c->node[k].allele);
        k = c->first[s - 1] + c->node[k].pred;
        s--;
    }
}

/* Every node's counts, recounted from the haplotypes. */
static int brute_force_ok(const vs_panel_t *p, const vs_mchain_t *c, const int *haps, int n)
{
    char ctx[M + 1];
    for (int64_t s = 0; s < M; s++)
        for (int64_t k = c->first[s]; k < c->first[s + 1]; k++) {
            context_of(c, s, k, ctx);
            int d = (int)strlen(ctx), cnt[2] = { 0, 0 };
            for (int i = 0; i < n; i++) {
                int match = 1;
                for (int j = 0; j < d && match; j++)
                    match = vs_panel_allele(p, s - d + j, haps[i]) == ctx[j] - '0';
                if (match) cnt[vs_panel_allele(p, s, haps[i])]++;
            }
            if (cnt[0] != c->node[k].n[0] || cnt[1] != c->node[k].n[1]) return 0;
        }
    return 1;
}

/* Haplotype h's alleles on sites [s - d, s) as its context matches: the
 * counts of that context, recounted. */
static void recount(const vs_panel_t *p, const int *haps, int n, int h, int64_t s, int d, int cnt[2])
{
    cnt[0] = cnt[1] = 0;
    for (int i = 0; i < n; i++) {
        int match = 1;
        for (int j = 1; j <= d && match; j++) match = vs_panel_allele(p, s - j, haps[i]) == vs_panel_allele(p, s - j, h);
        if (match) cnt[vs_panel_allele(p, s, haps[i])]++;
    }
}

/* Every context that occurs (each haplotype's last d alleles, every d up to
 * the limit): a walk along it from the empty context ends on a node with its
 * counts, the compacted chain stands for the whole tree of contexts. */
static int lookup_ok(const vs_panel_t *p, vs_mchain_t *c, const int *haps, int n, const int32_t *reach)
{
    vs_markov_links(c);
    for (int64_t s = 0; s < M; s++)
        for (int i = 0; i < n; i++)
            for (int d = 0; d <= reach[s]; d++) {
                int32_t cur = 0;
                for (int64_t t = s - d; t < s; t++) cur = vs_markov_next(c, t, cur, vs_panel_allele(p, t, haps[i]));
                int cnt[2];
                recount(p, haps, n, haps[i], s, d, cnt);
                const vs_mnode_t *x = &c->node[c->first[s] + cur];
                if (x->n[0] != cnt[0] || x->n[1] != cnt[1]) return 0;
            }
    return 1;
}

/* No stored context holds the same haplotypes as its longest stored suffix. */
static int compact_ok(vs_mchain_t *c)
{
    vs_markov_links(c);
    for (int64_t s = 0; s < M; s++)
        for (int64_t k = c->first[s] + 1; k < c->first[s + 1]; k++) {
            const vs_mnode_t *x = &c->node[k], *y = &c->node[c->first[s] + c->suffix[k]];
            if (x->n[0] + x->n[1] == y->n[0] + y->n[1]) return 0;
        }
    return 1;
}

/* Fits the whole panel and its two halves with contexts up to `limit` sites;
 * checks the fit and that the halves' merge is the whole. */
static void check_limit(const vs_panel_t *p, int limit, double limit_cm)
{
    double cm[M];
    for (int s = 0; s < M; s++) cm[s] = 0.01 * s + (s > M / 2 ? 0.3 : 0);    /* a hotspot halfway */
    int32_t *reach = vs_markov_reach(cm, M, limit, limit_cm);
    int all[2 * NS], left[NS], right[NS];
    for (int h = 0; h < 2 * NS; h++) all[h] = h;
    for (int h = 0; h < NS; h++) {     /* two owners: samples 0-29 and 30-59 */
        left[h] = h;
        right[h] = NS + h;
    }
    vs_mchain_t *whole = vs_markov_fit(p, 0, M, all, 2 * NS, reach, 0);
    CHECK(brute_force_ok(p, whole, all, 2 * NS), "L %d: every node's counts equal a brute-force recount", limit);
    CHECK(lookup_ok(p, whole, all, 2 * NS, reach), "L %d: every context that occurs is found with its counts", limit);
    CHECK(compact_ok(whole), "L %d: no node repeats its suffix's haplotypes", limit);
    int64_t widest = 0, too_deep = 0;
    for (int64_t s = 0; s < M; s++) {
        if (whole->first[s + 1] - whole->first[s] > widest) widest = whole->first[s + 1] - whole->first[s];
        too_deep += whole->node[whole->first[s + 1] - 1].depth > reach[s];
    }
    CHECK(widest <= 4 * NS - 1 && !too_deep, "L %d: at most 2H - 1 nodes a site (%lld), none deeper than its reach",
          limit, (long long)widest);

    vs_mchain_t *a = vs_markov_fit(p, 0, M, left, NS, reach, 0), *b = vs_markov_fit(p, 0, M, right, NS, reach, 0);
    vs_mchain_t *ab = vs_markov_merge(a, b, reach), *ba = vs_markov_merge(b, a, reach);
    CHECK(vs_markov_equal(ab, whole), "L %d: the merge of two owners' unpruned chains equals the whole panel's, count "
          "for count", limit);
    CHECK(vs_markov_equal(ba, whole), "L %d: in either order", limit);
    vs_mchain_t *pruned = vs_markov_fit(p, 0, M, all, 2 * NS, reach, 5), *later = vs_markov_prune(whole, 5);
    CHECK(vs_markov_equal(pruned, later), "L %d: fitting with K = 5 equals pruning the unpruned chain", limit);
    free(reach);
    vs_markov_destroy(whole);
    vs_markov_destroy(a);
    vs_markov_destroy(b);
    vs_markov_destroy(ab);
    vs_markov_destroy(ba);
    vs_markov_destroy(pruned);
    vs_markov_destroy(later);
}

int main(void)
{
    vs_panel_t *p = toy_panel();
    int all[2 * NS];
    for (int h = 0; h < 2 * NS; h++) all[h] = h;
    check_limit(p, L, 0);
    check_limit(p, M, 0);
    check_limit(p, M, 0.1);      /* 10 sites, fewer across the hotspot */

    double cm[6] = { 0, 0.01, 0.02, 0.5, 0.51, 0.6 };
    int32_t *reach = vs_markov_reach(cm, 6, 100, 0.1), *by_sites = vs_markov_reach(cm, 6, 1, 0);
    CHECK(reach[0] == 0 && reach[1] == 1 && reach[2] == 2 && reach[3] == 0 && reach[4] == 1 && reach[5] == 2,
          "--context-cM 0.1: contexts stop at the hotspot (reach %d %d %d %d %d %d)", reach[0], reach[1], reach[2],
          reach[3], reach[4], reach[5]);
    CHECK(by_sites[0] == 0 && by_sites[1] == 1 && by_sites[5] == 1, "--context-sites 1: one site back at most");
    free(by_sites);
    free(reach);
    reach = vs_markov_reach(NULL, M + 1, L, 0);    /* one site more, for the text with too few lines */
    vs_mchain_t *whole = vs_markov_fit(p, 0, M, all, 2 * NS, reach, 0);
    vs_mchain_t *pruned = vs_markov_fit(p, 0, M, all, 2 * NS, reach, 5), *later = vs_markov_prune(whole, 5);
    CHECK(vs_markov_equal(pruned, later), "fitting with K = 5 equals pruning the unpruned chain");
    int small = 0;
    for (int64_t k = 0; k < pruned->first[M]; k++)
        for (int y = 0; y < 2; y++) small += pruned->node[k].n[y] > 0 && pruned->node[k].n[y] < 5;
    CHECK(small == 0 && pruned->first[M] < whole->first[M], "pruned: no count below K (%lld of %lld nodes kept)",
          (long long)pruned->first[M], (long long)whole->first[M]);

    const char *err;
    char *text = vs_markov_encode(whole, 1);
    vs_mchain_t *back = vs_markov_decode(text, M, 1, reach, &err);
    CHECK(back && vs_markov_equal(back, whole), "the text form reads back the same chain");
    free(text);
    text = vs_markov_encode(pruned, 0);
    vs_markov_destroy(back);
    back = vs_markov_decode(text, M, 0, reach, &err);
    CHECK(back && vs_markov_equal(back, pruned), "and pruned");
    vs_markov_destroy(back);
    back = vs_markov_decode(text, M + 1, 0, reach, &err);
    CHECK(!back && err && strstr(err, "fewer site lines"), "a text with too few sites is refused (%s)", err ? err : "");
    text[2] = 'x';
    back = vs_markov_decode(text, M, 0, reach, &err);
    CHECK(!back && err, "a malformed node is refused (%s)", err ? err : "");
    free(text);
    back = vs_markov_decode("-1:0:3:4\n5:0:1:1\n", 2, 0, reach, &err);
    CHECK(!back && err && strstr(err, "lacks"), "a node extending a missing node is refused");
    back = vs_markov_decode("-1:0:3:4  \n-1:0:5:6\n", 2, 0, reach, &err);
    CHECK(!back && err, "blanks before a line end do not carry a site's nodes onto the next line (%s)", err ? err : "");
    int32_t *one = vs_markov_reach(NULL, 3, 1, 0);
    back = vs_markov_decode("-1:0:3:4\n-1:0:3:4 0:0:3:4\n-1:0:3:4 1:1:3:4\n", 3, 0, one, &err);
    free(one);
    CHECK(!back && err && strstr(err, "longer"), "a context longer than context_sites is refused");

    vs_markov_destroy(whole);
    vs_markov_destroy(pruned);
    vs_markov_destroy(later);
    free(reach);
    free(p->bits);
    free(p);
    UNIT_DONE();
}
