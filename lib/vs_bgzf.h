/* vs_bgzf: the threads a run compresses with, and a BGZF writer in which
 * the caller compresses blocks too.  htslib's own threaded writer hands
 * every block to its pool and makes the caller wait when the pool falls
 * behind; a caller that has nothing else to do then idles.  Here the
 * caller compresses the next block itself whenever the pool already holds
 * two per thread, so with one sampling and one compressing thread both
 * stay busy.  Blocks are cut where htslib cuts them (every BGZF_BLOCK_SIZE
 * bytes, plus the flushes the caller asks for) and compressed by htslib's
 * bgzf_compress at the same level: the bytes equal htslib's. */
#ifndef VS_BGZF_H
#define VS_BGZF_H

#include <stddef.h>
#include "vs_err.h"

/* htslib's types, named here without its headers: only the I/O modules
 * (vs_bgzf.c, vs_vcf.c) include those. */
struct hFILE;
struct htsThreadPool;

/* An htslib thread pool that readers and writers share (--threads as a
 * total: one pool, not one per file). */
typedef struct vs_pool_t vs_pool_t;
vs_pool_t *vs_pool_new(int n_threads);      /* NULL when n_threads < 1 */
int vs_pool_threads(const vs_pool_t *p);    /* 0 for NULL */
struct htsThreadPool *vs_pool_hts(vs_pool_t *p);   /* for hts_set_thread_pool and bcf_sr */
void vs_pool_destroy(vs_pool_t *p);

typedef struct vs_bgzfw_t vs_bgzfw_t;
/* level: 0-9, or -1 for htslib's default; pool may be NULL (the caller
 * compresses every block).  The writer does not close out. */
vs_bgzfw_t *vs_bgzfw_open(struct hFILE *out, int level, vs_pool_t *pool);
/* 0, or -1 on a compression or write error (errno set by the write). */
int vs_bgzfw_write(vs_bgzfw_t *w, const void *data, size_t len);
/* Ends the current block, as bgzf_flush; vs_bgzfw_flush_try ends it only
 * when len more bytes would not fit, as bgzf_flush_try. */
int vs_bgzfw_flush(vs_bgzfw_t *w);
int vs_bgzfw_flush_try(vs_bgzfw_t *w, size_t len);
/* Writes what is left and the end-of-file block, and frees the writer. */
int vs_bgzfw_close(vs_bgzfw_t *w);

/* Reading a small side file (a map, a BED file): the whole text of a plain,
 * gzip or BGZF file, NUL-terminated, its length in *len; NULL when it cannot
 * be opened (errno set) or read (errno 0).  Read whole and closed at once,
 * so that a parser that stops on an error holds no file open. */
char *vs_slurp(const char *path, size_t *len);
/* vs_slurp for a parser: NULL with an error naming `what` and the file
 * when the file cannot be read or holds a NUL byte (not text); a leading
 * UTF-8 byte-order mark is dropped. */
char *vs_side_text(const char *path, const char *what, size_t *len, vs_error_t *e);
/* The next line of such a text (its '\n' replaced by NUL); NULL at the end. */
char *vs_next_line(char **p);

#endif
