#include "vs_gmap.h"
#include "vs_err.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "vs_bgzf.h"
#include <htslib/kstring.h>

/* ---------- one contig ---------- */

vs_cmap_t *vs_cmap_constant(const char *contig, double cm_per_mb)
{
    vs_cmap_t *m = vs_calloc(1, sizeof *m);
    m->contig = vs_strdup(contig);
    m->cm_per_mb = cm_per_mb;
    return m;
}

vs_cmap_t *vs_cmap_points(const char *contig, int n, const int64_t *pos, const double *cm,
                          const char *origin)
{
    if (n < 2)
        vs_die("genetic map %s has %d point%s for contig %s; at least 2 are needed to interpolate",
               origin, n, n == 1 ? "" : "s", contig);
    for (int i = 1; i < n; i++) {
        if (pos[i] <= pos[i - 1])
            vs_die("genetic map %s is not sorted by position at %s:%lld (after %lld)",
                   origin, contig, (long long)pos[i], (long long)pos[i - 1]);
        if (cm[i] < cm[i - 1])
            vs_die("genetic map %s has decreasing cM at %s:%lld (%g after %g)",
                   origin, contig, (long long)pos[i], cm[i], cm[i - 1]);
    }
    vs_cmap_t *m = vs_calloc(1, sizeof *m);
    m->contig = vs_strdup(contig);
    m->n = n;
    m->pos = vs_malloc(n * sizeof *pos);
    m->cm = vs_malloc(n * sizeof *cm);
    memcpy(m->pos, pos, n * sizeof *pos);
    memcpy(m->cm, cm, n * sizeof *cm);
    return m;
}

static double slope(const vs_cmap_t *m, int i)   /* cM per bp over interval i..i+1 */
{
    return (m->cm[i + 1] - m->cm[i]) / (double)(m->pos[i + 1] - m->pos[i]);
}

double vs_cmap_cm(const vs_cmap_t *m, int64_t pos)
{
    if (m->n == 0) return pos * m->cm_per_mb * 1e-6;
    if (pos <= m->pos[0]) return m->cm[0] - (m->pos[0] - pos) * slope(m, 0);
    if (pos >= m->pos[m->n - 1]) return m->cm[m->n - 1] + (pos - m->pos[m->n - 1]) * slope(m, m->n - 2);
    int lo = 0, hi = m->n - 1;            /* pos[lo] < pos < pos[hi]... invariant */
    while (hi - lo > 1) {
        int mid = lo + (hi - lo) / 2;
        if (m->pos[mid] <= pos) lo = mid; else hi = mid;
    }
    return m->cm[lo] + (pos - m->pos[lo]) * slope(m, lo);
}

int64_t vs_cmap_pos(const vs_cmap_t *m, double cm)
{
    double x;
    if (m->n == 0) {
        x = cm / (m->cm_per_mb * 1e-6);
    } else if (cm <= m->cm[0] || cm >= m->cm[m->n - 1]) {
        int i = cm <= m->cm[0] ? 0 : m->n - 2, at = cm <= m->cm[0] ? 0 : m->n - 1;
        double r = slope(m, i);
        /* a flat edge has no inverse: its own end is as far as it reaches */
        x = r > 0 ? m->pos[at] + (cm - m->cm[at]) / r : m->pos[at];
    } else {
        int lo = 0, hi = m->n - 1;            /* cm[lo] <= cm < cm[hi] */
        while (hi - lo > 1) {
            int mid = lo + (hi - lo) / 2;
            if (m->cm[mid] <= cm) lo = mid; else hi = mid;
        }
        double r = slope(m, lo);
        x = r > 0 ? m->pos[lo] + (cm - m->cm[lo]) / r : m->pos[lo];
    }
    return x < 1 ? 1 : x > 4e18 ? (int64_t)4e18 : (int64_t)floor(x);
}

vs_cmap_t *vs_cmap_restrict(const vs_cmap_t *m, int64_t start, int64_t end)
{
    if (m->n == 0) return vs_cmap_constant(m->contig, m->cm_per_mb);
    int a = 0, b = m->n - 1;
    while (a + 1 < m->n && m->pos[a + 1] <= start) a++;
    while (b - 1 >= 0 && m->pos[b - 1] >= end) b--;
    if (b <= a) { if (a + 1 < m->n) b = a + 1; else a = b - 1; }
    return vs_cmap_points(m->contig, b - a + 1, m->pos + a, m->cm + a, "(restricted)");
}

void vs_cmap_destroy(vs_cmap_t *m)
{
    if (!m) return;
    free(m->contig);
    free(m->pos);
    free(m->cm);
    free(m);
}

static const char *strip_chr(const char *s)
{
    return strncasecmp(s, "chr", 3) == 0 ? s + 3 : s;
}

int vs_contig_match(const char *a, const char *b)
{
    return strcmp(strip_chr(a), strip_chr(b)) == 0;
}

/* ---------- reading a map file ---------- */

typedef struct { int chr, pos, cm, ncol; const char *format; } layout_t;

static int split_ws(char *line, char **tok, int max)
{
    int n = 0;
    char *save = NULL;
    for (char *p = strtok_r(line, " \t\r\n", &save); p && n < max; p = strtok_r(NULL, " \t\r\n", &save)) tok[n++] = p;
    return n;
}

static int is_number(const char *s)
{
    char *end;
    strtod(s, &end);
    return end != s && *end == 0;
}

/* Column roles from a header line, whatever the tool that wrote it. */
static int layout_from_header(char **tok, int n, layout_t *L)
{
    L->chr = L->pos = L->cm = -1;
    L->ncol = n;
    for (int i = 0; i < n; i++) {
        char t[64];
        snprintf(t, sizeof t, "%s", tok[i]);
        for (char *c = t; *c; c++) *c = tolower((unsigned char)*c);
        if (strstr(t, "rate")) continue;
        if (strstr(t, "chr") && L->chr < 0) L->chr = i;
        else if ((strstr(t, "pos") || strcmp(t, "bp") == 0) && L->pos < 0) L->pos = i;
        else if ((strstr(t, "cm") || strstr(t, "map")) && L->cm < 0) L->cm = i;
    }
    if (L->chr < 0 || L->pos < 0 || L->cm < 0) return -1;
    if (n == 3) L->format = "SHAPEIT";
    else if (strncasecmp(tok[0], "chromosome", 10) == 0) L->format = "HapMap";
    else L->format = "Eagle";
    return 0;
}

typedef struct {
    int n, m;
    int64_t *pos;
    double *cm;
    char *contig;
} acc_t;

static void flush_contig(vs_gmap_t *g, acc_t *a, const char *path)
{
    if (!a->contig) return;
    for (int i = 0; i < g->n; i++)
        if (strcmp(g->maps[i]->contig, a->contig) == 0)
            vs_die("genetic map %s has contig %s in more than one block; sort it by contig and position",
                   path, a->contig);
    g->maps = vs_realloc(g->maps, (g->n + 1) * sizeof *g->maps);
    g->maps[g->n++] = vs_cmap_points(a->contig, a->n, a->pos, a->cm, path);
    free(a->contig);
    a->contig = NULL;
    a->n = 0;
}

vs_gmap_t *vs_gmap_read(const char *path)
{
    size_t len;
    char *text = vs_side_text(path, "genetic map", &len), *rest = text, *line;
    vs_gmap_t *g = vs_calloc(1, sizeof *g);
    layout_t L = { -1, -1, -1, 0, NULL };
    acc_t a = { 0 };
    kstring_t copy = { 0, 0, NULL };
    long lineno = 0;
    while ((line = vs_next_line(&rest))) {
        lineno++;
        char *tok[16];
        copy.l = 0;
        kputs(line, &copy);
        int n = split_ws(copy.s, tok, 16);
        if (n == 0 || tok[0][0] == '#') continue;
        if (!L.format) {              /* first line: a header, or PLINK's 4 columns */
            if (!is_number(tok[n - 1])) {
                if (layout_from_header(tok, n, &L) < 0)
                    vs_die("genetic map %s: cannot recognise the header '%.*s'; expected SHAPEIT "
                           "(pos chr cM), HapMap, Eagle or PLINK .map columns", path,
                           (int)strcspn(line, "\r\n"), line);
                continue;
            }
            if (n != 4)
                vs_die("genetic map %s has no header and %d columns; a headerless map must be "
                       "PLINK .map (chr id cM bp)", path, n);
            L = (layout_t){ 0, 3, 2, 4, "PLINK" };
        }
        char *end1, *end2;
        if (n < L.ncol) vs_die("genetic map %s line %ld has %d columns, expected %d", path, lineno, n, L.ncol);
        long long pos = strtoll(tok[L.pos], &end1, 10);
        double cm = strtod(tok[L.cm], &end2);
        if (*end1 || *end2 || !isfinite(cm))
            vs_die("genetic map %s line %ld: position '%s' or cM '%s' is not a number",
                   path, lineno, tok[L.pos], tok[L.cm]);
        if (!a.contig || strcmp(a.contig, tok[L.chr]) != 0) {
            flush_contig(g, &a, path);
            a.contig = vs_strdup(tok[L.chr]);
        }
        if (a.n == a.m) {
            a.m = a.m ? 2 * a.m : 1024;
            a.pos = vs_realloc(a.pos, a.m * sizeof *a.pos);
            a.cm = vs_realloc(a.cm, a.m * sizeof *a.cm);
        }
        a.pos[a.n] = pos;
        a.cm[a.n++] = cm;
    }
    free(copy.s);
    free(text);
    flush_contig(g, &a, path);
    free(a.pos);
    free(a.cm);
    if (g->n == 0) vs_die("genetic map %s has no data lines", path);
    g->format = L.format;
    return g;
}

const vs_cmap_t *vs_gmap_find(const vs_gmap_t *g, const char *contig)
{
    for (int i = 0; i < g->n; i++)
        if (vs_contig_match(g->maps[i]->contig, contig)) return g->maps[i];
    return NULL;
}

void vs_gmap_destroy(vs_gmap_t *g)
{
    if (!g) return;
    for (int i = 0; i < g->n; i++) vs_cmap_destroy(g->maps[i]);
    free(g->maps);
    free(g);
}

/* ---------- --map FILE | TEMPLATE | DIR ---------- */

struct vs_gmap_resolver_t {
    char *spec;
    int n;
    char **paths;          /* files read so far */
    vs_gmap_t **maps;
};

vs_gmap_resolver_t *vs_gmap_resolver(const char *spec)
{
    vs_gmap_resolver_t *r = vs_calloc(1, sizeof *r);
    r->spec = vs_strdup(spec);
    struct stat st;
    if (!strstr(spec, "{CHROM}") && stat(spec, &st) != 0)
        vs_die("cannot open genetic map %s: %s", spec, strerror(errno));
    return r;
}

static const vs_gmap_t *cached_read(vs_gmap_resolver_t *r, const char *path)
{
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->paths[i], path) == 0) return r->maps[i];
    r->paths = vs_realloc(r->paths, (r->n + 1) * sizeof *r->paths);
    r->maps = vs_realloc(r->maps, (r->n + 1) * sizeof *r->maps);
    r->paths[r->n] = vs_strdup(path);
    r->maps[r->n] = vs_gmap_read(path);
    return r->maps[r->n++];
}

static char *fill_template(const char *tpl, const char *chrom)
{
    const char *at = strstr(tpl, "{CHROM}");
    size_t n = strlen(tpl) + strlen(chrom) + 1;
    char *s = vs_malloc(n);
    snprintf(s, n, "%.*s%s%s", (int)(at - tpl), tpl, chrom, at + 7);
    return s;
}

/* The file of a directory whose name has the contig as a token, e.g. chr20 in
 * chr20.b37.gmap.gz or genetic_map_chr20_combined_b37.txt. */
static char *find_in_dir(const char *dir, const char *contig)
{
    DIR *d = opendir(dir);
    if (!d) vs_die("cannot read genetic map directory %s: %s", dir, strerror(errno));
    char *found = NULL;
    struct dirent *e;
    while ((e = readdir(d))) {
        char name[512];
        snprintf(name, sizeof name, "%s", e->d_name);
        char *save = NULL;
        for (char *t = strtok_r(name, "._-", &save); t; t = strtok_r(NULL, "._-", &save)) {
            if (!vs_contig_match(t, contig)) continue;
            if (strncasecmp(t, "chr", 3) != 0 && t != name) continue;  /* bare "20" only as the first token */
            if (found) vs_die("genetic map directory %s has more than one file for contig %s", dir, contig);
            size_t n = strlen(dir) + strlen(e->d_name) + 2;
            found = vs_malloc(n);
            snprintf(found, n, "%s/%s", dir, e->d_name);
            break;
        }
    }
    closedir(d);
    return found;
}

vs_cmap_t *vs_gmap_resolve(vs_gmap_resolver_t *r, const char *contig, const char **from)
{
    char *path = NULL;
    struct stat st;
    if (strstr(r->spec, "{CHROM}")) {
        const char *names[2] = { contig, strip_chr(contig) };
        for (int i = 0; i < 2 && !path; i++) {
            char *p = fill_template(r->spec, names[i]);
            if (stat(p, &st) == 0) path = p; else free(p);
        }
    } else if (stat(r->spec, &st) == 0 && S_ISDIR(st.st_mode)) {
        path = find_in_dir(r->spec, contig);
    } else {
        path = vs_strdup(r->spec);
    }
    if (!path) return NULL;
    const vs_gmap_t *g = cached_read(r, path);
    free(path);
    const vs_cmap_t *m = vs_gmap_find(g, contig);
    if (!m) return NULL;
    *from = r->paths[r->n - 1];
    for (int i = 0; i < r->n; i++) if (r->maps[i] == g) *from = r->paths[i];
    vs_cmap_t *c = vs_cmap_points(contig, m->n, m->pos, m->cm, *from);
    return c;
}

void vs_gmap_resolver_destroy(vs_gmap_resolver_t *r)
{
    if (!r) return;
    for (int i = 0; i < r->n; i++) {
        free(r->paths[i]);
        vs_gmap_destroy(r->maps[i]);
    }
    free(r->paths);
    free(r->maps);
    free(r->spec);
    free(r);
}
