/* vs_classify: the ancestry classifier's likelihoods and assignments, on a
 * hand-computed case. */
#include <math.h>
#include "unit.h"
#include "vs_classify.h"

int main(void)
{
    /* 2 groups, 2 sites, each learnt from one haplotype: frequencies 0 and 1
     * smooth to (0 + 1/2) / 2 = 0.25 and (1 + 1/2) / 2 = 0.75 */
    double af[4] = { 0, 0, 1, 1 }, n_hap[2] = { 1, 1 };
    int both[2] = { 1, 1 }, second[2] = { 0, 1 };
    vs_classifier_t *c = vs_classifier_new(2, 2);
    vs_classifier_fit(c, af, n_hap, both);
    uint64_t ref0 = 0, ref1 = 0, h0 = 0x3, h1 = 0x2;     /* site 0 heterozygous, site 1 ALT-homozygous */
    CHECK_NEAR(vs_classifier_loglik(c, 0, &h0, &h1, 1), log(2 * 0.25 * 0.75) + 2 * log(0.25), 1e-12,
               "log-likelihood under group 0: ln(2pq) + 2 ln p with p = 0.25");
    CHECK_NEAR(vs_classifier_loglik(c, 1, &h0, &h1, 1), log(2 * 0.75 * 0.25) + 2 * log(0.75), 1e-12,
               "under group 1, p = 0.75");
    CHECK_NEAR(vs_classifier_loglik(c, 0, &ref0, &ref1, 1), 4 * log(0.75), 1e-12, "all-REF under group 0: 4 ln q");
    CHECK(vs_classifier_assign(c, &h0, &h1, 1) == 1, "the ALT-rich genome goes to group 1");
    CHECK(vs_classifier_assign(c, &ref0, &ref1, 1) == 0, "the all-REF genome to group 0");
    vs_classifier_fit(c, af, n_hap, second);
    CHECK(vs_classifier_assign(c, &ref0, &ref1, 1) == 1, "refitted with group 0 unusable: never chosen");
    int none[2] = { 0, 0 };
    vs_classifier_fit(c, af, n_hap, none);
    CHECK(vs_classifier_assign(c, &ref0, &ref1, 1) == -1, "no usable group: -1");
    vs_classifier_destroy(c);
    UNIT_DONE();
}
