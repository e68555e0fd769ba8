#include "vs_fit.h"
#include "vs_err.h"
#include "vs_ls.h"
#include "vs_sitemap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A group is flagged as too small for a reliable fit below this many
 * haplotypes per --min-group haplotype. */
#define RELIABLE_FACTOR 5
/* --fit-sites never holds out fewer haplotypes than this */
#define MIN_FIT_HAPLOTYPES 4

void vs_fit_opts_init(vs_fit_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->map.cm_per_mb = 1.0;
    o->fit_haplotypes = 100;
    o->fit_sites = VS_FIT_SITES_DEFAULT;
    o->ne_min = 10;
    o->ne_max = 1e7;
    o->min_group = 20;
    o->seed = 1;
}

/* ---------- maps ---------- */

static void resolve_maps(const vs_panel_t *p, const vs_fit_opts_t *o, vs_model_t *m)
{
    vs_sitemap_t *sm = vs_sitemap_resolve(p, &o->map);
    for (int i = 0; i < p->n_contigs; i++) {
        m->contigs[i].map = sm->map[i];
        m->contigs[i].map_source = sm->source[i];
        sm->map[i] = NULL;
        sm->source[i] = NULL;
    }
    vs_sitemap_destroy(sm);
}

static void sites_along_map(const vs_panel_t *p, const vs_model_t *m, double *morgan, uint8_t *start)
{
    for (int i = 0; i < p->n_contigs; i++) {
        const vs_contig_t *c = &p->contigs[i];
        for (int64_t s = c->first_site; s < c->first_site + c->n_sites; s++) {
            morgan[s] = vs_cmap_cm(m->contigs[i].map, p->pos[s]) / 100.0;
            start[s] = s == c->first_site;
        }
    }
}

/* Held-out haplotypes per group: --fit-haplotypes, scaled down beyond
 * --fit-sites sites so that held-out haplotypes x sites, the cost, stays
 * that of --fit-sites sites.  Every site stays in the likelihood: the PAC
 * estimate of Ne depends on the markers' density and on the length of the
 * stretches it sees (thinned markers or windows of sites moved it by 10-50%
 * on eur300), while fewer held-out haplotypes only widen its interval. */
static int fit_haplotypes(const vs_panel_t *p, const vs_fit_opts_t *o)
{
    if (o->fit_sites == 0 || p->n_sites <= o->fit_sites) return o->fit_haplotypes;
    double scaled = ceil((double)o->fit_haplotypes * o->fit_sites / p->n_sites);
    int n = scaled < MIN_FIT_HAPLOTYPES ? MIN_FIT_HAPLOTYPES : (int)scaled;
    return n < o->fit_haplotypes ? n : o->fit_haplotypes;
}

/* ---------- groups ---------- */

static int too_small(const vs_groups_t *gr, int g, const vs_fit_opts_t *o)
{
    return 2 * vs_groups_count(gr, g) < o->min_group;
}

/* The groups that will be fitted, and each sample's index into them (-1:
 * left out).  Groups below --min-group are refused, or merged into NA; an NA
 * still below it is left out of the model. */
static int *settle_groups(const vs_groups_t *gr, const vs_fit_opts_t *o, char ***names_out, int *n_out)
{
    int G = gr->n_groups, na = vs_groups_find(gr, "NA"), na_haps = 0;
    int *dest = vs_malloc(G * sizeof *dest);
    char **names = vs_malloc((G + 1) * sizeof *names);
    int n = 0;
    for (int g = 0; g < G; g++) {
        if (g != na && !too_small(gr, g, o)) {
            dest[g] = n;
            names[n++] = vs_strdup(gr->names[g]);
            continue;
        }
        dest[g] = -1;
        na_haps += 2 * vs_groups_count(gr, g);
        if (g == na) continue;
        if (o->small_groups_error)
            vs_die("group %s has %d haplotypes, fewer than --min-group %d; use --small-groups merge "
                   "to fold it into group NA, or lower --min-group", gr->names[g],
                   2 * vs_groups_count(gr, g), o->min_group);
        vs_warn("group %s has %d haplotypes, fewer than --min-group %d; merged into group NA",
                gr->names[g], 2 * vs_groups_count(gr, g), o->min_group);
    }
    if (na_haps >= o->min_group && na_haps >= 4) {
        for (int g = 0; g < G; g++) if (dest[g] < 0) dest[g] = n;
        names[n++] = vs_strdup("NA");
    } else if (na_haps > 0) {
        vs_warn("group NA has %d haplotypes, fewer than --min-group %d; its %d samples are left out "
                "of the model (they are never copied)", na_haps, o->min_group, na_haps / 2);
    }
    if (n == 0) vs_die("no group has at least --min-group %d haplotypes; lower --min-group", o->min_group);
    int *group_of = vs_malloc(gr->n_samples * sizeof *group_of);
    for (int i = 0; i < gr->n_samples; i++) group_of[i] = dest[gr->group_of[i]];
    free(dest);
    *names_out = names;
    *n_out = n;
    return group_of;
}

/* ---------- source report ---------- */

/* The source report, and each group's allele-count spectrum (sites by the
 * copies of their minor allele in the group), which vcf-synth turns into the
 * frequency a fresh sample would show for alleles too rare to copy. */
static void source_report(const vs_panel_t *p, const int *group_of, vs_model_t *m)
{
    int G = m->n_groups;
    int *carriers = vs_malloc(G * sizeof *carriers), *alt = vs_malloc(G * sizeof *alt);
    int64_t *het = vs_calloc(G, sizeof *het);
    for (int g = 0; g < G; g++) {
        vs_group_model_t *gm = &m->groups[g];
        gm->private_alleles = 0;
        gm->n_spectrum = gm->K / 2 < VS_SPECTRUM_MAX ? gm->K / 2 : VS_SPECTRUM_MAX;
        free(gm->spectrum);
        gm->spectrum = vs_calloc(gm->n_spectrum + 1, sizeof *gm->spectrum);
    }
    for (int64_t s = 0; s < p->n_sites; s++) {
        memset(carriers, 0, G * sizeof *carriers);
        memset(alt, 0, G * sizeof *alt);
        for (int i = 0; i < p->n_samples; i++) {
            if (group_of[i] < 0) continue;
            int a = vs_panel_allele(p, s, 2 * i), b = vs_panel_allele(p, s, 2 * i + 1);
            carriers[group_of[i]] += a | b;
            alt[group_of[i]] += a + b;
            het[group_of[i]] += a != b;
        }
        for (int g = 0; g < G; g++) {
            vs_group_model_t *gm = &m->groups[g];
            int minor = alt[g] < gm->K - alt[g] ? alt[g] : gm->K - alt[g];
            if (minor > 0 && minor <= gm->n_spectrum) gm->spectrum[minor - 1]++;
        }
        int n_groups_with = 0, which = -1;
        for (int g = 0; g < G; g++)
            if (carriers[g]) { n_groups_with++; which = g; }
        if (n_groups_with == 1) m->groups[which].private_alleles++;
    }
    for (int g = 0; g < G; g++) {
        vs_group_model_t *gm = &m->groups[g];
        gm->share = (double)gm->n_members / p->n_samples;
        gm->mean_het = (double)het[g] / ((double)gm->n_members * p->n_sites);
    }
    free(carriers);
    free(alt);
    free(het);
}

/* ---------- the fit ---------- */

vs_model_t *vs_fit(const vs_panel_t *p, const vs_groups_t *groups, const vs_fit_opts_t *o)
{
    vs_model_t *m = vs_model_new();
    m->n_samples = p->n_samples;
    memcpy(m->sample_sha, p->sample_sha, 65);
    m->n_sites = p->n_sites;
    memcpy(m->site_sha, p->site_sha, 65);
    m->seed = o->seed;
    m->fit_eps = o->fit_eps;
    m->n_contigs = p->n_contigs;
    m->contigs = vs_calloc(p->n_contigs, sizeof *m->contigs);
    for (int i = 0; i < p->n_contigs; i++) {
        const vs_contig_t *c = &p->contigs[i];
        vs_model_contig_t *k = &m->contigs[i];
        k->name = vs_strdup(c->name);
        k->n_sites = c->n_sites;
        k->first_pos = c->first_pos;
        k->last_pos = c->last_pos;
        memcpy(k->site_sha, c->site_sha, 65);
    }
    resolve_maps(p, o, m);

    char **names;
    int *group_of = settle_groups(groups, o, &names, &m->n_groups);
    m->groups = vs_calloc(m->n_groups, sizeof *m->groups);
    for (int g = 0; g < m->n_groups; g++) {
        vs_group_model_t *gm = &m->groups[g];
        gm->name = names[g];
        gm->members = vs_malloc((p->n_samples + 1) * sizeof *gm->members);
        for (int i = 0; i < p->n_samples; i++)
            if (group_of[i] == g) gm->members[gm->n_members++] = i;
        gm->K = 2 * gm->n_members;
        gm->small = gm->K < RELIABLE_FACTOR * o->min_group;
    }
    free(names);

    double *morgan = vs_malloc(p->n_sites * sizeof *morgan);
    uint8_t *start = vs_malloc(p->n_sites);
    sites_along_map(p, m, morgan, start);
    vs_ls_sites_t sites = { p->n_sites, morgan, start };
    vs_ls_fit_opts_t fo = { o->fit_eps, o->ne_min, o->ne_max };
    int n_fit = fit_haplotypes(p, o);
    if (n_fit < o->fit_haplotypes)
        vs_info("%lld sites, more than --fit-sites %lld: %d held-out haplotypes per group instead of %d",
                (long long)p->n_sites, (long long)o->fit_sites, n_fit, o->fit_haplotypes);
    for (int g = 0; g < m->n_groups; g++) {
        vs_group_model_t *gm = &m->groups[g];
        vs_ls_group_t *lg = vs_ls_group_build(p, gm->members, gm->n_members, n_fit, o->seed);
        vs_ls_fit(lg, &sites, &fo, gm);
        vs_ls_group_destroy(lg);
        vs_info("group %s: %d samples, Ne = %.4g (95%% CI %.4g-%.4g), eps = %.3g, %d held-out haplotypes",
                gm->name, gm->n_members, gm->ne, gm->ne_lo, gm->ne_hi, gm->eps, gm->fit_haplotypes);
    }
    source_report(p, group_of, m);
    free(morgan);
    free(start);
    free(group_of);
    return m;
}

void vs_fit_report_tsv(const vs_model_t *m, FILE *fp)
{
    fprintf(fp, "group\tsamples\tshare\thaplotypes\tfit_haplotypes\tNe\tNe_lo\tNe_hi\teps\t"
                "loglik\tmean_heterozygosity\tprivate_alleles\tflag\n");
    for (int g = 0; g < m->n_groups; g++) {
        const vs_group_model_t *x = &m->groups[g];
        fprintf(fp, "%s\t%d\t%.4f\t%d\t%d\t%.6g\t%.6g\t%.6g\t%.6g\t%.3f\t%.6f\t%lld\t%s\n", x->name,
                x->n_members, x->share, x->K, x->fit_haplotypes, x->ne, x->ne_lo, x->ne_hi, x->eps,
                x->loglik, x->mean_het, (long long)x->private_alleles, x->small ? "small" : "ok");
    }
}
