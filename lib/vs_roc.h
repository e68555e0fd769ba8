/* vs_roc: how well a score tells members from non-members.  AUC by the
 * Mann-Whitney statistic (a tie counts 1/2), a percentile bootstrap interval
 * (members and non-members resampled separately, keyed by the seed), TPR at a
 * fixed FPR, the advantage max(TPR - FPR), and the verdict of DESIGN.md
 * section 7.  Scores: higher means "more likely a member". */
#ifndef VS_ROC_H
#define VS_ROC_H

#include <stdint.h>

#define VS_ROC_MIN_N 10     /* fewer members or non-members: "insufficient" */
/* The tail test: members scoring above every non-member, against the 1 in
 * (non-members + 1) a member would reach by chance; below this p-value the
 * verdict is "high" whatever the AUC (a few exact copies among many
 * members barely move the AUC).  Strict, because real splits are not
 * exchangeable: members with relatives on the synthetic side reached
 * p = 1e-4 when the "synthetic" cohort was real people. */
#define VS_ROC_TAIL_ALPHA 1e-6

typedef struct {
    int n_members, n_nonmembers;
    double auc, auc_lo, auc_hi;     /* NaN when insufficient */
    double tpr_at_fpr_1pct, tpr_at_fpr_01pct;
    double advantage;
    int tail;                       /* members scoring above every non-member */
    double tail_p;                  /* P(so many or more by chance) */
    const char *verdict;            /* "ok", "signal", "high" or "insufficient" */
} vs_roc_t;

double vs_auc(const double *member, int nm, const double *nonmember, int nn);
/* The largest TPR over thresholds whose FPR is at most max_fpr
 * (a sample is called a member when its score is >= the threshold). */
double vs_tpr_at_fpr(const double *member, int nm, const double *nonmember, int nn, double max_fpr);
double vs_advantage(const double *member, int nm, const double *nonmember, int nn);
/* Members scoring above every non-member, and the binomial probability of at
 * least that many when each member has 1 chance in nn + 1. */
int vs_roc_tail(const double *member, int nm, const double *nonmember, int nn, double *p);
/* Everything above, with a percentile bootstrap interval at `level` (0.95
 * for the report); `stream` keeps bootstrap draws of different attacks and
 * groups apart. */
void vs_roc(const double *member, int nm, const double *nonmember, int nn, int bootstrap, double level,
            uint64_t seed, uint64_t stream, vs_roc_t *out);

#endif
