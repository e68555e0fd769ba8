/* vs_bed: regions from a BED file (0-based, half-open), sorted and
 * non-overlapping within each contig, for testing whether a site is inside. */
#ifndef VS_BED_H
#define VS_BED_H

#include <stdint.h>

typedef struct {
    char *contig;
    int n;
    int64_t *start, *end;     /* 0-based, half-open */
} vs_bed_contig_t;

typedef struct {
    int n;
    vs_bed_contig_t *c;
} vs_bed_t;

/* Dies, naming the line, on a malformed, unsorted or overlapping file. */
vs_bed_t *vs_bed_read(const char *path);
/* Whether the 1-based position lies in a region (contigs match with or without "chr"). */
int vs_bed_contains(const vs_bed_t *b, const char *contig, int64_t pos);
void vs_bed_destroy(vs_bed_t *b);

#endif
