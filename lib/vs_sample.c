#include "vs_sample.h"
#include "vs_kcopy.h"
#include "vs_err.h"
#include "vs_rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>

/* ---------- --mix ---------- */

int vs_mix_parse(const vs_groupset_t *gs, const char *spec, double **shares, vs_error_t *e)
{
    const vs_model_t *m = gs->m;
    int n_groups = vs_groupset_size(gs);
    double *share = vs_calloc(n_groups, sizeof *share);
    *shares = share;
    int total = 0;
    for (int g = 0; g < m->n_groups; g++) total += m->groups[g].n_members;
    if (!strcmp(spec, "source")) {
        for (int g = 0; g < m->n_groups; g++) share[g] = (double)m->groups[g].n_members / total;
        return 0;
    }
    if (!strcmp(spec, "equal")) {
        for (int g = 0; g < n_groups; g++) share[g] = 1.0 / n_groups;
        return 0;
    }
    char *copy = vs_strdup(spec), *save = NULL;
    double sum = 0;
    uint8_t *named = vs_calloc(n_groups, 1);
    int ret = 0;
    for (char *item = strtok_r(copy, ",", &save); item && !ret; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        int g = -1;
        if (eq) {
            *eq = 0;
            for (int i = 0; i < n_groups; i++)
                if (!strcmp(vs_groupset_name(gs, i), item)) g = i;
        }
        if (!eq)
            ret = vs_error(e, VS_EXIT_USAGE, "--mix expects source, equal or GROUP=SHARE,...; got '%s'", item);
        else if (g < 0)
            ret = vs_error(e, VS_EXIT_USAGE, "--mix names group '%s', which neither the model nor --admix defines",
                           item);
        else if (named[g]++)
            ret = vs_error(e, VS_EXIT_USAGE, "--mix names group '%s' twice", item);
        else if (!(ret = vs_try_double("--mix", eq + 1, 0, 1, &share[g], e)))
            sum += share[g];
    }
    if (!ret && fabs(sum - 1) > 1e-3) ret = vs_error(e, VS_EXIT_USAGE, "--mix shares sum to %g, not 1", sum);
    free(copy);
    free(named);
    if (ret) {
        free(share);
        *shares = NULL;
        return ret;
    }
    for (int g = 0; g < n_groups; g++) share[g] /= sum;
    return 0;
}

int *vs_mix_assign(int G, const double *shares, int n, uint64_t seed)
{
    int given = 0;
    int *count = vs_calloc(G, sizeof *count);
    double *rem = vs_malloc(G * sizeof *rem);
    for (int g = 0; g < G; g++) {
        count[g] = (int)floor(shares[g] * n);
        rem[g] = shares[g] * n - count[g];
        given += count[g];
    }
    while (given < n) {           /* largest remainder, ties to the first group; none to a share of 0 */
        int best = -1;
        for (int g = 0; g < G; g++)
            if (shares[g] > 0 && (best < 0 || rem[g] > rem[best])) best = g;
        if (best < 0) break;      /* cannot happen: the positive remainders add up to n - given */
        count[best]++;
        rem[best] = -1;
        given++;
    }
    int *group = vs_malloc((n ? n : 1) * sizeof *group);
    for (int g = 0, i = 0; g < G; g++)
        for (int k = 0; k < count[g]; k++) group[i++] = g;
    vs_rng_shuffle(group, n, seed, VS_RNG_GROUP_ORDER, 0);
    free(count);
    free(rem);
    return group;
}

/* ---------- options ---------- */

void vs_sample_opts_init(vs_sample_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->seed = 1;
    o->min_carriers = 1;
    o->jump = VS_JUMP_UNIFORM;
    o->scale_switch = 1;
    o->context_sites = 40;
    o->rare = VS_RARE_DROP;
}

int vs_sample_preset(const char *name, vs_sample_opts_t *o, vs_error_t *e)
{
    static const struct {
        const char *name;
        int min_carriers, context_sites;
        vs_jump_t jump;
        double scale_switch;
        vs_rare_t rare;
    } presets[] = {
        /* from bench/tradeoff: k = 3 already lets attacks through (signal rows), and
         * longer contexts keep more LD but let the shadow attack in sooner */
        { "off", 1, 80, VS_JUMP_UNIFORM, 1, VS_RARE_DROP },
        { "fidelity", 5, 160, VS_JUMP_NEIGHBOUR, 0, VS_RARE_SCATTER },
        { "balanced", 5, 80, VS_JUMP_NEIGHBOUR, 0, VS_RARE_SCATTER },
        { "strict", 10, 80, VS_JUMP_NEIGHBOUR, 0, VS_RARE_SCATTER },
    };
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
        if (!strcmp(name, presets[i].name)) {
            o->min_carriers = presets[i].min_carriers;
            o->context_sites = presets[i].context_sites;
            o->jump = presets[i].jump;
            o->scale_switch = presets[i].scale_switch;
            o->rare = presets[i].rare;
            o->max_segment_cm = 0;
            return 0;
        }
    return vs_error(e, VS_EXIT_USAGE, "--privacy expects off, fidelity, balanced or strict, not '%s'", name);
}

int vs_jump_parse(const char *s, vs_jump_t *jump, vs_error_t *e)
{
    if (!strcmp(s, "neighbour") || !strcmp(s, "neighbor")) *jump = VS_JUMP_NEIGHBOUR;
    else if (!strcmp(s, "uniform")) *jump = VS_JUMP_UNIFORM;
    else return vs_error(e, VS_EXIT_USAGE, "--jump expects neighbour or uniform, not '%s'", s);
    return 0;
}

int vs_rare_parse(const char *s, vs_rare_t *rare, vs_error_t *e)
{
    if (!strcmp(s, "drop")) *rare = VS_RARE_DROP;
    else if (!strcmp(s, "scatter")) *rare = VS_RARE_SCATTER;
    else return vs_error(e, VS_EXIT_USAGE, "--rare expects drop or scatter, not '%s'", s);
    return 0;
}

int vs_sample_stateful(const vs_sample_opts_t *o)
{
    return o->markov || o->min_carriers > 1 || o->jump != VS_JUMP_UNIFORM || o->max_segment_cm > 0;
}

double vs_sample_burn_in_cm(const vs_sample_opts_t *o)
{
    return vs_sample_stateful(o) ? VS_KCOPY_RESTART_CM : 0;
}

/* ---------- plain copying: a state that is a pure function of the site ---------- */

#define NO_CELL INT64_MIN
#define MAX_FORWARD_CELLS 64

typedef struct {
    int K;
    int *panel_hap;        /* template index -> panel haplotype */
    double rate;           /* switches per Morgan: 4 Ne / K */
    double width;          /* cell width, Morgans */
    double eps;
    int n_syn;
    int *syn_hap;          /* this group's synthetic haplotypes */
    uint8_t *flip_mark;
} group_t;

/* The genetic axis of each contig is cut into cells of one expected segment
 * (K / 4Ne Morgans).  The breakpoints of haplotype h in cell c are a sequence
 * of exponential gaps drawn from (seed, h, contig, c, j); the template at a
 * site is that of the last breakpoint before it, found by looking back cell
 * by cell.  So the state at any site is a pure function of the seed and the
 * site, whether the run started at the contig's first site or in the middle. */
typedef struct {
    const vs_model_t *m;
    uint64_t seed;
    int n_hap, G;
    group_t *grp;
    int *group_of_hap;
    int contig;
    int64_t *cell_lo;      /* per group x contig: first cell of the contig */
    int64_t *site_cell;    /* per group: the cell of the current site */
    int64_t *cell;         /* per haplotype: the cell of the last site */
    int32_t *next_j;       /* index of the next breakpoint in that cell */
    double *next_x;        /* its position, INFINITY when the cell has no more */
    int32_t *tmpl;         /* the template copied now (panel haplotype) */
    /* admixed haplotypes: copying begins afresh at the start of each local-ancestry
     * tract (NULL without admixed samples) */
    double *floor_x;       /* where the haplotype's tract starts (Morgans), -INFINITY: not admixed */
    uint64_t *tract_key;
    /* --condition (NULL without): each haplotype's condition (-1: none) and target allele */
    const vs_condition_t *cond;
    int *cond_of_hap;
    uint8_t *cond_allele;
    int **carriers;        /* per condition x group x allele: the group's panel haplotypes with it */
    int *n_carriers;
} plain_t;

struct vs_sampler_t {
    vs_sample_opts_t o;
    plain_t p;             /* groups, miscopy and (plain copying) the cells */
    vs_kcopy_t *k;         /* k-anonymous copying, or NULL */
    vs_ancestry_t *anc;    /* local ancestry of admixed samples, or NULL */
    struct markov_t *mk;   /* a markov model's chains, or NULL */
    uint64_t *cond_key;    /* --condition: each condition's site */
    /* provenance of plain copying: the open piece of each haplotype */
    int32_t *piece_src;
    int64_t *piece_start, *piece_end;
    vs_piece_t *pieces;
    int n_pieces;
    /* split multi-allelic records: the haplotypes with an ALT at the current
     * position, synthetic and source */
    int here_contig, n_source_hap;
    int64_t here_pos, n_second_alt;
    uint8_t *alt_here, *source_alt_here;
};
static uint64_t cell_key(int contig, int64_t c, int32_t j)
{
    return vs_hash3((uint64_t)contig, (uint64_t)c, (uint64_t)(uint32_t)j);
}

/* Position of breakpoint j of cell c given breakpoint j-1 at x (or the cell start). */
static double next_breakpoint(const plain_t *s, const group_t *g, int h, int contig, int64_t c,
                              int32_t j, double x);

/* The first breakpoint of h after b, or INFINITY when there is none up to limit. */
static double breakpoint_after(const plain_t *s, const group_t *g, int h, double b, double limit)
{
    for (int64_t c = (int64_t)floor(b / g->width); (double)c * g->width <= limit; c++) {
        double y = (double)c * g->width;
        for (int32_t j = 0;; j++) {
            y = next_breakpoint(s, g, h, s->contig, c, j, y);
            if (y == INFINITY) break;
            if (y > b) return y;
        }
    }
    return INFINITY;
}

/* The template a segment beginning at b copies: uniform over the group, or,
 * for a haplotype conditioned at a site the segment covers, uniform over the
 * group's haplotypes with the target allele there.  Segment ends do not
 * depend on templates, so this is the copying process conditioned on the
 * allele, exactly. */
static int draw_template(const plain_t *s, const group_t *g, int h, double u, double b)
{
    int ci = s->cond_of_hap ? s->cond_of_hap[h] : -1;
    if (ci >= 0) {
        const vs_condition_t *c = &s->cond[ci];
        if (c->model_contig == s->contig && b <= c->x && breakpoint_after(s, g, h, b, c->x) > c->x) {
            int slot = (ci * s->G + (int)(g - s->grp)) * 2 + s->cond_allele[h];
            return s->carriers[slot][(int)(u * s->n_carriers[slot])];
        }
    }
    return g->panel_hap[(int)(u * g->K)];
}

static int template_at(const plain_t *s, const group_t *g, int h, int contig, int64_t c, int32_t j, double b)
{
    double u = vs_rng_unif(s->seed, VS_RNG_TEMPLATE, (uint64_t)h, cell_key(contig, c, j));
    return draw_template(s, g, h, u, b);
}

/* Position of breakpoint j of cell c given breakpoint j-1 at x (or the cell start). */
static double next_breakpoint(const plain_t *s, const group_t *g, int h, int contig, int64_t c,
                              int32_t j, double x)
{
    double u = vs_rng_unif(s->seed, VS_RNG_BREAKPOINT, (uint64_t)h, cell_key(contig, c, j));
    double y = x - log(u) / g->rate;
    return y < (double)(c + 1) * g->width ? y : INFINITY;
}

/* Enters cell c: its first breakpoint. */
static void enter_cell(plain_t *s, const group_t *g, int h, int64_t c)
{
    s->cell[h] = c;
    s->next_j[h] = 0;
    s->next_x[h] = next_breakpoint(s, g, h, s->contig, c, 0, (double)c * g->width);
}

/* Passes every breakpoint of the current cell up to x (INFINITY: all);
 * 1 when one of them (at or after the tract start) set the template. */
static int pass_breakpoints(plain_t *s, const group_t *g, int h, double x)
{
    int passed = 0;
    double floor_x = s->floor_x ? s->floor_x[h] : -INFINITY;
    while (s->next_x[h] <= x && s->next_x[h] != INFINITY) {
        if (s->next_x[h] < floor_x) {       /* before the tract: another group's copying */
            s->next_j[h]++;
            s->next_x[h] = next_breakpoint(s, g, h, s->contig, s->cell[h], s->next_j[h], s->next_x[h]);
            continue;
        }
        s->tmpl[h] = template_at(s, g, h, s->contig, s->cell[h], s->next_j[h], s->next_x[h]);
        s->next_j[h]++;
        s->next_x[h] = next_breakpoint(s, g, h, s->contig, s->cell[h], s->next_j[h], s->next_x[h]);
        passed = 1;
    }
    return passed;
}

/* The template at x with no history: the last breakpoint at or before x,
 * looking back cell by cell to the contig's first cell (or the tract's),
 * else the one drawn at that start. */
static void seek(plain_t *s, const group_t *g, int h, int64_t c, double x, int64_t lo)
{
    enter_cell(s, g, h, c);
    if (pass_breakpoints(s, g, h, x)) return;
    for (int64_t b = c - 1; b >= lo; b--) {
        enter_cell(s, g, h, b);
        if (pass_breakpoints(s, g, h, INFINITY)) {   /* tmpl is now b's last template */
            enter_cell(s, g, h, c);
            return;
        }
    }
    uint64_t key = s->floor_x && s->floor_x[h] > -INFINITY ? s->tract_key[h] : cell_key(s->contig, lo - 1, -1);
    double u = vs_rng_unif(s->seed, VS_RNG_TEMPLATE, (uint64_t)h, key);
    s->tmpl[h] = draw_template(s, g, h, u, (double)lo * g->width);
    enter_cell(s, g, h, c);
}

/* Moves haplotype h to position x, in cell c of its group. */
static void advance(plain_t *s, int h, double x, int64_t c)
{
    const group_t *g = &s->grp[s->group_of_hap[h]];
    int64_t have = s->cell[h];
    if (c == have) {
        pass_breakpoints(s, g, h, x);
        return;
    }
    int64_t lo = s->cell_lo[s->group_of_hap[h] * s->m->n_contigs + s->contig];
    if (s->floor_x && s->floor_x[h] > -INFINITY && (int64_t)floor(s->floor_x[h] / g->width) > lo)
        lo = (int64_t)floor(s->floor_x[h] / g->width);
    if (have == NO_CELL || c < have || c - have > MAX_FORWARD_CELLS) {
        seek(s, g, h, c, x, lo);
        return;
    }
    pass_breakpoints(s, g, h, INFINITY);            /* the rest of the old cell */
    for (int64_t b = have + 1; b < c; b++) {
        enter_cell(s, g, h, b);
        pass_breakpoints(s, g, h, INFINITY);
    }
    enter_cell(s, g, h, c);
    pass_breakpoints(s, g, h, x);
}

static uint64_t site_key(int contig, int64_t pos, const char *ref, const char *alt)
{
    uint64_t k = vs_hash_str(vs_hash3((uint64_t)contig, (uint64_t)pos, 0), ref, strlen(ref));
    return vs_hash_str(vs_mix64(k ^ '/'), alt, strlen(alt));
}

/* Each of the group's synthetic haplotypes miscopies with probability eps:
 * drawn as a binomial count and a uniform choice of that many haplotypes,
 * which has the same law and costs O(1 + flips) per site. */
static void miscopy(plain_t *s, int gi, uint64_t key, uint8_t *out)
{
    group_t *g = &s->grp[gi];
    if (g->n_syn == 0 || g->eps <= 0) return;
    vs_stream_t st;
    vs_stream_set(&st, s->seed, VS_RNG_MISCOPY, (uint64_t)gi, key);
    unsigned k = gsl_ran_binomial(vs_stream_gsl(&st), g->eps, (unsigned)g->n_syn);
    int *picked = k ? vs_malloc(k * sizeof *picked) : NULL;
    for (unsigned i = 0; i < k; i++) {
        int pick;
        do pick = (int)(vs_stream_unif(&st) * g->n_syn); while (g->flip_mark[pick]);
        g->flip_mark[pick] = 1;
        picked[i] = pick;
        if (s->group_of_hap[g->syn_hap[pick]] == gi) out[g->syn_hap[pick]] ^= 1;   /* admixed: in its tract */
    }
    for (unsigned i = 0; i < k; i++) g->flip_mark[picked[i]] = 0;
    free(picked);
}

static int uses(const vs_sample_opts_t *o, int sample_group, int gi)
{
    return o->groups ? vs_groupset_uses(o->groups, sample_group, gi) : sample_group == gi;
}

static void plain_init(plain_t *s, const vs_model_t *m, const int *group_of_sample, int n_samples,
                       const vs_sample_opts_t *o)
{
    s->m = m;
    s->seed = o->seed;
    s->G = m->n_groups;
    s->n_hap = 2 * n_samples;
    s->contig = -1;
    s->grp = vs_calloc(s->G, sizeof *s->grp);
    s->group_of_hap = vs_malloc((s->n_hap + 1) * sizeof *s->group_of_hap);
    for (int h = 0; h < s->n_hap; h++)
        s->group_of_hap[h] = o->groups ? vs_groupset_first(o->groups, group_of_sample[h / 2]) : group_of_sample[h / 2];
    for (int gi = 0; gi < s->G; gi++) {
        const vs_group_model_t *gm = &m->groups[gi];
        group_t *g = &s->grp[gi];
        g->K = gm->K;
        g->panel_hap = vs_malloc((g->K + 1) * sizeof *g->panel_hap);
        for (int t = 0; gm->members && t < g->K; t++) g->panel_hap[t] = 2 * gm->members[t / 2] + (t & 1);
        g->rate = 4.0 * gm->ne / g->K * o->scale_switch;
        g->width = 1.0 / g->rate;
        g->eps = gm->eps;
        g->syn_hap = vs_malloc((s->n_hap + 1) * sizeof *g->syn_hap);
        for (int h = 0; h < s->n_hap; h++)
            if (uses(o, group_of_sample[h / 2], gi)) g->syn_hap[g->n_syn++] = h;
        g->flip_mark = vs_calloc(g->n_syn + 1, 1);
    }
    s->cell_lo = vs_malloc(s->G * m->n_contigs * sizeof *s->cell_lo);
    for (int gi = 0; gi < s->G; gi++)
        for (int k = 0; k < m->n_contigs; k++) {
            double x0 = vs_cmap_cm(m->contigs[k].map, m->contigs[k].first_pos) / 100.0;
            s->cell_lo[gi * m->n_contigs + k] = (int64_t)floor(x0 / s->grp[gi].width);
        }
    s->site_cell = vs_malloc(s->G * sizeof *s->site_cell);
    size_t n = s->n_hap + 1;
    s->cell = vs_malloc(n * sizeof *s->cell);
    s->next_j = vs_malloc(n * sizeof *s->next_j);
    s->next_x = vs_malloc(n * sizeof *s->next_x);
    s->tmpl = vs_malloc(n * sizeof *s->tmpl);
}


static void plain_site(plain_t *s, int contig, int64_t pos, uint8_t const *panel_alleles, uint8_t *out)
{
    if (contig != s->contig) {
        s->contig = contig;
        for (int h = 0; h < s->n_hap; h++) s->cell[h] = NO_CELL;
    }
    double x = vs_cmap_cm(s->m->contigs[contig].map, pos) / 100.0;
    for (int gi = 0; gi < s->G; gi++) s->site_cell[gi] = (int64_t)floor(x / s->grp[gi].width);
    /* most haplotypes stay in their cell with no breakpoint passed: a load and two compares */
#pragma omp parallel for schedule(static)
    for (int h = 0; h < s->n_hap; h++) {
        int64_t c = s->site_cell[s->group_of_hap[h]];
        if (s->cell[h] != c || s->next_x[h] <= x) advance(s, h, x, c);
        out[h] = panel_alleles[s->tmpl[h]];
    }
}

/* ---------- provenance of plain copying ---------- */

static void plain_piece_end(vs_sampler_t *s, int h)
{
    if (s->piece_start[h])
        s->pieces[s->n_pieces++] = (vs_piece_t){ h, s->piece_src[h], s->piece_start[h], s->piece_start[h],
                                                 s->piece_end[h] };
    s->piece_start[h] = 0;
}

/* A piece ends where the template changes (a breakpoint that draws the same
 * template again does not end it). */
static void plain_pieces(vs_sampler_t *s, int64_t pos, int write)
{
    if (!write) return;
    for (int h = 0; h < s->p.n_hap; h++) {
        if (s->piece_start[h] && s->piece_src[h] != s->p.tmpl[h]) plain_piece_end(s, h);
        if (!s->piece_start[h]) {
            s->piece_start[h] = pos;
            s->piece_src[h] = s->p.tmpl[h];
        }
        s->piece_end[h] = pos;
    }
}

/* Ends every open piece of plain copying. */
static void plain_end_all(vs_sampler_t *s)
{
    if (s->piece_start)
        for (int h = 0; h < s->p.n_hap; h++) plain_piece_end(s, h);
}

/* ---------- a markov model: no panel ---------- */

#define NO_EPOCH_MK INT64_MIN

/* Each haplotype walks its group's chain: from its longest stored context
 * it draws an allele, then moves to the longest stored context at the next
 * site.  The walk restarts (empty context) at fixed points of the map,
 * VS_KCOPY_RESTART_CM apart at a phase of the haplotype's own, so a run may
 * start anywhere after reading back one spacing (as k-anonymous copying). */
typedef struct markov_t {
    const vs_model_t *m;
    uint64_t seed, seed_key;
    int n_hap, contig, stream_start;
    int64_t site;              /* index of the last site in its contig, -1: none */
    double x;                  /* its genetic position, Morgans */
    int *group_of_hap;
    int32_t *cur;              /* longest stored context at the next site, -1: waiting for a restart */
    int64_t *epoch;
    double *phase;
} markov_t;

static markov_t *markov_new(const vs_model_t *m, const int *group_of_hap, int n_samples, uint64_t seed)
{
    markov_t *k = vs_calloc(1, sizeof *k);
    k->m = m;
    k->seed = seed;
    k->seed_key = vs_hash3(seed, VS_RNG_TEMPLATE, 0x6d61726b6f76ull);
    k->n_hap = 2 * n_samples;
    k->contig = -1;
    k->site = -1;
    size_t n = k->n_hap + 1;
    k->group_of_hap = vs_malloc(n * sizeof *k->group_of_hap);
    memcpy(k->group_of_hap, group_of_hap, k->n_hap * sizeof *group_of_hap);
    k->cur = vs_malloc(n * sizeof *k->cur);
    k->epoch = vs_malloc(n * sizeof *k->epoch);
    k->phase = vs_malloc(n * sizeof *k->phase);
    for (int g = 0; g < m->n_groups; g++)
        for (int c = 0; c < m->n_contigs; c++) vs_markov_links(m->groups[g].chain[c]);
    return k;
}

static void markov_gap(markov_t *k)
{
    for (int h = 0; h < k->n_hap; h++) k->epoch[h] = NO_EPOCH_MK;
    k->stream_start = 1;
}

/* The index of this record among its contig's model sites. */
static int64_t markov_site_index(const markov_t *k, int contig, int64_t pos, const char *ref, const char *alt)
{
    const vs_model_contig_t *c = &k->m->contigs[contig];
    int64_t lo = k->contig == contig && k->site >= 0 ? k->site + 1 : 0, hi = c->n_sites;
    if (!(lo < hi && c->site_pos[lo] == pos)) {           /* not the next one: search */
        lo = 0;
        while (lo < hi) {
            int64_t mid = lo + (hi - lo) / 2;
            if (c->site_pos[mid] < pos) lo = mid + 1;
            else hi = mid;
        }
    }
    for (int64_t s = lo; s < c->n_sites && c->site_pos[s] == pos; s++)
        if (!strcmp(c->site_ref[s], ref) && !strcmp(c->site_alt[s], alt)) return s;
    vs_fatal("internal error: %s:%lld %s>%s is not a site of the markov model", c->name, (long long)pos, ref, alt);
}

/* Admixed haplotypes that entered a local-ancestry tract since the last
 * site walk their new group's chain from the empty context.  At the first
 * site of a run every haplotype reports a tract: only its group is set, and
 * it waits for its restart point as any other (so -r runs stay exact). */
static void markov_tracts(markov_t *k, vs_ancestry_t *anc, int contig, int64_t pos)
{
    const int *changed;
    double x = vs_cmap_cm(k->m->contigs[contig].map, pos) / 100.0;
    int n = vs_ancestry_site(anc, contig, x, &changed), seen = k->contig == contig && !k->stream_start;
    for (int i = 0; i < n; i++) {
        int h = changed[i];
        k->group_of_hap[h] = vs_ancestry_group(anc, h);
        if (seen && vs_ancestry_tract_start(anc, h) > k->x && k->cur[h] >= 0) k->cur[h] = 0;
    }
}

static void markov_site(markov_t *k, int contig, int64_t pos, const char *ref, const char *alt, uint64_t key,
                        int write, uint8_t *out)
{
    if (contig != k->contig) {
        for (int h = 0; h < k->n_hap; h++) k->phase[h] = vs_rng_unif(k->seed, VS_RNG_RESTART, (uint64_t)h, (uint64_t)contig);
        markov_gap(k);
    }
    int64_t s = markov_site_index(k, contig, pos, ref, alt);
    int contig_start = k->stream_start && s == 0;
    k->stream_start = 0;
    k->contig = contig;
    k->site = s;
    double x = vs_cmap_cm(k->m->contigs[contig].map, pos) / 100.0;
    k->x = x;
    int invalid = 0;
#pragma omp parallel for schedule(static) reduction(+ : invalid)
    for (int h = 0; h < k->n_hap; h++) {
        int64_t e = vs_restart_epoch(x, k->phase[h]);
        if (k->epoch[h] == NO_EPOCH_MK) k->cur[h] = contig_start ? 0 : -1;     /* inside a contig: wait */
        else if (e != k->epoch[h]) k->cur[h] = 0;                               /* a restart point: afresh */
        k->epoch[h] = e;
        if (k->cur[h] < 0) {
            out[h] = 0;
            invalid++;
            continue;
        }
        const vs_mchain_t *c = k->m->groups[k->group_of_hap[h]].chain[contig];
        /* a keyed hash, not a Philox draw: one per haplotype and site is most of the work */
        double u = (double)(vs_mix64(key ^ k->seed_key ^ (uint64_t)h * 0x9E3779B97F4A7C15ull) >> 11) * 0x1.0p-53;
        int a = vs_markov_draw(c, s, k->cur[h], u);
        out[h] = (uint8_t)a;
        k->cur[h] = vs_markov_next(c, s, k->cur[h], a);
    }
    if (write && invalid)
        vs_fatal("internal error: %d synthetic haplotypes have no state at %s:%lld; the run did not start early enough",
                 invalid, k->m->contigs[contig].name, (long long)pos);
}

static void markov_destroy(markov_t *k)
{
    if (!k) return;
    free(k->group_of_hap);
    free(k->cur);
    free(k->epoch);
    free(k->phase);
    free(k);
}

/* ---------- the sampler ---------- */

/* --condition: each haplotype's target, and the haplotypes of every group
 * with each allele at each condition's site.  Dies when a group has none
 * with a haplotype's target allele. */
static int plain_conditions(plain_t *s, const vs_sample_opts_t *o, vs_error_t *e)
{
    if (!o->n_cond) return 0;
    s->cond = o->cond;
    s->cond_of_hap = vs_malloc((s->n_hap + 1) * sizeof *s->cond_of_hap);
    s->cond_allele = vs_calloc(s->n_hap + 1, 1);
    for (int h = 0; h < s->n_hap; h++) {
        s->cond_of_hap[h] = o->cond_of_sample[h / 2];
        if (s->cond_of_hap[h] >= 0)
            s->cond_allele[h] = (uint8_t)vs_condition_allele(&o->cond[s->cond_of_hap[h]], h / 2, h % 2, o->seed);
    }
    int n_slots = o->n_cond * s->G * 2;
    s->carriers = vs_calloc(n_slots, sizeof *s->carriers);
    s->n_carriers = vs_calloc(n_slots, sizeof *s->n_carriers);
    for (int ci = 0; ci < o->n_cond; ci++)
        for (int gi = 0; gi < s->G; gi++)
            for (int a = 0; a < 2; a++) {
                int slot = (ci * s->G + gi) * 2 + a;
                const group_t *g = &s->grp[gi];
                s->carriers[slot] = vs_malloc((g->K + 1) * sizeof **s->carriers);
                for (int t = 0; t < g->K; t++)
                    if (o->cond[ci].panel_alleles[g->panel_hap[t]] == a) s->carriers[slot][s->n_carriers[slot]++] = g->panel_hap[t];
            }
    for (int h = 0; h < s->n_hap; h++) {
        int ci = s->cond_of_hap[h];
        if (ci < 0) continue;
        int gi = s->group_of_hap[h], slot = (ci * s->G + gi) * 2 + s->cond_allele[h];
        if (!s->n_carriers[slot])
            return vs_fail(e, "--condition %s: no haplotype of group %s carries %s there, so none can copy it; name "
                              "a group that carries it with group=G", o->cond[ci].spec, s->m->groups[gi].name,
                           s->cond_allele[h] ? o->cond[ci].alt : o->cond[ci].ref);
    }
    return 0;
}

/* Admixed haplotypes entering a new local-ancestry tract at this site copy
 * its group from here on, afresh. */
static void enter_tracts(vs_sampler_t *s, int contig, int64_t pos)
{
    const int *changed;
    double x = vs_cmap_cm(s->p.m->contigs[contig].map, pos) / 100.0;
    int n = vs_ancestry_site(s->anc, contig, x, &changed);
    for (int i = 0; i < n; i++) {
        int h = changed[i], gi = vs_ancestry_group(s->anc, h);
        s->p.group_of_hap[h] = gi;
        if (s->k) {
            vs_kcopy_set_group(s->k, h, gi);
        } else {
            if (s->piece_start) plain_piece_end(s, h);      /* a piece never spans two tracts */
            s->p.cell[h] = NO_CELL;
            s->p.floor_x[h] = vs_ancestry_tract_start(s->anc, h);
            s->p.tract_key[h] = vs_ancestry_tract_key(s->anc, h);
        }
    }
}


vs_sampler_t *vs_sampler_new(const vs_model_t *m, const int *group_of_sample, int n_samples,
                             const vs_sample_opts_t *o, vs_error_t *e)
{
    vs_sampler_t *s = vs_calloc(1, sizeof *s);
    s->o = *o;
    plain_init(&s->p, m, group_of_sample, n_samples, o);
    int admixed = 0;
    for (int i = 0; i < n_samples; i++) admixed |= group_of_sample[i] >= m->n_groups;
    if (admixed) s->anc = vs_ancestry_new(o->groups, group_of_sample, n_samples, o->seed);
    if (m->markov) {
        s->mk = markov_new(m, s->p.group_of_hap, n_samples, o->seed);
        s->alt_here = vs_malloc(s->p.n_hap + 1);
        return s;
    }
    if (plain_conditions(&s->p, o, e) < 0) {
        vs_sampler_destroy(s);
        return NULL;
    }
    if (o->n_cond) {
        s->cond_key = vs_malloc(o->n_cond * sizeof *s->cond_key);
        for (int ci = 0; ci < o->n_cond; ci++)
            s->cond_key[ci] = site_key(o->cond[ci].model_contig, o->cond[ci].pos, o->cond[ci].ref, o->cond[ci].alt);
    }
    int *sample_group_of_hap = vs_malloc((s->p.n_hap + 1) * sizeof *sample_group_of_hap);
    for (int h = 0; h < s->p.n_hap; h++) sample_group_of_hap[h] = group_of_sample[h / 2];
    if (vs_sample_stateful(o)) s->k = vs_kcopy_new(m, s->p.group_of_hap, sample_group_of_hap, s->p.n_hap, o, e);
    free(sample_group_of_hap);
    if (vs_sample_stateful(o) && !s->k) {
        vs_sampler_destroy(s);
        return NULL;
    }
    if (admixed) {
        s->p.floor_x = vs_malloc((s->p.n_hap + 1) * sizeof *s->p.floor_x);
        s->p.tract_key = vs_calloc(s->p.n_hap + 1, sizeof *s->p.tract_key);
        for (int h = 0; h < s->p.n_hap; h++) s->p.floor_x[h] = -INFINITY;
    }
    s->here_contig = -1;
    s->alt_here = vs_malloc(s->p.n_hap + 1);
    s->n_source_hap = 2 * m->n_samples;
    s->source_alt_here = vs_malloc(s->n_source_hap + 1);
    if (o->provenance && !s->k) {
        size_t n = s->p.n_hap + 1;
        s->piece_src = vs_calloc(n, sizeof *s->piece_src);
        s->piece_start = vs_calloc(n, sizeof *s->piece_start);
        s->piece_end = vs_calloc(n, sizeof *s->piece_end);
        s->pieces = vs_malloc(2 * n * sizeof *s->pieces);   /* a contig change and a site */
    }
    return s;
}

/* Records split from one multi-allelic site ('bcftools norm -m-') share a
 * position, and a real haplotype carries at most one of their ALT alleles.
 * A switch or a miscopy between them could give a synthetic haplotype two:
 * the later one is then written as REF (counted by vs_sampler_second_alts).
 * Records at one position that a source haplotype does carry together (a SNP
 * and an indel written apart) are left as they are. */
static void one_alt_per_position(vs_sampler_t *s, int contig, int64_t pos, const uint8_t *source, uint8_t *out)
{
    int n = s->p.n_hap, ns = s->n_source_hap;
    if (contig != s->here_contig || pos != s->here_pos) {
        memcpy(s->alt_here, out, n);
        memcpy(s->source_alt_here, source, ns);
        s->here_contig = contig;
        s->here_pos = pos;
        return;
    }
    int exclusive = 1;
    for (int h = 0; h < ns; h++) {
        exclusive &= !(source[h] && s->source_alt_here[h]);
        s->source_alt_here[h] |= source[h];
    }
    for (int h = 0; h < n; h++) {
        if (exclusive && out[h] && s->alt_here[h]) {
            out[h] = 0;
            s->n_second_alt++;
        }
        s->alt_here[h] |= out[h];
    }
}

int64_t vs_sampler_second_alts(const vs_sampler_t *s) { return s->n_second_alt; }

/* ---------- --condition at its site ---------- */

static int condition_here(const vs_sampler_t *s, uint64_t key)
{
    for (int ci = 0; s->cond_key && ci < s->o.n_cond; ci++)
        if (s->cond_key[ci] == key) return ci;
    return -1;
}

/* The copying gave every conditioned haplotype its target allele. */
static void check_condition(const vs_sampler_t *s, int ci, const uint8_t *out)
{
    for (int h = 0; h < s->p.n_hap; h++)
        if (s->p.cond_of_hap[h] == ci && out[h] != s->p.cond_allele[h])
            vs_fatal("internal error: --condition %s: synthetic haplotype %d copied allele %d, not its target %d",
                     s->o.cond[ci].spec, h, out[h], s->p.cond_allele[h]);
}

/* No miscopy at the site of a haplotype's condition: the dosage is exact. */
static void hold_condition(const vs_sampler_t *s, int ci, uint8_t *out)
{
    for (int h = 0; h < s->p.n_hap; h++)
        if (s->p.cond_of_hap[h] == ci) out[h] = s->p.cond_allele[h];
}

const vs_ancestry_t *vs_sampler_ancestry(const vs_sampler_t *s) { return s->anc; }

void vs_sampler_site(vs_sampler_t *s, int contig, int64_t pos, const char *ref, const char *alt,
                     const uint8_t *panel_alleles, int write, uint8_t *out)
{
    uint64_t key = site_key(contig, pos, ref, alt);
    s->n_pieces = 0;
    if (s->mk) {
        if (s->anc) markov_tracts(s->mk, s->anc, contig, pos);
        markov_site(s->mk, contig, pos, ref, alt, key, write, out);
        return;
    }
    if (s->anc) enter_tracts(s, contig, pos);
    int here = condition_here(s, key);
    if (s->k) {
        vs_kcopy_site(s->k, contig, pos, key, here, panel_alleles, write, out);
    } else {
        if (contig != s->p.contig) plain_end_all(s);
        plain_site(&s->p, contig, pos, panel_alleles, out);
        if (s->piece_start) plain_pieces(s, pos, write);
    }
    if (here >= 0 && write) check_condition(s, here, out);
    for (int gi = 0; gi < s->p.G; gi++) miscopy(&s->p, gi, key, out);
    one_alt_per_position(s, contig, pos, panel_alleles, out);
    if (here >= 0) hold_condition(s, here, out);
}

void vs_sampler_gap(vs_sampler_t *s)
{
    s->n_pieces = 0;
    if (s->mk) {
        markov_gap(s->mk);
        return;
    }
    if (s->k) vs_kcopy_gap(s->k);
    else plain_end_all(s);
}

int vs_sampler_pieces(vs_sampler_t *s, const vs_piece_t **pieces)
{
    if (s->k) return vs_kcopy_pieces(s->k, pieces);
    *pieces = s->pieces;
    return s->n_pieces;
}

void vs_sampler_finish(vs_sampler_t *s)
{
    vs_sampler_gap(s);
}

void vs_sampler_destroy(vs_sampler_t *s)
{
    if (!s) return;
    plain_t *p = &s->p;
    free(s->alt_here);
    free(s->source_alt_here);
    for (int gi = 0; gi < p->G; gi++) {
        free(p->grp[gi].panel_hap);
        free(p->grp[gi].syn_hap);
        free(p->grp[gi].flip_mark);
    }
    free(p->grp);
    free(p->group_of_hap);
    free(p->cell_lo);
    free(p->site_cell);
    free(p->cell);
    free(p->next_j);
    free(p->next_x);
    free(p->tmpl);
    free(p->floor_x);
    free(p->tract_key);
    if (p->carriers)
        for (int i = 0; i < s->o.n_cond * p->G * 2; i++) free(p->carriers[i]);
    free(p->carriers);
    free(p->n_carriers);
    free(p->cond_of_hap);
    free(p->cond_allele);
    free(s->cond_key);
    vs_ancestry_destroy(s->anc);
    markov_destroy(s->mk);
    vs_kcopy_destroy(s->k);
    free(s->piece_src);
    free(s->piece_start);
    free(s->piece_end);
    free(s->pieces);
    free(s);
}
