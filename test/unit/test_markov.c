/* vs_markov: context counts against brute force, merging, pruning, the text form. */
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "vs_markov.h"
#include "vs_rng.h"

#define NS 60          /* samples */
#define M 40           /* sites */
#define L 5            /* context sites */

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
    char ctx[L + 1];
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

int main(void)
{
    vs_panel_t *p = toy_panel();
    int all[2 * NS], left[NS], right[NS];
    for (int h = 0; h < 2 * NS; h++) all[h] = h;
    for (int h = 0; h < NS; h++) {     /* two owners: samples 0-29 and 30-59 */
        left[h] = h;
        right[h] = NS + h;
    }
    vs_mchain_t *whole = vs_markov_fit(p, 0, M, all, 2 * NS, L, 0);
    CHECK(brute_force_ok(p, whole, all, 2 * NS), "unpruned: every node's counts equal a brute-force recount");
    int full = 1;
    for (int64_t s = 0; s < M; s++) {
        int top = s < L ? (int)s : L;
        full &= whole->node[whole->first[s + 1] - 1].depth == top;
    }
    CHECK(full, "every site has contexts up to L sites (or to the contig's start)");

    vs_mchain_t *a = vs_markov_fit(p, 0, M, left, NS, L, 0), *b = vs_markov_fit(p, 0, M, right, NS, L, 0);
    vs_mchain_t *ab = vs_markov_merge(a, b), *ba = vs_markov_merge(b, a);
    CHECK(vs_markov_equal(ab, whole), "the merge of two owners' unpruned chains equals the whole panel's, count for count");
    CHECK(vs_markov_equal(ba, whole), "in either order");

    vs_mchain_t *pruned = vs_markov_fit(p, 0, M, all, 2 * NS, L, 5), *later = vs_markov_prune(whole, 5);
    CHECK(vs_markov_equal(pruned, later), "fitting with K = 5 equals pruning the unpruned chain");
    int small = 0;
    for (int64_t k = 0; k < pruned->first[M]; k++)
        for (int y = 0; y < 2; y++) small += pruned->node[k].n[y] > 0 && pruned->node[k].n[y] < 5;
    CHECK(small == 0 && pruned->first[M] < whole->first[M], "pruned: no count below K (%lld of %lld nodes kept)",
          (long long)pruned->first[M], (long long)whole->first[M]);

    const char *err;
    char *text = vs_markov_encode(whole, 1);
    vs_mchain_t *back = vs_markov_decode(text, M, 1, L, &err);
    CHECK(back && vs_markov_equal(back, whole), "the text form reads back the same chain");
    free(text);
    text = vs_markov_encode(pruned, 0);
    vs_markov_destroy(back);
    back = vs_markov_decode(text, M, 0, L, &err);
    CHECK(back && vs_markov_equal(back, pruned), "and pruned");
    vs_markov_destroy(back);
    back = vs_markov_decode(text, M + 1, 0, L, &err);
    CHECK(!back && err && strstr(err, "fewer site lines"), "a text with too few sites is refused (%s)", err ? err : "");
    text[2] = 'x';
    back = vs_markov_decode(text, M, 0, L, &err);
    CHECK(!back && err, "a malformed node is refused (%s)", err ? err : "");
    free(text);
    back = vs_markov_decode("-1:0:3:4\n5:0:1:1\n", 2, 0, L, &err);
    CHECK(!back && err && strstr(err, "lacks"), "a node extending a missing node is refused");
    back = vs_markov_decode("-1:0:3:4\n-1:0:3:4 0:0:3:4\n-1:0:3:4 1:1:3:4\n", 3, 0, 1, &err);
    CHECK(!back && err && strstr(err, "longer"), "a context longer than context_sites is refused");

    vs_markov_destroy(whole);
    vs_markov_destroy(a);
    vs_markov_destroy(b);
    vs_markov_destroy(ab);
    vs_markov_destroy(ba);
    vs_markov_destroy(pruned);
    vs_markov_destroy(later);
    free(p->bits);
    free(p);
    UNIT_DONE();
}
