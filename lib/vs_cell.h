/* vs_cell: one subset of a cohort's samples (a group's synthetic, holdout or
 * training samples) as bit planes per site, and its counts under bootstrap
 * weights: a sample drawn w times counts w times, so that every resample of
 * a fidelity report is a sum of popcounts over the same planes. */
#ifndef VS_CELL_H
#define VS_CELL_H

#include <stdint.h>
#include "vs_geno.h"
#include "vs_metrics.h"

typedef struct {
    int n;
    const vs_geno_t *g;
    int *member;                /* indices into g */
    int sw, hw;                 /* words per site row: samples, haplotypes */
    uint64_t *het, *hom;        /* S x sw: heterozygous, ALT homozygous */
    uint64_t *hap;              /* S x hw: haplotypes 2i and 2i+1 of member i */
    double *pc;                 /* the caller's projection of each member (n x its k), freed with the cell */
} vs_cell_t;

/* The cell of g's samples member[0..n) over the first S sites. */
void vs_cell_build(vs_cell_t *c, const vs_geno_t *g, const int *member, int n, int64_t S);
void vs_cell_free(vs_cell_t *c);

/* Per site, the weighted number of heterozygous and ALT-homozygous members
 * (het, hom: S values); per LD pair, the weighted number of haplotypes
 * carrying ALT at both sites (n11: n_pairs values).  w: one weight per
 * member, each at most c->n (a bootstrap draw), NULL for all 1.  mask: the
 * caller's scratch of vs_cell_mask_words(c) words, so that the resampling
 * threads allocate nothing. */
void vs_cell_count(const vs_cell_t *c, const int *w, int64_t S, const vs_ld_pair_t *pair, int64_t n_pairs,
                   double *het, double *hom, double *n11, uint64_t *mask);
size_t vs_cell_mask_words(const vs_cell_t *c);

/* The indices i < n with group_of[i] == g, their number in *count. */
int *vs_subset_members(const int *group_of, int n, int g, int *count);
/* A seeded random k of the n listed members (stream: which draw), kept in
 * their listed order. */
int *vs_subset_pick(const int *members, int n, int k, uint64_t seed, uint64_t stream);

#endif
