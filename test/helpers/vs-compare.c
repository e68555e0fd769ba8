/* vs-compare: per-group fidelity figures the tests assert on, synthetic vs
 * train: AF Pearson r, and mean haplotype r^2 over pairs of sites closer
 * than MAXDIST bp whose train MAF is at least MINMAF (the same pairs in both).
 * Synthetic groups come from ##SAMPLE Group= lines, train groups from a table.
 * Usage: vs-compare SYN TRAIN GROUPS COLUMN [MAXDIST [MINMAF]] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vs_err.h"
#include "vs_groups.h"
#include "vs_metrics.h"
#include "helper.h"
#include "vs_vcf.h"

static void ld_means(const vs_panel_t *syn, const vs_panel_t *train, const vs_hapset_t *hs,
                     const vs_hapset_t *ht, const double *af, long maxdist, double minmaf,
                     double *ld_train, double *ld_syn, long *pairs)
{
    double st = 0, ss = 0;
    long n = 0;
    for (int64_t i = 0; i < train->n_sites; i++) {
        if (fmin(af[i], 1 - af[i]) < minmaf) continue;
        for (int64_t j = i + 1; j < train->n_sites && train->pos[j] - train->pos[i] < maxdist; j++) {
            if (fmin(af[j], 1 - af[j]) < minmaf) continue;
            double rt = vs_hap_r2(train, i, j, ht), rs = vs_hap_r2(syn, i, j, hs);
            st += rt;
            ss += isnan(rs) ? 0 : rs;
            n++;
        }
    }
    *ld_train = st / n;
    *ld_syn = ss / n;
    *pairs = n;
}

int main(int argc, char **argv)
{
    vs_tool_init("vs-compare", argc, argv);
    if (argc < 5) vs_die_usage("usage: vs-compare SYN TRAIN GROUPS COLUMN [MAXDIST [MINMAF]]");
    long maxdist = argc > 5 ? atol(argv[5]) : 10000;
    double minmaf = argc > 6 ? atof(argv[6]) : 0.05;
    vs_read_opts_t ro = { 0 };
    vs_panel_t *syn = vs_panel_read_or_die(argv[1], &ro), *train = vs_panel_read_or_die(argv[2], &ro);
    if (syn->n_sites != train->n_sites) vs_die("the two files have different sites");
    for (int64_t s = 0; s < syn->n_sites; s++)
        if (syn->pos[s] != train->pos[s]) vs_die("the two files have different sites");
    vs_error_t e;
    vs_groups_t *g = vs_groups_load(argv[3], argv[4], train->samples, train->n_samples, &e);
    if (!g) vs_exit_error(&e);
    char **labels = vs_malloc(train->n_samples * sizeof *labels);
    for (int i = 0; i < train->n_samples; i++) labels[i] = g->names[g->group_of[i]];
    double *af_s = vs_malloc(syn->n_sites * sizeof(double)), *af_t = vs_malloc(syn->n_sites * sizeof(double));
    printf("group\tn_syn\tn_train\taf_r\tld_train\tld_syn\tld_pairs\n");
    for (int k = 0; k < g->n_groups; k++) {
        vs_hapset_t *hs = vs_hapset_of_group(syn, syn->header_group, g->names[k]);
        vs_hapset_t *ht = vs_hapset_of_group(train, labels, g->names[k]);
        vs_allele_freq(syn, hs, af_s);
        vs_allele_freq(train, ht, af_t);
        double ldt, lds;
        long pairs;
        ld_means(syn, train, hs, ht, af_t, maxdist, minmaf, &ldt, &lds, &pairs);
        printf("%s\t%d\t%d\t%.5f\t%.5f\t%.5f\t%ld\n", g->names[k], hs->n_hap / 2, ht->n_hap / 2,
               vs_pearson(af_s, af_t, syn->n_sites), ldt, lds, pairs);
        vs_hapset_destroy(hs);
        vs_hapset_destroy(ht);
    }
    free(af_s);
    free(af_t);
    free(labels);
    vs_groups_destroy(g);
    vs_panel_destroy(syn);
    vs_panel_destroy(train);
    return 0;
}
