#include "vs_classify.h"
#include "vs_err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Per group: the log-likelihood of the all-REF genome, and what a
 * heterozygous or ALT-homozygous site adds to it, so that a genome costs
 * one addition per non-REF site. */
struct vs_classifier_t {
    int G;
    int64_t S;
    int *use;
    double *base;               /* G */
    double *het, *hom;          /* G x S */
};

vs_classifier_t *vs_classifier_new(int G, int64_t S)
{
    vs_classifier_t *c = vs_calloc(1, sizeof *c);
    c->G = G;
    c->S = S;
    c->use = vs_calloc(G + 1, sizeof *c->use);
    c->base = vs_calloc(G + 1, sizeof *c->base);
    c->het = vs_malloc(((size_t)G * S + 1) * sizeof *c->het);
    c->hom = vs_malloc(((size_t)G * S + 1) * sizeof *c->hom);
    return c;
}

void vs_classifier_fit(vs_classifier_t *c, const double *af, const double *n_hap, const int *use)
{
    int64_t S = c->S;
    for (int g = 0; g < c->G; g++) {
        c->use[g] = use[g];
        c->base[g] = 0;
        if (!use[g]) continue;
        for (int64_t s = 0; s < S; s++) {
            double p = (af[(size_t)g * S + s] * n_hap[g] + 0.5) / (n_hap[g] + 1), lq = log(1 - p);
            c->base[g] += 2 * lq;
            c->het[(size_t)g * S + s] = log(2 * p * (1 - p)) - 2 * lq;
            c->hom[(size_t)g * S + s] = 2 * log(p) - 2 * lq;
        }
    }
}

double vs_classifier_loglik(const vs_classifier_t *c, int g, const uint64_t *h0, const uint64_t *h1, int nw)
{
    const double *het = c->het + (size_t)g * c->S, *hom = c->hom + (size_t)g * c->S;
    double ll = c->base[g];
    for (int x = 0; x < nw; x++) {
        for (uint64_t b = h0[x] ^ h1[x]; b; b &= b - 1) ll += het[(size_t)x * 64 + __builtin_ctzll(b)];
        for (uint64_t b = h0[x] & h1[x]; b; b &= b - 1) ll += hom[(size_t)x * 64 + __builtin_ctzll(b)];
    }
    return ll;
}

int vs_classifier_assign(const vs_classifier_t *c, const uint64_t *h0, const uint64_t *h1, int nw)
{
    int best = -1;
    double best_ll = -INFINITY;
    for (int g = 0; g < c->G; g++) {
        if (!c->use[g]) continue;
        double ll = vs_classifier_loglik(c, g, h0, h1, nw);
        if (ll > best_ll) {
            best_ll = ll;
            best = g;
        }
    }
    return best;
}

void vs_classifier_destroy(vs_classifier_t *c)
{
    if (!c) return;
    free(c->use);
    free(c->base);
    free(c->het);
    free(c->hom);
    free(c);
}
