/* vs_markov: the shareable model kind (DESIGN.md section 4.2), per group a
 * variable-order haplotype Markov chain that needs no panel to sample from.
 *
 * At each site, for every context (the alleles of the L sites before it, and
 * every shorter suffix of them, down to the empty one) the number of the
 * group's haplotypes with that context and allele 0 or 1 here.  Contexts are
 * read off the positional BWT (Durbin 2014): at a site, the haplotypes
 * sharing a context of length l form a block of the sort order.  A node is a
 * context at a site; it extends a node of the site before (pred: the context
 * less its last allele) by that allele, so contexts are never stored as
 * strings and two models of the same sites match node for node.
 *
 * Compaction: a context that holds the same haplotypes as its suffix (the
 * context less its oldest allele) is not stored, and so none of its
 * extensions: each distinct block is stored once, at the shortest context
 * that gives it, a site holds at most 2H - 1 nodes whatever L, and a walk
 * backing off to the longest stored suffix draws from the same haplotypes
 * as the full tree of contexts would.  Long contexts (thousands of sites)
 * therefore cost no more than the blocks they tell apart.
 *
 * Pruning (vs_markov_prune, min carriers K): a context carried by fewer than
 * K distinct individuals is dropped (its longer contexts with it), and an
 * allele count of fewer than K individuals is stored as 0: the file then
 * holds no count below K.  Unpruned models also carry the individual counts
 * that pruning needs, so that owners can ship them to a hub that adds them
 * (vs_markov_merge) and prunes the sum.
 *
 * Nodes of a site are kept in canonical order (depth, pred, allele): a model
 * fitted on a whole panel equals the merge of the models of its parts. */
#ifndef VS_MARKOV_H
#define VS_MARKOV_H

#define VS_MARKOV_CONTEXT_MAX 1000000    /* --context-sites: the longest context a model may have */

#include <stdint.h>
#include "vs_panel.h"

typedef struct {
    int32_t pred;            /* node of the previous site this extends; -1: the empty context */
    uint8_t allele;          /* the allele at the previous site that extends it */
    int32_t depth;           /* context length, sites */
    int32_t n[2];            /* haplotypes with the context and allele 0, 1 here */
    int32_t ind[2];          /* distinct individuals among them (unpruned models) */
    int32_t carriers;        /* distinct individuals with the context (unpruned models) */
} vs_mnode_t;

/* One group's chain over one contig's sites. */
typedef struct {
    int64_t n_sites;
    int64_t *first;          /* first[s]: index of site s's first node; first[n_sites]: the total */
    vs_mnode_t *node;
    int32_t *suffix;         /* after vs_markov_links: each node's context less its oldest allele (index in its site) */
    struct vs_mstep_t *step; /* ... and what a walk does there */
} vs_mchain_t;

/* A walk's step from a node, in one place so that a step reads one cache
 * line: the share of allele 0 in the counts it draws from (those of the
 * longest suffix of its context, itself first, that has any; 1 when none
 * has), and the longest stored context at the next site after each allele. */
typedef struct vs_mstep_t {
    double p0;
    int32_t next[2];
} vs_mstep_t;

/* How far back a context may reach at each site: at most context_sites
 * sites, and (context_cm > 0) no further than context_cm centimorgans from
 * the site (cm: each site's map position).  Never reaches back past where
 * the previous site's could, so a context cut off stays cut off. */
int32_t *vs_markov_reach(const double *cm, int64_t n_sites, int context_sites, double context_cm);
/* A fit: the counts of one group's haplotypes (panel haplotype indices) on
 * the sites [first_site, first_site + n_sites) of the panel, contexts of up
 * to reach[s] sites at site s; min_carriers 0: unpruned. */
vs_mchain_t *vs_markov_fit(const vs_panel_t *p, int64_t first_site, int64_t n_sites, const int *haps, int n_haps,
                           const int32_t *reach, int min_carriers);
/* Drops what fewer than K individuals carry (see above); the result holds
 * no individual counts. */
vs_mchain_t *vs_markov_prune(const vs_mchain_t *c, int min_carriers);
/* The sum of two chains of the same sites fitted with the same reach: for
 * unpruned chains, the chain of the union of their haplotypes.  Computes
 * the parts' links if they lack them. */
vs_mchain_t *vs_markov_merge(vs_mchain_t *a, vs_mchain_t *b, const int32_t *reach);
int vs_markov_equal(const vs_mchain_t *a, const vs_mchain_t *b);
/* --dp-epsilon: adds two-sided geometric noise of scale exp(-eps / 2) to
 * every allele count (one individual changes a count by at most 2: its two
 * haplotypes), clamped at 0; the draws are keyed by (seed, key, node). */
void vs_markov_noise(vs_mchain_t *c, double eps, uint64_t seed, uint64_t key);
void vs_markov_destroy(vs_mchain_t *c);

/* ---- sampling ---- */

/* Suffix links, which sampling backs off along, and the tables that make
 * each step of a walk O(1). */
void vs_markov_links(vs_mchain_t *c);
/* The allele drawn at site s by a haplotype whose longest stored context is
 * node cur (index within the site; 0 is the empty context), with u uniform
 * in (0,1): from the counts of the longest suffix of the context that has
 * any. */
static inline int vs_markov_draw(const vs_mchain_t *c, int64_t s, int32_t cur, double u)
{
    return u >= c->step[c->first[s] + cur].p0;
}
/* The longest stored context at site s + 1 of a haplotype at node cur of
 * site s that then took allele a. */
static inline int32_t vs_markov_next(const vs_mchain_t *c, int64_t s, int32_t cur, int a)
{
    return c->step[c->first[s] + cur].next[a];
}

/* Text form for the model file: one line per site, one token per node,
 * "pred:allele:n0:n1" (pruned) or "pred:allele:n0:n1:i0:i1:carriers"
 * (unpruned); depth follows from pred, at most reach[s].  Returns NULL with
 * *err set on a malformed text. */
char *vs_markov_encode(const vs_mchain_t *c, int unpruned);
vs_mchain_t *vs_markov_decode(const char *text, int64_t n_sites, int unpruned, const int32_t *reach, const char **err);

#endif
