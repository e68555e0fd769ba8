#include "vs_ls.h"
#include "vs_cpu.h"
#include "vs_err.h"
#include "vs_rng.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_multimin.h>


double vs_ls_default_eps(int K)
{
    double h = 0;
    for (int i = 1; i < K; i++) h += 1.0 / i;
    double theta = 1.0 / h;
    return theta / (2.0 * (theta + K));
}

/* ---------- group matrix ---------- */

typedef struct { double key; int hap; } keyed_t;

static int cmp_keyed(const void *a, const void *b)
{
    double x = ((const keyed_t *)a)->key, y = ((const keyed_t *)b)->key;
    return (x > y) - (x < y);
}

vs_ls_group_t *vs_ls_group_build(const vs_panel_t *p, const int *members, int n_members,
                                 int fit_haps, uint64_t seed)
{
    vs_ls_group_t *g = vs_calloc(1, sizeof *g);
    g->K = 2 * n_members;
    g->wg = (g->K + 63) / 64;
    g->bits = vs_calloc((size_t)p->n_sites * g->wg + 1, sizeof *g->bits);
    for (int64_t s = 0; s < p->n_sites; s++) {
        uint64_t *row = g->bits + s * g->wg;
        for (int j = 0; j < g->K; j++) {
            int hap = 2 * members[j / 2] + (j & 1);
            row[j >> 6] |= (uint64_t)vs_panel_allele(p, s, hap) << (j & 63);
        }
    }
    /* held-out haplotypes: a seeded random subset, keyed by panel haplotype so
     * that it does not depend on how the groups were numbered */
    keyed_t *order = vs_malloc(g->K * sizeof *order);
    for (int j = 0; j < g->K; j++) {
        int hap = 2 * members[j / 2] + (j & 1);
        order[j] = (keyed_t){ vs_rng_unif(seed, VS_RNG_FIT_SUBSET, (uint64_t)hap, 0), j };
    }
    qsort(order, g->K, sizeof *order, cmp_keyed);
    g->n_target = fit_haps < g->K ? fit_haps : g->K;
    g->target = vs_malloc(g->n_target * sizeof *g->target);
    for (int i = 0; i < g->n_target; i++) g->target[i] = order[i].hap;
    free(order);
    return g;
}

void vs_ls_group_destroy(vs_ls_group_t *g)
{
    if (!g) return;
    free(g->bits);
    free(g->target);
    free(g);
}

/* ---------- forward algorithm ---------- */

typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));

/* One held-out haplotype's forward pass over every site, straight from the
 * bit-packed rows, 8 templates at a time: a template's emission is chosen by
 * its bit, in single precision (the log-likelihood is summed in double).
 * a_site[s] = 1 - r and c_site[s] = r / T are the transition terms, r the
 * switch probability from the previous site (a = 0, c = 1 / T at a contig's
 * first site).  The inner loop is the whole cost of vcf-fit: AVX2 where the
 * CPU has it, two SSE halves elsewhere, the same numbers either way (C11 mode
 * does not contract a * b + c). */
VS_CLONES_AVX2
static double forward(const vs_ls_group_t *g, const float *a_site, const float *c_site, int64_t n_sites, int tgt,
                      double eps, float *alpha)
{
    const int K = g->K, K8 = K & ~7, ex = tgt & ~1;
    const float match = (float)(1.0 - eps), miss = (float)eps;
    const v8i lane = { 1, 2, 4, 8, 16, 32, 64, 128 };
    double ll = 0;
    float scale = 1;
    memset(alpha, 0, K * sizeof *alpha);
    for (int64_t s = 0; s < n_sites; s++) {
        const uint64_t *row = g->bits + s * g->wg;
        int obs = (int)(row[tgt >> 6] >> (tgt & 63)) & 1;
        const float e1 = obs ? match : miss, e0 = obs ? miss : match;
        const float a = a_site[s] / scale, c = c_site[s];
        const v8f va = { a, a, a, a, a, a, a, a }, vc = { c, c, c, c, c, c, c, c };
        const v8i ve1 = (v8i)(v8f){ e1, e1, e1, e1, e1, e1, e1, e1 }, ve0 = (v8i)(v8f){ e0, e0, e0, e0, e0, e0, e0, e0 };
        v8f vsum = { 0 };
        for (int j = 0; j < K8; j += 8) {
            int32_t byte = (int32_t)(row[j >> 6] >> (j & 56)) & 0xFF;
            v8i carries = ((v8i){ byte, byte, byte, byte, byte, byte, byte, byte } & lane) != 0;
            v8f em = (v8f)((ve1 & carries) | (ve0 & ~carries));
            v8f v = (*(v8f *)(alpha + j) * va + vc) * em;
            *(v8f *)(alpha + j) = v;
            vsum += v;
        }
        float sum = 0;
        for (int l = 0; l < 8; l++) sum += vsum[l];
        for (int j = K8; j < K; j++) {
            float v = (alpha[j] * a + c) * ((int)(row[j >> 6] >> (j & 63)) & 1 ? e1 : e0);
            alpha[j] = v;
            sum += v;
        }
        sum -= alpha[ex] + alpha[ex + 1];      /* the target's own individual is not a template */
        alpha[ex] = alpha[ex + 1] = 0;
        ll += log((double)sum);
        scale = sum;
    }
    return ll;
}

/* The transition terms of every site at this Ne (the same for every target). */
static void transitions(const vs_ls_group_t *g, const vs_ls_sites_t *s, double ne, float *a_site, float *c_site)
{
    const int T = g->K - 2;                /* templates: the group less the target's individual */
    for (int64_t i = 0; i < s->n_sites; i++) {
        if (s->contig_start[i]) {
            a_site[i] = 0;
            c_site[i] = (float)(1.0 / T);
            continue;
        }
        double r = -expm1(-4.0 * ne * (s->morgan[i] - s->morgan[i - 1]) / T);
        a_site[i] = (float)(1.0 - r);
        c_site[i] = (float)(r / T);
    }
}

double vs_ls_pac_loglik_each(const vs_ls_group_t *g, const vs_ls_sites_t *s, double ne, double eps, double *ll)
{
    const int nt = g->n_target;
    float *a_site = vs_malloc((s->n_sites + 1) * sizeof *a_site), *c_site = vs_malloc((s->n_sites + 1) * sizeof *c_site);
    transitions(g, s, ne, a_site, c_site);
    /* every thread's forward vector, allocated here (no allocation can fail
     * inside the workers), each on cache lines of its own */
    size_t bytes = ((g->K * sizeof(float) + 63) / 64) * 64 + 64;
    int n_threads = omp_get_max_threads();
    float *alphas = aligned_alloc(64, bytes * n_threads);
    if (!alphas) vs_fatal("out of memory fitting the model");
#pragma omp parallel num_threads(n_threads)
    {
        float *alpha = alphas + bytes / sizeof(float) * omp_get_thread_num();
#pragma omp for schedule(dynamic, 1)
        for (int t = 0; t < nt; t++) ll[t] = forward(g, a_site, c_site, s->n_sites, g->target[t], eps, alpha);
    }
    free(alphas);
    double total = 0;                  /* summed in a fixed order: same for any thread count */
    for (int t = 0; t < nt; t++) total += ll[t];
    free(a_site);
    free(c_site);
    return total;
}

double vs_ls_pac_loglik(const vs_ls_group_t *g, const vs_ls_sites_t *s, double ne, double eps)
{
    double *ll = vs_malloc((g->n_target + 1) * sizeof *ll);
    double total = vs_ls_pac_loglik_each(g, s, ne, eps, ll);
    free(ll);
    return total;
}

/* ---------- maximisation ---------- */

typedef struct {
    const vs_ls_group_t *g;
    const vs_ls_sites_t *s;
    double eps;
    int evals;
    int n_cache;
    double cache_x[256], cache_f[256];
} objective_t;

/* Negative log-likelihood at log(Ne), remembered so profile points are free. */
static double neg_ll(double log_ne, void *arg)
{
    objective_t *o = arg;
    for (int i = 0; i < o->n_cache; i++)
        if (o->cache_x[i] == log_ne) return o->cache_f[i];
    double f = -vs_ls_pac_loglik(o->g, o->s, exp(log_ne), o->eps);
    o->evals++;
    if (o->n_cache < 256) {
        o->cache_x[o->n_cache] = log_ne;
        o->cache_f[o->n_cache++] = f;
    }
    return f;
}

/* Walks from x by `step` while the function keeps falling, the last step
 * clamped to the search bound; fills a bracket lo < mid < hi with f(mid)
 * below both ends, or returns -1 when the minimum is at the bound (*mid). */
static int walk(objective_t *o, double x, double fx, double step, double lmin, double lmax,
                double *lo, double *mid, double *hi)
{
    double prev = x - step, cur = x, fcur = fx;
    for (;;) {
        double next = fmin(fmax(cur + step, lmin), lmax);
        if (next == cur) {          /* at the bound: does the function still fall just inside? */
            double inner = cur - 0.01 * (step > 0 ? 1 : -1);
            if (neg_ll(inner, o) < fcur) {
                *mid = inner;
                *lo = fmin(cur, prev);
                *hi = fmax(cur, prev);
                return 0;
            }
            *mid = cur;
            return -1;
        }
        double fnext = neg_ll(next, o);
        if (fnext >= fcur) {
            *mid = cur;
            *lo = fmin(prev, next);
            *hi = fmax(prev, next);
            return 0;
        }
        prev = cur;
        cur = next;
        fcur = fnext;
    }
}

/* Brackets the maximum of the likelihood over log Ne, walking by factors of 4
 * from Ne = 10,000 (or the nearer end of the search range). */
static int bracket(objective_t *o, double lmin, double lmax, double *lo, double *mid, double *hi)
{
    const double step = fmin(log(4.0), (lmax - lmin) / 2);
    double x = fmin(fmax(log(1e4), lmin + step), lmax - step), fx = neg_ll(x, o);
    if (neg_ll(x + step, o) < fx) return walk(o, x, fx, step, lmin, lmax, lo, mid, hi);
    if (neg_ll(x - step, o) < fx) return walk(o, x, fx, -step, lmin, lmax, lo, mid, hi);
    *lo = x - step;
    *mid = x;
    *hi = x + step;
    return 0;
}

static double brent_min(objective_t *o, double lo, double mid, double hi, int *iters)
{
    gsl_function F = { neg_ll, o };
    gsl_min_fminimizer *m = gsl_min_fminimizer_alloc(gsl_min_fminimizer_brent);
    if (gsl_min_fminimizer_set_with_values(m, &F, mid, neg_ll(mid, o), lo, neg_ll(lo, o), hi,
                                           neg_ll(hi, o)) != GSL_SUCCESS) {
        gsl_min_fminimizer_free(m);     /* a flat likelihood: the bracket's middle is as good */
        return mid;
    }
    int status;
    do {
        (*iters)++;
        gsl_min_fminimizer_iterate(m);
        status = gsl_min_test_interval(gsl_min_fminimizer_x_lower(m), gsl_min_fminimizer_x_upper(m), 0.01, 0);
    } while (status == GSL_CONTINUE && *iters < 100);
    double x = gsl_min_fminimizer_x_minimum(m);
    gsl_min_fminimizer_free(m);
    return x;
}

/* The 95% interval of log Ne from the PAC likelihood as the composite
 * likelihood it is, with the held-out haplotypes as its independent units:
 * the sandwich (Godambe) variance H^-1 J H^-1, H the curvature of the summed
 * log-likelihood, J the spread of the haplotypes' scores, both by central
 * differences at the estimate, and a t quantile with n - 1 degrees of
 * freedom.  The interval of a plain likelihood (2 dLL = 3.84) would take the
 * haplotypes' conditionals as independent data and be far too narrow; this
 * one widens as the held-out haplotypes disagree, and only with fewer of them.
 * Returns 0 with *lo, *hi set, or -1 when it cannot be had (one held-out
 * haplotype, or no curvature: the estimate at a bound of the range). */
static int sandwich_interval(const vs_ls_group_t *g, const vs_ls_sites_t *s, double lhat, double eps, double *lo,
                             double *hi)
{
    const int n = g->n_target;
    const double h = 0.05;             /* log Ne step: 5% */
    if (n < 2) return -1;
    double *lm = vs_malloc(n * sizeof *lm), *l0 = vs_malloc(n * sizeof *l0), *lp = vs_malloc(n * sizeof *lp);
    vs_ls_pac_loglik_each(g, s, exp(lhat - h), eps, lm);
    vs_ls_pac_loglik_each(g, s, exp(lhat), eps, l0);
    vs_ls_pac_loglik_each(g, s, exp(lhat + h), eps, lp);
    double curv = 0, mean = 0, spread = 0;
    for (int t = 0; t < n; t++) {
        curv -= (lp[t] - 2 * l0[t] + lm[t]) / (h * h);
        mean += (lp[t] - lm[t]) / (2 * h) / n;
    }
    for (int t = 0; t < n; t++) {
        double u = (lp[t] - lm[t]) / (2 * h) - mean;
        spread += u * u * n / (n - 1.0);
    }
    free(lm);
    free(l0);
    free(lp);
    if (!(curv > 0)) return -1;
    double half = gsl_cdf_tdist_Pinv(0.975, n - 1) * sqrt(spread) / curv;
    *lo = exp(lhat - half);
    *hi = exp(lhat + half);
    return 0;
}

/* Joint (log Ne, logit eps) maximisation with GSL's simplex. */
typedef struct { const vs_ls_group_t *g; const vs_ls_sites_t *s; int evals; } joint_t;

static double neg_ll_joint(const gsl_vector *v, void *arg)
{
    joint_t *j = arg;
    double eps = 0.5 / (1.0 + exp(-gsl_vector_get(v, 1)));   /* eps in (0, 0.5) */
    j->evals++;
    return -vs_ls_pac_loglik(j->g, j->s, exp(gsl_vector_get(v, 0)), eps);
}

static void fit_joint(const vs_ls_group_t *g, const vs_ls_sites_t *s, double *log_ne, double *eps, int *iters)
{
    joint_t j = { g, s, 0 };
    gsl_multimin_function F = { neg_ll_joint, 2, &j };
    gsl_vector *x = gsl_vector_alloc(2), *step = gsl_vector_alloc(2);
    gsl_vector_set(x, 0, *log_ne);
    gsl_vector_set(x, 1, -log(0.5 / *eps - 1.0));
    gsl_vector_set_all(step, 0.5);
    gsl_multimin_fminimizer *m = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, 2);
    gsl_multimin_fminimizer_set(m, &F, x, step);
    int status, it = 0;
    do {
        gsl_multimin_fminimizer_iterate(m);
        status = gsl_multimin_test_size(gsl_multimin_fminimizer_size(m), 0.005);
    } while (status == GSL_CONTINUE && ++it < 200);
    *log_ne = gsl_vector_get(m->x, 0);
    *eps = 0.5 / (1.0 + exp(-gsl_vector_get(m->x, 1)));
    *iters += it;
    gsl_multimin_fminimizer_free(m);
    gsl_vector_free(x);
    gsl_vector_free(step);
}

void vs_ls_fit(const vs_ls_group_t *g, const vs_ls_sites_t *s, const vs_ls_fit_opts_t *opt,
               vs_group_model_t *out)
{
    const double lmin = log(opt->ne_min), lmax = log(opt->ne_max);
    objective_t o = { .g = g, .s = s, .eps = vs_ls_default_eps(g->K) };
    double lo, mid, hi, lhat;
    int iters = 0;
    if (bracket(&o, lmin, lmax, &lo, &mid, &hi) < 0) {
        lhat = mid;
        vs_warn("group %s: the likelihood is still rising at Ne = %g, the end of the search range",
                out->name, exp(lhat));
    } else {
        lhat = brent_min(&o, lo, mid, hi, &iters);
    }
    if (opt->fit_eps) {
        fit_joint(g, s, &lhat, &o.eps, &iters);
        lhat = fmin(fmax(lhat, lmin), lmax);
        o.n_cache = 0;
    }
    double fhat = neg_ll(lhat, &o);
    out->ne = lhat == lmax ? opt->ne_max : lhat == lmin ? opt->ne_min : exp(lhat);
    out->eps = o.eps;
    out->loglik = -fhat;
    if (sandwich_interval(g, s, lhat, o.eps, &out->ne_lo, &out->ne_hi) < 0) {
        out->ne_lo = opt->ne_min;
        out->ne_hi = opt->ne_max;
    }
    if (out->ne_lo < opt->ne_min) out->ne_lo = opt->ne_min;
    if (out->ne_hi > opt->ne_max) out->ne_hi = opt->ne_max;
    static const double factors[] = { 0.25, 0.5, 1, 2, 4 };
    out->n_profile = 0;
    for (int i = 0; i < 5; i++) {
        double x = lhat + log2(factors[i]) * log(2.0);
        out->profile_ne[out->n_profile] = exp(x);
        out->profile_loglik[out->n_profile++] = -neg_ll(x, &o);
    }
    out->iterations = iters;
    out->fit_haplotypes = g->n_target;
}
