/* vs_metrics: statistics on bit-packed haplotype rows, for judging any
 * generator's output (it knows nothing of the model or the sampler). */
#ifndef VS_METRICS_H
#define VS_METRICS_H

#include <stdint.h>
#include "vs_panel.h"

/* A set of haplotypes of one panel, as a bit mask over its haplotypes. */
typedef struct {
    int wps;
    uint64_t *mask;
    int n_hap;
} vs_hapset_t;

/* The haplotypes of the samples whose group label equals `group`
 * (labels per sample; group NULL: every sample). */
vs_hapset_t *vs_hapset_of_group(const vs_panel_t *p, char *const *labels, const char *group);
void vs_hapset_destroy(vs_hapset_t *h);

/* ALT allele count of the set at a site. */
int vs_alt_count(const vs_panel_t *p, int64_t site, const vs_hapset_t *h);
/* ALT frequency per site, into af[p->n_sites]. */
void vs_allele_freq(const vs_panel_t *p, const vs_hapset_t *h, double *af);
double vs_pearson(const double *x, const double *y, int64_t n);
/* Haplotype r^2 between two sites over the set; NaN when either is monomorphic. */
double vs_hap_r2(const vs_panel_t *p, int64_t i, int64_t j, const vs_hapset_t *h);

#endif
