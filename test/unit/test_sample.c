/* The copying process: switch rate matches 4 Ne / K per Morgan; the state at
 * a site does not depend on where the run started or which sites it saw;
 * --mix counts are the largest-remainder rounding. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "vs_sample.h"

enum { M = 400, NSYN = 500 };

/* One group of K = 2 panel haplotypes: all-REF and all-ALT, so a synthetic
 * allele names its template. */
static vs_model_t *two_template_model(double ne, double eps)
{
    vs_model_t *m = vs_model_new();
    m->n_samples = 1;
    m->n_contigs = 1;
    m->contigs = calloc(1, sizeof *m->contigs);
    m->contigs[0].name = strdup("1");
    m->contigs[0].first_pos = 1000;
    m->contigs[0].last_pos = 1000 + 1000 * (M - 1);
    m->contigs[0].n_sites = M;
    m->contigs[0].map = vs_cmap_constant("1", 1.0);      /* 1 kb = 0.001 cM */
    m->contigs[0].map_source = strdup("constant");
    m->n_groups = 1;
    m->groups = calloc(1, sizeof *m->groups);
    m->groups[0].name = strdup("G");
    m->groups[0].n_members = 1;
    m->groups[0].members = calloc(1, sizeof(int));
    m->groups[0].K = 2;
    m->groups[0].ne = ne;
    m->groups[0].eps = eps;
    return m;
}

static const uint8_t panel[2] = { 0, 1 };

static void run(vs_model_t *m, int from, int step, uint8_t out[M][2 * NSYN], uint64_t seed)
{
    int group[NSYN] = { 0 };
    vs_sample_opts_t o;
    vs_sample_opts_init(&o);
    o.seed = seed;
    vs_sampler_t *s = vs_sampler_new(m, group, NSYN, &o);
    for (int i = from; i < M; i += step)
        vs_sampler_site(s, 0, 1000 + 1000 * i, "A", "C", panel, 1, out[i]);
    vs_sampler_destroy(s);
}

static uint8_t a[M][2 * NSYN], b[M][2 * NSYN];

int main(void)
{
    /* rate 4 Ne / K = 2e4 per Morgan; 1 kb = 1e-5 Morgan: P(switch) = 1 - e^-0.2,
     * and half of the switches change template */
    vs_model_t *m = two_template_model(1e4, 0);
    run(m, 0, 1, a, 1);
    long changes = 0, pairs = 0;
    for (int i = 1; i < M; i++)
        for (int h = 0; h < 2 * NSYN; h++) { changes += a[i][h] != a[i - 1][h]; pairs++; }
    double want = 0.5 * (1 - exp(-0.2)), sd = sqrt(want * (1 - want) / pairs);
    CHECK_NEAR((double)changes / pairs, want, 5 * sd, "template changes per 1 kb step match 4Ne/K (5 sd)");

    run(m, M / 2, 1, b, 1);
    CHECK(!memcmp(a[M / 2], b[M / 2], sizeof a[0] * (M / 2)), "a run starting mid-contig equals the full run there");
    memset(b, 2, sizeof b);
    run(m, 3, 7, b, 1);
    int same = 1;
    for (int i = 3; i < M; i += 7) same &= !memcmp(a[i], b[i], sizeof a[i]);
    CHECK(same, "a run that sees every 7th site equals the full run at those sites");
    run(m, 0, 1, b, 2);
    CHECK(memcmp(a, b, sizeof a) != 0, "another seed gives another sample");
    vs_model_destroy(m);

    m = two_template_model(1e-3, 0.05);                    /* no switches; miscopies only */
    run(m, 0, 1, a, 1);
    long flips = 0, n = 0;
    for (int h = 0; h < 2 * NSYN; h++) {     /* the template is the haplotype's majority allele */
        int ones = 0;
        for (int i = 0; i < M; i++) ones += a[i][h];
        int tmpl = 2 * ones > M;
        for (int i = 0; i < M; i++) { flips += a[i][h] != tmpl; n++; }
    }
    double p = 0.05;
    CHECK_NEAR((double)flips / n, p, 5 * sqrt(p * (1 - p) / n), "miscopy rate eps = 0.05 (5 sd)");
    vs_model_destroy(m);

    m = two_template_model(1e4, 0);
    free(m->groups[0].name);
    free(m->groups[0].members);
    free(m->groups);
    m->n_groups = 3;
    m->groups = calloc(3, sizeof *m->groups);
    const char *names[] = { "A", "B", "C" };
    int members[] = { 5, 3, 2 };
    for (int g = 0; g < 3; g++) {
        m->groups[g].name = strdup(names[g]);
        m->groups[g].n_members = members[g];
        m->groups[g].members = calloc(members[g], sizeof(int));
    }
    vs_groupset_t gs = { m, NULL, 0 };
    double *share = vs_mix_parse(&gs, "source");
    int *grp = vs_mix_assign(3, share, 7, 1), count[3] = { 0 };
    for (int i = 0; i < 7; i++) count[grp[i]]++;
    CHECK(count[0] == 4 && count[1] == 2 && count[2] == 1, "--mix source, n=7 from 5:3:2 gives 4,2,1 (got %d,%d,%d)",
          count[0], count[1], count[2]);
    free(share);
    free(grp);
    share = vs_mix_parse(&gs, "A=0.25,C=0.75");
    grp = vs_mix_assign(3, share, 8, 1);
    memset(count, 0, sizeof count);
    for (int i = 0; i < 8; i++) count[grp[i]]++;
    CHECK(count[0] == 2 && count[1] == 0 && count[2] == 6, "--mix A=0.25,C=0.75, n=8 gives 2,0,6");
    free(share);
    free(grp);
    vs_model_destroy(m);
    UNIT_DONE();
}
