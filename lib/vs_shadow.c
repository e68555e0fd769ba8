#include "vs_shadow.h"
#include "vs_cohorts.h"
#include "vs_err.h"
#include "vs_out.h"
#include "vs_rng.h"
#include "vs_vcf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <htslib/kstring.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gsl/gsl_linalg.h>

#define N_FEATURES 3           /* ibd, dcr, king */

/* ---------- the command ---------- */

static void add_quoted(kstring_t *ks, const char *v)
{
    kputc('\'', ks);
    for (const char *p = v; *p; p++) {
        if (*p == '\'') kputs("'\\''", ks);
        else kputc(*p, ks);
    }
    kputc('\'', ks);
}

static const char *const shadow_keys[] = { "train", "out", "n", "seed", "groups", "model", "dir", NULL };

/* The value of the placeholder at p ("{key}", close at its '}'), or NULL. */
static const char *placeholder_value(const char *p, const char *close, const char *const *pairs)
{
    for (int i = 0; pairs[i]; i += 2)
        if ((size_t)(close - p - 1) == strlen(pairs[i]) && !strncmp(p + 1, pairs[i], close - p - 1))
            return pairs[i + 1];
    return NULL;
}

char *vs_shadow_expand(const char *tmpl, const char *const *pairs)
{
    kstring_t ks = { 0, 0, NULL };
    for (const char *p = tmpl; *p; p++) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        const char *value = close ? placeholder_value(p, close, pairs) : NULL;
        if (!value) {
            kputc(*p, &ks);
            continue;
        }
        add_quoted(&ks, value);
        p = close;
    }
    return ks.s ? ks.s : vs_strdup("");
}

int vs_shadow_check_template(const char *tmpl, vs_error_t *e)
{
    const char *pairs[2 * 8 + 1];
    int n = 0;
    for (int i = 0; shadow_keys[i]; i++) pairs[n++] = shadow_keys[i], pairs[n++] = "";
    pairs[n] = NULL;
    for (const char *p = tmpl; (p = strchr(p, '{')); p++) {
        const char *close = strchr(p, '}');
        if (!close) break;
        if (!placeholder_value(p, close, pairs))
            vs_warn("--shadow-cmd: %.*s is not a placeholder of the attack (those are {train} {out} {n} {seed} "
                    "{groups} {model} {dir}); it goes to the shell as written", (int)(close - p + 1), p);
    }
    if (!strstr(tmpl, "{out}"))
        return vs_error(e, VS_EXIT_USAGE, "--shadow-cmd: the command must write its synthetic cohort to {out} "
                        "(given: %s)", tmpl);
    return 0;
}

/* ---------- features ---------- */

/* Standardised features (n x N_FEATURES) of d's members then non-members
 * against d->syn. */
static double *features(const vs_attack_data_t *d)
{
    vs_scores_t *ibd = vs_scores_new(d), *dcr = vs_scores_new(d), *hap = vs_scores_new(d), *cal = vs_scores_new(d),
                *king = vs_scores_new(d);
    vs_attack_ibd(d, ibd);
    vs_attack_dcr(d, dcr, hap, cal);
    vs_king_bands_t bands;
    vs_attack_king(d, king, &bands);
    int n = d->train->n + d->holdout->n;
    double *x = vs_malloc(((size_t)n * N_FEATURES + 1) * sizeof *x);
    const vs_scores_t *f[N_FEATURES] = { ibd, dcr, king };
    for (int k = 0; k < N_FEATURES; k++) {
        double sum = 0, sq = 0;
        for (int i = 0; i < n; i++) {
            double v = i < d->train->n ? f[k]->member[i] : f[k]->nonmember[i - d->train->n];
            if (isnan(v)) v = 0;
            x[(size_t)i * N_FEATURES + k] = v;
            sum += v;
            sq += v * v;
        }
        double mean = sum / n, sd = sqrt(fmax(sq / n - mean * mean, 0));
        for (int i = 0; i < n; i++) x[(size_t)i * N_FEATURES + k] = sd > 0 ? (x[(size_t)i * N_FEATURES + k] - mean) / sd : 0;
    }
    vs_scores_destroy(ibd);
    vs_scores_destroy(dcr);
    vs_scores_destroy(hap);
    vs_scores_destroy(cal);
    vs_scores_destroy(king);
    return x;
}

/* ---------- logistic regression ---------- */

/* beta (intercept first) maximising the likelihood of labels y given x, by
 * iteratively reweighted least squares with a whisper of ridge. */
static void logistic(const double *x, const uint8_t *y, int n, double beta[N_FEATURES + 1])
{
    const int P = N_FEATURES + 1;
    gsl_matrix *A = gsl_matrix_alloc(P, P);
    gsl_vector *b = gsl_vector_alloc(P), *step = gsl_vector_alloc(P);
    memset(beta, 0, P * sizeof *beta);
    for (int it = 0; it < 50; it++) {
        gsl_matrix_set_zero(A);
        gsl_vector_set_zero(b);
        for (int i = 0; i < n; i++) {
            double row[N_FEATURES + 1] = { 1 }, eta = beta[0];
            for (int k = 0; k < N_FEATURES; k++) eta += beta[k + 1] * (row[k + 1] = x[(size_t)i * N_FEATURES + k]);
            double p = 1 / (1 + exp(-eta)), w = fmax(p * (1 - p), 1e-9);
            for (int r = 0; r < P; r++) {
                gsl_vector_set(b, r, gsl_vector_get(b, r) + row[r] * (y[i] - p));
                for (int c = 0; c < P; c++) gsl_matrix_set(A, r, c, gsl_matrix_get(A, r, c) + w * row[r] * row[c]);
            }
        }
        for (int r = 0; r < P; r++) gsl_matrix_set(A, r, r, gsl_matrix_get(A, r, r) + 1e-6);
        if (gsl_linalg_cholesky_decomp1(A) || gsl_linalg_cholesky_solve(A, b, step)) break;
        double moved = 0;
        for (int r = 0; r < P; r++) {
            beta[r] += gsl_vector_get(step, r);
            moved += fabs(gsl_vector_get(step, r));
        }
        if (moved < 1e-8) break;
    }
    gsl_matrix_free(A);
    gsl_vector_free(b);
    gsl_vector_free(step);
}

/* ---------- one shadow run ---------- */

typedef struct {
    const vs_shadow_opts_t *o;
    vs_panel_t *pool;
    double *pool_cm;           /* genetic position of every pool site */
    uint8_t *pool_start;       /* 1 at each contig's first pool site */
    char *dir;
    int n_in;                  /* pool samples in each shadow training set */
    double *x;                 /* features of every run, appended */
    uint8_t *y;                /* their labels: 1 in the run's training set */
    int n;
} shadow_t;

static const char *site_contig(const vs_panel_t *p, int64_t site)
{
    for (int c = 0; c < p->n_contigs; c++)
        if (site < p->contigs[c].first_site + p->contigs[c].n_sites) return p->contigs[c].name;
    return "";
}

/* The pool genomes' features against the run's output syn, appended with
 * their labels (the first n_in of order trained the generator). */
static void add_features(shadow_t *sh, const vs_panel_t *syn, const int *order, const int64_t *const idx[2], int64_t m)
{
    const vs_panel_t *p = sh->pool;
    vs_geno_t *all = vs_geno_from_panel(p, idx[0], m), *sg = vs_geno_from_panel(syn, idx[1], m);
    vs_geno_t *gin = vs_geno_subset(all, order, sh->n_in);
    vs_geno_t *gout = vs_geno_subset(all, order + sh->n_in, p->n_samples - sh->n_in);
    double *cm = vs_malloc((m + 1) * sizeof *cm);
    uint8_t *contig_start = vs_malloc(m + 1);
    for (int64_t j = 0; j < m; j++) {
        cm[j] = sh->pool_cm[idx[0][j]];
        contig_start[j] = j == 0 || sh->pool_start[idx[0][j]] ||
                          strcmp(site_contig(p, idx[0][j]), site_contig(p, idx[0][j - 1]));
    }
    vs_attack_data_t d = { sg, gin, gout, cm, contig_start, { NULL, NULL, NULL }, 100, 16, sh->o->seed };
    double *x = features(&d);
    int n_run = p->n_samples;
    sh->x = vs_realloc(sh->x, ((size_t)(sh->n + n_run) * N_FEATURES + 1) * sizeof *sh->x);
    sh->y = vs_realloc(sh->y, sh->n + n_run + 1);
    memcpy(sh->x + (size_t)sh->n * N_FEATURES, x, (size_t)n_run * N_FEATURES * sizeof *x);
    for (int i = 0; i < n_run; i++) sh->y[sh->n + i] = i < sh->n_in;
    sh->n += n_run;
    free(x);
    free(cm);
    free(contig_start);
    vs_geno_destroy(all);
    vs_geno_destroy(sg);
    vs_geno_destroy(gin);
    vs_geno_destroy(gout);
}

/* The generator's output for one run: its panel, or NULL with an error. */
static vs_panel_t *generate(const shadow_t *sh, int run, const char *cmd, const char *out, vs_error_t *e)
{
    vs_info("shadow run %d of %d: %s", run + 1, sh->o->runs, cmd);
    int status = vs_run_shell(cmd);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return vs_fail(e, "shadow run %d: the generator command failed (status %d): %s; run it by hand to see why",
                       run + 1, status == -1 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
                       cmd), NULL;
    if (access(out, R_OK) != 0)
        return vs_fail(e, "shadow run %d: the generator command wrote nothing at {out} (%s): %s", run + 1, out, cmd),
               NULL;
    return vs_cohort_read(out, 0, e);
}

/* Runs the generator on a random half of the pool; appends the features and
 * labels of every pool genome against its output.  0, or -1 with an error. */
static int shadow_run(shadow_t *sh, int run, vs_error_t *e)
{
    const vs_panel_t *p = sh->pool;
    int *order = vs_rng_permutation(p->n_samples, sh->o->seed, VS_RNG_SHADOW, 0x5ad0 + (uint64_t)run);
    char **in = vs_malloc((sh->n_in + 1) * sizeof *in);
    for (int i = 0; i < sh->n_in; i++) in[i] = p->samples[order[i]];
    char train[4096], out[4096], model[4096], n[32], seed[32];
    snprintf(train, sizeof train, "%s/train%d.bcf", sh->dir, run);
    snprintf(out, sizeof out, "%s/out%d", sh->dir, run);
    snprintf(model, sizeof model, "%s/model%d.json", sh->dir, run);
    snprintf(n, sizeof n, "%d", sh->o->n_syn);
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)(sh->o->seed + 1000 + run));
    const char *pairs[] = { "train", train, "out", out, "n", n, "seed", seed, "groups", sh->o->groups ? sh->o->groups : "",
                            "model", model, "dir", sh->dir, NULL };
    char *cmd = vs_shadow_expand(sh->o->cmd, pairs);
    vs_panel_t *syn = vs_vcf_subset(sh->o->pool, train, in, sh->n_in, e) < 0 ? NULL : generate(sh, run, cmd, out, e);
    int ret = syn ? 0 : -1;
    if (syn) {
        vs_panel_t *both[2] = { (vs_panel_t *)p, syn };
        int64_t *idx[2];
        int64_t m = vs_match_sites(both, 2, idx);
        if (m == 0) ret = vs_fail(e, "shadow run %d: the output of %s shares no site with %s", run + 1, cmd, sh->o->pool);
        else add_features(sh, syn, order, (const int64_t *const *)idx, m);
        for (int k = 0; k < 2; k++) free(idx[k]);
        vs_panel_destroy(syn);
    }
    free(cmd);
    free(in);
    free(order);
    remove(train);
    remove(out);
    remove(model);
    return ret;
}

int vs_attack_shadow(const vs_attack_data_t *d, const vs_shadow_opts_t *o, vs_scores_t *s, vs_error_t *e)
{
    shadow_t sh = { .o = o };
    if (!(sh.pool = vs_cohort_read(o->pool, 0, e))) return -1;
    sh.n_in = sh.pool->n_samples / 2;
    int ret = 0;
    if (sh.n_in < VS_SHADOW_MIN_POOL / 2)
        ret = vs_fail(e, "the shadow pool %s has %d samples; the shadow attack needs at least %d (half of them train "
                         "each shadow run)", o->pool, sh.pool->n_samples, VS_SHADOW_MIN_POOL);
    int64_t *all = vs_malloc((sh.pool->n_sites + 1) * sizeof *all);
    for (int64_t j = 0; j < sh.pool->n_sites; j++) all[j] = j;
    if (ret == 0) ret = vs_cohort_positions(sh.pool, all, sh.pool->n_sites, &o->map, &sh.pool_cm, &sh.pool_start, e);
    free(all);
    if (ret == 0 && !(sh.dir = vs_scratch_dir("the shadow runs", e))) ret = -1;
    for (int run = 0; run < o->runs && ret == 0; run++) ret = shadow_run(&sh, run, e);
    if (ret < 0) {
        if (sh.dir) vs_scratch_remove(sh.dir);
        free(sh.x);
        free(sh.y);
        free(sh.pool_cm);
        free(sh.pool_start);
        vs_panel_destroy(sh.pool);
        return -1;
    }
    double beta[N_FEATURES + 1];
    logistic(sh.x, sh.y, sh.n, beta);
    vs_info("shadow classifier: %.3f + %.3f ibd + %.3f dcr + %.3f king (standardised features, %d shadow genomes)",
            beta[0], beta[1], beta[2], beta[3], sh.n);
    double *x = features(d);
    for (int i = 0; i < d->train->n + d->holdout->n; i++) {
        double eta = beta[0];
        for (int k = 0; k < N_FEATURES; k++) eta += beta[k + 1] * x[(size_t)i * N_FEATURES + k];
        if (i < d->train->n) s->member[i] = eta;
        else s->nonmember[i - d->train->n] = eta;
    }
    free(x);
    vs_scratch_remove(sh.dir);
    free(sh.x);
    free(sh.y);
    free(sh.pool_cm);
    free(sh.pool_start);
    vs_panel_destroy(sh.pool);
    return 0;
}
