#include "vs_synth.h"
#include "vs_err.h"
#include "vs_out.h"
#include "vs_sample.h"
#include "vs_kcopy.h"

#include <stdio.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <htslib/khash.h>
#include <omp.h>

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

static int check_panel_samples(const vs_model_t *m, vs_reader_t *r, const char *panel, char **names, int n,
                               vs_error_t *e)
{
    int ns = vs_reader_n_samples(r);
    char **src = vs_reader_samples(r);
    char sha[65];
    vs_samples_sha(src, ns, sha);
    if (ns != m->n_samples || strcmp(sha, m->sample_sha))
        return vs_fail(e, "panel %s does not match the model: its %d samples are not the %d samples (sha256 %.12s...) "
                          "the model was fitted on; give vcf-synth the panel that was given to vcf-fit",
                       panel, ns, m->n_samples, m->sample_sha);
    khash_t(names) *set = kh_init(names);          /* never emit a source name, even by accident */
    for (int j = 0; j < ns; j++) {
        int absent;
        kh_put(names, set, src[j], &absent);
    }
    int ret = 0;
    for (int i = 0; i < n && ret == 0; i++)
        if (kh_get(names, set, names[i]) != kh_end(set))
            ret = vs_fail(e, "synthetic sample name %s is also a source sample name; choose another --prefix", names[i]);
    kh_destroy(names, set);
    return ret;
}

static int check_site(const vs_model_t *m, const char *panel, const vs_site_t *s, int k, int64_t *seen, vs_error_t *e)
{
    vs_loc_t loc = { panel, s->contig, s->pos, NULL };
    const char *hint = "give vcf-synth the panel that was given to vcf-fit";
    if (k < 0) return vs_fail_at(e, &loc, hint, "panel does not match the model: the model has no contig %s", s->contig);
    const vs_model_contig_t *c = &m->contigs[k];
    if (s->pos < c->first_pos || s->pos > c->last_pos || ++seen[k] > c->n_sites)
        return vs_fail_at(e, &loc, hint, "panel does not match the model: this site is not among the model's %lld "
                          "sites of %s (%lld-%lld)", (long long)c->n_sites, c->name, (long long)c->first_pos,
                          (long long)c->last_pos);
    return 0;
}

/* Without -r/-t the whole panel was read: its site list must be the model's. */
static int check_site_list(const vs_model_t *m, vs_reader_t *r, const char *panel, vs_error_t *e)
{
    char sha[65];
    vs_reader_site_sha(r, sha);
    if (vs_reader_n_sites(r) != m->n_sites || strcmp(sha, m->site_sha))
        return vs_fail(e, "panel %s does not match the model: %lld sites with sha256 %.12s..., the model has %lld "
                          "sites with sha256 %.12s...; give vcf-synth the panel that was given to vcf-fit",
                       panel, (long long)vs_reader_n_sites(r), sha, (long long)m->n_sites, m->site_sha);
    return 0;
}

/* --provenance: one line per copied piece.  It names source samples, so it
 * is written only when asked for. */
typedef struct {
    FILE *fp;
    vs_outfile_t *of;
    const char *path;
    char **syn, **src;
} provenance_t;

static int provenance_open(provenance_t *p, const char *path, char **syn, char **src, vs_error_t *e)
{
    p->path = path;
    p->syn = syn;
    p->src = src;
    if (!path) return 0;
    if (!(p->fp = vs_text_open(path, &p->of, e))) return -1;
    fputs("#sample\thaplotype\tcontig\tstart\tend\tsource\tsource_haplotype\tcontext_start\n", p->fp);
    return 0;
}

/* Write errors show in ferror(fp), which vs_text_close reports. */

static void provenance_write(provenance_t *p, vs_sampler_t *smp, const vs_model_t *m, int contig)
{
    if (!p->fp) return;
    const vs_piece_t *pc;
    int n = vs_sampler_pieces(smp, &pc);
    for (int i = 0; i < n; i++)
        fprintf(p->fp, "%s\t%d\t%s\t%lld\t%lld\t%s\t%d\t%lld\n", p->syn[pc[i].hap / 2], pc[i].hap % 2 + 1,
                m->contigs[contig].name, (long long)pc[i].start, (long long)pc[i].end, p->src[pc[i].source_hap / 2],
                pc[i].source_hap % 2 + 1, (long long)pc[i].context_start);
}

/* --local-ancestry: the true tracts of the admixed haplotypes, one row per
 * tract and written site stretch (sample, haplotype, contig, start, end,
 * group), bgzipped and tabix-indexed.  Rows are kept until the stream breaks
 * (a new contig or region), then sorted by start and written. */
typedef struct {
    int32_t hap, group;
    int64_t start, end;
} tract_row_t;

typedef struct {
    vs_tabix_t *tbx;
    char **syn;
    const vs_model_t *m;
    int n;                     /* admixed haplotypes */
    int32_t *open_j;
    int *open_group;
    int64_t *open_start, *open_end;   /* start 0: no open tract */
    tract_row_t *rows;
    size_t n_rows, m_rows;
    int contig;
    vs_error_t err;            /* the first write error: later rows are dropped */
    int failed;
} tracts_t;

static int tracts_open(tracts_t *t, const char *path, char **syn, const vs_model_t *m, const vs_sampler_t *smp,
                       vs_error_t *e)
{
    memset(t, 0, sizeof *t);
    const vs_ancestry_t *anc = vs_sampler_ancestry(smp);
    if (!path) return 0;
    const int *haps;
    t->n = anc ? vs_ancestry_haplotypes(anc, &haps) : 0;    /* no admixed sample: the header alone */
    if (!(t->tbx = vs_tabix_open(path, 3, 4, 5, e))) return -1;
    const char *head = "#sample\thaplotype\tcontig\tstart\tend\tgroup\n";
    t->failed = vs_tabix_write(t->tbx, head, strlen(head), &t->err) < 0;
    t->syn = syn;
    t->m = m;
    t->open_j = vs_calloc(t->n + 1, sizeof *t->open_j);
    t->open_group = vs_calloc(t->n + 1, sizeof *t->open_group);
    t->open_start = vs_calloc(t->n + 1, sizeof *t->open_start);
    t->open_end = vs_calloc(t->n + 1, sizeof *t->open_end);
    t->contig = -1;
    return 0;
}

static void tract_end(tracts_t *t, int i, int hap)
{
    if (!t->open_start[i]) return;
    if (t->n_rows == t->m_rows) {
        t->m_rows = t->m_rows ? 2 * t->m_rows : 4096;
        t->rows = vs_realloc(t->rows, t->m_rows * sizeof *t->rows);
    }
    t->rows[t->n_rows++] = (tract_row_t){ hap, t->open_group[i], t->open_start[i], t->open_end[i] };
    t->open_start[i] = 0;
}

static int row_order(const void *a, const void *b)
{
    const tract_row_t *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    return (x->hap > y->hap) - (x->hap < y->hap);
}

/* The stream breaks: every open tract ends; the rows go out in order. */
static void tracts_flush(tracts_t *t, const vs_sampler_t *smp)
{
    if (!t->n || t->failed) return;
    const int *haps;
    vs_ancestry_haplotypes(vs_sampler_ancestry(smp), &haps);
    for (int i = 0; i < t->n; i++) tract_end(t, i, haps[i]);
    qsort(t->rows, t->n_rows, sizeof *t->rows, row_order);
    kstring_t ks = { 0, 0, NULL };
    for (size_t r = 0; r < t->n_rows; r++) {
        const tract_row_t *w = &t->rows[r];
        ks.l = 0;
        ksprintf(&ks, "%s\t%d\t%s\t%lld\t%lld\t%s\n", t->syn[w->hap / 2], w->hap % 2 + 1, t->m->contigs[t->contig].name,
                 (long long)w->start, (long long)w->end, t->m->groups[w->group].name);
        if (vs_tabix_write(t->tbx, ks.s, ks.l, &t->err) < 0) {
            t->failed = 1;
            break;
        }
    }
    free(ks.s);
    t->n_rows = 0;
}

/* A site was written: each admixed haplotype's tract runs on to it, or a new one begins. */
static void tracts_site(tracts_t *t, const vs_sampler_t *smp, int contig, int64_t pos)
{
    if (!t->n) return;
    const vs_ancestry_t *anc = vs_sampler_ancestry(smp);
    const int *haps;
    vs_ancestry_haplotypes(anc, &haps);
    t->contig = contig;
    for (int i = 0; i < t->n; i++) {
        int32_t j = vs_ancestry_tract_index(anc, haps[i]);
        if (t->open_start[i] && t->open_j[i] != j) tract_end(t, i, haps[i]);
        if (!t->open_start[i]) {
            t->open_start[i] = pos;
            t->open_j[i] = j;
            t->open_group[i] = vs_ancestry_group(anc, haps[i]);
        }
        t->open_end[i] = pos;
    }
}

/* 0, or -1 with the first write error (the file then never committed).
 * ok 0: the run failed, and the table is abandoned, not finished. */
static int tracts_close(tracts_t *t, const vs_sampler_t *smp, int ok, vs_error_t *e)
{
    if (!t->tbx) return 0;
    int ret = -1;
    if (ok) {
        tracts_flush(t, smp);
        ret = t->failed ? vs_error_copy(e, &t->err) : vs_tabix_close(t->tbx, e);
        if (t->failed) vs_tabix_abandon(t->tbx);
    } else {
        vs_tabix_abandon(t->tbx);
    }
    free(t->open_j);
    free(t->open_group);
    free(t->open_start);
    free(t->open_end);
    free(t->rows);
    return ret;
}

static void progress(int64_t done, int64_t total, time_t start, int final)
{
    double dt = difftime(time(NULL), start);
    double rate = dt > 0 ? done / dt : 0;
    vs_progress(final, "%lld/%lld sites, %.0f sites/s, ETA %.0f s", (long long)done, (long long)total, rate,
                rate > 0 ? (total - done) / rate : 0.0);
}

/* ---------- where the run reads and writes ---------- */

/* One stretch the reader reads without a break. */
typedef struct {
    char *contig;
    int64_t beg, end;
} span_t;

typedef struct {
    vs_read_opts_t read;       /* what the reader is given */
    char *read_regions;        /* owned: regions widened back by the burn-in */
    vs_where_t *regions, *targets;  /* a site is written when inside both; NULL: no limit */
    span_t *spans;             /* with regions: what the reader reads, in order */
    int n_spans, cur;
} plan_t;

/* The first position a region starting at beg must read from: the last
 * panel site at least burn_in_cm before beg on the model's map (or the
 * contig's first site), so that every haplotype's restart point in the
 * burn-in lies after the first site read, at the same site as in a whole
 * run.  That site is looked up in the panel's index: where sites are
 * sparse, the position burn_in_cm earlier can lie far after it. */
/* The position of the last model site at or before pos (0: none). */
static int64_t model_site_at_or_before(const vs_model_contig_t *c, int64_t pos)
{
    int64_t lo = 0, hi = c->n_sites;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (c->site_pos[mid] <= pos) lo = mid + 1;
        else hi = mid;
    }
    return lo ? c->site_pos[lo - 1] : 0;
}

static int64_t read_from(const vs_model_t *m, const char *panel, const char *contig, int64_t beg, double burn_in_cm)
{
    int k = vs_model_find_contig(m, contig);
    if (k < 0 || burn_in_cm <= 0) return beg;
    const vs_model_contig_t *c = &m->contigs[k];
    int64_t before = vs_cmap_pos(c->map, vs_cmap_cm(c->map, beg) - burn_in_cm);
    if (before < c->first_pos) return c->first_pos < beg ? c->first_pos : beg;
    int64_t from = m->markov ? model_site_at_or_before(c, before) : vs_last_site_at_or_before(panel, contig, before);
    if (from < c->first_pos) from = c->first_pos;
    return from < beg ? from : beg;
}

/* The source: the panel, or a markov model's own site list. */
typedef struct {
    vs_reader_t *r;            /* NULL: the model's sites */
    const vs_model_t *m;
    const plan_t *plan;
    vs_hdr_t *hdr;            /* the model's contigs */
    vs_rec_t *rec;
    int span, contig;          /* where the next model site is */
    int64_t s, n_read;
} source_t;

static void add_span(plan_t *p, const char *contig, int64_t beg, int64_t end)
{
    span_t *last = p->n_spans ? &p->spans[p->n_spans - 1] : NULL;
    if (last && !strcmp(last->contig, contig) && beg <= last->end + 1) {
        if (end > last->end) last->end = end;
        return;
    }
    p->spans = vs_realloc(p->spans, (p->n_spans + 1) * sizeof *p->spans);
    p->spans[p->n_spans++] = (span_t){ vs_strdup(contig), beg, end };
}

static const char *regions_name(const vs_read_opts_t *ro)
{
    return ro->regions_is_file ? "the -R/--regions-file" : "the -r/--regions";
}

static const char *targets_name(const vs_read_opts_t *ro)
{
    return ro->targets_is_file ? "the -T/--targets-file" : "the -t/--targets";
}

/* A history-dependent sampler must see every site from a burn-in before the
 * first site it writes: regions are read from earlier and the sites outside
 * them not written; targets are applied to the output, not to the reading. */
static int plan_init(plan_t *p, const vs_model_t *m, const char *panel, const vs_read_opts_t *ro,
                     const vs_sample_opts_t *so, vs_error_t *e)
{
    memset(p, 0, sizeof *p);
    p->read = *ro;
    int stateful = vs_sample_stateful(so);
    if (ro->regions) {
        vs_where_t *each = vs_where_new(ro->regions, ro->regions_is_file, regions_name(ro), e);
        if (!each) return -1;
        const char *contig;
        int64_t beg, end;
        while (vs_where_next(each, &contig, &beg, &end))
            add_span(p, contig, read_from(m, panel, contig, beg, vs_sample_burn_in_cm(so)), end);
        if (!stateful) vs_where_destroy(each);
        if (stateful) {
            kstring_t ks = { 0, 0, NULL };
            for (int i = 0; i < p->n_spans; i++)
                ksprintf(&ks, "%s%s:%lld-%lld", i ? "," : "", p->spans[i].contig, (long long)p->spans[i].beg,
                         (long long)p->spans[i].end);
            p->read_regions = ks.s;
            p->read.regions = p->read_regions ? p->read_regions : ro->regions;
            p->read.regions_is_file = p->read_regions ? 0 : ro->regions_is_file;
            p->read.regions_option = regions_name(ro);       /* widened from what the user gave */
            p->regions = each;        /* the same regions decide which sites are written */
        }
    }
    if (ro->targets && stateful) {
        p->read.targets = NULL;
        if (!(p->targets = vs_where_new(ro->targets, ro->targets_is_file, targets_name(ro), e))) return -1;
    }
    return 0;
}

static void plan_free(plan_t *p)
{
    vs_where_destroy(p->regions);
    vs_where_destroy(p->targets);
    for (int i = 0; i < p->n_spans; i++) free(p->spans[i].contig);
    free(p->spans);
    free(p->read_regions);
}

/* The span holding a site, from span i on (n_spans: none). */
static int span_of(const plan_t *p, int i, const vs_site_t *s)
{
    while (i < p->n_spans && (strcmp(p->spans[i].contig, s->contig) || s->pos > p->spans[i].end)) i++;
    return i;
}

/* ---------- --condition ---------- */

/* Each condition's record, read from the indexed panel: its place on the
 * model's map and every panel haplotype's allele. */
static int condition_alleles(const vs_model_t *m, const char *panel, const vs_read_opts_t *ro, vs_condition_t *c,
                             vs_error_t *e)
{
    if (vs_condition_locate(m, c, e) < 0) return -1;
    struct stat st;
    if (!strcmp(panel, "-") || stat(panel, &st) != 0 || !S_ISREG(st.st_mode))
        return vs_fail_at(e, NULL, "give the panel as a bgzipped, indexed file",
                          "--condition %s reads the panel at its site through the index, then the run reads it again; "
                          "%s cannot be read twice", c->spec, !strcmp(panel, "-") ? "standard input" : "a pipe");
    char region[512];
    snprintf(region, sizeof region, "%s:%lld-%lld", c->contig, (long long)c->pos, (long long)c->pos);
    vs_read_opts_t one = { .regions = region, .skip_multiallelic = ro->skip_multiallelic };
    vs_reader_t *r = vs_reader_open(panel, &one, e);
    if (!r) return -1;
    vs_site_t s;
    int ret;
    while ((ret = vs_reader_next(r, &s, e)) > 0)
        if (s.pos == c->pos && !strcmp(s.ref, c->ref) && !strcmp(s.alt, c->alt)) {
            size_t n = 2 * (size_t)vs_reader_n_samples(r);
            c->panel_alleles = vs_malloc(n);
            memcpy(c->panel_alleles, s.alleles, n);
            break;
        }
    vs_reader_close(r);
    if (ret < 0) return -1;
    if (!c->panel_alleles)
        return vs_fail(e, "--condition %s: %s has no biallelic record %s:%lld %s>%s (split multi-allelic records with "
                          "'bcftools norm -m-' before vcf-fit)", c->spec, panel, c->contig, (long long)c->pos, c->ref,
                       c->alt);
    return 0;
}

/* Condition="SPEC" for the ##SAMPLE line of each conditioned sample. */
static char **condition_meta(const vs_synth_opts_t *o, const int *cond_of_sample)
{
    char **meta = vs_calloc(o->n + 1, sizeof *meta);
    for (int i = 0; i < o->n; i++) {
        if (cond_of_sample[i] < 0) continue;
        const vs_condition_t *c = &o->cond[cond_of_sample[i]];
        kstring_t ks = { 0, 0, NULL };
        ksprintf(&ks, "Condition=\"%s:%lld:%s:%s=%d\"", c->contig, (long long)c->pos, c->ref, c->alt, c->k);
        meta[i] = ks.s;
    }
    return meta;
}

/* ---------- where the sites come from ---------- */

static int source_open(source_t *src, const vs_model_t *m, const char *panel, const plan_t *plan, vs_error_t *e)
{
    memset(src, 0, sizeof *src);
    src->m = m;
    src->plan = plan;
    if (!m->markov) return (src->r = vs_reader_open(panel, &plan->read, e)) ? 0 : -1;
    char **contigs = vs_malloc(m->n_contigs * sizeof *contigs);
    for (int k = 0; k < m->n_contigs; k++) contigs[k] = m->contigs[k].name;
    src->hdr = vs_hdr_contigs(contigs, m->n_contigs);
    free(contigs);
    src->rec = vs_rec_new();
    for (int i = 0; i < plan->n_spans; i++)
        if (vs_model_find_contig(m, plan->spans[i].contig) < 0)
            return vs_fail(e, "%s names contig %s, which the model does not have; its contigs are those of the panel "
                              "it was fitted on", regions_name(&plan->read), plan->spans[i].contig);
    return 0;
}

static const vs_hdr_t *source_header(const source_t *src) { return src->r ? vs_reader_header(src->r) : src->hdr; }

/* The next model site: all of them in order, or those inside the spans read. */
static int model_next(source_t *src, vs_site_t *site)
{
    const vs_model_t *m = src->m;
    const plan_t *p = src->plan;
    for (;;) {
        if (p->n_spans ? src->span >= p->n_spans : src->contig >= m->n_contigs) return 0;
        int k = p->n_spans ? vs_model_find_contig(m, p->spans[src->span].contig) : src->contig;
        const vs_model_contig_t *c = &m->contigs[k];
        if (p->n_spans && src->s == 0)      /* a span's first site */
            while (src->s < c->n_sites && c->site_pos[src->s] < p->spans[src->span].beg) src->s++;
        if (src->s >= c->n_sites || (p->n_spans && c->site_pos[src->s] > p->spans[src->span].end)) {
            if (p->n_spans) src->span++;
            else src->contig++;
            src->s = 0;
            continue;
        }
        vs_site_make(site, src->hdr, src->rec, c->name, c->site_pos[src->s], c->site_ref[src->s], c->site_alt[src->s]);
        src->s++;
        src->n_read++;
        return 1;
    }
}

static int source_next(source_t *src, vs_site_t *site, vs_error_t *e)
{
    return src->r ? vs_reader_next(src->r, site, e) : model_next(src, site);
}

static int64_t source_n_read(const source_t *src) { return src->r ? vs_reader_n_sites(src->r) : src->n_read; }

static void source_close(source_t *src)
{
    vs_reader_close(src->r);
    vs_hdr_destroy(src->hdr);
    vs_rec_destroy(src->rec);
}

/* ---------- the run ---------- */

typedef struct {
    const vs_model_t *m;
    const char *panel;
    vs_sampler_t *smp;
    provenance_t *prov;
    tracts_t *tracts;
    vs_vcfw_t *w;
    vs_hdr_t *hdr;
    int n_hap;
    uint8_t *alleles;
    int64_t *seen, written;
    int contig;                /* model contig of the last site, -1 before the first */
    const char *contig_name;
} run_t;

/* Samples one site, and writes it unless it lies outside what was asked for. */
static int run_site(run_t *u, plan_t *p, const vs_site_t *s, vs_error_t *e)
{
    if (s->contig != u->contig_name) {
        int k = vs_model_find_contig(u->m, s->contig);
        if (u->contig >= 0 && k != u->contig) {
            vs_sampler_gap(u->smp);
            provenance_write(u->prov, u->smp, u->m, u->contig);
            tracts_flush(u->tracts, u->smp);
        }
        u->contig = k;
        u->contig_name = s->contig;
    }
    if (check_site(u->m, u->panel, s, u->contig, u->seen, e) < 0) return -1;
    int span = p->n_spans ? span_of(p, p->cur, s) : 0;
    if (span != p->cur) {
        vs_sampler_gap(u->smp);
        provenance_write(u->prov, u->smp, u->m, u->contig);
        tracts_flush(u->tracts, u->smp);
        p->cur = span;
    }
    int write = (!p->regions || vs_where_has(p->regions, s->contig, s->pos)) &&
                (!p->targets || vs_where_has(p->targets, s->contig, s->pos));
    vs_sampler_site(u->smp, u->contig, s->pos, s->ref, s->alt, s->alleles, write, u->alleles);
    provenance_write(u->prov, u->smp, u->m, u->contig);
    if (write) {
        vs_vcfw_write_site(u->w, u->hdr, s, u->alleles, u->n_hap);
        tracts_site(u->tracts, u->smp, u->contig, s->pos);
        u->written++;
    }
    return 0;
}

/* The knobs the cohort was made with, kept in every output header (with or
 * without --no-version: they describe the data, not the run). */
static void privacy_header(vs_hdr_t *hdr, const vs_synth_opts_t *o, const vs_model_t *m)
{
    const vs_sample_opts_t *so = &o->sample;
    char line[512];
    if (m->markov) {
        snprintf(line, sizeof line, "##vcfsynthPrivacy=<Model=markov,MinCarriers=%d,ContextSites=%d,ContextCM=%g,RestartCM=%g>",
                 m->min_carriers, m->context_sites, m->context_cm, (double)VS_KCOPY_RESTART_CM);
        vs_hdr_add_line(hdr, line);
        return;
    }
    snprintf(line, sizeof line,
             "##vcfsynthPrivacy=<Preset=%s,MinCarriers=%d,Jump=%s,MaxContextSites=%d,ScaleSwitch=%g,"
             "MaxSegmentCM=%g,Rare=%s,RestartCM=%g>",
             o->privacy ? o->privacy : "custom", so->min_carriers, so->jump == VS_JUMP_NEIGHBOUR ? "neighbour" : "uniform",
             so->context_sites, so->scale_switch, so->max_segment_cm, so->rare == VS_RARE_SCATTER ? "scatter" : "drop",
             vs_sample_burn_in_cm(so));
    vs_hdr_add_line(hdr, line);
}

/* Each --condition, and how many samples it took. */
static void condition_header(vs_hdr_t *hdr, const vs_synth_opts_t *o, const vs_model_t *m, const int *cond_of_sample)
{
    for (int ci = 0; ci < o->n_cond; ci++) {
        const vs_condition_t *c = &o->cond[ci];
        int n = 0;
        for (int i = 0; i < o->n; i++) n += cond_of_sample[i] == ci;
        kstring_t ks = { 0, 0, NULL };
        ksprintf(&ks, "##vcfsynthCondition=<Site=\"%s:%lld:%s:%s\",Copies=%d,Fraction=%g,Group=%s,Samples=%d>", c->contig,
                 (long long)c->pos, c->ref, c->alt, c->k, c->fraction, c->group >= 0 ? m->groups[c->group].name : "all", n);
        vs_hdr_add_line(hdr, ks.s);
        free(ks.s);
    }
}

/* Each admixed group's definition. */
static void admix_header(vs_hdr_t *hdr, const vs_synth_opts_t *o, const vs_model_t *m)
{
    if (!o->groups) return;
    for (int i = 0; i < o->groups->n_admix; i++) {
        const vs_admix_t *a = &o->groups->admix[i];
        char *groups = vs_admix_describe(m, a);
        kstring_t ks = { 0, 0, NULL };
        ksprintf(&ks, "##vcfsynthAdmix=<ID=%s,Groups=\"%s\",Gen=%g>", a->name, groups, a->gen);
        vs_hdr_add_line(hdr, ks.s);
        free(ks.s);
        free(groups);
    }
}

/* --threads N in all.  Deflate is about half of the work of a compressed
 * output, so N/2 threads compress (and decompress the panel) in one htslib
 * pool while the others sample, the calling thread among them, which also
 * compresses when the pool falls behind (vs_bgzfw); output that is not
 * compressed leaves all N to sampling. */
static int compressing_threads(const vs_synth_opts_t *o)
{
    return vs_output_compressed(o->otype, o->output) ? o->threads / 2 : 0;
}

/* The output header: the source's, less its samples and provenance, with
 * the synthetic samples, the model's contigs and the run's settings. */
static vs_hdr_t *synthetic_header(const source_t *src, const vs_model_t *m, const vs_synth_opts_t *o, char **names,
                                   const char **group_names, const int *cond_of_sample)
{
    char **cond_meta = condition_meta(o, cond_of_sample);
    vs_hdr_t *hdr = vs_hdr_synthetic(source_header(src), names, group_names, (const char **)cond_meta, o->n, m->sha,
                                      o->no_version ? VS_PROV_NONE : VS_PROV_FULL);
    vs_free_strings(cond_meta, o->n);
    char **contigs = vs_malloc(m->n_contigs * sizeof *contigs);
    for (int k = 0; k < m->n_contigs; k++) contigs[k] = m->contigs[k].name;
    vs_hdr_add_contigs(hdr, contigs, m->n_contigs);
    free(contigs);
    privacy_header(hdr, o, m);
    admix_header(hdr, o, m);
    condition_header(hdr, o, m, cond_of_sample);
    return hdr;
}

/* Every site through the sampler, and the written ones out: 0, or -1 with an error. */
static int synthesise(run_t *u, plan_t *plan, source_t *src, const vs_synth_opts_t *o, vs_error_t *e)
{
    int show = !vs_quiet() && o->progress, ret;
    time_t start = time(NULL);
    vs_site_t site;
    while ((ret = source_next(src, &site, e)) > 0) {
        if (run_site(u, plan, &site, e) < 0 || vs_vcfw_error(u->w, e) < 0) return -1;
        if (show && source_n_read(src) % 1000 == 0) progress(source_n_read(src), u->m->n_sites, start, 0);
    }
    if (ret < 0) return -1;
    if (show) progress(source_n_read(src), source_n_read(src), start, 1);
    if (src->r && !plan->read.regions && !plan->read.targets && check_site_list(u->m, src->r, u->panel, e) < 0)
        return -1;
    if (u->written == 0) vs_warn("no panel sites in the requested regions; the output has no records");
    vs_sampler_finish(u->smp);
    if (u->contig >= 0) provenance_write(u->prov, u->smp, u->m, u->contig);
    return 0;
}

/* The samples' groups, their conditions, the header, the sampler and the
 * run: 0, or -1 with an error (the outputs are then the caller's to discard). */
static int write_cohort(const vs_model_t *m, const char *panel, const vs_synth_opts_t *o, plan_t *plan,
                        source_t *src, char **names, vs_pool_t *pool, vs_error_t *e)
{
    vs_groupset_t model_groups = { m, NULL, 0 };
    const vs_groupset_t *gs = o->groups ? o->groups : &model_groups;
    int *group = vs_mix_assign(vs_groupset_size(gs), o->shares, o->n, o->sample.seed);
    int *cond_of_sample = vs_condition_assign(o->cond, o->n_cond, group, o->n, m->n_groups, o->sample.seed, e);
    if (!cond_of_sample) {
        free(group);
        return -1;
    }
    const char **group_names = vs_malloc(o->n * sizeof *group_names);
    for (int i = 0; i < o->n; i++) group_names[i] = vs_groupset_name(gs, group[i]);
    vs_vcfw_t *w = vs_vcfw_open(o->output, o->otype, pool, e);
    if (!w) {
        free(group);
        free(group_names);
        free(cond_of_sample);
        return -1;
    }
    vs_hdr_t *full = synthetic_header(src, m, o, names, group_names, cond_of_sample);
    vs_vcfw_index(w, o->write_index, o->threads);
    vs_vcfw_header(w, full);
    vs_hdr_t *hdr = vs_hdr_lean(full);       /* written: its ##SAMPLE lines are no longer needed */
    vs_hdr_destroy(full);
#ifdef __GLIBC__
    malloc_trim(0);       /* hand the header's million small blocks back before the sampler's arrays */
#endif
    vs_sample_opts_t so = o->sample;
    so.provenance = o->provenance != NULL;
    so.groups = gs;
    so.cond = o->cond;
    so.n_cond = o->n_cond;
    so.cond_of_sample = cond_of_sample;
    so.markov = m->markov;
    vs_sampler_t *smp = vs_sampler_new(m, group, o->n, &so, e);
    provenance_t prov = { 0 };
    tracts_t tracts = { 0 };
    run_t u = { m, panel, smp, &prov, &tracts, w, hdr, 2 * o->n,
                vs_malloc(2 * (size_t)o->n), vs_calloc(m->n_contigs, sizeof *u.seen), 0, -1, NULL };
    int ret = smp ? 0 : -1;
    if (ret == 0) ret = provenance_open(&prov, o->provenance, names, src->r ? vs_reader_samples(src->r) : NULL, e);
    if (ret == 0) ret = tracts_open(&tracts, o->local_ancestry, names, m, smp, e);
    if (ret == 0) ret = synthesise(&u, plan, src, o, e);
    /* after an error the outputs are abandoned, not finished (nor indexed): nothing is committed */
    if (smp && tracts_close(&tracts, smp, ret == 0, e) < 0) ret = -1;
    if (ret == 0) ret = vs_vcfw_close(w, e);
    else vs_vcfw_abandon(w);
    if (prov.fp && ret == 0) ret = vs_text_close(prov.fp, prov.of, prov.path, e);
    else if (prov.fp) vs_text_abandon(prov.fp);
    if (ret == 0) {
        vs_info("wrote %d synthetic samples at %lld sites", o->n, (long long)u.written);
        if (vs_sampler_second_alts(smp))
            vs_info("%lld alleles at split multi-allelic positions written as REF: a haplotype carries one ALT per "
                    "position", (long long)vs_sampler_second_alts(smp));
    }
    vs_sampler_destroy(smp);
    vs_hdr_destroy(hdr);
    free(group);
    free(group_names);
    free(cond_of_sample);
    free(u.alleles);
    free(u.seen);
    return ret;
}

int vs_synth_run(const vs_model_t *m, const char *panel, const vs_read_opts_t *ro, const vs_synth_opts_t *o,
                 vs_error_t *e)
{
    int n_compress = compressing_threads(o);
    vs_pool_t *pool = vs_pool_new(n_compress);
    omp_set_num_threads(o->threads - n_compress);
    vs_read_opts_t read = *ro;
    read.pool = pool;
    read.threads = 0;
    ro = &read;
    vs_sample_opts_t kind = o->sample;
    kind.markov = m->markov;
    plan_t plan;
    source_t src = { 0 };
    char **names = sample_names(o->prefix, o->n);
    int ret = plan_init(&plan, m, panel, ro, &kind, e);
    if (ret == 0) ret = source_open(&src, m, panel, &plan, e);
    if (ret == 0 && plan.targets)         /* the reader checked the regions */
        ret = vs_where_check_contigs(plan.targets, source_header(&src), m->markov ? "the model" : panel,
                                     targets_name(ro), e);
    if (ret == 0 && src.r) ret = check_panel_samples(m, src.r, panel, names, o->n, e);
    for (int ci = 0; ci < o->n_cond && ret == 0; ci++) ret = condition_alleles(m, panel, ro, &o->cond[ci], e);
    if (ret == 0) ret = write_cohort(m, panel, o, &plan, &src, names, pool, e);
    source_close(&src);
    vs_pool_destroy(pool);
    plan_free(&plan);
    vs_free_strings(names, o->n);
    return ret;
}
