#include "vs_bed.h"
#include "vs_err.h"
#include "vs_gmap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static vs_bed_contig_t *contig_of(vs_bed_t *b, const char *name, const char *path, long lineno)
{
    if (b->n && !strcmp(b->c[b->n - 1].contig, name)) return &b->c[b->n - 1];
    for (int i = 0; i < b->n; i++)
        if (!strcmp(b->c[i].contig, name))
            vs_die("BED file %s line %ld: contig %s appears again after %s; sort it with 'sort -k1,1 -k2,2n'",
                   path, lineno, name, b->c[b->n - 1].contig);
    b->c = vs_realloc(b->c, (b->n + 1) * sizeof *b->c);
    vs_bed_contig_t *c = &b->c[b->n++];
    memset(c, 0, sizeof *c);
    c->contig = vs_strdup(name);
    return c;
}

vs_bed_t *vs_bed_read(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp) vs_die("cannot open BED file %s: %s", path, strerror(errno));
    vs_bed_t *b = vs_calloc(1, sizeof *b);
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    while (getline(&line, &cap, fp) > 0) {
        lineno++;
        if (line[0] == '#' || line[0] == '\n' || !strncmp(line, "track", 5) || !strncmp(line, "browser", 7)) continue;
        char name[256];
        long long start, end;
        if (sscanf(line, "%255s %lld %lld", name, &start, &end) != 3 || start < 0 || end <= start)
            vs_die("BED file %s line %ld is not 'contig start end' with 0 <= start < end", path, lineno);
        vs_bed_contig_t *c = contig_of(b, name, path, lineno);
        if (c->n && start < c->start[c->n - 1])
            vs_die("BED file %s line %ld: %s:%lld comes after %lld; sort it with 'sort -k1,1 -k2,2n'", path,
                   lineno, name, start, (long long)c->start[c->n - 1]);
        if (c->n && start < c->end[c->n - 1])
            vs_die("BED file %s line %ld: %s:%lld-%lld overlaps the region before it (ending at %lld); merge "
                   "them with 'bedtools merge'", path, lineno, name, start, end, (long long)c->end[c->n - 1]);
        c->start = vs_realloc(c->start, (c->n + 1) * sizeof *c->start);
        c->end = vs_realloc(c->end, (c->n + 1) * sizeof *c->end);
        c->start[c->n] = start;
        c->end[c->n++] = end;
    }
    free(line);
    fclose(fp);
    if (b->n == 0) vs_die("BED file %s has no regions", path);
    return b;
}

int vs_bed_contains(const vs_bed_t *b, const char *contig, int64_t pos)
{
    int64_t p0 = pos - 1;
    for (int i = 0; i < b->n; i++) {
        const vs_bed_contig_t *c = &b->c[i];
        if (!vs_contig_match(c->contig, contig)) continue;
        int lo = 0, hi = c->n - 1;                 /* the last region starting at or before p0 */
        while (lo <= hi) {
            int mid = (lo + hi) / 2;
            if (c->start[mid] <= p0) lo = mid + 1; else hi = mid - 1;
        }
        return hi >= 0 && p0 < c->end[hi];
    }
    return 0;
}

void vs_bed_destroy(vs_bed_t *b)
{
    if (!b) return;
    for (int i = 0; i < b->n; i++) {
        free(b->c[i].contig);
        free(b->c[i].start);
        free(b->c[i].end);
    }
    free(b->c);
    free(b);
}
