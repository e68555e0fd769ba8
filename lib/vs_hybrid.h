/* vs_hybrid: what vcf-hybrid does (DESIGN.md section 6), as a library call:
 * real and synthetic samples in one dataset, with provenance.
 *   augment  all real samples, plus synthetic ones per group up to a target
 *   mix      a stratified fraction of real samples replaced by synthetic ones,
 *            shuffled and renamed; which is which goes only to the key file
 *   replace  inside BED regions each real sample's genotypes come from a
 *            synthetic sample of its group */
#ifndef VS_HYBRID_H
#define VS_HYBRID_H

#include <stdint.h>
#include "vs_err.h"

typedef enum { VS_AUGMENT, VS_MIX, VS_REPLACE } vs_hybrid_mode_t;

typedef struct {
    vs_hybrid_mode_t mode;
    const char *real, *syn;
    const char *groups, *group_column;
    const char *target;         /* augment: equal, max or GROUP=N,... */
    double fraction;            /* mix */
    const char *prefix;         /* mix: output names */
    const char *regions;        /* replace: BED file */
    const char *key;            /* mix, replace: provenance key (TSV) */
    int sites_intersect;        /* else sites must match exactly */
    uint64_t seed;
    const char *output, *otype;
    int write_index;            /* VS_INDEX_NONE, _CSI or _TBI (--write-index) */
    int threads, no_version;
} vs_hybrid_opts_t;

/* 0, or -1 with an error naming the file, contig, position and sample where
 * they apply (the outputs are then left to the caller to discard). */
int vs_hybrid_run(const vs_hybrid_opts_t *o, vs_error_t *e);

/* augment --target: equal, max, or GROUP=N,... (whole N, each group once);
 * -1 with a usage error in e. */
enum { VS_TARGET_EQUAL, VS_TARGET_MAX, VS_TARGET_COUNTS };
typedef struct {
    int kind, n;
    char **group;
    int *count;
} vs_target_t;
int vs_target_parse(const char *spec, vs_target_t *t, vs_error_t *e);
void vs_target_free(vs_target_t *t);

#endif
