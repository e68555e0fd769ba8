#include "vs_attack.h"
#include "vs_cpu.h"
#include "vs_err.h"
#include "vs_pbwt.h"
#include "vs_rng.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <omp.h>
#include <htslib/khash.h>

KHASH_SET_INIT_STR(name_set)

const double vs_king_band_min[VS_KING_BANDS] = { 0.354, 0.177, 0.0884, 0.0442 };
const char *const vs_king_band_name[VS_KING_BANDS] = { "duplicate", "first", "second", "third" };

vs_scores_t *vs_scores_new(const vs_attack_data_t *d)
{
    vs_scores_t *s = vs_malloc(sizeof *s);
    s->member = vs_malloc((d->train->n + 1) * sizeof *s->member);
    s->nonmember = vs_malloc((d->holdout->n + 1) * sizeof *s->nonmember);
    for (int i = 0; i < d->train->n; i++) s->member[i] = NAN;
    for (int i = 0; i < d->holdout->n; i++) s->nonmember[i] = NAN;
    return s;
}

void vs_scores_destroy(vs_scores_t *s)
{
    if (!s) return;
    free(s->member);
    free(s->nonmember);
    free(s);
}

typedef int (*dist_fn)(const vs_geno_t *, int, const vs_geno_t *, int);

/* Distance from sample i of t to the closest of the listed samples of r
 * (all of r when list is NULL), leaving out r's sample `self`. */
static int nearest(const vs_geno_t *t, int i, const vs_geno_t *r, const int *list, int n, int self, dist_fn f)
{
    int best = INT_MAX;
    for (int k = 0; k < n; k++) {
        int j = list ? list[k] : k;
        if (j == self) continue;
        int x = f(t, i, r, j);
        if (x < best) best = x;
    }
    return best;
}

/* ---------- dcr ---------- */

/* Distance from sample i of t to the closest sample of r that is not its
 * relative (KING kinship below the second-degree band), leaving out `self`.
 * Relatives are common among real cohorts and a split need not place them
 * at random (a file-order split never puts a pair in the holdout together),
 * so a reference that may hold the target's relative calibrates members and
 * non-members differently. */
static int related(const vs_geno_t *t, int i, int het_i, const vs_geno_t *r, int j)
{
    vs_king_counts_t c = { .het_a = het_i, .het_b = vs_geno_het(r, j) };
    vs_king_pair(t, i, r, j, &c);
    return vs_king_kinship(&c) >= vs_king_band_min[2];
}

static int nearest_unrelated(const vs_geno_t *t, int i, const vs_geno_t *r, int self)
{
    int best = INT_MAX, het = vs_geno_het(t, i);
    for (int j = 0; j < r->n; j++) {
        if (j == self) continue;
        int x = vs_geno_distance(t, i, r, j);
        if (x < best && !related(t, i, het, r, j)) best = x;
    }
    return best;
}

/* The calibration set is the holdout less one sample (the target itself for
 * a non-member, a seeded random one for a member, so that both compare with
 * the same number of references) and less the target's relatives. */
static void dcr_one(const vs_geno_t *t, const vs_attack_data_t *d, int is_holdout, double *geno, double *hap,
                    double *cal)
{
#pragma omp parallel for schedule(dynamic, 8)
    for (int i = 0; i < t->n; i++) {
        int left_out = is_holdout ? i : (int)(vs_rng_unif(d->seed, VS_RNG_LEAVE_OUT, 6, (uint64_t)i) * d->holdout->n);
        int to_syn = nearest(t, i, d->syn, NULL, d->syn->n, -1, vs_geno_distance);
        int to_ref = nearest_unrelated(t, i, d->holdout, left_out);
        geno[i] = -to_syn;
        cal[i] = (double)to_ref - to_syn;
        if (d->syn->phased && t->phased) hap[i] = -nearest(t, i, d->syn, NULL, d->syn->n, -1, vs_hap_distance);
    }
}

void vs_attack_dcr(const vs_attack_data_t *d, vs_scores_t *geno, vs_scores_t *hap, vs_scores_t *cal)
{
    dcr_one(d->train, d, 0, geno->member, hap->member, cal->member);
    dcr_one(d->holdout, d, 1, geno->nonmember, hap->nonmember, cal->nonmember);
}

/* ---------- aats ---------- */

static double closer(int a, int b) { return a < b ? 1 : a == b ? 0.5 : 0; }

double vs_aats_indicators(const vs_geno_t *R, const int *r, const vs_geno_t *S, const int *s, int n,
                          double *real_side, double *syn_side)
{
    double sum_real = 0, sum_syn = 0;
#pragma omp parallel for schedule(dynamic, 8) reduction(+ : sum_real, sum_syn)
    for (int i = 0; i < n; i++) {
        int d_rs = nearest(R, r[i], S, s, n, -1, vs_geno_distance);
        int d_rr = nearest(R, r[i], R, r, n, r[i], vs_geno_distance);
        int d_sr = nearest(S, s[i], R, r, n, -1, vs_geno_distance);
        int d_ss = nearest(S, s[i], S, s, n, s[i], vs_geno_distance);
        real_side[i] = closer(d_rr, d_rs);    /* d_RS > d_RR: the attacker's nearest is real */
        syn_side[i] = closer(d_ss, d_sr);
        sum_real += real_side[i];
        sum_syn += syn_side[i];
    }
    return 0.5 * (sum_real / n + sum_syn / n);
}

/* AA of one real set R (subset r of size n) against the synthetic subset s;
 * score[r[i]] = [R_i is closer to S than to the rest of R]. */
static double adversarial_accuracy(const vs_geno_t *R, const int *r, const vs_geno_t *S, const int *s, int n,
                                   double *score)
{
    double *real_side = vs_malloc((n + 1) * sizeof *real_side), *syn_side = vs_malloc((n + 1) * sizeof *syn_side);
    double aa = vs_aats_indicators(R, r, S, s, n, real_side, syn_side);
    for (int i = 0; i < n; i++) score[r[i]] = 1 - real_side[i];
    free(real_side);
    free(syn_side);
    return aa;
}

void vs_attack_aats(const vs_attack_data_t *d, vs_scores_t *sc, vs_aats_t *out)
{
    int n = d->syn->n;
    if (d->train->n < n) n = d->train->n;
    if (d->holdout->n < n) n = d->holdout->n;
    int *s = vs_rng_permutation(d->syn->n, d->seed, VS_RNG_SPLIT, 1);
    int *t = vs_rng_permutation(d->train->n, d->seed, VS_RNG_SPLIT, 2);
    int *h = vs_rng_permutation(d->holdout->n, d->seed, VS_RNG_SPLIT, 3);
    out->n = n;
    out->aa_train = adversarial_accuracy(d->train, t, d->syn, s, n, sc->member);
    out->aa_holdout = adversarial_accuracy(d->holdout, h, d->syn, s, n, sc->nonmember);
    out->privacy_loss = out->aa_holdout - out->aa_train;
    free(s);
    free(t);
    free(h);
}

/* ---------- king ---------- */

static void king_one(const vs_geno_t *t, const vs_geno_t *syn, double *score, long *bands)
{
    long counts[VS_KING_BANDS] = { 0 };
    int *syn_het = vs_malloc((syn->n + 1) * sizeof *syn_het);
    for (int j = 0; j < syn->n; j++) syn_het[j] = vs_geno_het(syn, j);
#pragma omp parallel for schedule(dynamic, 8) reduction(+ : counts[:VS_KING_BANDS])
    for (int i = 0; i < t->n; i++) {
        double best = -INFINITY;
        vs_king_counts_t c = { .het_a = vs_geno_het(t, i) };
        for (int j = 0; j < syn->n; j++) {
            vs_king_pair(t, i, syn, j, &c);
            c.het_b = syn_het[j];
            double k = vs_king_kinship(&c);
            if (isnan(k)) continue;
            if (k > best) best = k;
            for (int b = 0; b < VS_KING_BANDS; b++)
                if (k >= vs_king_band_min[b]) { counts[b]++; break; }
        }
        score[i] = isinf(best) ? NAN : best;
    }
    for (int b = 0; b < VS_KING_BANDS; b++) bands[b] = counts[b];
    free(syn_het);
}

void vs_attack_king(const vs_attack_data_t *d, vs_scores_t *s, vs_king_bands_t *bands)
{
    king_one(d->train, d->syn, s->member, bands->member_pairs);
    king_one(d->holdout, d->syn, s->nonmember, bands->nonmember_pairs);
}

/* ---------- ibd ---------- */

/* The longer of the target's two longest matches; ties (common haplotypes
 * can span a short region whole) broken by the other one, so that a copied
 * sample, matched whole on both haplotypes, stands above them. */
static void ibd_one(const vs_attack_data_t *d, const vs_geno_t *t, double *score)
{
    double *best = vs_malloc((2 * t->n + 1) * sizeof *best), span = 0;
    vs_pbwt_longest_match(d->syn, t, d->cm, d->contig_start, best);
    for (int64_t j = 1; j < t->n_sites; j++)
        if (!d->contig_start[j]) span += d->cm[j] - d->cm[j - 1];
    for (int i = 0; i < t->n; i++) {
        double hi = fmax(best[2 * i], best[2 * i + 1]), lo = fmin(best[2 * i], best[2 * i + 1]);
        score[i] = hi + 1e-6 * lo / (span > 0 ? span : 1);
    }
    free(best);
}

void vs_attack_ibd(const vs_attack_data_t *d, vs_scores_t *s)
{
    ibd_one(d, d->train, s->member);
    ibd_one(d, d->holdout, s->nonmember);
}

/* ---------- af ---------- */

static inline int dosage(const vs_geno_t *g, int i, int64_t j)
{
    return ((vs_geno_h0(g, i)[j >> 6] >> (j & 63)) & 1) + ((vs_geno_h1(g, i)[j >> 6] >> (j & 63)) & 1);
}

static double *alt_counts(const vs_geno_t *g)
{
    double *c = vs_calloc(g->n_sites + 1, sizeof *c);
    for (int i = 0; i < g->n; i++)
        for (int64_t j = 0; j < g->n_sites; j++) c[j] += dosage(g, i, j);
    return c;
}

/* The reference is the holdout less one sample, for every target: the target
 * itself for a non-member, a seeded random holdout sample for a member, so
 * that both sides use references of the same size; and less the target's
 * relatives. */
static void homer_one(const vs_attack_data_t *d, const vs_geno_t *t, int is_holdout, const double *syn_af,
                      const double *ref_count, double *score)
{
    const vs_geno_t *h = d->holdout;
    int n_threads = omp_get_max_threads();
    /* each thread's list of left-out samples, made here: nothing in the threads may fail to allocate */
    int *outs = vs_malloc((size_t)n_threads * (h->n + 1) * sizeof *outs);
#pragma omp parallel for schedule(dynamic, 8) num_threads(n_threads)
    for (int i = 0; i < t->n; i++) {
        int left_out = is_holdout ? i : (int)(vs_rng_unif(d->seed, VS_RNG_LEAVE_OUT, 7, (uint64_t)i) * h->n);
        /* the target's relatives leave the reference too (see nearest_unrelated) */
        int het = vs_geno_het(t, i), n_out = 1, *out = outs + (size_t)omp_get_thread_num() * (h->n + 1);
        out[0] = left_out;
        for (int r = 0; r < h->n; r++)
            if (r != left_out && related(t, i, het, h, r)) out[n_out++] = r;
        double D = 0;
        for (int64_t j = 0; j < t->n_sites; j++) {
            double y = dosage(t, i, j) / 2.0, count = ref_count[j];
            for (int r = 0; r < n_out; r++) count -= dosage(h, out[r], j);
            double ref = count / (2.0 * (h->n - n_out));
            D += fabs(y - ref) - fabs(y - syn_af[j]);
        }
        score[i] = h->n > n_out ? D : NAN;
    }
    free(outs);
}

void vs_attack_af(const vs_attack_data_t *d, vs_scores_t *s)
{
    double *syn_af = alt_counts(d->syn), *ref = alt_counts(d->holdout);
    for (int64_t j = 0; j < d->syn->n_sites; j++) syn_af[j] /= 2.0 * d->syn->n;
    homer_one(d, d->train, 0, syn_af, ref, s->member);
    homer_one(d, d->holdout, 1, syn_af, ref, s->nonmember);
    free(syn_af);
    free(ref);
}

/* ---------- unique ---------- */

KHASH_MAP_INIT_INT64(kmer, int)

#define SHARED_KMER (-1)

/* The k bits of haplotype h of sample i starting at site j0. */
static uint64_t kmer_at(const vs_geno_t *g, int i, int h, int64_t j0, int k)
{
    const uint64_t *p = h ? vs_geno_h1(g, i) : vs_geno_h0(g, i);
    int64_t w = j0 >> 6;
    int off = (int)(j0 & 63);
    uint64_t v = p[w] >> off;
    if (off && off + k > 64) v |= p[w + 1] << (64 - off);
    return k == 64 ? v : v & ((1ull << k) - 1);
}

/* Real samples: train 0..nt-1, then holdout. */
static void count_real_kmers(const vs_attack_data_t *d, int64_t j0, int k, khash_t(kmer) *owner)
{
    const vs_geno_t *sets[2] = { d->train, d->holdout };
    for (int s = 0, base = 0; s < 2; base += sets[s]->n, s++)
        for (int i = 0; i < sets[s]->n; i++)
            for (int h = 0; h < 2; h++) {
                int absent;
                khiter_t it = kh_put(kmer, owner, kmer_at(sets[s], i, h, j0, k), &absent);
                if (absent) kh_val(owner, it) = base + i;
                else if (kh_val(owner, it) != base + i) kh_val(owner, it) = SHARED_KMER;
            }
}

void vs_attack_unique(const vs_attack_data_t *d, vs_scores_t *s, vs_unique_t *out)
{
    const int k = d->kmer, nt = d->train->n, nh = d->holdout->n;
    long *hits = vs_calloc(nt + nh + 1, sizeof *hits);
    long windows = 0, syn_kmers = 0, to_train = 0, to_holdout = 0;
    khash_t(kmer) *owner = kh_init(kmer), *in_syn = kh_init(kmer);
    for (int64_t j0 = 0; j0 + k <= d->syn->n_sites; windows++) {
        int64_t end = j0 + 1;                          /* a window stays inside one contig */
        while (end < j0 + k && !d->contig_start[end]) end++;
        if (end < j0 + k) { j0 = end; windows--; continue; }
        kh_clear(kmer, owner);
        kh_clear(kmer, in_syn);
        count_real_kmers(d, j0, k, owner);
        for (int i = 0; i < d->syn->n; i++)
            for (int h = 0; h < 2; h++) {
                uint64_t key = kmer_at(d->syn, i, h, j0, k);
                int absent;
                kh_put(kmer, in_syn, key, &absent);
                khiter_t it = kh_get(kmer, owner, key);
                int who = it == kh_end(owner) ? SHARED_KMER : kh_val(owner, it);
                syn_kmers++;
                to_train += who >= 0 && who < nt;
                to_holdout += who >= nt;
            }
        /* a target scores each of its k-mers that is its own alone and was synthesised */
        for (khiter_t it = kh_begin(owner); it != kh_end(owner); it++)
            if (kh_exist(owner, it) && kh_val(owner, it) >= 0 && kh_get(kmer, in_syn, kh_key(owner, it)) != kh_end(in_syn))
                hits[kh_val(owner, it)]++;
        j0 += k;
    }
    for (int i = 0; i < nt; i++) s->member[i] = windows ? hits[i] / (2.0 * windows) : NAN;
    for (int i = 0; i < nh; i++) s->nonmember[i] = windows ? hits[nt + i] / (2.0 * windows) : NAN;
    out->k = k;
    out->syn_kmers = syn_kmers;
    out->unique_train = syn_kmers ? (double)to_train / syn_kmers : NAN;
    out->unique_holdout = syn_kmers ? (double)to_holdout / syn_kmers : NAN;
    kh_destroy(kmer, owner);
    kh_destroy(kmer, in_syn);
    free(hits);
}

/* ---------- partial ---------- */

VS_CLONES_POPCNT
static int masked_distance(const vs_geno_t *a, int i, const vs_geno_t *b, int j, const uint64_t *mask)
{
    const uint64_t *a0 = vs_geno_h0(a, i), *a1 = vs_geno_h1(a, i), *b0 = vs_geno_h0(b, j), *b1 = vs_geno_h1(b, j);
    int dist = 0;
    for (int w = 0; w < a->nw; w++)
        dist += __builtin_popcountll((((a0[w] | a1[w]) ^ (b0[w] | b1[w])) | ((a0[w] & a1[w]) ^ (b0[w] & b1[w]))) &
                                     mask[w]);
    return dist;
}

static void partial_one(const vs_attack_data_t *d, const vs_geno_t *t, uint64_t role, double *score)
{
    int m = d->known_sites < t->n_sites ? d->known_sites : (int)t->n_sites, n_threads = omp_get_max_threads();
    /* each thread's mask and site order, made here: nothing in the threads may fail to allocate */
    uint64_t *masks = vs_malloc((size_t)n_threads * (t->nw + 1) * sizeof *masks);
    int *orders = vs_malloc((size_t)n_threads * (t->n_sites + 1) * sizeof *orders);
#pragma omp parallel for schedule(dynamic, 8) num_threads(n_threads)
    for (int i = 0; i < t->n; i++) {
        int me = omp_get_thread_num();
        uint64_t *mask = masks + (size_t)me * (t->nw + 1);
        int *known = orders + (size_t)me * (t->n_sites + 1);
        memset(mask, 0, (t->nw + 1) * sizeof *mask);
        for (int k = 0; k < (int)t->n_sites; k++) known[k] = k;       /* vs_rng_permutation, in place */
        vs_rng_shuffle(known, (int)t->n_sites, d->seed, VS_RNG_PARTIAL, (role << 32) | (uint64_t)i);
        for (int k = 0; k < m; k++) mask[known[k] >> 6] |= 1ull << (known[k] & 63);
        int best = INT_MAX;
        for (int j = 0; j < d->syn->n; j++) {
            int x = masked_distance(t, i, d->syn, j, mask);
            if (x < best) best = x;
        }
        score[i] = -best;
    }
    free(masks);
    free(orders);
}

void vs_attack_partial(const vs_attack_data_t *d, vs_scores_t *s)
{
    partial_one(d, d->train, 4, s->member);
    partial_one(d, d->holdout, 5, s->nonmember);
}

/* ---------- names ---------- */

void vs_attack_names(const vs_attack_data_t *d, vs_scores_t *s)
{
    khash_t(name_set) *syn = kh_init(name_set);
    int absent;
    for (int i = 0; i < d->syn->n; i++) kh_put(name_set, syn, d->names[0][i], &absent);
    for (int i = 0; i < d->train->n; i++) s->member[i] = kh_get(name_set, syn, d->names[1][i]) != kh_end(syn);
    for (int i = 0; i < d->holdout->n; i++) s->nonmember[i] = kh_get(name_set, syn, d->names[2][i]) != kh_end(syn);
    kh_destroy(name_set, syn);
}
