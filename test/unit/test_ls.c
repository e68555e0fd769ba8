/* The PAC likelihood against a naive forward algorithm written from the
 * model's definition (full T x T transition matrix), and the fit's maximum. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include "unit.h"
#include "vs_ls.h"
#include "vs_rng.h"

enum { NS = 8, M = 60 };   /* 8 samples = 16 haplotypes, 60 sites */

static vs_panel_t *toy_panel(void)
{
    vs_panel_t *p = calloc(1, sizeof *p);
    p->n_samples = NS;
    p->n_hap = 2 * NS;
    p->wps = 1;
    p->n_sites = M;
    p->bits = calloc(M, sizeof *p->bits);
    /* four founders, copied with occasional switches, so there is LD */
    for (int h = 0; h < p->n_hap; h++) {
        int f = h % 4;
        for (int s = 0; s < M; s++) {
            if (vs_rng_unif(3, 9, h, s) < 0.05) f = (int)(vs_rng_unif(3, 10, h, s) * 4);
            int allele = vs_rng_unif(4, f, s, 0) < 0.4;
            if (vs_rng_unif(5, 11, h, s) < 0.01) allele ^= 1;
            p->bits[s] |= (uint64_t)allele << h;
        }
    }
    return p;
}

/* log P(target | templates) by the textbook forward recursion. */
static double naive(const vs_panel_t *p, int tgt, const double *morgan, double ne, double eps)
{
    int tmpl[64], T = 0;
    for (int h = 0; h < p->n_hap; h++)
        if (h / 2 != tgt / 2) tmpl[T++] = h;
    double a[64], b[64], ll = 0;
    for (int s = 0; s < M; s++) {
        int obs = vs_panel_allele(p, s, tgt);
        double r = s ? 1 - exp(-4 * ne * (morgan[s] - morgan[s - 1]) / T) : 1;
        for (int j = 0; j < T; j++) {
            double prior = 0;
            for (int i = 0; i < T; i++)
                prior += (s ? a[i] : 1.0 / T) * ((i == j ? 1 - r : 0) + r / T);
            int match = vs_panel_allele(p, s, tmpl[j]) == obs;
            b[j] = prior * (match ? 1 - eps : eps);
        }
        double sum = 0;
        for (int j = 0; j < T; j++) sum += b[j];
        for (int j = 0; j < T; j++) a[j] = b[j] / sum;
        ll += log(sum);
    }
    return ll;
}

int main(void)
{
    CHECK_NEAR(vs_ls_default_eps(2), 1.0 / 6, 1e-15, "eps for K=2: theta=1, 1/(2*3)");
    CHECK_NEAR(vs_ls_default_eps(3), (1 / 1.5) / (2 * (1 / 1.5 + 3)), 1e-15, "eps for K=3");

    vs_panel_t *p = toy_panel();
    double morgan[M];
    uint8_t start[M] = { 1 };
    for (int s = 0; s < M; s++) morgan[s] = s * 2e-5;
    vs_ls_sites_t sites = { M, morgan, start };
    int members[NS];
    for (int i = 0; i < NS; i++) members[i] = i;
    vs_ls_group_t *g = vs_ls_group_build(p, members, NS, 2 * NS, 1);
    CHECK(g->K == 16 && g->n_target == 16, "group of 8 samples: K = 16, all held out");

    double want = 0;
    for (int t = 0; t < 2 * NS; t++) want += naive(p, t, morgan, 3000, 0.01);
    double got = vs_ls_pac_loglik(g, &sites, 3000, 0.01);
    /* forward probabilities are kept in single precision: agreement to 1e-6 */
    CHECK_NEAR(got, want, 1e-6 * fabs(want), "PAC log-likelihood equals the naive forward algorithm");
    want = 0;
    for (int t = 0; t < 2 * NS; t++) want += naive(p, t, morgan, 50, 0.002);
    CHECK_NEAR(vs_ls_pac_loglik(g, &sites, 50, 0.002), want, 1e-6 * fabs(want), "... at another Ne and eps");
    {   /* 14 haplotypes: the templates past the last whole 8 take the scalar path */
        vs_panel_t *p7 = toy_panel();
        p7->n_samples = NS - 1;
        p7->n_hap = 2 * (NS - 1);
        vs_ls_group_t *g7 = vs_ls_group_build(p7, members, NS - 1, 2 * NS, 1);
        double w7 = 0;
        for (int t = 0; t < p7->n_hap; t++) w7 += naive(p7, t, morgan, 3000, 0.01);
        CHECK_NEAR(vs_ls_pac_loglik(g7, &sites, 3000, 0.01), w7, 1e-6 * fabs(w7), "... with K = 14, not a multiple of 8");
        vs_ls_group_destroy(g7);
        free(p7->bits);
        free(p7);
    }

    vs_group_model_t out = { .name = "toy" };
    vs_ls_fit_opts_t fo = { 0, 1, 1e7 };
    vs_ls_fit(g, &sites, &fo, &out);
    double at = vs_ls_pac_loglik(g, &sites, out.ne, out.eps);
    CHECK(at > vs_ls_pac_loglik(g, &sites, out.ne * 0.8, out.eps) &&
          at > vs_ls_pac_loglik(g, &sites, out.ne * 1.25, out.eps), "fitted Ne %.4g beats 0.8x and 1.25x", out.ne);
    CHECK(out.ne_lo < out.ne && out.ne < out.ne_hi, "the 95%% interval %.4g-%.4g contains Ne", out.ne_lo, out.ne_hi);
    {   /* the sandwich interval, by hand: per-haplotype scores and the curvature at log Ne +- 0.05 */
        int n = g->n_target;
        double lm[2 * NS], l0[2 * NS], lp[2 * NS], h = 0.05, lhat = log(out.ne), H = 0, mean = 0, J = 0;
        vs_ls_pac_loglik_each(g, &sites, exp(lhat - h), out.eps, lm);
        double total = vs_ls_pac_loglik_each(g, &sites, exp(lhat), out.eps, l0);
        vs_ls_pac_loglik_each(g, &sites, exp(lhat + h), out.eps, lp);
        CHECK_NEAR(total, out.loglik, 1e-9 * fabs(total), "the per-haplotype terms add up to the log-likelihood");
        for (int t = 0; t < n; t++) {
            H -= (lp[t] - 2 * l0[t] + lm[t]) / (h * h);
            mean += (lp[t] - lm[t]) / (2 * h) / n;
        }
        for (int t = 0; t < n; t++) J += pow((lp[t] - lm[t]) / (2 * h) - mean, 2) * n / (n - 1.0);
        double half = gsl_cdf_tdist_Pinv(0.975, n - 1) * sqrt(J) / H;
        CHECK_NEAR(log(out.ne_lo), lhat - half, 1e-9, "the interval's lower end is log Ne - t(0.975, n-1) sqrt(J)/H");
        CHECK_NEAR(log(out.ne_hi), lhat + half, 1e-9, "... and its upper end log Ne + t sqrt(J)/H");
    }
    CHECK(out.n_profile == 5 && out.profile_loglik[1] < out.loglik && out.profile_loglik[3] < out.loglik,
          "profile: 0.5x and 2x Ne are below the maximum");

    vs_ls_group_t *g4 = vs_ls_group_build(p, members, NS, 4, 9);
    CHECK(g4->n_target == 4, "--fit-haplotypes 4 holds out 4 haplotypes");
    vs_ls_group_destroy(g4);
    vs_ls_group_destroy(g);
    free(p->bits);
    free(p);
    UNIT_DONE();
}
