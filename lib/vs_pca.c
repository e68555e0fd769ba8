#include "vs_pca.h"
#include "vs_err.h"
#include "vs_rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>

#define OVERSAMPLE 10
#define POWER_STEPS 6

static int dosage(const vs_geno_t *g, int i, int64_t j)
{
    uint64_t bit = 1ull << (j & 63);
    size_t w = (size_t)(j >> 6);
    return !!(vs_geno_h0(g, i)[w] & bit) + !!(vs_geno_h1(g, i)[w] & bit);
}

/* Y (n x L) = X M, where X is g standardised and M is sites x L: the dosage
 * times scale*M over each sample's ALT alleles, less the mean part. */
static void times_m(const vs_pca_t *p, const vs_geno_t *g, const gsl_matrix *M, gsl_matrix *Y)
{
    int L = (int)M->size2;
    double *offset = vs_calloc(L, sizeof *offset);
    for (int64_t j = 0; j < p->n_sites; j++)
        for (int c = 0; c < L; c++) offset[c] += p->mean[j] * p->scale[j] * gsl_matrix_get(M, j, c);
#pragma omp parallel for schedule(dynamic, 16)
    for (int i = 0; i < g->n; i++) {
        double *y = gsl_matrix_ptr(Y, i, 0);
        for (int c = 0; c < L; c++) y[c] = -offset[c];
        for (int plane = 0; plane < 2; plane++) {
            const uint64_t *h = plane ? vs_geno_h1(g, i) : vs_geno_h0(g, i);
            for (int w = 0; w < g->nw; w++)
                for (uint64_t x = h[w]; x; x &= x - 1) {
                    int64_t j = (int64_t)w * 64 + __builtin_ctzll(x);
                    const double *m = gsl_matrix_const_ptr(M, j, 0);
                    for (int c = 0; c < L; c++) y[c] += p->scale[j] * m[c];
                }
        }
    }
    free(offset);
}

/* Z (sites x L) = X' Q, one 64-site word per task so that no two threads
 * write the same row. */
static void transpose_times(const vs_pca_t *p, const vs_geno_t *g, const gsl_matrix *Q, gsl_matrix *Z)
{
    int L = (int)Q->size2;
    double *colsum = vs_calloc(L, sizeof *colsum);
    for (int i = 0; i < g->n; i++)
        for (int c = 0; c < L; c++) colsum[c] += gsl_matrix_get(Q, i, c);
    gsl_matrix_set_zero(Z);
#pragma omp parallel for schedule(dynamic, 4)
    for (int w = 0; w < g->nw; w++) {
        for (int i = 0; i < g->n; i++) {
            const double *q = gsl_matrix_const_ptr(Q, i, 0);
            for (int plane = 0; plane < 2; plane++)
                for (uint64_t x = (plane ? vs_geno_h1(g, i) : vs_geno_h0(g, i))[w]; x; x &= x - 1) {
                    double *z = gsl_matrix_ptr(Z, (size_t)w * 64 + __builtin_ctzll(x), 0);
                    for (int c = 0; c < L; c++) z[c] += q[c];
                }
        }
        for (int64_t j = (int64_t)w * 64; j < p->n_sites && j < (int64_t)(w + 1) * 64; j++) {
            double *z = gsl_matrix_ptr(Z, j, 0);
            for (int c = 0; c < L; c++) z[c] = p->scale[j] * (z[c] - p->mean[j] * colsum[c]);
        }
    }
    free(colsum);
}

/* A <- an orthonormal basis of its columns: Householder QR, then Q times
 * the first columns of the identity (the thin Q). */
static void orthonormalise(gsl_matrix *A)
{
    size_t M = A->size1, L = A->size2;
    gsl_vector *tau = gsl_vector_alloc(L), *v = gsl_vector_alloc(M);
    gsl_matrix *QR = gsl_matrix_alloc(M, L);
    gsl_matrix_memcpy(QR, A);
    if (gsl_linalg_QR_decomp(QR, tau)) vs_fatal("internal error: PCA: the QR decomposition failed");
    for (size_t c = 0; c < L; c++) {
        gsl_vector_set_basis(v, c);
        gsl_linalg_QR_Qvec(QR, tau, v);
        gsl_matrix_set_col(A, c, v);
    }
    gsl_vector_free(tau);
    gsl_vector_free(v);
    gsl_matrix_free(QR);
}

static void standardise(vs_pca_t *p, const vs_geno_t *g, double min_maf)
{
    p->mean = vs_calloc(p->n_sites + 1, sizeof *p->mean);
    p->scale = vs_calloc(p->n_sites + 1, sizeof *p->scale);
    for (int64_t j = 0; j < p->n_sites; j++) {
        long alt = 0;
        for (int i = 0; i < g->n; i++) alt += dosage(g, i, j);
        double f = (double)alt / (2.0 * g->n);
        p->mean[j] = 2 * f;
        if (fmin(f, 1 - f) >= min_maf && f > 0 && f < 1) {
            p->scale[j] = 1 / sqrt(2 * f * (1 - f));
            p->n_used++;
        }
    }
}

/* Total variance: the squared Frobenius norm of the standardised matrix. */
static double total_variance(const vs_pca_t *p, const vs_geno_t *g)
{
    double t = 0;
    for (int64_t j = 0; j < p->n_sites; j++) {
        if (p->scale[j] == 0) continue;
        long n[3] = { 0, 0, 0 };
        for (int i = 0; i < g->n; i++) n[dosage(g, i, j)]++;
        for (int d = 0; d < 3; d++) t += n[d] * pow((d - p->mean[j]) * p->scale[j], 2);
    }
    return t;
}

vs_pca_t *vs_pca_fit(const vs_geno_t *g, int k, double min_maf, uint64_t seed)
{
    vs_pca_t *p = vs_calloc(1, sizeof *p);
    p->n_sites = g->n_sites;
    standardise(p, g, min_maf);
    int L = k + OVERSAMPLE;
    if (L > g->n) L = g->n;
    if (L > p->n_used) L = (int)p->n_used;
    if (L < k) k = L;
    p->k = k;
    p->loading = vs_calloc((size_t)p->n_sites * (k ? k : 1), sizeof *p->loading);
    p->share = vs_calloc(k + 1, sizeof *p->share);
    if (k == 0) return p;

    gsl_matrix *Z = gsl_matrix_alloc(p->n_sites, L), *Y = gsl_matrix_alloc(g->n, L);
    vs_stream_t st;
    vs_stream_set(&st, seed, VS_RNG_PCA, 0x9ca, 0);
    for (int64_t j = 0; j < p->n_sites; j++)
        for (int c = 0; c < L; c++) gsl_matrix_set(Z, j, c, gsl_ran_gaussian(vs_stream_gsl(&st), 1));
    for (int step = 0; step < POWER_STEPS; step++) {
        times_m(p, g, Z, Y);
        orthonormalise(Y);
        transpose_times(p, g, Y, Z);
        if (step + 1 < POWER_STEPS) orthonormalise(Z);
    }
    /* Z = X'Q; the eigenvectors W of Z'Z give the right singular vectors Z W / sigma */
    gsl_matrix *ZtZ = gsl_matrix_alloc(L, L), *W = gsl_matrix_alloc(L, L);
    gsl_vector *ev = gsl_vector_alloc(L);
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1, Z, Z, 0, ZtZ);
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(L);
    gsl_eigen_symmv(ZtZ, ev, W, ws);
    gsl_eigen_symmv_sort(ev, W, GSL_EIGEN_SORT_VAL_DESC);
    double total = total_variance(p, g);
    for (int c = 0; c < k; c++) {
        double s2 = gsl_vector_get(ev, c), sigma = sqrt(fmax(s2, 1e-300)), sum = 0;
        for (int64_t j = 0; j < p->n_sites; j++) {
            double v = 0;
            for (int l = 0; l < L; l++) v += gsl_matrix_get(Z, j, l) * gsl_matrix_get(W, l, c);
            p->loading[j * k + c] = v / sigma;
            sum += v;
        }
        if (sum < 0)     /* a fixed sign, so that runs agree */
            for (int64_t j = 0; j < p->n_sites; j++) p->loading[j * k + c] = -p->loading[j * k + c];
        p->share[c] = total > 0 ? s2 / total : 0;
    }
    gsl_eigen_symmv_free(ws);
    gsl_vector_free(ev);
    gsl_matrix_free(W);
    gsl_matrix_free(ZtZ);
    gsl_matrix_free(Z);
    gsl_matrix_free(Y);
    return p;
}

void vs_pca_project(const vs_pca_t *p, const vs_geno_t *g, int i, double *score)
{
    for (int c = 0; c < p->k; c++) score[c] = 0;
    for (int64_t j = 0; j < p->n_sites; j++) {
        if (p->scale[j] == 0) continue;
        double x = (dosage(g, i, j) - p->mean[j]) * p->scale[j];
        if (x != 0)
            for (int c = 0; c < p->k; c++) score[c] += x * p->loading[j * p->k + c];
    }
}

void vs_pca_destroy(vs_pca_t *p)
{
    if (!p) return;
    free(p->mean);
    free(p->scale);
    free(p->loading);
    free(p->share);
    free(p);
}
