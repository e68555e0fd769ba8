#include "vs_model.h"
#include "vs_err.h"
#include "vs_hash.h"
#include "vs_out.h"
#include "vs_panel.h"
#include <htslib/kstring.h>
#include "vs_rng.h"
#include "vs_out.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <lzma.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

vs_model_t *vs_model_new(void) { return vs_calloc(1, sizeof(vs_model_t)); }

/* ---------- to JSON ---------- */

static cJSON *map_json(const vs_model_contig_t *c)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "source", c->map_source);
    if (c->map->n == 0) {
        cJSON_AddNumberToObject(m, "cM_per_Mb", c->map->cm_per_mb);
        return m;
    }
    cJSON *pos = cJSON_AddArrayToObject(m, "pos"), *cm = cJSON_AddArrayToObject(m, "cM");
    for (int i = 0; i < c->map->n; i++) {
        cJSON_AddItemToArray(pos, cJSON_CreateNumber((double)c->map->pos[i]));
        cJSON_AddItemToArray(cm, cJSON_CreateNumber(c->map->cm[i]));
    }
    return m;
}

static cJSON *group_json(const vs_group_model_t *g)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", g->name);
    cJSON_AddItemToObject(o, "members", cJSON_CreateIntArray(g->members, g->n_members));
    cJSON_AddNumberToObject(o, "K", g->K);
    cJSON_AddNumberToObject(o, "Ne", g->ne);
    cJSON_AddNumberToObject(o, "Ne_lo", g->ne_lo);
    cJSON_AddNumberToObject(o, "Ne_hi", g->ne_hi);
    cJSON_AddNumberToObject(o, "eps", g->eps);
    cJSON_AddNumberToObject(o, "loglik", g->loglik);
    cJSON_AddNumberToObject(o, "iterations", g->iterations);
    cJSON_AddNumberToObject(o, "fit_haplotypes", g->fit_haplotypes);
    if (g->n_spectrum) {
        cJSON *sp = cJSON_AddArrayToObject(o, "allele_count_spectrum");
        for (int r = 0; r < g->n_spectrum; r++) cJSON_AddItemToArray(sp, cJSON_CreateNumber((double)g->spectrum[r]));
    }
    cJSON *prof = cJSON_AddArrayToObject(o, "profile");
    for (int i = 0; i < g->n_profile; i++) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddNumberToObject(p, "Ne", g->profile_ne[i]);
        cJSON_AddNumberToObject(p, "loglik", g->profile_loglik[i]);
        cJSON_AddItemToArray(prof, p);
    }
    return o;
}

static cJSON *report_json(const vs_group_model_t *g)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "group", g->name);
    cJSON_AddNumberToObject(o, "samples", g->n_members);
    cJSON_AddNumberToObject(o, "share", g->share);
    cJSON_AddNumberToObject(o, "fit_haplotypes", g->fit_haplotypes);
    cJSON_AddNumberToObject(o, "Ne", g->ne);
    cJSON_AddNumberToObject(o, "Ne_lo", g->ne_lo);
    cJSON_AddNumberToObject(o, "Ne_hi", g->ne_hi);
    cJSON_AddNumberToObject(o, "mean_heterozygosity", g->mean_het);
    cJSON_AddNumberToObject(o, "private_alleles", (double)g->private_alleles);
    cJSON_AddBoolToObject(o, "small", g->small);
    return o;
}

/* ---------- the markov kind ---------- */

static char *sites_text(const vs_model_contig_t *c)
{
    kstring_t ks = { 0, 0, NULL };
    for (int64_t s = 0; s < c->n_sites; s++)
        ksprintf(&ks, "%lld\t%s\t%s\n", (long long)c->site_pos[s], c->site_ref[s], c->site_alt[s]);
    return ks.s ? ks.s : vs_strdup("");
}

/* format, version, kind and provenance: the top of every model. */
static cJSON *head_json(const vs_model_t *m, const char *kind)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "format", "vcfsynth-model");
    cJSON_AddNumberToObject(root, "version", VS_MODEL_FORMAT);
    cJSON_AddStringToObject(root, "kind", kind);
    if (m->created_by) cJSON_AddStringToObject(root, "created_by", m->created_by);
    if (m->command) cJSON_AddStringToObject(root, "command", m->command);
    return root;
}

/* The panel's identity, contigs and maps; a markov model has its site lists
 * and no sample count or hash. */
static void panel_json(cJSON *root, const vs_model_t *m)
{
    cJSON *panel = cJSON_AddObjectToObject(root, "panel");
    if (!m->markov) {
        cJSON_AddNumberToObject(panel, "n_samples", m->n_samples);
        cJSON_AddStringToObject(panel, "samples_sha256", m->sample_sha);
    }
    cJSON_AddNumberToObject(panel, "n_sites", (double)m->n_sites);
    cJSON_AddStringToObject(panel, "sites_sha256", m->site_sha);
    cJSON_AddStringToObject(panel, "multiallelic", m->skip_multiallelic ? "skip" : "error");
    cJSON *contigs = cJSON_AddArrayToObject(panel, "contigs");
    for (int i = 0; i < m->n_contigs; i++) {
        const vs_model_contig_t *c = &m->contigs[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", c->name);
        cJSON_AddNumberToObject(o, "n_sites", (double)c->n_sites);
        cJSON_AddNumberToObject(o, "first_pos", (double)c->first_pos);
        cJSON_AddNumberToObject(o, "last_pos", (double)c->last_pos);
        cJSON_AddStringToObject(o, "sites_sha256", c->site_sha);
        cJSON_AddItemToObject(o, "map", map_json(c));
        if (m->markov) {
            char *sites = sites_text(c);
            cJSON_AddStringToObject(o, "sites", sites);
            free(sites);
        }
        cJSON_AddItemToArray(contigs, o);
    }
}

/* No sample name, no member list, no sample hash: only sites, map and counts. */
static cJSON *markov_json(const vs_model_t *m)
{
    cJSON *root = head_json(m, VS_MODEL_KIND_MARKOV);
    cJSON *mk = cJSON_AddObjectToObject(root, "markov");
    cJSON_AddNumberToObject(mk, "context_sites", m->context_sites);
    cJSON_AddNumberToObject(mk, "context_cM", m->context_cm);
    cJSON_AddNumberToObject(mk, "min_carriers", m->min_carriers);
    cJSON_AddNumberToObject(mk, "dp_epsilon", m->dp_epsilon);
    panel_json(root, m);
    cJSON *groups = cJSON_AddArrayToObject(root, "groups");
    for (int g = 0; g < m->n_groups; g++) {
        const vs_group_model_t *gm = &m->groups[g];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", gm->name);
        cJSON_AddNumberToObject(o, "samples", gm->n_members);
        cJSON *chains = cJSON_AddArrayToObject(o, "chains");
        for (int i = 0; i < m->n_contigs; i++) {
            char *text = vs_markov_encode(gm->chain[i], m->min_carriers == 0);
            cJSON_AddItemToArray(chains, cJSON_CreateString(text));
            free(text);
        }
        cJSON_AddItemToArray(groups, o);
    }
    return root;
}

static char *model_to_text(const vs_model_t *m)
{
    if (m->markov) {
        cJSON *root = markov_json(m);
        char *text = cJSON_Print(root);
        cJSON_Delete(root);
        if (!text) vs_fatal("out of memory writing the model");
        return text;
    }
    cJSON *root = head_json(m, VS_MODEL_KIND);
    panel_json(root, m);
    cJSON *fit = cJSON_AddObjectToObject(root, "fit");
    cJSON_AddNumberToObject(fit, "seed", (double)m->seed);
    cJSON_AddBoolToObject(fit, "fit_eps", m->fit_eps);
    cJSON *groups = cJSON_AddArrayToObject(root, "groups");
    cJSON *report = cJSON_AddArrayToObject(root, "source_report");
    for (int i = 0; i < m->n_groups; i++) {
        cJSON_AddItemToArray(groups, group_json(&m->groups[i]));
        cJSON_AddItemToArray(report, report_json(&m->groups[i]));
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text) vs_fatal("out of memory writing the model");
    return text;
}

/* ---------- xz ---------- */

/* Write errors show in ferror(fp), which vs_text_close reports. */
static void xz_write(FILE *fp, const char *text, size_t n, const char *path)
{
    size_t cap = lzma_stream_buffer_bound(n);
    uint8_t *buf = vs_malloc(cap);
    size_t out = 0;
    if (lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, (const uint8_t *)text, n, buf, &out, cap) != LZMA_OK)
        vs_fatal("cannot xz-compress the model %s (out of memory?)", path);
    fwrite(buf, 1, out, fp);
    free(buf);
}

static char *xz_decode(const uint8_t *in, size_t n, size_t *out_n, const char *path, vs_error_t *e)
{
    lzma_stream s = LZMA_STREAM_INIT;
    if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK) vs_fatal("cannot start the xz decoder");
    size_t cap = 4 * n + 1024, len = 0;
    char *out = vs_malloc(cap);
    s.next_in = in;
    s.avail_in = n;
    lzma_ret ret;
    do {
        if (len + 1 >= cap) out = vs_realloc(out, cap *= 2);
        s.next_out = (uint8_t *)out + len;
        s.avail_out = cap - len - 1;
        ret = lzma_code(&s, LZMA_FINISH);
        len = cap - 1 - s.avail_out;
    } while (ret == LZMA_OK);
    lzma_end(&s);
    if (ret != LZMA_STREAM_END) {
        free(out);
        return vs_fail(e, "model %s is a damaged xz file (liblzma error %d); re-create it with vcf-fit", path,
                       (int)ret), NULL;
    }
    out[len] = 0;
    *out_n = len;
    return out;
}

int vs_model_write(vs_model_t *m, const char *path, vs_error_t *e)
{
    vs_outfile_t *of;
    FILE *fp = vs_text_open(path, &of, e);
    if (!fp) return -1;
    char *text = model_to_text(m);
    size_t n = strlen(text);
    vs_sha256_hex(text, n, m->sha);
    size_t len = strlen(path);
    if (len > 3 && !strcmp(path + len - 3, ".xz")) xz_write(fp, text, n, path);
    else {
        fwrite(text, 1, n, fp);
        fputc('\n', fp);
    }
    free(text);
    return vs_text_close(fp, of, path, e);
}

/* ---------- from JSON ---------- */

static char *slurp(const char *path, size_t *n, vs_error_t *e)
{
    FILE *fp = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!fp) return vs_fail(e, "cannot open model %s: %s", path, strerror(errno)), NULL;
    size_t cap = 1 << 16, len = 0, got;
    char *buf = vs_malloc(cap);
    while ((got = fread(buf + len, 1, cap - len - 1, fp)) > 0)
        if ((len += got) + 1 >= cap) buf = vs_realloc(buf, cap *= 2);
    int err = ferror(fp);
    if (fp != stdin) fclose(fp);
    if (err) {
        free(buf);
        return vs_fail(e, "cannot read model %s", path), NULL;
    }
    buf[len] = 0;
    *n = len;
    return buf;
}

/* The reader keeps the first fault in e and goes on with harmless values
 * (an empty array, "", the low end of a range), checking failed wherever
 * going on would index or allocate with a bad value; the model is then
 * dropped.  Every fault so needs one line here, not an exit path. */
typedef struct {
    const char *path;
    cJSON *root;
    vs_error_t *e;
    int failed;
} ctx_t;

#define POS_MAX 1e12           /* beyond any genome; htslib's own limit is 2^62 */
#define SAMPLES_MAX (double)VS_MAX_SAMPLES

static void bad(ctx_t *c, const char *what)
{
    if (!c->failed) vs_fail(c->e, "model %s is not a valid vcfsynth model: %s; re-create it with vcf-fit", c->path, what);
    c->failed = 1;
}

/* Stand-ins for a missing value: read as empty, never written. */
static char no_text[1];
static cJSON no_array = { .type = cJSON_Array }, no_object = { .type = cJSON_Object },
             no_string = { .type = cJSON_String, .valuestring = no_text }, no_number = { .type = cJSON_Number };

static cJSON *need(ctx_t *c, const cJSON *o, const char *key, int type)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (v && (v->type & type)) return v;
    char what[128];
    snprintf(what, sizeof what, "missing or mistyped key \"%s\"", key);
    bad(c, what);
    return type == cJSON_Array ? &no_array : type == cJSON_Object ? &no_object
         : type == cJSON_String ? &no_string : &no_number;
}

static double num(ctx_t *c, const cJSON *o, const char *key)
{
    return need(c, o, key, cJSON_Number)->valuedouble;
}

/* A number within [lo, hi], as vcf-fit writes them: a hand-edited value
 * outside is refused here, not met later as a hang or a crash. */
static double num_in(ctx_t *c, const cJSON *o, const char *key, double lo, double hi)
{
    double v = num(c, o, key);
    if (!(v >= lo && v <= hi)) {
        char what[160];
        snprintf(what, sizeof what, "\"%s\" is %g, outside [%g, %g]", key, v, lo, hi);
        bad(c, what);
        return lo;
    }
    return v;
}

static int int_in(ctx_t *c, const cJSON *o, const char *key, double lo, double hi)
{
    double v = num_in(c, o, key, lo, hi);
    if (v != (double)(int64_t)v) {
        char what[160];
        snprintf(what, sizeof what, "\"%s\" is %g, not a whole number", key, v);
        bad(c, what);
        return (int)lo;
    }
    return (int)v;
}

static void copy_sha(ctx_t *c, const cJSON *o, const char *key, char out[65])
{
    const char *s = need(c, o, key, cJSON_String)->valuestring;
    if (strlen(s) != 64) bad(c, "a sha256 is not 64 hex digits");
    else memcpy(out, s, 65);
}

static vs_cmap_t *map_from_json(ctx_t *c, const cJSON *o, const char *contig)
{
    cJSON *rate = cJSON_GetObjectItemCaseSensitive(o, "cM_per_Mb");
    if (cJSON_IsNumber(rate)) return vs_cmap_constant(contig, num_in(c, o, "cM_per_Mb", 0, 1000));
    cJSON *pos = need(c, o, "pos", cJSON_Array), *cm = need(c, o, "cM", cJSON_Array);
    int n = cJSON_GetArraySize(pos);
    if (n != cJSON_GetArraySize(cm)) {
        bad(c, "map pos and cM differ in length");
        return NULL;
    }
    int64_t *p = vs_malloc((n + 1) * sizeof *p);
    double *x = vs_malloc((n + 1) * sizeof *x);
    /* walk the two lists side by side: cJSON_GetArrayItem(i) is itself a
     * walk from the head, which made reading a whole-chromosome map quadratic */
    const cJSON *a = pos->child, *b = cm->child;
    for (int i = 0; i < n; i++, a = a->next, b = b->next) {
        if (!cJSON_IsNumber(a) || !cJSON_IsNumber(b) || !(a->valuedouble >= 0 && a->valuedouble <= POS_MAX) ||
            !(b->valuedouble >= -1e6 && b->valuedouble <= 1e6)) {
            bad(c, "a map point is not a position and a cM value in range");
            n = 0;
            break;
        }
        p[i] = (int64_t)a->valuedouble;
        x[i] = b->valuedouble;
    }
    vs_error_t e;
    vs_cmap_t *m = c->failed ? NULL : vs_cmap_points(contig, n, p, x, c->path, &e);
    if (!m) bad(c, e.msg);
    free(p);
    free(x);
    return m;
}

static void group_from_json(ctx_t *c, const cJSON *o, vs_group_model_t *g, int n_samples, uint8_t *taken)
{
    g->name = vs_strdup(need(c, o, "name", cJSON_String)->valuestring);
    cJSON *mem = need(c, o, "members", cJSON_Array);
    g->n_members = cJSON_GetArraySize(mem);
    g->members = vs_malloc((g->n_members + 1) * sizeof *g->members);
    const cJSON *item = mem->child;
    for (int i = 0; i < g->n_members; i++, item = item->next) {
        int s = item->valueint;
        if (!cJSON_IsNumber(item) || s < 0 || s >= n_samples || item->valuedouble != s) {
            bad(c, "a group member index is outside the panel");
            return;
        }
        if (taken[s]) {
            bad(c, "a sample is a member twice");
            return;
        }
        taken[s] = 1;
        g->members[i] = s;
    }
    g->K = int_in(c, o, "K", 2, 2.0 * SAMPLES_MAX);
    /* vcf-fit searches Ne within [1, 1e9] (--ne-range) and eps below 0.5 */
    g->ne = num_in(c, o, "Ne", 1, 1e9);
    g->ne_lo = num_in(c, o, "Ne_lo", 0, 1e9);
    g->ne_hi = num_in(c, o, "Ne_hi", 0, 1e9);
    g->eps = num_in(c, o, "eps", 0, 0.4999);
    g->loglik = num_in(c, o, "loglik", -1e300, 0);
    g->iterations = int_in(c, o, "iterations", 0, 1e9);
    g->fit_haplotypes = int_in(c, o, "fit_haplotypes", 0, 2.0 * SAMPLES_MAX);
    if (g->K != 2 * g->n_members) bad(c, "K is not twice the number of members");
    cJSON *sp = cJSON_GetObjectItemCaseSensitive(o, "allele_count_spectrum"), *x;
    if (sp && !cJSON_IsArray(sp)) bad(c, "\"allele_count_spectrum\" is not an array");
    int ns = sp ? cJSON_GetArraySize(sp) : 0;
    if (ns > VS_SPECTRUM_MAX) {
        bad(c, "\"allele_count_spectrum\" is too long");
        return;
    }
    g->spectrum = vs_calloc(ns + 1, sizeof *g->spectrum);
    cJSON_ArrayForEach(x, sp) {
        if (!cJSON_IsNumber(x) || !(x->valuedouble >= 0 && x->valuedouble <= 1e15)) {
            bad(c, "\"allele_count_spectrum\" holds a bad count");
            return;
        }
        g->spectrum[g->n_spectrum++] = (int64_t)x->valuedouble;
    }
    cJSON *prof = cJSON_GetObjectItemCaseSensitive(o, "profile"), *p;
    cJSON_ArrayForEach(p, prof) {
        if (g->n_profile == VS_PROFILE_MAX) break;
        g->profile_ne[g->n_profile] = num_in(c, p, "Ne", 0, 1e12);
        g->profile_loglik[g->n_profile++] = num(c, p, "loglik");
    }
}

static void report_from_json(ctx_t *c, vs_model_t *m)
{
    cJSON *rep = cJSON_GetObjectItemCaseSensitive(c->root, "source_report"), *r;
    cJSON_ArrayForEach(r, rep) {
        const char *name = need(c, r, "group", cJSON_String)->valuestring;
        for (int i = 0; i < m->n_groups; i++) {
            vs_group_model_t *g = &m->groups[i];
            if (strcmp(g->name, name)) continue;
            g->share = num_in(c, r, "share", 0, 1);
            g->mean_het = num_in(c, r, "mean_heterozygosity", 0, 1);
            g->private_alleles = (int64_t)num_in(c, r, "private_alleles", 0, 1e15);
            g->small = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "small"));
        }
    }
}

/* One panel.contigs[] entry: name, extent, site hash and map. */
static void contig_from_json(ctx_t *c, const cJSON *o, vs_model_contig_t *k)
{
    k->name = vs_strdup(need(c, o, "name", cJSON_String)->valuestring);
    k->n_sites = (int64_t)num_in(c, o, "n_sites", 1, 1e12);
    k->first_pos = (int64_t)num_in(c, o, "first_pos", 1, POS_MAX);
    k->last_pos = (int64_t)num_in(c, o, "last_pos", (double)k->first_pos, POS_MAX);
    copy_sha(c, o, "sites_sha256", k->site_sha);
    cJSON *map = need(c, o, "map", cJSON_Object);
    k->map_source = vs_strdup(need(c, map, "source", cJSON_String)->valuestring);
    k->map = map_from_json(c, map, k->name);
}

/* A contig's "POS\tREF\tALT" lines. */
static void sites_from_text(ctx_t *c, const char *text, vs_model_contig_t *k)
{
    if (c->failed) return;
    if ((int64_t)(strlen(text) / 6) < k->n_sites) {      /* a line takes 6 bytes at the least: "1\tA\tC\n" */
        bad(c, "a contig's \"sites\" has fewer lines than its n_sites");
        return;
    }
    k->site_pos = vs_malloc((k->n_sites + 1) * sizeof *k->site_pos);
    k->site_ref = vs_calloc(k->n_sites + 1, sizeof *k->site_ref);
    k->site_alt = vs_calloc(k->n_sites + 1, sizeof *k->site_alt);
    const char *p = text;
    for (int64_t s = 0; s < k->n_sites; s++) {
        char *end;
        long long pos = strtoll(p, &end, 10);
        const char *ref = end + 1, *tab = *end == '\t' ? strchr(ref, '\t') : NULL;
        const char *nl = tab ? strchr(tab + 1, '\n') : NULL;
        if (end == p || !tab || !nl || tab == ref || nl == tab + 1 || pos < k->first_pos || pos > k->last_pos ||
            (s && pos < k->site_pos[s - 1])) {
            bad(c, "a contig's \"sites\" is not one line POS<TAB>REF<TAB>ALT per site, in order");
            return;
        }
        k->site_pos[s] = pos;
        k->site_ref[s] = vs_malloc(tab - ref + 1);
        memcpy(k->site_ref[s], ref, tab - ref);
        k->site_ref[s][tab - ref] = 0;
        k->site_alt[s] = vs_malloc(nl - tab);
        memcpy(k->site_alt[s], tab + 1, nl - tab - 1);
        k->site_alt[s][nl - tab - 1] = 0;
        p = nl + 1;
    }
    if (*p) bad(c, "a contig's \"sites\" has more lines than its n_sites");
}

int32_t *vs_model_markov_reach(const vs_model_t *m, int contig)
{
    const vs_model_contig_t *k = &m->contigs[contig];
    double *cm = vs_malloc((k->n_sites + 1) * sizeof *cm);
    for (int64_t s = 0; s < k->n_sites; s++) cm[s] = vs_cmap_cm(k->map, k->site_pos[s]);
    int32_t *reach = vs_markov_reach(cm, k->n_sites, m->context_sites, m->context_cm);
    free(cm);
    return reach;
}

static vs_model_t *markov_from_json(ctx_t *c)
{
    cJSON *root = c->root;
    vs_model_t *m = vs_model_new();
    m->markov = 1;
    cJSON *cb = cJSON_GetObjectItemCaseSensitive(root, "created_by");
    if (cJSON_IsString(cb)) m->created_by = vs_strdup(cb->valuestring);
    cJSON *mk = need(c, root, "markov", cJSON_Object);
    m->context_sites = int_in(c, mk, "context_sites", 0, VS_MARKOV_CONTEXT_MAX);
    /* models written before contexts had a genetic limit have none */
    m->context_cm = cJSON_HasObjectItem(mk, "context_cM") ? num_in(c, mk, "context_cM", 0, 1e6) : 0;
    m->min_carriers = int_in(c, mk, "min_carriers", 0, 1e6);
    m->dp_epsilon = num_in(c, mk, "dp_epsilon", 0, 1e6);
    cJSON *panel = need(c, root, "panel", cJSON_Object);
    m->n_sites = (int64_t)num_in(c, panel, "n_sites", 1, 1e12);
    copy_sha(c, panel, "sites_sha256", m->site_sha);
    m->skip_multiallelic = !strcmp(need(c, panel, "multiallelic", cJSON_String)->valuestring, "skip");
    cJSON *contigs = need(c, panel, "contigs", cJSON_Array), *o;
    m->n_contigs = cJSON_GetArraySize(contigs);
    m->contigs = vs_calloc(m->n_contigs + 1, sizeof *m->contigs);
    int i = 0;
    int64_t total = 0;
    cJSON_ArrayForEach(o, contigs) {
        vs_model_contig_t *k = &m->contigs[i++];
        contig_from_json(c, o, k);
        sites_from_text(c, need(c, o, "sites", cJSON_String)->valuestring, k);
        total += k->n_sites;
    }
    if (total != m->n_sites) bad(c, "the contigs' n_sites do not add up to the panel's");
    cJSON *groups = need(c, root, "groups", cJSON_Array);
    if (cJSON_GetArraySize(groups) == 0) bad(c, "it has no groups");
    if (c->failed) return m;            /* the reach below needs every contig's map and sites */
    m->n_groups = cJSON_GetArraySize(groups);
    m->groups = vs_calloc(m->n_groups, sizeof *m->groups);
    int32_t **reach = vs_malloc((m->n_contigs + 1) * sizeof *reach);     /* the same for every group */
    for (int k = 0; k < m->n_contigs; k++) reach[k] = vs_model_markov_reach(m, k);
    i = 0;
    cJSON_ArrayForEach(o, groups) {
        vs_group_model_t *g = &m->groups[i++];
        g->name = vs_strdup(need(c, o, "name", cJSON_String)->valuestring);
        g->n_members = int_in(c, o, "samples", 1, SAMPLES_MAX);
        g->K = 2 * g->n_members;
        cJSON *chains = need(c, o, "chains", cJSON_Array), *ch;
        g->chain = vs_calloc(m->n_contigs + 1, sizeof *g->chain);
        if (cJSON_GetArraySize(chains) != m->n_contigs) {
            bad(c, "a group's \"chains\" is not one per contig");
            break;
        }
        int k = 0;
        cJSON_ArrayForEach(ch, chains) {
            const char *err;
            if (!cJSON_IsString(ch)) {
                bad(c, "a group's chain is not a string");
                break;
            }
            g->chain[k] = vs_markov_decode(ch->valuestring, m->contigs[k].n_sites, m->min_carriers == 0, reach[k],
                                          &err);
            if (!g->chain[k]) {
                char what[256];
                snprintf(what, sizeof what, "group %s, contig %s: %s", g->name, m->contigs[k].name, err);
                bad(c, what);
                break;
            }
            k++;
        }
        if (c->failed) break;
    }
    for (int k = 0; k < m->n_contigs; k++) free(reach[k]);
    free(reach);
    return m;
}

static vs_model_t *model_from_json(ctx_t *c)
{
    cJSON *root = c->root;
    cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    if (!cJSON_IsObject(root)) bad(c, "the top level is not a JSON object");
    else if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, "vcfsynth-model"))
        bad(c, "\"format\" is not \"vcfsynth-model\"");
    if (c->failed) return NULL;
    double version = num(c, root, "version");
    if (!c->failed && version != VS_MODEL_FORMAT) {
        c->failed = vs_fail(c->e, "model %s has format version %g, but this vcfsynth reads version %d; "
                                  "re-create it with this vcf-fit", c->path, version, VS_MODEL_FORMAT);
        return NULL;
    }
    const char *kind = need(c, root, "kind", cJSON_String)->valuestring;
    if (!strcmp(kind, VS_MODEL_KIND_MARKOV)) return markov_from_json(c);
    if (!c->failed && strcmp(kind, VS_MODEL_KIND)) {
        c->failed = vs_fail(c->e, "model %s is of kind \"%s\", which this vcfsynth does not know", c->path, kind);
        return NULL;
    }
    vs_model_t *m = vs_model_new();
    cJSON *cb = cJSON_GetObjectItemCaseSensitive(root, "created_by");
    if (cJSON_IsString(cb)) m->created_by = vs_strdup(cb->valuestring);
    cJSON *panel = need(c, root, "panel", cJSON_Object);
    m->n_samples = int_in(c, panel, "n_samples", 1, SAMPLES_MAX);
    copy_sha(c, panel, "samples_sha256", m->sample_sha);
    m->n_sites = (int64_t)num_in(c, panel, "n_sites", 1, 1e12);
    copy_sha(c, panel, "sites_sha256", m->site_sha);
    m->skip_multiallelic = !strcmp(need(c, panel, "multiallelic", cJSON_String)->valuestring, "skip");
    cJSON *contigs = need(c, panel, "contigs", cJSON_Array), *o;
    m->n_contigs = cJSON_GetArraySize(contigs);
    m->contigs = vs_calloc(m->n_contigs, sizeof *m->contigs);
    int i = 0;
    cJSON_ArrayForEach(o, contigs) contig_from_json(c, o, &m->contigs[i++]);
    cJSON *fit = need(c, root, "fit", cJSON_Object);
    m->seed = (uint64_t)num_in(c, fit, "seed", 0, VS_SEED_MAX);
    m->fit_eps = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(fit, "fit_eps"));
    cJSON *groups = need(c, root, "groups", cJSON_Array);
    m->n_groups = cJSON_GetArraySize(groups);
    if (m->n_groups == 0) bad(c, "it has no groups");
    m->groups = vs_calloc(m->n_groups, sizeof *m->groups);
    i = 0;
    uint8_t *taken = vs_calloc(m->n_samples, 1);
    cJSON_ArrayForEach(o, groups) {
        group_from_json(c, o, &m->groups[i++], m->n_samples, taken);
        if (c->failed) break;
    }
    free(taken);
    if (!c->failed) report_from_json(c, m);       /* groups after a fault have no name */
    return m;
}

vs_model_t *vs_model_read(const char *path, vs_error_t *e)
{
    size_t n;
    char *raw = slurp(path, &n, e);
    if (!raw) return NULL;
    static const uint8_t xz_magic[6] = { 0xFD, '7', 'z', 'X', 'Z', 0 };
    if (n >= 6 && !memcmp(raw, xz_magic, 6)) {
        char *text = xz_decode((uint8_t *)raw, n, &n, path, e);
        free(raw);
        if (!(raw = text)) return NULL;
    }
    ctx_t c = { path, NULL, e, 0 };
    if (n == 0) {
        free(raw);
        return vs_fail(e, "model %s is empty; re-create it with vcf-fit", path), NULL;
    }
    if (!(c.root = cJSON_ParseWithLength(raw, n))) {
        const char *at = cJSON_GetErrorPtr();
        vs_fail(e, "model %s is not valid JSON (near byte %ld); re-create it with vcf-fit", path,
                at ? (long)(at - raw) : -1L);
        free(raw);
        return NULL;
    }
    vs_model_t *m = model_from_json(&c);
    if (c.failed) {
        vs_model_destroy(m);
        m = NULL;
    } else {
        /* the hash of the JSON text as written (without the final newline) */
        while (n > 0 && (raw[n - 1] == '\n' || raw[n - 1] == '\r')) n--;
        vs_sha256_hex(raw, n, m->sha);
    }
    cJSON_Delete(c.root);
    free(raw);
    return m;
}

int vs_model_find_contig(const vs_model_t *m, const char *name)
{
    for (int i = 0; i < m->n_contigs; i++)
        if (!strcmp(m->contigs[i].name, name)) return i;
    return -1;
}

void vs_model_destroy(vs_model_t *m)
{
    if (!m) return;
    for (int i = 0; i < m->n_contigs; i++) {
        free(m->contigs[i].name);
        free(m->contigs[i].map_source);
        vs_cmap_destroy(m->contigs[i].map);
        for (int64_t s = 0; m->contigs[i].site_ref && s < m->contigs[i].n_sites; s++) {
            free(m->contigs[i].site_ref[s]);
            free(m->contigs[i].site_alt[s]);
        }
        free(m->contigs[i].site_pos);
        free(m->contigs[i].site_ref);
        free(m->contigs[i].site_alt);
    }
    for (int i = 0; i < m->n_groups; i++) {
        free(m->groups[i].name);
        free(m->groups[i].members);
        free(m->groups[i].spectrum);
        for (int k = 0; m->groups[i].chain && k < m->n_contigs; k++) vs_markov_destroy(m->groups[i].chain[k]);
        free(m->groups[i].chain);
    }
    free(m->contigs);
    free(m->groups);
    free(m->created_by);
    free(m->command);
    free(m);
}
