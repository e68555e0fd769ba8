#include "vs_report.h"
#include "vs_err.h"
#include "vs_fidreport.h"
#include "vs_out.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Inline SVG is written without an xmlns attribute: HTML5 does not need it,
 * and the page must not name any external address. */

static const char *const palette[] = { "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02",
                                       "#a6761d", "#666666" };
#define N_COLOURS 8
#define SYN_COLOUR "#d95f02"
#define REAL_COLOUR "#1f78b4"
#define TRAIN_COLOUR "#444444"

static const char *group_colour(int g) { return palette[g % N_COLOURS]; }

static void esc(FILE *fp, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '&': fputs("&amp;", fp); break;
        case '"': fputs("&quot;", fp); break;
        default: fputc(*s, fp);
        }
    }
}

static void num(FILE *fp, double x)
{
    if (isnan(x)) fputs("NA", fp);
    else fprintf(fp, "%.4g", x);
}

/* Table cells: text, a number, an interval. */
static void td_text(FILE *fp, const char *s)
{
    fputs("<td>", fp);
    esc(fp, s);
    fputs("</td>", fp);
}

static void td_num(FILE *fp, double x)
{
    fputs("<td>", fp);
    num(fp, x);
    fputs("</td>", fp);
}

static void td_value_interval(FILE *fp, double x, double lo, double hi)
{
    fputs("<td>", fp);
    num(fp, x);
    fputs(" (", fp);
    num(fp, lo);
    fputs(" to ", fp);
    num(fp, hi);
    fputs(")</td>", fp);
}

/* ---------- plain-language glosses ---------- */

static const struct { const char *prefix, *text; } glosses[] = {
    { "af_rmse", "The typical error in variant frequencies (smaller is better)." },
    { "af_r", "How closely each variant's frequency matches the real data (correlation; 1 is perfect)." },
    { "rare_", "Of the rare variants real people carry, the share the data set also carries." },
    { "sfs_js", "Whether common and rare variants appear in the right proportions (distance; smaller is better)." },
    { "het", "How often a person carries two different versions of a variant (genetic diversity)." },
    { "hwe_dev", "Share of variants whose pairing into people departs from random mating expectations." },
    { "ld_r2_", "How strongly nearby variants are inherited together, at this genetic distance." },
    { "ld_dr2", "The typical error in how strongly nearby variants go together (smaller is better)." },
    { "pca_shift", "How far the group sits from the real group on the main axes of genetic variation." },
    { "aats", "Whether each person's nearest neighbour is as likely real as synthetic (0.5 is ideal)." },
    { "detect_auc", "How well a classifier can tell the data from real people (0.5: it cannot)." },
    { "utility_recall", "How well an ancestry classifier trained on the data recognises real people's group." },
    { "fst", "Genetic differentiation between two groups." },
};

static const char *gloss(const char *metric)
{
    for (size_t i = 0; i < sizeof glosses / sizeof glosses[0]; i++)
        if (!strncmp(metric, glosses[i].prefix, strlen(glosses[i].prefix))) return glosses[i].text;
    return "";
}

static const char *flag_class(const char *flag)
{
    if (!strcmp(flag, "ok") || !strcmp(flag, "reduced") || !strcmp(flag, "better")) return "ok";
    if (!strcmp(flag, "NA") || !strcmp(flag, "insufficient")) return "na";
    return "bad";
}

/* The flag cell, coloured, and the end of the row. */
static void td_flag_end_row(FILE *fp, const char *flag)
{
    fprintf(fp, "<td class=\"%s\">%s</td></tr>\n", flag_class(flag), flag);
}

/* ---------- page parts ---------- */

static void head(FILE *fp)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
          "<title>vcf-fidelity report</title>\n<style>\n"
          "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.4}\n"
          "h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}\n"
          "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .5em;"
          "font-size:.9em;text-align:left}th{background:#f3f3f3}\n"
          ".ok{color:#1a7f37}.bad{color:#b42318;font-weight:bold}.na{color:#888}\n"
          ".verdict{padding:1em;border-radius:6px;font-size:1.1em;margin:1em 0}\n"
          ".v-ok{background:#e6f4ea;border:1px solid #1a7f37}.v-bad{background:#fdecea;border:1px solid #b42318}\n"
          ".grid{display:flex;flex-wrap:wrap;gap:1em}.cell{flex:0 0 auto}\n"
          ".note{color:#555;font-size:.92em;max-width:60em}\nsvg text{font-size:11px;font-family:sans-serif}\n"
          "</style>\n</head>\n<body>\n", fp);
}

static void verdict(FILE *fp, const vs_fidelity_t *f)
{
    char *v = vs_fidelity_verdict(f);
    fprintf(fp, "<h1>Synthetic cohort: fidelity and bias report</h1>\n<div class=\"verdict %s\">",
            strncmp(v, "OK", 2) ? "v-bad" : "v-ok");
    esc(fp, v);
    fputs("</div>\n", fp);
    free(v);
    fputs("<p class=\"note\">How to read this page. For each population group, a sample of the synthetic "
          "people and an equally large sample of real people the generator never saw (the <em>holdout</em>) "
          "are each compared with the real people the generator learned from. The holdout shows what "
          "ordinary differences between two groups of real people look like: a good synthetic data set "
          "scores like the holdout, so the <em>ratio</em> synthetic/holdout is near 1. The interval "
          "beside each ratio is a 95% bootstrap interval; a result is flagged only when the interval "
          "excludes 1. Results that are <em>better</em> than real people can mean the generator copied "
          "its training data: read them with the privacy report of vcf-linkage-attack.</p>\n", fp);
}

static void bias_table(FILE *fp, const vs_fidelity_t *f)
{
    fputs("<h2>Bias between groups</h2>\n<p class=\"note\">For each measure, the <em>gap</em> is the "
          "distance between the best and the worst group. Real data already have a gap (some groups are "
          "smaller or more diverse); <em>amplification</em> is how much wider the gap is in the synthetic "
          "data. It is flagged when its interval lies entirely above 0: the synthetic data then serve one "
          "group worse than real data would.</p>\n<table>\n<tr><th>measure</th><th>what it means</th>"
          "<th>worst group</th><th>gap, synthetic</th><th>gap, real</th><th>amplification (95% interval)</th>"
          "<th>flag</th></tr>\n", fp);
    for (int i = 0; i < f->n_bias; i++) {
        const vs_fid_bias_t *b = &f->bias[i];
        fputs("<tr>", fp);
        td_text(fp, b->metric);
        td_text(fp, gloss(b->metric));
        td_text(fp, b->worst_group);
        td_num(fp, b->gap_syn);
        td_num(fp, b->gap_base);
        td_value_interval(fp, b->amp, b->lo, b->hi);
        td_flag_end_row(fp, b->flag);
    }
    fputs("</table>\n", fp);
}

/* Horizontal bars: each group's ratio with its interval, a line at 1. */
static void ratio_bars(FILE *fp, const vs_fidelity_t *f, const char *metric)
{
    int n = 0;
    double top = 2;
    for (int i = 0; i < f->n_rows; i++) {
        const vs_fid_row_t *w = &f->rows[i];
        if (strcmp(w->metric, metric)) continue;
        n++;
        if (isfinite(w->hi) && w->hi > top) top = fmin(w->hi * 1.05, 10);
    }
    if (!n) return;
    int W = 330, left = 80, bar = 16, H = 30 + n * (bar + 4);
    double scale = (W - left - 10) / top;
    fputs("<div class=\"cell\"><svg width=\"330\" height=\"", fp);
    fprintf(fp, "%d\" role=\"img\"><title>", H);
    esc(fp, metric);
    fputs("</title><text x=\"4\" y=\"13\" font-weight=\"bold\">", fp);
    esc(fp, metric);
    fputs("</text>\n", fp);
    int k = 0;
    for (int i = 0; i < f->n_rows; i++) {
        const vs_fid_row_t *w = &f->rows[i];
        if (strcmp(w->metric, metric)) continue;
        int y = 22 + k++ * (bar + 4);
        fprintf(fp, "<text x=\"4\" y=\"%d\">", y + 12);
        esc(fp, w->group);
        fputs("</text>", fp);
        if (isfinite(w->ratio))
            fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" opacity=\"0.75\"/>",
                    left, y, fmin(w->ratio, top) * scale, bar, strcmp(flag_class(w->flag), "bad") ? "#8fb3d9" : "#e07b6a");
        if (isfinite(w->lo) && isfinite(w->hi))
            fprintf(fp, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#222\" stroke-width=\"1.5\"/>",
                    left + fmin(w->lo, top) * scale, left + fmin(w->hi, top) * scale, y + bar / 2, y + bar / 2);
        fputc('\n', fp);
    }
    fprintf(fp, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"18\" y2=\"%d\" stroke=\"#000\" stroke-dasharray=\"3,2\"/>"
                "<text x=\"%.1f\" y=\"%d\">1</text></svg></div>\n", left + scale, left + scale, H - 8,
            left + scale - 3, H - 1);
}

static void bars_section(FILE *fp, const vs_fidelity_t *f)
{
    fputs("<h2>Each group, measure by measure</h2>\n<p class=\"note\">Bars are the ratio synthetic/holdout "
          "for each group (1, the dashed line, means as good as real data); the black line is its 95% "
          "interval. Red bars are flagged.</p>\n<div class=\"grid\">\n", fp);
    for (int i = 0; i < f->n_rows; i++) {
        int first = 1;
        for (int j = 0; j < i; j++) first &= strcmp(f->rows[j].metric, f->rows[i].metric) != 0;
        if (first) ratio_bars(fp, f, f->rows[i].metric);
    }
    fputs("</div>\n", fp);
}

/* ---------- plots ---------- */

typedef struct { int x, y, w, h; double x0, x1, y0, y1; int logx; } frame_t;

static double fx(const frame_t *p, double v)
{
    double t = p->logx ? (log10(v) - log10(p->x0)) / (log10(p->x1) - log10(p->x0)) : (v - p->x0) / (p->x1 - p->x0);
    return p->x + t * p->w;
}

static double fy(const frame_t *p, double v) { return p->y + p->h - (v - p->y0) / (p->y1 - p->y0) * p->h; }

static void frame(FILE *fp, const frame_t *p, const char *title, const char *xlab, const char *ylab)
{
    fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>", p->x, p->y,
            p->w, p->h);
    fprintf(fp, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">", p->x, p->y - 6);
    esc(fp, title);
    fprintf(fp, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>", p->x + p->w / 2, p->y + p->h + 28,
            xlab);
    fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 %d %d)\">%s</text>\n",
            p->x - 30, p->y + p->h / 2, p->x - 30, p->y + p->h / 2, ylab);
    for (int t = 0; t <= 2; t++) {
        double vx = p->logx ? p->x0 * pow(p->x1 / p->x0, t / 2.0) : p->x0 + (p->x1 - p->x0) * t / 2;
        double vy = p->y0 + (p->y1 - p->y0) * t / 2;
        fprintf(fp, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.3g</text>", fx(p, vx), p->y + p->h + 13, vx);
        fprintf(fp, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.3g</text>\n", p->x - 4, fy(p, vy) + 4, vy);
    }
}

static void legend(FILE *fp, int x, int y, const char *colour, const char *label)
{
    fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>\n",
            x, y, colour, x + 14, y + 9, label);
}

static void af_scatter(FILE *fp, const vs_fidelity_t *f, int g)
{
    const vs_fid_plot_t *p = &f->plot;
    frame_t fr = { 45, 25, 200, 200, 0, 1, 0, 1, 0 };
    int64_t step = p->n_sites > 1500 ? (p->n_sites + 1499) / 1500 : 1;
    fputs("<div class=\"cell\"><svg width=\"270\" height=\"290\" role=\"img\">", fp);
    frame(fp, &fr, p->groups[g], "frequency in training data", "frequency in data set");
    fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#bbb\"/>\n", fx(&fr, 0), fy(&fr, 0),
            fx(&fr, 1), fy(&fr, 1));
    for (int x = VS_FID_HOLDOUT; x >= VS_FID_SYN; x--) {
        fprintf(fp, "<g fill=\"%s\" fill-opacity=\"0.45\">", x == VS_FID_SYN ? SYN_COLOUR : REAL_COLOUR);
        const double *af = p->af[x] + (size_t)g * p->n_sites, *at = p->af[VS_FID_TRAIN] + (size_t)g * p->n_sites;
        for (int64_t s = 0; s < p->n_sites; s += step)
            if (isfinite(af[s]) && isfinite(at[s]))
                fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.6\"/>", fx(&fr, at[s]), fy(&fr, af[s]));
        fputs("</g>\n", fp);
    }
    legend(fp, 50, 270, SYN_COLOUR, "synthetic");
    legend(fp, 140, 270, REAL_COLOUR, "holdout (real)");
    fputs("</svg></div>\n", fp);
}

static void ld_curve(FILE *fp, const vs_fidelity_t *f, int g)
{
    const vs_fid_plot_t *p = &f->plot;
    double ymax = 0;
    for (int x = 0; x < VS_FID_SETS; x++)
        for (int b = 0; b < p->n_bins; b++) {
            double v = p->ld[x][g * p->n_bins + b];
            if (isfinite(v) && v > ymax) ymax = v;
        }
    if (ymax <= 0) return;
    frame_t fr = { 45, 25, 200, 180, p->bin_mid[0], p->bin_mid[p->n_bins - 1], 0, ymax * 1.1, 1 };
    const char *colour[VS_FID_SETS] = { SYN_COLOUR, REAL_COLOUR, TRAIN_COLOUR };
    fputs("<div class=\"cell\"><svg width=\"270\" height=\"270\" role=\"img\">", fp);
    frame(fp, &fr, p->groups[g], "genetic distance (cM)", "mean r\xc2\xb2");
    for (int x = 0; x < VS_FID_SETS; x++) {
        fprintf(fp, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", colour[x]);
        for (int b = 0; b < p->n_bins; b++) {
            double v = p->ld[x][g * p->n_bins + b];
            if (isfinite(v)) fprintf(fp, "%.1f,%.1f ", fx(&fr, p->bin_mid[b]), fy(&fr, v));
        }
        fputs("\"/>\n", fp);
    }
    legend(fp, 10, 250, SYN_COLOUR, "synthetic");
    legend(fp, 90, 250, REAL_COLOUR, "holdout");
    legend(fp, 165, 250, TRAIN_COLOUR, "training");
    fputs("</svg></div>\n", fp);
}

static void pca_plot(FILE *fp, const vs_fidelity_t *f)
{
    const vs_fid_plot_t *p = &f->plot;
    if (!p->n_points) return;
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (int i = 0; i < p->n_points; i++) {
        x0 = fmin(x0, p->pt_pc[2 * i]);
        x1 = fmax(x1, p->pt_pc[2 * i]);
        y0 = fmin(y0, p->pt_pc[2 * i + 1]);
        y1 = fmax(y1, p->pt_pc[2 * i + 1]);
    }
    if (x1 <= x0) x1 = x0 + 1;
    if (y1 <= y0) y1 = y0 + 1;
    frame_t fr = { 50, 25, 420, 360, x0, x1, y0, y1, 0 };
    char xl[64], yl[64];
    snprintf(xl, sizeof xl, "PC1 (%.1f%% of variance)", 100 * p->pc_share[0]);
    snprintf(yl, sizeof yl, "PC2 (%.1f%% of variance)", 100 * p->pc_share[1]);
    fputs("<svg width=\"640\" height=\"440\" role=\"img\">", fp);
    frame(fp, &fr, "Principal components", xl, yl);
    for (int i = 0; i < p->n_points; i++) {
        double cx = fx(&fr, p->pt_pc[2 * i]), cy = fy(&fr, p->pt_pc[2 * i + 1]);
        const char *c = group_colour(p->pt_group[i]);
        if (p->pt_set[i] == VS_FID_SYN)
            fprintf(fp, "<path d=\"M%.1f %.1fl5 5m0 -5l-5 5\" stroke=\"%s\" stroke-width=\"1.2\"/>", cx - 2.5, cy - 2.5, c);
        else
            fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.2\" fill=\"%s\" fill-opacity=\"%s\"/>", cx, cy, c,
                    p->pt_set[i] == VS_FID_TRAIN ? "0.25" : "0.7");
        if (i % 16 == 15) fputc('\n', fp);
    }
    for (int g = 0; g < p->n_groups; g++) {
        char label[80];
        snprintf(label, sizeof label, "%.70s", p->groups[g]);
        fprintf(fp, "<rect x=\"490\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"504\" y=\"%d\">", 30 + g * 16,
                group_colour(g), 39 + g * 16);
        esc(fp, label);
        fputs("</text>\n", fp);
    }
    int y = 40 + p->n_groups * 16;
    fprintf(fp, "<circle cx=\"495\" cy=\"%d\" r=\"3\" fill=\"#555\"/><text x=\"504\" y=\"%d\">real</text>"
                "<path d=\"M492 %dl6 6m0 -6l-6 6\" stroke=\"#555\"/><text x=\"504\" y=\"%d\">synthetic</text></svg>\n",
            y, y + 4, y + 13, y + 20);
}

static void fst_table(FILE *fp, const vs_fidelity_t *f)
{
    const vs_fid_plot_t *p = &f->plot;
    if (p->n_groups < 2) return;
    fputs("<h2>Differentiation between groups (Fst)</h2>\n<p class=\"note\">Hudson's Fst between each pair of "
          "groups: how different two groups are genetically. The synthetic groups should be as different "
          "from one another as the real groups are. Each cell reads synthetic / holdout / training.</p>\n"
          "<table>\n<tr><th></th>", fp);
    for (int b = 0; b < p->n_groups; b++) {
        fputs("<th>", fp);
        esc(fp, p->groups[b]);
        fputs("</th>", fp);
    }
    fputs("</tr>\n", fp);
    for (int a = 0; a < p->n_groups; a++) {
        fputs("<tr><th>", fp);
        esc(fp, p->groups[a]);
        fputs("</th>", fp);
        for (int b = 0; b < p->n_groups; b++) {
            fputs("<td>", fp);
            for (int x = 0; a != b && x < VS_FID_SETS; x++) {
                if (x) fputs(" / ", fp);
                num(fp, p->fst[x][a * p->n_groups + b]);
            }
            fputs("</td>", fp);
        }
        fputs("</tr>\n", fp);
    }
    fputs("</table>\n", fp);
}

static void rows_table(FILE *fp, const vs_fidelity_t *f)
{
    fputs("<h2>All results</h2>\n<p class=\"note\">The full table, as in the TSV output.</p>\n<table>\n"
          "<tr><th>group</th><th>measure</th><th>synthetic</th><th>holdout</th><th>ratio (95% interval)</th>"
          "<th>flag</th></tr>\n", fp);
    for (int i = 0; i < f->n_rows; i++) {
        const vs_fid_row_t *w = &f->rows[i];
        fputs("<tr>", fp);
        td_text(fp, w->group);
        td_text(fp, w->metric);
        td_num(fp, w->syn);
        td_num(fp, w->base);
        td_value_interval(fp, w->ratio, w->lo, w->hi);
        td_flag_end_row(fp, w->flag);
    }
    fputs("</table>\n", fp);
}

int vs_report_html(const vs_fidelity_t *f, const char *path, vs_error_t *e)
{
    const vs_fid_plot_t *p = &f->plot;
    int first = p->n_groups > 1 ? 0 : p->n_groups, last = p->n_groups;
    vs_outfile_t *of;
    FILE *fp = vs_text_open(path, &of, e);
    if (!fp) return -1;
    head(fp);
    verdict(fp, f);
    bias_table(fp, f);
    bars_section(fp, f);
    fputs("<h2>Variant frequencies</h2>\n<p class=\"note\">Each dot is a genetic variant: how common it is "
          "in the training data (across) against how common it is in the synthetic data (orange) and in the "
          "real holdout (blue). Dots on the diagonal match exactly; the blue cloud shows how far two real "
          "samples of people differ by chance.</p>\n<div class=\"grid\">\n", fp);
    for (int g = first; g <= last; g++) af_scatter(fp, f, g);
    fputs("</div>\n<h2>Linkage between nearby variants</h2>\n<p class=\"note\">Variants close together on a "
          "chromosome tend to be inherited together. The curves show how this link (r\xc2\xb2) fades with "
          "distance; the synthetic curve should follow the real ones.</p>\n<div class=\"grid\">\n", fp);
    for (int g = first; g <= last; g++) ld_curve(fp, f, g);
    fputs("</div>\n<h2>Population structure</h2>\n<p class=\"note\">Each point is a person placed by the two "
          "main axes of genetic variation among the training samples (faint dots: training; solid dots: "
          "holdout; crosses: synthetic), coloured by group. Synthetic people should fall among real people "
          "of their own group.</p>\n", fp);
    pca_plot(fp, f);
    fst_table(fp, f);
    rows_table(fp, f);
    fprintf(fp, "<p class=\"note\">%lld sites shared by the three inputs; %d bootstrap resamples; vcfsynth %s."
                "</p>\n</body>\n</html>\n", (long long)f->sites_used, f->bootstrap, vs_version());
    return vs_text_close(fp, of, path, e);
}
