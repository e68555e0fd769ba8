/* vs_shadow: the shadow-model membership attack (Stadler, Oprisanu and
 * Troncoso 2022, "Synthetic data - anonymisation groundhog day").  The
 * attacker holds real genomes of the population (the pool) and can run the
 * generator: it draws shadow training sets from the pool, runs the generator
 * on each, and learns how a genome's features against the generator's output
 * differ between genomes that were in the shadow training set and genomes
 * that were not.  That classifier then scores every target against the real
 * synthetic cohort.
 *
 * The generator is a shell command template, so any generator can be judged:
 *   {train}  a shadow training set (BCF) written by the attack
 *   {out}    where the command must write its synthetic cohort (VCF/BCF)
 *   {n}      synthetic samples to write
 *   {seed}   a seed for this run
 *   {groups} the -g groups table (or an empty string)
 *   {model}  a scratch path for a model file
 *   {dir}    the run's scratch directory
 * Features of a genome against a cohort: the longest shared haplotype
 * segment (ibd), the genotype distance to the closest sample (dcr) and the
 * KING kinship to the closest sample, each standardised within its run; the
 * classifier is a logistic regression fitted by iteratively reweighted least
 * squares. */
#ifndef VS_SHADOW_H
#define VS_SHADOW_H

#include "vs_err.h"

#include <stdint.h>
#include "vs_attack.h"
#include "vs_sitemap.h"

#define VS_SHADOW_MIN_POOL 20

typedef struct {
    const char *cmd;           /* the generator command template */
    const char *pool;          /* VCF/BCF of real genomes the attacker holds */
    const char *groups;        /* the groups table, for {groups} (may be NULL) */
    int runs;                  /* shadow training sets */
    int n_syn;                 /* synthetic samples each shadow run asks for */
    vs_map_opts_t map;         /* genetic positions for the ibd feature */
    uint64_t seed;
} vs_shadow_opts_t;

/* Scores d's training members and holdout non-members (higher: more likely
 * a member) against d->syn.  -1 with an error naming the command and its
 * status when a shadow run fails. */
int vs_attack_shadow(const vs_attack_data_t *d, const vs_shadow_opts_t *o, vs_scores_t *s, vs_error_t *e);

/* {key} placeholders of tmpl replaced by the values of keys (NULL-ended
 * pairs); a value is single-quoted for the shell, anything else in braces
 * (a shell ${VAR}, an awk block) is kept as written.  Caller frees. */
char *vs_shadow_expand(const char *tmpl, const char *const *pairs);

/* Checks a --shadow-cmd template before any run: -1 with a usage error in
 * e without {out}, a warning for each {word} that is not a placeholder
 * (most likely a typo such as {output}). */
int vs_shadow_check_template(const char *tmpl, vs_error_t *e);

#endif
