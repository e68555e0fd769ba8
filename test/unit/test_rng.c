/* Philox4x32-10 against the Random123 known-answer vectors, and the
 * properties vcf-synth relies on: keyed draws are pure functions, streams are
 * reproducible, uniforms are uniform. */
#include <stdint.h>
#include <string.h>
#include "unit.h"
#include "vs_rng.h"

static void kat(const uint32_t key[2], const uint32_t ctr[4], const uint32_t want[4], const char *name)
{
    uint32_t out[4];
    vs_philox(key, ctr, out);
    CHECK(!memcmp(out, want, sizeof out), "Philox4x32-10 known answer: %s", name);
}

int main(void)
{
    kat((uint32_t[]){ 0, 0 }, (uint32_t[]){ 0, 0, 0, 0 },
        (uint32_t[]){ 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8 }, "zeros");
    kat((uint32_t[]){ 0xffffffff, 0xffffffff }, (uint32_t[]){ 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff },
        (uint32_t[]){ 0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd }, "ones");
    kat((uint32_t[]){ 0xa4093822, 0x299f31d0 }, (uint32_t[]){ 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344 },
        (uint32_t[]){ 0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1 }, "pi digits");

    CHECK(vs_rng_unif(7, 1, 2, 3) == vs_rng_unif(7, 1, 2, 3), "a keyed draw is a pure function");
    CHECK(vs_rng_unif(7, 1, 2, 3) != vs_rng_unif(8, 1, 2, 3), "the seed changes the draw");
    CHECK(vs_rng_unif(7, 1, 2, 3) != vs_rng_unif(7, 2, 2, 3), "the purpose changes the draw");

    vs_stream_t a, b;
    vs_stream_set(&a, 5, 3, 10, 20);
    vs_stream_set(&b, 5, 3, 10, 20);
    int same = 1;
    for (int i = 0; i < 1000; i++) same &= vs_stream_unif(&a) == vs_stream_unif(&b);
    CHECK(same, "two streams with one key give one sequence");

    double sum = 0, sum2 = 0, lo = 1, hi = 0;
    const int n = 200000;
    vs_stream_set(&a, 1, 1, 0, 0);
    for (int i = 0; i < n; i++) {
        double u = vs_stream_unif(&a);
        sum += u;
        sum2 += u * u;
        if (u < lo) lo = u;
        if (u > hi) hi = u;
    }
    /* mean of n uniforms: sd 1/sqrt(12 n) = 0.00065; 5 sd */
    CHECK_NEAR(sum / n, 0.5, 0.0033, "stream mean of %d uniforms", n);
    CHECK_NEAR(sum2 / n - (sum / n) * (sum / n), 1.0 / 12, 0.002, "stream variance");
    CHECK(lo > 0 && hi < 1, "uniforms are strictly inside (0,1)");
    UNIT_DONE();
}
