/* vs_bias: does synthesis widen the gaps between groups?  For one metric,
 * the spread between the best and the worst group in the synthetic data
 * against the same spread in the holdout baseline; their difference, the
 * amplification, is what the fidelity report's bias rows carry. */
#ifndef VS_BIAS_H
#define VS_BIAS_H

/* A metric's better direction: higher, lower, or as close as may be to a reference. */
enum { VS_LOWER = -1, VS_MATCH = 0, VS_HIGHER = 1 };

/* a / b, NaN unless both are finite and b is not 0. */
double vs_ratio(double a, double b);
/* Over count rows v[3r], v[3r+1], v[3r+2] (synthetic, baseline, reference),
 * column x (0 or 1): the largest minus the smallest value, with a MATCH
 * metric's value its distance from the reference, |value / reference - 1|;
 * rows where a value is not finite are left out, and fewer than two rows
 * give NaN.  *worst (may be NULL) is the row the direction calls worst
 * (the lowest for HIGHER, else the highest). */
double vs_group_gap(const double *v, int count, int dir, int x, int *worst);
/* "amplified" when the interval [lo, hi] of the amplification lies above 0,
 * "reduced" below, "ok" across it, "NA" when unknown or too few sites. */
const char *vs_bias_flag(double amp, double lo, double hi, int enough_sites);

#endif
