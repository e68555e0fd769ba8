/* vs_geno: the k-nearest-neighbour two-sample classifier, on hand-made genotypes. */
#include <stdlib.h>
#include "unit.h"
#include "vs_geno.h"

/* n samples of 8 sites, every genotype `gt` (0, 1 or 2 ALT copies). */
static vs_geno_t *cohort(int n, int gt)
{
    vs_geno_t *g = calloc(1, sizeof *g);
    g->n = n;
    g->nw = 1;
    g->n_sites = 8;
    g->phased = 1;
    g->h0 = calloc(n, sizeof *g->h0);
    g->h1 = calloc(n, sizeof *g->h1);
    for (int i = 0; i < n; i++) {
        g->h0[i] = gt >= 1 ? 0xff : 0;
        g->h1[i] = gt == 2 ? 0xff : 0;
    }
    return g;
}

int main(void)
{
    int idx[6] = { 0, 1, 2, 3, 4, 5 };
    double sx[6], st[6];
    /* two cohorts 8 sites apart: each sample's 5 nearest others are its own cohort's 5 others */
    vs_geno_t *X = cohort(6, 0), *T = cohort(6, 2), *U = cohort(6, 0);
    vs_knn_two_sample(X, idx, T, idx, 6, sx, st);
    int ok = 1;
    for (int i = 0; i < 6; i++) ok &= sx[i] == 1.0 && st[i] == 0.0;
    CHECK(ok, "separated cohorts: every X sample scores 1 (all neighbours X), every T sample 0");
    /* one T sample moved next to X: heterozygous at site 0, REF elsewhere (1 site from X, 8 from T) */
    T->h0[0] = 0x01;
    T->h1[0] = 0;
    vs_knn_two_sample(X, idx, T, idx, 6, sx, st);
    CHECK(st[0] == 1.0 && sx[0] == 1.0 && fabs(st[1] - 0.2) < 1e-12,
          "a T sample one site from X: its 5 nearest are X (1); X's own stay 1; another T sample has 4 T at "
          "distance 0, then X and the moved T both at 8: the tie goes to X, earlier in the pooled order (0.2)");
    /* identical cohorts: every distance 0, ties go to the earlier samples of the pooled order (X's) */
    vs_knn_two_sample(X, idx, U, idx, 6, sx, st);
    ok = 1;
    for (int i = 0; i < 6; i++) ok &= sx[i] == 1.0 && st[i] == 1.0;
    CHECK(ok, "all tied: the first five others in pooled order, all from X: 1 everywhere");
    /* n = 2: 3 others, fewer than VS_KNN: the share among them */
    vs_knn_two_sample(X, idx, T, idx + 1, 2, sx, st);
    CHECK_NEAR(sx[0], 1.0 / 3, 1e-12, "2 + 2 samples: an X sample's 3 others hold 1 X");
    vs_geno_destroy(X);
    vs_geno_destroy(T);
    vs_geno_destroy(U);
    UNIT_DONE();
}
