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

static vs_cmap_t *copy_points(const char *contig, int n, const int64_t *pos, const double *cm)
{
    vs_cmap_t *m = vs_calloc(1, sizeof *m);
    m->contig = vs_strdup(contig);
    m->n = n;
    m->pos = vs_malloc(n * sizeof *pos);
    m->cm = vs_malloc(n * sizeof *cm);
    memcpy(m->pos, pos, n * sizeof *pos);
    memcpy(m->cm, cm, n * sizeof *cm);
    return m;
}

vs_cmap_t *vs_cmap_points(const char *contig, int n, const int64_t *pos, const double *cm,
                          const char *origin, vs_error_t *e)
{
    if (n < 2)
        return vs_fail(e, "genetic map %s has %d point%s for contig %s; at least 2 are needed to interpolate",
                       origin, n, n == 1 ? "" : "s", contig), NULL;
    for (int i = 1; i < n; i++) {
        if (pos[i] <= pos[i - 1])
            return vs_fail(e, "genetic map %s is not sorted by position at %s:%lld (after %lld)",
                           origin, contig, (long long)pos[i], (long long)pos[i - 1]), NULL;
        if (cm[i] < cm[i - 1])
            return vs_fail(e, "genetic map %s has decreasing cM at %s:%lld (%g after %g)",
                           origin, contig, (long long)pos[i], cm[i], cm[i - 1]), NULL;
    }
    return copy_points(contig, n, pos, cm);
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
    return copy_points(m->contig, b - a + 1, m->pos + a, m->cm + a);
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

static int flush_contig(vs_gmap_t *g, acc_t *a, const char *path, vs_error_t *e)
{
    if (!a->contig) return 0;
    for (int i = 0; i < g->n; i++)
        if (strcmp(g->maps[i]->contig, a->contig) == 0)
            return vs_fail(e, "genetic map %s has contig %s in more than one block; sort it by contig and position",
                           path, a->contig);
    vs_cmap_t *m = vs_cmap_points(a->contig, a->n, a->pos, a->cm, path, e);
    if (!m) return -1;
    g->maps = vs_realloc(g->maps, (g->n + 1) * sizeof *g->maps);
    g->maps[g->n++] = m;
    free(a->contig);
    a->contig = NULL;
    a->n = 0;
    return 0;
}

/* One data line into a; 0, or -1 with an error. */
static int read_point(vs_gmap_t *g, acc_t *a, const layout_t *L, char **tok, int n, const char *path, long lineno,
                      vs_error_t *e)
{
    char *end1, *end2;
    if (n < L->ncol) return vs_fail(e, "genetic map %s line %ld has %d columns, expected %d", path, lineno, n, L->ncol);
    long long pos = strtoll(tok[L->pos], &end1, 10);
    double cm = strtod(tok[L->cm], &end2);
    if (*end1 || *end2 || !isfinite(cm))
        return vs_fail(e, "genetic map %s line %ld: position '%s' or cM '%s' is not a number", path, lineno,
                       tok[L->pos], tok[L->cm]);
    if (!a->contig || strcmp(a->contig, tok[L->chr]) != 0) {
        if (flush_contig(g, a, path, e) < 0) return -1;
        a->contig = vs_strdup(tok[L->chr]);
    }
    if (a->n == a->m) {
        a->m = a->m ? 2 * a->m : 1024;
        a->pos = vs_realloc(a->pos, a->m * sizeof *a->pos);
        a->cm = vs_realloc(a->cm, a->m * sizeof *a->cm);
    }
    a->pos[a->n] = pos;
    a->cm[a->n++] = cm;
    return 0;
}

/* The first line: a header, or PLINK's 4 columns (then 1: read it as data). */
static int read_layout(layout_t *L, char **tok, int n, const char *line, const char *path, vs_error_t *e)
{
    if (!is_number(tok[n - 1])) {
        if (layout_from_header(tok, n, L) < 0)
            return vs_fail(e, "genetic map %s: cannot recognise the header '%.*s'; expected SHAPEIT "
                              "(pos chr cM), HapMap, Eagle or PLINK .map columns", path,
                           (int)strcspn(line, "\r\n"), line);
        return 0;
    }
    if (n != 4)
        return vs_fail(e, "genetic map %s has no header and %d columns; a headerless map must be "
                          "PLINK .map (chr id cM bp)", path, n);
    *L = (layout_t){ 0, 3, 2, 4, "PLINK" };
    return 1;
}

vs_gmap_t *vs_gmap_read(const char *path, vs_error_t *e)
{
    size_t len;
    char *text = vs_side_text(path, "genetic map", &len, e), *rest = text, *line;
    if (!text) return NULL;
    vs_gmap_t *g = vs_calloc(1, sizeof *g);
    layout_t L = { -1, -1, -1, 0, NULL };
    acc_t a = { 0 };
    kstring_t copy = { 0, 0, NULL };
    long lineno = 0;
    int ret = 0;
    while (ret == 0 && (line = vs_next_line(&rest))) {
        lineno++;
        char *tok[16];
        copy.l = 0;
        kputs(line, &copy);
        int n = split_ws(copy.s, tok, 16);
        if (n == 0 || tok[0][0] == '#') continue;
        if (!L.format && (ret = read_layout(&L, tok, n, line, path, e)) <= 0) continue;
        ret = read_point(g, &a, &L, tok, n, path, lineno, e);
    }
    free(copy.s);
    free(text);
    if (ret == 0) ret = flush_contig(g, &a, path, e);
    free(a.contig);
    free(a.pos);
    free(a.cm);
    if (ret == 0 && g->n == 0) ret = vs_fail(e, "genetic map %s has no data lines", path);
    g->format = L.format;
    if (ret < 0) {
        vs_gmap_destroy(g);
        return NULL;
    }
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

vs_gmap_resolver_t *vs_gmap_resolver(const char *spec, vs_error_t *e)
{
    struct stat st;
    if (!strstr(spec, "{CHROM}") && stat(spec, &st) != 0)
        return vs_fail(e, "cannot open genetic map %s: %s", spec, strerror(errno)), NULL;
    vs_gmap_resolver_t *r = vs_calloc(1, sizeof *r);
    r->spec = vs_strdup(spec);
    return r;
}

static const vs_gmap_t *cached_read(vs_gmap_resolver_t *r, const char *path, vs_error_t *e)
{
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->paths[i], path) == 0) return r->maps[i];
    vs_gmap_t *g = vs_gmap_read(path, e);
    if (!g) return NULL;
    r->paths = vs_realloc(r->paths, (r->n + 1) * sizeof *r->paths);
    r->maps = vs_realloc(r->maps, (r->n + 1) * sizeof *r->maps);
    r->paths[r->n] = vs_strdup(path);
    r->maps[r->n] = g;
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
 * chr20.b37.gmap.gz or genetic_map_chr20_combined_b37.txt: 0 with *found set
 * (NULL when there is none), or -1 with an error. */
static int find_in_dir(const char *dir, const char *contig, char **found, vs_error_t *e)
{
    *found = NULL;
    DIR *d = opendir(dir);
    if (!d) return vs_fail(e, "cannot read genetic map directory %s: %s", dir, strerror(errno));
    struct dirent *de;
    int ret = 0;
    while (ret == 0 && (de = readdir(d))) {
        char name[512];
        snprintf(name, sizeof name, "%s", de->d_name);
        char *save = NULL;
        for (char *t = strtok_r(name, "._-", &save); t; t = strtok_r(NULL, "._-", &save)) {
            if (!vs_contig_match(t, contig)) continue;
            if (strncasecmp(t, "chr", 3) != 0 && t != name) continue;  /* bare "20" only as the first token */
            if (*found) {
                ret = vs_fail(e, "genetic map directory %s has more than one file for contig %s", dir, contig);
                break;
            }
            size_t n = strlen(dir) + strlen(de->d_name) + 2;
            *found = vs_malloc(n);
            snprintf(*found, n, "%s/%s", dir, de->d_name);
            break;
        }
    }
    closedir(d);
    if (ret < 0) {
        free(*found);
        *found = NULL;
    }
    return ret;
}

int vs_gmap_resolve(vs_gmap_resolver_t *r, const char *contig, vs_cmap_t **map, const char **from, vs_error_t *e)
{
    char *path = NULL;
    struct stat st;
    *map = NULL;
    if (strstr(r->spec, "{CHROM}")) {
        const char *names[2] = { contig, strip_chr(contig) };
        for (int i = 0; i < 2 && !path; i++) {
            char *p = fill_template(r->spec, names[i]);
            if (stat(p, &st) == 0) path = p; else free(p);
        }
    } else if (stat(r->spec, &st) == 0 && S_ISDIR(st.st_mode)) {
        if (find_in_dir(r->spec, contig, &path, e) < 0) return -1;
    } else {
        path = vs_strdup(r->spec);
    }
    if (!path) return 0;
    const vs_gmap_t *g = cached_read(r, path, e);
    free(path);
    if (!g) return -1;
    const vs_cmap_t *m = vs_gmap_find(g, contig);
    if (!m) return 0;
    for (int i = 0; i < r->n; i++) if (r->maps[i] == g) *from = r->paths[i];
    *map = copy_points(contig, m->n, m->pos, m->cm);
    return 0;
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
