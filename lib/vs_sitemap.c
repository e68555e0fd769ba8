#include "vs_sitemap.h"
#include "vs_err.h"

#include <math.h>
#include <stdlib.h>

/* The contig's sites as map points into *m (NULL with fewer than 2
 * positions); -1 with an error when INFO/CM decreases. */
static int map_from_info_cm(const vs_panel_t *p, const vs_contig_t *c, vs_cmap_t **m, vs_error_t *e)
{
    int64_t n = 0, *pos = vs_malloc(c->n_sites * sizeof *pos);
    double *cm = vs_malloc(c->n_sites * sizeof *cm);
    for (int64_t s = c->first_site; s < c->first_site + c->n_sites; s++) {
        if (n && p->pos[s] == pos[n - 1]) continue;     /* split multi-allelics share a position */
        pos[n] = p->pos[s];
        cm[n++] = p->info_cm[s];
    }
    *m = n >= 2 ? vs_cmap_points(c->name, (int)n, pos, cm, "INFO/CM", e) : NULL;
    free(pos);
    free(cm);
    return n >= 2 && !*m ? -1 : 0;
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
static int check_cover(const vs_panel_t *p, const vs_contig_t *c, const vs_cmap_t *m, const char *from,
                       const vs_map_opts_t *map, vs_error_t *e)
{
    double cover = map_cover(p, c, m);
    if (cover >= 1) return 0;
    if (cover < VS_MAP_MIN_COVER && !map->extrapolate)
        return vs_fail_at(e, &(vs_loc_t){ from, c->name, -1, NULL },
                  "check the map's build and contig names, or give --map-extrapolate to use it anyway",
                  "the genetic map spans only %.1f%% of contig %s's sites (map %lld-%lld, sites %lld-%lld)",
                  100 * cover, c->name, (long long)m->pos[0], (long long)m->pos[m->n - 1], (long long)c->first_pos,
                  (long long)c->last_pos);
    (cover < 0.99 ? vs_warn : vs_info)("the genetic map %s spans %.1f%% of contig %s's sites; the rest are "
                                       "extrapolated at the map's end rates", from, 100 * cover, c->name);
    return 0;
}

/* Contig i's map from --map, NULL when the spec has none for it: 0, or -1 with an error. */
static int map_from_spec(const vs_panel_t *p, int i, vs_gmap_resolver_t *r, const vs_map_opts_t *map, int *n_found,
                         vs_cmap_t **full, const char **from, vs_error_t *e)
{
    const vs_contig_t *c = &p->contigs[i];
    if (vs_gmap_resolve(r, c->name, full, from, e) < 0) return -1;
    *n_found += *full != NULL;
    if (!*full && i == p->n_contigs - 1 && *n_found == 0)
        return vs_fail_at(e, &(vs_loc_t){ map->spec, NULL, -1, NULL },
                          "name map files by contig (chr20.gmap.gz), use a {CHROM} template, or drop --map",
                          "--map has no genetic map for any contig of the panel (first: %s)", p->contigs[0].name);
    if (*full) return check_cover(p, c, *full, *from, map, e);
    vs_warn("no genetic map for contig %s in %s; using the constant rate %g cM/Mb", c->name, map->spec,
            map->cm_per_mb);
    return 0;
}

vs_sitemap_t *vs_sitemap_resolve(const vs_panel_t *p, const vs_map_opts_t *map, vs_error_t *e)
{
    vs_gmap_resolver_t *r = NULL;
    if (map->spec && !(r = vs_gmap_resolver(map->spec, e))) return NULL;
    vs_sitemap_t *sm = vs_calloc(1, sizeof *sm);
    sm->n = p->n_contigs;
    sm->map = vs_calloc(sm->n, sizeof *sm->map);
    sm->source = vs_calloc(sm->n, sizeof *sm->source);
    int use_info = !r && all_have_info_cm(p), n_found = 0, ret = 0;
    if (!r) vs_info(use_info ? "genetic positions: INFO/CM of every record"
                             : "genetic positions: constant %g cM/Mb (no --map, and not every record has INFO/CM)",
                    map->cm_per_mb);
    for (int i = 0; i < p->n_contigs && ret == 0; i++) {
        const vs_contig_t *c = &p->contigs[i];
        vs_cmap_t *full = NULL;
        const char *from = NULL;
        if (r) {
            ret = map_from_spec(p, i, r, map, &n_found, &full, &from, e);
        } else if (use_info) {
            ret = map_from_info_cm(p, c, &full, e);
            if (full) from = "INFO/CM";
            else if (ret == 0)
                vs_warn("contig %s has INFO/CM at fewer than 2 positions; using the constant rate %g cM/Mb",
                        c->name, map->cm_per_mb);
        }
        if (ret == 0 && !full) {
            full = vs_cmap_constant(c->name, map->cm_per_mb);
            from = "constant";
        }
        if (ret == 0) {
            sm->map[i] = vs_cmap_restrict(full, c->first_pos, c->last_pos);
            sm->source[i] = vs_strdup(from);
        }
        vs_cmap_destroy(full);
    }
    vs_gmap_resolver_destroy(r);
    if (ret < 0) {
        vs_sitemap_destroy(sm);
        return NULL;
    }
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
