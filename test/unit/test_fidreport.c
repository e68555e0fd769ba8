/* vs_fidreport: the verdict's binomial tally and the TSV rows, on hand-built reports. */
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "vs_fidreport.h"

/* A report of 20 judged rows, `bad` of them flagged, two NA and one insufficient row besides. */
static vs_fidelity_t *report(int bad, int amplified)
{
    vs_fidelity_t *f = calloc(1, sizeof *f);
    f->level = 0.95;
    f->n_rows = 23;
    f->rows = calloc(f->n_rows, sizeof *f->rows);
    for (int i = 0; i < f->n_rows; i++) {
        vs_fid_row_t *w = &f->rows[i];
        w->group = strdup(i % 2 ? "AFR" : "EUR");
        w->metric = strdup("af_r");
        w->syn = 0.5;
        w->base = 0.25;
        w->ratio = 2;
        w->lo = 1.5;
        w->hi = NAN;
        w->flag = i < bad ? "worse" : i == 20 || i == 21 ? "NA" : i == 22 ? "insufficient" : "ok";
    }
    f->n_bias = 1;
    f->bias = calloc(1, sizeof *f->bias);
    f->bias->metric = strdup("af_r");
    f->bias->worst_group = strdup("AFR");
    f->bias->amp = 3;
    f->bias->flag = amplified ? "amplified" : "ok";
    return f;
}

int main(void)
{
    /* P(X >= 3), X ~ Bin(20, 0.05): 1 - (0.358486 + 0.377354 + 0.188677) = 0.075483 */
    vs_fidelity_t *f = report(3, 0);
    char *v = vs_fidelity_verdict(f);
    CHECK(!vs_fidelity_flagged(f) && !strncmp(v, "OK: 3 of 20 rows", 16) && strstr(v, "binomial p 0.075"),
          "3 of 20 rows flagged at level 0.95: OK, p 0.0755 (%s)", v);
    free(v);
    vs_fidelity_destroy(f);
    /* P(X >= 4) = 1 - 0.984099 = 0.0159 < 0.05 */
    f = report(4, 0);
    v = vs_fidelity_verdict(f);
    CHECK(vs_fidelity_flagged(f) && !strncmp(v, "FLAGGED: 4 of 20 rows", 21) && strstr(v, "binomial p 0.016"),
          "4 of 20: FLAGGED, p 0.0159 (%s)", v);
    free(v);
    vs_fidelity_destroy(f);
    f = report(0, 1);
    v = vs_fidelity_verdict(f);
    CHECK(vs_fidelity_flagged(f) && strstr(v, "bias amplified in 1 of 1 metrics (largest: af_r, worst group AFR)"),
          "no row flagged but a bias amplified: FLAGGED (%s)", v);
    free(v);
    /* the TSV: a header, one line per row, NaN as NA, numbers in %g */
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    vs_fidelity_tsv(f, fp);
    fclose(fp);
    const char *want = "group\tmetric\tsynthetic\tbaseline\tratio\tratio_lo\tratio_hi\tflag\n"
                       "EUR\taf_r\t0.5\t0.25\t2\t1.5\tNA\tok\n";
    CHECK(!strncmp(buf, want, strlen(want)), "TSV header and first row as documented");
    int lines = 0;
    for (char *c = buf; *c; c++) lines += *c == '\n';
    CHECK(lines == 24, "one line per row and the header (%d)", lines);
    free(buf);
    vs_fidelity_destroy(f);
    UNIT_DONE();
}
