/* vs_pca against a direct eigendecomposition of the standardised genotype
 * covariance (GSL symmetric eigensolver on the full matrix). */
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_eigen.h>
#include "unit.h"
#include "vs_pca.h"
#include "vs_rng.h"

/* n samples, m sites, three populations with different allele frequencies
 * (so that the first two components stand clear of the noise). */
static vs_geno_t *toy(int n, int m)
{
    vs_geno_t *g = calloc(1, sizeof *g);
    g->n = n;
    g->n_sites = m;
    g->nw = (m + 63) / 64;
    g->h0 = calloc((size_t)n * g->nw, sizeof *g->h0);
    g->h1 = calloc((size_t)n * g->nw, sizeof *g->h1);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) {
            int pop = 3 * i / n;
            double p = pop == 0 ? 0.1 + 0.8 * j / m : pop == 1 ? 0.9 - 0.8 * j / m : (j % 2 ? 0.85 : 0.15);
            for (int h = 0; h < 2; h++)
                if (vs_rng_unif(3, VS_RNG_SPLIT, (uint64_t)i * 2 + h, (uint64_t)j) < p)
                    (h ? g->h1 : g->h0)[(size_t)i * g->nw + j / 64] |= 1ull << (j % 64);
        }
    return g;
}

static int dose(const vs_geno_t *g, int i, int j)
{
    return (int)((g->h0[(size_t)i * g->nw + j / 64] >> (j % 64)) & 1) + (int)((g->h1[(size_t)i * g->nw + j / 64] >> (j % 64)) & 1);
}

int main(void)
{
    int n = 60, m = 150, k = 3;
    vs_geno_t *g = toy(n, m);
    vs_pca_t *p = vs_pca_fit(g, k, 0.01, 1);
    CHECK(p->k == k, "PCA: %d components", k);
    /* the direct way: X X' (n x n) of the same standardised matrix */
    double *x = calloc((size_t)n * m, sizeof *x);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) x[(size_t)i * m + j] = (dose(g, i, j) - p->mean[j]) * p->scale[j];
    gsl_matrix *c = gsl_matrix_calloc(n, n), *v = gsl_matrix_alloc(n, n);
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++) {
            double s = 0;
            for (int j = 0; j < m; j++) s += x[(size_t)a * m + j] * x[(size_t)b * m + j];
            gsl_matrix_set(c, a, b, s);
        }
    gsl_vector *ev = gsl_vector_alloc(n);
    gsl_eigen_symmv_workspace *w = gsl_eigen_symmv_alloc(n);
    gsl_eigen_symmv(c, ev, v, w);
    gsl_eigen_symmv_sort(ev, v, GSL_EIGEN_SORT_VAL_DESC);
    double total = 0;
    for (int i = 0; i < n; i++) total += gsl_vector_get(ev, i);
    /* scores of sample i on component q are sqrt(lambda_q) u_iq, up to sign */
    for (int q = 0; q < 2; q++) {
        double worst = 0, sign = 0, score[3];
        for (int i = 0; i < n; i++) {
            vs_pca_project(p, g, i, score);
            double want = sqrt(gsl_vector_get(ev, q)) * gsl_matrix_get(v, i, q);
            if (sign == 0 && fabs(want) > 1e-6) sign = score[q] * want > 0 ? 1 : -1;
            worst = fmax(worst, fabs(score[q] - sign * want));
        }
        CHECK(worst < 1e-6 * sqrt(gsl_vector_get(ev, 0)), "PCA: component %d scores equal the direct eigenvectors "
              "(max |diff| %.2g)", q + 1, worst);
        CHECK_NEAR(p->share[q], gsl_vector_get(ev, q) / total, 1e-8, "PCA: component %d variance share", q + 1);
    }
    double s1[3], s2[3];
    vs_pca_project(p, g, 0, s1);
    vs_pca_project(p, g, n - 1, s2);
    CHECK(fabs(s1[0] - s2[0]) > 1, "PCA: the first and last populations lie apart on PC1");
    vs_pca_destroy(p);
    gsl_vector_free(ev);
    gsl_matrix_free(c);
    gsl_matrix_free(v);
    gsl_eigen_symmv_free(w);
    free(x);
    free(g->h0);
    free(g->h1);
    free(g);
    UNIT_DONE();
}
