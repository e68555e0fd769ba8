#include "vs_bias.h"

#include <math.h>

double vs_ratio(double a, double b) { return isfinite(a) && isfinite(b) && b != 0 ? a / b : NAN; }

double vs_group_gap(const double *v, int count, int dir, int x, int *worst)
{
    double lo = INFINITY, hi = -INFINITY, bad = -INFINITY;
    int n = 0;
    for (int r = 0; r < count; r++) {
        const double *o = v + 3 * r;
        if (!isfinite(o[0]) || !isfinite(o[1])) continue;
        double d = dir == VS_MATCH ? fabs(vs_ratio(o[x], o[2]) - 1) : o[x];
        if (!isfinite(d)) continue;
        double badness = dir == VS_HIGHER ? -d : d;
        if (badness > bad && worst) {
            bad = badness;
            *worst = r;
        }
        lo = fmin(lo, d);
        hi = fmax(hi, d);
        n++;
    }
    return n >= 2 ? hi - lo : NAN;
}

const char *vs_bias_flag(double amp, double lo, double hi, int enough_sites)
{
    if (isnan(amp) || isnan(lo) || !enough_sites) return "NA";
    return lo > 0 ? "amplified" : hi < 0 ? "reduced" : "ok";
}
