#include "vs_metrics.h"
#include "vs_cpu.h"
#include "vs_err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

vs_hapset_t *vs_hapset_of_group(const vs_panel_t *p, char *const *labels, const char *group)
{
    vs_hapset_t *h = vs_calloc(1, sizeof *h);
    h->wps = p->wps;
    h->mask = vs_calloc(p->wps, sizeof *h->mask);
    for (int i = 0; i < p->n_samples; i++) {
        if (group && (!labels[i] || strcmp(labels[i], group))) continue;
        for (int k = 0; k < 2; k++) {
            int hap = 2 * i + k;
            h->mask[hap >> 6] |= 1ull << (hap & 63);
        }
        h->n_hap += 2;
    }
    return h;
}

void vs_hapset_destroy(vs_hapset_t *h)
{
    if (!h) return;
    free(h->mask);
    free(h);
}

VS_CLONES_POPCNT
int vs_alt_count(const vs_panel_t *p, int64_t site, const vs_hapset_t *h)
{
    const uint64_t *row = vs_panel_row(p, site);
    int n = 0;
    for (int w = 0; w < p->wps; w++) n += __builtin_popcountll(row[w] & h->mask[w]);
    return n;
}

void vs_allele_freq(const vs_panel_t *p, const vs_hapset_t *h, double *af)
{
    for (int64_t s = 0; s < p->n_sites; s++)
        af[s] = h->n_hap ? (double)vs_alt_count(p, s, h) / h->n_hap : NAN;
}

double vs_pearson(const double *x, const double *y, int64_t n)
{
    double mx = 0, my = 0;
    for (int64_t i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
    mx /= n;
    my /= n;
    double sxy = 0, sxx = 0, syy = 0;
    for (int64_t i = 0; i < n; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / sqrt(sxx * syy);
}

VS_CLONES_POPCNT
double vs_hap_r2(const vs_panel_t *p, int64_t i, int64_t j, const vs_hapset_t *h)
{
    const uint64_t *a = vs_panel_row(p, i), *b = vs_panel_row(p, j);
    int na = 0, nb = 0, nab = 0;
    for (int w = 0; w < p->wps; w++) {
        uint64_t x = a[w] & h->mask[w], y = b[w] & h->mask[w];
        na += __builtin_popcountll(x);
        nb += __builtin_popcountll(y);
        nab += __builtin_popcountll(x & y);
    }
    double n = h->n_hap, pa = na / n, pb = nb / n, d = nab / n - pa * pb;
    double den = pa * (1 - pa) * pb * (1 - pb);
    return den > 0 ? d * d / den : NAN;
}
