/* Fidelity metrics on hand-made cases with known answers. */
#include <math.h>
#include <stdlib.h>
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

    double real[] = { 0.002, 0.004, 0.999, 0.3, 0.0 }, syn[] = { 0.0, 0.01, 0.99, 0.2, 0.1 };
    CHECK_NEAR(vs_rare_retention(real, syn, 5, 0, 0.005), 2.0 / 3, 1e-12,
               "retention of MAF < 0.5%%: 2 of the 3 rare real alleles (one of them REF) are present in synthetic");
    syn[2] = 1.0;
    CHECK_NEAR(vs_rare_retention(real, syn, 5, 0, 0.005), 1.0 / 3, 1e-12,
               "retention: a minor REF allele absent from synthetic (ALT frequency 1) is lost");
    CHECK(isnan(vs_rare_retention(real, syn, 5, 0.01, 0.05)), "retention: no site in the bin gives NaN");
    /* r^2 on 4 haplotypes, rows 1100, 1000, 1100, 0110: r^2(1,2) = 1/3, r^2(1,3) = 1, r^2(1,4) = 0 */
    vs_panel_t pan = { .n_samples = 2, .n_hap = 4, .wps = 1, .n_sites = 4 };
    uint64_t bits[4] = { 0x3, 0x1, 0x3, 0x6 };
    pan.bits = bits;
    char *lab[] = { "X", "X" };
    vs_hapset_t *hs = vs_hapset_of_group(&pan, lab, "X");
    CHECK_NEAR(vs_hap_r2(&pan, 0, 1, hs), 1.0 / 3, 1e-12, "r^2 by hand: 1100 vs 1000");
    CHECK_NEAR(vs_hap_r2(&pan, 0, 2, hs), 1.0, 1e-12, "r^2 by hand: identical rows");
    CHECK_NEAR(vs_hap_r2(&pan, 0, 3, hs), 0.0, 1e-12, "r^2 by hand: D = 0");
    CHECK_NEAR(vs_r2_counts(4, 2, 1, 1), 1.0 / 3, 1e-12, "r^2 from counts");
    vs_hapset_destroy(hs);

    /* LD pairs of 5 sites at 0, 0.1, 0.3, 1.0 and 1.2 cM, site 1 not used, bins
     * [0,0.15) [0.15,0.5) [0.5,2): none | (0,2) 0.3, (3,4) 0.2 | (0,3) (0,4) (2,3) (2,4) */
    double cm[] = { 0, 0.1, 0.3, 1.0, 1.2 }, edges[] = { 0, 0.15, 0.5, 2 };
    uint8_t start[] = { 1, 0, 0, 0, 0 }, use[] = { 1, 0, 1, 1, 1 };
    vs_ld_pair_t *pairs;
    int64_t np = vs_ld_pairs(cm, start, use, 5, edges, 3, 100, &pairs);
    int per_bin[3] = { 0, 0, 0 };
    for (int64_t k = 0; k < np; k++) per_bin[pairs[k].bin]++;
    CHECK(np == 6 && per_bin[0] == 0 && per_bin[1] == 2 && per_bin[2] == 4, "LD pairs: 0, 2 and 4 pairs per bin");
    CHECK(pairs[0].i == 0 && pairs[0].j == 2 && pairs[1].i == 3 && pairs[1].j == 4, "LD pairs: by bin, then position");
    free(pairs);
    np = vs_ld_pairs(cm, start, use, 5, edges, 3, 2, &pairs);
    CHECK(np == 4 && pairs[2].bin == 2 && pairs[3].bin == 2 && pairs[2].i == 0 && pairs[3].i == 2,
          "LD pairs: a full bin is thinned evenly along the genome");
    CHECK(pairs[2].j == 4 && pairs[3].j == 4, "LD pairs: the thinned bin keeps ranks 1 and 3 of 4: (0,4), (2,4)");
    free(pairs);
    start[3] = 1;
    np = vs_ld_pairs(cm, start, use, 5, edges, 3, 100, &pairs);
    CHECK(np == 2, "LD pairs: no pair across a contig boundary");
    free(pairs);
    UNIT_DONE();
}
