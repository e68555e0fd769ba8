/* The copying process: switch rate matches 4 Ne / K per Morgan; the state at
 * a site does not depend on where the run started or which sites it saw;
 * --mix counts are the largest-remainder rounding. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "vs_admix.h"
#include "vs_condition.h"
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
    vs_sampler_t *s = vs_sampler_new(m, group, NSYN, &o, NULL);
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
    double *share;
    vs_error_t err;
    CHECK(vs_mix_parse(&gs, "source", &share, &err) == 0, "--mix source parses");
    int *grp = vs_mix_assign(3, share, 7, 1), count[3] = { 0 };
    for (int i = 0; i < 7; i++) count[grp[i]]++;
    CHECK(count[0] == 4 && count[1] == 2 && count[2] == 1, "--mix source, n=7 from 5:3:2 gives 4,2,1 (got %d,%d,%d)",
          count[0], count[1], count[2]);
    free(share);
    free(grp);
    CHECK(vs_mix_parse(&gs, "A=0.25,C=0.75", &share, &err) == 0, "--mix A=0.25,C=0.75 parses");
    grp = vs_mix_assign(3, share, 8, 1);
    memset(count, 0, sizeof count);
    for (int i = 0; i < 8; i++) count[grp[i]]++;
    CHECK(count[0] == 2 && count[1] == 0 && count[2] == 6, "--mix A=0.25,C=0.75, n=8 gives 2,0,6");
    free(share);
    free(grp);
    /* every error is a value: -1, a usage status, the message, nothing left allocated (ASan checks) */
    const char *bad[][2] = { { "A=0.5,A=0.5", "names group 'A' twice" }, { "A", "expects source, equal or GROUP=SHARE" },
                             { "X=1", "names group 'X', which neither the model nor --admix defines" },
                             { "A=0.5,B=0.2", "shares sum to 0.7, not 1" }, { "A=x", "--mix expects a number, got 'x'" },
                             { "A=2", "--mix must be between 0 and 1, got 2" } };
    for (int i = 0; i < 6; i++) {
        err.status = 0;
        int ret = vs_mix_parse(&gs, bad[i][0], &share, &err);
        CHECK(ret == -1 && err.status == VS_EXIT_USAGE && strstr(err.msg, bad[i][1]) && !share,
              "--mix %s: an error value (%s)", bad[i][0], err.msg);
    }
    vs_admix_t ad;
    const char *badmix[][2] = { { "X", "expects NAME=GROUP:SHARE" }, { "a b=A:0.5,B:0.5", "must be one word" },
                                { "Q=A:0.5,Z:0.5", "names group 'Z', which the model does not have" },
                                { "Q=A:0.5,A:0.5", "names group 'A' twice" }, { "Q=A:1", "mixes 1 group;" },
                                { "Q=A:0.5,B:0.6", "the shares sum to 1.1" }, { "Q=A:0.5,B:0.5,gen=-1", "gen must be" },
                                { "Q=A:0.5,B", "'B' is not GROUP:SHARE" } };
    for (int i = 0; i < 8; i++) {
        int ret = vs_admix_parse(m, badmix[i][0], &ad, &err);
        CHECK(ret == -1 && err.status == VS_EXIT_USAGE && strstr(err.msg, badmix[i][1]) && !ad.name && !ad.group,
              "--admix %s: an error value (%s)", badmix[i][0], err.msg);
    }
    vs_admix_t two[2];
    CHECK(vs_admix_parse(m, "Q=A:0.8,B:0.2,gen=7", &two[0], &err) == 0 && two[0].gen == 7 && two[0].n == 2 &&
          fabs(two[0].share[0] - 0.8) < 1e-12, "--admix Q=A:0.8,B:0.2,gen=7 parses");
    CHECK(vs_admix_parse(m, "Q=A:0.5,C:0.5", &two[1], &err) == 0 && vs_admix_check(m, two, 2, &err) == -1 &&
          strstr(err.msg, "--admix Q is defined twice"), "two --admix Q: an error value (%s)", err.msg);
    vs_admix_free(&two[0]);
    vs_admix_free(&two[1]);
    vs_condition_t c;
    const char *badcond[][2] = { { "1:100:A", "--condition expects CHR:POS:REF:ALT=k" },
                                 { "1:100:A:G", "--condition expects CHR:POS:REF:ALT=k" },
                                 { "1:100:A:G=3", "copies must be between 0 and 2" },
                                 { "1:x:A:G=1", "position expects an integer" },
                                 { "1:100:A:G=1,fraction=2", "fraction must be between 0 and 1" },
                                 { "1:100:A:G=1,group=Z", "names group 'Z'" },
                                 { "1:100:A:G=1,colour=red", "unknown setting 'colour=red'" } };
    for (int i = 0; i < 7; i++) {
        int ret = vs_condition_parse(m, badcond[i][0], &c, &err);
        CHECK(ret == -1 && err.status == VS_EXIT_USAGE && strstr(err.msg, badcond[i][1]),
              "--condition %s: an error value (%s)", badcond[i][0], err.msg);
    }
    CHECK(vs_condition_parse(m, "chr:1:100:A:G=2,fraction=0.5,group=B", &c, &err) == 0 && !strcmp(c.contig, "chr:1") &&
          c.pos == 100 && c.k == 2 && c.fraction == 0.5 && c.group == 1,
          "--condition on a contig named with ':' parses from the right");
    vs_condition_t pair[2];
    CHECK(vs_condition_parse(m, "1:100:A:G=1", &pair[0], &err) == 0 &&
          vs_condition_parse(m, "1:100:A:G=0,group=B", &pair[1], &err) == 0 &&
          vs_condition_check_set(pair, 2, &err) == -1 && strstr(err.msg, "names 1:100:A:G twice"),
          "one site conditioned twice: an error value (%s)", err.msg);
    CHECK(vs_condition_check_set(pair, 1, &err) == 0, "a set of one is fine");
    vs_condition_free(&pair[0]);
    vs_condition_free(&pair[1]);
    vs_condition_free(&c);
    vs_model_destroy(m);
    UNIT_DONE();
}
