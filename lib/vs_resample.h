/* vs_resample: bootstrap intervals, for the fidelity report (vs_fidelity,
 * vs_prs) and the attacks' AUCs (vs_roc), and the weighted statistics a
 * resample computes (each sample weighted by how often it was drawn).  The
 * resamples themselves are drawn by each caller from its own keyed stream
 * (vs_rng). */
#ifndef VS_RESAMPLE_H
#define VS_RESAMPLE_H

/* The normal bootstrap interval around the estimate x: x +- z sd(v) over the
 * finite resamples v (reordered; NaN when fewer than half are finite), on
 * the log scale when x and every resample are positive (ratios).  Unlike
 * the percentile interval it always holds x: the percentile interval of a
 * biased statistic (a distance, an r^2) can miss its own estimate. */
void vs_interval_normal(double x, double *v, int n, double level, double *lo, double *hi);
/* The percentile interval of the n resamples v (sorted in place): the
 * (1 - level) / 2 and (1 + level) / 2 points, rounded outwards. */
void vs_interval_percentile(double *v, int n, double level, double *lo, double *hi);

/* sum w v / sum w over n values; NaN when the weights sum to 0. */
double vs_weighted_mean(const double *v, const double *w, int n);
/* The AUC of scores x (positives, weights wx) against t (negatives, weights
 * wt), a tie counting 1/2, for scores that are multiples of 1/bins in
 * [0, 1] (shares of bins neighbours): one pass over the bins.  NaN when a
 * side weighs 0, or bins is not 1..VS_AUC_MAX_BINS. */
#define VS_AUC_MAX_BINS 256
double vs_weighted_auc_binned(const double *x, const double *wx, const double *t, const double *wt, int n, int bins);

#endif
