/* vs_kcopy: k-anonymous, seamless haplotype copying (DESIGN.md section 5.3),
 * the engine behind vs_sampler_t when the privacy options ask for it.
 *
 * Each group's panel is kept in a positional Burrows-Wheeler transform
 * (Durbin 2014) updated site by site, so that the panel haplotypes agreeing
 * with a synthetic haplotype over its recent past form one block of the sort
 * order.  A synthetic haplotype copies a template; the piece carries on while
 * at least K distinct source individuals agree with it over the piece and the
 * context the piece joined.  When they would fall below K, the haplotype
 * jumps:
 *  - neighbour jumps keep the template's allele when at least F individuals
 *    of the block share it (F = min(K, VS_KCOPY_FOLLOW)), else take the other
 *    allele, and widen the block to the longest recent context (at most
 *    context_sites sites) in which at least K individuals carry that allele;
 *    the new template is drawn there, so LD runs on across the jump;
 *  - uniform jumps draw the new template from the whole group, context: none.
 * So every piece, with its context, is carried by at least K individuals, and
 * any stretch running on across a junction is shared by none or at least F.
 * Poisson breakpoints (rate 4 Ne / K x scale_switch) cut the context to
 * context_sites and redraw; the segment cap forces a jump off the template's
 * individual.  Alleles carried by fewer than K individuals are never copied;
 * VS_RARE_SCATTER puts them back at the frequency a fresh sample would show
 * (Good-Turing, from the model's allele-count spectrum) on haplotypes that
 * differ from every carrier within a few sites on either side.
 *
 * A haplotype conditioned on allele a at a site (--condition) copies, from
 * a window start before the site on, only templates with a there when its
 * block has any: entering the window it redraws in its context, every jump
 * and restart in the window draws among them, and at the site it holds a
 * (a jump off its template if need be).  The window starts an exponential
 * distance (one copying segment of the group) before the site, but not
 * before the restart point preceding it.
 *
 * The state depends on the past, so every synthetic haplotype restarts (a
 * fresh draw, no context) at fixed points of the genetic map,
 * VS_KCOPY_RESTART_CM apart, at a phase of its own.  A run that starts inside
 * a contig reads from one restart spacing earlier, which makes -r/-t runs
 * equal the matching part of a whole run.  Memory is O(panel haplotypes +
 * synthetic haplotypes), whatever the number of sites. */
#ifndef VS_KCOPY_H
#define VS_KCOPY_H

#include <math.h>
#include <stdint.h>
#include "vs_model.h"
#include "vs_sample.h"

#define VS_KCOPY_RESTART_CM 5.0
#define VS_KCOPY_FOLLOW 3

/* The restart epoch of genetic position x (Morgans) for a haplotype whose
 * restart points have phase `phase` (0-1): points VS_KCOPY_RESTART_CM apart.
 * Shared by every engine whose state depends on history. */
static inline int64_t vs_restart_epoch(double x, double phase)
{
    return (int64_t)floor(x / (VS_KCOPY_RESTART_CM / 100.0) - phase);
}

typedef struct vs_kcopy_t vs_kcopy_t;

/* group_of_hap: each haplotype's model group at the start; sample_group_of_hap:
 * its group among o->groups (which groups it may copy, admixed ones several).
 * NULL with an error when a group that gets synthetic samples has too few
 * for --min-carriers, or too few carry a --condition target. */
vs_kcopy_t *vs_kcopy_new(const vs_model_t *m, const int *group_of_hap, const int *sample_group_of_hap, int n_hap,
                         const vs_sample_opts_t *o, vs_error_t *e);
/* Haplotype h enters a local-ancestry tract of model group gi before the
 * next site: its piece ends, and its copying restarts there in gi. */
void vs_kcopy_set_group(vs_kcopy_t *k, int h, int gi);
/* cond_here: the --condition (index into o->cond) whose site this is, or -1. */
void vs_kcopy_site(vs_kcopy_t *k, int contig, int64_t pos, uint64_t site_key, int cond_here,
                   const uint8_t *panel_alleles, int write, uint8_t *out);
/* A gap in the stream, or its end: open pieces end, every haplotype waits
 * for its next restart point. */
void vs_kcopy_gap(vs_kcopy_t *k);
int vs_kcopy_pieces(vs_kcopy_t *k, const vs_piece_t **pieces);
void vs_kcopy_destroy(vs_kcopy_t *k);

/* Frequency in a fresh sample of an allele seen r times among n haplotypes
 * (r = 1..n_spec), by Good-Turing with a log-linear smooth of the spectrum
 * spec[r-1] (sites whose minor allele has r copies).  freq must hold n_spec. */
void vs_good_turing(const int64_t *spec, int n_spec, int n, double *freq);

#endif
