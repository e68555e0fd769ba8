#include "vs_kcopy.h"
#include "vs_err.h"
#include "vs_rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <omp.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_randist.h>

#define NO_EPOCH INT64_MIN
#define FAR INT64_MAX
#define CACHE_SLOTS 4096
#define WINDOW 8              /* a carrier matches a scattered allele's host over at most 2 WINDOW - 1 sites */
#define OVERDUE 16            /* carriers followed past the window */
#define PENDING_OVERDUE (-1)  /* s->pending: past the window, stepping off at the first site it can */
#define TRACT_RESTART 2       /* s->valid: a local-ancestry tract begins; restart in its group */

/* One group's panel in PBWT form.  Template t is panel haplotype
 * panel_hap[t] and belongs to the group's individual t / 2. */
typedef struct {
    int K, n_ind;
    int *panel_hap;
    int *a, *a1;               /* sort order before and after the current site */
    int *where;                /* where[t]: t's place in a */
    int64_t *d, *d1;           /* d[j]: first site (stream index) from which a[j-1] and a[j] agree */
    int *u0;                   /* u0[j]: templates with allele 0 among a[0..j) */
    int n0;
    uint8_t *y;                /* each template's allele at the current site */
    uint8_t *hist;             /* its alleles at the last 8 sites, bit 0 the current one */
    int carriers[2];           /* individuals carrying allele 0, 1 at the current site */
    int haps[2];               /* templates carrying allele 0, 1 */
    double rate;               /* Poisson breakpoints per Morgan */
    int n_syn;
    int *syn_hap;
    double *fresh_freq;        /* by allele count 1..2K-2: frequency in a fresh sample, or NULL */
    int *scatter_carriers;     /* per site of the last WINDOW + 1: carriers of the allele scattered there */
    int *n_scatter_carriers;
} kgroup_t;

/* One synthetic haplotype: what every site touches (24 bytes) ... */
typedef struct {
    double next_event;         /* the first of: next restart, next breakpoint, the segment cap (Morgans) */
    int32_t t;                 /* template copied now */
    int32_t f, g;              /* block of templates agreeing with it from c to the current site */
    uint8_t valid;             /* state reached: restarted inside this stream (TRACT_RESTART: restart due) */
    uint8_t hist;              /* alleles copied at the last 8 sites, bit 0 the current one */
    uint8_t since;             /* sites copied since the last restart (at most 255) */
    int8_t pending;            /* sites left to step off the carriers of a scattered allele, 0: none */
} hstate_t;

/* ... and what only jumps, restarts and pieces touch. */
typedef struct {
    double epoch_end;          /* where the next restart epoch starts (Morgans) */
    double next_bp;            /* the next Poisson breakpoint (Morgans) */
    int64_t c;                 /* context start (stream index): carriers are counted from here */
    int64_t epoch;             /* restart epoch, NO_EPOCH until the stream's first site */
    int32_t bp_j;              /* index of the next Poisson breakpoint of the epoch */
    uint8_t ended;             /* a piece ended at this site (pending[h] holds it) */
    double piece_x;            /* genetic position of the piece's first site */
    int64_t piece_ctx, piece_start, piece_end;   /* bp; start 0: no written site yet */
    int64_t pending_idx;       /* the site a rare allele was scattered at */
    uint64_t pending_mask;     /* its carriers (bits into the site's list) still agreeing */
    int32_t overdue[OVERDUE];  /* past the window: the carriers' templates still agreeing */
    int8_t n_overdue;
} hcold_t;

/* Where the haplotypes failing in one block at one site land. */
typedef struct {
    int64_t idx, c2;
    int32_t group, f, g, f2, g2;
    int8_t y, y2;
} jump_memo_t;

/* Per-thread marks for counting distinct individuals, and caches of block
 * counts and jumps (many synthetic haplotypes share a block). */
typedef struct {
    uint32_t gen;
    uint32_t *stamp;
    uint8_t *sides;
    struct { int64_t idx; int32_t group, f, g, n; } cache[CACHE_SLOTS];
    jump_memo_t jumps[CACHE_SLOTS];
} scratch_t;

struct vs_kcopy_t {
    const vs_model_t *m;
    vs_sample_opts_t o;
    int n_hap, G, K, F;
    kgroup_t *grp;
    int *group_of_hap;
    double *phase;             /* restart phase of each haplotype on the current contig */
    hstate_t *st;
    hcold_t *cold;
    vs_piece_t *pending;       /* per haplotype: the piece that ended here */
    vs_piece_t *pieces;        /* the ended pieces of the last call, in haplotype order */
    int n_pieces;
    int contig;
    int64_t idx;               /* stream index of the current site */
    int64_t *pos_at;           /* stream index - pos_base -> position, with provenance */
    int64_t pos_base, n_pos, m_pos;
    int n_threads;
    scratch_t *scratch;
    int stream_start;          /* the next site is the first of a stream */
    /* --condition (NULL without): per haplotype its condition (-1: none), target
     * allele, window start and phase; per condition x group each template's allele */
    int *cond_of_hap;
    uint8_t *cond_allele, *cond_phase;
    double *cond_w;
    uint8_t **cond_y;
    int cond_here;             /* the condition whose site this is, or -1 */
    int lost;                  /* 1 + a haplotype that found no template (a bug), or 0 */
};

enum { COND_BEFORE, COND_WINDOW, COND_DONE };

/* ---------- the positional BWT of a group ---------- */

static void pbwt_reset(kgroup_t *g, int64_t idx)
{
    for (int j = 0; j < g->K; j++) {
        g->a[j] = g->where[j] = j;
        g->d[j] = idx;          /* no site seen: every pair agrees on the empty stretch */
    }
}

/* Durbin's algorithm 2 for the site with stream index idx: the new order a1,
 * d1, and the prefix counts u0 that map a block of a to its part in a1. */
static void pbwt_step(kgroup_t *g, int64_t idx)
{
    int n0 = 0, n1 = 0;
    int64_t p = idx + 1, q = idx + 1;
    int *ones = g->u0 + g->K + 1;       /* scratch: templates with allele 1, in order */
    int64_t *d_ones = g->d1 + g->K + 1;
    for (int j = 0; j < g->K; j++) {
        g->u0[j] = n0;
        if (g->d[j] > p) p = g->d[j];
        if (g->d[j] > q) q = g->d[j];
        int t = g->a[j];
        if (g->y[t] == 0) {
            g->a1[n0] = t;
            g->d1[n0++] = p;
            p = 0;
        } else {
            ones[n1] = t;
            d_ones[n1++] = q;
            q = 0;
        }
    }
    g->u0[g->K] = n0;
    g->n0 = n0;
    memcpy(g->a1 + n0, ones, n1 * sizeof *ones);
    memmove(g->d1 + n0, d_ones, n1 * sizeof *d_ones);
}

static void pbwt_commit(kgroup_t *g)
{
    int *a = g->a;
    int64_t *d = g->d;
    g->a = g->a1;
    g->d = g->d1;
    g->a1 = a;
    g->d1 = d;
    for (int j = 0; j < g->K; j++) g->where[g->a[j]] = j;
}

/* Position in the new order of block boundary j of the old order, for the
 * templates with allele y. */
static inline int map_to(const kgroup_t *g, int j, int y)
{
    return y == 0 ? g->u0[j] : g->n0 + (j - g->u0[j]);
}

/* Templates with allele y among a[f..g) of the old order. */
static inline int side_haps(const kgroup_t *g, int f, int gg, int y)
{
    int zeros = g->u0[gg] - g->u0[f];
    return y == 0 ? zeros : (gg - f) - zeros;
}

/* ---------- counting individuals ---------- */

/* Distinct individuals among templates a[f..g), counted up to `cap` (two
 * templates per individual: 2 cap - 1 templates hold at least cap). */
static int individuals(const int *a, int f, int g, int cap, scratch_t *w)
{
    if (g - f >= 2 * cap - 1) return cap;
    w->gen++;
    int n = 0;
    for (int j = f; j < g && n < cap; j++) {
        int ind = a[j] >> 1;
        if (w->stamp[ind] != w->gen) {
            w->stamp[ind] = w->gen;
            n++;
        }
    }
    return n;
}

/* individuals() of a block of the new order, remembered for this site. */
static int individuals_cached(const kgroup_t *g, int gi, int64_t idx, int f, int gg, int cap, scratch_t *w)
{
    if (gg - f >= 2 * cap - 1) return cap;
    unsigned slot = ((unsigned)f * 2654435761u ^ (unsigned)gg * 40503u ^ (unsigned)gi) % CACHE_SLOTS;
    if (w->cache[slot].idx == idx && w->cache[slot].group == gi && w->cache[slot].f == f && w->cache[slot].g == gg)
        return w->cache[slot].n;
    int n = individuals(g->a1, f, gg, cap, w);
    w->cache[slot].idx = idx;
    w->cache[slot].group = gi;
    w->cache[slot].f = f;
    w->cache[slot].g = gg;
    w->cache[slot].n = n;
    return n;
}

/* Counts template t's individual on the side of its allele, once per side. */
static inline void side_add(const kgroup_t *g, scratch_t *w, int t, int exclude_ind, int n[2])
{
    int ind = t >> 1, side = g->y[t];
    if (ind == exclude_ind) return;
    if (w->stamp[ind] != w->gen) {
        w->stamp[ind] = w->gen;
        w->sides[ind] = 0;
    }
    if (!(w->sides[ind] & (1 << side))) {
        w->sides[ind] |= (uint8_t)(1 << side);
        n[side]++;
    }
}

/* Individuals on each side of the block [f, g) of the old order. */
static void count_sides(const kgroup_t *g, scratch_t *w, int f, int gg, int exclude_ind, int n[2])
{
    w->gen++;
    n[0] = n[1] = 0;
    for (int j = f; j < gg; j++) side_add(g, w, g->a[j], exclude_ind, n);
}

/* Widens the block [*f, *g) of the old order (agreeing since *c), step by
 * step to shorter contexts, until allele `side` (-1: either) is carried by
 * `need` individuals other than exclude_ind, or to context `floor_c`
 * whichever is wider (need 0: to floor_c only).  n[] gets the individuals on
 * each side; it must hold the counts of the block as given. */
static void widen(const kgroup_t *g, scratch_t *w, int *f, int *gg, int64_t *c, int need, int side,
                  int64_t floor_c, int exclude_ind, int n[2])
{
    for (;;) {
        int short_of = need && (side >= 0 ? n[side] < need : n[0] < need && n[1] < need);
        int64_t up = *f > 0 ? g->d[*f] : FAR, down = *gg < g->K ? g->d[*gg] : FAR;
        int64_t next = up < down ? up : down;
        if (next == FAR || (!short_of && next > floor_c)) break;
        int64_t to = short_of && next > floor_c ? next : floor_c;    /* one step, or to the floor at once */
        if (to > *c) *c = to;
        while (*f > 0 && g->d[*f] <= to) side_add(g, w, g->a[--*f], exclude_ind, n);
        while (*gg < g->K && g->d[*gg] <= to) side_add(g, w, g->a[(*gg)++], exclude_ind, n);
    }
}

/* ---------- random choices: order-independent, keyed by seed, haplotype and site ---------- */

static uint64_t jump_key(const vs_kcopy_t *k, int h, uint64_t site_key)
{
    return vs_hash3(k->o.seed ^ ((uint64_t)VS_RNG_JUMP << 56), (uint64_t)h, site_key);
}

/* A template of [f, g) of the old order with allele y, drawn uniformly: the
 * one with the smallest keyed hash, so that the order of equal haplotypes
 * (which depends on where the stream started) does not matter. */
static int draw_in_block_among(const kgroup_t *g, int f, int gg, int y, int exclude_ind, uint64_t key,
                               const uint8_t *want, int a);

static int draw_in_block(const kgroup_t *g, int f, int gg, int y, int exclude_ind, uint64_t key)
{
    return draw_in_block_among(g, f, gg, y, exclude_ind, key, NULL, 0);
}

/* draw_in_block among the templates t with want[t] == a (want NULL: all). */
static int draw_in_block_among(const kgroup_t *g, int f, int gg, int y, int exclude_ind, uint64_t key,
                               const uint8_t *want, int a)
{
    if (gg - f > 64) {
        /* a large block: templates drawn from the whole group until one falls in it (the
         * first of a keyed sequence: also independent of the order) */
        for (uint64_t i = 0; i < 64; i++) {
            int t = (int)((vs_mix64(key ^ (i + 1) * 0xD1B54A32D192ED03ull) >> 11) * 0x1.0p-53 * g->K);
            if (g->where[t] >= f && g->where[t] < gg && g->y[t] == y && (t >> 1) != exclude_ind &&
                (!want || want[t] == a))
                return t;
        }
    }
    int best = -1;
    uint64_t best_h = UINT64_MAX;
    for (int j = f; j < gg; j++) {
        int t = g->a[j];
        if (g->y[t] != y || (t >> 1) == exclude_ind || (want && want[t] != a)) continue;
        uint64_t hv = vs_mix64(key ^ (uint64_t)t * 0x9E3779B97F4A7C15ull);
        if (hv < best_h) {
            best_h = hv;
            best = t;
        }
    }
    return best;
}

/* A template drawn uniformly from the whole group among the allowed alleles
 * (and, want set, among the templates t with want[t] == a: -1 when none). */
static int draw_in_group(const kgroup_t *g, const int allowed[2], int exclude_ind, uint64_t key, const uint8_t *want,
                         int a)
{
    vs_stream_t st;
    vs_stream_set(&st, key, VS_RNG_JUMP, 1, 0);
    for (int tries = 0; tries < 64; tries++) {
        int t = (int)(vs_stream_unif(&st) * g->K);
        if (allowed[g->y[t]] && (t >> 1) != exclude_ind && (!want || want[t] == a)) return t;
    }
    if (want) {           /* few such templates: the keyed smallest hash among all of them */
        int t = -1;
        for (int y = 0; y < 2 && t < 0; y++)
            if (allowed[y]) t = draw_in_block_among(g, 0, g->K, y, exclude_ind, key ^ (uint64_t)y, want, a);
        return t;
    }
    /* a lopsided site: draw the side by its templates, then the template in it */
    int n1 = allowed[1] ? g->haps[1] : 0, n0 = allowed[0] ? g->haps[0] : 0;
    int y = vs_stream_unif(&st) * (n0 + n1) < n1;
    return draw_in_block(g, 0, g->K, y, exclude_ind, key);
}

/* In its conditioning window, a haplotype draws among the templates with its
 * target allele at the condition's site: their alleles there, and the target. */
static const uint8_t *cond_want(const vs_kcopy_t *k, int h, int gi, int *a)
{
    if (!k->cond_phase || k->cond_phase[h] != COND_WINDOW) return NULL;
    *a = k->cond_allele[h];
    return k->cond_y[k->cond_of_hap[h] * k->G + gi];
}

/* ---------- restart epochs and Poisson breakpoints ---------- */

static double epoch_start(const vs_kcopy_t *k, int h, int64_t e)
{
    return ((double)e + k->phase[h]) * (VS_KCOPY_RESTART_CM / 100.0);
}

static int64_t epoch_of(const vs_kcopy_t *k, int h, double x)
{
    return vs_restart_epoch(x, k->phase[h]);
}

static double breakpoint_gap(const vs_kcopy_t *k, const kgroup_t *g, int h, int64_t e, int32_t j)
{
    if (g->rate <= 0) return INFINITY;
    uint64_t key = vs_hash3((uint64_t)k->contig ^ 0x6b636f7079ull, (uint64_t)e, (uint64_t)(uint32_t)j);
    return -log(vs_rng_unif(k->o.seed, VS_RNG_BREAKPOINT, (uint64_t)h, key)) / g->rate;
}

/* 1 when Poisson breakpoints lie between the last site and x. */
static int pass_breakpoints(vs_kcopy_t *k, const kgroup_t *g, int h, double x)
{
    int passed = 0;
    while (k->cold[h].next_bp <= x) {
        k->cold[h].next_bp += breakpoint_gap(k, g, h, k->cold[h].epoch, ++k->cold[h].bp_j);
        passed = 1;
    }
    return passed;
}

/* ---------- pieces ---------- */

static int64_t position_of(const vs_kcopy_t *k, int64_t idx)
{
    return k->pos_at && idx >= k->pos_base && idx - k->pos_base < k->n_pos ? k->pos_at[idx - k->pos_base] : 0;
}

static void end_piece(vs_kcopy_t *k, int h, hstate_t *s, const kgroup_t *g)
{
    if (k->o.provenance && k->cold[h].piece_start) {
        k->pending[h] = (vs_piece_t){ h, g->panel_hap[s->t], k->cold[h].piece_ctx, k->cold[h].piece_start, k->cold[h].piece_end };
        k->cold[h].ended = 1;
    }
    k->cold[h].piece_start = k->cold[h].piece_end = 0;
}

/* Starts copying template t (allele y here), its block the y-templates of
 * [f, g) of the old order, its carriers counted from c. */
static void begin_piece(vs_kcopy_t *k, int h, hstate_t *s, const kgroup_t *g, int t, int f, int gg, int64_t c,
                        double x)
{
    end_piece(k, h, s, g);
    int y = g->y[t];
    s->t = t;
    s->f = map_to(g, f, y);
    s->g = map_to(g, gg, y);
    k->cold[h].c = c;
    k->cold[h].piece_x = x;
    k->cold[h].piece_ctx = c < k->idx ? position_of(k, c) : -1;      /* -1: no context; set when written */
}

/* ---------- jumps ---------- */

/* A fresh draw from the whole group with no context (restarts, uniform
 * jumps): any allele carried by K individuals (other than exclude_ind). */
static void jump_uniform(vs_kcopy_t *k, int h, hstate_t *s, kgroup_t *g, int exclude_ind, int avoid, double x,
                         uint64_t key)
{
    int allowed[2];
    for (int v = 0; v < 2; v++) {
        int n = g->carriers[v];
        if (exclude_ind >= 0 && (g->y[2 * exclude_ind] == v || g->y[2 * exclude_ind + 1] == v)) n--;
        allowed[v] = n >= k->K;
    }
    if (avoid >= 0 && allowed[1 - avoid]) allowed[avoid] = 0;
    int a = 0;
    const uint8_t *want = cond_want(k, h, (int)(g - k->grp), &a);
    int t = want ? draw_in_group(g, allowed, exclude_ind, key, want, a) : -1;
    if (t < 0) t = draw_in_group(g, allowed, exclude_ind, key, NULL, 0);
    if (t < 0) {          /* cannot happen: reported after the parallel loop, which must not exit */
#pragma omp atomic write
        k->lost = h + 1;
        t = 0;
    }
    begin_piece(k, h, s, g, t, 0, g->K, k->idx, x);
}

/* The allele to carry on with after the piece's carriers fell below K:
 * the template's own (y) when at least F individuals of the block share it,
 * else the other one when none or at least F of the block carry it, else
 * the one more of them carry.  Never an allele fewer than K of the group carry. */
static int allele_after_failure(const vs_kcopy_t *k, const kgroup_t *g, int y, const int o[2])
{
    int other = 1 - y;
    if (g->carriers[other] < k->K) return y;
    if (g->carriers[y] < k->K) return other;
    if (o[y] >= k->F) return y;
    if (o[other] == 0 || o[other] >= k->F) return other;
    return o[other] > o[y] ? other : y;
}

/* A neighbour jump: the new template agrees with the synthetic haplotype
 * over the longest recent context (at most context_sites sites) in which at
 * least K individuals carry the chosen allele.  failure: the piece's carriers
 * fell below K; else a Poisson breakpoint or the segment cap (a redraw in the
 * context cut to its cap).  avoid: an allele to step off (or -1). */
/* Where a neighbour jump lands: the block [*f, *g) of the old order, its
 * context *c, the allele; the same for every haplotype that jumps from the
 * same block at the same site. */
static int jump_block(const vs_kcopy_t *k, const kgroup_t *g, scratch_t *w, int y_tmpl, int failure,
                      int exclude_ind, int avoid, int *f, int *gg, int64_t *c, uint64_t key)
{
    int o[2], n[2];
    int64_t cap = k->idx - k->o.context_sites;
    count_sides(g, w, *f, *gg, exclude_ind, o);
    n[0] = o[0];
    n[1] = o[1];
    int y;
    if (failure) {
        y = allele_after_failure(k, g, y_tmpl, o);
    } else {
        /* an allele whose followers in the block are none or at least F, drawn by its templates */
        widen(g, w, f, gg, c, 0, -1, cap, exclude_ind, n);
        int ok[2];
        for (int v = 0; v < 2; v++) ok[v] = n[v] >= k->K && (o[v] == 0 || o[v] >= k->F);
        if (!ok[0] && !ok[1]) ok[n[1] >= n[0]] = 1;
        int h1 = ok[1] ? side_haps(g, *f, *gg, 1) : 0, h0 = ok[0] ? side_haps(g, *f, *gg, 0) : 0;
        y = (double)(vs_mix64(key ^ 0x736964) >> 11) * 0x1.0p-53 * (h0 + h1) < h1;
    }
    if (y == avoid && g->carriers[1 - y] >= k->K) y = 1 - y;
    widen(g, w, f, gg, c, k->K, y, cap, exclude_ind, n);
    if (n[y] < k->K) {                          /* only when the group itself has too few */
        y = 1 - y;
        widen(g, w, f, gg, c, k->K, y, cap, exclude_ind, n);
    }
    return y;
}

/* A neighbour jump: the new template agrees with the synthetic haplotype
 * over the longest recent context (at most context_sites sites) in which at
 * least K individuals carry the chosen allele.  failure: the piece's carriers
 * fell below K; else a Poisson breakpoint or the segment cap (a redraw in the
 * context cut to its cap).  avoid: an allele to step off (or -1). */
static void jump_neighbour(vs_kcopy_t *k, int h, hstate_t *s, kgroup_t *g, int gi, scratch_t *w, int failure,
                           int exclude_ind, int avoid, double x, uint64_t key)
{
    int f = s->f, gg = s->g, y_tmpl = g->y[s->t], y;
    int64_t c = k->cold[h].c;
    if (failure && exclude_ind < 0 && avoid < 0) {
        /* cached: every haplotype failing in this block here lands alike */
        unsigned slot = ((unsigned)f * 2654435761u ^ (unsigned)gg * 40503u ^ (unsigned)gi * 977u ^ (unsigned)y_tmpl) %
                        CACHE_SLOTS;
        jump_memo_t *e = &w->jumps[slot];
        /* the block, not the context, decides the landing; the context is the later of the
         * haplotype's own and the one the widening reached */
        if (!(e->idx == k->idx && e->group == gi && e->f == f && e->g == gg && e->y == y_tmpl)) {
            int64_t reached = INT64_MIN;
            e->f2 = f;
            e->g2 = gg;
            e->y2 = (int8_t)jump_block(k, g, w, y_tmpl, 1, -1, -1, &e->f2, &e->g2, &reached, key);
            e->c2 = reached;
            e->idx = k->idx;
            e->group = gi;
            e->f = f;
            e->g = gg;
            e->y = (int8_t)y_tmpl;
        }
        f = e->f2;
        gg = e->g2;
        y = e->y2;
        if (e->c2 > c) c = e->c2;
    } else {
        y = jump_block(k, g, w, y_tmpl, failure, exclude_ind, avoid, &f, &gg, &c, key);
    }
    int a = 0;
    const uint8_t *want = cond_want(k, h, gi, &a);
    int t = draw_in_block_among(g, f, gg, y, exclude_ind, key, want, a);
    if (t < 0 && want) {      /* none in the block has the target: from the whole group, if any */
        int allowed[2] = { y == 0, y == 1 };
        t = draw_in_group(g, allowed, exclude_ind, key, want, a);
        if (t >= 0) {
            begin_piece(k, h, s, g, t, 0, g->K, k->idx, x);
            return;
        }
        t = draw_in_block(g, f, gg, y, exclude_ind, key);
    }
    if (t < 0) {
        jump_uniform(k, h, s, g, exclude_ind, -1, x, key);
        return;
    }
    begin_piece(k, h, s, g, t, f, gg, c, x);
}

static void restart(vs_kcopy_t *k, int h, hstate_t *s, kgroup_t *g, double x, uint64_t site_key, int avoid)
{
    s->valid = 1;
    s->since = 0;
    s->pending = 0;
    k->cold[h].bp_j = 0;
    k->cold[h].next_bp = epoch_start(k, h, k->cold[h].epoch) + breakpoint_gap(k, g, h, k->cold[h].epoch, 0);
    pass_breakpoints(k, g, h, x);
    jump_uniform(k, h, s, g, -1, avoid, x, jump_key(k, h, site_key));
}

/* --condition: the haplotype enters its window (at the first site at or
 * after its start, unless that is past the condition's site), where it
 * redraws among carriers of its target; at the site it must hold the
 * target: returns the allele to avoid there, else -1. */
static int cond_step(vs_kcopy_t *k, int h, double x, int *redraw)
{
    *redraw = 0;
    uint8_t *phase = &k->cond_phase[h];
    if (*phase == COND_BEFORE && x >= k->cond_w[h]) {
        *phase = x > k->o.cond[k->cond_of_hap[h]].x ? COND_DONE : COND_WINDOW;
        *redraw = *phase == COND_WINDOW;
    }
    if (*phase == COND_WINDOW && k->cond_here == k->cond_of_hap[h]) {
        *phase = COND_DONE;
        return 1 - k->cond_allele[h];
    }
    return -1;
}

/* ---------- one synthetic haplotype at one site ---------- */

/* A haplotype given a scattered allele must step off every carrier within
 * WINDOW sites: from the last of them on (until it has), the allele the
 * carriers that still agree with it have here (the more common one if they
 * differ), else -1.  (Where the other allele cannot be copied, too few
 * carrying it, the step is tried again at the next site.) */
static int allele_to_avoid(const vs_kcopy_t *k, int h, const hstate_t *s, const kgroup_t *g)
{
    if (s->pending != 1 && s->pending != PENDING_OVERDUE) return -1;
    const hcold_t *c = &k->cold[h];
    int n[2] = { 0, 0 };
    if (s->pending == PENDING_OVERDUE) {
        for (int i = 0; i < c->n_overdue; i++) n[g->y[c->overdue[i]]]++;
    } else {
        int slot = (int)(c->pending_idx % (WINDOW + 1));
        const int *list = g->scatter_carriers + (size_t)slot * g->K;
        for (int i = 0; i < g->n_scatter_carriers[slot] && i < 64; i++)
            if (c->pending_mask >> i & 1) n[g->y[list[i]]]++;
    }
    int a = n[1] > n[0];
    return n[0] + n[1] && g->carriers[1 - a] >= k->K ? a : -1;
}

/* Carriers that no longer agree with the haplotype leave its pending set;
 * those still agreeing at the window's end are followed on. */
static void update_pending(vs_kcopy_t *k, int h, hstate_t *s, const kgroup_t *g, int allele)
{
    if (!s->pending) return;
    hcold_t *c = &k->cold[h];
    if (s->pending == PENDING_OVERDUE) {
        int m = 0;
        for (int i = 0; i < c->n_overdue; i++)
            if (g->y[c->overdue[i]] == allele) c->overdue[m++] = c->overdue[i];
        c->n_overdue = (int8_t)m;
        if (!m) s->pending = 0;
        return;
    }
    int slot = (int)(c->pending_idx % (WINDOW + 1));
    const int *list = g->scatter_carriers + (size_t)slot * g->K;
    for (int i = 0; i < g->n_scatter_carriers[slot] && i < 64; i++)
        if (g->y[list[i]] != allele) c->pending_mask &= ~(1ull << i);
    if (!c->pending_mask) {
        s->pending = 0;
    } else if (--s->pending == 0) {
        c->n_overdue = 0;
        for (int i = 0; i < g->n_scatter_carriers[slot] && i < 64 && c->n_overdue < OVERDUE; i++)
            if (c->pending_mask >> i & 1) c->overdue[c->n_overdue++] = list[i];
        s->pending = PENDING_OVERDUE;
    }
}

/* Carries on, jumps or restarts; returns the allele copied. */
static int move_event(vs_kcopy_t *k, int h, hstate_t *s, kgroup_t *g, int gi, double x, uint64_t site_key,
                      int contig_start, scratch_t *w)
{
    /* next_event is the first of the epoch's end, the next breakpoint and the
     * cap: before it, neither can be due, and the cold state is not touched */
    int due = !(x < s->next_event);
    int redraw = 0, cond_avoid = k->cond_phase && k->cond_phase[h] != COND_DONE ? cond_step(k, h, x, &redraw) : -1;
    if (due && x >= k->cold[h].epoch_end) {             /* -INFINITY before the stream's first site */
        int first = k->cold[h].epoch == NO_EPOCH;
        k->cold[h].epoch = epoch_of(k, h, x);
        k->cold[h].epoch_end = epoch_start(k, h, k->cold[h].epoch + 1);
        if (first && !contig_start) {           /* inside a contig: wait for the next restart point */
            s->valid = 0;
            return 0;
        }
        restart(k, h, s, g, x, site_key, cond_avoid);
        return g->y[s->t];
    }
    if (!s->valid) return 0;
    if (s->valid == TRACT_RESTART) {
        restart(k, h, s, g, x, site_key, cond_avoid);
        return g->y[s->t];
    }
    int avoid = cond_avoid >= 0 ? cond_avoid : allele_to_avoid(k, h, s, g);
    int poisson = due && pass_breakpoints(k, g, h, x);
    poisson |= redraw;
    int capped = k->o.max_segment_cm > 0 && (x - k->cold[h].piece_x) * 100.0 > k->o.max_segment_cm;
    int y = g->y[s->t];
    if (!poisson && !capped && y != avoid) {
        /* the carriers can only have fallen below K where some of them left the block */
        int f = map_to(g, s->f, y), gg = map_to(g, s->g, y);
        if (gg - f == s->g - s->f || individuals_cached(g, gi, k->idx, f, gg, k->K, w) >= k->K) {
            s->f = f;
            s->g = gg;
            return y;
        }
    }
    uint64_t key = jump_key(k, h, site_key);
    int exclude = capped ? s->t >> 1 : -1;
    if (k->o.jump == VS_JUMP_UNIFORM) jump_uniform(k, h, s, g, exclude, avoid, x, key);
    else jump_neighbour(k, h, s, g, gi, w, !poisson && !capped, exclude, avoid, x, key);
    return g->y[s->t];
}

/* move_event, and the haplotype's next event */
static int move(vs_kcopy_t *k, int h, hstate_t *s, kgroup_t *g, int gi, double x, uint64_t site_key,
                int contig_start, scratch_t *w)
{
    int due = !(x < s->next_event);
    int y = move_event(k, h, s, g, gi, x, site_key, contig_start, w);
    /* with no event due, the epoch and the breakpoints stayed; only a cap
     * (a new piece) could move the next event */
    if (!due && !(k->o.max_segment_cm > 0)) return y;
    const hcold_t *c = &k->cold[h];
    double next = c->epoch_end;
    if (k->cond_phase && k->cond_phase[h] == COND_BEFORE && k->cond_w[h] < next) next = k->cond_w[h];
    if (s->valid) {
        if (c->next_bp < next) next = c->next_bp;
        if (k->o.max_segment_cm > 0 && c->piece_x + k->o.max_segment_cm / 100.0 < next)
            next = nextafter(c->piece_x + k->o.max_segment_cm / 100.0, INFINITY);
    }
    s->next_event = next;
    return y;
}

/* The common case, inline: no event, nothing pending, and a block that kept
 * all its templates or still holds 2K - 1 of them; -1 when the full move is
 * needed. */
static inline int carry_on(const kgroup_t *g, hstate_t *s, double x, int K)
{
    if (!(x < s->next_event) || s->pending || !s->valid) return -1;
    int y = g->y[s->t], f = map_to(g, s->f, y), gg = map_to(g, s->g, y);
    if (gg - f != s->g - s->f && gg - f < 2 * K - 1) return -1;     /* 2K - 1 templates: K individuals */
    s->f = f;
    s->g = gg;
    return y;
}

/* ---------- rare alleles ---------- */

/* Allele r, carried by fewer than K individuals of group gi, placed on
 * synthetic haplotypes at the frequency a fresh sample would show, but only
 * on haplotypes that differ from every carrier somewhere in the last WINDOW
 * sites, and that then step off every carrier within the next WINDOW (a jump
 * at the last of them if need be): no carrier matches a host through the
 * allele over more than 2 WINDOW - 1 sites, so no carrier's rare allele is
 * reproduced on its own background. */
static void scatter_rare(vs_kcopy_t *k, int gi, int r, uint64_t site_key, uint8_t *out)
{
    kgroup_t *g = &k->grp[gi];
    int ac = g->haps[r];
    double p = g->fresh_freq && ac <= 2 * k->K - 2 ? g->fresh_freq[ac - 1] : (double)ac / g->K;
    int slot = (int)(k->idx % (WINDOW + 1)), nc = 0;
    int *carrier = g->scatter_carriers + (size_t)slot * g->K;
    for (int t = 0; t < g->K; t++)
        if (g->y[t] == r) carrier[nc++] = t;
    g->n_scatter_carriers[slot] = nc;
    if (!(p > 0) || nc > 64) return;
    /* every haplotype of the group is drawn with probability p, by geometric
     * gaps along the list (independent draws: the choice does not depend on
     * which haplotypes this run has reached) */
    vs_stream_t st;
    vs_stream_set(&st, k->o.seed, VS_RNG_RARE, (uint64_t)gi, site_key);
    double log_q = log1p(-fmin(p, 1 - 1e-12));
    for (int j = (int)fmin(floor(log(vs_stream_unif(&st)) / log_q), g->n_syn); j < g->n_syn;
         j += 1 + (int)fmin(floor(log(vs_stream_unif(&st)) / log_q), g->n_syn)) {
        int h = g->syn_hap[j];
        hstate_t *s = &k->st[h];
        if (!s->valid || out[h] == r || s->pending || k->group_of_hap[h] != gi ||
            (k->cond_here >= 0 && k->cond_of_hap[h] == k->cond_here))
            continue;
        /* the sites before this one since the haplotype's restart (the same in every run) */
        int window = s->since - 1 < WINDOW ? s->since - 1 : WINDOW;
        uint8_t past = (uint8_t)(((1u << window) - 1) << 1);
        int apart = window > 0;
        for (int i = 0; i < nc && apart; i++) apart = ((s->hist ^ g->hist[carrier[i]]) & past) != 0;
        if (!apart) continue;
        out[h] = (uint8_t)r;
        s->pending = WINDOW;
        k->cold[h].pending_idx = k->idx;
        k->cold[h].pending_mask = nc == 64 ? ~0ull : (1ull << nc) - 1;
    }
}

/* ---------- the site loop ---------- */

static void load_site(kgroup_t *g, const uint8_t *panel)
{
    g->haps[0] = g->haps[1] = 0;
    g->carriers[0] = g->carriers[1] = 0;
    for (int t = 0; t < g->K; t += 2) {
        uint8_t y0 = panel[g->panel_hap[t]], y1 = panel[g->panel_hap[t + 1]];
        g->y[t] = y0;
        g->y[t + 1] = y1;
        g->hist[t] = (uint8_t)(g->hist[t] << 1 | y0);
        g->hist[t + 1] = (uint8_t)(g->hist[t + 1] << 1 | y1);
        g->haps[y0]++;
        g->haps[y1]++;
        g->carriers[y0]++;
        if (y1 != y0) g->carriers[y1]++;
    }
}

static void remember_position(vs_kcopy_t *k, int64_t pos)
{
    if (!k->o.provenance) return;
    if (k->n_pos == k->m_pos) {
        k->m_pos = k->m_pos ? 2 * k->m_pos : 1024;
        k->pos_at = vs_realloc(k->pos_at, k->m_pos * sizeof *k->pos_at);
    }
    k->pos_at[k->n_pos++] = pos;
}

static void new_stream(vs_kcopy_t *k)
{
    for (int h = 0; h < k->n_hap; h++) {
        hstate_t *s = &k->st[h];
        if (s->valid) end_piece(k, h, s, &k->grp[k->group_of_hap[h]]);
        k->cold[h].epoch = NO_EPOCH;
        k->cold[h].epoch_end = s->next_event = -INFINITY;
        s->valid = 0;
    }
    for (int gi = 0; gi < k->G; gi++) pbwt_reset(&k->grp[gi], k->idx);
    k->pos_base = k->idx;
    k->n_pos = 0;
    k->stream_start = 1;
}

static void collect_pieces(vs_kcopy_t *k)
{
    k->n_pieces = 0;
    if (!k->o.provenance) return;
    for (int h = 0; h < k->n_hap; h++)
        if (k->cold[h].ended) {
            k->pieces[k->n_pieces++] = k->pending[h];
            k->cold[h].ended = 0;
        }
}

/* Where each conditioned haplotype's window starts on this contig: one
 * copying segment of its group (exponential) before the site, not before
 * the restart point preceding the site. */
static void cond_windows(vs_kcopy_t *k, int contig)
{
    if (!k->cond_phase) return;
    for (int h = 0; h < k->n_hap; h++) {
        int ci = k->cond_of_hap[h];
        if (ci < 0) continue;
        const vs_condition_t *c = &k->o.cond[ci];
        k->cond_phase[h] = c->model_contig == contig ? COND_BEFORE : COND_DONE;
        double rate = k->grp[k->group_of_hap[h]].rate;
        double back = rate > 0 ? -log(vs_rng_unif(k->o.seed, VS_RNG_CONDITION, (uint64_t)h, 0x77696eull)) / rate : INFINITY;
        double restart_point = epoch_start(k, h, epoch_of(k, h, c->x));
        k->cond_w[h] = c->x - back > restart_point ? c->x - back : restart_point;
    }
}

void vs_kcopy_site(vs_kcopy_t *k, int contig, int64_t pos, uint64_t site_key, int cond_here,
                   const uint8_t *panel_alleles, int write, uint8_t *out)
{
    if (contig != k->contig) {
        k->contig = contig;
        for (int h = 0; h < k->n_hap; h++)
            k->phase[h] = vs_rng_unif(k->o.seed, VS_RNG_RESTART, (uint64_t)h, (uint64_t)contig);
        new_stream(k);
        cond_windows(k, contig);
    }
    k->cond_here = cond_here;
    if (cond_here >= 0)                 /* its haplotypes take the full move here */
        for (int h = 0; h < k->n_hap; h++)
            if (k->cond_of_hap[h] == cond_here) k->st[h].next_event = -INFINITY;
    int contig_start = k->stream_start && pos == k->m->contigs[contig].first_pos;
    k->stream_start = 0;
    remember_position(k, pos);
    double x = vs_cmap_cm(k->m->contigs[contig].map, pos) / 100.0;
    for (int gi = 0; gi < k->G; gi++) {
        load_site(&k->grp[gi], panel_alleles);
        pbwt_step(&k->grp[gi], k->idx);
    }
    int invalid = 0;
    /* locals: the byte stores below (out, hist) may alias anything, and would
     * make the compiler reload every field of k at every haplotype */
    hstate_t *const st = k->st;
    kgroup_t *const grp = k->grp;
    const int *const group_of = k->group_of_hap;
    const int n_hap = k->n_hap, K = k->K, pieces = write && k->o.provenance;
#pragma omp parallel for schedule(static) reduction(+ : invalid) num_threads(k->n_threads)   /* one scratch each */
    for (int h = 0; h < n_hap; h++) {
        hstate_t *s = &st[h];
        int gi = group_of[h];
        kgroup_t *g = &grp[gi];
        int y = carry_on(g, s, x, K);
        if (y < 0) y = move(k, h, s, g, gi, x, site_key, contig_start, &k->scratch[omp_get_thread_num()]);
        s->hist = (uint8_t)(s->hist << 1 | y);
        if (s->since < 255) s->since++;
        if (s->pending) update_pending(k, h, s, g, y);
        out[h] = (uint8_t)y;
        if (!s->valid) {
            invalid++;
        } else if (pieces) {
            if (!k->cold[h].piece_start) {
                k->cold[h].piece_start = pos;
                if (k->cold[h].piece_ctx < 0) k->cold[h].piece_ctx = pos;
            }
            k->cold[h].piece_end = pos;
        }
    }
    if (k->lost) vs_fatal("internal error: no template for synthetic haplotype %d", k->lost - 1);
    if (write && invalid)
        vs_fatal("internal error: %d synthetic haplotypes have no state at %s:%lld; the run did not start early "
                 "enough", invalid, k->m->contigs[contig].name, (long long)pos);
    for (int gi = 0; gi < k->G; gi++) {
        kgroup_t *g = &k->grp[gi];
        int rare = -1;
        for (int r = 0; r < 2; r++)
            if (g->carriers[r] > 0 && g->carriers[r] < k->K) rare = r;
        g->n_scatter_carriers[k->idx % (WINDOW + 1)] = 0;
        if (rare >= 0 && k->o.rare == VS_RARE_SCATTER && g->n_syn) scatter_rare(k, gi, rare, site_key, out);
    }
    for (int gi = 0; gi < k->G; gi++) pbwt_commit(&k->grp[gi]);
    collect_pieces(k);
    k->idx++;
}

void vs_kcopy_set_group(vs_kcopy_t *k, int h, int gi)
{
    hstate_t *s = &k->st[h];
    if (s->valid) {
        end_piece(k, h, s, &k->grp[k->group_of_hap[h]]);
        s->valid = TRACT_RESTART;
    }
    k->group_of_hap[h] = gi;
    s->next_event = -INFINITY;
}

void vs_kcopy_gap(vs_kcopy_t *k)
{
    new_stream(k);
    collect_pieces(k);
}

int vs_kcopy_pieces(vs_kcopy_t *k, const vs_piece_t **pieces)
{
    *pieces = k->pieces;
    return k->n_pieces;
}

/* ---------- Good-Turing ---------- */

void vs_good_turing(const int64_t *spec, int n_spec, int n, double *freq)
{
    /* Gale and Sampson's simple Good-Turing: Turing's r* = (r+1) N_{r+1} / N_r
     * while it differs clearly from the log-linear smooth of Z_r = N_r over
     * the gap around r, the smooth from there on */
    int *r_of = vs_malloc((n_spec + 1) * sizeof *r_of), m = 0;
    for (int r = 1; r <= n_spec; r++)
        if (spec[r - 1] > 0) r_of[m++] = r;
    double *lx = vs_malloc((m + 1) * sizeof *lx), *lz = vs_malloc((m + 1) * sizeof *lz);
    for (int i = 0; i < m; i++) {
        int q = i ? r_of[i - 1] : 0, t = i + 1 < m ? r_of[i + 1] : 2 * r_of[i] - q;
        lx[i] = log((double)r_of[i]);
        lz[i] = log(2.0 * spec[r_of[i] - 1] / (t - q));
    }
    double a = 0, b = -2, c00, c01, c11, ss;
    if (m >= 2) gsl_fit_linear(lx, 1, lz, 1, m, &a, &b, &c00, &c01, &c11, &ss);
    if (b > -1) b = -1;                 /* keep r* <= r: a fresh sample never sees a seen allele more often */
    int turing = 1;
    for (int r = 1; r <= n_spec; r++) {
        double smooth = (r + 1) * exp(b * (log(r + 1.0) - log((double)r)));
        double nr = spec[r - 1], nr1 = r < n_spec ? spec[r] : 0, r_star = smooth;
        if (turing && nr > 0 && nr1 > 0) {
            double raw = (r + 1) * nr1 / nr, sd = (r + 1) / nr * sqrt(nr1 * (1 + nr1 / nr));
            if (fabs(raw - smooth) > 1.96 * sd) r_star = raw;
            else turing = 0;
        } else {
            turing = 0;
        }
        freq[r - 1] = (r_star < r ? r_star : r) / n;
    }
    free(r_of);
    free(lx);
    free(lz);
}

/* ---------- set-up ---------- */

static int group_init(vs_kcopy_t *k, int gi, const vs_group_model_t *gm, const int *sample_group_of_hap, vs_error_t *e)
{
    kgroup_t *g = &k->grp[gi];
    g->K = gm->K;
    g->n_ind = gm->n_members;
    g->panel_hap = vs_malloc(g->K * sizeof *g->panel_hap);
    for (int t = 0; t < g->K; t++) g->panel_hap[t] = 2 * gm->members[t / 2] + (t & 1);
    g->a = vs_malloc(g->K * sizeof *g->a);
    g->a1 = vs_malloc(g->K * sizeof *g->a1);
    g->where = vs_malloc(g->K * sizeof *g->where);
    g->d = vs_malloc(2 * (g->K + 1) * sizeof *g->d);      /* the two swap: both hold pbwt_step's scratch */
    g->d1 = vs_malloc(2 * (g->K + 1) * sizeof *g->d1);
    g->u0 = vs_malloc(2 * (g->K + 1) * sizeof *g->u0);
    g->y = vs_calloc(g->K, 1);
    g->hist = vs_calloc(g->K, 1);
    g->scatter_carriers = vs_malloc((size_t)(WINDOW + 1) * g->K * sizeof *g->scatter_carriers);
    g->n_scatter_carriers = vs_calloc(WINDOW + 1, sizeof *g->n_scatter_carriers);
    g->rate = 4.0 * gm->ne / g->K * k->o.scale_switch;
    g->syn_hap = vs_malloc((k->n_hap + 1) * sizeof *g->syn_hap);
    for (int h = 0; h < k->n_hap; h++)
        if (k->o.groups ? vs_groupset_uses(k->o.groups, sample_group_of_hap[h], gi) : k->group_of_hap[h] == gi)
            g->syn_hap[g->n_syn++] = h;
    if (g->n_syn && g->n_ind < 2 * k->K - 1)
        return vs_fail(e, "group %s has %d samples; --min-carriers %d needs at least %d in every group that gets "
                          "synthetic samples; lower --min-carriers, or leave the group out with --mix", gm->name,
                       g->n_ind, k->K, 2 * k->K - 1);
    if (gm->n_spectrum >= 2 * k->K - 2 && gm->n_spectrum > 0) {
        g->fresh_freq = vs_malloc(gm->n_spectrum * sizeof *g->fresh_freq);
        vs_good_turing(gm->spectrum, gm->n_spectrum, g->K, g->fresh_freq);
    }
    pbwt_reset(g, 0);
    return 0;
}

/* Rare alleles are scattered at their panel frequency, not the Good-Turing
 * estimate of unseen variation, in a group whose model lacks the spectrum up
 * to the 2K-2 allele counts the estimate needs. */
static void warn_without_spectrum(const vs_kcopy_t *k, const vs_model_t *m)
{
    for (int gi = 0; gi < k->G; gi++) {
        const vs_group_model_t *gm = &m->groups[gi];
        if (!k->grp[gi].n_syn || k->grp[gi].fresh_freq) continue;
        if (gm->n_spectrum == 0)
            vs_info("the model has no allele-count spectrum (fitted by an older vcf-fit); rare alleles are "
                    "scattered at their panel frequency");
        else
            vs_info("group %s: the model's allele-count spectrum stops at count %d, short of the %d that "
                    "--min-carriers %d needs; rare alleles are scattered at their panel frequency", gm->name,
                    gm->n_spectrum, 2 * k->K - 2, k->K);
        return;
    }
}

/* --condition: targets, and each template's allele at each site.  Dies when
 * fewer than K individuals of a group carry a target: it cannot be copied. */
static int cond_init(vs_kcopy_t *k, vs_error_t *e)
{
    k->cond_here = -1;
    if (!k->o.n_cond) return 0;
    k->cond_of_hap = vs_malloc((k->n_hap + 1) * sizeof *k->cond_of_hap);
    k->cond_allele = vs_calloc(k->n_hap + 1, 1);
    k->cond_phase = vs_calloc(k->n_hap + 1, 1);
    k->cond_w = vs_calloc(k->n_hap + 1, sizeof *k->cond_w);
    k->cond_y = vs_calloc(k->o.n_cond * k->G, sizeof *k->cond_y);
    for (int ci = 0; ci < k->o.n_cond; ci++)
        for (int gi = 0; gi < k->G; gi++) {
            const kgroup_t *g = &k->grp[gi];
            uint8_t *y = k->cond_y[ci * k->G + gi] = vs_malloc(g->K + 1);
            for (int t = 0; t < g->K; t++) y[t] = k->o.cond[ci].panel_alleles[g->panel_hap[t]];
        }
    for (int h = 0; h < k->n_hap; h++) {
        int ci = k->cond_of_hap[h] = k->o.cond_of_sample[h / 2];
        k->cond_phase[h] = COND_DONE;
        if (ci < 0) continue;
        const vs_condition_t *c = &k->o.cond[ci];
        int a = k->cond_allele[h] = (uint8_t)vs_condition_allele(c, h / 2, h % 2, k->o.seed);
        int gi = k->group_of_hap[h], n = 0;
        const kgroup_t *g = &k->grp[gi];
        const uint8_t *y = k->cond_y[ci * k->G + gi];
        for (int t = 0; t < g->K; t += 2) n += y[t] == a || y[t + 1] == a;
        if (n < k->K)
            return vs_fail(e, "--condition %s: %d individual%s of group %s carr%s %s there, fewer than the %d every "
                              "copied piece needs (--min-carriers); name a group with more carriers (group=G), lower "
                              "--min-carriers, or use --privacy off", c->spec, n, n == 1 ? "" : "s",
                           k->m->groups[gi].name, n == 1 ? "ies" : "y", a ? c->alt : c->ref, k->K);
    }
    return 0;
}

vs_kcopy_t *vs_kcopy_new(const vs_model_t *m, const int *group_of_hap, const int *sample_group_of_hap, int n_hap,
                         const vs_sample_opts_t *o, vs_error_t *e)
{
    vs_kcopy_t *k = vs_calloc(1, sizeof *k);
    k->m = m;
    k->o = *o;
    k->K = o->min_carriers > 1 ? o->min_carriers : 1;
    k->F = k->K < VS_KCOPY_FOLLOW ? k->K : VS_KCOPY_FOLLOW;
    k->n_hap = n_hap;
    k->G = m->n_groups;
    k->contig = -1;
    k->group_of_hap = vs_malloc((n_hap + 1) * sizeof *k->group_of_hap);
    memcpy(k->group_of_hap, group_of_hap, n_hap * sizeof *group_of_hap);
    k->grp = vs_calloc(k->G, sizeof *k->grp);
    int max_ind = 1;
    int ret = 0;
    for (int gi = 0; gi < k->G && ret == 0; gi++) {
        ret = group_init(k, gi, &m->groups[gi], sample_group_of_hap, e);
        if (k->grp[gi].n_ind > max_ind) max_ind = k->grp[gi].n_ind;
    }
    if (ret == 0 && o->rare == VS_RARE_SCATTER && k->K > 1) warn_without_spectrum(k, m);
    if (ret < 0 || cond_init(k, e) < 0) {
        vs_kcopy_destroy(k);
        return NULL;
    }
    k->phase = vs_malloc((n_hap + 1) * sizeof *k->phase);
    k->st = vs_calloc(n_hap + 1, sizeof *k->st);
    k->cold = vs_calloc(n_hap + 1, sizeof *k->cold);
    for (int h = 0; h < n_hap; h++) {
        k->cold[h].epoch = NO_EPOCH;
        k->cold[h].epoch_end = k->st[h].next_event = -INFINITY;
    }
    if (o->provenance) {                      /* 64 bytes a haplotype: only when asked for */
        k->pending = vs_malloc((n_hap + 1) * sizeof *k->pending);
        k->pieces = vs_malloc((n_hap + 1) * sizeof *k->pieces);
    }
    k->n_threads = omp_get_max_threads();
    k->scratch = vs_calloc(k->n_threads, sizeof *k->scratch);
    for (int i = 0; i < k->n_threads; i++) {
        k->scratch[i].stamp = vs_calloc(max_ind, sizeof *k->scratch[i].stamp);
        k->scratch[i].sides = vs_calloc(max_ind, 1);
        for (int j = 0; j < CACHE_SLOTS; j++) k->scratch[i].cache[j].idx = k->scratch[i].jumps[j].idx = -1;
    }
    return k;
}

void vs_kcopy_destroy(vs_kcopy_t *k)
{
    if (!k) return;
    for (int gi = 0; gi < k->G; gi++) {
        kgroup_t *g = &k->grp[gi];
        free(g->panel_hap);
        free(g->a);
        free(g->a1);
        free(g->where);
        free(g->d);
        free(g->d1);
        free(g->u0);
        free(g->y);
        free(g->hist);
        free(g->scatter_carriers);
        free(g->n_scatter_carriers);
        free(g->syn_hap);
        free(g->fresh_freq);
    }
    for (int i = 0; i < k->n_threads; i++) {
        free(k->scratch[i].stamp);
        free(k->scratch[i].sides);
    }
    free(k->scratch);
    free(k->grp);
    free(k->group_of_hap);
    free(k->phase);
    free(k->st);
    free(k->cold);
    free(k->pending);
    free(k->pieces);
    free(k->pos_at);
    if (k->cond_y)
        for (int i = 0; i < k->o.n_cond * k->G; i++) free(k->cond_y[i]);
    free(k->cond_y);
    free(k->cond_of_hap);
    free(k->cond_allele);
    free(k->cond_phase);
    free(k->cond_w);
    free(k);
}
