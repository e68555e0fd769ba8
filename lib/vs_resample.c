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
