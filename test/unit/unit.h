/* A minimal TAP producer for the C unit tests: each check prints one
 * "ok"/"not ok" line; UNIT_DONE() prints the plan and sets the exit code. */
#ifndef UNIT_H
#define UNIT_H

#include <math.h>
#include <stdio.h>

static int unit_n, unit_failed;

#define CHECK(cond, ...) do { \
    int ok_ = !!(cond); \
    unit_n++; \
    if (ok_) printf("ok %d - ", unit_n); \
    else { printf("not ok %d - ", unit_n); unit_failed++; } \
    printf(__VA_ARGS__); \
    printf("%s\n", ok_ ? "" : "   <-- " #cond); \
} while (0)

#define CHECK_NEAR(got, want, tol, ...) do { \
    double g_ = (got), w_ = (want); \
    unit_n++; \
    if (fabs(g_ - w_) <= (tol)) printf("ok %d - ", unit_n); \
    else { printf("not ok %d - ", unit_n); unit_failed++; } \
    printf(__VA_ARGS__); \
    printf(" (got %.10g, want %.10g)\n", g_, w_); \
} while (0)

#define UNIT_DONE() do { printf("1..%d\n", unit_n); return unit_failed ? 1 : 0; } while (0)

#endif
