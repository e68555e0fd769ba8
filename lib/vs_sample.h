/* vs_sample: the copying process of vcf-synth (DESIGN.md section 5.1).
 * A synthetic haplotype of group g copies a template drawn uniformly from g's
 * panel haplotypes; templates switch at the points of a Poisson process of
 * rate 4 Ne / K per Morgan along the map; alleles are miscopied with
 * probability eps.
 *
 * Determinism across region splits and thread counts: the genetic axis of
 * each contig is cut into cells of one expected segment (K / 4Ne Morgans).
 * The breakpoints of haplotype h in cell c are a sequence of exponential gaps
 * drawn from (seed, h, contig, c, j); the template at a site is that of the
 * last breakpoint before it, found by looking back cell by cell.  So the
 * state at any site is a pure function of the seed and the site, whether the
 * run started at the contig's first site or in the middle. */
#ifndef VS_SAMPLE_H
#define VS_SAMPLE_H

#include <stdint.h>
#include "vs_model.h"

/* Group shares from --mix: "source", "equal" or "G=p,G=p,..." (shares of
 * groups not named are 0; the shares must sum to 1).  Usage errors exit 2. */
double *vs_mix_parse(const vs_model_t *m, const char *spec);
/* The group of each of n synthetic samples: counts by largest remainder,
 * order shuffled by the seed. */
int *vs_mix_assign(const vs_model_t *m, const double *shares, int n, uint64_t seed);

typedef struct vs_sampler_t vs_sampler_t;

vs_sampler_t *vs_sampler_new(const vs_model_t *m, const int *group_of_sample, int n_samples,
                             uint64_t seed);
/* Alleles of the 2 n_samples synthetic haplotypes at one site of model
 * contig `contig`; panel_alleles holds one 0/1 per panel haplotype. */
void vs_sampler_site(vs_sampler_t *s, int contig, int64_t pos, const char *ref, const char *alt,
                     const uint8_t *panel_alleles, uint8_t *out);
void vs_sampler_destroy(vs_sampler_t *s);

#endif
