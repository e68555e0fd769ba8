/* vs_condition: carrier conditioning of vcf-synth (DESIGN.md section 5.3).
 *
 * --condition CHR:POS:REF:ALT=k[,fraction=F][,group=G]: a share F of the
 * samples (of group G, or of every group not admixed) carry exactly k copies
 * of ALT at that record.  Not an edited genotype: each of their haplotypes
 * must copy a template with its target allele at the site (ALT on k of the
 * two), and the copying process is conditioned on it (vs_sample.h):
 * the piece covering the site copies a carrier of the allele, so the
 * haplotype's background around the site is a real carrier background. */
#ifndef VS_CONDITION_H
#define VS_CONDITION_H

#include <stdint.h>
#include "vs_err.h"
#include "vs_model.h"

typedef struct {
    char *spec;                /* as given */
    char *contig, *ref, *alt;
    int64_t pos;
    int k;                     /* ALT copies, 0-2 */
    double fraction;           /* of the eligible samples [1] */
    int group;                 /* model group, or -1: every group */
    /* set from the model and the panel before sampling */
    int model_contig;
    double x;                  /* genetic position, Morgans */
    uint8_t *panel_alleles;    /* the record's allele on each panel haplotype */
} vs_condition_t;

/* Parses one --condition value (groups named as in the model): 0, or -1
 * with a usage error in e (c left freed). */
int vs_condition_parse(const vs_model_t *m, const char *spec, vs_condition_t *c, vs_error_t *e);
/* Sets model_contig and x; -1 with a data error when the model has no such
 * contig or the position lies outside its sites. */
int vs_condition_locate(const vs_model_t *m, vs_condition_t *c, vs_error_t *e);
void vs_condition_free(vs_condition_t *c);

/* A set of --condition values: each site once; -1 with a usage error in e. */
int vs_condition_check_set(const vs_condition_t *c, int n_cond, vs_error_t *e);
/* Which samples each condition takes: per sample the index of its condition
 * or -1.  sample_group: indices into the model's groups, admixed groups
 * (>= n_model_groups) never conditioned.  A sample takes one condition at
 * most; NULL with a usage error when a condition cannot get its samples. */
int *vs_condition_assign(const vs_condition_t *c, int n_cond, const int *sample_group, int n_samples,
                         int n_model_groups, uint64_t seed, vs_error_t *e);
/* The target allele of haplotype 0 or 1 of a conditioned sample (k = 1: the
 * ALT haplotype drawn by the seed). */
int vs_condition_allele(const vs_condition_t *c, int sample, int which, uint64_t seed);

#endif
