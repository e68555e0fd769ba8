#include "vs_cell.h"
#include "vs_cpu.h"
#include "vs_err.h"
#include "vs_rng.h"

#include <stdlib.h>
#include <string.h>


void vs_cell_build(vs_cell_t *c, const vs_geno_t *g, const int *member, int n, int64_t S)
{
    c->n = n;
    c->g = g;
    c->member = vs_malloc((n + 1) * sizeof *c->member);
    memcpy(c->member, member, n * sizeof *member);
    c->sw = (n + 63) / 64;
    c->hw = (2 * n + 63) / 64;
    c->het = vs_calloc((size_t)S * c->sw + 1, sizeof *c->het);
    c->hom = vs_calloc((size_t)S * c->sw + 1, sizeof *c->hom);
    c->hap = vs_calloc((size_t)S * c->hw + 1, sizeof *c->hap);
    c->pc = NULL;
    for (int i = 0; i < n; i++) {
        const uint64_t *h0 = vs_geno_h0(g, member[i]), *h1 = vs_geno_h1(g, member[i]);
        for (int64_t s = 0; s < S; s++) {
            int a = vs_geno_bit(h0, s), b = vs_geno_bit(h1, s);
            if (a != b) c->het[s * c->sw + (i >> 6)] |= 1ull << (i & 63);
            if (a && b) c->hom[s * c->sw + (i >> 6)] |= 1ull << (i & 63);
            if (a) c->hap[s * c->hw + ((2 * i) >> 6)] |= 1ull << ((2 * i) & 63);
            if (b) c->hap[s * c->hw + ((2 * i + 1) >> 6)] |= 1ull << ((2 * i + 1) & 63);
        }
    }
}

void vs_cell_free(vs_cell_t *c)
{
    free(c->member);
    free(c->het);
    free(c->hom);
    free(c->hap);
    free(c->pc);
}

size_t vs_cell_mask_words(const vs_cell_t *c) { return ((size_t)c->n + 1) * c->hw + 1; }

/* Into m: masks of the members (or haplotypes, hap = 1) drawn at least k
 * times, k = 1..maxw, so that a weighted count is a sum of popcounts. */
static int weight_masks(const int *w, int n, int hap, int words, uint64_t *m)
{
    int maxw = 1;
    for (int i = 0; w && i < n; i++) if (w[i] > maxw) maxw = w[i];
    memset(m, 0, ((size_t)maxw * words + 1) * sizeof *m);
    for (int i = 0; i < n; i++) {
        int wi = w ? w[i] : 1;
        for (int k = 0; k < wi; k++)
            for (int h = 0; h <= hap; h++) {
                int bit = hap ? 2 * i + h : i;
                m[(size_t)k * words + (bit >> 6)] |= 1ull << (bit & 63);
            }
    }
    return maxw;
}

VS_CLONES_POPCNT
static double masked_count(const uint64_t *row, const uint64_t *mask, int maxw, int words)
{
    long c = 0;
    for (int k = 0; k < maxw; k++)
        for (int x = 0; x < words; x++) c += __builtin_popcountll(row[x] & mask[(size_t)k * words + x]);
    return (double)c;
}

VS_CLONES_POPCNT
static double masked_count2(const uint64_t *a, const uint64_t *b, const uint64_t *mask, int maxw, int words)
{
    long c = 0;
    for (int k = 0; k < maxw; k++)
        for (int x = 0; x < words; x++) c += __builtin_popcountll(a[x] & b[x] & mask[(size_t)k * words + x]);
    return (double)c;
}

void vs_cell_count(const vs_cell_t *c, const int *w, int64_t S, const vs_ld_pair_t *pair, int64_t n_pairs,
                   double *het, double *hom, double *n11, uint64_t *mask)
{
    int maxw = weight_masks(w, c->n, 0, c->sw, mask);
    for (int64_t s = 0; s < S; s++) {
        het[s] = masked_count(c->het + s * c->sw, mask, maxw, c->sw);
        hom[s] = masked_count(c->hom + s * c->sw, mask, maxw, c->sw);
    }
    maxw = weight_masks(w, c->n, 1, c->hw, mask);
    for (int64_t p = 0; p < n_pairs; p++)
        n11[p] = masked_count2(c->hap + pair[p].i * c->hw, c->hap + pair[p].j * c->hw, mask, maxw, c->hw);
}

int *vs_subset_members(const int *group_of, int n, int g, int *count)
{
    int *m = vs_malloc((n + 1) * sizeof *m), k = 0;
    for (int i = 0; i < n; i++) if (group_of[i] == g) m[k++] = i;
    *count = k;
    return m;
}

int *vs_subset_pick(const int *members, int n, int k, uint64_t seed, uint64_t stream)
{
    int *perm = vs_rng_permutation(n, seed, VS_RNG_SUBSET, stream), *out = vs_malloc((k + 1) * sizeof *out);
    uint8_t *take = vs_calloc(n + 1, 1);
    for (int i = 0; i < k; i++) take[perm[i]] = 1;
    for (int i = 0, j = 0; i < n; i++) if (take[i]) out[j++] = members[i];
    free(perm);
    free(take);
    return out;
}
