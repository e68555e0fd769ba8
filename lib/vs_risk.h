/* vs_risk: what vcf-linkage-attack does, as a library call: read the
 * synthetic, training and holdout cohorts, keep the sites all three share,
 * run the requested attacks and score each one, per group and overall, on
 * training members against holdout non-members. */
#ifndef VS_RISK_H
#define VS_RISK_H

#include <stdint.h>
#include <stdio.h>
#include "vs_attack.h"
#include "vs_err.h"
#include "vs_roc.h"
#include "vs_sitemap.h"

enum { VS_ATT_DCR = 1, VS_ATT_AATS = 2, VS_ATT_KING = 4, VS_ATT_IBD = 8, VS_ATT_AF = 16,
       VS_ATT_UNIQUE = 32, VS_ATT_PARTIAL = 64, VS_ATT_NAMES = 128, VS_ATT_SHADOW = 256,
       VS_ATT_ALL = 511 };     /* shadow runs only with a --shadow-cmd */

typedef struct {
    const char *syn, *train, *holdout;
    const char *groups, *group_column;
    vs_map_opts_t map;
    unsigned attacks;
    int known_sites, kmer, bootstrap;
    const char *shadow_cmd;   /* generator command template, or NULL */
    const char *shadow_pool;  /* genomes the shadow attacker holds [the holdout] */
    int shadow_runs;
    double level;             /* of the AUC intervals: 0.95 */
    uint64_t seed;
} vs_risk_opts_t;

void vs_risk_opts_init(vs_risk_opts_t *o);
/* "dcr,king,..." into *set, VS_ATT_* bits; -1 with a usage error in e for
 * unknown names or none.  *named gets the attacks named one by one (not
 * through "all"): those must be able to run, where "all" quietly leaves out
 * shadow without a --shadow-cmd. */
int vs_risk_parse_attacks(const char *list, unsigned *set, unsigned *named, vs_error_t *e);

typedef struct {
    const char *attack;
    char *group;
    vs_roc_t roc;
    int copies[2];            /* members, non-members with an exact synthetic copy; -1: no copies rule */
    double copies_p;          /* the copies rule's Fisher p-value, NaN without it */
} vs_risk_row_t;

typedef struct {
    int n_rows;
    vs_risk_row_t *rows;
    int64_t sites_used, sites_in[3];
    int have_bands, have_aats, have_unique, have_copies;
    int exact_copies[2];      /* members, non-members with a synthetic sample of identical genotypes */
    vs_king_bands_t bands;
    vs_aats_t aats;
    vs_unique_t unique;
} vs_risk_t;

/* NULL with an error when a cohort cannot be read or a shadow run fails. */
vs_risk_t *vs_risk_run(const vs_risk_opts_t *o, vs_error_t *e);
void vs_risk_tsv(const vs_risk_t *r, FILE *fp);
/* On standard error: the worst group of each attack, the KING bands, AATS. */
void vs_risk_summary(const vs_risk_t *r);
/* The worst verdict of any row: 2 "high", 1 "signal", 0 otherwise. */
int vs_risk_worst(const vs_risk_t *r);
/* {"rows": [...]} plus "sites", "king_bands", "aats", "unique" and "worst". */
int vs_risk_json(const vs_risk_t *r, const char *path, vs_error_t *e);
void vs_risk_destroy(vs_risk_t *r);

/* --self-test F: positive control (synthetic = copies of a fraction F of the
 * training samples plus half of the holdout as filler), planted control
 * (the filler with 20 training samples planted among it, renamed: dcr, king
 * and ibd must call it "high") and negative control (synthetic = that
 * holdout half alone); the other holdout half are the non-members.  The
 * negative rows are judged with Bonferroni-adjusted intervals (95% for the
 * family of rows), since at 95% each one would show a signal by chance one
 * time in twenty.  Prints expected against observed; returns the number of
 * rows that did not behave as expected, or -1 with an error. */
int vs_risk_self_test(const vs_risk_opts_t *o, double fraction, FILE *fp, vs_error_t *e);

#endif
