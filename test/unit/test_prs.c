/* vs_prs's association statistics and vs_pheno's model, without files:
 * linear regression against the normal equations, logistic regression
 * against its score equations, Firth's estimate against an independent
 * maximisation of the penalised likelihood, the liability threshold, and
 * the effects drawn to the asked heritability. */
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include "unit.h"
#include "vs_pheno.h"
#include "vs_prs.h"
#include "vs_rng.h"

static void test_linear(void)
{
    enum { N = 200 };
    uint8_t d[N];
    double y[N];
    for (int i = 0; i < N; i++) {
        d[i] = (uint8_t)(vs_rng_unif(1, 99, i, 0) < 0.3) + (vs_rng_unif(1, 99, i, 1) < 0.3);
        y[i] = 0.4 * d[i] + gsl_cdf_ugaussian_Pinv(vs_rng_unif(1, 99, i, 2));
    }
    /* the normal equations of y = a + b d, and s^2 (X'X)^-1 */
    double s1 = N, sd = 0, sdd = 0, sy = 0, sdy = 0;
    for (int i = 0; i < N; i++) { sd += d[i]; sdd += d[i] * d[i]; sy += y[i]; sdy += d[i] * y[i]; }
    double det = s1 * sdd - sd * sd, b = (s1 * sdy - sd * sy) / det, a = (sy - b * sd) / s1, rss = 0;
    for (int i = 0; i < N; i++) rss += (y[i] - a - b * d[i]) * (y[i] - a - b * d[i]);
    double se = sqrt(rss / (N - 2) * s1 / det);
    vs_assoc_t r;
    vs_assoc_linear(d, y, N, &r);
    CHECK_NEAR(r.beta, b, 1e-12, "linear: BETA equals the least-squares slope");
    CHECK_NEAR(r.se, se, 1e-12, "linear: SE equals sqrt(s^2 (X'X)^-1)");
    CHECK_NEAR(r.stat, b / se, 1e-10, "linear: T = BETA / SE");
    CHECK_NEAR(r.p, 2 * gsl_cdf_tdist_Q(fabs(b / se), N - 2), 1e-14, "linear: P two-sided, n - 2 df");
    memset(d, 1, sizeof d);
    vs_assoc_linear(d, y, N, &r);
    CHECK(isnan(r.beta) && isnan(r.p), "linear: a constant dosage gives NA");
}

/* The plain logistic MLE zeroes both score equations. */
static void test_logistic(void)
{
    enum { N = 500 };
    uint8_t d[N];
    double y[N];
    for (int i = 0; i < N; i++) {
        d[i] = (uint8_t)(vs_rng_unif(2, 99, i, 0) < 0.4) + (vs_rng_unif(2, 99, i, 1) < 0.4);
        double p = 1 / (1 + exp(-(-1 + 0.5 * d[i])));
        y[i] = vs_rng_unif(2, 99, i, 2) < p;
    }
    vs_assoc_t r;
    vs_assoc_logistic(d, y, N, &r);
    CHECK(!r.firth, "logistic: no zero cell, no Firth");
    /* the intercept that zeroes the first score equation at BETA, by bisection */
    double lo = -10, hi = 10;
    for (int it = 0; it < 200; it++) {
        double b0 = (lo + hi) / 2, u0 = 0;
        for (int i = 0; i < N; i++) u0 += y[i] - 1 / (1 + exp(-(b0 + r.beta * d[i])));
        if (u0 > 0) lo = b0; else hi = b0;
    }
    double u1 = 0, i00 = 0, i01 = 0, i11 = 0;
    for (int i = 0; i < N; i++) {
        double p = 1 / (1 + exp(-(lo + r.beta * d[i]))), w = p * (1 - p);
        u1 += d[i] * (y[i] - p);
        i00 += w; i01 += d[i] * w; i11 += d[i] * d[i] * w;
    }
    CHECK_NEAR(u1, 0, 1e-7, "logistic: the second score equation is zero at BETA");
    CHECK_NEAR(r.se, sqrt(i00 / (i00 * i11 - i01 * i01)), 1e-8, "logistic: SE from the inverse information");
    CHECK_NEAR(r.p, 2 * gsl_cdf_ugaussian_Q(fabs(r.beta / r.se)), 1e-14, "logistic: Wald P");
}

/* 2500 non-carriers (250 cases), 4 carriers all controls: the MLE is -inf;
 * Firth's maximum, found by a Newton search on the penalised likelihood with
 * numerical derivatives (python, double precision): BETA -0.0017758013, SE
 * 1.6679975736. */
static void test_firth(void)
{
    enum { N = 2504 };
    uint8_t d[N] = { 0 };
    double y[N] = { 0 };
    for (int i = 0; i < 250; i++) y[i] = 1;
    for (int i = 2500; i < N; i++) d[i] = 1;
    vs_assoc_t r;
    vs_assoc_logistic(d, y, N, &r);
    CHECK(r.firth, "Firth: carriers all controls, the fallback is taken");
    CHECK_NEAR(r.beta, -0.0017758013, 1e-6, "Firth: BETA at the penalised maximum");
    CHECK_NEAR(r.se, 1.6679975736, 1e-5, "Firth: SE");
}

static void test_threshold(void)
{
    double l[10] = { 5, 1, 9, 3, 7, 2, 8, 4, 6, 0 };
    double t = 0;
    vs_error_t e = { 0 };
    CHECK(vs_pheno_threshold(l, 10, 0.2, &t, &e) == 0 && t == 7.5, "threshold: midway between the 2nd and 3rd largest");
    CHECK(vs_pheno_threshold(l, 10, 0.5, &t, &e) == 0 && t == 4.5, "threshold: the median for 1/2");
    CHECK(vs_pheno_threshold(l, 10, 0.01, &t, &e) < 0 && strstr(e.msg, "makes 0 of the 10 samples cases"),
          "threshold: a prevalence that makes no case is an error value");
    CHECK(vs_pheno_threshold(l, 10, 0.99, &t, &e) < 0 && strstr(e.msg, "makes 10 of the 10"),
          "threshold: one that makes every sample a case too");
}

/* Effects drawn and scaled on a cohort give it exactly var(genetic value) = h2. */
static void test_draw(void)
{
    enum { N = 1000, V = 5 };
    uint8_t dos[V * N];
    uint64_t key[V];
    vs_effects_t e = { 0 };
    double af[V], beta[V];
    e.n = V;
    e.af = af;
    e.beta = beta;
    e.h2 = 0.3;
    e.alpha = -0.25;
    e.seed = 4;
    for (int v = 0; v < V; v++) {
        key[v] = 1000 + v;
        int ac = 0;
        for (int i = 0; i < N; i++) ac += dos[v * N + i] = (uint8_t)((vs_rng_unif(3, 99, v, i) < 0.1 + 0.1 * v) +
                                                                    (vs_rng_unif(3, 98, v, i) < 0.1 + 0.1 * v));
        af[v] = ac / (2.0 * N);
    }
    CHECK(vs_effects_draw(&e, key, dos, N, NULL) == 0, "draw: succeeds on varied dosages");
    double g[N] = { 0 }, m = 0, s = 0;
    for (int v = 0; v < V; v++) vs_pheno_add(&e, v, dos + v * N, N, g);
    for (int i = 0; i < N; i++) m += g[i] / N;
    for (int i = 0; i < N; i++) s += (g[i] - m) * (g[i] - m) / N;
    CHECK_NEAR(s, 0.3, 1e-12, "draw: the genetic variance is h2 in the cohort drawn on");
    CHECK_NEAR(e.mean, m, 1e-12, "draw: mean is the cohort's mean genetic value");
    CHECK_NEAR(e.env_sd, sqrt(0.7), 1e-15, "draw: env_sd = sqrt(1 - h2)");
    double b0 = beta[0];
    vs_effects_draw(&e, key, dos, N, NULL);
    CHECK(beta[0] == b0, "draw: the same seed and sites, the same effects");
    uint8_t flat[V * N];
    memset(flat, 1, sizeof flat);
    vs_error_t err = { 0 };
    CHECK(vs_effects_draw(&e, key, flat, N, &err) < 0 && strstr(err.msg, "the same genetic value"),
          "draw: variants that give every sample the same value are an error value");
}

int main(void)
{
    test_linear();
    test_logistic();
    test_firth();
    test_threshold();
    test_draw();
    UNIT_DONE();
}
