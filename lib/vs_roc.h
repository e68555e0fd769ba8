/* vs_roc: how well a score tells members from non-members.  AUC by the
 * Mann-Whitney statistic (a tie counts 1/2), a percentile bootstrap interval
 * (members and non-members resampled separately, keyed by the seed), TPR at a
 * fixed FPR, the advantage max(TPR - FPR), and the verdict of DESIGN.md
 * section 7.  Scores: higher means "more likely a member". */
#ifndef VS_ROC_H
#define VS_ROC_H

#include <stddef.h>

#include <stdint.h>

#define VS_ROC_MIN_N 10     /* fewer members or non-members: "insufficient" */
/* The tail test: members scoring above every non-member.  Under the null
 * (member and non-member labels exchangeable) the chance that the t best
 * scores all belong to members is C(N, t) / C(N + n, t); below this p-value
 * the verdict is "high" whatever the AUC.  With N members to n non-members it
 * takes about log(alpha) / log(N / (N + n)) members (41 at 4 to 1), so it
 * catches a large tail; a few exact copies are the copies rule's. */
#define VS_ROC_TAIL_ALPHA 1e-4
/* The copies rule: members with an exact synthetic copy (identical genotypes
 * at every site) make a row "high" when no non-member has one and no two
 * real samples are identical (so copies cannot be chance), or else when
 * members have them more often than non-members (one-sided Fisher exact
 * test below this p-value). */
#define VS_ROC_COPIES_ALPHA 0.05

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
/* vs_auc in the caller's scratch of vs_auc_scratch_bytes(nm + nn) bytes:
 * nothing allocated (for resampling threads). */
double vs_auc_into(const double *member, int nm, const double *nonmember, int nn, void *scratch);
size_t vs_auc_scratch_bytes(int n);
/* The largest TPR over thresholds whose FPR is at most max_fpr
 * (a sample is called a member when its score is >= the threshold). */
double vs_tpr_at_fpr(const double *member, int nm, const double *nonmember, int nn, double max_fpr);
double vs_advantage(const double *member, int nm, const double *nonmember, int nn);
/* Members scoring above every non-member, and the chance of at least that
 * many under exchangeable labels, C(nm, t) / C(nm + nn, t). */
int vs_roc_tail(const double *member, int nm, const double *nonmember, int nn, double *p);
/* The copies rule for cm of nm members and cn of nn non-members with an
 * exact synthetic copy, real_identical the non-members identical to a
 * training sample; *p is the one-sided Fisher p-value.  1: "high". */
int vs_roc_copies(int cm, int nm, int cn, int nn, int real_identical, double *p);
/* Everything above, with a percentile bootstrap interval at `level` (0.95
 * for the report); `stream` keeps bootstrap draws of different attacks and
 * groups apart. */
void vs_roc(const double *member, int nm, const double *nonmember, int nn, int bootstrap, double level,
            uint64_t seed, uint64_t stream, vs_roc_t *out);

#endif
