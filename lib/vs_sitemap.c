#include "vs_sitemap.h"
#include "vs_err.h"

#include <math.h>
#include <stdlib.h>

/* The contig's sites as map points, or NULL with fewer than 2 positions. */
static vs_cmap_t *map_from_info_cm(const vs_panel_t *p, const vs_contig_t *c)
{
    int64_t n = 0, *pos = vs_malloc(c->n_sites * sizeof *pos);
    double *cm = vs_malloc(c->n_sites * sizeof *cm);
    for (int64_t s = c->first_site; s < c->first_site + c->n_sites; s++) {
        if (n && p->pos[s] == pos[n - 1]) continue;     /* split multi-allelics share a position */
        pos[n] = p->pos[s];
        cm[n++] = p->info_cm[s];
    }
    vs_cmap_t *m = n >= 2 ? vs_cmap_points(c->name, (int)n, pos, cm, "INFO/CM") : NULL;
    free(pos);
    free(cm);
    return m;
}

static int all_have_info_cm(const vs_panel_t *p)
{
    for (int64_t s = 0; s < p->n_sites; s++)
        if (isnan(p->info_cm[s])) return 0;
    return 1;
}

/* The share of the contig's sites inside the map's first and last points. */
static double map_cover(const vs_panel_t *p, const vs_contig_t *c, const vs_cmap_t *m)
{
    if (m->n < 2 || c->n_sites == 0) return 1;
    int64_t in = 0;
    for (int64_t s = c->first_site; s < c->first_site + c->n_sites; s++)
        in += p->pos[s] >= m->pos[0] && p->pos[s] <= m->pos[m->n - 1];
    return (double)in / c->n_sites;
}

/* A map that misses much of the contig is most likely of another build or
 * contig: refused unless extrapolate, said in any case. */
static void check_cover(const vs_panel_t *p, const vs_contig_t *c, const vs_cmap_t *m, const char *from,
                        const vs_map_opts_t *map)
{
    double cover = map_cover(p, c, m);
    if (cover >= 1) return;
    if (cover < VS_MAP_MIN_COVER && !map->extrapolate)
        vs_die_at(&(vs_loc_t){ from, c->name, -1, NULL },
                  "check the map's build and contig names, or give --map-extrapolate to use it anyway",
                  "the genetic map spans only %.1f%% of contig %s's sites (map %lld-%lld, sites %lld-%lld)",
                  100 * cover, c->name, (long long)m->pos[0], (long long)m->pos[m->n - 1], (long long)c->first_pos,
                  (long long)c->last_pos);
    (cover < 0.99 ? vs_warn : vs_info)("the genetic map %s spans %.1f%% of contig %s's sites; the rest are "
                                       "extrapolated at the map's end rates", from, 100 * cover, c->name);
}

vs_sitemap_t *vs_sitemap_resolve(const vs_panel_t *p, const vs_map_opts_t *map)
{
    vs_sitemap_t *sm = vs_calloc(1, sizeof *sm);
    sm->n = p->n_contigs;
    sm->map = vs_calloc(sm->n, sizeof *sm->map);
    sm->source = vs_calloc(sm->n, sizeof *sm->source);
    vs_gmap_resolver_t *r = map->spec ? vs_gmap_resolver(map->spec) : NULL;
    int use_info = !r && all_have_info_cm(p), n_found = 0;
    if (!r) vs_info(use_info ? "genetic positions: INFO/CM of every record"
                             : "genetic positions: constant %g cM/Mb (no --map, and not every record has INFO/CM)",
                    map->cm_per_mb);
    for (int i = 0; i < p->n_contigs; i++) {
        const vs_contig_t *c = &p->contigs[i];
        vs_cmap_t *full = NULL;
        const char *from = NULL;
        if (r) {
            full = vs_gmap_resolve(r, c->name, &from);
            n_found += full != NULL;
            if (!full && i == p->n_contigs - 1 && n_found == 0)
                vs_die_at(&(vs_loc_t){ map->spec, NULL, -1, NULL },
                          "name map files by contig (chr20.gmap.gz), use a {CHROM} template, or drop --map",
                          "--map has no genetic map for any contig of the panel (first: %s)", p->contigs[0].name);
            if (full) check_cover(p, c, full, from, map);
            else vs_warn("no genetic map for contig %s in %s; using the constant rate %g cM/Mb", c->name, map->spec,
                         map->cm_per_mb);
        } else if (use_info && (full = map_from_info_cm(p, c)) != NULL) {
            from = "INFO/CM";
        } else if (use_info) {
            vs_warn("contig %s has INFO/CM at fewer than 2 positions; using the constant rate %g cM/Mb",
                    c->name, map->cm_per_mb);
        }
        if (!full) {
            full = vs_cmap_constant(c->name, map->cm_per_mb);
            from = "constant";
        }
        sm->map[i] = vs_cmap_restrict(full, c->first_pos, c->last_pos);
        sm->source[i] = vs_strdup(from);
        vs_cmap_destroy(full);
    }
    vs_gmap_resolver_destroy(r);
    return sm;
}

void vs_sitemap_cm(const vs_sitemap_t *m, const vs_panel_t *p, double *cm)
{
    for (int i = 0; i < p->n_contigs; i++) {
        const vs_contig_t *c = &p->contigs[i];
        for (int64_t s = c->first_site; s < c->first_site + c->n_sites; s++) cm[s] = vs_cmap_cm(m->map[i], p->pos[s]);
    }
}

void vs_sitemap_destroy(vs_sitemap_t *m)
{
    if (!m) return;
    for (int i = 0; i < m->n; i++) {
        vs_cmap_destroy(m->map[i]);
        free(m->source[i]);
    }
    free(m->map);
    free(m->source);
    free(m);
}
