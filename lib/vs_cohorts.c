#include "vs_cohorts.h"
#include "vs_err.h"
#include "vs_sitemap.h"
#include "vs_vcf.h"

#include <htslib/khash.h>
#include <stdlib.h>
#include <string.h>

KHASH_SET_INIT_STR(names)
KHASH_MAP_INIT_STR(names2i, int)

vs_panel_t *vs_cohort_read(const char *path, int keep_site_names, vs_error_t *e)
{
    vs_read_opts_t ro = { .skip_multiallelic = 1, .allow_unphased = 1, .keep_site_names = keep_site_names };
    vs_panel_t *p = vs_panel_read(path, &ro, e);
    if (p && p->n_multiallelic_skipped)
        vs_info("%s: skipped %lld multi-allelic records", path, (long long)p->n_multiallelic_skipped);
    return p;
}

int vs_cohort_positions(const vs_panel_t *p, const int64_t *sites, int64_t n, const vs_map_opts_t *map,
                        double **cm_out, uint8_t **contig_start, vs_error_t *e)
{
    vs_sitemap_t *sm = vs_sitemap_resolve(p, map, e);
    if (!sm) return -1;
    double *cm = vs_malloc((p->n_sites + 1) * sizeof *cm);
    vs_sitemap_cm(sm, p, cm);
    int64_t *contig = vs_malloc((p->n_sites + 1) * sizeof *contig);
    for (int i = 0; i < p->n_contigs; i++)
        for (int64_t s = 0; s < p->contigs[i].n_sites; s++) contig[p->contigs[i].first_site + s] = i;
    *cm_out = vs_malloc((n + 1) * sizeof **cm_out);
    *contig_start = vs_malloc(n + 1);
    for (int64_t j = 0; j < n; j++) {
        (*cm_out)[j] = cm[sites[j]];
        (*contig_start)[j] = j == 0 || contig[sites[j]] != contig[sites[j - 1]];
    }
    free(cm);
    free(contig);
    vs_sitemap_destroy(sm);
    return 0;
}

static int check_disjoint(const vs_panel_t *t, const vs_panel_t *h, const vs_cohorts_opts_t *o, vs_error_t *e)
{
    khash_t(names) *seen = kh_init(names);
    int absent, ret = 0;
    for (int i = 0; i < t->n_samples; i++) kh_put(names, seen, t->samples[i], &absent);
    for (int i = 0; i < h->n_samples && ret == 0; i++)
        if (kh_get(names, seen, h->samples[i]) != kh_end(seen))
            ret = vs_fail(e, "sample %s is in both %s and %s; a training sample cannot also be a holdout sample",
                          h->samples[i], o->path[VS_TRAIN], o->path[VS_HOLDOUT]);
    kh_destroy(names, seen);
    return ret;
}

/* Labels of the real samples from the table; of synthetic ones from the
 * table too (one lookup over the distinct names, so that a synthetic sample
 * named like a real one takes its group), else from their ##SAMPLE Group=. */
static int label_samples(vs_panel_t *const *p, const vs_cohorts_opts_t *o, vs_cohorts_t *c, vs_error_t *e)
{
    int nt = p[VS_TRAIN]->n_samples, nh = p[VS_HOLDOUT]->n_samples;
    int ns = o->label_synthetic ? p[VS_SYN]->n_samples : 0, n = nt + nh + ns, nd = nt + nh;
    char **names = vs_malloc((n + 1) * sizeof *names), **label = vs_calloc(n + 1, sizeof *label);
    int *where = vs_malloc((n + 1) * sizeof *where);       /* each sample's place among the distinct names */
    khash_t(names2i) *seen = kh_init(names2i);
    for (int i = 0; i < n; i++) {
        const char *s = i < nt ? p[VS_TRAIN]->samples[i] : i < nt + nh ? p[VS_HOLDOUT]->samples[i - nt]
                                                                       : p[VS_SYN]->samples[i - nt - nh];
        int absent;
        khiter_t k = kh_put(names2i, seen, s, &absent);
        if (absent) kh_val(seen, k) = i < nd ? i : nd++;
        where[i] = kh_val(seen, k);
        names[where[i]] = (char *)s;
    }
    kh_destroy(names2i, seen);
    if (o->groups) {
        char **table = vs_groups_labels(o->groups, o->group_column, names, nd, 1, e);
        if (!table) {
            free(names);
            free(label);
            free(where);
            return -1;
        }
        for (int i = 0; i < n; i++) label[i] = table[where[i]] ? vs_strdup(table[where[i]]) : NULL;
        vs_free_labels(table, nd);
    } else {
        for (int i = 0; i < n; i++) label[i] = vs_strdup("all");
    }
    for (int i = 0; i < ns; i++)
        if (!label[nt + nh + i] && p[VS_SYN]->header_group && p[VS_SYN]->header_group[i])
            label[nt + nh + i] = vs_strdup(p[VS_SYN]->header_group[i]);
    for (int i = 0; i < n; i++)
        names[i] = i < nt ? p[VS_TRAIN]->samples[i] : i < nt + nh ? p[VS_HOLDOUT]->samples[i - nt]
                                                                   : p[VS_SYN]->samples[i - nt - nh];
    c->groups = vs_groups_from_labels(label, names, n, o->groups ? o->groups : "(none)");
    c->group_of[VS_TRAIN] = c->groups->group_of;
    c->group_of[VS_HOLDOUT] = c->groups->group_of + nt;
    c->group_of[VS_SYN] = ns ? c->groups->group_of + nt + nh : NULL;
    for (int i = 0; i < n; i++) free(label[i]);
    free(label);
    free(names);
    free(where);
    return 0;
}

/* The three panels, read and checked: 0, or -1 with an error (none left read). */
static int read_three(const vs_cohorts_opts_t *o, vs_panel_t *p[3], vs_error_t *e)
{
    int ret = 0;
    for (int k = 0; k < 3; k++) p[k] = NULL;
    for (int k = 0; k < 3 && ret == 0; k++)
        if (!(p[k] = vs_cohort_read(o->path[k], o->keep_site_names && k == VS_TRAIN, e))) ret = -1;
    if (ret == 0) ret = check_disjoint(p[VS_TRAIN], p[VS_HOLDOUT], o, e);
    if (ret < 0)
        for (int k = 0; k < 3; k++) vs_panel_destroy(p[k]);
    return ret;
}

static void warn_dropped(vs_panel_t *const p[3], int64_t n, const vs_cohorts_opts_t *o)
{
    vs_info("sites: %lld in all three files are used; %lld of %s, %lld of %s and %lld of %s are dropped",
            (long long)n, (long long)(p[VS_SYN]->n_sites - n), o->path[VS_SYN],
            (long long)(p[VS_TRAIN]->n_sites - n), o->path[VS_TRAIN], (long long)(p[VS_HOLDOUT]->n_sites - n),
            o->path[VS_HOLDOUT]);
    for (int k = 0; k < 3; k++)          /* a mismatch (build, contig names, split records) shows here */
        if (n >= VS_COHORTS_MIN_SITES && p[k]->n_sites - n > n)
            vs_warn("%lld of the %lld sites of %s are not in the other two files and are left out",
                    (long long)(p[k]->n_sites - n), (long long)p[k]->n_sites, o->path[k]);
    if (n < VS_COHORTS_MIN_SITES)
        vs_warn("only %lld site%s shared by %s, %s and %s, fewer than %d: every row is 'insufficient' (check that "
                "they cover the same regions, on the same reference build)", (long long)n, n == 1 ? " is" : "s are",
                o->path[VS_SYN], o->path[VS_TRAIN], o->path[VS_HOLDOUT], VS_COHORTS_MIN_SITES);
}

vs_cohorts_t *vs_cohorts_load(const vs_cohorts_opts_t *o, vs_error_t *e)
{
    vs_panel_t *p[3];
    if (read_three(o, p, e) < 0) return NULL;
    /* the training panel first, so that the common sites come in its order */
    vs_panel_t *order[3] = { p[VS_TRAIN], p[VS_SYN], p[VS_HOLDOUT] };
    int64_t *idx[3];
    int64_t n = vs_match_sites(order, 3, idx);
    vs_cohorts_t *c = vs_calloc(1, sizeof *c);
    int64_t *sites[3] = { idx[1], idx[0], idx[2] };
    int ret = 0;
    if (n == 0)
        ret = vs_fail(e, "%s, %s and %s share no site (matched by CHROM, POS, REF and ALT); check that they are on "
                         "the same reference build and that multi-allelic records are split ('bcftools norm -m-')",
                      o->path[VS_SYN], o->path[VS_TRAIN], o->path[VS_HOLDOUT]);
    else
        warn_dropped(p, n, o);
    if (ret == 0) ret = vs_cohort_positions(p[VS_TRAIN], sites[VS_TRAIN], n, &o->map, &c->cm, &c->contig_start, e);
    if (ret == 0) ret = label_samples(p, o, c, e);
    c->n_sites = n;
    for (int k = 0; k < 3; k++) {
        c->sites_in[k] = p[k]->n_sites;
        c->geno[k] = vs_geno_from_panel(p[k], sites[k], n);
        c->names[k] = vs_malloc((p[k]->n_samples + 1) * sizeof *c->names[k]);
        for (int i = 0; i < p[k]->n_samples; i++) c->names[k][i] = vs_strdup(p[k]->samples[i]);
    }
    if (ret == 0 && o->keep_site_names) {
        c->site_name = vs_malloc((n + 1) * sizeof *c->site_name);
        for (int64_t j = 0; j < n; j++) c->site_name[j] = vs_strdup(p[VS_TRAIN]->site_name[sites[VS_TRAIN][j]]);
    }
    for (int k = 0; k < 3; k++) {
        free(idx[k]);
        vs_panel_destroy(p[k]);
    }
    if (ret < 0) {
        vs_cohorts_destroy(c);
        return NULL;
    }
    return c;
}

void vs_cohorts_destroy(vs_cohorts_t *c)
{
    if (!c) return;
    for (int k = 0; k < 3; k++) {
        if (c->names[k]) vs_free_strings(c->names[k], c->geno[k]->n);
        vs_geno_destroy(c->geno[k]);
    }
    for (int64_t j = 0; c->site_name && j < c->n_sites; j++) free(c->site_name[j]);
    free(c->site_name);
    free(c->cm);
    free(c->contig_start);
    vs_groups_destroy(c->groups);
    free(c);
}
