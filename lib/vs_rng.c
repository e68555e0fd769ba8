#include "vs_rng.h"

#include <string.h>

#include "vs_err.h"

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

static inline void mulhilo(uint32_t a, uint32_t b, uint32_t *hi, uint32_t *lo)
{
    uint64_t p = (uint64_t)a * b;
    *hi = (uint32_t)(p >> 32);
    *lo = (uint32_t)p;
}

void vs_philox(const uint32_t key[2], const uint32_t ctr[4], uint32_t out[4])
{
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
    uint32_t k0 = key[0], k1 = key[1];
    for (int round = 0; round < 10; round++) {
        uint32_t hi0, lo0, hi1, lo1;
        mulhilo(PHILOX_M0, c0, &hi0, &lo0);
        mulhilo(PHILOX_M1, c2, &hi1, &lo1);
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

uint64_t vs_mix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

uint64_t vs_hash3(uint64_t a, uint64_t b, uint64_t c)
{
    return vs_mix64(vs_mix64(vs_mix64(a) ^ b) ^ c);
}

uint64_t vs_hash_str(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) h = vs_mix64(h ^ (unsigned char)s[i]);
    return h;
}

static void set_key(uint32_t key[2], uint64_t seed, uint32_t purpose)
{
    uint64_t k = vs_mix64(seed ^ ((uint64_t)purpose << 56)) ^ purpose;
    key[0] = (uint32_t)k;
    key[1] = (uint32_t)(k >> 32);
}

static double to_unit(uint32_t hi, uint32_t lo)
{
    uint64_t bits = ((uint64_t)hi << 21) ^ lo;          /* 53 bits */
    bits &= (1ull << 53) - 1;
    return ((double)bits + 0.5) / 9007199254740992.0;  /* strictly inside (0,1) */
}

double vs_rng_unif(uint64_t seed, uint32_t purpose, uint64_t a, uint64_t b)
{
    uint32_t key[2], out[4];
    set_key(key, seed, purpose);
    uint32_t ctr[4] = { (uint32_t)a, (uint32_t)(a >> 32), (uint32_t)b, (uint32_t)(b >> 32) };
    vs_philox(key, ctr, out);
    return to_unit(out[0], out[1]);
}

void vs_rng_shuffle(int *v, int n, uint64_t seed, uint32_t purpose, uint64_t which)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)(vs_rng_unif(seed, purpose, (uint64_t)i, which) * (i + 1));
        int t = v[i];
        v[i] = v[j];
        v[j] = t;
    }
}

int *vs_rng_permutation(int n, uint64_t seed, uint32_t purpose, uint64_t which)
{
    int *v = vs_malloc((n + 1) * sizeof *v);
    for (int i = 0; i < n; i++) v[i] = i;
    vs_rng_shuffle(v, n, seed, purpose, which);
    return v;
}

/* ---- the gsl_rng adapter ---- */

static uint32_t stream_next(vs_stream_t *s)
{
    if (s->avail == 0) {
        vs_philox(s->key, s->ctr, s->buf);
        if (++s->ctr[3] == 0) ++s->ctr[2];
        s->avail = 4;
    }
    return s->buf[4 - s->avail--];
}

/* GSL passes the state pointer, which we point back at the stream itself. */
static unsigned long gsl_get(void *state) { return stream_next(state); }
static double gsl_get_double(void *state)
{
    vs_stream_t *s = state;
    uint32_t hi = stream_next(s);
    return to_unit(hi, stream_next(s));
}
static void gsl_set(void *state, unsigned long seed) { (void)state; (void)seed; }

static const gsl_rng_type philox_type = {
    "vs_philox", 0xffffffffUL, 0, sizeof(vs_stream_t), gsl_set, gsl_get, gsl_get_double
};

void vs_stream_set(vs_stream_t *s, uint64_t seed, uint32_t purpose, uint64_t a, uint64_t b)
{
    s->rng.type = &philox_type;
    s->rng.state = s;
    set_key(s->key, seed, purpose);
    /* (a, b) name the sequence; the low 64 counter bits index draws within it */
    uint64_t id = vs_hash3(a, b, purpose);
    s->ctr[0] = (uint32_t)id;
    s->ctr[1] = (uint32_t)(id >> 32);
    s->ctr[2] = 0;
    s->ctr[3] = 0;
    s->avail = 0;
}

double vs_stream_unif(vs_stream_t *s) { return gsl_get_double(s); }
