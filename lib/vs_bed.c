#include "vs_bed.h"
#include "vs_bgzf.h"
#include "vs_err.h"
#include "vs_gmap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/regidx.h>

struct vs_bed_t {
    regidx_t *idx;
};

/* What the line parser needs to name a bad line. */
typedef struct {
    const char *path;
    long lineno, n;
    vs_error_t *e;
    int failed;
} bed_ctx_t;

/* A BED line for regidx: contig, start, end (whole decimal numbers, 0 <=
 * start < end), further columns ignored.  Parsed here, not by regidx's own
 * BED parser, which takes a lone contig for the whole contig, reads a
 * missing end from the next line and accepts "1e3" or "2k". */
static int parse_line(const char *line, char **chr_beg, char **chr_end, hts_pos_t *beg, hts_pos_t *end,
                      void *payload, void *usr)
{
    (void)payload;
    bed_ctx_t *x = usr;
    const char *p = line + strspn(line, " \t\r");
    if (!*p || *p == '#' || !strncmp(p, "track", 5) || !strncmp(p, "browser", 7)) return -1;
    const char *name_end = p + strcspn(p, " \t\r");
    long long v[2];
    const char *q = name_end;
    int ok = name_end > p;
    for (int i = 0; i < 2 && ok; i++) {
        q += strspn(q, " \t");
        char *stop;
        errno = 0;
        v[i] = *q >= '0' && *q <= '9' ? strtoll(q, &stop, 10) : -1;
        ok = v[i] >= 0 && !errno && (*stop == 0 || *stop == ' ' || *stop == '\t' || *stop == '\r');
        if (ok) q = stop;
    }
    if (!ok || v[1] <= v[0]) {
        x->failed = 1;
        vs_fail(x->e, "BED file %s line %ld is not 'contig start end' with 0 <= start < end: %.60s", x->path,
                x->lineno, line);
        return -2;            /* regidx: an error */
    }
    *chr_beg = (char *)p;
    *chr_end = (char *)name_end - 1;
    *beg = v[0];
    *end = v[1] - 1;          /* regidx: 0-based, inclusive */
    x->n++;
    return 0;
}

vs_bed_t *vs_bed_read(const char *path, vs_error_t *e)
{
    size_t len;
    char *text = vs_side_text(path, "BED file", &len, e), *rest = text, *line;
    if (!text) return NULL;
    bed_ctx_t x = { path, 0, 0, e, 0 };
    regidx_t *idx = regidx_init(NULL, parse_line, NULL, 0, &x);
    if (!idx) vs_fatal("out of memory reading BED file %s", path);
    while ((line = vs_next_line(&rest))) {
        x.lineno++;
        if (regidx_insert(idx, line) < 0) {
            if (!x.failed) vs_fatal("out of memory reading BED file %s", path);
            break;
        }
    }
    free(text);
    if (!x.failed && x.n == 0) x.failed = vs_fail(e, "BED file %s has no regions", path);
    if (x.failed) {
        regidx_destroy(idx);
        return NULL;
    }
    vs_bed_t *b = vs_calloc(1, sizeof *b);
    b->idx = idx;
    return b;
}

int vs_bed_contains(const vs_bed_t *b, const char *contig, int64_t pos)
{
    int n;
    char **names = regidx_seq_names(b->idx, &n);
    for (int i = 0; i < n; i++)        /* the file's name for the contig, with or without "chr" */
        if (vs_contig_match(names[i], contig)) {
            int in = regidx_overlap(b->idx, names[i], pos - 1, pos - 1, NULL);
            if (in < 0) vs_fatal("out of memory indexing the BED regions");
            return in;
        }
    return 0;
}

void vs_bed_destroy(vs_bed_t *b)
{
    if (!b) return;
    regidx_destroy(b->idx);
    free(b);
}
