#include "vs_fit.h"
#include "vs_err.h"
#include "vs_ls.h"
#include "vs_rng.h"
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
    o->context_sites = VS_MARKOV_CONTEXT_DEFAULT;
    o->context_cm = VS_MARKOV_CONTEXT_CM_DEFAULT;
    o->min_carriers = VS_MARKOV_K_DEFAULT;
}

/* ---------- maps ---------- */

static int resolve_maps(const vs_panel_t *p, const vs_fit_opts_t *o, vs_model_t *m, vs_error_t *e)
{
    vs_sitemap_t *sm = vs_sitemap_resolve(p, &o->map, e);
    if (!sm) return -1;
    for (int i = 0; i < p->n_contigs; i++) {
        m->contigs[i].map = sm->map[i];
        m->contigs[i].map_source = sm->source[i];
        sm->map[i] = NULL;
        sm->source[i] = NULL;
    }
    vs_sitemap_destroy(sm);
    return 0;
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
static int *settle_groups(const vs_groups_t *gr, const vs_fit_opts_t *o, char ***names_out, int *n_out,
                          vs_error_t *e)
{
    int G = gr->n_groups, na = vs_groups_find(gr, "NA"), na_haps = 0, refused = -1;
    int *dest = vs_malloc(G * sizeof *dest);
    char **names = vs_malloc((G + 1) * sizeof *names);
    int n = 0;
    for (int g = 0; g < G && refused < 0; g++) {
        if (g != na && !too_small(gr, g, o)) {
            dest[g] = n;
            names[n++] = vs_strdup(gr->names[g]);
            continue;
        }
        dest[g] = -1;
        na_haps += 2 * vs_groups_count(gr, g);
        if (g == na) continue;
        if (o->small_groups_error) refused = g;
        else vs_warn("group %s has %d haplotypes, fewer than --min-group %d; merged into group NA",
                     gr->names[g], 2 * vs_groups_count(gr, g), o->min_group);
    }
    if (refused >= 0) {
        vs_fail(e, "group %s has %d haplotypes, fewer than --min-group %d; use --small-groups merge "
                   "to fold it into group NA, or lower --min-group", gr->names[refused],
                2 * vs_groups_count(gr, refused), o->min_group);
    } else if (na_haps >= o->min_group && na_haps >= 4) {
        for (int g = 0; g < G; g++) if (dest[g] < 0) dest[g] = n;
        names[n++] = vs_strdup("NA");
    } else if (na_haps > 0) {
        vs_warn("group NA has %d haplotypes, fewer than --min-group %d; its %d samples are left out "
                "of the model (they are never copied)", na_haps, o->min_group, na_haps / 2);
    }
    if (refused < 0 && n == 0)
        vs_fail(e, "no group has at least --min-group %d haplotypes; lower --min-group", o->min_group);
    if (refused >= 0 || n == 0) {
        for (int g = 0; g < n; g++) free(names[g]);
        free(names);
        free(dest);
        return NULL;
    }
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

/* ---------- the markov kind ---------- */

/* Each contig's site list ("CHROM\tPOS\tREF\tALT" names of the panel). */
static void markov_sites(const vs_panel_t *p, vs_model_t *m)
{
    for (int i = 0; i < p->n_contigs; i++) {
        vs_model_contig_t *k = &m->contigs[i];
        int64_t first = p->contigs[i].first_site;
        k->site_pos = vs_malloc((k->n_sites + 1) * sizeof *k->site_pos);
        k->site_ref = vs_malloc((k->n_sites + 1) * sizeof *k->site_ref);
        k->site_alt = vs_malloc((k->n_sites + 1) * sizeof *k->site_alt);
        for (int64_t s = 0; s < k->n_sites; s++) {
            const char *name = p->site_name[first + s];
            const char *ref = strchr(strchr(name, '\t') + 1, '\t') + 1, *alt = strchr(ref, '\t') + 1;
            k->site_pos[s] = p->pos[first + s];
            k->site_ref[s] = vs_malloc(alt - ref);
            memcpy(k->site_ref[s], ref, alt - ref - 1);
            k->site_ref[s][alt - ref - 1] = 0;
            k->site_alt[s] = vs_strdup(alt);
        }
    }
}

static void fit_markov(const vs_panel_t *p, const vs_fit_opts_t *o, vs_model_t *m)
{
    if (!p->site_name) vs_fatal("internal error: a markov fit needs the panel's site names");
    m->markov = 1;
    m->context_sites = o->context_sites;
    m->context_cm = o->context_cm;
    m->min_carriers = o->min_carriers;
    markov_sites(p, m);
    int G = m->n_groups, C = p->n_contigs;
    int **haps = vs_malloc(G * sizeof *haps);
    for (int g = 0; g < G; g++) {
        vs_group_model_t *gm = &m->groups[g];
        haps[g] = vs_malloc((gm->K + 1) * sizeof **haps);
        for (int t = 0; t < gm->K; t++) haps[g][t] = 2 * gm->members[t / 2] + (t & 1);
        gm->chain = vs_calloc(C + 1, sizeof *gm->chain);
    }
    int32_t **reach = vs_malloc((C + 1) * sizeof *reach);
    for (int k = 0; k < C; k++) reach[k] = vs_model_markov_reach(m, k);
#pragma omp parallel for schedule(dynamic) collapse(2)
    for (int g = 0; g < G; g++)
        for (int k = 0; k < C; k++)
            m->groups[g].chain[k] = vs_markov_fit(p, p->contigs[k].first_site, p->contigs[k].n_sites, haps[g],
                                                  m->groups[g].K, reach[k], o->min_carriers);
    for (int k = 0; k < C; k++) free(reach[k]);
    free(reach);
    if (o->dp_epsilon > 0) {
        m->dp_epsilon = o->dp_epsilon;
        for (int g = 0; g < G; g++)
            for (int k = 0; k < C; k++)
                vs_markov_noise(m->groups[g].chain[k], o->dp_epsilon, o->seed,
                                vs_hash_str(vs_hash3((uint64_t)k, 0x6470, 0), m->groups[g].name, strlen(m->groups[g].name)));
    }
    for (int g = 0; g < G; g++) {
        int64_t nodes = 0;
        for (int k = 0; k < C; k++) nodes += m->groups[g].chain[k]->first[m->groups[g].chain[k]->n_sites];
        vs_info("group %s: %d samples, %lld context nodes (contexts of up to %d sites and %g cM, %s)",
                m->groups[g].name, m->groups[g].n_members, (long long)nodes, o->context_sites, o->context_cm,
                o->min_carriers ? "each carried by at least --min-carriers individuals" : "unpruned");
        free(haps[g]);
    }
    free(haps);
}

/* ---------- --merge ---------- */

/* -1 with an error naming the first difference between two models' sites. */
static int same_sites(const vs_model_t *a, const char *pa, const vs_model_t *b, const char *pb, vs_error_t *e)
{
    const char *hint = "owners must fit the same sites (the same panel sites, e.g. after bcftools view -R sites.tsv)";
    if (a->n_contigs != b->n_contigs)
        return vs_fail(e, "--merge: %s has %d contigs, %s has %d; %s", pa, a->n_contigs, pb, b->n_contigs, hint);
    for (int i = 0; i < a->n_contigs; i++) {
        const vs_model_contig_t *x = &a->contigs[i], *y = &b->contigs[i];
        if (strcmp(x->name, y->name))
            return vs_fail(e, "--merge: contig %d is %s in %s and %s in %s; %s", i + 1, x->name, pa, y->name, pb, hint);
        for (int64_t s = 0; s < x->n_sites || s < y->n_sites; s++) {
            if (s >= x->n_sites || s >= y->n_sites)
                return vs_fail(e, "--merge: %s has %lld sites on %s, %s has %lld; %s", pa, (long long)x->n_sites,
                               x->name, pb, (long long)y->n_sites, hint);
            if (x->site_pos[s] != y->site_pos[s] || strcmp(x->site_ref[s], y->site_ref[s]) ||
                strcmp(x->site_alt[s], y->site_alt[s]))
                return vs_fail(e, "--merge: site %lld of %s is %lld %s>%s in %s but %lld %s>%s in %s; %s",
                               (long long)s + 1, x->name, (long long)x->site_pos[s], x->site_ref[s], x->site_alt[s],
                               pa, (long long)y->site_pos[s], y->site_ref[s], y->site_alt[s], pb, hint);
        }
    }
    return 0;
}

/* -1 with an error naming the first site where two models' contexts reach
 * back differently (their maps differ). */
static int same_reach(const vs_model_t *a, const char *pa, const vs_model_t *b, const char *pb, vs_error_t *e)
{
    int ret = 0;
    for (int i = 0; i < a->n_contigs && ret == 0; i++) {
        int32_t *x = vs_model_markov_reach(a, i), *y = vs_model_markov_reach(b, i);
        for (int64_t s = 0; s < a->contigs[i].n_sites && ret == 0; s++)
            if (x[s] != y[s])
                ret = vs_fail(e, "--merge: at %s:%lld contexts reach back %d sites in %s but %d in %s: their genetic "
                                 "maps differ (%s, %s); fit every part with the same --map", a->contigs[i].name,
                              (long long)a->contigs[i].site_pos[s], x[s], pa, y[s], pb, a->contigs[i].map_source,
                              b->contigs[i].map_source);
        free(x);
        free(y);
    }
    return ret;
}

/* 0 when the models can be summed; -1 with an error naming why not. */
static int check_mergeable(vs_model_t **ms, char *const *paths, int n, vs_error_t *e)
{
    for (int i = 0; i < n; i++) {
        if (!ms[i]->markov)
            return vs_fail(e, "--merge: %s is a Li-Stephens model; only markov models (vcf-fit --kind markov) are "
                              "merged", paths[i]);
        if ((ms[i]->min_carriers == 0) != (ms[0]->min_carriers == 0))
            return vs_fail(e, "--merge: %s is %s but %s is %s; merge unpruned models (a trusted hub prunes the sum) or "
                              "pruned ones (each owner pruned), not both", paths[i],
                           ms[i]->min_carriers ? "pruned" : "unpruned", paths[0],
                           ms[0]->min_carriers ? "pruned" : "unpruned");
        if (ms[i]->context_sites != ms[0]->context_sites || ms[i]->context_cm != ms[0]->context_cm)
            return vs_fail(e, "--merge: %s has contexts of up to %d sites and %g cM, %s of %d and %g; fit every part "
                              "with the same --context-sites and --context-cM", paths[i], ms[i]->context_sites,
                           ms[i]->context_cm, paths[0], ms[0]->context_sites, ms[0]->context_cm);
        if (i && (same_sites(ms[0], paths[0], ms[i], paths[i], e) < 0 || same_reach(ms[0], paths[0], ms[i], paths[i], e) < 0))
            return -1;
    }
    return 0;
}

vs_model_t *vs_fit_merge(vs_model_t **ms, char *const *paths, int n, int min_carriers, vs_error_t *e)
{
    if (check_mergeable(ms, paths, n, e) < 0) return NULL;
    /* pruned parts: every count of each is 0 or carried by K_i individuals, so the sum's are at least min K_i */
    int pruned_k = 0;
    for (int i = 0; i < n; i++)
        if (ms[i]->min_carriers && (!pruned_k || ms[i]->min_carriers < pruned_k)) pruned_k = ms[i]->min_carriers;
    if (pruned_k && min_carriers > pruned_k)
        return vs_fail(e, "--merge: the models were pruned by their owners (to %d carriers at the least); their sum "
                          "cannot be pruned to --min-carriers %d without the individual counts; merge unpruned models "
                          "for that", pruned_k, min_carriers), NULL;
    if (pruned_k) min_carriers = 0;
    vs_model_t *acc = ms[0];
    int32_t **reach = vs_malloc((acc->n_contigs + 1) * sizeof *reach);       /* the same for every part and group */
    for (int k = 0; k < acc->n_contigs; k++) reach[k] = vs_model_markov_reach(acc, k);
    for (int i = 1; i < n; i++)
        for (int g = 0; g < ms[i]->n_groups; g++) {
            vs_group_model_t *from = &ms[i]->groups[g], *to = NULL;
            for (int h = 0; h < acc->n_groups; h++)
                if (!strcmp(acc->groups[h].name, from->name)) to = &acc->groups[h];
            if (!to) {                /* a group only this owner has: taken over */
                acc->groups = vs_realloc(acc->groups, (acc->n_groups + 1) * sizeof *acc->groups);
                acc->groups[acc->n_groups++] = *from;
                memset(from, 0, sizeof *from);
                continue;
            }
            for (int k = 0; k < acc->n_contigs; k++) {
                vs_mchain_t *sum = vs_markov_merge(to->chain[k], from->chain[k], reach[k]);
                vs_markov_destroy(to->chain[k]);
                to->chain[k] = sum;
            }
            to->n_members += from->n_members;
            to->K = 2 * to->n_members;
        }
    for (int k = 0; k < acc->n_contigs; k++) free(reach[k]);
    free(reach);
    if (min_carriers) {
        for (int g = 0; g < acc->n_groups; g++)
            for (int k = 0; k < acc->n_contigs; k++) {
                vs_mchain_t *pruned = vs_markov_prune(acc->groups[g].chain[k], min_carriers);
                vs_markov_destroy(acc->groups[g].chain[k]);
                acc->groups[g].chain[k] = pruned;
            }
        acc->min_carriers = min_carriers;
    }
    if (pruned_k) acc->min_carriers = pruned_k;
    /* owners hold disjoint individuals: the sum is as private as the least private part */
    int some_dp = acc->dp_epsilon > 0;
    for (int i = 1; i < n; i++) {
        some_dp |= ms[i]->dp_epsilon > 0;
        if (!ms[i]->dp_epsilon || !acc->dp_epsilon) acc->dp_epsilon = 0;
        else if (ms[i]->dp_epsilon > acc->dp_epsilon) acc->dp_epsilon = ms[i]->dp_epsilon;
    }
    if (some_dp && !acc->dp_epsilon)
        vs_warn("--merge: some models have --dp-epsilon noise and some none: the merged model claims none");
    ms[0] = NULL;
    return acc;
}

/* ---------- the fit ---------- */

vs_model_t *vs_fit(const vs_panel_t *p, const vs_groups_t *groups, const vs_fit_opts_t *o, vs_error_t *e)
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
    char **names;
    int *group_of = NULL;
    if (resolve_maps(p, o, m, e) < 0 || !(group_of = settle_groups(groups, o, &names, &m->n_groups, e))) {
        vs_model_destroy(m);
        return NULL;
    }
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

    if (o->markov) {
        fit_markov(p, o, m);
        source_report(p, group_of, m);
        free(group_of);
        return m;
    }
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
