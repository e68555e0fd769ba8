/* vs_bgzfw against htslib's own BGZF writer: the same writes, flushes and
 * flush_try calls give the same bytes, with no pool, one thread or three,
 * at the default level and at level 3; and the file reads back. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <htslib/bgzf.h>
#include "unit.h"
#include <htslib/hfile.h>
#include "vs_bgzf.h"
#include "vs_rng.h"

enum { N_WRITES = 400 };

/* Write sizes from 1 byte to 200 kB (a record of a big cohort spans
 * several blocks), data part repetitive, part random, and a flush or a
 * flush_try every so often. */
static size_t write_size(int i) { return 1 + (size_t)(vs_rng_unif(11, 1, (uint64_t)i, 0) * (i % 7 == 0 ? 200000 : 3000)); }
static int action(int i) { return (int)(vs_rng_unif(11, 2, (uint64_t)i, 0) * 10); }   /* 0: flush, 1: flush_try */

static void fill(unsigned char *buf, size_t n, int i)
{
    for (size_t j = 0; j < n; j++)
        buf[j] = j % 5 ? (unsigned char)(2 + (j + (size_t)i) % 4) : (unsigned char)(vs_rng_unif(11, 3, (uint64_t)i, j) * 256);
}

static char *slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    fseek(fp, 0, SEEK_END);
    *n = (size_t)ftell(fp);
    rewind(fp);
    char *s = malloc(*n + 1);
    if (fread(s, 1, *n, fp) != *n) *n = 0;
    fclose(fp);
    return s;
}

static void write_htslib(const char *path, const char *mode, unsigned char *buf)
{
    BGZF *fp = bgzf_open(path, mode);
    for (int i = 0; i < N_WRITES; i++) {
        size_t n = write_size(i);
        fill(buf, n, i);
        if (action(i) == 1 && bgzf_flush_try(fp, (ssize_t)n) < 0) abort();
        if (bgzf_write(fp, buf, n) != (ssize_t)n) abort();
        if (action(i) == 0 && bgzf_flush(fp) < 0) abort();
    }
    if (bgzf_close(fp) < 0) abort();
}

static int write_ours(const char *path, int level, int threads, unsigned char *buf)
{
    vs_pool_t *pool = vs_pool_new(threads);
    hFILE *h = hopen(path, "w");
    vs_bgzfw_t *w = vs_bgzfw_open(h, level, pool);
    int err = 0;
    for (int i = 0; i < N_WRITES; i++) {
        size_t n = write_size(i);
        fill(buf, n, i);
        if (action(i) == 1) err |= vs_bgzfw_flush_try(w, n);
        err |= vs_bgzfw_write(w, buf, n);
        if (action(i) == 0) err |= vs_bgzfw_flush(w);
    }
    err |= vs_bgzfw_close(w);
    err |= hclose(h);
    vs_pool_destroy(pool);
    return err;
}

int main(void)
{
    unsigned char *buf = malloc(200001);
    char dir[] = "/tmp/test_bgzf.XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char ref[64], ours[64];
    const struct { const char *mode; int level; } levels[] = { { "w", -1 }, { "w3", 3 } };
    for (int l = 0; l < 2; l++) {
        snprintf(ref, sizeof ref, "%s/ref.gz", dir);
        write_htslib(ref, levels[l].mode, buf);
        size_t nr, no;
        char *a = slurp(ref, &nr);
        for (int threads = 0; threads <= 3; threads += (threads ? 2 : 1)) {
            snprintf(ours, sizeof ours, "%s/ours.gz", dir);
            int err = write_ours(ours, levels[l].level, threads, buf);
            char *b = slurp(ours, &no);
            CHECK(!err && a && b && nr == no && memcmp(a, b, nr) == 0,
                  "level %d, %d pool threads: the bytes of htslib's bgzf writer (%zu bytes)", levels[l].level, threads, nr);
            free(b);
        }
        free(a);
    }
    /* and it reads back */
    BGZF *in = bgzf_open(ours, "r");
    size_t total = 0, want = 0;
    ssize_t got;
    while ((got = bgzf_read(in, buf, 200000)) > 0) total += (size_t)got;
    for (int i = 0; i < N_WRITES; i++) want += write_size(i);
    CHECK(bgzf_check_EOF(in) == 1 && total == want, "it reads back whole (%zu bytes) and ends with the EOF block", total);
    bgzf_close(in);
    unlink(ref);
    unlink(ours);
    rmdir(dir);
    free(buf);
    UNIT_DONE();
}
