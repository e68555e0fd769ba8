#include "vs_pbwt.h"
#include "vs_err.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define NONE INT_MAX

/* Allele at site k of combined haplotype id: panel haplotypes first. */
static inline int allele(const vs_geno_t *panel, const vs_geno_t *query, int id, int64_t k)
{
    const vs_geno_t *g = id < 2 * panel->n ? panel : query;
    int h = id < 2 * panel->n ? id : id - 2 * panel->n;
    const uint64_t *plane = (h & 1) ? vs_geno_h1(g, h >> 1) : vs_geno_h0(g, h >> 1);
    return (plane[k >> 6] >> (k & 63)) & 1;
}

/* Durbin's algorithm 2: sorts by reversed prefixes through site k; d[i] is
 * the first site of the match between a[i] and a[i-1] (k + 1: none). */
static void pbwt_step(const vs_geno_t *panel, const vs_geno_t *query, int64_t k, int N,
                      int *a, int *d, int *a1, int *d1)
{
    int n0 = 0, n1 = 0, p = (int)k + 1, q = (int)k + 1;
    for (int i = 0; i < N; i++) {
        if (d[i] > p) p = d[i];
        if (d[i] > q) q = d[i];
        if (allele(panel, query, a[i], k) == 0) {
            a[n0] = a[i];           /* n0 <= i: writing in place is safe */
            d[n0++] = p;
            p = 0;
        } else {
            a1[n1] = a[i];
            d1[n1++] = q;
            q = 0;
        }
    }
    memcpy(a + n0, a1, n1 * sizeof *a);
    memcpy(d + n0, d1, n1 * sizeof *d);
}

void vs_pbwt_longest_match(const vs_geno_t *panel, const vs_geno_t *query, const double *cm,
                           const uint8_t *contig_start, double *best)
{
    const int P = 2 * panel->n, N = P + 2 * query->n;
    int *a = vs_malloc(N * sizeof *a), *d = vs_calloc(N, sizeof *d);
    int *a1 = vs_malloc(N * sizeof *a1), *d1 = vs_malloc(N * sizeof *d1);
    int *up = vs_malloc(N * sizeof *up);
    for (int i = 0; i < N; i++) a[i] = i;
    for (int q = 0; q < 2 * query->n; q++) best[q] = 0;
    for (int64_t k = 0; k < panel->n_sites; k++) {
        if (contig_start[k])
            for (int i = 0; i < N; i++) if (d[i] < k) d[i] = (int)k;
        pbwt_step(panel, query, k, N, a, d, a1, d1);
        /* downwards: up[id] = start of the match with the nearest panel haplotype above */
        int cur = NONE;
        for (int i = 0; i < N; i++) {
            if (cur != NONE && d[i] > cur) cur = d[i];
            if (a[i] >= P) up[a[i]] = cur;
            else cur = -1;
        }
        /* upwards: the nearest panel haplotype below, and the better of the two */
        cur = NONE;
        for (int i = N - 1; i >= 0; i--) {
            if (a[i] >= P) {
                int start = up[a[i]] < cur ? up[a[i]] : cur;
                if (start <= k) {
                    double len = cm[k] - cm[start];
                    if (len > best[a[i] - P]) best[a[i] - P] = len;
                }
                if (cur != NONE && d[i] > cur) cur = d[i];
            } else {
                cur = d[i];
            }
        }
    }
    free(a);
    free(d);
    free(a1);
    free(d1);
    free(up);
}
