#include "vs_pheno.h"
#include "vs_err.h"
#include "vs_groups.h"
#include "vs_out.h"
#include "vs_rng.h"
#include "vs_vcf.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <gsl/gsl_randist.h>
#include <htslib/khash.h>
#include <htslib/kstring.h>

KHASH_MAP_INIT_STR(site2i, int)

void vs_pheno_opts_init(vs_pheno_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->h2 = 0.5;
    o->alpha = -0.25;
    o->prevalence = NAN;
    o->output = "-";
    o->seed = 1;
}

/* ---------- the shift list ---------- */

/* GROUP=delta,...; NULL, or what is wrong with it. */
static const char *parse_shift(const char *spec, vs_effects_t *e)
{
    char *copy = vs_strdup(spec), *save = NULL;
    const char *err = NULL;
    for (char *it = strtok_r(copy, ",", &save); it && !err; it = strtok_r(NULL, ",", &save)) {
        char *eq = strrchr(it, '='), *end;
        if (!eq || eq == it) { err = "expected GROUP=DELTA,..."; break; }
        *eq = 0;
        errno = 0;
        double d = strtod(eq + 1, &end);
        if (errno || end == eq + 1 || *end || !isfinite(d)) { err = "DELTA must be a number (trait units)"; break; }
        for (int k = 0; k < e->n_shift; k++)
            if (!strcmp(e->shift_group[k], it)) err = "a group is named twice";
        e->shift_group = vs_realloc(e->shift_group, (e->n_shift + 1) * sizeof *e->shift_group);
        e->shift = vs_realloc(e->shift, (e->n_shift + 1) * sizeof *e->shift);
        e->shift_group[e->n_shift] = vs_strdup(it);
        e->shift[e->n_shift++] = d;
    }
    if (!err && e->n_shift == 0) err = "expected GROUP=DELTA,...";
    free(copy);
    return err;
}

int vs_pheno_parse_shift(const char *spec, vs_effects_t *e, vs_error_t *err)
{
    const char *why = parse_shift(spec, e);
    return why ? vs_error(err, VS_EXIT_USAGE, "--shift '%s': %s", spec, why) : 0;
}


/* ---------- the effects file ---------- */

static void effects_grow(vs_effects_t *e, int m)
{
    e->chrom = vs_realloc(e->chrom, m * sizeof *e->chrom);
    e->ref = vs_realloc(e->ref, m * sizeof *e->ref);
    e->alt = vs_realloc(e->alt, m * sizeof *e->alt);
    e->pos = vs_realloc(e->pos, m * sizeof *e->pos);
    e->af = vs_realloc(e->af, m * sizeof *e->af);
    e->beta = vs_realloc(e->beta, m * sizeof *e->beta);
}

static vs_effects_t *effects_new(void)
{
    vs_effects_t *e = vs_calloc(1, sizeof *e);
    e->h2 = e->alpha = e->mean = e->env_sd = e->prevalence = e->threshold = NAN;
    return e;
}

static void effects_add(vs_effects_t *e, const char *chrom, int64_t pos, const char *ref, const char *alt,
                        double af, double beta)
{
    effects_grow(e, e->n + 1);
    e->chrom[e->n] = vs_strdup(chrom);
    e->ref[e->n] = vs_strdup(ref);
    e->alt[e->n] = vs_strdup(alt);
    e->pos[e->n] = pos;
    e->af[e->n] = af;
    e->beta[e->n++] = beta;
}

static void site_name(kstring_t *s, const char *chrom, int64_t pos, const char *ref, const char *alt)
{
    s->l = 0;
    ksprintf(s, "%s\t%lld\t%s\t%s", chrom, (long long)pos, ref, alt);
}

/* Adds variant v to the index; 0 when that site is there already. */
static int index_add(vs_effects_t *e, int v)
{
    if (!e->index) e->index = kh_init(site2i);
    kstring_t s = { 0, 0, NULL };
    site_name(&s, e->chrom[v], e->pos[v], e->ref[v], e->alt[v]);
    int absent;
    khiter_t k = kh_put(site2i, (khash_t(site2i) *)e->index, s.s, &absent);
    if (!absent) { free(s.s); return 0; }
    kh_val((khash_t(site2i) *)e->index, k) = v;
    return 1;
}

int vs_effects_find(vs_effects_t *e, const char *chrom, int64_t pos, const char *ref, const char *alt)
{
    if (!e->index)
        for (int v = 0; v < e->n; v++) index_add(e, v);
    if (!e->index) return -1;
    kstring_t s = { 0, 0, NULL };
    site_name(&s, chrom, pos, ref, alt);
    khash_t(site2i) *h = e->index;
    khiter_t k = kh_get(site2i, h, s.s);
    free(s.s);
    return k == kh_end(h) ? -1 : kh_val(h, k);
}

/* The line being read, and the first fault met (the reader stops there). */
typedef struct {
    const char *path;
    long lineno;
    vs_error_t *e;
    int failed;
} where_t;

static int bad_line(where_t *w, const char *what)
{
    vs_loc_t loc = { w->path, NULL, -1, NULL };
    if (!w->failed)
        vs_fail_at(w->e, &loc, "write it with vcf-pheno --effects-out, or keep its format: ## lines, then "
                               "#CHROM POS REF ALT AF BETA, tab-separated (see vcf-pheno(1))", "line %ld: %s",
                   w->lineno, what);
    w->failed = 1;
    return -1;
}

/* The number in s; NAN, with the fault recorded in w, when it is not one. */
static double field_number(where_t *w, const char *s, const char *name, int allow_na)
{
    if (allow_na && !strcmp(s, "NA")) return NAN;
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(x)) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s '%.40s' is not a number", name, s);
        bad_line(w, msg);
        return NAN;
    }
    return x;
}

static int read_meta(vs_effects_t *e, where_t *w, char *line)
{
    char *eq = strchr(line, '=');
    if (!eq) return 0;
    *eq = 0;
    const char *key = line + 2, *val = eq + 1;
    if (!strcmp(key, "h2")) e->h2 = field_number(w, val, "h2", 0);
    else if (!strcmp(key, "alpha")) e->alpha = field_number(w, val, "alpha", 0);
    else if (!strcmp(key, "mean")) e->mean = field_number(w, val, "mean", 0);
    else if (!strcmp(key, "env_sd")) e->env_sd = field_number(w, val, "env_sd", 0);
    else if (!strcmp(key, "prevalence")) e->prevalence = field_number(w, val, "prevalence", 1);
    else if (!strcmp(key, "threshold")) e->threshold = field_number(w, val, "threshold", 1);
    else if (!strcmp(key, "n_fit")) {
        double n = field_number(w, val, "n_fit", 0);
        if (!w->failed && (n < 0 || n > INT_MAX || n != floor(n)))
            return bad_line(w, "n_fit must be a whole number of samples");
        e->n_fit = w->failed ? 0 : (int)n;
    }
    else if (!strcmp(key, "seed")) {
        double s = field_number(w, val, "seed", 0);
        if (!w->failed && (s < 0 || s > VS_SEED_MAX || s != floor(s)))
            return bad_line(w, "seed must be a whole number, 0 to 999999999999999");
        e->seed = w->failed ? 0 : (uint64_t)s;
    } else if (!strcmp(key, "shift")) {
        const char *err = parse_shift(val, e);
        if (err) return bad_line(w, err);
    }
    return w->failed ? -1 : 0;
}

static int read_variant(vs_effects_t *e, where_t *w, char *line)
{
    char *tok[7];
    int n = 0;
    line[strcspn(line, "\r\n")] = 0;
    for (char *p = line; n < 7; n++) {
        tok[n] = p;
        char *tab = strchr(p, '\t');
        if (!tab) { n++; break; }
        *tab = 0;
        p = tab + 1;
    }
    if (n != 6) return bad_line(w, "expected 6 tab-separated columns: CHROM POS REF ALT AF BETA");
    double pos = field_number(w, tok[1], "POS", 0);
    if (w->failed) return -1;
    if (pos < 1 || pos != floor(pos) || pos > 1e12) return bad_line(w, "POS must be a whole number from 1");
    for (int k = 0; k < 4; k++)
        if (!*tok[k] || strpbrk(tok[k], " ")) return bad_line(w, "CHROM, REF and ALT must be non-empty words");
    double af = field_number(w, tok[4], "AF", 1), beta = field_number(w, tok[5], "BETA", 0);
    if (w->failed) return -1;
    if (af < 0 || af > 1) return bad_line(w, "AF must lie between 0 and 1 (or be NA)");
    effects_add(e, tok[0], (int64_t)pos, tok[2], tok[3], af, beta);
    if (!index_add(e, e->n - 1)) return bad_line(w, "this variant (CHROM, POS, REF, ALT) is listed twice");
    return 0;
}

static int check_effects(vs_effects_t *e, const where_t *w)
{
    vs_loc_t loc = { w->path, NULL, -1, NULL };
    const char *hint = "write it with vcf-pheno --effects-out (see vcf-pheno(1))";
    if (isnan(e->h2) || isnan(e->alpha) || isnan(e->mean) || isnan(e->env_sd))
        return vs_fail_at(w->e, &loc, hint, "the ## lines h2, alpha, mean and env_sd are required");
    if (!(e->h2 > 0 && e->h2 <= 1) || e->env_sd < 0)
        return vs_fail_at(w->e, &loc, hint, "h2 must lie in (0, 1] and env_sd be at least 0");
    if (isnan(e->prevalence) != isnan(e->threshold))
        return vs_fail_at(w->e, &loc, hint, "prevalence and threshold go together (both numbers, or both NA)");
    if (!isnan(e->prevalence) && !(e->prevalence > 0 && e->prevalence < 1))
        return vs_fail_at(w->e, &loc, hint, "prevalence must lie in (0, 1)");
    if (e->n == 0) return vs_fail_at(w->e, &loc, hint, "no causal variant is listed");
    return 0;
}

/* One line of the file: 0, or -1 with the fault recorded in w. */
static int read_line(vs_effects_t *e, where_t *w, char *line, int *header)
{
    line[strcspn(line, "\r\n")] = 0;
    if (!strncmp(line, "##", 2)) {
        if (*header) return bad_line(w, "a ## line after the #CHROM line");
        return read_meta(e, w, line);
    }
    if (line[0] == '#') {
        if (strncmp(line, "#CHROM\tPOS\tREF\tALT\tAF\tBETA", 26))
            return bad_line(w, "expected the column line #CHROM POS REF ALT AF BETA");
        *header = 1;
        return 0;
    }
    if (!*line) return 0;
    if (!*header) return bad_line(w, "a variant before the #CHROM POS REF ALT AF BETA line");
    return read_variant(e, w, line);
}

vs_effects_t *vs_effects_read(const char *path, vs_error_t *err)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return vs_fail(err, "effects file %s is a directory", path), NULL;
    FILE *fp = fopen(path, "r");
    if (!fp) return vs_fail(err, "cannot open effects file %s: %s", path, strerror(errno)), NULL;
    vs_effects_t *e = effects_new();
    where_t w = { path, 0, err, 0 };
    char *line = NULL;
    size_t cap = 0;
    int header = 0, ret = 0;
    while (ret == 0 && getline(&line, &cap, fp) > 0) {
        w.lineno++;
        ret = read_line(e, &w, line, &header);
    }
    free(line);
    fclose(fp);
    if (ret == 0) ret = check_effects(e, &w);
    if (ret < 0) {
        vs_effects_destroy(e);
        return NULL;
    }
    return e;
}

static void put_opt(FILE *fp, const char *key, double x)
{
    if (isnan(x)) fprintf(fp, "##%s=NA\n", key);
    else fprintf(fp, "##%s=%.17g\n", key, x);
}

void vs_effects_write(const vs_effects_t *e, FILE *fp, int no_version)
{
    if (!no_version) {
        char *cmd = vs_command_line();
        fprintf(fp, "##%sVersion=%s+htslib-%s\n##%sCommand=%s\n", vs_prog(), vs_version(), vs_htslib_version(),
                vs_prog(), cmd);
        free(cmd);
    }
    put_opt(fp, "h2", e->h2);
    put_opt(fp, "alpha", e->alpha);
    fprintf(fp, "##seed=%llu\n", (unsigned long long)e->seed);
    put_opt(fp, "mean", e->mean);
    put_opt(fp, "env_sd", e->env_sd);
    put_opt(fp, "prevalence", e->prevalence);
    put_opt(fp, "threshold", e->threshold);
    if (e->n_shift) {
        fputs("##shift=", fp);
        for (int k = 0; k < e->n_shift; k++) fprintf(fp, "%s%s=%.17g", k ? "," : "", e->shift_group[k], e->shift[k]);
        fputc('\n', fp);
    }
    fprintf(fp, "##n_fit=%d\n#CHROM\tPOS\tREF\tALT\tAF\tBETA\n", e->n_fit);
    for (int v = 0; v < e->n; v++) {
        fprintf(fp, "%s\t%lld\t%s\t%s\t", e->chrom[v], (long long)e->pos[v], e->ref[v], e->alt[v]);
        if (isnan(e->af[v])) fputs("NA", fp);
        else fprintf(fp, "%.17g", e->af[v]);
        fprintf(fp, "\t%.17g\n", e->beta[v]);
    }
}

void vs_effects_destroy(vs_effects_t *e)
{
    if (!e) return;
    for (int v = 0; v < e->n; v++) {
        free(e->chrom[v]);
        free(e->ref[v]);
        free(e->alt[v]);
    }
    for (int k = 0; k < e->n_shift; k++) free(e->shift_group[k]);
    if (e->index) {
        khash_t(site2i) *h = e->index;
        for (khiter_t k = kh_begin(h); k != kh_end(h); k++)
            if (kh_exist(h, k)) free((char *)kh_key(h, k));
        kh_destroy(site2i, h);
    }
    free(e->chrom);
    free(e->ref);
    free(e->alt);
    free(e->pos);
    free(e->af);
    free(e->beta);
    free(e->shift_group);
    free(e->shift);
    free(e);
}

/* ---------- the model ---------- */

void vs_pheno_add(const vs_effects_t *e, int v, const uint8_t *dosage, int n_samples, double *score)
{
    double b = e->beta[v];
    for (int i = 0; i < n_samples; i++) score[i] += b * dosage[i];
}

static double variance(const double *x, int n, double *mean)
{
    double m = 0, s = 0;
    for (int i = 0; i < n; i++) m += x[i];
    m /= n;
    for (int i = 0; i < n; i++) s += (x[i] - m) * (x[i] - m);
    if (mean) *mean = m;
    return s / n;
}

int vs_effects_draw(vs_effects_t *e, const uint64_t *key, const uint8_t *dosage, int n_samples, vs_error_t *err)
{
    vs_stream_t st;
    for (int v = 0; v < e->n; v++) {
        double p = e->af[v], het = 2 * p * (1 - p);
        vs_stream_set(&st, e->seed, VS_RNG_EFFECT, key[v], 0);
        e->beta[v] = gsl_ran_gaussian_ziggurat(vs_stream_gsl(&st), 1.0) * pow(het, e->alpha / 2);
    }
    double *g = vs_calloc(n_samples + 1, sizeof *g);
    for (int v = 0; v < e->n; v++) vs_pheno_add(e, v, dosage + (size_t)v * n_samples, n_samples, g);
    double mean, var = variance(g, n_samples, &mean);
    if (!(var > 1e-12 * (1 + mean * mean))) {        /* equal values differ by rounding only */
        free(g);
        return vs_fail(err, "the causal variants give every sample the same genetic value; choose others (another "
                            "--seed or --causal)");
    }
    double c = sqrt(e->h2 / var);
    for (int v = 0; v < e->n; v++) e->beta[v] *= c;
    memset(g, 0, n_samples * sizeof *g);          /* the scaled betas, summed as they will be applied */
    for (int v = 0; v < e->n; v++) vs_pheno_add(e, v, dosage + (size_t)v * n_samples, n_samples, g);
    variance(g, n_samples, &e->mean);
    e->env_sd = sqrt(1 - e->h2);
    e->n_fit = n_samples;
    free(g);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int vs_pheno_threshold(const double *liability, int n, double prevalence, double *threshold, vs_error_t *err)
{
    int cases = (int)lround(prevalence * n);
    if (cases < 1 || cases >= n)
        return vs_fail(err, "--prevalence %g makes %d of the %d samples cases; give a prevalence that leaves both "
                            "cases and controls (at least one of each)", prevalence, cases, n);
    double *v = vs_malloc((n + 1) * sizeof *v);
    memcpy(v, liability, n * sizeof *v);
    qsort(v, n, sizeof *v, cmp_double);
    double t = (v[n - cases - 1] + v[n - cases]) / 2;
    if (v[n - cases - 1] == v[n - cases])
        vs_warn("liabilities tie at the threshold: the case fraction will differ from %g", prevalence);
    free(v);
    *threshold = t;
    return 0;
}

static double env_noise(uint64_t seed, const char *name)
{
    vs_stream_t st;
    vs_stream_set(&st, seed, VS_RNG_ENV, vs_hash_str(0x9e3779b97f4a7c15ULL, name, strlen(name)), 0);
    return gsl_ran_gaussian_ziggurat(vs_stream_gsl(&st), 1.0);
}

static double group_shift(const vs_effects_t *e, const char *group)
{
    for (int k = 0; k < e->n_shift; k++)
        if (!strcmp(e->shift_group[k], group)) return e->shift[k];
    return 0;
}

static void set_status(const vs_effects_t *e, vs_pheno_t *p)
{
    if (!p->status) p->status = vs_malloc((p->n + 1) * sizeof *p->status);
    for (int i = 0; i < p->n; i++) p->status[i] = p->liability[i] > e->threshold ? 2 : 1;
}

vs_pheno_t *vs_pheno_finish(const vs_effects_t *e, double *score, int n, char *const *names,
                            const int *group_of, char *const *group_names)
{
    vs_pheno_t *p = vs_calloc(1, sizeof *p);
    p->n = n;
    p->score = score;
    p->liability = vs_malloc((n + 1) * sizeof *p->liability);
    for (int i = 0; i < n; i++) {
        score[i] -= e->mean;
        double shift = group_of && e->n_shift ? group_shift(e, group_names[group_of[i]]) : 0;
        p->liability[i] = score[i] + shift + (e->env_sd > 0 ? e->env_sd * env_noise(e->seed, names[i]) : 0);
    }
    if (isfinite(e->threshold)) set_status(e, p);
    return p;
}

void vs_pheno_destroy(vs_pheno_t *p)
{
    if (!p) return;
    free(p->score);
    free(p->liability);
    free(p->status);
    free(p);
}

/* ---------- vcf-pheno: choosing the causal sites while the input streams ---------- */

/* The sites kept while streaming: causal candidates with their dosages. */
typedef struct {
    int n, m, n_samples;
    char **chrom, **ref, **alt;
    int64_t *pos, *order;           /* order: index among the input's biallelic sites */
    double *af, *u;                 /* u: the site's draw (--causal N keeps the N smallest) */
    uint64_t *key;
    uint8_t *dosage;                /* m x n_samples */
} keep_t;

static void keep_init(keep_t *k, int m, int n_samples)
{
    memset(k, 0, sizeof *k);
    k->m = m;
    k->n_samples = n_samples;
    k->chrom = vs_calloc(m + 1, sizeof *k->chrom);
    k->ref = vs_calloc(m + 1, sizeof *k->ref);
    k->alt = vs_calloc(m + 1, sizeof *k->alt);
    k->pos = vs_malloc((m + 1) * sizeof *k->pos);
    k->order = vs_malloc((m + 1) * sizeof *k->order);
    k->af = vs_malloc((m + 1) * sizeof *k->af);
    k->u = vs_malloc((m + 1) * sizeof *k->u);
    k->key = vs_malloc((m + 1) * sizeof *k->key);
    k->dosage = vs_malloc(((size_t)m + 1) * n_samples);
}

static void keep_set(keep_t *k, int slot, const vs_site_t *s, int64_t order, double af, double u, const uint8_t *d)
{
    free(k->chrom[slot]);
    free(k->ref[slot]);
    free(k->alt[slot]);
    k->chrom[slot] = vs_strdup(s->contig);
    k->ref[slot] = vs_strdup(s->ref);
    k->alt[slot] = vs_strdup(s->alt);
    k->pos[slot] = s->pos;
    k->order[slot] = order;
    k->af[slot] = af;
    k->u[slot] = u;
    k->key[slot] = s->key;
    memcpy(k->dosage + (size_t)slot * k->n_samples, d, k->n_samples);
}

static void keep_swap(keep_t *k, int a, int b)
{
#define SWAP(T, x) do { T t_ = k->x[a]; k->x[a] = k->x[b]; k->x[b] = t_; } while (0)
    SWAP(char *, chrom); SWAP(char *, ref); SWAP(char *, alt); SWAP(int64_t, pos); SWAP(int64_t, order);
    SWAP(double, af); SWAP(double, u); SWAP(uint64_t, key);
#undef SWAP
    size_t n = k->n_samples;
    uint8_t *x = k->dosage + a * n, *y = k->dosage + b * n;
    for (size_t i = 0; i < n; i++) { uint8_t t = x[i]; x[i] = y[i]; y[i] = t; }
}

/* A max-heap on u: the root is the largest draw kept. */
static void heap_down(keep_t *k, int i)
{
    for (;;) {
        int l = 2 * i + 1, r = l + 1, big = i;
        if (l < k->n && k->u[l] > k->u[big]) big = l;
        if (r < k->n && k->u[r] > k->u[big]) big = r;
        if (big == i) return;
        keep_swap(k, i, big);
        i = big;
    }
}

static void heap_offer(keep_t *k, const vs_site_t *s, int64_t order, double af, double u, const uint8_t *d)
{
    if (k->n < k->m) {
        int i = k->n++;
        keep_set(k, i, s, order, af, u, d);
        while (i > 0 && k->u[(i - 1) / 2] < k->u[i]) {
            keep_swap(k, i, (i - 1) / 2);
            i = (i - 1) / 2;
        }
    } else if (u < k->u[0]) {
        keep_set(k, 0, s, order, af, u, d);
        heap_down(k, 0);
    }
}

/* Back in input order (insertion sort on order: few causal sites). */
static void keep_sort(keep_t *k)
{
    for (int i = 1; i < k->n; i++)
        for (int j = i; j > 0 && k->order[j - 1] > k->order[j]; j--) keep_swap(k, j, j - 1);
}

static void keep_free(keep_t *k)
{
    for (int i = 0; i < k->m; i++) {
        free(k->chrom[i]);
        free(k->ref[i]);
        free(k->alt[i]);
    }
    free(k->chrom); free(k->ref); free(k->alt); free(k->pos); free(k->order);
    free(k->af); free(k->u); free(k->key); free(k->dosage);
}

/* --causal FILE: CHROM POS [REF ALT] per line ('#' lines and blank lines skipped). */
typedef struct {
    int n;
    char **chrom, **ref, **alt;     /* ref, alt NULL when not given */
    int64_t *pos;
    int *slot;                      /* where its site was kept, -1 until met */
} list_t;

static void list_free(list_t *l);

static int list_read(const char *path, list_t *l, vs_error_t *err)
{
    memset(l, 0, sizeof *l);
    FILE *fp = fopen(path, "r");
    if (!fp) return vs_fail(err, "cannot open the --causal file %s: %s", path, strerror(errno));
    int ret = 0;
    char *line = NULL, *tok[5];
    size_t cap = 0;
    long lineno = 0;
    vs_loc_t loc = { path, NULL, -1, NULL };
    while (ret == 0 && getline(&line, &cap, fp) > 0) {
        lineno++;
        int n = 0;
        char *save = NULL;
        for (char *p = strtok_r(line, " \t\r\n", &save); p && n < 5; p = strtok_r(NULL, " \t\r\n", &save)) tok[n++] = p;
        if (n == 0 || tok[0][0] == '#') continue;
        char *end;
        long long pos = n >= 2 ? strtoll(tok[1], &end, 10) : 0;
        if ((n != 2 && n != 4) || pos < 1 || *end) {
            ret = vs_fail_at(err, &loc, "one variant per line: CHROM POS, or CHROM POS REF ALT", "line %ld: expected "
                             "CHROM POS [REF ALT], with POS a whole number from 1", lineno);
            break;
        }
        l->chrom = vs_realloc(l->chrom, (l->n + 1) * sizeof *l->chrom);
        l->ref = vs_realloc(l->ref, (l->n + 1) * sizeof *l->ref);
        l->alt = vs_realloc(l->alt, (l->n + 1) * sizeof *l->alt);
        l->pos = vs_realloc(l->pos, (l->n + 1) * sizeof *l->pos);
        l->slot = vs_realloc(l->slot, (l->n + 1) * sizeof *l->slot);
        l->chrom[l->n] = vs_strdup(tok[0]);
        l->pos[l->n] = pos;
        l->ref[l->n] = n == 4 ? vs_strdup(tok[2]) : NULL;
        l->alt[l->n] = n == 4 ? vs_strdup(tok[3]) : NULL;
        l->slot[l->n++] = -1;
    }
    free(line);
    fclose(fp);
    if (ret == 0 && l->n == 0)
        ret = vs_fail_at(err, &loc, "list CHROM POS [REF ALT], one variant per line", "no variant is listed");
    if (ret < 0) list_free(l);
    return ret;
}

static void list_free(list_t *l)
{
    if (!l->chrom) return;
    for (int i = 0; i < l->n; i++) {
        free(l->chrom[i]);
        free(l->ref[i]);
        free(l->alt[i]);
    }
    free(l->chrom); free(l->ref); free(l->alt); free(l->pos); free(l->slot);
    memset(l, 0, sizeof *l);
}

/* ---------- vcf-pheno: the run ---------- */

typedef struct {
    const vs_pheno_opts_t *o;
    vs_effects_t *e;                /* given (--effects), or drawn here */
    int reuse, n_causal;            /* n_causal: --causal N, else 0 (a list) */
    list_t list;
    keep_t keep;
    int n;                          /* samples */
    char **names;
    double *score;                  /* --effects: summed as the input streams */
    uint8_t *found;                 /* --effects: per variant, met */
    int64_t n_biallelic, n_poly, n_eligible, n_monomorphic_listed;
    vs_groups_t *groups;
} run_t;

static int is_count(const char *s)
{
    const char *c = s + (*s == '-' || *s == '+');      /* a signed number too: its range is then checked */
    if (!*c) return 0;
    for (; *c; c++)
        if (!isdigit((unsigned char)*c)) return 0;
    struct stat st;
    return stat(s, &st) != 0;      /* a file named like a number is a file */
}

/* The listed variant at this site: a list entry not met yet whose CHROM and
 * POS (and REF and ALT, when given) match, else -1. */
static int list_match(const list_t *l, const vs_site_t *s)
{
    for (int i = 0; i < l->n; i++)
        if (l->slot[i] < 0 && l->pos[i] == s->pos && !strcmp(l->chrom[i], s->contig) &&
            (!l->ref[i] || (!strcmp(l->ref[i], s->ref) && !strcmp(l->alt[i], s->alt))))
            return i;
    return -1;
}

static void one_site(run_t *r, const vs_site_t *s, const uint8_t *d, int ac)
{
    int n = r->n;
    double af = ac / (2.0 * n), maf = af < 0.5 ? af : 1 - af;
    r->n_poly += ac > 0 && ac < 2 * n;
    if (r->reuse) {
        int v = vs_effects_find(r->e, s->contig, s->pos, s->ref, s->alt);
        if (v >= 0 && !r->found[v]) {
            r->found[v] = 1;
            vs_pheno_add(r->e, v, d, n, r->score);
        }
    } else if (r->n_causal) {
        if (ac == 0 || ac == 2 * n || maf < r->o->min_maf) return;
        r->n_eligible++;
        heap_offer(&r->keep, s, r->n_biallelic, af, vs_rng_unif(r->o->seed, VS_RNG_CAUSAL, s->key, 0), d);
    } else {
        int i = list_match(&r->list, s);
        if (i < 0) return;
        if (ac == 0 || ac == 2 * n) {
            r->n_monomorphic_listed++;
            r->list.slot[i] = r->list.n;     /* met, not kept */
            return;
        }
        r->list.slot[i] = r->keep.n;
        keep_set(&r->keep, r->keep.n++, s, r->n_biallelic, af, 0, d);
    }
}

static int stream_input(run_t *r, vs_error_t *err)
{
    vs_read_opts_t ro = { .skip_multiallelic = 1, .allow_unphased = 1 };
    vs_reader_t *rd = vs_reader_open(r->o->input, &ro, err);
    if (!rd) return -1;
    r->n = vs_reader_n_samples(rd);
    char **s = vs_reader_samples(rd);
    r->names = vs_malloc((r->n + 1) * sizeof *r->names);
    for (int i = 0; i < r->n; i++) r->names[i] = vs_strdup(s[i]);
    char **hdr_group = r->e->n_shift && !r->o->groups ? vs_hdr_sample_groups(vs_reader_header(rd)) : NULL;
    if (r->reuse) {
        r->score = vs_calloc(r->n + 1, sizeof *r->score);
        r->found = vs_calloc(r->e->n + 1, 1);
    } else {
        keep_init(&r->keep, r->n_causal ? r->n_causal : r->list.n, r->n);
    }
    uint8_t *d = vs_malloc(r->n + 1);
    vs_site_t site;
    int ret;
    while ((ret = vs_reader_next(rd, &site, err)) > 0) {
        if (!strcmp(site.alt, ".")) continue;
        int ac = 0;
        for (int i = 0; i < r->n; i++) ac += d[i] = site.alleles[2 * i] + site.alleles[2 * i + 1];
        one_site(r, &site, d, ac);
        r->n_biallelic++;
    }
    if (vs_reader_n_multiallelic(rd))
        vs_info("%s: skipped %lld multi-allelic records", r->o->input, (long long)vs_reader_n_multiallelic(rd));
    free(d);
    if (ret == 0 && r->e->n_shift) {
        char **label = r->o->groups ? vs_groups_labels(r->o->groups, r->o->group_column, r->names, r->n, 1, err)
                                    : hdr_group;
        if (label) r->groups = vs_groups_from_labels(label, r->names, r->n,
                                                     r->o->groups ? r->o->groups : "(none: ##SAMPLE Group=)");
        else ret = -1;
        vs_free_labels(label, r->n);
    } else if (hdr_group) {
        vs_free_labels(hdr_group, r->n);
    }
    vs_reader_close(rd);
    return ret;
}

/* -1 with an error saying why no causal site could be chosen. */
static int no_sites(const run_t *r, vs_error_t *err)
{
    vs_loc_t loc = { r->o->input, NULL, -1, NULL };
    if (r->n_poly == 0)
        return vs_fail_at(err, &loc, "a trait needs variation: give a cohort with polymorphic sites (multi-allelic "
                                     "records count only when split with 'bcftools norm -m-')",
                          "no polymorphic biallelic site among the %lld biallelic sites", (long long)r->n_biallelic);
    return vs_fail_at(err, &loc, "ask for fewer (--causal), or lower --min-maf", "--causal %d: only %lld polymorphic "
                      "biallelic site%s with minor allele frequency >= %g", r->n_causal, (long long)r->n_eligible,
                      r->n_eligible == 1 ? "" : "s", r->o->min_maf);
}

/* The chosen sites become the model: effects drawn and scaled on this cohort. */
static int draw_model(run_t *r, vs_error_t *err)
{
    if (r->n_causal && r->keep.n < r->n_causal) return no_sites(r, err);
    if (!r->n_causal) {
        int missing = 0;
        for (int i = 0; i < r->list.n; i++) missing += r->list.slot[i] < 0;
        if (missing)
            vs_warn("%d of the %d variants of %s are not biallelic sites of %s (matched by CHROM, POS%s): they are "
                    "left out of the model", missing, r->list.n, r->o->causal, r->o->input, " and REF ALT when given");
        if (r->n_monomorphic_listed)
            vs_warn("%lld variants of %s are monomorphic in %s: they are left out of the model",
                    (long long)r->n_monomorphic_listed, r->o->causal, r->o->input);
        if (r->keep.n == 0) {
            if (r->n_poly == 0) return no_sites(r, err);
            vs_loc_t loc = { r->o->causal, NULL, -1, NULL };
            return vs_fail_at(err, &loc, "list polymorphic biallelic sites of the input", "no listed variant is a "
                              "polymorphic biallelic site of %s", r->o->input);
        }
    }
    keep_sort(&r->keep);
    vs_effects_t *e = r->e;
    for (int v = 0; v < r->keep.n; v++)
        effects_add(e, r->keep.chrom[v], r->keep.pos[v], r->keep.ref[v], r->keep.alt[v], r->keep.af[v], 0);
    if (vs_effects_draw(e, r->keep.key, r->keep.dosage, r->n, err) < 0) return -1;
    r->score = vs_calloc(r->n + 1, sizeof *r->score);
    for (int v = 0; v < e->n; v++) vs_pheno_add(e, v, r->keep.dosage + (size_t)v * r->n, r->n, r->score);
    return 0;
}

static int check_reuse(run_t *r, vs_error_t *err)
{
    int missing = 0;
    for (int v = 0; v < r->e->n; v++) missing += !r->found[v];
    if (missing == r->e->n && r->n_poly == 0) return no_sites(r, err);
    if (missing == r->e->n)     /* every genetic value 0: the traits would be noise alone */
        return vs_fail_at(err, &(vs_loc_t){ r->o->effects, NULL, -1, NULL },
                          "draw the effects on this cohort's sites (vcf-pheno --causal), or check the contig names and "
                          "the genome build",
                          "none of the %d causal variants is in %s (matched by CHROM, POS, REF and ALT)", r->e->n,
                          r->o->input);
    if (missing)
        vs_warn("%d of the %d causal variants of %s are not in %s (matched by CHROM, POS, REF and ALT): they add "
                "nothing to the score, which stays centred on the mean of the cohort the effects were drawn on",
                missing, r->e->n, r->o->effects, r->o->input);
    return 0;
}

static int check_shift_groups(const run_t *r, vs_error_t *err)
{
    for (int k = 0; k < r->e->n_shift; k++)
        if (vs_groups_find(r->groups, r->e->shift_group[k]) < 0) {
            if (!r->reuse)
                return vs_fail(err, "--shift names group %s, which no sample of %s belongs to (groups from %s)",
                               r->e->shift_group[k], r->o->input,
                               r->o->groups ? r->o->groups : "its ##SAMPLE Group= lines");
            vs_info("no sample of %s is in group %s: its shift is not used", r->o->input, r->e->shift_group[k]);
        }
    return 0;
}

static int write_table(const run_t *r, const vs_pheno_t *p, vs_error_t *err)
{
    vs_outfile_t *of;
    FILE *fp = vs_text_open(r->o->output, &of, err);
    if (!fp) return -1;
    fprintf(fp, "%sIID\tscore\ttrait%s\n", r->o->iid_only ? "#" : "#FID\t", p->status ? "\tliability" : "");
    for (int i = 0; i < p->n; i++) {
        if (!r->o->iid_only) fprintf(fp, "%s\t", r->names[i]);
        fprintf(fp, "%s\t%.10g\t", r->names[i], p->score[i]);
        if (p->status) fprintf(fp, "%d\t%.10g\n", p->status[i], p->liability[i]);
        else fprintf(fp, "%.10g\n", p->liability[i]);
    }
    return vs_text_close(fp, of, r->o->output, err);
}

static int write_effects(const run_t *r, vs_error_t *err)
{
    vs_outfile_t *of;
    FILE *fp = vs_text_open(r->o->effects_out, &of, err);
    if (!fp) return -1;
    vs_effects_write(r->e, fp, r->o->no_version);
    return vs_text_close(fp, of, r->o->effects_out, err);
}

static void summarise(const run_t *r, const vs_pheno_t *p)
{
    double vg = variance(p->score, p->n, NULL), vt = variance(p->liability, p->n, NULL);
    vs_info("%d samples, %d causal variants; realised h2 = var(score) / var(liability) = %.4f", p->n, r->e->n,
            vt > 0 ? vg / vt : NAN);
    if (p->status) {
        int cases = 0;
        for (int i = 0; i < p->n; i++) cases += p->status[i] == 2;
        vs_info("cases: %d of %d (%.4f; prevalence %g, threshold %.6g)", cases, p->n, (double)cases / p->n,
                r->e->prevalence, r->e->threshold);
    }
}

static int run_init(run_t *r, const vs_pheno_opts_t *o, vs_error_t *err)
{
    memset(r, 0, sizeof *r);
    r->o = o;
    if (o->effects) {
        r->reuse = 1;
        if (!(r->e = vs_effects_read(o->effects, err))) return -1;
        if (o->seed_given) r->e->seed = o->seed;
        return 0;
    }
    r->e = effects_new();
    r->e->h2 = o->h2;
    r->e->alpha = o->alpha;
    r->e->seed = o->seed;
    r->e->prevalence = o->prevalence;
    if (o->shift && vs_pheno_parse_shift(o->shift, r->e, err)) return -1;
    long n;
    if (!is_count(o->causal)) return list_read(o->causal, &r->list, err);
    if (vs_try_long("--causal", o->causal, 1, 10000000, &n, err) < 0) return -1;
    r->n_causal = (int)n;
    return 0;
}

static void run_free(run_t *r)
{
    vs_free_strings(r->names, r->n);
    if (!r->reuse) keep_free(&r->keep);
    list_free(&r->list);
    free(r->found);
    free(r->score);
    vs_groups_destroy(r->groups);
    vs_effects_destroy(r->e);
}

/* The model and each sample's genetic score: 0, or -1 with an error. */
static int score_samples(run_t *r, vs_error_t *err)
{
    if (stream_input(r, err) < 0) return -1;
    if ((r->reuse ? check_reuse(r, err) : draw_model(r, err)) < 0) return -1;
    return r->groups ? check_shift_groups(r, err) : 0;
}

int vs_pheno_check(const vs_pheno_opts_t *o, vs_error_t *err)
{
    if (o->shift && o->effects)
        return vs_error(err, VS_EXIT_USAGE, "--shift goes without --effects (the shifts are in the effects file)");
    long n;
    if (!o->effects && o->causal && is_count(o->causal) && vs_try_long("--causal", o->causal, 1, 10000000, &n, err) < 0)
        return -1;
    if (!o->shift) return 0;
    vs_effects_t *e = effects_new();
    int ret = vs_pheno_parse_shift(o->shift, e, err);
    vs_effects_destroy(e);
    return ret;
}

int vs_pheno_run(const vs_pheno_opts_t *o, vs_error_t *err)
{
    run_t r;
    int ret = run_init(&r, o, err);
    if (ret == 0 && o->groups && !r.e->n_shift)
        vs_warn("-g/--groups is not used: there is no --shift%s", r.reuse ? " in the effects file" : "");
    if (ret < 0 || score_samples(&r, err) < 0) {
        run_free(&r);
        return -1;
    }
    vs_pheno_t *p = vs_pheno_finish(r.e, r.score, r.n, r.names, r.groups ? r.groups->group_of : NULL,
                                    r.groups ? r.groups->names : NULL);
    r.score = NULL;                     /* p has it */
    if (!r.reuse && !isnan(r.e->prevalence)) {
        if (vs_pheno_threshold(p->liability, p->n, r.e->prevalence, &r.e->threshold, err) < 0) {
            vs_pheno_destroy(p);
            run_free(&r);
            return -1;
        }
        set_status(r.e, p);
    }
    ret = write_table(&r, p, err);
    if (ret == 0 && o->effects_out) ret = write_effects(&r, err);
    if (ret == 0) summarise(&r, p);
    vs_pheno_destroy(p);
    run_free(&r);
    return ret;
}
