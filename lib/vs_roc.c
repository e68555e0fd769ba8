#include "vs_roc.h"
#include "vs_resample.h"
#include "vs_err.h"
#include "vs_rng.h"

#include <math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include <stdlib.h>
#include <string.h>

typedef struct { double score; int member; } labelled_t;

static int by_score_desc(const void *a, const void *b)
{
    double x = ((const labelled_t *)a)->score, y = ((const labelled_t *)b)->score;
    return (x < y) - (x > y);
}

static labelled_t *sorted_desc_into(labelled_t *v, const double *member, int nm, const double *nonmember, int nn)
{
    for (int i = 0; i < nm; i++) v[i] = (labelled_t){ member[i], 1 };
    for (int i = 0; i < nn; i++) v[nm + i] = (labelled_t){ nonmember[i], 0 };
    qsort(v, nm + nn, sizeof *v, by_score_desc);
    return v;
}

static labelled_t *sorted_desc(const double *member, int nm, const double *nonmember, int nn)
{
    return sorted_desc_into(vs_malloc((size_t)(nm + nn) * sizeof(labelled_t)), member, nm, nonmember, nn);
}

/* Walks thresholds from the highest score down, one block of tied scores at a
 * time, and calls visit(tpr, fpr) after each block. */
typedef void (*visit_fn)(double tpr, double fpr, void *arg);

static void walk_thresholds(const double *member, int nm, const double *nonmember, int nn,
                            visit_fn visit, void *arg)
{
    labelled_t *v = sorted_desc(member, nm, nonmember, nn);
    int tp = 0, fp = 0;
    visit(0, 0, arg);
    for (int i = 0; i < nm + nn;) {
        int j = i;
        for (; j < nm + nn && v[j].score == v[i].score; j++) *(v[j].member ? &tp : &fp) += 1;
        visit((double)tp / nm, (double)fp / nn, arg);
        i = j;
    }
    free(v);
}

size_t vs_auc_scratch_bytes(int n) { return ((size_t)n + 1) * sizeof(labelled_t); }

double vs_auc(const double *member, int nm, const double *nonmember, int nn)
{
    if (nm == 0 || nn == 0) return NAN;
    labelled_t *v = vs_malloc(vs_auc_scratch_bytes(nm + nn));
    double auc = vs_auc_into(member, nm, nonmember, nn, v);
    free(v);
    return auc;
}

double vs_auc_into(const double *member, int nm, const double *nonmember, int nn, void *scratch)
{
    if (nm == 0 || nn == 0) return NAN;
    labelled_t *v = sorted_desc_into(scratch, member, nm, nonmember, nn);
    /* for each block of tied scores: members in it beat the non-members below
     * it, and tie (1/2) with the non-members inside it */
    double wins = 0;
    int below_nonmembers = nn;
    for (int i = 0; i < nm + nn;) {
        int j = i, m = 0, n = 0;
        for (; j < nm + nn && v[j].score == v[i].score; j++) v[j].member ? m++ : n++;
        below_nonmembers -= n;
        wins += m * (below_nonmembers + 0.5 * n);
        i = j;
    }
    return wins / ((double)nm * nn);
}

typedef struct { double max_fpr, best; } tpr_arg_t;

static void best_tpr(double tpr, double fpr, void *arg)
{
    tpr_arg_t *a = arg;
    if (fpr <= a->max_fpr && tpr > a->best) a->best = tpr;
}

double vs_tpr_at_fpr(const double *member, int nm, const double *nonmember, int nn, double max_fpr)
{
    tpr_arg_t a = { max_fpr, 0 };
    if (nm && nn) walk_thresholds(member, nm, nonmember, nn, best_tpr, &a);
    return a.best;
}

static void best_gap(double tpr, double fpr, void *arg)
{
    double *best = arg;
    if (tpr - fpr > *best) *best = tpr - fpr;
}

double vs_advantage(const double *member, int nm, const double *nonmember, int nn)
{
    double best = 0;
    if (nm && nn) walk_thresholds(member, nm, nonmember, nn, best_gap, &best);
    return best;
}

int vs_roc_tail(const double *member, int nm, const double *nonmember, int nn, double *p)
{
    double top = -INFINITY;
    for (int i = 0; i < nn; i++)
        if (nonmember[i] > top) top = nonmember[i];
    int above = 0;
    for (int i = 0; i < nm; i++) above += member[i] > top;
    *p = exp(gsl_sf_lnchoose((unsigned)nm, (unsigned)above) - gsl_sf_lnchoose((unsigned)(nm + nn), (unsigned)above));
    return above;
}

int vs_roc_copies(int cm, int nm, int cn, int nn, int real_identical, double *p)
{
    *p = cm ? gsl_cdf_hypergeometric_Q((unsigned)cm - 1, (unsigned)(cm + cn), (unsigned)(nm + nn - cm - cn),
                                       (unsigned)nm)
            : 1;
    return cm > 0 && ((cn == 0 && real_identical == 0) || *p < VS_ROC_COPIES_ALPHA);
}

/* Percentile bootstrap interval of the AUC. */
static void bootstrap_auc(const double *member, int nm, const double *nonmember, int nn, int B, double level,
                          uint64_t seed, uint64_t stream, double *lo, double *hi)
{
    double *m = vs_malloc(nm * sizeof *m), *n = vs_malloc(nn * sizeof *n), *auc = vs_malloc(B * sizeof *auc);
    for (int b = 0; b < B; b++) {
        vs_stream_t st;
        vs_stream_set(&st, seed, VS_RNG_BOOTSTRAP, stream, (uint64_t)b);
        for (int i = 0; i < nm; i++) m[i] = member[(int)(vs_stream_unif(&st) * nm)];
        for (int i = 0; i < nn; i++) n[i] = nonmember[(int)(vs_stream_unif(&st) * nn)];
        auc[b] = vs_auc(m, nm, n, nn);
    }
    vs_interval_percentile(auc, B, level, lo, hi);
    free(m);
    free(n);
    free(auc);
}

void vs_roc(const double *member, int nm, const double *nonmember, int nn, int bootstrap, double level,
            uint64_t seed, uint64_t stream, vs_roc_t *out)
{
    memset(out, 0, sizeof *out);
    out->n_members = nm;
    out->n_nonmembers = nn;
    if (nm < VS_ROC_MIN_N || nn < VS_ROC_MIN_N) {
        out->auc = out->auc_lo = out->auc_hi = NAN;
        out->tpr_at_fpr_1pct = out->tpr_at_fpr_01pct = out->advantage = out->tail_p = NAN;
        out->verdict = "insufficient";
        return;
    }
    out->auc = vs_auc(member, nm, nonmember, nn);
    out->auc_lo = out->auc_hi = out->auc;
    if (bootstrap > 0)
        bootstrap_auc(member, nm, nonmember, nn, bootstrap, level, seed, stream, &out->auc_lo, &out->auc_hi);
    out->tpr_at_fpr_1pct = vs_tpr_at_fpr(member, nm, nonmember, nn, 0.01);
    out->tpr_at_fpr_01pct = vs_tpr_at_fpr(member, nm, nonmember, nn, 0.001);
    out->advantage = vs_advantage(member, nm, nonmember, nn);
    out->tail = vs_roc_tail(member, nm, nonmember, nn, &out->tail_p);
    int excludes_half = out->auc_lo > 0.5 || out->auc_hi < 0.5;
    int high = (out->auc > 0.6 && out->auc_lo > 0.5) || out->tail_p < VS_ROC_TAIL_ALPHA;
    out->verdict = high ? "high" : excludes_half ? "signal" : "ok";
}
