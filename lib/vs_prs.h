/* vs_prs: utility shown by models (DESIGN.md section 8.1), for
 * vcf-fidelity --utility-pheno.  One causal model (vs_pheno) gives the
 * synthetic, training and holdout cohorts their phenotypes; a polygenic score
 * is fitted by clumping and P-value thresholding once on the synthetic cohort
 * and once on an equal-size random subset of the training cohort, and both
 * are scored on the holdout (R^2, or AUC for case/control), per group, with a
 * paired bootstrap over holdout samples; GWAS recovery of the causal loci
 * compares the two fitting cohorts.  Association statistics are those of
 * plink2 --glm (linear, or logistic with Firth fallback) on ALT dosages. */
#ifndef VS_PRS_H
#define VS_PRS_H

#include <stdint.h>
#include "vs_cohorts.h"
#include "vs_fidelity.h"

/* One site's marginal association: BETA (per ALT allele; log odds ratio for
 * logistic), its standard error, T or Z statistic and two-sided P; NaN
 * when the dosage is constant or the fit fails.  firth: the logistic fit
 * fell back to Firth's penalised likelihood. */
typedef struct {
    double beta, se, stat, p;
    int firth;
} vs_assoc_t;

/* y: the trait (linear) or 0/1 (logistic), for the n samples whose ALT
 * dosages (0, 1, 2) are d. */
void vs_assoc_linear(const uint8_t *d, const double *y, int n, vs_assoc_t *out);
void vs_assoc_logistic(const uint8_t *d, const double *y, int n, vs_assoc_t *out);

typedef struct {
    const char *effects;        /* vcf-pheno's model file */
    double gwas_p;              /* genome-wide significance for GWAS recovery [5e-8] */
    int bootstrap;
    double level;
    uint64_t seed;
} vs_prs_opts_t;

typedef struct {
    int n_rows, n_bias;
    vs_fid_row_t *rows;         /* prs_r2 or prs_auc per group and "all", gwas_recovery */
    vs_fid_bias_t *bias;
} vs_prs_t;

vs_prs_t *vs_prs_run(const vs_cohorts_t *co, const vs_prs_opts_t *o, vs_error_t *e);
void vs_prs_destroy(vs_prs_t *p);

#endif
