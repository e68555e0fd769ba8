/* vs_bias: the gap between groups and the amplification flag, on hand-computed rows. */
#include <math.h>
#include <string.h>
#include "unit.h"
#include "vs_bias.h"

int main(void)
{
    /* three groups: (synthetic, baseline, reference) */
    double v[9] = { 0.9, 0.8, 1.0,
                    0.5, 0.7, 0.5,
                    0.7, NAN, 0.7 };    /* a row without a baseline is left out */
    int worst = -1;
    CHECK_NEAR(vs_group_gap(v, 3, VS_HIGHER, 0, &worst), 0.4, 1e-12, "synthetic gap 0.9 - 0.5");
    CHECK(worst == 1, "HIGHER: the worst row is the lowest (row 1)");
    CHECK_NEAR(vs_group_gap(v, 3, VS_HIGHER, 1, NULL), 0.1, 1e-12, "baseline gap 0.8 - 0.7");
    CHECK_NEAR(vs_group_gap(v, 3, VS_LOWER, 0, &worst), 0.4, 1e-12, "LOWER: the same spread");
    CHECK(worst == 0, "LOWER: the worst row is the highest (row 0)");
    /* MATCH: |0.9/1 - 1| = 0.1 and |0.5/0.5 - 1| = 0: gap 0.1; baseline |0.8 - 1| = 0.2, |0.7/0.5 - 1| = 0.4: 0.2 */
    CHECK_NEAR(vs_group_gap(v, 3, VS_MATCH, 0, &worst), 0.1, 1e-12, "MATCH: distances from the reference");
    CHECK(worst == 0, "MATCH: the worst row is the farthest from its reference");
    CHECK_NEAR(vs_group_gap(v, 3, VS_MATCH, 1, NULL), 0.2, 1e-12, "MATCH baseline gap");
    CHECK(isnan(vs_group_gap(v, 1, VS_HIGHER, 0, NULL)), "one row: no gap");
    CHECK(isnan(vs_ratio(1, 0)) && vs_ratio(3, 2) == 1.5 && isnan(vs_ratio(INFINITY, 2)), "ratio");
    CHECK(!strcmp(vs_bias_flag(0.3, 0.1, 0.5, 1), "amplified") && !strcmp(vs_bias_flag(-0.3, -0.5, -0.1, 1), "reduced") &&
          !strcmp(vs_bias_flag(0.1, -0.1, 0.3, 1), "ok") && !strcmp(vs_bias_flag(0.3, 0.1, 0.5, 0), "NA") &&
          !strcmp(vs_bias_flag(NAN, 0, 1, 1), "NA"), "flags: amplified, reduced, ok, NA");
    UNIT_DONE();
}
