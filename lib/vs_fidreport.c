/* vs_fidreport: what vcf-fidelity writes of a report (vs_fidelity_run):
 * TSV, JSON, per-site tables, and the verdict. */
#include "vs_fidreport.h"
#include "vs_cohorts.h"
#include "vs_err.h"
#include "vs_json.h"
#include "vs_out.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <htslib/kstring.h>

/* ---------- output ---------- */

static void put_num(FILE *fp, double x)
{
    if (isnan(x)) fputs("\tNA", fp);
    else fprintf(fp, "\t%.6g", x);
}

void vs_fidelity_tsv(const vs_fidelity_t *f, FILE *fp)
{
    fputs("group\tmetric\tsynthetic\tbaseline\tratio\tratio_lo\tratio_hi\tflag\n", fp);
    for (int i = 0; i < f->n_rows; i++) {
        const vs_fid_row_t *w = &f->rows[i];
        fprintf(fp, "%s\t%s", w->group, w->metric);
        put_num(fp, w->syn);
        put_num(fp, w->base);
        put_num(fp, w->ratio);
        put_num(fp, w->lo);
        put_num(fp, w->hi);
        fprintf(fp, "\t%s\n", w->flag);
    }
}

static int row_flagged(const vs_fid_row_t *w)
{
    return strcmp(w->flag, "ok") && strcmp(w->flag, "NA") && strcmp(w->flag, "insufficient");
}

typedef struct {
    int flagged, judged, amplified, judged_bias;
    double expected, p;       /* rows flagged by chance alone, and the chance of as many or more */
    const vs_fid_bias_t *worst;
} tally_t;

/* Each row is judged at its own level, so about (1 - level) of the rows are
 * flagged by chance when the synthetic data are as good as new real people.
 * The report is FLAGGED when the count of flagged rows is beyond that by a
 * one-sided binomial test (rows treated as independent), or when any bias is
 * amplified. */
static tally_t tally(const vs_fidelity_t *f)
{
    tally_t t = { 0 };
    for (int i = 0; i < f->n_rows; i++) {
        t.judged += strcmp(f->rows[i].flag, "NA") && strcmp(f->rows[i].flag, "insufficient");
        t.flagged += row_flagged(&f->rows[i]);
    }
    for (int i = 0; i < f->n_bias; i++) {
        const vs_fid_bias_t *b = &f->bias[i];
        t.judged_bias += strcmp(b->flag, "NA") != 0;
        if (strcmp(b->flag, "amplified")) continue;
        t.amplified++;
        if (!t.worst || b->amp > t.worst->amp) t.worst = b;
    }
    t.expected = (1 - f->level) * t.judged;
    t.p = t.flagged > 0 ? gsl_cdf_binomial_Q(t.flagged - 1, 1 - f->level, t.judged) : 1;
    return t;
}

static int flagged(const tally_t *t) { return t->p < VS_FIDELITY_FLAG_ALPHA || t->amplified > 0; }

int vs_fidelity_flagged(const vs_fidelity_t *f)
{
    tally_t t = tally(f);
    return flagged(&t);
}

char *vs_fidelity_verdict(const vs_fidelity_t *f)
{
    tally_t t = tally(f);
    kstring_t s = { 0, 0, NULL };
    ksprintf(&s, "%s: %d of %d rows differ from the real baseline beyond chance (about %.0f would by chance alone; "
             "binomial p %.2g); bias amplified in %d of %d metrics", flagged(&t) ? "FLAGGED" : "OK",
             t.flagged, t.judged, t.expected, t.p, t.amplified, t.judged_bias);
    if (t.worst) ksprintf(&s, " (largest: %s, worst group %s)", t.worst->metric, t.worst->worst_group);
    return s.s;
}

void vs_fidelity_summary(const vs_fidelity_t *f)
{
    char *v = vs_fidelity_verdict(f);
    vs_info("%s", v);
    free(v);
    for (int i = 0; i < f->n_bias; i++) {
        const vs_fid_bias_t *b = &f->bias[i];
        if (strcmp(b->flag, "amplified")) continue;
        vs_info("  %s: gap between groups %.4g in synthetic vs %.4g in real data (amplification %.4g, %g%% "
                "interval %.4g to %.4g); worst group %s", b->metric, b->gap_syn, b->gap_base, b->amp,
                100 * f->level, b->lo, b->hi, b->worst_group);
    }
}

int vs_fidelity_json(const vs_fidelity_t *f, const char *path, vs_error_t *e)
{
    cJSON *root = cJSON_CreateObject(), *rows = cJSON_AddArrayToObject(root, "rows");
    for (int i = 0; i < f->n_rows; i++) {
        const vs_fid_row_t *w = &f->rows[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "group", w->group);
        cJSON_AddStringToObject(o, "metric", w->metric);
        vs_json_add_num(o, "synthetic", w->syn);
        vs_json_add_num(o, "baseline", w->base);
        vs_json_add_num(o, "ratio", w->ratio);
        vs_json_add_num(o, "ratio_lo", w->lo);
        vs_json_add_num(o, "ratio_hi", w->hi);
        cJSON_AddStringToObject(o, "flag", w->flag);
        cJSON_AddItemToArray(rows, o);
    }
    cJSON *bias = cJSON_AddArrayToObject(root, "bias");
    for (int i = 0; i < f->n_bias; i++) {
        const vs_fid_bias_t *b = &f->bias[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "metric", b->metric);
        cJSON_AddStringToObject(o, "worst_group", b->worst_group);
        vs_json_add_num(o, "gap_synthetic", b->gap_syn);
        vs_json_add_num(o, "gap_baseline", b->gap_base);
        vs_json_add_num(o, "amplification", b->amp);
        vs_json_add_num(o, "amp_lo", b->lo);
        vs_json_add_num(o, "amp_hi", b->hi);
        cJSON_AddStringToObject(o, "flag", b->flag);
        cJSON_AddItemToArray(bias, o);
    }
    cJSON *sites = cJSON_AddObjectToObject(root, "sites");
    cJSON_AddNumberToObject(sites, "used", (double)f->sites_used);
    cJSON_AddNumberToObject(sites, "synthetic", (double)f->sites_in[VS_SYN]);
    cJSON_AddNumberToObject(sites, "train", (double)f->sites_in[VS_TRAIN]);
    cJSON_AddNumberToObject(sites, "holdout", (double)f->sites_in[VS_HOLDOUT]);
    cJSON_AddNumberToObject(root, "bootstrap", f->bootstrap);
    cJSON_AddNumberToObject(root, "level", f->level);
    char *verdict = vs_fidelity_verdict(f);
    cJSON_AddStringToObject(root, "verdict", verdict);
    free(verdict);
    return vs_json_write(root, path, e);
}

static const char *const set_names[3] = { "synthetic", "holdout", "train" };

int vs_fidelity_af_table(const vs_fidelity_t *f, const char *path, vs_error_t *e)
{
    const vs_fid_plot_t *p = &f->plot;
    size_t S = p->n_sites, G = p->n_groups;
    vs_outfile_t *of;
    FILE *fp = vs_text_open(path, &of, e);
    if (!fp) return -1;
    fputs("#CHROM\tPOS\tREF\tALT", fp);
    for (size_t g = 0; g <= G; g++)
        for (int x = 0; x < 3; x++) fprintf(fp, "\t%s:%s", p->groups[g], set_names[x]);
    fputc('\n', fp);
    for (size_t s = 0; s < S; s++) {
        fputs(f->site_name[s], fp);
        for (size_t g = 0; g <= G; g++)
            for (int x = 0; x < 3; x++) {
                double af = f->af_full[(g * 3 + x) * S + s];
                if (isnan(af)) fputs("\tNA", fp);
                else fprintf(fp, "\t%.9g", af);
            }
        fputc('\n', fp);
    }
    return vs_text_close(fp, of, path, e);
}

int vs_fidelity_ld_table(const vs_fidelity_t *f, const char *path, vs_error_t *e)
{
    const vs_fid_plot_t *p = &f->plot;
    size_t G = p->n_groups, P = f->n_ld;
    vs_outfile_t *of;
    FILE *fp = vs_text_open(path, &of, e);
    if (!fp) return -1;
    fputs("group\tset\tCHROM\tPOS1\tPOS2\tcM\tr2\n", fp);
    for (size_t g = 0; g <= G; g++)
        for (int x = 0; x < 3; x++)
            for (size_t k = 0; k < P; k++) {
                double r2 = f->ld_r2[(g * 3 + x) * P + k];
                if (isnan(r2)) continue;
                const char *a = f->site_name[f->ld_i[k]], *b = f->site_name[f->ld_j[k]];
                const char *ta = strchr(a, '\t'), *tb = strchr(b, '\t');
                fprintf(fp, "%s\t%s\t%.*s\t%lld\t%lld\t%.6g\t%.6f\n", p->groups[g], set_names[x], (int)(ta - a), a,
                        atoll(ta + 1), atoll(tb + 1), f->cm[f->ld_j[k]] - f->cm[f->ld_i[k]], r2);
            }
    return vs_text_close(fp, of, path, e);
}
