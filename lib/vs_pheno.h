/* vs_pheno: a known causal model of a trait, applied to any cohort (DESIGN.md
 * section 8.1).  An additive model on ALT dosages (0, 1, 2) at biallelic
 * sites: score = sum_j beta_j d_j - mean, trait = score + shift(group) + e,
 * e ~ N(0, env_sd^2) drawn from a stream keyed by (seed, sample name), so a
 * sample gets the same noise in any file and any order; with a prevalence,
 * the trait is a liability and status = 2 (case) above the threshold, else 1
 * (control), as plink2 reads it.  The effects (per-allele betas, the mean
 * used for centring, env_sd, the threshold, the group shifts) are absolute:
 * applied to another cohort they are the same truth, and its realised h2
 * and case fraction reflect its own genetics. */
#ifndef VS_PHENO_H
#define VS_PHENO_H

#include <stdint.h>
#include "vs_err.h"
#include <stdio.h>

typedef struct vs_effects_t vs_effects_t;
struct vs_effects_t {
    int n;                          /* causal variants, in input order */
    char **chrom, **ref, **alt;
    int64_t *pos;
    double *af, *beta;              /* ALT frequency in the cohort drawn on; per-ALT-allele effect */
    double h2, alpha, mean, env_sd;
    double prevalence, threshold;   /* NaN for a quantitative trait */
    uint64_t seed;
    int n_shift;
    char **shift_group;
    double *shift;                  /* added to the trait of that group's samples */
    int n_fit;                      /* samples of the cohort the model was drawn on */
    void *index;                    /* "CHROM\tPOS\tREF\tALT" -> variant, built on demand */
};

/* vcf-pheno's options. */
typedef struct {
    const char *input;
    const char *causal;             /* N, or a file of CHROM POS [REF ALT] lines */
    double min_maf, h2, alpha, prevalence;   /* prevalence NaN: quantitative */
    const char *shift;              /* GROUP=delta,... */
    const char *groups, *group_column;
    const char *effects;            /* reuse this model */
    const char *effects_out;
    const char *output;
    uint64_t seed;
    int seed_given, no_version;
    int iid_only;                   /* #IID ... (plink2's own VCF import has no FID) */
} vs_pheno_opts_t;

void vs_pheno_opts_init(vs_pheno_opts_t *o);

/* Phenotypes of a cohort. */
typedef struct {
    int n;
    double *score;                  /* genetic value: sum beta d - mean */
    double *liability;              /* score + shift + e */
    int *status;                    /* with a prevalence: 1 control, 2 case; else NULL */
} vs_pheno_t;

/* The parsed --shift list into e: 0, or -1 with a usage error in err. */
int vs_pheno_parse_shift(const char *spec, vs_effects_t *e, vs_error_t *err);

/* The model file: ## lines (h2, alpha, mean, env_sd, prevalence, threshold,
 * seed, shift, n_fit, provenance), then #CHROM POS REF ALT AF BETA. */
/* NULL with an error naming the file and line when it cannot be read or is
 * not such a file. */
vs_effects_t *vs_effects_read(const char *path, vs_error_t *e);
void vs_effects_write(const vs_effects_t *e, FILE *fp, int no_version);
/* The variant at that site, or -1. */
int vs_effects_find(vs_effects_t *e, const char *chrom, int64_t pos, const char *ref, const char *alt);
void vs_effects_destroy(vs_effects_t *e);

/* Draws the effect of each of the n variants (ALT frequency af, key their
 * site hash) and scales them so that the genetic value over the n_samples
 * dosage rows (variant-major) has variance h2; sets mean and env_sd.  -1
 * with an error when the variants give every sample the same value. */
int vs_effects_draw(vs_effects_t *e, const uint64_t *key, const uint8_t *dosage, int n_samples, vs_error_t *err);

/* score[i] += beta of variant v x dosage[i], for every sample. */
void vs_pheno_add(const vs_effects_t *e, int v, const uint8_t *dosage, int n_samples, double *score);
/* From the summed scores: centred scores, shifts (group_of indexes
 * group_names, may be NULL), noise, liability and status. */
vs_pheno_t *vs_pheno_finish(const vs_effects_t *e, double *score, int n, char *const *names,
                            const int *group_of, char *const *group_names);
/* The threshold above which a fraction prevalence of the liabilities lie
 * (midway between two order statistics), into *threshold; -1 with an error
 * when that is no sample or all. */
int vs_pheno_threshold(const double *liability, int n, double prevalence, double *threshold, vs_error_t *err);
void vs_pheno_destroy(vs_pheno_t *p);

/* The options' own consistency (--shift well formed, and not with --effects;
 * --causal N in range), before any file is read: 0, or -1 with a usage
 * error in err. */
int vs_pheno_check(const vs_pheno_opts_t *o, vs_error_t *err);
/* vcf-pheno: reads opts->input, writes the table (and the effects); 0, or -1
 * with an error. */
int vs_pheno_run(const vs_pheno_opts_t *o, vs_error_t *err);

#endif
