#include "vs_geno.h"
#include "vs_cpu.h"
#include "vs_err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <htslib/khash.h>

KHASH_MAP_INIT_INT64(key2site, int64_t)

int64_t vs_match_sites(vs_panel_t *const *panels, int np, int64_t **idx)
{
    khash_t(key2site) **h = vs_calloc(np, sizeof *h);
    for (int k = 1; k < np; k++) {
        h[k] = kh_init(key2site);
        for (int64_t s = 0; s < panels[k]->n_sites; s++) {
            int absent;
            khiter_t it = kh_put(key2site, h[k], panels[k]->site_key[s], &absent);
            if (absent) kh_val(h[k], it) = s;        /* a repeated site: its first record */
        }
    }
    for (int k = 0; k < np; k++) idx[k] = vs_malloc((panels[0]->n_sites + 1) * sizeof **idx);
    int64_t n = 0;
    for (int64_t s = 0; s < panels[0]->n_sites; s++) {
        int k = 1;
        for (; k < np; k++) {
            khiter_t it = kh_get(key2site, h[k], panels[0]->site_key[s]);
            if (it == kh_end(h[k])) break;
            idx[k][n] = kh_val(h[k], it);
        }
        if (k < np) continue;
        idx[0][n++] = s;
    }
    for (int k = 1; k < np; k++) kh_destroy(key2site, h[k]);
    free(h);
    return n;
}

static vs_geno_t *geno_alloc(int n, int64_t n_sites)
{
    vs_geno_t *g = vs_calloc(1, sizeof *g);
    g->n = n;
    g->n_sites = n_sites;
    g->nw = (int)((n_sites + 63) / 64);
    g->h0 = vs_calloc((size_t)n * g->nw + 1, sizeof *g->h0);
    g->h1 = vs_calloc((size_t)n * g->nw + 1, sizeof *g->h1);
    return g;
}

vs_geno_t *vs_geno_from_panel(const vs_panel_t *p, const int64_t *sites, int64_t n_sites)
{
    vs_geno_t *g = geno_alloc(p->n_samples, n_sites);
    g->phased = p->phased;
    for (int64_t j = 0; j < n_sites; j++) {
        uint64_t bit = 1ull << (j & 63);
        size_t w = (size_t)(j >> 6);
        for (int i = 0; i < p->n_samples; i++) {
            if (vs_panel_allele(p, sites[j], 2 * i)) g->h0[(size_t)i * g->nw + w] |= bit;
            if (vs_panel_allele(p, sites[j], 2 * i + 1)) g->h1[(size_t)i * g->nw + w] |= bit;
        }
    }
    return g;
}

vs_geno_t *vs_geno_subset(const vs_geno_t *g, const int *samples, int n)
{
    vs_geno_t *s = geno_alloc(n, g->n_sites);
    s->phased = g->phased;
    for (int i = 0; i < n; i++) {
        memcpy(s->h0 + (size_t)i * s->nw, vs_geno_h0(g, samples[i]), g->nw * sizeof *s->h0);
        memcpy(s->h1 + (size_t)i * s->nw, vs_geno_h1(g, samples[i]), g->nw * sizeof *s->h1);
    }
    return s;
}

void vs_geno_destroy(vs_geno_t *g)
{
    if (!g) return;
    free(g->h0);
    free(g->h1);
    free(g);
}

VS_CLONES_POPCNT
int vs_geno_distance(const vs_geno_t *a, int i, const vs_geno_t *b, int j)
{
    const uint64_t *a0 = vs_geno_h0(a, i), *a1 = vs_geno_h1(a, i), *b0 = vs_geno_h0(b, j), *b1 = vs_geno_h1(b, j);
    int d = 0;
    for (int w = 0; w < a->nw; w++)   /* a genotype differs when its carrier or hom-alt bit does */
        d += __builtin_popcountll(((a0[w] | a1[w]) ^ (b0[w] | b1[w])) | ((a0[w] & a1[w]) ^ (b0[w] & b1[w])));
    return d;
}

VS_CLONES_POPCNT
int vs_hap_distance(const vs_geno_t *a, int i, const vs_geno_t *b, int j)
{
    const uint64_t *a0 = vs_geno_h0(a, i), *a1 = vs_geno_h1(a, i), *b0 = vs_geno_h0(b, j), *b1 = vs_geno_h1(b, j);
    int straight = 0, crossed = 0;
    for (int w = 0; w < a->nw; w++) {
        straight += __builtin_popcountll(a0[w] ^ b0[w]) + __builtin_popcountll(a1[w] ^ b1[w]);
        crossed += __builtin_popcountll(a0[w] ^ b1[w]) + __builtin_popcountll(a1[w] ^ b0[w]);
    }
    return straight < crossed ? straight : crossed;
}

VS_CLONES_POPCNT
void vs_king_pair(const vs_geno_t *a, int i, const vs_geno_t *b, int j, vs_king_counts_t *c)
{
    const uint64_t *a0 = vs_geno_h0(a, i), *a1 = vs_geno_h1(a, i), *b0 = vs_geno_h0(b, j), *b1 = vs_geno_h1(b, j);
    int hethet = 0, ibs0 = 0;
    for (int w = 0; w < a->nw; w++) {
        /* opposite homozygotes: both haplotypes differ, and they agree within each sample */
        uint64_t both_differ = (a0[w] ^ b0[w]) & (a1[w] ^ b1[w]);
        hethet += __builtin_popcountll((a0[w] ^ a1[w]) & (b0[w] ^ b1[w]));
        ibs0 += __builtin_popcountll(both_differ & ~(a0[w] ^ a1[w]));
    }
    c->hethet = hethet;
    c->ibs0 = ibs0;
}

VS_CLONES_POPCNT
int vs_geno_het(const vs_geno_t *g, int i)
{
    const uint64_t *h0 = vs_geno_h0(g, i), *h1 = vs_geno_h1(g, i);
    int n = 0;
    for (int w = 0; w < g->nw; w++) n += __builtin_popcountll(h0[w] ^ h1[w]);
    return n;
}

int vs_geno_same(const vs_geno_t *a, int i, const vs_geno_t *b, int j)
{
    const uint64_t *a0 = vs_geno_h0(a, i), *a1 = vs_geno_h1(a, i), *b0 = vs_geno_h0(b, j), *b1 = vs_geno_h1(b, j);
    for (int w = 0; w < a->nw; w++)
        if ((a0[w] ^ a1[w]) != (b0[w] ^ b1[w]) || (a0[w] & a1[w]) != (b0[w] & b1[w])) return 0;
    return 1;
}

void vs_king_counts(const vs_geno_t *a, int i, const vs_geno_t *b, int j, vs_king_counts_t *c)
{
    vs_king_pair(a, i, b, j, c);
    c->het_a = vs_geno_het(a, i);
    c->het_b = vs_geno_het(b, j);
}

/* The between-family KING-robust estimator (Manichaikul et al. 2010, eq. 11),
 * scaled so that a duplicate scores 0.5, as plink2 --make-king-table reports it. */
double vs_king_kinship(const vs_king_counts_t *c)
{
    int mn = c->het_a < c->het_b ? c->het_a : c->het_b;
    if (mn == 0) return NAN;
    return (2.0 * c->hethet - 4.0 * c->ibs0 - c->het_a - c->het_b + 2.0 * mn) / (4.0 * mn);
}

void vs_knn_two_sample(const vs_geno_t *X, const int *x, const vs_geno_t *T, const int *t, int n, double *sx,
                       double *st)
{
#pragma omp parallel for schedule(dynamic, 8)
    for (int a = 0; a < 2 * n; a++) {
        const vs_geno_t *ga = a < n ? X : T;
        int ia = a < n ? x[a] : t[a - n];
        int best_d[VS_KNN], best_x[VS_KNN], found = 0;
        for (int b = 0; b < 2 * n; b++) {
            if (b == a) continue;
            int d = vs_geno_distance(ga, ia, b < n ? X : T, b < n ? x[b] : t[b - n]);
            int pos = found < VS_KNN ? found++ : VS_KNN;
            if (pos == VS_KNN && d >= best_d[VS_KNN - 1]) continue;
            if (pos == VS_KNN) pos = VS_KNN - 1;
            while (pos > 0 && best_d[pos - 1] > d) {
                best_d[pos] = best_d[pos - 1];
                best_x[pos] = best_x[pos - 1];
                pos--;
            }
            best_d[pos] = d;
            best_x[pos] = b < n;
        }
        double share = 0;
        for (int k = 0; k < found; k++) share += best_x[k];
        (a < n ? sx : st)[a < n ? a : a - n] = found ? share / found : 0.5;
    }
}
