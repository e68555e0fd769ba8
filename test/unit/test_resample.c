/* vs_resample: the two bootstrap intervals, on hand-computed cases. */
#include <stdlib.h>
#include "unit.h"
#include "vs_resample.h"

int main(void)
{
    double lo, hi;
    /* not all positive: linear scale; mean 0, sd sqrt(4/3) = 1.1547005, z(0.975) = 1.9599640 */
    double v[4] = { -1, 1, -1, 1 };
    vs_interval_normal(0.25, v, 4, 0.95, &lo, &hi);
    CHECK_NEAR(lo, 0.25 - 1.9599640 * 1.1547005, 1e-6, "normal interval, linear scale: lower");
    CHECK_NEAR(hi, 0.25 + 1.9599640 * 1.1547005, 1e-6, "normal interval, linear scale: upper");
    /* ratios: log scale around log x; logs of e^-1, e^1 have sd sqrt(2) (n - 1 = 1) */
    double r[2] = { exp(-1), exp(1) };
    vs_interval_normal(2.0, r, 2, 0.95, &lo, &hi);
    CHECK_NEAR(lo, 2.0 * exp(-1.9599640 * sqrt(2.0)), 1e-6, "normal interval of a ratio: on the log scale, lower");
    CHECK_NEAR(hi, 2.0 * exp(1.9599640 * sqrt(2.0)), 1e-6, "... upper; it holds the estimate");
    /* resamples that are not numbers are left out, and too few numbers give no interval */
    double w[5] = { NAN, -1, 1, INFINITY, -1 };
    vs_interval_normal(0, w, 5, 0.95, &lo, &hi);
    CHECK(isfinite(lo) && lo < 0 && hi > 0, "3 finite resamples of 5 still give an interval");
    double x[4] = { NAN, NAN, NAN, 1 };
    vs_interval_normal(0, x, 4, 0.95, &lo, &hi);
    CHECK(isnan(lo) && isnan(hi), "fewer than half finite: NaN");
    /* percentile: 0..99 shuffled, 90%: points 4.95 and 94.05 rounded outwards, 4 and 95 */
    double p[100];
    for (int i = 0; i < 100; i++) p[i] = (i * 37) % 100;
    vs_interval_percentile(p, 100, 0.90, &lo, &hi);
    CHECK(lo == 4 && hi == 95, "percentile interval 90%% of 0..99: %g to %g", lo, hi);
    double q[3] = { 3, 1, 2 };
    vs_interval_percentile(q, 3, 0.95, &lo, &hi);
    CHECK(lo == 1 && hi == 3, "three resamples at 95%%: their range");
    UNIT_DONE();
}
