/* vs-king: KING-robust kinship of every pair of samples of one VCF/BCF, in
 * plink2 --make-king-table order (ID2 < ID1 by position): ID1 ID2 NSNP
 * HETHET IBS0 KINSHIP, so the tests can compare vcfsynth with plink2. */
#include <stdio.h>
#include <stdlib.h>
#include "vs_err.h"
#include "vs_geno.h"
#include "helper.h"
#include "vs_vcf.h"

int main(int argc, char **argv)
{
    vs_tool_init("vs-king", argc, argv);
    if (argc != 2) vs_die_usage("usage: vs-king FILE");
    vs_read_opts_t ro = { .allow_unphased = 1 };
    vs_panel_t *p = vs_panel_read_or_die(argv[1], &ro);
    int64_t *idx[1];
    int64_t n = vs_match_sites(&p, 1, idx);
    vs_geno_t *g = vs_geno_from_panel(p, idx[0], n);
    for (int i = 1; i < g->n; i++)
        for (int j = 0; j < i; j++) {
            vs_king_counts_t c;
            vs_king_counts(g, i, g, j, &c);
            printf("%s\t%s\t%lld\t%.6g\t%.6g\t%.6f\n", p->samples[i], p->samples[j], (long long)n,
                   (double)c.hethet / n, (double)c.ibs0 / n, vs_king_kinship(&c));
        }
    free(idx[0]);
    vs_geno_destroy(g);
    vs_panel_destroy(p);
    return 0;
}
