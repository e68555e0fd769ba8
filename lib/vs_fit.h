/* vs_fit: what vcf-fit does, as a library call: resolves each contig's
 * genetic map, settles the groups, fits every group's Li-Stephens model and
 * fills the source representation report (DESIGN.md sections 4 and 4.1). */
#ifndef VS_FIT_H
#define VS_FIT_H

#include <stdint.h>
#include <stdio.h>
#include "vs_groups.h"
#include "vs_model.h"
#include "vs_panel.h"
#include "vs_sitemap.h"

/* --fit-sites: the fit costs at most what this many sites cost */
#define VS_FIT_SITES_DEFAULT 100000

typedef struct {
    vs_map_opts_t map;
    int fit_haplotypes;
    int64_t fit_sites;        /* beyond this many sites, fewer held-out haplotypes (0: never) */
    int fit_eps;
    double ne_min, ne_max;
    int min_group;            /* haplotypes */
    int small_groups_error;   /* else merge small groups into NA */
    uint64_t seed;
    int markov;               /* --kind markov: the shareable chain, not Li-Stephens */
    int context_sites;        /* markov: the longest context, sites */
    double context_cm;        /* markov: ... and centimorgans; 0: no limit */
    int min_carriers;         /* markov: prune to K carriers; 0: unpruned */
    double dp_epsilon;        /* markov: noise on the released counts; 0: none */
} vs_fit_opts_t;

#define VS_MARKOV_CONTEXT_DEFAULT VS_MARKOV_CONTEXT_MAX
#define VS_MARKOV_CONTEXT_CM_DEFAULT 0.05
#define VS_MARKOV_K_DEFAULT 5

void vs_fit_opts_init(vs_fit_opts_t *o);
/* A markov fit needs the panel read with keep_site_names. */
/* NULL with an error when a map cannot be used or no group can be fitted. */
vs_model_t *vs_fit(const vs_panel_t *p, const vs_groups_t *groups, const vs_fit_opts_t *o, vs_error_t *e);
/* --merge: the sum of markov models of the same sites (groups matched by
 * name).  Unpruned models (a trusted hub): the sum pruned to min_carriers
 * when it is not 0.  Pruned ones (each owner pruned): the sum as it is.
 * NULL with an error naming the first difference when they cannot be summed. */
vs_model_t *vs_fit_merge(vs_model_t **models, char *const *paths, int n, int min_carriers, vs_error_t *e);
/* The source report as TSV (header line, one row per group). */
void vs_fit_report_tsv(const vs_model_t *m, FILE *fp);

#endif
