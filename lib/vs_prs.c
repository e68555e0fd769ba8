#include "vs_prs.h"
#include "vs_resample.h"
#include "vs_bias.h"
#include "vs_err.h"
#include "vs_pheno.h"
#include "vs_rng.h"
#include "vs_roc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <omp.h>
#include <gsl/gsl_cdf.h>

#define CLUMP_R2 0.1            /* clumping: r^2 below this to the index variant */
#define CLUMP_BP 250000         /* within this distance */
#define RECOVERY_BP 50000       /* a causal locus: the sites within this distance */
#define VALIDATION_SHARE 0.2    /* of the fitting cohort, for choosing the threshold */
#define MIN_HOLDOUT 10          /* holdout samples of a group, else "insufficient" */
#define MAX_ITER 200            /* Newton steps of a logistic fit */

static const double thresholds[] = { 5e-8, 1e-6, 1e-4, 1e-3, 0.01, 0.05, 0.1, 0.5, 1 };
#define N_THRESHOLDS (int)(sizeof thresholds / sizeof *thresholds)

/* ---------- association, plink2 --glm style ---------- */

static void assoc_na(vs_assoc_t *out)
{
    out->beta = out->se = out->stat = out->p = NAN;
    out->firth = 0;
}

void vs_assoc_linear(const uint8_t *d, const double *y, int n, vs_assoc_t *out)
{
    double nk[3] = { 0 }, sy[3] = { 0 }, ysum = 0;
    for (int i = 0; i < n; i++) {
        nk[d[i]]++;
        sy[d[i]] += y[i];
        ysum += y[i];
    }
    assoc_na(out);
    double ym = ysum / n, xm = (nk[1] + 2 * nk[2]) / n, syy = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < n; i++) syy += (y[i] - ym) * (y[i] - ym);
    for (int k = 0; k < 3; k++) {
        sxx += nk[k] * (k - xm) * (k - xm);
        sxy += (k - xm) * (sy[k] - nk[k] * ym);
    }
    if (n < 3 || !(sxx > 0)) return;
    double beta = sxy / sxx, rss = fmax(syy - beta * sxy, 0), df = n - 2;
    out->beta = beta;
    out->se = sqrt(rss / df / sxx);
    out->stat = beta / out->se;
    out->p = out->se > 0 ? 2 * gsl_cdf_tdist_Q(fabs(out->stat), df) : 0;
}

/* The log-likelihood at b, plus Firth's penalty 1/2 log det I(b) when firth. */
static double loglik(const double *n, const double *c, const double b[2], int firth)
{
    double l = 0, i00 = 0, i01 = 0, i11 = 0;
    for (int k = 0; k < 3; k++) {
        if (n[k] == 0) continue;
        double eta = b[0] + b[1] * k, p = 1 / (1 + exp(-eta)), w = p * (1 - p);
        l += c[k] * -log1p(exp(-eta)) + (n[k] - c[k]) * -log1p(exp(eta));
        i00 += n[k] * w;
        i01 += k * n[k] * w;
        i11 += k * k * n[k] * w;
    }
    return firth ? l + 0.5 * log(i00 * i11 - i01 * i01) : l;
}

/* Newton-Raphson on the three dosage classes (n[k] samples, c[k] cases),
 * with Firth's modified score when firth, steps halved until the (penalised)
 * likelihood does not fall; 0 when it converged. */
static int logistic_fit(const double *n, const double *c, int firth, double b[2], double inv[3])
{
    double tot = n[0] + n[1] + n[2], cases = c[0] + c[1] + c[2];
    b[0] = log(cases / (tot - cases));
    b[1] = 0;
    double l = loglik(n, c, b, firth);
    for (int it = 0; it < MAX_ITER; it++) {
        double p[3], w[3], i00 = 0, i01 = 0, i11 = 0, u0 = 0, u1 = 0;
        for (int k = 0; k < 3; k++) {
            p[k] = 1 / (1 + exp(-(b[0] + b[1] * k)));
            w[k] = p[k] * (1 - p[k]);
            i00 += n[k] * w[k];
            i01 += k * n[k] * w[k];
            i11 += k * k * n[k] * w[k];
        }
        double det = i00 * i11 - i01 * i01;
        if (!(det > 0) || !isfinite(det)) return 1;
        inv[0] = i11 / det;
        inv[1] = -i01 / det;
        inv[2] = i00 / det;
        for (int k = 0; k < 3; k++) {
            double r = c[k] - n[k] * p[k];
            if (firth) r += n[k] * w[k] * (inv[0] + 2 * k * inv[1] + k * k * inv[2]) * (0.5 - p[k]);
            u0 += r;
            u1 += k * r;
        }
        double d0 = inv[0] * u0 + inv[1] * u1, d1 = inv[1] * u0 + inv[2] * u1;
        double big = fmax(fabs(d0), fabs(d1));
        if (big > 5) { d0 *= 5 / big; d1 *= 5 / big; big = 5; }
        double t = 1, nb[2], nl = -INFINITY;
        int h = 0;
        for (; h < 40; h++, t /= 2) {
            nb[0] = b[0] + t * d0;
            nb[1] = b[1] + t * d1;
            nl = loglik(n, c, nb, firth);
            if (isfinite(nl) && nl >= l) break;
        }
        if (h == 40) return big < 1e-6 ? 0 : 1;     /* no step gains: at the maximum, to precision */
        b[0] = nb[0];
        b[1] = nb[1];
        double gain = nl - l;
        l = nl;
        if (!isfinite(b[0]) || !isfinite(b[1]) || fabs(b[1]) > 30) return 1;
        /* Firth's steps (the plain information, not the penalised one) can circle the maximum closely */
        if (t * big < 1e-10 || (gain <= 1e-13 * fabs(l) && t * big < 1e-6)) return 0;
    }
    return 1;
}

/* The information at b, inverted (SE from it). */
static void logistic_inverse(const double *n, const double b[2], double inv[3])
{
    double i00 = 0, i01 = 0, i11 = 0;
    for (int k = 0; k < 3; k++) {
        double p = 1 / (1 + exp(-(b[0] + b[1] * k))), w = p * (1 - p);
        i00 += n[k] * w;
        i01 += k * n[k] * w;
        i11 += k * k * n[k] * w;
    }
    double det = i00 * i11 - i01 * i01;
    inv[0] = i11 / det;
    inv[1] = -i01 / det;
    inv[2] = i00 / det;
}

void vs_assoc_logistic(const uint8_t *d, const double *y, int n, vs_assoc_t *out)
{
    double nk[3] = { 0 }, ck[3] = { 0 };
    for (int i = 0; i < n; i++) {
        nk[d[i]]++;
        ck[d[i]] += y[i];
    }
    assoc_na(out);
    double cases = ck[0] + ck[1] + ck[2], classes = (nk[0] > 0) + (nk[1] > 0) + (nk[2] > 0);
    if (classes < 2 || cases == 0 || cases == n) return;
    /* plink2's firth-fallback: the carriers of the minor allele (the allele plink2 tests), or the
     * non-carriers, all cases or all controls */
    int alt_major = nk[1] + 2 * nk[2] > n;
    double hom = alt_major ? nk[2] : nk[0], hom_cases = alt_major ? ck[2] : ck[0];
    double carriers = n - hom, carrier_cases = cases - hom_cases;
    int zero_cell = carrier_cases == 0 || carrier_cases == carriers || hom_cases == 0 || hom_cases == hom;
    double b[2], inv[3];
    int firth = zero_cell || logistic_fit(nk, ck, 0, b, inv);
    if (firth && logistic_fit(nk, ck, 1, b, inv)) return;
    logistic_inverse(nk, b, inv);
    out->beta = b[1];
    out->se = sqrt(inv[2]);
    out->stat = b[1] / out->se;
    out->p = 2 * gsl_cdf_ugaussian_Q(fabs(out->stat));
    out->firth = firth;
}

/* ---------- dosages ---------- */

typedef struct {
    int n;
    int64_t S;
    uint8_t *d;                 /* S x n, site-major */
} dmat_t;


static dmat_t dmat_of(const vs_geno_t *g)
{
    dmat_t m = { g->n, g->n_sites, vs_malloc((size_t)g->n_sites * g->n + 1) };
    for (int i = 0; i < g->n; i++) {
        const uint64_t *h0 = vs_geno_h0(g, i), *h1 = vs_geno_h1(g, i);
        for (int64_t s = 0; s < g->n_sites; s++) m.d[s * g->n + i] = vs_geno_bit(h0, s) + vs_geno_bit(h1, s);
    }
    return m;
}

static dmat_t dmat_sub(const dmat_t *full, const int *idx, int n)
{
    dmat_t m = { n, full->S, vs_malloc((size_t)full->S * n + 1) };
    for (int64_t s = 0; s < full->S; s++) {
        const uint8_t *src = full->d + s * full->n;
        uint8_t *dst = m.d + s * n;
        for (int i = 0; i < n; i++) dst[i] = src[idx[i]];
    }
    return m;
}

static double *sub_double(const double *v, const int *idx, int n)
{
    double *out = vs_malloc((n + 1) * sizeof *out);
    for (int i = 0; i < n; i++) out[i] = v[idx[i]];
    return out;
}

/* ---------- sites ---------- */

typedef struct {
    int64_t S;
    int64_t *pos;
    int *contig;                /* an index per distinct contig name */
    char **contig_name, **ref, **alt;
} sites_t;

static char *field(const char *s, const char *end)
{
    char *f = vs_malloc(end - s + 1);
    memcpy(f, s, end - s);
    f[end - s] = 0;
    return f;
}

/* Contig, position, REF and ALT of each common site, from its name. */
static sites_t sites_of(const vs_cohorts_t *co)
{
    int64_t S = co->n_sites;
    sites_t t = { S, vs_malloc((S + 1) * sizeof(int64_t)), vs_malloc((S + 1) * sizeof(int)),
                  vs_malloc((S + 1) * sizeof(char *)), vs_malloc((S + 1) * sizeof(char *)),
                  vs_malloc((S + 1) * sizeof(char *)) };
    int c = -1;
    for (int64_t s = 0; s < S; s++) {
        const char *name = co->site_name[s], *t1 = strchr(name, '\t'), *t2 = strchr(t1 + 1, '\t');
        const char *t3 = strchr(t2 + 1, '\t');
        t.contig_name[s] = field(name, t1);
        t.pos[s] = strtoll(t1 + 1, NULL, 10);
        t.ref[s] = field(t2 + 1, t3);
        t.alt[s] = vs_strdup(t3 + 1);
        c += s == 0 || co->contig_start[s];
        t.contig[s] = c;
    }
    return t;
}

static void sites_free(sites_t *t)
{
    for (int64_t s = 0; s < t->S; s++) {
        free(t->contig_name[s]);
        free(t->ref[s]);
        free(t->alt[s]);
    }
    free(t->contig_name);
    free(t->ref);
    free(t->alt);
    free(t->pos);
    free(t->contig);
}

/* ---------- GWAS, clumping, thresholds ---------- */

typedef struct {
    double *beta, *p;
} gwas_t;

static gwas_t gwas(const dmat_t *m, const double *y, int binary)
{
    gwas_t g = { vs_malloc((m->S + 1) * sizeof(double)), vs_malloc((m->S + 1) * sizeof(double)) };
#pragma omp parallel for schedule(dynamic, 64)
    for (int64_t s = 0; s < m->S; s++) {
        vs_assoc_t a;
        if (binary) vs_assoc_logistic(m->d + s * m->n, y, m->n, &a);
        else vs_assoc_linear(m->d + s * m->n, y, m->n, &a);
        g.beta[s] = a.beta;
        g.p[s] = a.p;
    }
    return g;
}

static void gwas_free(gwas_t *g)
{
    free(g->beta);
    free(g->p);
}

static const double *sort_key;
static int by_key(const void *a, const void *b)
{
    double x = sort_key[*(const int64_t *)a], y = sort_key[*(const int64_t *)b];
    if (x != y) return x < y ? -1 : 1;
    return *(const int64_t *)a < *(const int64_t *)b ? -1 : 1;
}

/* Dosages as two bit planes per site (d = a + b: a for d >= 1, b for d = 2)
 * with their sums, so that a pair's r^2 is four AND-popcounts per word. */
typedef struct {
    int nw;
    uint64_t *a, *b;            /* S x nw each */
    double *sum, *sq;           /* per site: sum of d, sum of d^2 */
} planes_t;

static planes_t planes_of(const dmat_t *m)
{
    planes_t p = { (m->n + 63) / 64, NULL, NULL, NULL, NULL };
    size_t words = (size_t)m->S * p.nw + 1;
    p.a = vs_calloc(words, sizeof *p.a);
    p.b = vs_calloc(words, sizeof *p.b);
    p.sum = vs_malloc((m->S + 1) * sizeof *p.sum);
    p.sq = vs_malloc((m->S + 1) * sizeof *p.sq);
    for (int64_t s = 0; s < m->S; s++) {
        const uint8_t *d = m->d + s * m->n;
        uint64_t *a = p.a + s * p.nw, *b = p.b + s * p.nw;
        double sum = 0, sq = 0;
        for (int i = 0; i < m->n; i++) {
            a[i >> 6] |= (uint64_t)(d[i] >= 1) << (i & 63);
            b[i >> 6] |= (uint64_t)(d[i] == 2) << (i & 63);
            sum += d[i];
            sq += d[i] * d[i];
        }
        p.sum[s] = sum;
        p.sq[s] = sq;
    }
    return p;
}

static void planes_free(planes_t *p)
{
    free(p->a);
    free(p->b);
    free(p->sum);
    free(p->sq);
}

/* The squared correlation of the dosages of sites x and y over n samples. */
static double r2_of(const planes_t *p, int n, int64_t x, int64_t y)
{
    const uint64_t *ax = p->a + x * p->nw, *bx = p->b + x * p->nw, *ay = p->a + y * p->nw, *by = p->b + y * p->nw;
    long xy = 0;
    for (int w = 0; w < p->nw; w++)
        xy += __builtin_popcountll(ax[w] & ay[w]) + __builtin_popcountll(ax[w] & by[w]) +
              __builtin_popcountll(bx[w] & ay[w]) + __builtin_popcountll(bx[w] & by[w]);
    double cov = n * (double)xy - p->sum[x] * p->sum[y];
    double vx = n * p->sq[x] - p->sum[x] * p->sum[x], vy = n * p->sq[y] - p->sum[y] * p->sum[y];
    return vx > 0 && vy > 0 ? cov * cov / (vx * vy) : 0;
}

/* Index variants by ascending P: each clumps away the unclumped sites within
 * CLUMP_BP on its contig with r^2 >= CLUMP_R2 (in m).  1 per index site. */
static uint8_t *clump(const dmat_t *m, const gwas_t *g, const sites_t *st)
{
    int64_t S = m->S, n_ok = 0;
    int64_t *order = vs_malloc((S + 1) * sizeof *order);
    for (int64_t s = 0; s < S; s++) if (isfinite(g->p[s])) order[n_ok++] = s;
    sort_key = g->p;
    qsort(order, n_ok, sizeof *order, by_key);
    planes_t pl = planes_of(m);
    uint8_t *gone = vs_calloc(S + 1, 1), *index = vs_calloc(S + 1, 1);
    for (int64_t k = 0; k < n_ok; k++) {
        int64_t s = order[k];
        if (gone[s]) continue;
        index[s] = gone[s] = 1;
        for (int64_t t = s - 1; t >= 0 && st->contig[t] == st->contig[s] && st->pos[s] - st->pos[t] <= CLUMP_BP; t--)
            if (!gone[t] && isfinite(g->p[t]) && r2_of(&pl, m->n, s, t) >= CLUMP_R2) gone[t] = 1;
        for (int64_t t = s + 1; t < S && st->contig[t] == st->contig[s] && st->pos[t] - st->pos[s] <= CLUMP_BP; t++)
            if (!gone[t] && isfinite(g->p[t]) && r2_of(&pl, m->n, s, t) >= CLUMP_R2) gone[t] = 1;
    }
    planes_free(&pl);
    free(gone);
    free(order);
    return index;
}

static double *score(const dmat_t *m, const double *w)
{
    double *sc = vs_calloc(m->n + 1, sizeof *sc);
    for (int64_t s = 0; s < m->S; s++) {
        if (w[s] == 0) continue;
        const uint8_t *d = m->d + s * m->n;
        for (int i = 0; i < m->n; i++) sc[i] += w[s] * d[i];
    }
    return sc;
}

/* R^2 (squared correlation), or the AUC of cases (y 1) against controls. */
/* What accuracy() needs for n samples, made before the resampling threads
 * start: nothing in them may fail to allocate. */
typedef struct {
    double *a, *b;
    void *auc;
    int *all, *idx;
} scratch_t;

static scratch_t scratch_new(int n)
{
    return (scratch_t){ vs_malloc((n + 1) * sizeof(double)), vs_malloc((n + 1) * sizeof(double)),
                        vs_malloc(vs_auc_scratch_bytes(n)), vs_malloc((n + 1) * sizeof(int)),
                        vs_malloc((n + 1) * sizeof(int)) };
}

static void scratch_free(scratch_t *w)
{
    free(w->a);
    free(w->b);
    free(w->auc);
    free(w->all);
    free(w->idx);
}

static double accuracy(const double *sc, const double *y, const int *idx, int n, int binary, scratch_t *w)
{
    if (binary) {
        int na = 0, nb = 0;
        for (int k = 0; k < n; k++) {
            int i = idx ? idx[k] : k;
            if (y[i] > 0.5) w->a[na++] = sc[i];
            else w->b[nb++] = sc[i];
        }
        return na && nb ? vs_auc_into(w->a, na, w->b, nb, w->auc) : NAN;
    }
    double sx = 0, sy = 0;
    for (int k = 0; k < n; k++) { int i = idx ? idx[k] : k; sx += sc[i]; sy += y[i]; }
    double mx = sx / n, my = sy / n, xx = 0, yy = 0, xy = 0;
    for (int k = 0; k < n; k++) {
        int i = idx ? idx[k] : k;
        xx += (sc[i] - mx) * (sc[i] - mx);
        yy += (y[i] - my) * (y[i] - my);
        xy += (sc[i] - mx) * (y[i] - my);
    }
    return xx > 0 && yy > 0 ? xy * xy / (xx * yy) : NAN;
}

/* The weights of the score fitted on (m, y): GWAS and clumping on a seeded
 * 80% of it, the P threshold chosen on the other 20%. */
static double *fit_prs(const dmat_t *m, const double *y, int binary, const sites_t *st, uint64_t seed,
                       uint64_t which, const char *what)
{
    int n = m->n, nv = (int)lround(n * VALIDATION_SHARE), na = n - nv;
    int *perm = vs_rng_permutation(n, seed, VS_RNG_PRS, which);
    dmat_t A = dmat_sub(m, perm, na), V = dmat_sub(m, perm + na, nv);
    double *ya = sub_double(y, perm, na), *yv = sub_double(y, perm + na, nv);
    gwas_t g = gwas(&A, ya, binary);
    uint8_t *index = clump(&A, &g, st);
    double *w = vs_calloc(m->S + 1, sizeof *w), best = -INFINITY, best_t = 1;
    int n_index = 0, best_n = 0;
    for (int64_t s = 0; s < m->S; s++) n_index += index[s];
    for (int t = 0; t < N_THRESHOLDS; t++) {
        int k = 0;
        for (int64_t s = 0; s < m->S; s++) {
            w[s] = index[s] && g.p[s] < thresholds[t] ? g.beta[s] : 0;
            k += w[s] != 0;
        }
        double *sv = score(&V, w);
        scratch_t sw = scratch_new(nv);
        double acc = k ? accuracy(sv, yv, NULL, nv, binary, &sw) : NAN;
        scratch_free(&sw);
        free(sv);
        if (isfinite(acc) && acc > best) { best = acc; best_t = thresholds[t]; best_n = k; }
    }
    for (int64_t s = 0; s < m->S; s++) w[s] = index[s] && g.p[s] < best_t ? g.beta[s] : 0;
    vs_info("utility: the %s score: %d index variants after clumping; P < %g keeps %d (validation %s %.4f)", what,
            n_index, best_t, best_n, binary ? "AUC" : "R^2", best);
    free(index);
    gwas_free(&g);
    free(A.d);
    free(V.d);
    free(ya);
    free(yv);
    free(perm);
    return w;
}

/* ---------- phenotypes ---------- */

/* Each sample's trait (or 0/1 status) under the model; warns about causal
 * variants absent from the common sites (once). */
static double *phenotypes(vs_effects_t *e, const vs_cohorts_t *co, const dmat_t *m, int k, const sites_t *st,
                          int warn)
{
    double *sc = vs_calloc(m->n + 1, sizeof *sc);
    int found = 0;
    for (int64_t s = 0; s < m->S; s++) {
        int v = vs_effects_find(e, st->contig_name[s], st->pos[s], st->ref[s], st->alt[s]);
        if (v < 0) continue;
        vs_pheno_add(e, v, m->d + s * m->n, m->n, sc);
        found++;
    }
    if (warn && found < e->n)
        vs_warn("%d of the %d causal variants are not among the sites the three cohorts share: they add nothing "
                "to any score", e->n - found, e->n);
    vs_pheno_t *p = vs_pheno_finish(e, sc, m->n, co->names[k], co->group_of[k], co->groups->names);
    double *y = vs_malloc((m->n + 1) * sizeof *y);
    for (int i = 0; i < m->n; i++) y[i] = p->status ? p->status[i] == 2 : p->liability[i];
    vs_pheno_destroy(p);
    return y;
}

/* ---------- GWAS recovery ---------- */

/* Per causal variant: bit 0 when the lowest P among the common sites within
 * RECOVERY_BP is below gwas_p (the locus), bit 1 when the causal site's own P
 * is; -1 for a variant with no common site within RECOVERY_BP. */
static int *recovered(const vs_effects_t *e, const gwas_t *g, const sites_t *st, double gwas_p)
{
    int *r = vs_malloc((e->n + 1) * sizeof *r);
    for (int v = 0; v < e->n; v++) {
        double best = INFINITY;
        int any = 0, site = 0;
        for (int64_t s = 0; s < st->S; s++) {
            if (strcmp(st->contig_name[s], e->chrom[v]) || llabs(st->pos[s] - e->pos[v]) > RECOVERY_BP) continue;
            any = 1;
            if (isfinite(g->p[s]) && g->p[s] < best) best = g->p[s];
            if (st->pos[s] == e->pos[v] && !strcmp(st->ref[s], e->ref[v]) && !strcmp(st->alt[s], e->alt[v]))
                site = g->p[s] < gwas_p;
        }
        r[v] = any ? (best < gwas_p) | site << 1 : -1;
    }
    return r;
}

/* ---------- the rows ---------- */

typedef struct {
    const vs_cohorts_t *co;
    const vs_prs_opts_t *o;
    int binary, G, nh;
    double *y_h;                /* holdout phenotypes */
    double *prs[2];             /* holdout scores of the synthetic-fitted and the real-fitted PRS */
    int **members, *n_members;  /* holdout members per group; index G: all */
    int *rec[2];                /* per causal variant: recovered by the synthetic / real GWAS */
    int n_causal;
} prs_run_t;

static void holdout_groups(prs_run_t *r)
{
    int G = r->G;
    r->members = vs_calloc(G + 1, sizeof *r->members);
    r->n_members = vs_calloc(G + 1, sizeof *r->n_members);
    for (int g = 0; g <= G; g++) r->members[g] = vs_malloc((r->nh + 1) * sizeof(int));
    for (int i = 0; i < r->nh; i++) {
        int g = r->co->group_of[VS_HOLDOUT][i];
        r->members[g][r->n_members[g]++] = i;
        r->members[G][r->n_members[G]++] = i;
    }
}

static int usable(const prs_run_t *r, int g)
{
    if (r->n_members[g] < MIN_HOLDOUT) return 0;
    if (!r->binary) return 1;
    int cases = 0;
    for (int k = 0; k < r->n_members[g]; k++) cases += r->y_h[r->members[g][k]] > 0.5;
    return cases >= 2 && r->n_members[g] - cases >= 2;
}

/* One resample b (b < 0: the data): the accuracy of each score in each
 * group and all, (G + 1) x 2 values; groups resampled apart, "all" their union. */
static void resample(const prs_run_t *r, int b, double *out, scratch_t *w)
{
    int G = r->G, *all = w->all, *idx = w->idx, na = 0;
    for (int g = 0; g < G; g++) {
        int n = r->n_members[g];
        for (int k = 0; k < n; k++) {
            int j = b < 0 ? k : (int)(vs_rng_unif(r->o->seed, VS_RNG_PRS_RESAMPLE, ((uint64_t)b << 20) + (uint64_t)g, 1000 + k) * n);
            idx[k] = all[na++] = r->members[g][j];
        }
        for (int x = 0; x < 2; x++) out[2 * g + x] = n ? accuracy(r->prs[x], r->y_h, idx, n, r->binary, w) : NAN;
    }
    for (int x = 0; x < 2; x++) out[2 * G + x] = accuracy(r->prs[x], r->y_h, all, na, r->binary, w);
}


static const char *flag_of(double lo, double hi)
{
    if (isnan(lo) || isnan(hi)) return "NA";
    return lo > 1 ? "better" : hi < 1 ? "worse" : "ok";
}

static void add_row(vs_prs_t *p, const char *group, const char *metric, double syn, double base, double *rep,
                    int B, double level, int ok)
{
    p->rows = vs_realloc(p->rows, (p->n_rows + 1) * sizeof *p->rows);
    vs_fid_row_t *w = &p->rows[p->n_rows++];
    w->group = vs_strdup(group);
    w->metric = vs_strdup(metric);
    w->syn = syn;
    w->base = base;
    w->ratio = vs_ratio(syn, base);
    vs_interval_normal(w->ratio, rep, B, level, &w->lo, &w->hi);
    w->flag = ok ? flag_of(w->lo, w->hi) : "insufficient";
}

/* Best-to-worst gap (vs_group_gap, higher is better) of the usable groups'
 * (synthetic, baseline) pairs in v, of column x; *worst (may be NULL) the
 * group with the lowest value.  rows: scratch for 3 G values and G groups. */
static double gap(const prs_run_t *r, const double *v, int x, double *rows, int *group, int *worst)
{
    int n = 0, at = -1;
    for (int g = 0; g < r->G; g++) {
        if (!usable(r, g)) continue;
        rows[3 * n] = v[2 * g];
        rows[3 * n + 1] = v[2 * g + 1];
        rows[3 * n + 2] = NAN;          /* no reference: not a MATCH metric */
        group[n++] = g;
    }
    double d = vs_group_gap(rows, n, VS_HIGHER, x, worst ? &at : NULL);
    if (worst && at >= 0) *worst = group[at];
    return d;
}

static void prs_rows(const prs_run_t *r, vs_prs_t *p)
{
    int G = r->G, B = r->o->bootstrap;
    const char *metric = r->binary ? "prs_auc" : "prs_r2";
    double *point = vs_malloc((2 * (G + 1) + 1) * sizeof *point), *rep = vs_malloc(((size_t)B * 2 * (G + 1) + 1) * sizeof *rep);
    int n_threads = omp_get_max_threads();
    scratch_t *w = vs_malloc(n_threads * sizeof *w);
    for (int t = 0; t < n_threads; t++) w[t] = scratch_new(r->nh);
    resample(r, -1, point, &w[0]);
#pragma omp parallel for schedule(dynamic, 1) num_threads(n_threads)
    for (int b = 0; b < B; b++) resample(r, b, rep + (size_t)b * 2 * (G + 1), &w[omp_get_thread_num()]);
    for (int t = 0; t < n_threads; t++) scratch_free(&w[t]);
    free(w);
    double *v = vs_malloc((B + 1) * sizeof *v);
    for (int g = G == 1 ? G : 0; g <= G; g++) {
        for (int b = 0; b < B; b++) v[b] = vs_ratio(rep[(size_t)b * 2 * (G + 1) + 2 * g], rep[(size_t)b * 2 * (G + 1) + 2 * g + 1]);
        add_row(p, g == G ? "all" : r->co->groups->names[g], metric, point[2 * g], point[2 * g + 1], v, B,
                r->o->level, g == G ? usable(r, G) : usable(r, g));
    }
    if (G > 1) {
        p->bias = vs_calloc(1, sizeof *p->bias);
        vs_fid_bias_t *bi = &p->bias[p->n_bias++];
        double *rows = vs_malloc(3 * G * sizeof *rows);
        int *group = vs_malloc(G * sizeof *group), worst = -1;
        bi->metric = vs_strdup(metric);
        bi->gap_syn = gap(r, point, 0, rows, group, &worst);
        bi->gap_base = gap(r, point, 1, rows, group, NULL);
        bi->amp = bi->gap_syn - bi->gap_base;
        bi->worst_group = vs_strdup(worst >= 0 && !isnan(bi->amp) ? r->co->groups->names[worst] : "NA");
        for (int b = 0; b < B; b++) {
            const double *x = rep + (size_t)b * 2 * (G + 1);
            v[b] = gap(r, x, 0, rows, group, NULL) - gap(r, x, 1, rows, group, NULL);
        }
        vs_interval_normal(bi->amp, v, B, r->o->level, &bi->lo, &bi->hi);
        bi->flag = vs_bias_flag(bi->amp, bi->lo, bi->hi, 1);
        free(rows);
        free(group);
    }
    free(v);
    free(point);
    free(rep);
}

/* The share of causal variants recovered (bit of rec), synthetic and real,
 * with a paired bootstrap over the variants for the ratio. */
static void recovery_row(const prs_run_t *r, vs_prs_t *p, int bit, const char *metric)
{
    int n = 0, *loci = vs_malloc((r->n_causal + 1) * sizeof *loci), B = r->o->bootstrap;
    for (int v = 0; v < r->n_causal; v++) if (r->rec[0][v] >= 0) loci[n++] = v;
    double share[2] = { 0, 0 }, *rep = vs_malloc((B + 1) * sizeof *rep);
    for (int k = 0; k < n; k++) for (int x = 0; x < 2; x++) share[x] += r->rec[x][loci[k]] >> bit & 1;
    for (int b = 0; b < B; b++) {
        double s[2] = { 0, 0 };
        for (int k = 0; k < n; k++) {
            int v = loci[(int)(vs_rng_unif(r->o->seed, VS_RNG_PRS_RESAMPLE, 0xfeedULL << 32 | (uint64_t)b, k) * n)];
            for (int x = 0; x < 2; x++) s[x] += r->rec[x][v] >> bit & 1;
        }
        rep[b] = vs_ratio(s[0], s[1]);
    }
    if (n < r->n_causal && bit == 0)
        vs_info("utility: %d of the %d causal variants have no shared site within %d kb and are left out of "
                "gwas_recovery", r->n_causal - n, r->n_causal, RECOVERY_BP / 1000);
    add_row(p, "all", metric, n ? share[0] / n : NAN, n ? share[1] / n : NAN, rep, B, r->o->level, n > 0);
    free(rep);
    free(loci);
}

/* ---------- the run ---------- */

/* A seeded k of 0..n-1 (all, in order, when k = n). */
static int *subset(int n, int k, uint64_t seed, uint64_t which)
{
    int *perm = vs_rng_permutation(n, seed, VS_RNG_PRS, which);
    uint8_t *take = vs_calloc(n + 1, 1);
    for (int i = 0; i < k; i++) take[perm[i]] = 1;
    for (int i = 0, j = 0; i < n; i++) if (take[i]) perm[j++] = i;
    free(take);
    return perm;
}

static void fit_both(prs_run_t *r, vs_effects_t *e, const dmat_t *full, double *const *y, const sites_t *st)
{
    int m = full[VS_SYN].n < full[VS_TRAIN].n ? full[VS_SYN].n : full[VS_TRAIN].n;
    const int cohort[2] = { VS_SYN, VS_TRAIN };
    vs_info("utility: %s trait; scores fitted on %d synthetic and %d training samples (the smaller cohort's "
            "size), scored on %d holdout samples", r->binary ? "a case/control" : "a quantitative", m, m, r->nh);
    for (int x = 0; x < 2; x++) {
        int k = cohort[x], *idx = subset(full[k].n, m, r->o->seed, 10 + x);
        dmat_t sub = dmat_sub(&full[k], idx, m);
        double *ys = sub_double(y[k], idx, m);
        double *w = fit_prs(&sub, ys, r->binary, st, r->o->seed, 20 + x, x ? "real" : "synthetic");
        r->prs[x] = score(&full[VS_HOLDOUT], w);
        gwas_t g = gwas(&sub, ys, r->binary);
        r->rec[x] = recovered(e, &g, st, r->o->gwas_p);
        gwas_free(&g);
        free(w);
        free(ys);
        free(sub.d);
        free(idx);
    }
}

vs_prs_t *vs_prs_run(const vs_cohorts_t *co, const vs_prs_opts_t *o, vs_error_t *err)
{
    if (co->n_sites == 0) return vs_fail(err, "the three cohorts share no site: no score can be fitted"), NULL;
    vs_effects_t *e = vs_effects_read(o->effects, err);
    if (!e) return NULL;
    prs_run_t r = { .co = co, .o = o, .binary = isfinite(e->threshold), .G = co->groups->n_groups,
                    .nh = co->geno[VS_HOLDOUT]->n, .n_causal = e->n };
    sites_t st = sites_of(co);
    dmat_t full[3];
    double *y[3];
    for (int k = 0; k < 3; k++) {
        full[k] = dmat_of(co->geno[k]);
        y[k] = phenotypes(e, co, &full[k], k, &st, k == 0);
    }
    r.y_h = y[VS_HOLDOUT];
    holdout_groups(&r);
    fit_both(&r, e, full, y, &st);
    vs_prs_t *p = vs_calloc(1, sizeof *p);
    prs_rows(&r, p);
    recovery_row(&r, p, 0, "gwas_recovery");
    recovery_row(&r, p, 1, "gwas_recovery_site");
    for (int k = 0; k < 3; k++) {
        free(full[k].d);
        free(y[k]);
    }
    for (int g = 0; g <= r.G; g++) free(r.members[g]);
    for (int x = 0; x < 2; x++) {
        free(r.prs[x]);
        free(r.rec[x]);
    }
    free(r.members);
    free(r.n_members);
    sites_free(&st);
    vs_effects_destroy(e);
    return p;
}

void vs_prs_destroy(vs_prs_t *p)
{
    if (!p) return;
    vs_fid_rows_free(p->rows, p->n_rows, p->bias, p->n_bias);
    free(p);
}
