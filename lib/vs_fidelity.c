#include "vs_fidelity.h"
#include "vs_attack.h"
#include "vs_bias.h"
#include "vs_cell.h"
#include "vs_classify.h"
#include "vs_cohorts.h"
#include "vs_cpu.h"
#include "vs_err.h"
#include "vs_json.h"
#include "vs_metrics.h"
#include "vs_out.h"
#include "vs_panel.h"
#include "vs_pca.h"
#include "vs_prs.h"
#include "vs_resample.h"
#include "vs_rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <omp.h>
#include <gsl/gsl_cdf.h>
#include <htslib/kstring.h>

#define MIN_SAMPLES 10          /* per group and set, else the group is "insufficient" */
#define COMMON_MAF 0.05         /* sites for HWE and LD: this common in the training group */
#define SFS_BINS 20
#define PCA_K 4                 /* components for the PCA metric */
#define HWE_X2_CRIT 3.841458820694124   /* chi-square (1 df) at p = 0.05 */
#define PLOT_POINTS 1500        /* PCA points per set in the report */

/* The four sample sets of each group: the synthetic and holdout subsets of
 * equal size m, the whole training group, and a training subset of size m
 * (for the comparisons that need equal sizes: AATS, detection, utility). */
enum { SP, HP, TR, TP, N_SETS };

typedef vs_cell_t cell_t;

static const double ld_edges[] = { 0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0 };
#define N_LD_BINS 7
static const double rare_edges[] = { 0, 0.005, 0.01, 0.05, 0.5000001 };
static const char *const rare_names[] = { "rare_0-0.5%", "rare_0.5-1%", "rare_1-5%", "rare_5-50%" };

/* A metric's better direction: higher, lower, or as close as may be to a
 * reference (the training value, or 1/2). */
enum { HIGHER = VS_HIGHER, LOWER = VS_LOWER, MATCH = VS_MATCH };
enum { REF_NONE, REF_TRAIN, REF_HALF };
enum { K_AF_R, K_AF_RMSE, K_RARE, K_SFS, K_HET, K_HWE, K_LD_BIN, K_LD_DR2, K_PCA, K_AATS, K_DETECT, K_UTILITY,
       K_FST };

typedef struct {
    char name[64];
    int kind, arg, dir, ref;
} metric_t;

typedef struct {
    const vs_fidelity_opts_t *o;
    vs_cohorts_t *co;
    int G;                      /* groups; index G is "all" */
    char **group;
    int *usable;
    cell_t *cell[N_SETS];
    int64_t S;
    uint8_t *common;            /* (G+1) x S */
    vs_ld_pair_t *pair;
    int64_t n_pairs;
    uint8_t *pair_use;          /* (G+1) x n_pairs */
    vs_pca_t *pca;
    /* per-sample quantities that resamples reweight: [X = SP or HP][group or G for all] */
    double **aats_x[2], **aats_t[2], **det_x[2], **det_t[2];
    int n_metrics, n_rows;
    metric_t *metric;
} fid_t;

typedef struct {
    int *w[N_SETS];             /* per set, the weights of all cells, concatenated; NULL: all 1 */
    int *off[N_SETS];           /* where each group's weights start */
} weights_t;

void vs_fidelity_opts_init(vs_fidelity_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->map.cm_per_mb = 1.0;
    o->bootstrap = 200;
    o->level = 0.95;
    o->ld_pairs = 1000;
    o->seed = 1;
    o->gwas_p = 5e-8;
}

/* ---------- set-up ---------- */

static void build_cells(fid_t *f)
{
    const vs_cohorts_t *co = f->co;
    const int src[N_SETS] = { VS_SYN, VS_HOLDOUT, VS_TRAIN, VS_TRAIN };
    for (int s = 0; s < N_SETS; s++) f->cell[s] = vs_calloc(f->G + 1, sizeof *f->cell[s]);
    f->usable = vs_calloc(f->G + 1, sizeof *f->usable);
    for (int g = 0; g < f->G; g++) {
        int n[3], *mem[3];
        for (int k = 0; k < 3; k++) mem[k] = vs_subset_members(co->group_of[k], co->geno[k]->n, g, &n[k]);
        int m = n[VS_SYN];
        if (n[VS_HOLDOUT] < m) m = n[VS_HOLDOUT];
        if (n[VS_TRAIN] < m) m = n[VS_TRAIN];
        f->usable[g] = m >= MIN_SAMPLES;
        if (!f->usable[g])
            vs_warn("group %s has %d synthetic, %d training and %d holdout samples; at least %d of each are "
                    "needed, so its rows are 'insufficient'", f->group[g], n[VS_SYN], n[VS_TRAIN], n[VS_HOLDOUT],
                    MIN_SAMPLES);
        uint64_t key = vs_hash_str(0, f->group[g], strlen(f->group[g]));
        for (int s = 0; s < N_SETS && f->usable[g]; s++) {
            int k = src[s], *chosen = s == TR ? mem[k] : vs_subset_pick(mem[k], n[k], m, f->o->seed, key * 4 + s);
            vs_cell_build(&f->cell[s][g], co->geno[k], chosen, s == TR ? n[k] : m, f->S);
            if (s != TR) free(chosen);
        }
        for (int k = 0; k < 3; k++) free(mem[k]);
    }
}

/* Sites common (MAF >= 5%) in each training group and in the whole
 * training cohort: HWE is tested there and LD measured between them. */
static void find_common_sites(fid_t *f)
{
    f->common = vs_calloc((size_t)(f->G + 1) * f->S + 1, 1);
    double *alt = vs_calloc(f->S + 1, sizeof *alt);
    long total = 0;
    for (int g = 0; g < f->G; g++) {
        const cell_t *c = &f->cell[TR][g];
        if (!f->usable[g]) continue;
        total += 2 * c->n;
        for (int64_t s = 0; s < f->S; s++) {
            double a = 0;
            for (int x = 0; x < c->sw; x++)
                a += __builtin_popcountll(c->het[s * c->sw + x]) + 2.0 * __builtin_popcountll(c->hom[s * c->sw + x]);
            alt[s] += a;
            double p = a / (2.0 * c->n);
            f->common[(size_t)g * f->S + s] = fmin(p, 1 - p) >= COMMON_MAF;
        }
    }
    for (int64_t s = 0; s < f->S && total; s++) {
        double p = alt[s] / total;
        f->common[(size_t)f->G * f->S + s] = fmin(p, 1 - p) >= COMMON_MAF;
    }
    free(alt);
}

static void choose_ld_pairs(fid_t *f)
{
    uint8_t *any = vs_calloc(f->S + 1, 1);
    for (int g = 0; g <= f->G; g++)
        for (int64_t s = 0; s < f->S; s++) any[s] |= f->common[(size_t)g * f->S + s];
    f->n_pairs = vs_ld_pairs(f->co->cm, f->co->contig_start, any, f->S, ld_edges, N_LD_BINS, f->o->ld_pairs,
                             &f->pair);
    f->pair_use = vs_calloc((size_t)(f->G + 1) * f->n_pairs + 1, 1);
    for (int g = 0; g <= f->G; g++) {
        const uint8_t *c = f->common + (size_t)g * f->S;
        for (int64_t p = 0; p < f->n_pairs; p++)
            f->pair_use[(size_t)g * f->n_pairs + p] = c[f->pair[p].i] && c[f->pair[p].j];
    }
    free(any);
}

static void project_cells(fid_t *f)
{
    f->pca = vs_pca_fit(f->co->geno[VS_TRAIN], PCA_K, 0.01, f->o->seed);
    for (int s = 0; s < N_SETS; s++)
        for (int g = 0; g < f->G; g++) {
            cell_t *c = &f->cell[s][g];
            if (!f->usable[g]) continue;
            c->pc = vs_calloc((size_t)c->n * PCA_K + 1, sizeof *c->pc);
            double score[PCA_K];
            for (int i = 0; i < c->n; i++) {
                vs_pca_project(f->pca, c->g, c->member[i], score);
                for (int k = 0; k < f->pca->k; k++) c->pc[(size_t)i * PCA_K + k] = score[k];
            }
        }
}

/* The cells of one set for group g, or of every usable group for g == G. */
static int group_range(const fid_t *f, int g, int *lo, int *hi)
{
    *lo = g == f->G ? 0 : g;
    *hi = g == f->G ? f->G : g + 1;
    int n = 0;
    for (int k = *lo; k < *hi; k++) n += f->usable[k] ? f->cell[SP][k].n : 0;
    return n;
}

/* Concatenated members (genotype owner is the same for a set) of the cells. */
static int *pooled_members(const fid_t *f, int set, int g, int *n)
{
    int lo, hi;
    *n = group_range(f, g, &lo, &hi);
    int *m = vs_malloc((*n + 1) * sizeof *m), k = 0;
    for (int x = lo; x < hi; x++) {
        if (!f->usable[x]) continue;
        memcpy(m + k, f->cell[set][x].member, f->cell[set][x].n * sizeof *m);
        k += f->cell[set][x].n;
    }
    return m;
}

static void per_sample_scores(fid_t *f)
{
    const vs_geno_t *train = f->co->geno[VS_TRAIN];
    for (int x = 0; x < 2; x++) {
        const vs_geno_t *X = f->co->geno[x == 0 ? VS_SYN : VS_HOLDOUT];
        f->aats_x[x] = vs_calloc(f->G + 1, sizeof(double *));
        f->aats_t[x] = vs_calloc(f->G + 1, sizeof(double *));
        f->det_x[x] = vs_calloc(f->G + 1, sizeof(double *));
        f->det_t[x] = vs_calloc(f->G + 1, sizeof(double *));
        for (int g = 0; g <= f->G; g++) {
            int n, nt;
            int *xm = pooled_members(f, x == 0 ? SP : HP, g, &n), *tm = pooled_members(f, TP, g, &nt);
            if (n >= MIN_SAMPLES) {
                f->aats_x[x][g] = vs_malloc((n + 1) * sizeof(double));
                f->aats_t[x][g] = vs_malloc((n + 1) * sizeof(double));
                f->det_x[x][g] = vs_malloc((n + 1) * sizeof(double));
                f->det_t[x][g] = vs_malloc((n + 1) * sizeof(double));
                vs_aats_indicators(train, tm, X, xm, n, f->aats_t[x][g], f->aats_x[x][g]);
                vs_knn_two_sample(X, xm, train, tm, n, f->det_x[x][g], f->det_t[x][g]);
            }
            free(xm);
            free(tm);
        }
    }
}

/* ---------- metrics ---------- */

static void add_metric(fid_t *f, const char *name, int kind, int arg, int dir, int ref)
{
    f->metric = vs_realloc(f->metric, (f->n_metrics + 1) * sizeof *f->metric);
    metric_t *m = &f->metric[f->n_metrics++];
    snprintf(m->name, sizeof m->name, "%s", name);
    m->kind = kind;
    m->arg = arg;
    m->dir = dir;
    m->ref = ref;
}

static void list_metrics(fid_t *f)
{
    add_metric(f, "af_r", K_AF_R, 0, HIGHER, REF_NONE);
    add_metric(f, "af_rmse", K_AF_RMSE, 0, LOWER, REF_NONE);
    for (int b = 0; b < 4; b++) add_metric(f, rare_names[b], K_RARE, b, HIGHER, REF_NONE);
    add_metric(f, "sfs_js", K_SFS, 0, LOWER, REF_NONE);
    add_metric(f, "het", K_HET, 0, MATCH, REF_TRAIN);
    add_metric(f, "hwe_dev", K_HWE, 0, MATCH, REF_TRAIN);
    int in_bin[N_LD_BINS] = { 0 };
    for (int64_t p = 0; p < f->n_pairs; p++) in_bin[f->pair[p].bin] = 1;
    for (int b = 0; b < N_LD_BINS; b++) {
        char name[64];
        if (!in_bin[b]) continue;
        snprintf(name, sizeof name, "ld_r2_%g-%gcM", ld_edges[b], ld_edges[b + 1]);
        add_metric(f, name, K_LD_BIN, b, MATCH, REF_TRAIN);
    }
    add_metric(f, "ld_dr2", K_LD_DR2, 0, LOWER, REF_NONE);
    add_metric(f, "pca_shift", K_PCA, 0, LOWER, REF_NONE);
    add_metric(f, "aats", K_AATS, 0, MATCH, REF_HALF);
    add_metric(f, "detect_auc", K_DETECT, 0, MATCH, REF_HALF);
    add_metric(f, "utility_recall", K_UTILITY, 0, HIGHER, REF_NONE);
    f->n_rows = f->n_metrics * (f->G + 1) + f->G * (f->G - 1) / 2;
}

/* Per resample: weighted counts of each set and group (index G pooled). */
typedef struct {
    double *het[3], *hom[3], *af[3];   /* SP, HP, TR: (G+1) x S */
    double *n11[3];                    /* (G+1) x n_pairs */
    int *n[3];                         /* samples per group, G: pooled */
    /* scratch, all of it allocated before the resampling threads start:
     * nothing inside them may fail to allocate */
    weights_t w;                       /* the resample's weights */
    uint64_t *mask;                    /* vs_cell_count's, for the largest cell */
    double *rec[2];                    /* utility recall per group (G: all) of the two classifiers */
    double *n_hap, *hit, *tot;         /* G + 1 each */
    vs_classifier_t *cl;
    double *wx, *wt;                   /* pooled weights, for every group at once */
} work_t;

static const int *cell_weights(const weights_t *w, int set, int g)
{
    return w->w[set] ? w->w[set] + w->off[set][g] : NULL;
}

static void work_counts(const fid_t *f, const weights_t *w, work_t *k)
{
    const int sets[3] = { SP, HP, TR };
    for (int x = 0; x < 3; x++) {
        size_t S = f->S, P = f->n_pairs, G = f->G;
        memset(k->het[x] + G * S, 0, S * sizeof(double));
        memset(k->hom[x] + G * S, 0, S * sizeof(double));
        memset(k->n11[x] + G * P, 0, (P + 1) * sizeof(double));
        k->n[x][G] = 0;
        for (size_t g = 0; g < G; g++) {
            if (!f->usable[g]) continue;
            const cell_t *c = &f->cell[sets[x]][g];
            vs_cell_count(c, cell_weights(w, sets[x], (int)g), f->S, f->pair, f->n_pairs, k->het[x] + g * S,
                          k->hom[x] + g * S, k->n11[x] + g * P, k->mask);
            for (size_t s = 0; s < S; s++) {
                k->het[x][G * S + s] += k->het[x][g * S + s];
                k->hom[x][G * S + s] += k->hom[x][g * S + s];
            }
            for (size_t p = 0; p < P; p++) k->n11[x][G * P + p] += k->n11[x][g * P + p];
            k->n[x][g] = c->n;
            k->n[x][G] += c->n;
        }
        for (size_t g = 0; g <= G; g++)
            for (size_t s = 0; s < S && k->n[x][g]; s++)
                k->af[x][g * S + s] = (k->het[x][g * S + s] + 2 * k->hom[x][g * S + s]) / (2.0 * k->n[x][g]);
    }
}

static double rmse(const double *a, const double *b, int64_t n)
{
    double s = 0;
    for (int64_t i = 0; i < n; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
    return sqrt(s / n);
}

static double hwe_share(const fid_t *f, const work_t *k, int x, int g)
{
    const double *het = k->het[x] + (size_t)g * f->S, *hom = k->hom[x] + (size_t)g * f->S;
    const uint8_t *common = f->common + (size_t)g * f->S;
    long tested = 0, deviating = 0;
    for (int64_t s = 0; s < f->S; s++) {
        if (!common[s]) continue;
        double x2 = vs_hwe_chisq(k->n[x][g] - het[s] - hom[s], het[s], hom[s]);
        if (isnan(x2)) continue;
        tested++;
        deviating += x2 > HWE_X2_CRIT;
    }
    return tested ? (double)deviating / tested : NAN;
}

static double pair_r2(const fid_t *f, const work_t *k, int x, int g, int64_t p)
{
    double n = 2.0 * k->n[x][g], *af = k->af[x] + (size_t)g * f->S;
    double r2 = vs_r2_counts(n, af[f->pair[p].i] * n, af[f->pair[p].j] * n, k->n11[x][(size_t)g * f->n_pairs + p]);
    return isnan(r2) ? 0 : r2;                 /* monomorphic in this set: no LD */
}

/* Mean r^2 over the group's pairs of one distance bin (bin < 0: mean |r2 - r2(train)| over all). */
static double ld_mean(const fid_t *f, const work_t *k, int x, int g, int bin)
{
    const uint8_t *use = f->pair_use + (size_t)g * f->n_pairs;
    double sum = 0;
    long n = 0;
    for (int64_t p = 0; p < f->n_pairs; p++) {
        if (!use[p] || (bin >= 0 && f->pair[p].bin != bin)) continue;
        sum += bin >= 0 ? pair_r2(f, k, x, g, p) : fabs(pair_r2(f, k, x, g, p) - pair_r2(f, k, 2, g, p));
        n++;
    }
    return n ? sum / n : NAN;
}

static double pca_shift(const fid_t *f, const weights_t *w, int set, int g)
{
    double cx[PCA_K] = { 0 }, ct[PCA_K] = { 0 }, nx = 0, nt = 0, d = 0;
    int lo, hi;
    group_range(f, g, &lo, &hi);
    for (int y = lo; y < hi; y++) {
        if (!f->usable[y]) continue;
        for (int pass = 0; pass < 2; pass++) {
            int s = pass ? TR : set;
            const cell_t *c = &f->cell[s][y];
            const int *wt = cell_weights(w, s, y);
            for (int i = 0; i < c->n; i++) {
                double wi = wt ? wt[i] : 1;
                for (int q = 0; q < f->pca->k; q++) (pass ? ct : cx)[q] += wi * c->pc[(size_t)i * PCA_K + q];
                *(pass ? &nt : &nx) += wi;
            }
        }
    }
    for (int q = 0; q < f->pca->k; q++) d += pow(cx[q] / nx - ct[q] / nt, 2);
    return sqrt(d);
}

/* The weights of set `set`, pooled over the cells of group range g. */
static void pooled_weights(const fid_t *f, const weights_t *w, int set, int g, double *out)
{
    int lo, hi, k = 0;
    group_range(f, g, &lo, &hi);
    for (int y = lo; y < hi; y++) {
        if (!f->usable[y]) continue;
        const int *wt = cell_weights(w, set, y);
        for (int i = 0; i < f->cell[set][y].n; i++) out[k++] = wt ? wt[i] : 1;
    }
}

/* AATS or detection AUC of X (0 = synthetic, 1 = holdout) against the training subset. */
static double pair_metric(const fid_t *f, const weights_t *w, const work_t *k, int kind, int x, int g)
{
    if (!f->aats_x[x][g]) return NAN;
    int lo, hi, n = group_range(f, g, &lo, &hi);
    pooled_weights(f, w, x == 0 ? SP : HP, g, k->wx);
    pooled_weights(f, w, TP, g, k->wt);
    if (kind == K_AATS)
        return 0.5 * (vs_weighted_mean(f->aats_x[x][g], k->wx, n) + vs_weighted_mean(f->aats_t[x][g], k->wt, n));
    return vs_weighted_auc_binned(f->det_x[x][g], k->wx, f->det_t[x][g], k->wt, n, VS_KNN);
}

/* Ancestry classifier: each group's allele frequencies in the set it learns
 * from (counts + 1/2 over haplotypes + 1) and Hardy-Weinberg genotype
 * likelihoods; a sample goes to the group of highest likelihood.  Learns
 * from af (the synthetic or the holdout subsets), is tested on the training
 * subsets, and returns per group (G: all) the weighted share of them
 * assigned to their own group. */
static void utility(const fid_t *f, const weights_t *w, const double *af, double *recall, work_t *k)
{
    int G = f->G;
    double *n_hap = k->n_hap, *hit = k->hit, *tot = k->tot;
    for (int g = 0; g <= G; g++) {
        n_hap[g] = g < G && f->usable[g] ? 2.0 * f->cell[SP][g].n : 0;
        hit[g] = tot[g] = 0;
    }
    vs_classifier_t *cl = k->cl;
    vs_classifier_fit(cl, af, n_hap, f->usable);
    for (int g = 0; g < G; g++) {
        if (!f->usable[g]) continue;
        const cell_t *c = &f->cell[TP][g];
        const int *wt = cell_weights(w, TP, g);
        for (int i = 0; i < c->n; i++) {
            int best = vs_classifier_assign(cl, vs_geno_h0(c->g, c->member[i]), vs_geno_h1(c->g, c->member[i]), c->g->nw);
            double wi = wt ? wt[i] : 1;
            hit[g] += wi * (best == g);
            tot[g] += wi;
        }
        hit[G] += hit[g];
        tot[G] += tot[g];
    }
    for (int g = 0; g <= G; g++) recall[g] = tot[g] > 0 ? hit[g] / tot[g] : NAN;
}

/* Value of metric m for set x (0 synthetic subset, 1 holdout subset, 2 training group) and group g. */
static double metric_value(const fid_t *f, const weights_t *w, const work_t *k, const metric_t *m, int x, int g)
{
    const double *af = k->af[x] + (size_t)g * f->S, *af_t = k->af[2] + (size_t)g * f->S;
    switch (m->kind) {
    case K_AF_R: return vs_pearson(af, af_t, f->S);
    case K_AF_RMSE: return rmse(af, af_t, f->S);
    case K_RARE: return vs_rare_retention(af_t, af, f->S, rare_edges[m->arg], rare_edges[m->arg + 1]);
    case K_SFS: return vs_sfs_js_distance(af, af_t, f->S, SFS_BINS);
    case K_HET: {
        double h = 0;
        for (int64_t s = 0; s < f->S; s++) h += k->het[x][(size_t)g * f->S + s];
        return h / ((double)k->n[x][g] * f->S);
    }
    case K_HWE: return hwe_share(f, k, x, g);
    case K_LD_BIN: return ld_mean(f, k, x, g, m->arg);
    case K_LD_DR2: return x == 2 ? 0 : ld_mean(f, k, x, g, -1);
    case K_PCA: return x == 2 ? 0 : pca_shift(f, w, x == 0 ? SP : HP, g);
    case K_AATS:
    case K_DETECT: return x == 2 ? 0.5 : pair_metric(f, w, k, m->kind, x, g);
    default: return NAN;
    }
}

/* All rows of one resample: out[3 * row + {synthetic, baseline, reference}]. */
static void evaluate(const fid_t *f, const weights_t *w, work_t *k, double *out)
{
    int G = f->G;
    work_counts(f, w, k);
    for (int r = 0; r < 3 * f->n_rows; r++) out[r] = NAN;
    double *rec_syn = k->rec[0], *rec_base = k->rec[1];
    utility(f, w, k->af[0], rec_syn, k);
    utility(f, w, k->af[1], rec_base, k);
    for (int mi = 0; mi < f->n_metrics; mi++) {
        const metric_t *m = &f->metric[mi];
        for (int g = 0; g <= G; g++) {
            if (g < G ? !f->usable[g] : !k->n[0][G]) continue;
            double *o = out + 3 * (mi * (G + 1) + g);
            if (m->kind == K_UTILITY) {
                o[0] = rec_syn[g];
                o[1] = rec_base[g];
                continue;
            }
            o[0] = metric_value(f, w, k, m, 0, g);
            o[1] = metric_value(f, w, k, m, 1, g);
            o[2] = m->ref == REF_TRAIN ? metric_value(f, w, k, m, 2, g) : m->ref == REF_HALF ? 0.5 : NAN;
        }
    }
    int row = f->n_metrics * (G + 1);
    for (int a = 0; a < G; a++)
        for (int b = a + 1; b < G; b++, row++) {
            if (!f->usable[a] || !f->usable[b]) continue;
            for (int x = 0; x < 3; x++)
                out[3 * row + x] = vs_hudson_fst(k->af[x] + (size_t)a * f->S, 2 * k->n[x][a],
                                                 k->af[x] + (size_t)b * f->S, 2 * k->n[x][b], f->S);
        }
}

/* ---------- resampling ---------- */

/* The weights' layout: per set, each usable group's cell after the one before. */
static void weights_alloc(const fid_t *f, weights_t *w)
{
    for (int s = 0; s < N_SETS; s++) {
        int total = 0;
        w->off[s] = vs_malloc((f->G + 1) * sizeof(int));
        for (int g = 0; g < f->G; g++) {
            w->off[s][g] = total;
            total += f->usable[g] ? f->cell[s][g].n : 0;
        }
        w->w[s] = vs_calloc(total + 1, sizeof(int));
    }
}

static work_t *work_new(const fid_t *f)
{
    work_t *k = vs_calloc(1, sizeof *k);
    size_t GS = (size_t)(f->G + 1) * f->S + 1, GP = (size_t)(f->G + 1) * f->n_pairs + 1, mask = 1;
    int pooled = 0;
    for (int x = 0; x < 3; x++) {
        k->het[x] = vs_calloc(GS, sizeof(double));
        k->hom[x] = vs_calloc(GS, sizeof(double));
        k->af[x] = vs_calloc(GS, sizeof(double));
        k->n11[x] = vs_calloc(GP, sizeof(double));
        k->n[x] = vs_calloc(f->G + 1, sizeof(int));
    }
    for (int g = 0; g < f->G; g++) {
        if (!f->usable[g]) continue;
        pooled += f->cell[SP][g].n;
        for (int s = 0; s < N_SETS; s++)
            if (vs_cell_mask_words(&f->cell[s][g]) > mask) mask = vs_cell_mask_words(&f->cell[s][g]);
    }
    weights_alloc(f, &k->w);
    k->mask = vs_malloc(mask * sizeof *k->mask);
    for (int x = 0; x < 2; x++) k->rec[x] = vs_calloc(f->G + 1, sizeof(double));
    k->n_hap = vs_calloc(f->G + 1, sizeof(double));
    k->hit = vs_calloc(f->G + 1, sizeof(double));
    k->tot = vs_calloc(f->G + 1, sizeof(double));
    k->cl = vs_classifier_new(f->G, f->S);
    k->wx = vs_calloc(pooled + 1, sizeof(double));
    k->wt = vs_calloc(pooled + 1, sizeof(double));
    return k;
}

static void work_free(work_t *k)
{
    for (int x = 0; x < 3; x++) {
        free(k->het[x]);
        free(k->hom[x]);
        free(k->af[x]);
        free(k->n11[x]);
        free(k->n[x]);
    }
    for (int s = 0; s < N_SETS; s++) {
        free(k->w.w[s]);
        free(k->w.off[s]);
    }
    free(k->mask);
    free(k->rec[0]);
    free(k->rec[1]);
    free(k->n_hap);
    free(k->hit);
    free(k->tot);
    vs_classifier_destroy(k->cl);
    free(k->wx);
    free(k->wt);
    free(k);
}

/* Resample b's weights into w (laid out by weights_alloc): each cell's
 * members drawn with replacement, as many draws as members. */
static void draw_weights(const fid_t *f, int b, weights_t *w)
{
    for (int s = 0; s < N_SETS; s++)
        for (int g = 0; g < f->G; g++) {
            int n = f->usable[g] ? f->cell[s][g].n : 0, *wg = w->w[s] + w->off[s][g];
            memset(wg, 0, n * sizeof *wg);
            uint64_t stream = vs_hash3((uint64_t)b, (uint64_t)s, (uint64_t)g);
            for (int i = 0; i < n; i++) wg[(int)(vs_rng_unif(f->o->seed, VS_RNG_BOOTSTRAP, stream, (uint64_t)i) * n)]++;
        }
}



/* Per metric, over the usable groups (or Fst pairs): the gap between best and
 * worst of column x (0 synthetic, 1 baseline) of the values v (vs_group_gap). */
static double group_gap(const fid_t *f, int mi, const double *v, int x, int *worst)
{
    if (mi < f->n_metrics) return vs_group_gap(v + 3 * mi * (f->G + 1), f->G, f->metric[mi].dir, x, worst);
    return vs_group_gap(v + 3 * f->n_metrics * (f->G + 1), f->G * (f->G - 1) / 2, VS_MATCH, x, worst);
}

/* ---------- the report ---------- */

static const char *row_flag(int dir, double lo, double hi)
{
    if (isnan(lo) || isnan(hi)) return "NA";
    if (lo <= 1 && hi >= 1) return "ok";
    int above = lo > 1;
    return dir == HIGHER ? (above ? "better" : "worse") : dir == LOWER ? (above ? "worse" : "better")
                                                                       : (above ? "high" : "low");
}

static int row_usable(const fid_t *f, int row)
{
    if (f->S < VS_COHORTS_MIN_SITES) return 0;
    int base = f->n_metrics * (f->G + 1);
    if (row < base) {
        int g = row % (f->G + 1);
        return g == f->G ? 1 : f->usable[g];
    }
    for (int a = 0, r = base; a < f->G; a++)
        for (int b = a + 1; b < f->G; b++, r++)
            if (r == row) return f->usable[a] && f->usable[b];
    return 0;
}

static char *row_group(const fid_t *f, int row)
{
    int base = f->n_metrics * (f->G + 1);
    if (row < base) return vs_strdup(row % (f->G + 1) == f->G ? "all" : f->group[row % (f->G + 1)]);
    for (int a = 0, r = base; a < f->G; a++)
        for (int b = a + 1; b < f->G; b++, r++)
            if (r == row) {
                char *s = vs_malloc(strlen(f->group[a]) + strlen(f->group[b]) + 2);
                sprintf(s, "%s:%s", f->group[a], f->group[b]);
                return s;
            }
    return vs_strdup("?");
}

static void summarise_rows(const fid_t *f, const double *point, const double *rep, int B, vs_fidelity_t *out)
{
    double *v = vs_malloc((B + 1) * sizeof *v);
    out->rows = vs_calloc(f->n_rows, sizeof *out->rows);
    for (int r = 0; r < f->n_rows; r++) {
        int mi = r < f->n_metrics * (f->G + 1) ? r / (f->G + 1) : -1;
        if (f->G == 1 && mi >= 0 && r % 2 == 0) continue;           /* one group: "all" says it */
        vs_fid_row_t *w = &out->rows[out->n_rows++];
        w->group = row_group(f, r);
        w->metric = vs_strdup(mi >= 0 ? f->metric[mi].name : "fst");
        w->syn = point[3 * r];
        w->base = point[3 * r + 1];
        w->ratio = vs_ratio(w->syn, w->base);
        for (int b = 0; b < B; b++) v[b] = vs_ratio(rep[(size_t)b * 3 * f->n_rows + 3 * r], rep[(size_t)b * 3 * f->n_rows + 3 * r + 1]);
        vs_interval_normal(w->ratio, v, B, f->o->level, &w->lo, &w->hi);
        w->flag = !row_usable(f, r) ? "insufficient" : row_flag(mi >= 0 ? f->metric[mi].dir : MATCH, w->lo, w->hi);
    }
    free(v);
}

static void summarise_bias(const fid_t *f, const double *point, const double *rep, int B, vs_fidelity_t *out)
{
    int n = f->n_metrics + (f->G > 2);
    double *v = vs_malloc((B + 1) * sizeof *v);
    out->bias = vs_calloc(n + 1, sizeof *out->bias);
    for (int mi = 0; mi < n; mi++) {
        vs_fid_bias_t *b = &out->bias[out->n_bias++];
        int worst = -1;
        b->metric = vs_strdup(mi < f->n_metrics ? f->metric[mi].name : "fst");
        b->gap_syn = group_gap(f, mi, point, 0, &worst);
        b->gap_base = group_gap(f, mi, point, 1, NULL);
        b->amp = b->gap_syn - b->gap_base;
        int first = mi < f->n_metrics ? mi * (f->G + 1) : f->n_metrics * (f->G + 1);
        b->worst_group = worst >= 0 && !isnan(b->amp) ? row_group(f, first + worst) : vs_strdup("NA");
        for (int r = 0; r < B; r++) {
            const double *x = rep + (size_t)r * 3 * f->n_rows;
            v[r] = group_gap(f, mi, x, 0, NULL) - group_gap(f, mi, x, 1, NULL);
        }
        vs_interval_normal(b->amp, v, B, f->o->level, &b->lo, &b->hi);
        b->flag = vs_bias_flag(b->amp, b->lo, b->hi, f->S >= VS_COHORTS_MIN_SITES);
    }
    free(v);
}

/* ---------- what the HTML report draws ---------- */

static void plot_points(const fid_t *f, vs_fid_plot_t *p)
{
    const int sets[VS_FID_SETS] = { SP, HP, TR };
    int cap = VS_FID_SETS * PLOT_POINTS + 1;
    p->pt_set = vs_malloc(cap * sizeof *p->pt_set);
    p->pt_group = vs_malloc(cap * sizeof *p->pt_group);
    p->pt_pc = vs_malloc(2 * cap * sizeof *p->pt_pc);
    for (int x = 0; x < VS_FID_SETS; x++) {
        int total = 0, seen = 0, taken = 0;
        for (int g = 0; g < f->G; g++) total += f->usable[g] ? f->cell[sets[x]][g].n : 0;
        for (int g = 0; g < f->G; g++) {
            const cell_t *c = &f->cell[sets[x]][g];
            for (int i = 0; f->usable[g] && i < c->n; i++, seen++) {
                if ((long)taken * total > (long)seen * PLOT_POINTS) continue;     /* an even thinning */
                if (taken++ >= PLOT_POINTS) break;
                p->pt_set[p->n_points] = x;
                p->pt_group[p->n_points] = g;
                p->pt_pc[2 * p->n_points] = c->pc[(size_t)i * PCA_K];
                p->pt_pc[2 * p->n_points + 1] = f->pca->k > 1 ? c->pc[(size_t)i * PCA_K + 1] : 0;
                p->n_points++;
            }
        }
    }
    p->pc_share[0] = f->pca->k > 0 ? f->pca->share[0] : NAN;
    p->pc_share[1] = f->pca->k > 1 ? f->pca->share[1] : NAN;
}

static void fill_plot(const fid_t *f, const work_t *k, const double *point, vs_fid_plot_t *p)
{
    size_t S = f->S, G = f->G;
    p->n_groups = f->G;
    p->groups = vs_malloc((G + 1) * sizeof *p->groups);
    for (size_t g = 0; g < G; g++) p->groups[g] = vs_strdup(f->group[g]);
    p->groups[G] = vs_strdup("all");
    p->n_sites = f->S;
    p->n_bins = N_LD_BINS;
    p->bin_mid = vs_malloc(N_LD_BINS * sizeof *p->bin_mid);
    for (int b = 0; b < N_LD_BINS; b++)
        p->bin_mid[b] = ld_edges[b] > 0 ? sqrt(ld_edges[b] * ld_edges[b + 1]) : ld_edges[1] / 2;
    for (int x = 0; x < VS_FID_SETS; x++) {
        p->n[x] = vs_calloc(G + 1, sizeof(int));
        memcpy(p->n[x], k->n[x], (G + 1) * sizeof(int));
        p->af[x] = vs_malloc(((G + 1) * S + 1) * sizeof(double));
        memcpy(p->af[x], k->af[x], (G + 1) * S * sizeof(double));
        p->ld[x] = vs_malloc(((G + 1) * N_LD_BINS + 1) * sizeof(double));
        for (size_t g = 0; g <= G; g++)
            for (int b = 0; b < N_LD_BINS; b++)
                p->ld[x][g * N_LD_BINS + b] = (g < G && !f->usable[g]) ? NAN : ld_mean(f, k, x, (int)g, b);
        p->fst[x] = vs_malloc((G * G + 1) * sizeof(double));
        int row = f->n_metrics * (f->G + 1);
        for (size_t a = 0; a < G; a++) {
            p->fst[x][a * G + a] = 0;
            for (size_t b = a + 1; b < G; b++, row++)
                p->fst[x][a * G + b] = p->fst[x][b * G + a] = point[3 * row + x];
        }
    }
    plot_points(f, p);
}

/* Whole-cohort allele frequencies per group, and each LD pair's r^2, for the tables. */
static void fill_tables(fid_t *f, const work_t *k, vs_fidelity_t *out)
{
    size_t S = f->S, G = f->G;
    out->af_full = vs_calloc(((G + 1) * 3) * S + 1, sizeof *out->af_full);
    const int cohort[3] = { VS_SYN, VS_HOLDOUT, VS_TRAIN };
    for (int x = 0; x < 3; x++) {
        const vs_geno_t *ge = f->co->geno[cohort[x]];
        const int *grp = f->co->group_of[cohort[x]];
        long *n = vs_calloc(G + 1, sizeof *n);
        double *af = out->af_full;
        for (int i = 0; i < ge->n; i++) {
            size_t g = (size_t)grp[i];
            n[g]++;
            n[G]++;
            for (size_t s = 0; s < S; s++) {
                int d = vs_geno_bit(vs_geno_h0(ge, i), (int64_t)s) + vs_geno_bit(vs_geno_h1(ge, i), (int64_t)s);
                af[(g * 3 + x) * S + s] += d;
                af[(G * 3 + x) * S + s] += d;
            }
        }
        for (size_t g = 0; g <= G; g++)
            for (size_t s = 0; s < S; s++) af[(g * 3 + x) * S + s] = n[g] ? af[(g * 3 + x) * S + s] / (2.0 * n[g]) : NAN;
        free(n);
    }
    out->n_ld = f->n_pairs;
    out->ld_i = vs_malloc((f->n_pairs + 1) * sizeof *out->ld_i);
    out->ld_j = vs_malloc((f->n_pairs + 1) * sizeof *out->ld_j);
    out->ld_r2 = vs_malloc(((G + 1) * 3 * f->n_pairs + 1) * sizeof *out->ld_r2);
    for (int64_t p = 0; p < f->n_pairs; p++) {
        out->ld_i[p] = f->pair[p].i;
        out->ld_j[p] = f->pair[p].j;
        for (size_t g = 0; g <= G; g++)
            for (int x = 0; x < 3; x++) {
                double n = 2.0 * k->n[x][g], *af = k->af[x] + g * S, r2 = NAN;
                if (n > 0 && f->pair_use[g * f->n_pairs + p])
                    r2 = vs_r2_counts(n, af[f->pair[p].i] * n, af[f->pair[p].j] * n, k->n11[x][g * f->n_pairs + p]);
                out->ld_r2[(g * 3 + x) * f->n_pairs + p] = r2;
            }
    }
    out->site_name = f->co->site_name;
    f->co->site_name = NULL;
    out->cm = vs_malloc((S + 1) * sizeof *out->cm);
    memcpy(out->cm, f->co->cm, S * sizeof *out->cm);
}

/* ---------- the run ---------- */

static int fid_setup(fid_t *f, const vs_fidelity_opts_t *o, vs_error_t *e)
{
    vs_cohorts_opts_t co = { { o->syn, o->train, o->holdout }, o->groups, o->group_column, o->map, 1,
                             o->keep_site_names || o->utility_pheno };
    f->o = o;
    if (!(f->co = vs_cohorts_load(&co, e))) return -1;
    f->G = f->co->groups->n_groups;
    f->group = f->co->groups->names;
    f->S = f->co->n_sites;
    build_cells(f);
    int usable = 0;
    for (int g = 0; g < f->G; g++) usable += f->usable[g];
    if (!usable)
        return vs_fail(e, "no group has at least %d synthetic, %d training and %d holdout samples; check -g (the "
                          "groups of %s, %s and %s)", MIN_SAMPLES, MIN_SAMPLES, MIN_SAMPLES, o->syn, o->train,
                       o->holdout);
    for (int k = 0; k < 3; k++)
        if (!f->co->geno[k]->phased)
            vs_warn("%s is not phased throughout: the LD measures (haplotype r^2) treat its genotypes as if "
                    "they were phased, so read them with care", k == VS_SYN ? o->syn : k == VS_TRAIN ? o->train : o->holdout);
    find_common_sites(f);
    choose_ld_pairs(f);
    project_cells(f);
    per_sample_scores(f);
    list_metrics(f);
    return 0;
}

static void fid_free(fid_t *f)
{
    for (int s = 0; s < N_SETS; s++) {
        for (int g = 0; g < f->G; g++) if (f->usable[g]) vs_cell_free(&f->cell[s][g]);
        free(f->cell[s]);
    }
    for (int x = 0; x < 2; x++) {
        for (int g = 0; f->aats_x[x] && g <= f->G; g++) {       /* none when the set-up stopped early */
            free(f->aats_x[x][g]);
            free(f->aats_t[x][g]);
            free(f->det_x[x][g]);
            free(f->det_t[x][g]);
        }
        free(f->aats_x[x]);
        free(f->aats_t[x]);
        free(f->det_x[x]);
        free(f->det_t[x]);
    }
    free(f->usable);
    free(f->common);
    free(f->pair);
    free(f->pair_use);
    free(f->metric);
    vs_pca_destroy(f->pca);
    vs_cohorts_destroy(f->co);
}

/* The utility rows (vs_prs) after the others. */
static void append_utility(vs_fidelity_t *out, vs_prs_t *u)
{
    out->rows = vs_realloc(out->rows, (out->n_rows + u->n_rows) * sizeof *out->rows);
    memcpy(out->rows + out->n_rows, u->rows, u->n_rows * sizeof *u->rows);
    out->n_rows += u->n_rows;
    out->bias = vs_realloc(out->bias, (out->n_bias + u->n_bias + 1) * sizeof *out->bias);
    if (u->n_bias) memcpy(out->bias + out->n_bias, u->bias, u->n_bias * sizeof *u->bias);
    out->n_bias += u->n_bias;
    u->n_rows = u->n_bias = 0;
    vs_prs_destroy(u);
}

vs_fidelity_t *vs_fidelity_run(const vs_fidelity_opts_t *o, vs_error_t *e)
{
    fid_t f = { 0 };
    vs_prs_t *utility = NULL;
    vs_prs_opts_t po = { o->utility_pheno, o->gwas_p, o->bootstrap, o->level, o->seed };
    if (fid_setup(&f, o, e) < 0 || (o->utility_pheno && !(utility = vs_prs_run(f.co, &po, e)))) {
        fid_free(&f);
        return NULL;
    }
    vs_fidelity_t *out = vs_calloc(1, sizeof *out);
    out->sites_used = f.S;
    for (int k = 0; k < 3; k++) out->sites_in[k] = f.co->sites_in[k];
    out->bootstrap = o->bootstrap;
    out->level = o->level;

    size_t width = 3 * (size_t)f.n_rows;
    double *point = vs_malloc((width + 1) * sizeof *point);
    double *rep = vs_malloc(((size_t)o->bootstrap * width + 1) * sizeof *rep);
    weights_t ones = { 0 };              /* NULL weights: every sample once */
    work_t *k = work_new(&f);
    evaluate(&f, &ones, k, point);
    fill_plot(&f, k, point, &out->plot);
    if (o->keep_site_names) fill_tables(&f, k, out);
    work_free(k);
    vs_info("%d groups, %lld sites, %lld LD pairs; %d bootstrap resamples", f.G, (long long)f.S,
            (long long)f.n_pairs, o->bootstrap);
    int n_threads = omp_get_max_threads();
    work_t **wk = vs_malloc(n_threads * sizeof *wk);
    for (int t = 0; t < n_threads; t++) wk[t] = work_new(&f);
#pragma omp parallel num_threads(n_threads)
    {
        work_t *mine = wk[omp_get_thread_num()];
#pragma omp for schedule(dynamic, 1)
        for (int b = 0; b < o->bootstrap; b++) {
            draw_weights(&f, b, &mine->w);
            evaluate(&f, &mine->w, mine, rep + (size_t)b * width);
        }
    }
    for (int t = 0; t < n_threads; t++) work_free(wk[t]);
    free(wk);
    summarise_rows(&f, point, rep, o->bootstrap, out);
    summarise_bias(&f, point, rep, o->bootstrap, out);
    if (utility) append_utility(out, utility);
    free(point);
    free(rep);
    fid_free(&f);
    return out;
}

void vs_fid_rows_free(vs_fid_row_t *rows, int n_rows, vs_fid_bias_t *bias, int n_bias)
{
    for (int i = 0; i < n_rows; i++) {
        free(rows[i].group);
        free(rows[i].metric);
    }
    for (int i = 0; i < n_bias; i++) {
        free(bias[i].metric);
        free(bias[i].worst_group);
    }
    free(rows);
    free(bias);
}

void vs_fidelity_destroy(vs_fidelity_t *f)
{
    if (!f) return;
    vs_fid_plot_t *p = &f->plot;
    vs_fid_rows_free(f->rows, f->n_rows, f->bias, f->n_bias);
    for (int g = 0; g <= p->n_groups && p->groups; g++) free(p->groups[g]);
    free(p->groups);
    for (int x = 0; x < VS_FID_SETS; x++) {
        free(p->n[x]);
        free(p->af[x]);
        free(p->ld[x]);
        free(p->fst[x]);
    }
    free(p->bin_mid);
    free(p->pt_set);
    free(p->pt_group);
    free(p->pt_pc);
    for (int64_t s = 0; f->site_name && s < p->n_sites; s++) free(f->site_name[s]);
    free(f->site_name);
    free(f->af_full);
    free(f->ld_i);
    free(f->ld_j);
    free(f->ld_r2);
    free(f->cm);
    free(f);
}
