/* vs_sample: the copying process of vcf-synth (DESIGN.md sections 5.1, 5.3).
 * A synthetic haplotype of group g is a mosaic of g's panel haplotypes.
 *
 * Plain copying (min_carriers 1, uniform jumps, no segment cap): templates
 * switch at the points of a Poisson process of rate 4 Ne / K per Morgan
 * along the map, each new template drawn uniformly from g's panel; alleles
 * are miscopied with probability eps.  The state at any site is a pure
 * function of the seed and the site (see vs_sample.c), so a run may start
 * anywhere.
 *
 * k-anonymous copying (vs_kcopy.h) keeps a positional BWT of each group and
 * makes every copied piece one that at least min_carriers source individuals
 * carry; its state depends on the recent past, so it restarts at fixed
 * points of the map and a run that starts inside a contig reads back to the
 * restart points first (vs_sample_burn_in_cm). */
#ifndef VS_SAMPLE_H
#define VS_SAMPLE_H

#include <stdint.h>
#include "vs_err.h"
#include "vs_model.h"
#include "vs_admix.h"
#include "vs_condition.h"

/* Shares of the groups of gs from --mix: "source" (the model's groups as in
 * the source, admixed ones none), "equal" (every group of gs) or
 * "G=p,G=p,..." (groups not named get 0; the shares must sum to 1), into
 * *shares (allocated); -1 with a usage error in e. */
int vs_mix_parse(const vs_groupset_t *gs, const char *spec, double **shares, vs_error_t *e);
/* The group (0..n_groups-1) of each of n synthetic samples: counts by
 * largest remainder, order shuffled by the seed. */
int *vs_mix_assign(int n_groups, const double *shares, int n, uint64_t seed);

/* Where a jump lands: on a haplotype that agrees with the synthetic one over
 * the longest recent stretch (its PBWT neighbours), or anywhere in the group. */
typedef enum { VS_JUMP_NEIGHBOUR, VS_JUMP_UNIFORM } vs_jump_t;
/* Alleles that fewer than min_carriers individuals carry cannot be copied:
 * leave them out, or place them on synthetic haplotypes away from every
 * carrier's own background, at the frequency a fresh sample would have. */
typedef enum { VS_RARE_DROP, VS_RARE_SCATTER } vs_rare_t;

typedef struct {
    uint64_t seed;
    int min_carriers;          /* K: carriers of every copied piece and its context */
    vs_jump_t jump;
    double scale_switch;       /* multiplies the switch rate 4 Ne / K */
    double max_segment_cm;     /* a piece ends when it would exceed this; 0: no cap */
    int context_sites;         /* the longest context (sites) a neighbour jump matches on */
    vs_rare_t rare;
    int provenance;            /* report each piece as it ends */
    const vs_groupset_t *groups;   /* the groups samples are drawn from, admixed ones too; NULL: the model's */
    /* --condition: the conditions (contig, x and panel alleles set) and each
     * sample's (-1: none), from vs_condition_assign */
    const vs_condition_t *cond;
    int n_cond;
    const int *cond_of_sample;
    int markov;                /* the model is a markov chain (vs_markov.h): no panel */
} vs_sample_opts_t;

void vs_sample_opts_init(vs_sample_opts_t *o);
/* --privacy presets: the knobs of off (plain copying, as before), fidelity,
 * balanced and strict (see vcf-synth(1) for what each guarantees): 0, or
 * -1 with a usage error for an unknown name. */
int vs_sample_preset(const char *name, vs_sample_opts_t *o, vs_error_t *e);
/* --jump (neighbour or uniform) and --rare (drop or scatter): 0, or -1 with a usage error. */
int vs_jump_parse(const char *s, vs_jump_t *jump, vs_error_t *e);
int vs_rare_parse(const char *s, vs_rare_t *rare, vs_error_t *e);
#define VS_PRIVACY_DEFAULT "balanced"
/* 1 when the state depends on history: the k-anonymous engine or a markov chain. */
int vs_sample_stateful(const vs_sample_opts_t *o);
/* How far (cM) before the first site to write a run must start reading so
 * that every synthetic haplotype has passed a restart point: 0 for plain
 * copying. */
double vs_sample_burn_in_cm(const vs_sample_opts_t *o);

/* One copied piece of synthetic haplotype `hap`: sites start..end (1-based
 * positions, written sites only) copy panel haplotype source_hap; its
 * carriers were counted from context_start on. */
typedef struct {
    int hap, source_hap;
    int64_t context_start, start, end;
} vs_piece_t;

typedef struct vs_sampler_t vs_sampler_t;

/* group_of_sample: indices into o->groups (model groups first, then admixed
 * ones).  NULL with an error when a group or a --condition target has too
 * few carriers to copy from. */
vs_sampler_t *vs_sampler_new(const vs_model_t *m, const int *group_of_sample, int n_samples,
                             const vs_sample_opts_t *o, vs_error_t *e);
/* Alleles of the 2 n_samples synthetic haplotypes at one site of model
 * contig `contig`; panel_alleles holds one 0/1 per panel haplotype.  Sites
 * come in map order; `write` is 0 for sites read only to reach the state of
 * the first written site (a written site whose state is not reached is a
 * bug, sent to vs_fatal). */
void vs_sampler_site(vs_sampler_t *s, int contig, int64_t pos, const char *ref, const char *alt,
                     const uint8_t *panel_alleles, int write, uint8_t *out);
/* The next site does not follow the last one in the panel (a gap between
 * regions): every haplotype waits for its next restart point. */
void vs_sampler_gap(vs_sampler_t *s);
/* Pieces that ended at the last call (or all open ones after
 * vs_sampler_finish), in haplotype order; valid until the next call. */
int vs_sampler_pieces(vs_sampler_t *s, const vs_piece_t **pieces);
/* ALT alleles written as REF because the haplotype already had an ALT at that
 * position (records split from a multi-allelic site). */
int64_t vs_sampler_second_alts(const vs_sampler_t *s);
/* Local ancestry after the last call: NULL without admixed samples. */
const vs_ancestry_t *vs_sampler_ancestry(const vs_sampler_t *s);
void vs_sampler_finish(vs_sampler_t *s);
void vs_sampler_destroy(vs_sampler_t *s);

#endif
