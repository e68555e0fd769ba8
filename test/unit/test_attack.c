/* Attack kernels against direct computations: the PBWT longest match against
 * a brute-force scan of every pair, genotype and haplotype distances and the
 * KING-robust counts against per-site loops. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "vs_attack.h"
#include "vs_shadow.h"
#include "vs_pbwt.h"
#include "vs_rng.h"

enum { M = 150 };

/* n samples; haplotypes copy one of 3 founders with switches, so long matches exist */
static vs_geno_t *mosaic(int n, uint64_t seed, int phased)
{
    vs_geno_t *g = calloc(1, sizeof *g);
    g->n = n;
    g->n_sites = M;
    g->nw = (M + 63) / 64;
    g->phased = phased;
    g->h0 = calloc((size_t)n * g->nw, sizeof *g->h0);
    g->h1 = calloc((size_t)n * g->nw, sizeof *g->h1);
    for (int h = 0; h < 2 * n; h++) {
        int f = h % 3;
        for (int j = 0; j < M; j++) {
            if (vs_rng_unif(seed, 1, h, j) < 0.08) f = (int)(vs_rng_unif(seed, 2, h, j) * 3);
            int a = vs_rng_unif(99, f, j, 0) < 0.5;
            if (vs_rng_unif(seed, 3, h, j) < 0.02) a ^= 1;
            uint64_t *p = (h & 1) ? g->h1 : g->h0;
            if (a) p[(size_t)(h / 2) * g->nw + j / 64] |= 1ull << (j % 64);
        }
    }
    return g;
}

static int hap(const vs_geno_t *g, int i, int h, int j)
{
    return ((h ? vs_geno_h1(g, i) : vs_geno_h0(g, i))[j / 64] >> (j % 64)) & 1;
}

static double brute_longest(const vs_geno_t *panel, const vs_geno_t *q, int qi, int qh, const double *cm,
                            const uint8_t *start)
{
    double best = 0;
    for (int i = 0; i < panel->n; i++)
        for (int h = 0; h < 2; h++) {
            int from = -1;
            for (int j = 0; j < M; j++) {
                if (start[j]) from = -1;
                if (hap(panel, i, h, j) != hap(q, qi, qh, j)) { from = -1; continue; }
                if (from < 0) from = j;
                if (cm[j] - cm[from] > best) best = cm[j] - cm[from];
            }
        }
    return best;
}

int main(void)
{
    vs_geno_t *panel = mosaic(20, 1, 1), *query = mosaic(12, 2, 1);
    double cm[M];
    uint8_t start[M] = { 0 };
    for (int j = 0; j < M; j++) cm[j] = 0.01 * j + 0.002 * (j % 7);
    start[0] = start[90] = 1;                       /* two contigs */
    double best[24];
    vs_pbwt_longest_match(panel, query, cm, start, best);
    int same = 1;
    for (int i = 0; i < 12; i++)
        for (int h = 0; h < 2; h++)
            same &= fabs(best[2 * i + h] - brute_longest(panel, query, i, h, cm, start)) < 1e-12;
    CHECK(same, "PBWT longest match equals a brute-force scan of every pair, across two contigs");
    CHECK(best[0] > 0.1, "the mosaics share long segments (%.3f cM)", best[0]);

    int dist_ok = 1, hap_ok = 1, king_ok = 1;
    for (int i = 0; i < 12; i++)
        for (int k = 0; k < 20; k++) {
            int d = 0, straight = 0, crossed = 0;
            vs_king_counts_t want = { 0 }, got;
            for (int j = 0; j < M; j++) {
                int a0 = hap(query, i, 0, j), a1 = hap(query, i, 1, j), b0 = hap(panel, k, 0, j), b1 = hap(panel, k, 1, j);
                int ga = a0 + a1, gb = b0 + b1;
                d += ga != gb;
                straight += (a0 != b0) + (a1 != b1);
                crossed += (a0 != b1) + (a1 != b0);
                want.hethet += ga == 1 && gb == 1;
                want.ibs0 += abs(ga - gb) == 2;
                want.het_a += ga == 1;
                want.het_b += gb == 1;
            }
            dist_ok &= vs_geno_distance(query, i, panel, k) == d;
            hap_ok &= vs_hap_distance(query, i, panel, k) == (straight < crossed ? straight : crossed);
            vs_king_counts(query, i, panel, k, &got);
            king_ok &= !memcmp(&got, &want, sizeof got);
        }
    CHECK(dist_ok, "genotype distance = number of sites whose genotypes differ (Hamming)");
    CHECK(hap_ok, "haplotype distance = the better pairing's Hamming distance");
    CHECK(king_ok, "KING counts: both heterozygous, opposite homozygotes, heterozygous sites");
    vs_king_counts_t c = { 22, 48, 0, 0 };
    c.het_a = 400;
    c.het_b = 102;
    CHECK_NEAR(vs_king_kinship(&c), (44.0 - 192 - 400 - 102 + 204) / 408.0, 1e-15,
               "kinship: (2 HetHet - 4 IBS0 - Het1 - Het2 + 2 min) / (4 min)");
    vs_geno_t dup = *query;
    vs_king_counts(query, 0, &dup, 0, &c);
    CHECK_NEAR(vs_king_kinship(&c), 0.5, 1e-15, "a sample with itself has kinship 0.5");

    /* attacks on a copied panel: members that were copied are found */
    vs_geno_t *train = mosaic(30, 5, 1), *holdout = mosaic(30, 6, 1);
    int copy[15];
    for (int i = 0; i < 15; i++) copy[i] = 2 * i;
    vs_geno_t *syn = vs_geno_subset(train, copy, 15);
    vs_attack_data_t d = { syn, train, holdout, cm, start, { NULL, NULL, NULL }, 50, 8, 1 };
    vs_scores_t *g = vs_scores_new(&d), *h = vs_scores_new(&d), *cal = vs_scores_new(&d);
    vs_attack_dcr(&d, g, h, cal);
    CHECK(g->member[0] == 0 && g->member[2] == 0 && g->member[1] < 0, "dcr: a copied member is at distance 0");
    vs_scores_t *k = vs_scores_new(&d);
    vs_king_bands_t bands;
    vs_attack_king(&d, k, &bands);
    CHECK_NEAR(k->member[0], 0.5, 1e-12, "king: a copied member's closest synthetic sample has kinship 0.5");
    CHECK(bands.member_pairs[0] >= 15, "king: 15 copies fall in the duplicate band (%ld)", bands.member_pairs[0]);
    vs_scores_t *ibd = vs_scores_new(&d);
    vs_attack_ibd(&d, ibd);
    /* plus a tie-break under 1e-6 cM: the other haplotype, matched whole too, over the map's span */
    double span = 0;
    for (int j = 1; j < M; j++) if (!start[j]) span += cm[j] - cm[j - 1];
    CHECK_NEAR(ibd->member[0], cm[89] - cm[0] + 1e-6 * (cm[89] - cm[0]) / span, 1e-12,
               "ibd: a copy matches over a whole contig, on both haplotypes");
    vs_scores_destroy(g);
    vs_scores_destroy(h);
    vs_scores_destroy(cal);
    vs_scores_destroy(k);
    vs_scores_destroy(ibd);
    vs_geno_t *all[] = { panel, query, train, holdout, syn };
    for (int i = 0; i < 5; i++) vs_geno_destroy(all[i]);
    /* the shadow attack's command template: values single-quoted for the shell */
    const char *pairs[] = { "train", "/tmp/a b/train.bcf", "out", "it's.bcf", "n", "12", NULL };
    char *cmd = vs_shadow_expand("gen {train} -n {n} -o {out} && echo {n}", pairs);
    CHECK(!strcmp(cmd, "gen '/tmp/a b/train.bcf' -n '12' -o 'it'\\''s.bcf' && echo '12'"), "template expanded: %s", cmd);
    free(cmd);
    cmd = vs_shadow_expand("gen {train} | awk '{print}' > ${HOME}/{out}", pairs);
    CHECK(!strcmp(cmd, "gen '/tmp/a b/train.bcf' | awk '{print}' > ${HOME}/'it'\\''s.bcf'"),
          "braces that are not placeholders kept: %s", cmd);
    free(cmd);
    UNIT_DONE();
}
