/* vs_cohorts: the synthetic, training and holdout cohorts that
 * vcf-linkage-attack and vcf-fidelity judge, read and put on the sites all
 * three share (CHROM, POS, REF, ALT), with each site's genetic position and
 * each sample's group. */
#ifndef VS_COHORTS_H
#define VS_COHORTS_H

#include <stdint.h>
#include "vs_geno.h"
#include "vs_groups.h"
#include "vs_sitemap.h"

enum { VS_SYN, VS_TRAIN, VS_HOLDOUT };

/* Fewer common sites than this make every attack and fidelity row
 * "insufficient": a verdict from a handful of sites would say nothing. */
#define VS_COHORTS_MIN_SITES 50

typedef struct {
    const char *path[3];            /* synthetic, training, holdout */
    const char *groups, *group_column;
    vs_map_opts_t map;
    int label_synthetic;            /* synthetic samples get groups too: the table, else ##SAMPLE Group= */
    int keep_site_names;
} vs_cohorts_opts_t;

typedef struct {
    vs_geno_t *geno[3];             /* on the common sites, in the training panel's order */
    int64_t n_sites, sites_in[3];
    double *cm;                     /* genetic position of each common site */
    uint8_t *contig_start;          /* 1 at each contig's first common site */
    char **site_name;               /* "CHROM\tPOS\tREF\tALT", with keep_site_names */
    char **names[3];                /* sample names of each cohort */
    vs_groups_t *groups;            /* over training, then holdout, then synthetic samples */
    int *group_of[3];               /* per cohort and sample, an index into groups->names; NULL for an
                                       unlabelled synthetic cohort */
} vs_cohorts_t;

/* A cohort as the judges read it: multi-allelic records skipped (and
 * counted), unphased genotypes allowed.  NULL with an error. */
vs_panel_t *vs_cohort_read(const char *path, int keep_site_names, vs_error_t *e);
/* Genetic positions of the listed sites of p, and where each contig starts:
 * 0, or -1 with an error when a map cannot be used. */
int vs_cohort_positions(const vs_panel_t *p, const int64_t *sites, int64_t n, const vs_map_opts_t *map,
                        double **cm, uint8_t **contig_start, vs_error_t *e);
/* NULL with an error when a file or the groups table cannot be read, the
 * training and holdout cohorts share a sample, or the three share no site. */
vs_cohorts_t *vs_cohorts_load(const vs_cohorts_opts_t *o, vs_error_t *e);
void vs_cohorts_destroy(vs_cohorts_t *c);

#endif
