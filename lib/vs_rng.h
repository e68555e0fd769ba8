/* vs_rng: counter-based random numbers (Philox4x32-10, Salmon et al. 2011).
 * Every draw is a pure function of (seed, purpose, a, b, index), so results
 * do not depend on the number of threads, on the order of work, or on which
 * region of the genome a run covers (DESIGN.md section 5.4).
 * A vs_stream_t adapts one keyed sequence to a gsl_rng, so that GSL's
 * distributions can draw from it. */
#ifndef VS_RNG_H
#define VS_RNG_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

/* Purposes keep independent uses of one seed apart.  The key layout: a
 * draw is keyed by (seed, purpose, a, b); shuffles and permutations use
 * a = the position and b = the caller's `which`, so single draws (a, b of
 * the caller's choosing) never share a purpose with shuffles, and each use
 * has a purpose of its own.  New purposes go at the end: a purpose's number
 * is part of every output drawn with it. */
enum {
    VS_RNG_FIT_SUBSET = 1,  /* which haplotypes vcf-fit holds out */
    VS_RNG_GROUP_ORDER,     /* which synthetic sample gets which group */
    VS_RNG_BREAKPOINT,      /* template switches along the map */
    VS_RNG_TEMPLATE,        /* which template a segment copies */
    VS_RNG_MISCOPY,         /* allele flips */
    VS_RNG_SPLIT,           /* vcf-linkage-attack: equal-size subsets of the cohorts */
    VS_RNG_BOOTSTRAP,       /* bootstrap resamples of attack scores */
    VS_RNG_RESTART,         /* where each synthetic haplotype's copying restarts */
    VS_RNG_JUMP,            /* which neighbour a k-anonymous jump lands on */
    VS_RNG_RARE,            /* rare alleles placed on synthetic haplotypes */
    VS_RNG_ADMIX,           /* local-ancestry tracts of admixed haplotypes */
    VS_RNG_CONDITION,       /* which samples carry a --condition allele, and where their carrier copying begins */
    VS_RNG_CAUSAL,          /* which sites vcf-pheno makes causal */
    VS_RNG_EFFECT,          /* their effect sizes */
    VS_RNG_ENV,             /* each sample's environmental noise (keyed by its name) */
    VS_RNG_PRS,             /* vcf-fidelity --utility-pheno: subsets and splits */
    VS_RNG_DP,              /* vcf-fit --dp-epsilon: noise on a markov model's counts */
    VS_RNG_LEAVE_OUT,       /* vcf-linkage-attack: the holdout sample left out for each scored sample */
    VS_RNG_PARTIAL,         /* vcf-linkage-attack: the sites a partial-genotype attacker knows */
    VS_RNG_RISK,            /* vcf-linkage-attack --self-test: the samples copied and the holdout filling */
    VS_RNG_SHADOW,          /* shadow-model runs: each run's split of the pool */
    VS_RNG_HYBRID,          /* vcf-hybrid: which samples are kept or replaced */
    VS_RNG_SUBSET,          /* vcf-fidelity: equal-size subsets */
    VS_RNG_PCA,             /* the randomised PCA's start */
    VS_RNG_PRS_RESAMPLE,    /* vcf-fidelity --utility-pheno: bootstrap resamples */
};

/* --seed range: cJSON writes numbers with 15 significant digits when they
 * read back close enough, so only seeds below 10^15 are stored exactly. */
#define VS_SEED_MAX 999999999999999L

void vs_philox(const uint32_t key[2], const uint32_t ctr[4], uint32_t out[4]);

/* Mix several integers into one 64-bit key (SplitMix64 finaliser). */
uint64_t vs_mix64(uint64_t x);
uint64_t vs_hash3(uint64_t a, uint64_t b, uint64_t c);
/* Folds the bytes of s into h. */
uint64_t vs_hash_str(uint64_t h, const char *s, size_t n);

/* One uniform double in (0,1) for (seed, purpose, a, b). */
double vs_rng_unif(uint64_t seed, uint32_t purpose, uint64_t a, uint64_t b);
/* Fisher-Yates shuffle of v[0..n) whose draws are keyed by (seed, purpose,
 * position, which): the same order for the same key, on any thread. */
void vs_rng_shuffle(int *v, int n, uint64_t seed, uint32_t purpose, uint64_t which);
/* 0..n-1 in that shuffled order (allocated; its first k are a random k-subset). */
int *vs_rng_permutation(int n, uint64_t seed, uint32_t purpose, uint64_t which);

typedef struct {
    gsl_rng rng;            /* must stay first: GSL sees this */
    uint32_t key[2];
    uint32_t ctr[4];
    uint32_t buf[4];
    int avail;
} vs_stream_t;

/* Position the stream at the start of the sequence keyed by the arguments. */
void vs_stream_set(vs_stream_t *s, uint64_t seed, uint32_t purpose, uint64_t a, uint64_t b);
static inline gsl_rng *vs_stream_gsl(vs_stream_t *s) { return &s->rng; }
double vs_stream_unif(vs_stream_t *s);   /* (0,1), 53 bits */

#endif
