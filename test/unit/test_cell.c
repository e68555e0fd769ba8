/* vs_cell: a subset's bit planes and its counts under bootstrap weights,
 * and the subsets themselves, on a hand-made cohort. */
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "vs_cell.h"

int main(void)
{
    /* 4 samples, 3 sites; haplotype planes (bit s = site s):
     *   sample 0: 011 / 001   sites 0: 1|1, 1: 1|0, 2: 0|0
     *   sample 1: 000 / 000
     *   sample 2: 101 / 111   sites 0: 1|1, 1: 0|1, 2: 1|1
     *   sample 3: 010 / 000   site 1: 1|0 */
    uint64_t h0[4] = { 0x3, 0x0, 0x5, 0x2 }, h1[4] = { 0x1, 0x0, 0x7, 0x0 };
    vs_geno_t g = { .n = 4, .nw = 1, .n_sites = 3, .phased = 1, .h0 = h0, .h1 = h1 };
    int member[3] = { 0, 2, 3 };
    vs_cell_t c;
    vs_cell_build(&c, &g, member, 3, 3);
    CHECK(c.n == 3 && c.sw == 1 && c.hw == 1 && c.member[2] == 3, "a cell of samples 0, 2 and 3");
    CHECK(c.het[0] == 0 && c.hom[0] == 0x3, "site 0: members 0 and 1 (samples 0, 2) ALT-homozygous");
    CHECK(c.het[1] == 0x7 && c.hom[1] == 0, "site 1: all three heterozygous");
    CHECK(c.het[2] == 0 && c.hom[2] == 0x2, "site 2: member 1 (sample 2) ALT-homozygous");
    CHECK(c.hap[0] == 0xf && c.hap[1] == 0x19, "haplotype planes: 2i and 2i+1 of member i");

    vs_ld_pair_t pair[2] = { { 0, 1, 0 }, { 0, 2, 0 } };
    double het[3], hom[3], n11[2];
    uint64_t *mask = malloc(vs_cell_mask_words(&c) * sizeof *mask);
    vs_cell_count(&c, NULL, 3, pair, 2, het, hom, n11, mask);
    CHECK(het[1] == 3 && hom[0] == 2 && hom[2] == 1, "unweighted counts");
    /* haplotypes ALT at sites 0 and 1: sample 0 hap 0, sample 2 hap 1 -> 2; at 0 and 2: sample 2 both -> 2 */
    CHECK(n11[0] == 2 && n11[1] == 2, "haplotypes ALT at both sites of each pair");
    int w[3] = { 2, 0, 3 };       /* member 0 drawn twice, member 1 never, member 2 three times (at most n) */
    vs_cell_count(&c, w, 3, pair, 2, het, hom, n11, mask);
    CHECK(het[1] == 5 && hom[0] == 2 && hom[2] == 0, "weighted: site 1 het 2 + 0 + 3, site 0 hom 2 x 1");
    CHECK(n11[0] == 2 && n11[1] == 0, "weighted pair counts: only sample 0's haplotype, twice");

    int group_of[6] = { 1, 0, 1, 2, 1, 0 }, n;
    int *m = vs_subset_members(group_of, 6, 1, &n);
    CHECK(n == 3 && m[0] == 0 && m[1] == 2 && m[2] == 4, "members of group 1: 0, 2, 4");
    int *a = vs_subset_pick(m, 3, 2, 7, 1), *b = vs_subset_pick(m, 3, 2, 7, 1), *all = vs_subset_pick(m, 3, 3, 7, 2);
    CHECK(a[0] < a[1] && (a[0] == 0 || a[0] == 2) && !memcmp(a, b, 2 * sizeof *a),
          "a pick of 2: distinct members in listed order, the same for the same seed and stream");
    CHECK(all[0] == 0 && all[1] == 2 && all[2] == 4, "a pick of all: every member, in order");
    free(m);
    free(a);
    free(b);
    free(all);
    free(mask);
    vs_cell_free(&c);
    UNIT_DONE();
}
