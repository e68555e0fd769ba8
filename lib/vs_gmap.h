/* vs_gmap: genetic maps.  Reads SHAPEIT (pos chr cM), HapMap (Chromosome
 * Position(bp) Rate(cM/Mb) Map(cM)), Eagle (chr position COMBINED_rate(cM/Mb)
 * Genetic_Map(cM)) and PLINK .map (chr id cM bp, no header), gzip or plain,
 * one or several contigs per file; a --map argument may also be a template
 * with {CHROM} or a directory.  Positions between map points are linearly
 * interpolated; outside them, extrapolated at the edge rate. */
#ifndef VS_GMAP_H
#define VS_GMAP_H

#include <stdint.h>
#include "vs_err.h"

/* The map of one contig: piecewise linear through points, or a constant rate. */
typedef struct {
    char *contig;
    int n;            /* number of points; 0 means constant rate */
    int64_t *pos;     /* 1-based bp, strictly increasing */
    double *cm;       /* non-decreasing */
    double cm_per_mb; /* used when n == 0 */
} vs_cmap_t;

vs_cmap_t *vs_cmap_constant(const char *contig, double cm_per_mb);
/* Copies the arrays; NULL with an error when there are fewer than 2 points,
 * positions are not increasing or cM decreases (origin names the source). */
vs_cmap_t *vs_cmap_points(const char *contig, int n, const int64_t *pos, const double *cm,
                          const char *origin, vs_error_t *e);
double vs_cmap_cm(const vs_cmap_t *m, int64_t pos);
/* The last position at or before genetic position cm (the inverse of
 * vs_cmap_cm, 1 at the least). */
int64_t vs_cmap_pos(const vs_cmap_t *m, double cm);
/* The points covering [start, end] plus one neighbour either side: the same
 * interpolation inside the span, in a fraction of the size. */
vs_cmap_t *vs_cmap_restrict(const vs_cmap_t *m, int64_t start, int64_t end);
void vs_cmap_destroy(vs_cmap_t *m);

/* Contig names match with or without a leading "chr". */
int vs_contig_match(const char *a, const char *b);

/* All contigs of one map file. */
typedef struct {
    int n;
    vs_cmap_t **maps;
    const char *format;   /* "SHAPEIT", "HapMap", "Eagle", "PLINK" */
} vs_gmap_t;

/* NULL with an error when the file cannot be read or is not a map. */
vs_gmap_t *vs_gmap_read(const char *path, vs_error_t *e);
const vs_cmap_t *vs_gmap_find(const vs_gmap_t *g, const char *contig);
void vs_gmap_destroy(vs_gmap_t *g);

/* Resolves a --map argument (file, {CHROM} template or directory) contig by
 * contig, reading each file once. */
typedef struct vs_gmap_resolver_t vs_gmap_resolver_t;
vs_gmap_resolver_t *vs_gmap_resolver(const char *spec, vs_error_t *e);
/* *map: a copy of the contig's map, or NULL when the spec has none for it;
 * *from is set to the file it came from.  0, or -1 with an error when a
 * file cannot be read. */
int vs_gmap_resolve(vs_gmap_resolver_t *r, const char *contig, vs_cmap_t **map, const char **from, vs_error_t *e);
void vs_gmap_resolver_destroy(vs_gmap_resolver_t *r);

#endif
