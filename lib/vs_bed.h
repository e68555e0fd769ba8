/* vs_bed: regions from a BED file (0-based, half-open; plain or gzipped;
 * '#', track and browser lines skipped; in any order, overlaps allowed, as
 * bcftools -R reads them), for testing whether a site is inside.  An htslib
 * region index (regidx) holds them. */
#ifndef VS_BED_H
#define VS_BED_H

#include <stdint.h>
#include "vs_err.h"

typedef struct vs_bed_t vs_bed_t;

/* NULL with an error naming the file and line for a line that is not
 * 'contig start end' with 0 <= start < end, and for a file with no region. */
vs_bed_t *vs_bed_read(const char *path, vs_error_t *e);
/* Whether the 1-based position lies in a region (contigs match with or without "chr"). */
int vs_bed_contains(const vs_bed_t *b, const char *contig, int64_t pos);
void vs_bed_destroy(vs_bed_t *b);

#endif
