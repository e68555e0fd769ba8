/* vs_attack: membership-inference and re-identification attacks on a
 * synthetic cohort (DESIGN.md section 7).  Each attack gives every training
 * sample (a member) and every holdout sample (a non-member) a score, higher
 * meaning "more likely a member"; NaN means not scored.  The attacks see only
 * genotypes: they judge any generator's output. */
#ifndef VS_ATTACK_H
#define VS_ATTACK_H

#include <stdint.h>
#include "vs_geno.h"

typedef struct {
    const vs_geno_t *syn, *train, *holdout;   /* on the same sites */
    const double *cm;                         /* genetic position of each site */
    const uint8_t *contig_start;              /* 1 at each contig's first site */
    char *const *names[3];                    /* sample names (synthetic, train, holdout), or NULL */
    int known_sites;                          /* partial: sites the attacker knows */
    int kmer;                                 /* unique: sites per k-mer */
    uint64_t seed;
} vs_attack_data_t;

typedef struct {
    double *member;      /* train->n */
    double *nonmember;   /* holdout->n */
} vs_scores_t;

vs_scores_t *vs_scores_new(const vs_attack_data_t *d);
void vs_scores_destroy(vs_scores_t *s);

/* KING kinship bands of synthetic-target pairs (duplicate, 1st, 2nd, 3rd degree). */
#define VS_KING_BANDS 4
extern const double vs_king_band_min[VS_KING_BANDS];
extern const char *const vs_king_band_name[VS_KING_BANDS];
typedef struct { long member_pairs[VS_KING_BANDS], nonmember_pairs[VS_KING_BANDS]; } vs_king_bands_t;

typedef struct { double aa_train, aa_holdout, privacy_loss; int n; } vs_aats_t;
typedef struct { long syn_kmers; double unique_train, unique_holdout; int k; } vs_unique_t;

/* Distance to the closest synthetic record: genotype Hamming, haplotype
 * Hamming (phased data), and genotype Hamming calibrated by the distance to
 * the closest holdout record (the target itself left out). */
void vs_attack_dcr(const vs_attack_data_t *d, vs_scores_t *geno, vs_scores_t *hap, vs_scores_t *cal);
/* Nearest-neighbour adversarial accuracy AA_RS (Yale et al. 2020) of the
 * equal-size subsets r of R and s of S (n each), by genotype Hamming
 * distance, a tie counting 1/2: real_side[i] = [R sample r[i] is closer to
 * the rest of R than to S], syn_side[i] likewise for S.  Returns AA_RS, 0.5
 * when R and S are alike. */
double vs_aats_indicators(const vs_geno_t *R, const int *r, const vs_geno_t *S, const int *s, int n,
                          double *real_side, double *syn_side);
/* Nearest-neighbour adversarial accuracy (Yale et al. 2020) on equal-size
 * subsets, ties counted 1/2; per-target score: closer to synthetic than to its own set. */
void vs_attack_aats(const vs_attack_data_t *d, vs_scores_t *s, vs_aats_t *out);
/* KING-robust kinship to the closest synthetic sample. */
void vs_attack_king(const vs_attack_data_t *d, vs_scores_t *s, vs_king_bands_t *bands);
/* Longest segment (cM) shared identically with any synthetic haplotype. */
void vs_attack_ibd(const vs_attack_data_t *d, vs_scores_t *s);
/* Homer et al. (2008) statistic: sum |y - ref| - |y - syn| over sites, with
 * the holdout less one sample as the reference population (the target itself
 * for a non-member, a random holdout sample for a member). */
void vs_attack_af(const vs_attack_data_t *d, vs_scores_t *s);
/* Share of the target's k-site haplotypes that are unique to it among the
 * real samples and appear in the synthetic data. */
void vs_attack_unique(const vs_attack_data_t *d, vs_scores_t *s, vs_unique_t *out);
/* DCR when the attacker knows the target at only d->known_sites random sites. */
void vs_attack_partial(const vs_attack_data_t *d, vs_scores_t *s);
/* 1 when the target's sample name is a synthetic sample's name (a generator
 * that copies people may keep their names), else 0. */
void vs_attack_names(const vs_attack_data_t *d, vs_scores_t *s);

#endif
