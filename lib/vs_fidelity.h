/* vs_fidelity: what vcf-fidelity does, as a library call (DESIGN.md section
 * 8).  Per group, a subset of the synthetic cohort and a subset of the
 * holdout of the same size are each measured against the training cohort
 * the same way: the holdout, real people the generator never saw, is the
 * baseline a generator that draws new people from the training population
 * can match.  The ratio synthetic/baseline gets a bootstrap interval, and
 * per metric the gap between the best and the worst group shows whether the
 * synthetic data widened (amplified) the gap the real data already has.
 * Judges any generator's output: knows nothing of the model or sampler. */
#ifndef VS_FIDELITY_H
#define VS_FIDELITY_H

#include <stdint.h>
#include <stdio.h>
#include "vs_sitemap.h"

typedef struct {
    const char *syn, *train, *holdout;
    const char *groups, *group_column;
    vs_map_opts_t map;
    int bootstrap;              /* resamples for the intervals */
    double level;               /* of the intervals: 0.95 */
    int ld_pairs;               /* site pairs per distance bin, at most */
    int keep_site_names;        /* for vs_fidelity_af_table */
    uint64_t seed;
    const char *utility_pheno;  /* vcf-pheno effects file: PRS and GWAS utility rows (vs_prs), or NULL */
    double gwas_p;              /* their genome-wide significance [5e-8] */
} vs_fidelity_opts_t;

void vs_fidelity_opts_init(vs_fidelity_opts_t *o);

typedef struct {
    char *group;                /* a group, "all", or "A:B" for an Fst pair */
    char *metric;
    double syn, base, ratio, lo, hi;
    const char *flag;           /* ok, worse, better, low, high, insufficient */
} vs_fid_row_t;

typedef struct {
    char *metric;
    char *worst_group;
    double gap_syn, gap_base, amp, lo, hi;
    const char *flag;           /* ok, amplified, reduced, NA */
} vs_fid_bias_t;

/* Frees report rows and bias rows (their strings too). */
void vs_fid_rows_free(vs_fid_row_t *rows, int n_rows, vs_fid_bias_t *bias, int n_bias);

/* What the HTML report draws (point estimates). */
enum { VS_FID_SYN, VS_FID_HOLDOUT, VS_FID_TRAIN, VS_FID_SETS };
typedef struct {
    int n_groups;               /* the groups, then "all" at index n_groups */
    char **groups;
    int *n[VS_FID_SETS];        /* samples per group and set */
    int64_t n_sites;
    double *af[VS_FID_SETS];    /* (n_groups + 1) x n_sites */
    int n_bins;
    double *bin_mid;            /* cM, per distance bin */
    double *ld[VS_FID_SETS];    /* (n_groups + 1) x n_bins, mean r^2 */
    int n_points;               /* PCA: per sample its set, group and PC1, PC2 */
    int *pt_set, *pt_group;
    double *pt_pc;              /* n_points x 2 */
    double pc_share[2];
    double *fst[VS_FID_SETS];   /* n_groups x n_groups */
} vs_fid_plot_t;

typedef struct {
    int n_rows, n_bias;
    vs_fid_row_t *rows;
    vs_fid_bias_t *bias;
    int64_t sites_used, sites_in[3];
    int bootstrap;
    double level;
    vs_fid_plot_t plot;
    char **site_name;           /* with keep_site_names */
    double *af_full;            /* with keep_site_names: whole cohorts, (n_groups + 1) x 3 x n_sites */
    int64_t n_ld;               /* the LD pairs and their r^2, (n_groups + 1) x 3 per pair */
    int64_t *ld_i, *ld_j;
    double *ld_r2;
    double *cm;
} vs_fidelity_t;

/* NULL with an error when a cohort, the groups table or the --utility-pheno
 * model cannot be read, or no group has enough samples. */
vs_fidelity_t *vs_fidelity_run(const vs_fidelity_opts_t *o, vs_error_t *e);
void vs_fidelity_destroy(vs_fidelity_t *f);

#endif
