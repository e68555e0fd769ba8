/* k-anonymous copying on a generated panel: every piece is carried by at
 * least K individuals over its span and context (checked by brute force);
 * a run that starts mid-contig, after one restart spacing of burn-in, equals
 * the full run; the segment cap holds; Good-Turing against hand values. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "vs_kcopy.h"
#include "vs_rng.h"
#include "vs_sample.h"

enum { N = 30, HAPS = 2 * N, SITES = 500, NSYN = 200, FOUNDERS = 6 };
#define SPACING 50000              /* bp between sites: 0.05 cM at 1 cM/Mb, 25 cM in all */

static uint8_t panel[SITES][HAPS];

/* Haplotypes that are mosaics of a few founders, so that blocks are shared. */
static void make_panel(void)
{
    uint8_t founder[FOUNDERS][SITES];
    for (int f = 0; f < FOUNDERS; f++)
        for (int s = 0; s < SITES; s++) founder[f][s] = vs_rng_unif(42, 1, (uint64_t)f, (uint64_t)s) < 0.35;
    for (int h = 0; h < HAPS; h++) {
        int f = (int)(vs_rng_unif(42, 2, (uint64_t)h, 0) * FOUNDERS);
        for (int s = 0; s < SITES; s++) {
            if (vs_rng_unif(42, 3, (uint64_t)h, (uint64_t)s) < 0.03) f = (int)(vs_rng_unif(42, 4, (uint64_t)h, (uint64_t)s) * FOUNDERS);
            panel[s][h] = founder[f][s] ^ (vs_rng_unif(42, 5, (uint64_t)h, (uint64_t)s) < 0.005);
        }
    }
}

static vs_model_t *model(void)
{
    vs_model_t *m = vs_model_new();
    m->n_samples = N;
    m->n_contigs = 1;
    m->contigs = calloc(1, sizeof *m->contigs);
    m->contigs[0].name = strdup("1");
    m->contigs[0].first_pos = SPACING;
    m->contigs[0].last_pos = (int64_t)SPACING * SITES;
    m->contigs[0].n_sites = SITES;
    m->contigs[0].map = vs_cmap_constant("1", 1.0);
    m->contigs[0].map_source = strdup("constant");
    m->n_groups = 1;
    m->groups = calloc(1, sizeof *m->groups);
    vs_group_model_t *g = &m->groups[0];
    g->name = strdup("G");
    g->n_members = N;
    g->members = malloc(N * sizeof(int));
    for (int i = 0; i < N; i++) g->members[i] = i;
    g->K = HAPS;
    g->ne = 2000;
    g->eps = 0;
    return m;
}

static int site_of(int64_t pos) { return (int)(pos / SPACING) - 1; }

/* Individuals whose haplotype equals haplotype src over sites a..b. */
static int carriers(int src, int a, int b)
{
    int n = 0;
    for (int i = 0; i < N; i++) {
        int carries = 0;
        for (int k = 0; k < 2 && !carries; k++) {
            int same = 1;
            for (int s = a; s <= b && same; s++) same = panel[s][2 * i + k] == panel[s][src];
            carries = same;
        }
        n += carries;
    }
    return n;
}

static uint8_t out[SITES][2 * NSYN], out2[SITES][2 * NSYN];

/* Sites from..SITES-1, writing from write_from on; checks every piece. */
static void run(const vs_model_t *m, vs_sample_opts_t *o, int from, int write_from, uint8_t dst[SITES][2 * NSYN],
                int *min_carriers, double *max_cm)
{
    int group[NSYN] = { 0 };
    vs_sampler_t *s = vs_sampler_new(m, group, NSYN, o, NULL);
    *min_carriers = HAPS;
    *max_cm = 0;
    for (int i = from; i <= SITES; i++) {
        if (i < SITES) vs_sampler_site(s, 0, (int64_t)SPACING * (i + 1), "A", "C", panel[i], i >= write_from, dst[i]);
        else vs_sampler_finish(s);
        const vs_piece_t *pc;
        int n = vs_sampler_pieces(s, &pc);
        for (int k = 0; k < n; k++) {
            int c = carriers(pc[k].source_hap, site_of(pc[k].context_start), site_of(pc[k].end));
            if (c < *min_carriers) *min_carriers = c;
            double cm = (pc[k].end - pc[k].start) * 1e-6;    /* 1 cM per Mb */
            if (cm > *max_cm) *max_cm = cm;
        }
    }
    vs_sampler_destroy(s);
}

int main(void)
{
    make_panel();
    vs_model_t *m = model();
    vs_sample_opts_t o;
    vs_sample_opts_init(&o);
    vs_sample_preset("balanced", &o, NULL);
    o.min_carriers = 5;
    o.provenance = 1;
    int min_c;
    double max_cm;
    run(m, &o, 0, 0, out, &min_c, &max_cm);
    CHECK(min_c >= 5, "K = 5: every piece, with its context, is carried by %d or more individuals", min_c);
    long ones = 0, panel_ones = 0;
    for (int i = 0; i < SITES; i++) {
        for (int h = 0; h < 2 * NSYN; h++) ones += out[i][h];
        for (int h = 0; h < HAPS; h++) panel_ones += panel[i][h];
    }
    CHECK_NEAR((double)ones / (SITES * 2 * NSYN), (double)panel_ones / (SITES * HAPS), 0.03,
               "the synthetic ALT frequency is the panel's");

    /* sites 150-299 read without writing (7.5 cM, more than one restart spacing), 300 on written */
    run(m, &o, 150, 300, out2, &min_c, &max_cm);
    CHECK(!memcmp(out[300], out2[300], sizeof out[0] * (SITES - 300)), "a run from mid-contig equals the full run");

    o.max_segment_cm = 0.4;
    run(m, &o, 0, 0, out, &min_c, &max_cm);
    CHECK(max_cm <= 0.4 && min_c >= 5, "--max-segment-cM 0.4: the longest piece is %.2f cM, carriers >= %d", max_cm, min_c);

    vs_sample_opts_init(&o);
    o.min_carriers = 12;
    o.jump = VS_JUMP_UNIFORM;
    o.provenance = 1;
    run(m, &o, 0, 0, out, &min_c, &max_cm);
    CHECK(min_c >= 12, "K = 12, uniform jumps: carriers >= %d", min_c);
    vs_model_destroy(m);

    /* Good-Turing: a steep spectrum, where Turing's own estimate for singletons,
     * 2 N2 / N1 = 0.2, stands clear of the smooth */
    int64_t spec[6] = { 1000, 100, 40, 20, 12, 8 };
    double f[6];
    vs_good_turing(spec, 6, 500, f);
    CHECK_NEAR(f[0] * 500, 0.2, 1e-12, "singletons: r* = 2 N2 / N1 = 0.2");
    int below = 1;
    for (int r = 1; r <= 6; r++) below &= f[r - 1] * 500 <= r + 1e-12 && f[r - 1] > 0;
    CHECK(below, "no allele is expected more often in a fresh sample than it was seen");
    UNIT_DONE();
}
