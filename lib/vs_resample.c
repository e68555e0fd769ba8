#include "vs_resample.h"

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_cdf.h>

void vs_interval_normal(double x, double *v, int n, double level, double *lo, double *hi)
{
    int k = 0, positive = x > 0;
    for (int i = 0; i < n; i++)
        if (isfinite(v[i])) {
            positive &= v[i] > 0;
            v[k++] = v[i];
        }
    if (k < n / 2 || k < 2 || !isfinite(x)) { *lo = *hi = NAN; return; }
    double sum = 0, sq = 0;
    for (int i = 0; i < k; i++) {
        double y = positive ? log(v[i]) : v[i];
        sum += y;
        sq += y * y;
    }
    double mean = sum / k, sd = sqrt(fmax(sq / k - mean * mean, 0) * k / (k - 1));
    double z = gsl_cdf_ugaussian_Pinv(1 - (1 - level) / 2), c = positive ? log(x) : x;
    *lo = positive ? exp(c - z * sd) : c - z * sd;
    *hi = positive ? exp(c + z * sd) : c + z * sd;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void vs_interval_percentile(double *v, int n, double level, double *lo, double *hi)
{
    qsort(v, n, sizeof *v, cmp_double);
    double tail = (1 - level) / 2;
    *lo = v[(int)floor(tail * (n - 1))];
    *hi = v[(int)ceil((1 - tail) * (n - 1))];
}

double vs_weighted_mean(const double *v, const double *w, int n)
{
    double s = 0, t = 0;
    for (int i = 0; i < n; i++) {
        s += w[i] * v[i];
        t += w[i];
    }
    return t > 0 ? s / t : NAN;
}

double vs_weighted_auc_binned(const double *x, const double *wx, const double *t, const double *wt, int n, int bins)
{
    /* on the stack: it runs in the resampling threads, where nothing may fail to allocate */
    double px[VS_AUC_MAX_BINS + 1] = { 0 }, pt[VS_AUC_MAX_BINS + 1] = { 0 }, below = 0, wins = 0, tx = 0, tt = 0;
    if (bins < 1 || bins > VS_AUC_MAX_BINS) return NAN;
    for (int i = 0; i < n; i++) {
        px[(int)lround(x[i] * bins)] += wx[i];
        pt[(int)lround(t[i] * bins)] += wt[i];
    }
    for (int b = 0; b <= bins; b++) {
        wins += px[b] * (below + 0.5 * pt[b]);
        below += pt[b];
        tx += px[b];
        tt += pt[b];
    }
    return tx > 0 && tt > 0 ? wins / (tx * tt) : NAN;
}
