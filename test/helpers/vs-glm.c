/* vs-glm: the marginal association vcf-fidelity --utility-pheno computes,
 * for every biallelic site of a VCF/BCF and the trait column of a vcf-pheno
 * table (quantitative, or 1/2 case/control with --binary): CHROM POS REF ALT
 * BETA SE STAT P FIRTH, so the tests can compare it with plink2 --glm. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <htslib/khash.h>
#include "vs_err.h"
#include "vs_panel.h"
#include "vs_prs.h"
#include "helper.h"
#include "vs_vcf.h"

KHASH_MAP_INIT_STR(name2y, double)

/* The trait (4th column of #FID IID score trait) by IID. */
static khash_t(name2y) *read_table(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp) vs_die("cannot open %s", path);
    khash_t(name2y) *h = kh_init(name2y);
    char iid[1024], line[4096];
    double score, trait;
    while (fgets(line, sizeof line, fp)) {
        if (line[0] == '#') continue;
        if (sscanf(line, "%*s %1023s %lf %lf", iid, &score, &trait) != 3) vs_die("bad line in %s: %s", path, line);
        int absent;
        khiter_t k = kh_put(name2y, h, vs_strdup(iid), &absent);
        kh_val(h, k) = trait;
    }
    fclose(fp);
    return h;
}

int main(int argc, char **argv)
{
    vs_tool_init("vs-glm", argc, argv);
    int binary = argc == 4 && !strcmp(argv[3], "--binary");
    if (argc != 3 && !binary) vs_die_usage("usage: vs-glm FILE PHENO [--binary]");
    vs_read_opts_t ro = { .allow_unphased = 1, .skip_multiallelic = 1, .keep_site_names = 1 };
    vs_panel_t *p = vs_panel_read_or_die(argv[1], &ro);
    khash_t(name2y) *h = read_table(argv[2]);
    double *y = vs_malloc((p->n_samples + 1) * sizeof *y);
    for (int i = 0; i < p->n_samples; i++) {
        khiter_t k = kh_get(name2y, h, p->samples[i]);
        if (k == kh_end(h)) vs_die("sample %s is not in %s", p->samples[i], argv[2]);
        y[i] = binary ? kh_val(h, k) == 2 : kh_val(h, k);
    }
    uint8_t *d = vs_malloc(p->n_samples + 1);
    for (int64_t s = 0; s < p->n_sites; s++) {
        for (int i = 0; i < p->n_samples; i++) d[i] = vs_panel_allele(p, s, 2 * i) + vs_panel_allele(p, s, 2 * i + 1);
        vs_assoc_t a;
        if (binary) vs_assoc_logistic(d, y, p->n_samples, &a);
        else vs_assoc_linear(d, y, p->n_samples, &a);
        printf("%s\t%.10g\t%.10g\t%.10g\t%.10g\t%s\n", p->site_name[s], a.beta, a.se, a.stat, a.p, a.firth ? "Y" : "N");
    }
    free(d);
    free(y);
    for (khiter_t k = kh_begin(h); k != kh_end(h); k++)
        if (kh_exist(h, k)) free((char *)kh_key(h, k));
    kh_destroy(name2y, h);
    vs_panel_destroy(p);
    return 0;
}
