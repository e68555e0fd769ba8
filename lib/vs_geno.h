/* vs_geno: genotypes of a cohort on a common site list, sample-major, as two
 * bit planes per sample (haplotype 0 and haplotype 1), so that distances and
 * kinship between two samples are XOR/AND and popcount over 64-bit words. */
#ifndef VS_GENO_H
#define VS_GENO_H

#include <stddef.h>
#include <stdint.h>
#include "vs_panel.h"

typedef struct {
    int n;                 /* samples */
    int nw;                /* words per plane */
    int64_t n_sites;
    int phased;
    uint64_t *h0, *h1;     /* n x nw each; bits past n_sites are 0 */
} vs_geno_t;

static inline const uint64_t *vs_geno_h0(const vs_geno_t *g, int i) { return g->h0 + (size_t)i * g->nw; }
static inline const uint64_t *vs_geno_h1(const vs_geno_t *g, int i) { return g->h1 + (size_t)i * g->nw; }
/* Bit s of a plane (a haplotype's allele at site s). */
static inline int vs_geno_bit(const uint64_t *plane, int64_t s) { return (plane[s >> 6] >> (s & 63)) & 1; }

/* The sites every panel has (same CHROM, POS, REF, ALT), in the first
 * panel's order: idx[k][j] is the j-th common site's index in panel k.
 * Returns their number; idx[k] are allocated. */
int64_t vs_match_sites(vs_panel_t *const *panels, int np, int64_t **idx);
vs_geno_t *vs_geno_from_panel(const vs_panel_t *p, const int64_t *sites, int64_t n_sites);
/* The samples listed, in that order (for splitting one cohort into roles). */
vs_geno_t *vs_geno_subset(const vs_geno_t *g, const int *samples, int n);
void vs_geno_destroy(vs_geno_t *g);

/* genotype Hamming distance: the number of sites where the genotypes differ */
int vs_geno_distance(const vs_geno_t *a, int i, const vs_geno_t *b, int j);
/* haplotype Hamming distance under the better of the two pairings */
int vs_hap_distance(const vs_geno_t *a, int i, const vs_geno_t *b, int j);

/* KING-robust counts of a pair: both heterozygous, opposite homozygotes, and
 * each sample's heterozygous sites. */
typedef struct { int hethet, ibs0, het_a, het_b; } vs_king_counts_t;
void vs_king_counts(const vs_geno_t *a, int i, const vs_geno_t *b, int j, vs_king_counts_t *c);
/* The pair part alone (hethet, ibs0), for loops that count each sample's
 * heterozygous sites once with vs_geno_het. */
void vs_king_pair(const vs_geno_t *a, int i, const vs_geno_t *b, int j, vs_king_counts_t *c);
int vs_geno_het(const vs_geno_t *g, int i);
/* 1 when a's sample i and b's sample j have the same genotype at every site
 * (phase ignored). */
int vs_geno_same(const vs_geno_t *a, int i, const vs_geno_t *b, int j);
double vs_king_kinship(const vs_king_counts_t *c);

/* The k-nearest-neighbour two-sample classifier (the fidelity report's
 * detector): samples x[0..n) of X and t[0..n) of T pooled; each one's score
 * (into sx, st) is the share of its VS_KNN nearest others by genotype
 * distance that come from X (ties: the earlier in the pooled order). */
#define VS_KNN 5
void vs_knn_two_sample(const vs_geno_t *X, const int *x, const vs_geno_t *T, const int *t, int n, double *sx,
                       double *st);

#endif
