/* vs_synth: what vcf-synth does, as a library call: stream the panel the
 * model was fitted on, sample the synthetic haplotypes site by site, and
 * write them with a clean header (no source sample names, no source header
 * lines but ##contig and ##reference) and ##SAMPLE provenance lines. */
#ifndef VS_SYNTH_H
#define VS_SYNTH_H

#include <stdint.h>
#include "vs_model.h"
#include "vs_sample.h"
#include "vs_vcf.h"

typedef struct {
    int n;                    /* synthetic samples */
    const double *shares;     /* per group of `groups` */
    const vs_groupset_t *groups;  /* model groups, then --admix ones */
    const char *local_ancestry;   /* --local-ancestry FILE, or NULL */
    vs_condition_t *cond;         /* --condition, in order */
    int n_cond;
    const char *prefix;
    vs_sample_opts_t sample;  /* seed and privacy knobs */
    const char *provenance;   /* --provenance FILE, or NULL */
    const char *privacy;      /* the --privacy preset, or NULL (knobs set one by one) */
    const char *output, *otype;
    int write_index;          /* VS_INDEX_NONE, _CSI or _TBI (--write-index) */
    int threads, no_version;
    int progress;             /* a progress line (the tool decides: --progress, or a terminal) */
    const char *model_path;
} vs_synth_opts_t;

/* 0, or -1 with an error naming the file, contig, position and sample where
 * they apply (the run's unfinished outputs are then left to the caller:
 * a tool's exit removes them). */
int vs_synth_run(const vs_model_t *m, const char *panel, const vs_read_opts_t *ro, const vs_synth_opts_t *o,
                 vs_error_t *e);

#endif
