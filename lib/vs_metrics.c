#include "vs_metrics.h"
#include "vs_cpu.h"
#include "vs_err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

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
    return vs_r2_counts(h->n_hap, na, nb, nab);
}

double vs_r2_counts(double n, double na, double nb, double nab)
{
    double pa = na / n, pb = nb / n, d = nab / n - pa * pb;
    double den = pa * (1 - pa) * pb * (1 - pb);
    return den > 0 ? d * d / den : NAN;
}

double vs_hudson_fst(const double *p1, int n1, const double *p2, int n2, int64_t n_sites)
{
    double num = 0, den = 0;
    for (int64_t s = 0; s < n_sites; s++) {
        double a = p1[s], b = p2[s];
        num += (a - b) * (a - b) - a * (1 - a) / (n1 - 1) - b * (1 - b) / (n2 - 1);
        den += a * (1 - b) + b * (1 - a);
    }
    return den > 0 ? num / den : NAN;
}

double vs_hwe_chisq(double n_ref_hom, double n_het, double n_alt_hom)
{
    double n = n_ref_hom + n_het + n_alt_hom;
    double p = (2.0 * n_ref_hom + n_het) / (2 * n), q = 1 - p;
    if (n == 0 || p == 0 || q == 0) return NAN;
    double e[3] = { n * p * p, 2 * n * p * q, n * q * q }, o[3] = { n_ref_hom, n_het, n_alt_hom }, x2 = 0;
    for (int k = 0; k < 3; k++) x2 += (o[k] - e[k]) * (o[k] - e[k]) / e[k];
    return x2;
}

double vs_hwe_pvalue(int n_ref_hom, int n_het, int n_alt_hom)
{
    double x2 = vs_hwe_chisq(n_ref_hom, n_het, n_alt_hom);
    return isnan(x2) ? NAN : gsl_cdf_chisq_Q(x2, 1);
}

static void folded_sfs(const double *af, int64_t n_sites, int bins, double *h)
{
    double total = 0;
    memset(h, 0, bins * sizeof *h);
    for (int64_t s = 0; s < n_sites; s++) {
        double maf = fmin(af[s], 1 - af[s]);
        if (!(maf > 0)) continue;                      /* monomorphic sites carry no spectrum */
        int b = (int)ceil(maf * 2 * bins) - 1;
        h[b < 0 ? 0 : b >= bins ? bins - 1 : b]++;
        total++;
    }
    for (int b = 0; b < bins && total > 0; b++) h[b] /= total;
}

double vs_sfs_js_distance(const double *af1, const double *af2, int64_t n_sites, int bins)
{
    /* on the stack: the fidelity report's resampling threads call this, and nothing may fail to allocate there */
    double p[VS_SFS_MAX_BINS], q[VS_SFS_MAX_BINS], js = 0;
    if (bins < 1 || bins > VS_SFS_MAX_BINS) return NAN;
    folded_sfs(af1, n_sites, bins, p);
    folded_sfs(af2, n_sites, bins, q);
    for (int b = 0; b < bins; b++) {
        double m = (p[b] + q[b]) / 2;
        if (p[b] > 0) js += 0.5 * p[b] * log2(p[b] / m);
        if (q[b] > 0) js += 0.5 * q[b] * log2(q[b] / m);
    }
    return sqrt(fmax(js, 0));
}

double vs_rare_retention(const double *real, const double *syn, int64_t n_sites, double lo, double hi)
{
    long kept = 0, total = 0;
    for (int64_t s = 0; s < n_sites; s++) {
        int alt_minor = real[s] <= 0.5;
        double maf = alt_minor ? real[s] : 1 - real[s];
        if (maf <= 0 || maf < lo || maf >= hi) continue;
        total++;
        kept += alt_minor ? syn[s] > 0 : syn[s] < 1;
    }
    return total ? (double)kept / total : NAN;
}

/* First site j > i on i's contig at distance >= d (sites in genetic order). */
static int64_t first_at(const double *cm, const int64_t *contig_end, int64_t i, double d)
{
    int64_t lo = i + 1, hi = contig_end[i];
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (cm[mid] - cm[i] < d) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

int64_t vs_ld_pairs(const double *cm, const uint8_t *contig_start, const uint8_t *use, int64_t n_sites,
                    const double *edges, int nbins, int64_t max_per_bin, vs_ld_pair_t **out)
{
    /* the eligible sites, and the end of each one's contig among them */
    int64_t n = 0, *site = vs_malloc((n_sites + 1) * sizeof *site), *end = vs_malloc((n_sites + 1) * sizeof *end);
    double *c = vs_malloc((n_sites + 1) * sizeof *c);
    int64_t *contig = vs_malloc((n_sites + 1) * sizeof *contig), k = -1;
    for (int64_t s = 0; s < n_sites; s++) {
        k += contig_start[s];
        if (!use[s]) continue;
        site[n] = s;
        c[n] = cm[s];
        contig[n++] = k;
    }
    for (int64_t i = n - 1; i >= 0; i--) end[i] = i + 1 < n && contig[i + 1] == contig[i] ? end[i + 1] : i + 1;
    /* pairs of each bin, counted per first site (cumulative), then spread evenly over */
    int64_t *cum = vs_calloc((size_t)nbins * (n + 1), sizeof *cum), m = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t lo = first_at(c, end, i, edges[0]);
        for (int b = 0; b < nbins; b++) {
            int64_t hi = first_at(c, end, i, edges[b + 1]);
            cum[(size_t)b * (n + 1) + i + 1] = cum[(size_t)b * (n + 1) + i] + (hi - lo);
            lo = hi;
        }
    }
    for (int b = 0; b < nbins; b++) {
        int64_t total = cum[(size_t)b * (n + 1) + n];
        m += total < max_per_bin ? total : max_per_bin;
    }
    vs_ld_pair_t *p = *out = vs_malloc((m + 1) * sizeof *p);
    m = 0;
    for (int b = 0; b < nbins; b++) {
        const int64_t *cb = cum + (size_t)b * (n + 1);
        int64_t total = cb[n], take = total < max_per_bin ? total : max_per_bin;
        for (int64_t r = 0; r < take; r++) {
            int64_t rank = take == total ? r : (int64_t)((r + 0.5) * ((double)total / take));
            int64_t lo = 0, hi = n - 1;                  /* the first site i with cb[i+1] > rank */
            while (lo < hi) {
                int64_t mid = lo + (hi - lo) / 2;
                if (cb[mid + 1] > rank) hi = mid;
                else lo = mid + 1;
            }
            int64_t j = first_at(c, end, lo, edges[b]) + (rank - cb[lo]);
            p[m++] = (vs_ld_pair_t){ site[lo], site[j], b };
        }
    }
    free(site);
    free(end);
    free(c);
    free(contig);
    free(cum);
    return m;
}
