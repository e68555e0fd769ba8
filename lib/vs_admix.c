#include "vs_admix.h"
#include "vs_err.h"
#include "vs_rng.h"

#include <htslib/kstring.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---------- definitions ---------- */

static int model_group(const vs_model_t *m, const char *name)
{
    for (int g = 0; g < m->n_groups; g++)
        if (!strcmp(m->groups[g].name, name)) return g;
    return -1;
}

/* One GROUP:SHARE or gen=T item of --admix NAME=... */
static int admix_item(const vs_model_t *m, vs_admix_t *a, char *item, double *sum, vs_error_t *e)
{
    if (!strncmp(item, "gen=", 4)) return vs_try_double("--admix gen", item + 4, 0, 1e6, &a->gen, e);
    char *colon = strrchr(item, ':');
    if (!colon) return vs_error(e, VS_EXIT_USAGE, "--admix %s: '%s' is not GROUP:SHARE or gen=T", a->name, item);
    *colon = 0;
    int g = model_group(m, item);
    if (g < 0)
        return vs_error(e, VS_EXIT_USAGE, "--admix %s names group '%s', which the model does not have", a->name, item);
    for (int i = 0; i < a->n; i++)
        if (a->group[i] == g) return vs_error(e, VS_EXIT_USAGE, "--admix %s names group '%s' twice", a->name, item);
    a->group = vs_realloc(a->group, (a->n + 1) * sizeof *a->group);
    a->share = vs_realloc(a->share, (a->n + 1) * sizeof *a->share);
    a->group[a->n] = g;
    if (vs_try_double("--admix share", colon + 1, 0, 1, &a->share[a->n], e)) return -1;
    *sum += a->share[a->n++];
    return 0;
}

int vs_admix_parse(const vs_model_t *m, const char *spec, vs_admix_t *a, vs_error_t *e)
{
    memset(a, 0, sizeof *a);
    a->gen = VS_ADMIX_GEN_DEFAULT;
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec)
        return vs_error(e, VS_EXIT_USAGE, "--admix expects NAME=GROUP:SHARE,GROUP:SHARE[,gen=T], e.g. "
                        "ASWlike=AFR:0.8,EUR:0.2,gen=7; got '%s'", spec);
    a->name = vs_malloc(eq - spec + 1);
    memcpy(a->name, spec, eq - spec);
    a->name[eq - spec] = 0;
    int ret = 0;
    double sum = 0;
    if (strpbrk(a->name, " \t,:;<>=\""))
        ret = vs_error(e, VS_EXIT_USAGE, "--admix: the name '%s' must be one word", a->name);
    char *copy = vs_strdup(eq + 1), *save = NULL;
    for (char *item = strtok_r(copy, ",", &save); item && !ret; item = strtok_r(NULL, ",", &save))
        ret = admix_item(m, a, item, &sum, e);
    free(copy);
    if (!ret && a->n < 2)
        ret = vs_error(e, VS_EXIT_USAGE, "--admix %s mixes %d group%s; name at least two", a->name, a->n,
                       a->n == 1 ? "" : "s");
    if (!ret && fabs(sum - 1) > 1e-3)
        ret = vs_error(e, VS_EXIT_USAGE, "--admix %s: the shares sum to %g, not 1", a->name, sum);
    if (ret) {
        vs_admix_free(a);
        memset(a, 0, sizeof *a);
        return ret;
    }
    for (int i = 0; i < a->n; i++) a->share[i] /= sum;
    return 0;
}

void vs_admix_free(vs_admix_t *a)
{
    free(a->name);
    free(a->group);
    free(a->share);
}

int vs_admix_check(const vs_model_t *m, const vs_admix_t *a, int n, vs_error_t *e)
{
    for (int i = 0; i < n; i++) {
        if (model_group(m, a[i].name) >= 0)
            return vs_error(e, VS_EXIT_USAGE, "--admix %s: the model already has a group of that name; choose "
                            "another", a[i].name);
        for (int j = 0; j < i; j++)
            if (!strcmp(a[i].name, a[j].name)) return vs_error(e, VS_EXIT_USAGE, "--admix %s is defined twice", a[i].name);
    }
    return 0;
}

char *vs_admix_describe(const vs_model_t *m, const vs_admix_t *a)
{
    kstring_t ks = { 0, 0, NULL };
    for (int i = 0; i < a->n; i++) ksprintf(&ks, "%s%s:%g", i ? ";" : "", m->groups[a->group[i]].name, a->share[i]);
    return ks.s;
}

/* ---------- the groups of synthetic samples ---------- */

int vs_groupset_size(const vs_groupset_t *gs) { return gs->m->n_groups + gs->n_admix; }

const char *vs_groupset_name(const vs_groupset_t *gs, int sample_group)
{
    int G = gs->m->n_groups;
    return sample_group < G ? gs->m->groups[sample_group].name : gs->admix[sample_group - G].name;
}

int vs_groupset_first(const vs_groupset_t *gs, int sample_group)
{
    int G = gs->m->n_groups;
    return sample_group < G ? sample_group : gs->admix[sample_group - G].group[0];
}

int vs_groupset_uses(const vs_groupset_t *gs, int sample_group, int gi)
{
    int G = gs->m->n_groups;
    if (sample_group < G) return sample_group == gi;
    const vs_admix_t *a = &gs->admix[sample_group - G];
    for (int i = 0; i < a->n; i++)
        if (a->group[i] == gi) return 1;
    return 0;
}

/* ---------- local ancestry ---------- */

typedef struct {
    const vs_admix_t *def;
    int32_t j;                 /* tract index on the contig */
    int group;                 /* model group of tract j */
    int fresh;                 /* entered at a contig change, not yet reported */
    double start, next;        /* where tract j starts, where j + 1 does (Morgans) */
} tract_t;

struct vs_ancestry_t {
    const vs_groupset_t *gs;
    uint64_t seed;
    int n, contig;
    int *hap;                  /* the admixed haplotypes, ascending */
    tract_t *t;                /* their tracts */
    int *slot;                 /* per haplotype: index into hap and t, or -1 */
    int *changed;
};

vs_ancestry_t *vs_ancestry_new(const vs_groupset_t *gs, const int *group_of_sample, int n_samples, uint64_t seed)
{
    vs_ancestry_t *a = vs_calloc(1, sizeof *a);
    int G = gs->m->n_groups;
    a->gs = gs;
    a->seed = seed;
    a->contig = -1;
    a->slot = vs_malloc((2 * (size_t)n_samples + 1) * sizeof *a->slot);
    for (int i = 0; i < n_samples; i++) a->n += 2 * (group_of_sample[i] >= G);
    a->hap = vs_malloc((a->n + 1) * sizeof *a->hap);
    a->t = vs_calloc(a->n + 1, sizeof *a->t);
    a->changed = vs_malloc((a->n + 1) * sizeof *a->changed);
    for (int h = 0, k = 0; h < 2 * n_samples; h++) {
        int sg = group_of_sample[h / 2];
        a->slot[h] = sg >= G ? k : -1;
        if (sg < G) continue;
        a->hap[k] = h;
        a->t[k].def = &gs->admix[sg - G];
        a->t[k].group = a->t[k].def->group[0];
        a->t[k].start = -INFINITY;
        k++;
    }
    return a;
}

static double draw(const vs_ancestry_t *a, int i, int what)
{
    return vs_rng_unif(a->seed, VS_RNG_ADMIX, (uint64_t)a->hap[i], vs_hash3((uint64_t)a->contig, (uint64_t)a->t[i].j, what));
}

/* Tract j of haplotype i begins at x: its group, and where the next one begins. */
static void begin_tract(const vs_ancestry_t *a, int i, double x)
{
    tract_t *t = &a->t[i];
    const vs_admix_t *d = t->def;
    double u = draw(a, i, 0), cum = 0;
    t->group = d->group[d->n - 1];
    for (int k = 0; k < d->n - 1; k++)
        if (u < (cum += d->share[k])) {
            t->group = d->group[k];
            break;
        }
    t->start = x;
    t->next = d->gen > 0 ? x - log(draw(a, i, 1)) / d->gen : INFINITY;
}

int vs_ancestry_site(vs_ancestry_t *a, int contig, double x, const int **changed)
{
    if (contig != a->contig) {
        a->contig = contig;
        const vs_model_contig_t *c = &a->gs->m->contigs[contig];
        double x0 = vs_cmap_cm(c->map, c->first_pos) / 100.0;   /* the same start for every run */
        for (int i = 0; i < a->n; i++) {
            a->t[i].j = 0;
            a->t[i].fresh = 1;
            begin_tract(a, i, x0);
        }
    }
    int n = 0;
    for (int i = 0; i < a->n; i++) {
        tract_t *t = &a->t[i];
        int moved = t->fresh;
        t->fresh = 0;
        while (t->next <= x) {
            t->j++;
            begin_tract(a, i, t->next);
            moved = 1;
        }
        if (moved) a->changed[n++] = a->hap[i];
    }
    *changed = a->changed;
    return n;
}

int vs_ancestry_group(const vs_ancestry_t *a, int h)
{
    return a->t[a->slot[h]].group;
}

double vs_ancestry_tract_start(const vs_ancestry_t *a, int h)
{
    return a->slot[h] < 0 ? -INFINITY : a->t[a->slot[h]].start;
}

uint64_t vs_ancestry_tract_key(const vs_ancestry_t *a, int h)
{
    return vs_hash3((uint64_t)a->contig, (uint64_t)a->t[a->slot[h]].j, 0x7472616374ull);
}

int32_t vs_ancestry_tract_index(const vs_ancestry_t *a, int h)
{
    return a->t[a->slot[h]].j;
}

int vs_ancestry_haplotypes(const vs_ancestry_t *a, const int **haps)
{
    *haps = a->hap;
    return a->n;
}

void vs_ancestry_destroy(vs_ancestry_t *a)
{
    if (!a) return;
    free(a->hap);
    free(a->t);
    free(a->slot);
    free(a->changed);
    free(a);
}
