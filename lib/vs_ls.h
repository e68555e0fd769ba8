/* vs_ls: the Li and Stephens (2003) haplotype copying model of one group:
 * the leave-one-individual-out product-of-approximate-conditionals (PAC)
 * likelihood, and its maximisation over Ne (and optionally eps).
 * Works on bit-packed rows; OpenMP over held-out haplotypes. */
#ifndef VS_LS_H
#define VS_LS_H

#include <stdint.h>
#include "vs_model.h"
#include "vs_panel.h"

/* Site positions along the map, shared by every group. */
typedef struct {
    int64_t n_sites;
    const double *morgan;         /* genetic position of each site, Morgans */
    const uint8_t *contig_start;  /* 1 at the first site of each contig */
} vs_ls_sites_t;

/* One group's haplotypes (members' haplotypes 2i, 2i+1 stay adjacent) and the
 * haplotypes held out in turn. */
typedef struct {
    int K;
    int wg;                       /* words per site row */
    uint64_t *bits;               /* site-major, K bits per site */
    int n_target;
    int *target;                  /* group haplotype indices held out */
} vs_ls_group_t;

/* theta / (2 (theta + K)), theta = 1 / sum_{i=1}^{K-1} 1/i */
double vs_ls_default_eps(int K);

/* Chooses min(fit_haps, K) held-out haplotypes with a seeded random order. */
vs_ls_group_t *vs_ls_group_build(const vs_panel_t *p, const int *members, int n_members,
                                 int fit_haps, uint64_t seed);
void vs_ls_group_destroy(vs_ls_group_t *g);

/* Sum over held-out haplotypes of log P(h | the group without h's individual). */
double vs_ls_pac_loglik(const vs_ls_group_t *g, const vs_ls_sites_t *s, double ne, double eps);
/* The same, with each held-out haplotype's term in ll[0..n_target). */
double vs_ls_pac_loglik_each(const vs_ls_group_t *g, const vs_ls_sites_t *s, double ne, double eps, double *ll);

typedef struct {
    int fit_eps;
    double ne_min, ne_max;        /* search bounds */
} vs_ls_fit_opts_t;

/* Fills ne, ne_lo, ne_hi (a sandwich 95% interval over the held-out
 * haplotypes), eps, loglik, iterations, fit_haplotypes and the profile. */
void vs_ls_fit(const vs_ls_group_t *g, const vs_ls_sites_t *s, const vs_ls_fit_opts_t *o,
               vs_group_model_t *out);

#endif
