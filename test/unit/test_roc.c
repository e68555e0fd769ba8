/* AUC, TPR at fixed FPR, advantage and the bootstrap interval, against
 * answers worked out by hand and a direct O(n m) computation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "vs_rng.h"
#include "vs_roc.h"

static double naive_auc(const double *m, int nm, const double *n, int nn)
{
    double w = 0;
    for (int i = 0; i < nm; i++)
        for (int j = 0; j < nn; j++) w += m[i] > n[j] ? 1 : m[i] == n[j] ? 0.5 : 0;
    return w / ((double)nm * nn);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    double m1[] = { 3, 4, 5 }, n1[] = { 1, 2, 3 };
    CHECK_NEAR(vs_auc(m1, 3, n1, 3), 8.5 / 9, 1e-15, "AUC {3,4,5} vs {1,2,3}: 8.5 of 9 pairs (a tie is 1/2)");

    /* 100 non-members scoring 0..99; members 99.5, 98.5, 50, 10 */
    double n2[100], m2[] = { 99.5, 98.5, 50, 10 };
    for (int i = 0; i < 100; i++) n2[i] = i;
    CHECK_NEAR(vs_auc(m2, 4, n2, 100), (100 + 99 + 50.5 + 10.5) / 400.0, 1e-15, "AUC with ties at 50 and 10");
    CHECK_NEAR(vs_tpr_at_fpr(m2, 4, n2, 100, 0.01), 0.5, 1e-15, "TPR at FPR 1%%: two members above 98 of 100");
    CHECK_NEAR(vs_tpr_at_fpr(m2, 4, n2, 100, 0.001), 0.25, 1e-15, "TPR at FPR 0.1%%: only 99.5 beats every non-member");
    CHECK_NEAR(vs_advantage(m2, 4, n2, 100), 0.49, 1e-12, "advantage: TPR 0.5 - FPR 0.01 at threshold 98.5");

    /* random scores: the fast AUC equals the direct one, ties included */
    double a[300], b[200];
    for (int i = 0; i < 300; i++) a[i] = floor(vs_rng_unif(1, 99, i, 0) * 20);
    for (int i = 0; i < 200; i++) b[i] = floor(vs_rng_unif(1, 98, i, 0) * 18);
    CHECK_NEAR(vs_auc(a, 300, b, 200), naive_auc(a, 300, b, 200), 1e-12, "AUC equals the direct pair count on tied data");

    /* the bootstrap interval is the 2.5/97.5 percentiles of AUCs of resamples
     * drawn with the same keyed streams */
    vs_roc_t r;
    vs_roc(a, 300, b, 200, 200, 0.95, 7, 3, &r);
    double boot[200], rm[300], rn[200];
    for (int k = 0; k < 200; k++) {
        vs_stream_t st;
        vs_stream_set(&st, 7, VS_RNG_BOOTSTRAP, 3, (uint64_t)k);
        for (int i = 0; i < 300; i++) rm[i] = a[(int)(vs_stream_unif(&st) * 300)];
        for (int i = 0; i < 200; i++) rn[i] = b[(int)(vs_stream_unif(&st) * 200)];
        boot[k] = naive_auc(rm, 300, rn, 200);
    }
    qsort(boot, 200, sizeof *boot, cmp);
    CHECK_NEAR(r.auc_lo, boot[4], 1e-12, "bootstrap lower bound = 2.5th percentile of direct resample AUCs");
    CHECK_NEAR(r.auc_hi, boot[195], 1e-12, "bootstrap upper bound = 97.5th percentile");
    CHECK(r.auc_lo < r.auc && r.auc < r.auc_hi, "the interval contains the AUC");
    CHECK(!strcmp(r.verdict, r.tail_p < VS_ROC_TAIL_ALPHA ? "high" : "signal"),
          "AUC %.3f with an interval above 0.5 is 'signal', or 'high' when its tail says so (p %.2g)", r.auc, r.tail_p);
    double capped[300], top = -INFINITY;
    for (int i = 0; i < 200; i++) top = fmax(top, b[i]);
    for (int i = 0; i < 300; i++) capped[i] = fmin(a[i], top - 1e-9);
    vs_roc(capped, 300, b, 200, 200, 0.95, 7, 3, &r);
    CHECK(!strcmp(r.verdict, "signal") && r.tail == 0, "the same shift with no member above every non-member: 'signal'");
    for (int i = 0; i < 300; i++) a[i] += 5;
    vs_roc(a, 300, b, 200, 200, 0.95, 7, 3, &r);
    CHECK(!strcmp(r.verdict, "high"), "AUC %.3f > 0.6 is 'high'", r.auc);

    double same_m[400], same_n[400];
    for (int i = 0; i < 400; i++) { same_m[i] = vs_rng_unif(2, 1, i, 0); same_n[i] = vs_rng_unif(2, 2, i, 0); }
    vs_roc(same_m, 400, same_n, 400, 500, 0.95, 1, 1, &r);
    CHECK(r.auc_lo < 0.5 && 0.5 < r.auc_hi && !strcmp(r.verdict, "ok"),
          "one distribution for both: the interval %.3f-%.3f holds 0.5, verdict ok", r.auc_lo, r.auc_hi);
    vs_roc(same_m, 9, same_n, 400, 100, 0.95, 1, 1, &r);
    CHECK(!strcmp(r.verdict, "insufficient") && isnan(r.auc), "9 members: insufficient, no AUC");

    /* the tail test: 3 members of 5 above all 4 non-members; with exchangeable labels the 3 best
     * scores all go to members with probability C(5, 3) / C(9, 3) = 10 / 84 */
    double tm[] = { 9, 8, 7, 1, 0.5 }, tn[] = { 5, 1, 2, 3 }, p;
    CHECK(vs_roc_tail(tm, 5, tn, 4, &p) == 3, "3 members above every non-member");
    CHECK_NEAR(p, 10.0 / 84, 1e-12, "their exchangeable tail probability, by hand");
    double tie[] = { 5, 4 };
    CHECK(vs_roc_tail(tie, 2, tn, 4, &p) == 0 && p == 1, "a member tied with the top non-member is not above it");
    /* planted best scores among 2000 members and 500 non-members: 20 are within chance
     * (C(2000, 20) / C(2500, 20) = 0.0113), 60 are not (1.28e-6): high however the AUC barely moves */
    double *pm = malloc(2000 * sizeof *pm), *pn = malloc(500 * sizeof *pn);
    for (int i = 0; i < 500; i++) pn[i] = -10 - 990 * vs_rng_unif(3, 2, i, 0);
    for (int planted = 20; planted <= 60; planted += 40) {
        for (int i = 0; i < 2000; i++) pm[i] = i < planted ? 0 : -10 - 990 * vs_rng_unif(3, 1, i, 0);
        vs_roc(pm, 2000, pn, 500, 200, 0.95, 1, 1, &r);
        double expect = planted == 20 ? 0.011310962220034741 : 1.2797604595574367e-06;
        CHECK(r.tail >= planted && fabs(r.tail_p / expect - 1) < 1e-6 && r.auc < 0.55 &&
                  (planted == 60) == !strcmp(r.verdict, "high"),
              "%d planted among 2000: %d above all, p %.3g, AUC %.3f, verdict %s", planted, r.tail, r.tail_p, r.auc,
              r.verdict);
    }
    /* the copies rule: exact copies of members, against the non-members' */
    CHECK(vs_roc_copies(20, 1600, 0, 400, 0, &p) && fabs(p / 0.011256650779515228 - 1) < 1e-9,
          "20 copied members, no copied non-member, no identical real samples: high (Fisher p %.4g)", p);
    CHECK(!vs_roc_copies(0, 1600, 0, 400, 0, &p) && p == 1, "no copies: not high");
    CHECK(!vs_roc_copies(3, 1600, 1, 400, 0, &p) && fabs(p / 0.8193538884566922 - 1) < 1e-9,
          "3 copied members to 1 non-member: as chance would have it (p %.4g)", p);
    CHECK(!vs_roc_copies(2, 240, 0, 60, 1, &p) && fabs(p / 0.6394648829431439 - 1) < 1e-9,
          "2 copied members where real samples are identical too: chance (p %.4g)", p);
    CHECK(vs_roc_copies(2, 240, 0, 60, 0, &p), "2 copied members where no two real samples are identical: high");
    free(pm);
    free(pn);
    UNIT_DONE();
}
