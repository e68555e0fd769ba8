/* Fidelity metrics on hand-made cases with known answers. */
#include <math.h>
#include "unit.h"
#include "vs_metrics.h"

int main(void)
{
    /* two sites; n1 = n2 = 11 haplotypes:
     * site 1: p1 = 0.5, p2 = 0.1: num = 0.16 - 0.025 - 0.009 = 0.126, den = 0.45 + 0.05 = 0.5
     * site 2: p1 = 0.2, p2 = 0.2: num = 0 - 0.016 - 0.016 = -0.032, den = 0.16 + 0.16 = 0.32 */
    double p1[] = { 0.5, 0.2 }, p2[] = { 0.1, 0.2 };
    CHECK_NEAR(vs_hudson_fst(p1, 11, p2, 11, 2), (0.126 - 0.032) / (0.5 + 0.32), 1e-12,
               "Hudson Fst, ratio of averages, by hand");
    CHECK_NEAR(vs_hudson_fst(p1, 11, p1, 11, 2), -(0.025 + 0.016) * 2 / (0.5 + 0.32), 1e-12,
               "Hudson Fst of a group with itself is the small-sample correction only");

    /* 100 samples in exact HWE at p = 0.5: 25/50/25 -> chi2 = 0, p = 1 */
    CHECK_NEAR(vs_hwe_pvalue(25, 50, 25), 1.0, 1e-12, "HWE: 25/50/25 fits exactly");
    /* 50/0/50: p = 0.5, expected 25/50/25: chi2 = 25+50+25 = 100 */
    CHECK_NEAR(vs_hwe_pvalue(50, 0, 50), 1.5239706048321e-23, 1e-30, "HWE: no heterozygotes, chi2 = 100");
    CHECK(isnan(vs_hwe_pvalue(10, 0, 0)), "HWE: a monomorphic site has no test");

    /* folded SFS with 2 bins (0, 0.25] and (0.25, 0.5]: af1 all in bin 1, af2 all in bin 2 -> JSD = 1 */
    double a[] = { 0.1, 0.9, 0.2 }, b[] = { 0.4, 0.6, 0.5 }, c[] = { 0.1, 0.4, 0.0 };
    CHECK_NEAR(vs_sfs_js_distance(a, b, 3, 2), 1.0, 1e-12, "JS distance of disjoint spectra is 1");
    CHECK_NEAR(vs_sfs_js_distance(a, a, 3, 2), 0.0, 1e-12, "JS distance of a spectrum with itself is 0");
    /* c: one site per bin (the monomorphic one ignored): p = (1, 0), q = (0.5, 0.5), m = (0.75, 0.25)
     * JSD = 0.5 log2(1/0.75) + 0.5 (0.5 log2(0.5/0.75) + 0.5 log2(0.5/0.25)) */
    double want = 0.5 * log2(1 / 0.75) + 0.5 * (0.5 * log2(0.5 / 0.75) + 0.5 * log2(2.0));
    CHECK_NEAR(vs_sfs_js_distance(a, c, 3, 2), sqrt(want), 1e-12, "JS distance by hand, monomorphic sites left out");

    double real[] = { 0.002, 0.004, 0.999, 0.3, 0.0 }, syn[] = { 0.0, 0.01, 1.0, 0.2, 0.1 };
    CHECK_NEAR(vs_rare_retention(real, syn, 5, 0, 0.005), 2.0 / 3, 1e-12,
               "retention of MAF < 0.5%%: 2 of the 3 rare real sites are present in synthetic");
    CHECK(isnan(vs_rare_retention(real, syn, 5, 0.01, 0.05)), "retention: no site in the bin gives NaN");
    /* LD decay on 4 haplotypes and 4 sites at 0, 0.1, 0.3 and 1.0 cM:
     * rows 1100, 1000, 1100, 0110 -> r^2(1,2) = 1/3, r^2(1,3) = 1, r^2(2,3) = 1/3,
     * r^2(x,4) = 0 for sites 1 and 3 (D = 1/4 - 1/4) and r^2(2,4) = 1/3 */
    vs_panel_t pan = { .n_samples = 2, .n_hap = 4, .wps = 1, .n_sites = 4 };
    uint64_t bits[4] = { 0x3, 0x1, 0x3, 0x6 };
    pan.bits = bits;
    char *lab[] = { "X", "X" };
    vs_hapset_t *hs = vs_hapset_of_group(&pan, lab, "X");
    double cm[] = { 0, 0.1, 0.3, 1.0 }, ref[] = { 0.5, 0.25, 0.5, 0.5 }, edges[] = { 0, 0.15, 0.5, 2 };
    uint8_t start[] = { 1, 0, 0, 0 };
    double mean[3];
    long n[3];
    vs_ld_decay(&pan, hs, cm, start, ref, 0.2, edges, 3, mean, n);
    /* bin [0,0.15): (1,2) 1/3; bin [0.15,0.5): (1,3) 1 and (2,3) 1/3; bin [0.5,2): (1,4) 0, (2,4) 1/3, (3,4) 0 */
    CHECK(n[0] == 1 && n[1] == 2 && n[2] == 3, "LD decay: pairs per distance bin 1, 2, 3");
    CHECK_NEAR(mean[0], 1.0 / 3, 1e-12, "LD decay: bin 1 mean r^2");
    CHECK_NEAR(mean[1], (1 + 1.0 / 3) / 2, 1e-12, "LD decay: bin 2 mean r^2");
    CHECK_NEAR(mean[2], 1.0 / 9, 1e-12, "LD decay: bin 3 mean r^2");
    start[2] = 1;
    vs_ld_decay(&pan, hs, cm, start, ref, 0.2, edges, 3, mean, n);
    CHECK(n[0] == 1 && n[1] == 0 && n[2] == 1, "LD decay: no pair across a contig boundary");
    vs_hapset_destroy(hs);
    UNIT_DONE();
}
