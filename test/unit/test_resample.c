/* vs_resample: the two bootstrap intervals and the weighted statistics, on
 * hand-computed cases. */
#include <math.h>
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

    double vals[3] = { 1, 2, 4 }, wts[3] = { 2, 0, 1 }, zero[3] = { 0, 0, 0 };
    CHECK_NEAR(vs_weighted_mean(vals, wts, 3), 2.0, 1e-15, "weighted mean (2 x 1 + 0 x 2 + 1 x 4) / 3 = 2");
    CHECK(isnan(vs_weighted_mean(vals, zero, 3)), "weighted mean of weights all 0: NaN");
    /* scores in tenths: positives 0.9 (w 1), 0.5 (w 2); negatives 0.5 (w 1), 0.1 (w 1).
     * Pairs won, weighted: 0.9 beats both (1 x 2); 0.5 ties 0.5 (2 x 0.5) and beats 0.1 (2 x 1);
     * AUC = (2 + 1 + 2) / (3 x 2) = 5/6 */
    double px[2] = { 0.9, 0.5 }, wpx[2] = { 1, 2 }, nt[2] = { 0.5, 0.1 }, wnt[2] = { 1, 1 };
    CHECK_NEAR(vs_weighted_auc_binned(px, wpx, nt, wnt, 2, 10), 5.0 / 6, 1e-15, "weighted binned AUC, hand-computed 5/6");
    double all[2] = { 0.3, 0.3 }, one[2] = { 1, 1 };
    CHECK_NEAR(vs_weighted_auc_binned(all, one, all, one, 2, 10), 0.5, 1e-15, "all tied: 1/2");
    CHECK(isnan(vs_weighted_auc_binned(px, zero, nt, wnt, 2, 10)), "positives weighing 0: NaN");
    CHECK(isnan(vs_weighted_auc_binned(px, wpx, nt, wnt, 2, 0)), "no bins: NaN");
    UNIT_DONE();
}
