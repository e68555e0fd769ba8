/* vs_pca: principal components of a cohort's genotypes (sites standardised
 * by their allele frequency, as in plink2 --pca and EIGENSOFT), found by
 * randomised subspace iteration (Halko, Martinsson and Tropp 2011) with
 * GSL's QR and symmetric eigensolver, so that thousands of samples take
 * seconds; any other cohort on the same sites can then be projected. */
#ifndef VS_PCA_H
#define VS_PCA_H

#include <stdint.h>
#include "vs_geno.h"

typedef struct {
    int k;                 /* components */
    int64_t n_sites, n_used;
    double *mean;          /* per site: 2p, the mean dosage */
    double *scale;         /* per site: 1/sqrt(2p(1-p)), 0 for a site left out */
    double *loading;       /* n_sites x k */
    double *share;         /* k: the share of the total variance each component explains */
} vs_pca_t;

/* Fit on every sample of g, using the sites whose minor allele frequency is
 * at least min_maf; `seed` keys the random start (results do not depend on
 * the number of threads). */
vs_pca_t *vs_pca_fit(const vs_geno_t *g, int k, double min_maf, uint64_t seed);
/* Scores of sample i of g (on the same sites) into score[k]. */
void vs_pca_project(const vs_pca_t *p, const vs_geno_t *g, int i, double *score);
void vs_pca_destroy(vs_pca_t *p);

#endif
