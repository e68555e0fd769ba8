/* vs_classify: the ancestry classifier of the fidelity report's utility
 * rows.  Each group is its allele frequencies, smoothed as (copies + 1/2) /
 * (haplotypes + 1), under Hardy-Weinberg genotype likelihoods; a genome goes
 * to the group under which it is most likely. */
#ifndef VS_CLASSIFY_H
#define VS_CLASSIFY_H

#include <stdint.h>

typedef struct vs_classifier_t vs_classifier_t;

vs_classifier_t *vs_classifier_new(int G, int64_t S);
/* Learns (again, without allocating: the resampling threads refit one
 * classifier per resample) from af, G x S ALT frequencies counted on
 * n_hap[g] haplotypes; groups with use[g] == 0 are never chosen. */
void vs_classifier_fit(vs_classifier_t *c, const double *af, const double *n_hap, const int *use);
/* The log-likelihood of a genome (haplotype bit planes h0, h1 of nw words)
 * under group g. */
double vs_classifier_loglik(const vs_classifier_t *c, int g, const uint64_t *h0, const uint64_t *h1, int nw);
/* The group of highest likelihood (the first of a tie), -1 with no usable group. */
int vs_classifier_assign(const vs_classifier_t *c, const uint64_t *h0, const uint64_t *h1, int nw);
void vs_classifier_destroy(vs_classifier_t *c);

#endif
