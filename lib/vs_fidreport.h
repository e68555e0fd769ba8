/* vs_fidreport: the outputs and the verdict of a fidelity report. */
#ifndef VS_FIDREPORT_H
#define VS_FIDREPORT_H

#include <stdio.h>
#include "vs_fidelity.h"

void vs_fidelity_tsv(const vs_fidelity_t *f, FILE *fp);
/* {"rows": [...], "bias": [...]} with the TSV keys, plus "sites" and "verdict". */
int vs_fidelity_json(const vs_fidelity_t *f, const char *path, vs_error_t *e);
/* One line: how many rows and metrics are flagged, and the worst. */
char *vs_fidelity_verdict(const vs_fidelity_t *f);
/* 1 when the verdict is FLAGGED: more rows flagged than chance allows (a
 * one-sided binomial test on the count, at VS_FIDELITY_FLAG_ALPHA) or a bias
 * amplified. */
#define VS_FIDELITY_FLAG_ALPHA 0.05
int vs_fidelity_flagged(const vs_fidelity_t *f);
/* On standard error: the verdict and each flagged amplification. */
void vs_fidelity_summary(const vs_fidelity_t *f);
/* Per site: CHROM POS REF ALT, then the ALT frequency of each group of the
 * whole synthetic, holdout and training cohorts (columns GROUP:SET).  The
 * files are written as vs_text_open writes them: 0, or -1 with an error. */
int vs_fidelity_af_table(const vs_fidelity_t *f, const char *path, vs_error_t *e);
/* Per LD pair, group and set: the haplotype r^2 the LD metrics use. */
int vs_fidelity_ld_table(const vs_fidelity_t *f, const char *path, vs_error_t *e);
#endif
