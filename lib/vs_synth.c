#include "vs_synth.h"
#include "vs_err.h"
#include "vs_sample.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <htslib/khash.h>

KHASH_SET_INIT_STR(names)

static char **sample_names(const char *prefix, int n)
{
    int width = 1;
    for (int x = n; x >= 10; x /= 10) width++;
    char **names = vs_malloc(n * sizeof *names);
    for (int i = 0; i < n; i++) {
        size_t len = strlen(prefix) + width + 1;
        names[i] = vs_malloc(len);
        snprintf(names[i], len, "%s%0*d", prefix, width, i + 1);
    }
    return names;
}

static void check_panel_samples(const vs_model_t *m, vs_reader_t *r, const char *panel, char **names, int n)
{
    int ns = vs_reader_n_samples(r);
    char **src = vs_reader_samples(r);
    char sha[65];
    vs_samples_sha(src, ns, sha);
    if (ns != m->n_samples || strcmp(sha, m->sample_sha))
        vs_die("panel %s does not match the model: its %d samples are not the %d samples (sha256 %.12s...) "
               "the model was fitted on; give vcf-synth the panel that was given to vcf-fit",
               panel, ns, m->n_samples, m->sample_sha);
    khash_t(names) *set = kh_init(names);          /* never emit a source name, even by accident */
    for (int j = 0; j < ns; j++) {
        int absent;
        kh_put(names, set, src[j], &absent);
    }
    for (int i = 0; i < n; i++)
        if (kh_get(names, set, names[i]) != kh_end(set))
            vs_die("synthetic sample name %s is also a source sample name; choose another --prefix", names[i]);
    kh_destroy(names, set);
}

static void check_site(const vs_model_t *m, const char *panel, const vs_site_t *s, int k, int64_t *seen)
{
    vs_loc_t loc = { panel, s->contig, s->pos, NULL };
    const char *hint = "give vcf-synth the panel that was given to vcf-fit";
    if (k < 0) vs_die_at(&loc, hint, "panel does not match the model: the model has no contig %s", s->contig);
    const vs_model_contig_t *c = &m->contigs[k];
    if (s->pos < c->first_pos || s->pos > c->last_pos || ++seen[k] > c->n_sites)
        vs_die_at(&loc, hint, "panel does not match the model: this site is not among the model's %lld sites "
                  "of %s (%lld-%lld)", (long long)c->n_sites, c->name, (long long)c->first_pos,
                  (long long)c->last_pos);
}

/* Without -r/-t the whole panel was read: its site list must be the model's. */
static void check_site_list(const vs_model_t *m, vs_reader_t *r, const char *panel)
{
    char sha[65];
    vs_reader_site_sha(r, sha);
    if (vs_reader_n_sites(r) != m->n_sites || strcmp(sha, m->site_sha))
        vs_die("panel %s does not match the model: %lld sites with sha256 %.12s..., the model has %lld "
               "sites with sha256 %.12s...; give vcf-synth the panel that was given to vcf-fit",
               panel, (long long)vs_reader_n_sites(r), sha, (long long)m->n_sites, m->site_sha);
}

static void progress(int64_t done, int64_t total, time_t start, int final)
{
    double dt = difftime(time(NULL), start);
    double rate = dt > 0 ? done / dt : 0;
    fprintf(stderr, "\r%s: %lld/%lld sites, %.0f sites/s, ETA %.0f s   ", vs_prog(), (long long)done,
            (long long)total, rate, rate > 0 ? (total - done) / rate : 0.0);
    if (final) fputc('\n', stderr);
}

void vs_synth_run(const vs_model_t *m, const char *panel, const vs_read_opts_t *ro, const vs_synth_opts_t *o)
{
    vs_reader_t *r = vs_reader_open(panel, ro);
    char **names = sample_names(o->prefix, o->n);
    check_panel_samples(m, r, panel, names, o->n);
    int *group = vs_mix_assign(m, o->shares, o->n, o->seed);
    const char **group_names = vs_malloc(o->n * sizeof *group_names);
    for (int i = 0; i < o->n; i++) group_names[i] = m->groups[group[i]].name;

    bcf_hdr_t *hdr = vs_hdr_synthetic(vs_reader_header(r), names, group_names, o->n, m->sha,
                                      o->no_version ? VS_PROV_NONE : VS_PROV_FULL);
    char **contigs = vs_malloc(m->n_contigs * sizeof *contigs);
    for (int k = 0; k < m->n_contigs; k++) contigs[k] = m->contigs[k].name;
    vs_hdr_add_contigs(hdr, contigs, m->n_contigs);
    free(contigs);
    vs_vcfw_t *w = vs_vcfw_open(o->output, o->otype, o->threads);
    vs_vcfw_header(w, hdr);

    vs_sampler_t *smp = vs_sampler_new(m, group, o->n, o->seed);
    uint8_t *alleles = vs_malloc(2 * (size_t)o->n);
    int64_t *seen = vs_calloc(m->n_contigs, sizeof *seen);
    int show = !vs_quiet() && (o->progress || isatty(2));
    time_t start = time(NULL);
    vs_site_t site;
    int k = -1;
    const char *last_contig = NULL;
    while (vs_reader_next(r, &site)) {
        if (site.contig != last_contig) {
            k = vs_model_find_contig(m, site.contig);
            last_contig = site.contig;
        }
        check_site(m, panel, &site, k, seen);
        vs_sampler_site(smp, k, site.pos, site.ref, site.alt, site.alleles, alleles);
        vs_vcfw_write_site(w, hdr, &site, alleles, 2 * o->n);
        if (show && vs_reader_n_sites(r) % 1000 == 0) progress(vs_reader_n_sites(r), m->n_sites, start, 0);
    }
    if (show) progress(vs_reader_n_sites(r), vs_reader_n_sites(r), start, 1);
    if (!ro->regions && !ro->targets) check_site_list(m, r, panel);
    if (vs_reader_n_sites(r) == 0) vs_warn("no panel sites in the requested regions; the output has no records");
    vs_vcfw_close(w);
    vs_info("wrote %d synthetic samples at %lld sites", o->n, (long long)vs_reader_n_sites(r));

    vs_sampler_destroy(smp);
    bcf_hdr_destroy(hdr);
    vs_reader_close(r);
    for (int i = 0; i < o->n; i++) free(names[i]);
    free(names);
    free(group);
    free(group_names);
    free(alleles);
    free(seen);
}
