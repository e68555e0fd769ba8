/* vs_sitemap: the genetic map of each contig of a panel, as --map, INFO/CM
 * and --cM-per-Mb decide it (DESIGN.md section 3), restricted to the panel's
 * span, and the genetic position of every site. */
#ifndef VS_SITEMAP_H
#define VS_SITEMAP_H

#include "vs_gmap.h"
#include "vs_panel.h"

/* How genetic positions are found: --map, --cM-per-Mb, --map-extrapolate. */
typedef struct {
    const char *spec;      /* a file, a {CHROM} template or a directory; NULL: INFO/CM or the constant rate */
    double cm_per_mb;      /* where there is no map */
    int extrapolate;       /* use a map that covers less than VS_MAP_MIN_COVER of a contig's sites */
} vs_map_opts_t;

/* A map file that holds fewer than this share of a contig's sites within its
 * span is refused (a wrong build or contig), unless extrapolate. */
#define VS_MAP_MIN_COVER 0.5

typedef struct {
    int n;                 /* = panel contigs */
    vs_cmap_t **map;
    char **source;         /* a file name, "INFO/CM" or "constant" */
} vs_sitemap_t;

/* map->spec NULL: INFO/CM when every record has it, else the constant rate.
 * NULL with an error when a map cannot be read or does not fit the panel. */
vs_sitemap_t *vs_sitemap_resolve(const vs_panel_t *p, const vs_map_opts_t *map, vs_error_t *e);
/* cM of each site, into cm[p->n_sites]. */
void vs_sitemap_cm(const vs_sitemap_t *m, const vs_panel_t *p, double *cm);
void vs_sitemap_destroy(vs_sitemap_t *m);

#endif
