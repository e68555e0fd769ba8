#include "vs_bgzf.h"
#include "vs_err.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <htslib/bgzf.h>
#include <htslib/hfile.h>
#include <htslib/hts.h>
#include <htslib/kstring.h>
#include <htslib/thread_pool.h>

/* ---------- the pool ---------- */

struct vs_pool_t {
    htsThreadPool p;
    int n;
};

vs_pool_t *vs_pool_new(int n_threads)
{
    if (n_threads < 1) return NULL;
    vs_pool_t *p = vs_calloc(1, sizeof *p);
    p->p.pool = hts_tpool_init(n_threads);
    if (!p->p.pool) vs_fatal("cannot start %d threads", n_threads);
    /* the panel reader's read-ahead (bgzf_thread_pool takes its queue from here):
     * htslib's default of 2 blocks a thread starved vcf-synth's 2-thread run
     * (3.5 s against 3.0 s on 50,000 samples) */
    p->p.qsize = 64 * n_threads;
    p->n = n_threads;
    return p;
}

int vs_pool_threads(const vs_pool_t *p) { return p ? p->n : 0; }

htsThreadPool *vs_pool_hts(vs_pool_t *p) { return p ? &p->p : NULL; }

void vs_pool_destroy(vs_pool_t *p)
{
    if (!p) return;
    hts_tpool_destroy(p->p.pool);
    free(p);
}

/* ---------- the writer ---------- */

typedef struct {
    uint8_t src[BGZF_BLOCK_SIZE], dst[BGZF_MAX_BLOCK_SIZE];
    size_t slen, dlen;
    int level, err;
    int in_pool;              /* compressed by the pool: its result comes back in order */
    atomic_int *pool_done;    /* counts the pool's finished blocks */
} block_t;

struct vs_bgzfw_t {
    hFILE *out;
    int level;
    hts_tpool *pool;
    hts_tpool_process *q;
    int in_pool;                /* blocks given to the pool and not yet taken back */
    atomic_int pool_done;       /* of those, the ones it has finished */
    int most_in_pool;           /* unfinished blocks the pool may hold; beyond, the caller compresses */
    block_t **ring;             /* blocks compressed or being compressed, in file order */
    int head, n, cap;
    block_t **spare;            /* blocks free for filling */
    int n_spare;
    block_t *cur;               /* the block being filled */
    int err;
};

static void *compress_block(void *arg)
{
    block_t *b = arg;
    b->dlen = BGZF_MAX_BLOCK_SIZE;
    b->err = bgzf_compress(b->dst, &b->dlen, b->src, b->slen, b->level) != 0;
    if (b->in_pool) atomic_fetch_add(b->pool_done, 1);
    return b;
}

vs_bgzfw_t *vs_bgzfw_open(hFILE *out, int level, vs_pool_t *pool)
{
    vs_bgzfw_t *w = vs_calloc(1, sizeof *w);
    w->out = out;
    w->level = level;
    int threads = vs_pool_threads(pool);
    w->cap = 32 * threads + 2;     /* room for the caller's blocks behind one the pool still holds */
    if (threads) {
        w->pool = vs_pool_hts(pool)->pool;
        w->most_in_pool = 16 * threads;   /* 1 MB a thread: the caller helps only a pool truly behind */
        w->q = hts_tpool_process_init(w->pool, w->cap, 0);
        if (!w->q) vs_fatal("cannot start the compressing threads");
    }
    w->ring = vs_calloc(w->cap, sizeof *w->ring);
    w->spare = vs_calloc(w->cap + 1, sizeof *w->spare);
    for (int i = 0; i <= w->cap; i++) w->spare[w->n_spare++] = vs_calloc(1, sizeof(block_t));
    w->cur = w->spare[--w->n_spare];
    w->cur->slen = 0;
    return w;
}

/* Writes the first block of the ring (waiting for the pool when wait). 1 when
 * one was written, 0 when it is not ready yet. */
static int write_head(vs_bgzfw_t *w, int wait)
{
    block_t *b = w->ring[w->head];
    if (b->in_pool) {
        hts_tpool_result *r = wait ? hts_tpool_next_result_wait(w->q) : hts_tpool_next_result(w->q);
        if (!r && wait) vs_fatal("the compressing threads stopped (out of memory?)");   /* the queue was shut down */
        if (!r) return 0;
        hts_tpool_delete_result(r, 0);   /* its data is b: results come back in the order given */
        w->in_pool--;
        atomic_fetch_sub(&w->pool_done, 1);
    }
    if (b->err || hwrite(w->out, b->dst, b->dlen) != (ssize_t)b->dlen) w->err = 1;
    w->head = (w->head + 1) % w->cap;
    w->n--;
    w->spare[w->n_spare++] = b;
    return 1;
}

/* Sends the current block to be compressed: to the pool, or here when the
 * pool already holds enough; then writes every block that is done. */
static void submit(vs_bgzfw_t *w)
{
    block_t *b = w->cur;
    b->level = w->level;
    if (w->n == w->cap) write_head(w, 1);
    /* the pool's unfinished blocks, not the ones waiting behind the file order */
    b->in_pool = w->pool && w->in_pool - atomic_load(&w->pool_done) < w->most_in_pool;
    b->pool_done = &w->pool_done;
    if (b->in_pool) {
        if (hts_tpool_dispatch(w->pool, w->q, compress_block, b) < 0) vs_fatal("cannot hand a block to the threads");
        w->in_pool++;
    } else {
        compress_block(b);
    }
    w->ring[(w->head + w->n++) % w->cap] = b;
    while (w->n && write_head(w, 0)) {}
    w->cur = w->spare[--w->n_spare];
    w->cur->slen = 0;
}

int vs_bgzfw_write(vs_bgzfw_t *w, const void *data, size_t len)
{
    const uint8_t *p = data;
    while (len > 0) {
        size_t room = BGZF_BLOCK_SIZE - w->cur->slen, n = len < room ? len : room;
        memcpy(w->cur->src + w->cur->slen, p, n);
        w->cur->slen += n;
        p += n;
        len -= n;
        if (w->cur->slen == BGZF_BLOCK_SIZE) submit(w);
    }
    return w->err ? -1 : 0;
}

int vs_bgzfw_flush(vs_bgzfw_t *w)
{
    if (w->cur->slen) submit(w);
    return w->err ? -1 : 0;
}

int vs_bgzfw_flush_try(vs_bgzfw_t *w, size_t len)
{
    return w->cur->slen + len > BGZF_BLOCK_SIZE ? vs_bgzfw_flush(w) : 0;
}

int vs_bgzfw_close(vs_bgzfw_t *w)
{
    vs_bgzfw_flush(w);
    while (w->n) write_head(w, 1);
    /* the end-of-file marker: an empty block at the default level, as bgzf_close writes it */
    block_t *eof = w->cur;
    eof->slen = 0;
    eof->level = -1;
    eof->in_pool = 0;
    compress_block(eof);
    if (eof->err || hwrite(w->out, eof->dst, eof->dlen) != (ssize_t)eof->dlen) w->err = 1;
    int err = w->err;
    if (w->q) hts_tpool_process_destroy(w->q);
    free(w->cur);
    for (int i = 0; i < w->n_spare; i++) free(w->spare[i]);
    free(w->spare);
    free(w->ring);
    free(w);
    return err ? -1 : 0;
}

char *vs_slurp(const char *path, size_t *len)
{
    BGZF *fp = bgzf_open(path, "r");
    if (!fp) return NULL;
    kstring_t ks = { 0, 0, NULL };
    char buf[65536];
    ssize_t n;
    while ((n = bgzf_read(fp, buf, sizeof buf)) > 0) kputsn(buf, (size_t)n, &ks);
    if (bgzf_close(fp) < 0 || n < 0) {
        free(ks.s);
        errno = 0;
        return NULL;
    }
    *len = ks.l;
    return ks.s ? ks.s : vs_strdup("");
}

/* A side file's text for a line-by-line parser, or NULL with an error when
 * it cannot be read or is not text. */
char *vs_side_text(const char *path, const char *what, size_t *len, vs_error_t *e)
{
    char *text = vs_slurp(path, len);
    if (!text && errno) return vs_fail(e, "cannot open %s %s: %s", what, path, strerror(errno)), NULL;
    if (!text) return vs_fail(e, "%s %s: read error or truncated gzip file", what, path), NULL;
    if (strlen(text) != *len) {
        size_t at = strlen(text);
        free(text);
        return vs_fail(e, "%s %s has a NUL byte at offset %zu: it is not a text file", what, path, at), NULL;
    }
    if (*len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {     /* a UTF-8 byte-order mark (spreadsheet exports) */
        *len -= 3;
        memmove(text, text + 3, *len + 1);
    }
    return text;
}

/* The next line of a text, NUL-terminated in place; NULL at its end. */
char *vs_next_line(char **p)
{
    if (!**p) return NULL;
    char *line = *p, *nl = strchr(line, '\n');
    if (nl) {
        *nl = 0;
        *p = nl + 1;
    } else {
        *p = line + strlen(line);
    }
    return line;
}
