#include "vs_groups.h"
#include "vs_err.h"
#include "vs_bgzf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <htslib/khash.h>

KHASH_MAP_INIT_STR(str2int, int)

#define MAX_COLS 256

/* The field without its leading and trailing blanks. */
static char *trim(char *p)
{
    while (*p == ' ') p++;
    size_t n = strlen(p);
    while (n > 0 && p[n - 1] == ' ') p[--n] = 0;
    return p;
}

/* A line with a tab is split at tabs, and its fields keep their blanks
 * ("Pop One"); a line without one is split at runs of blanks. */
static int split(char *line, char **tok)
{
    int n = 0;
    if (!strchr(line, '\t')) {
        char *save = NULL;
        for (char *p = strtok_r(line, " \t\r\n", &save); p && n < MAX_COLS; p = strtok_r(NULL, " \t\r\n", &save))
            tok[n++] = p;
        return n;
    }
    line[strcspn(line, "\r\n")] = 0;
    if (!*line) return 0;
    for (char *p = line; n < MAX_COLS;) {
        char *tab = strchr(p, '\t');
        if (tab) *tab = 0;
        tok[n++] = trim(p);
        if (!tab) break;
        p = tab + 1;
    }
    return n;
}

/* A group name goes into ##SAMPLE=<...,Group=NAME> header lines and TSV
 * reports: it must be non-empty and hold none of , < > = " or a control
 * character. */
static int check_group_name(const char *path, long lineno, const char *name, vs_error_t *e)
{
    const char *bad = NULL;
    if (!*name) bad = "is empty";
    for (const unsigned char *c = (const unsigned char *)name; *c && !bad; c++)
        if (strchr(",<>=\"", *c) || *c < 0x20 || *c == 0x7f)
            bad = "holds a character a VCF header value cannot (, < > = \" or a control character)";
    if (!bad) return 0;
    vs_loc_t loc = { path, NULL, -1, NULL };
    return vs_fail_at(e, &loc, "rename the group in the table (letters, digits, blanks, _ - . are safe)",
                      "the group name '%s' on line %ld %s", name, lineno, bad);
}

static int looks_like_header(char **tok)
{
    const char *t = tok[0][0] == '#' ? tok[0] + 1 : tok[0];
    return tok[0][0] == '#' || !strcasecmp(t, "sample") || !strcasecmp(t, "id") ||
           !strcasecmp(t, "iid") || !strcasecmp(t, "sample_id") || !strcasecmp(t, "sampleid");
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Group names sorted, "NA" last, and each sample's index into them. */
static void index_groups(vs_groups_t *g, char **label)
{
    char **names = vs_malloc(g->n_samples * sizeof *names);
    int n = 0, has_na = 0;
    for (int i = 0; i < g->n_samples; i++) {
        if (!strcmp(label[i], "NA")) { has_na = 1; continue; }
        names[n++] = label[i];
    }
    qsort(names, n, sizeof *names, cmp_str);
    int u = 0;
    for (int i = 0; i < n; i++)
        if (u == 0 || strcmp(names[u - 1], names[i])) names[u++] = names[i];
    g->n_groups = u + has_na;
    g->names = vs_malloc(g->n_groups * sizeof *g->names);
    for (int i = 0; i < u; i++) g->names[i] = vs_strdup(names[i]);
    if (has_na) g->names[u] = vs_strdup("NA");
    free(names);
    for (int i = 0; i < g->n_samples; i++) g->group_of[i] = vs_groups_find(g, label[i]);
}

/* The header line with --group-column: 0 with *gcol set, or -1 with an error. */
static int find_column(char **tok, int n, const char *column, const char *path, int *gcol, vs_error_t *e)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(tok[i], column) || (i == 0 && tok[0][0] == '#' && !strcmp(tok[0] + 1, column))) *gcol = i;
    if (*gcol < 0) return vs_fail(e, "groups table %s has no column '%s' in its header line", path, column);
    if (*gcol == 0) return vs_fail(e, "--group-column %s names the sample column of %s", column, path);
    return 0;
}

/* The samples' indices by name: NULL with an error when a name repeats. */
static khash_t(str2int) *index_samples(char *const *samples, int n_samples, vs_error_t *e)
{
    khash_t(str2int) *idx = kh_init(str2int);
    for (int i = 0; i < n_samples; i++) {
        int ret;
        khiter_t k = kh_put(str2int, idx, samples[i], &ret);
        if (!ret) {
            kh_destroy(str2int, idx);
            return vs_fail(e, "sample %s appears twice in the VCF header; sample names must be unique "
                              "(rename with bcftools reheader)", samples[i]), NULL;
        }
        kh_val(idx, k) = i;
    }
    return idx;
}

char **vs_groups_labels(const char *path, const char *column, char *const *samples, int n_samples, int warn_absent,
                        vs_error_t *e)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return vs_fail(e, "groups table %s is a directory; give the table file inside it", path), NULL;
    khash_t(str2int) *idx = index_samples(samples, n_samples, e);
    if (!idx) return NULL;
    /* read whole (plain, gzip or BGZF; a pipe too), as maps and BED files are */
    size_t len;
    char *text = vs_side_text(path, "groups table", &len, e);
    if (!text) {
        kh_destroy(str2int, idx);
        return NULL;
    }
    char **label = vs_calloc(n_samples, sizeof *label);
    char *rest = text, *line, *tok[MAX_COLS];
    int gcol = column ? -1 : 1, first = 1, n_absent = 0, n_rows = 0, ret = 0;
    long lineno = 0;
    while (ret == 0 && (line = vs_next_line(&rest))) {
        lineno++;
        int n = split(line, tok);
        if (n == 0) continue;
        if (first) {
            first = 0;
            if (column) {
                ret = find_column(tok, n, column, path, &gcol, e);
                continue;
            }
            if (looks_like_header(tok)) continue;
        }
        if (n <= gcol) {
            ret = vs_fail(e, "groups table %s line %ld has %d column%s; the group is in column %d",
                          path, lineno, n, n == 1 ? "" : "s", gcol + 1);
            break;
        }
        if ((ret = check_group_name(path, lineno, tok[gcol], e)) < 0) break;
        n_rows++;
        khiter_t k = kh_get(str2int, idx, tok[0]);
        if (k == kh_end(idx)) { n_absent++; continue; }
        int s = kh_val(idx, k);
        if (label[s] && strcmp(label[s], tok[gcol]))
            ret = vs_fail_at(e, &(vs_loc_t){ path, NULL, -1, tok[0] }, "give each sample one line (one group)",
                             "groups table line %ld gives sample %s a second group (%s and %s)", lineno, tok[0],
                             label[s], tok[gcol]);
        else if (!label[s])
            label[s] = vs_strdup(tok[gcol]);
    }
    free(text);
    kh_destroy(str2int, idx);
    if (ret == 0 && n_rows == 0)
        ret = vs_fail_at(e, &(vs_loc_t){ path, NULL, -1, NULL },
                         "give a table of SAMPLE GROUP lines (a header line is optional)",
                         "the groups table has no sample lines");
    if (ret < 0) {
        vs_free_labels(label, n_samples);
        return NULL;
    }
    /* the normal case (every 1000 Genomes panel file lists more samples than a subset holds): info, not a warning */
    if (n_absent && warn_absent)
        vs_info("groups table %s names %d sample%s that %s not in the VCF; ignored",
                path, n_absent, n_absent == 1 ? "" : "s", n_absent == 1 ? "is" : "are");
    return label;
}

void vs_free_labels(char **label, int n)
{
    for (int i = 0; label && i < n; i++) free(label[i]);
    free(label);
}

vs_groups_t *vs_groups_from_labels(char **label, char *const *samples, int n_samples, const char *table)
{
    int n_missing = 0;
    const char *example = NULL;
    for (int i = 0; i < n_samples; i++)
        if (!label[i]) {
            if (!example) example = samples[i];
            n_missing++;
            label[i] = vs_strdup("NA");
        }
    if (n_missing)
        vs_warn("%d sample%s of the VCF %s not in groups table %s (first: %s); %s group NA",
                n_missing, n_missing == 1 ? "" : "s", n_missing == 1 ? "is" : "are", table, example,
                n_missing == 1 ? "it goes to" : "they go to");
    vs_groups_t *g = vs_calloc(1, sizeof *g);
    g->n_samples = n_samples;
    g->group_of = vs_malloc((n_samples + 1) * sizeof *g->group_of);
    index_groups(g, label);
    return g;
}

vs_groups_t *vs_groups_load(const char *path, const char *column, char *const *samples, int n_samples,
                            vs_error_t *e)
{
    char **label = vs_groups_labels(path, column, samples, n_samples, 1, e);
    if (!label) return NULL;
    vs_groups_t *g = vs_groups_from_labels(label, samples, n_samples, path);
    vs_free_labels(label, n_samples);
    return g;
}

vs_groups_t *vs_groups_single(int n_samples, const char *name)
{
    vs_groups_t *g = vs_calloc(1, sizeof *g);
    g->n_samples = n_samples;
    g->n_groups = 1;
    g->names = vs_malloc(sizeof *g->names);
    g->names[0] = vs_strdup(name);
    g->group_of = vs_calloc(n_samples, sizeof *g->group_of);
    return g;
}

int vs_groups_find(const vs_groups_t *g, const char *name)
{
    for (int i = 0; i < g->n_groups; i++)
        if (!strcmp(g->names[i], name)) return i;
    return -1;
}

int vs_groups_count(const vs_groups_t *g, int group)
{
    int n = 0;
    for (int i = 0; i < g->n_samples; i++) n += g->group_of[i] == group;
    return n;
}

void vs_groups_destroy(vs_groups_t *g)
{
    if (!g) return;
    for (int i = 0; i < g->n_groups; i++) free(g->names[i]);
    free(g->names);
    free(g->group_of);
    free(g);
}
