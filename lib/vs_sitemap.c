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

vs_sitemap_t *vs_sitemap_resolve(const vs_panel_t *p, const char *map_spec, double cm_per_mb)
{
    vs_sitemap_t *sm = vs_calloc(1, sizeof *sm);
    sm->n = p->n_contigs;
    sm->map = vs_calloc(sm->n, sizeof *sm->map);
    sm->source = vs_calloc(sm->n, sizeof *sm->source);
    vs_gmap_resolver_t *r = map_spec ? vs_gmap_resolver(map_spec) : NULL;
    int use_info = !r && all_have_info_cm(p);
    if (!r) vs_info(use_info ? "genetic positions: INFO/CM of every record"
                             : "genetic positions: constant %g cM/Mb (no --map, and not every record has INFO/CM)",
                    cm_per_mb);
    for (int i = 0; i < p->n_contigs; i++) {
        const vs_contig_t *c = &p->contigs[i];
        vs_cmap_t *full = NULL;
        const char *from = NULL;
        if (r) {
            full = vs_gmap_resolve(r, c->name, &from);
            if (!full)
                vs_warn("no genetic map for contig %s in %s; using the constant rate %g cM/Mb",
                        c->name, map_spec, cm_per_mb);
        } else if (use_info && (full = map_from_info_cm(p, c)) != NULL) {
            from = "INFO/CM";
        } else if (use_info) {
            vs_warn("contig %s has INFO/CM at fewer than 2 positions; using the constant rate %g cM/Mb",
                    c->name, cm_per_mb);
        }
        if (!full) {
            full = vs_cmap_constant(c->name, cm_per_mb);
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
