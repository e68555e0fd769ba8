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
/* From haplotype counts: n haplotypes, na and nb carry ALT at each site, nab at both. */
double vs_r2_counts(double n, double na, double nb, double nab);
double vs_hap_r2(const vs_panel_t *p, int64_t i, int64_t j, const vs_hapset_t *h);

/* Hudson's Fst between two groups (Bhatia et al. 2013, ratio of averages):
 * sum over sites of (p1-p2)^2 - p1 q1/(n1-1) - p2 q2/(n2-1), divided by the
 * sum of p1 q2 + p2 q1; p are ALT frequencies over n1 and n2 haplotypes. */
double vs_hudson_fst(const double *p1, int n1, const double *p2, int n2, int64_t n_sites);

/* Hardy-Weinberg chi-square test (1 df) of genotype counts; NaN when monomorphic.
 * vs_hwe_chisq is its statistic (counts may be weighted). */
double vs_hwe_chisq(double n_ref_hom, double n_het, double n_alt_hom);
double vs_hwe_pvalue(int n_ref_hom, int n_het, int n_alt_hom);

/* Jensen-Shannon distance (base 2, square root of the divergence, in [0,1])
 * between the folded site frequency spectra of two sets of ALT frequencies,
 * binned by minor allele frequency into `bins` equal bins over (0, 0.5];
 * NaN unless 1 <= bins <= VS_SFS_MAX_BINS. */
#define VS_SFS_MAX_BINS 100
double vs_sfs_js_distance(const double *af1, const double *af2, int64_t n_sites, int bins);

/* Of the sites whose minor allele in `real` (ALT when its frequency is at
 * most 0.5, else REF) is present there at a frequency in [lo, hi), the share
 * where `syn` carries that allele too; NaN when there is no such site. */
double vs_rare_retention(const double *real, const double *syn, int64_t n_sites, double lo, double hi);

/* Site pairs for LD by genetic distance: of the sites with use[s] set, the
 * pairs on one contig whose distance (cM) lies in [edges[b], edges[b+1]),
 * all of them when a bin has at most max_per_bin, else max_per_bin spread
 * evenly along the genome.  Sites must be in genetic order within each
 * contig (contig_start[s] = 1 at a contig's first site).  Returns the number
 * of pairs, allocated in *out, by bin and then by position. */
typedef struct { int64_t i, j; int bin; } vs_ld_pair_t;
int64_t vs_ld_pairs(const double *cm, const uint8_t *contig_start, const uint8_t *use, int64_t n_sites,
                    const double *edges, int nbins, int64_t max_per_bin, vs_ld_pair_t **out);

#endif
