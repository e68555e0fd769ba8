#include "vs_hybrid.h"
#include "vs_bed.h"
#include "vs_err.h"
#include "vs_groups.h"
#include "vs_out.h"
#include "vs_rng.h"
#include "vs_vcf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <htslib/khash.h>
#include <htslib/kstring.h>

KHASH_SET_INIT_STR(names)

/* The samples of one input and their groups. */
typedef struct {
    const char *path;
    int n;
    char **name;      /* borrowed from the header */
    char **group;     /* owned */
    char **meta;      /* owned: each sample's ##SAMPLE text, or NULL */
} cohort_t;

/* Where every output sample comes from, and what the header and key say. */
typedef struct {
    int n;
    char **name, **meta;              /* meta: ##SAMPLE text or NULL */
    vs_gt_source_t *outside, *inside; /* genotype source outside / inside the regions */
    char **key_origin;
    const char **key_source;
} plan_t;

enum { REAL = 0, SYN = 1 };

/* ---------- groups ---------- */

/* Groups from ##SAMPLE Group= lines, else from -g; every sample needs one. */
static int cohort_groups(cohort_t *c, const vs_hdr_t *h, const vs_hybrid_opts_t *o, vs_error_t *e)
{
    c->n = vs_hdr_samples(h, &c->name);
    c->group = vs_hdr_sample_groups(h);
    c->meta = vs_hdr_sample_meta(h);
    vs_groups_t *g = NULL;
    int ret = 0;
    for (int i = 0; i < c->n && ret == 0; i++) {
        if (c->group[i]) continue;
        if (!o->groups)
            ret = vs_fail(e, "%s has no ##SAMPLE Group= line for sample %s; give the groups with -g FILE", c->path,
                          c->name[i]);
        else if (!g && !(g = vs_groups_load(o->groups, o->group_column, c->name, c->n, e)))
            ret = -1;
        else
            c->group[i] = vs_strdup(g->names[g->group_of[i]]);
    }
    vs_groups_destroy(g);
    return ret;
}

static int count_in(const cohort_t *c, const char *group)
{
    int n = 0;
    for (int i = 0; i < c->n; i++) n += !strcmp(c->group[i], group);
    return n;
}

/* The real cohort's groups, in order of first appearance. */
static int real_groups(const cohort_t *real, const char ***out)
{
    const char **g = vs_malloc((real->n + 1) * sizeof *g);
    int n = 0;
    for (int i = 0; i < real->n; i++) {
        int k = 0;
        while (k < n && strcmp(g[k], real->group[i])) k++;
        if (k == n) g[n++] = real->group[i];
    }
    *out = g;
    return n;
}

/* 0 when the synthetic cohort has `needed` samples of group, else -1 with
 * an error saying how many more vcf-synth must make. */
static int enough_synthetic(const cohort_t *syn, const char *group, int needed, vs_error_t *e)
{
    int have = count_in(syn, group);
    if (have >= needed) return 0;
    return vs_fail(e, "%s has %d synthetic samples of group %s, and %d are needed; make at least %d more (vcf-synth "
                      "-n %d --mix %s=1 with another --seed and --prefix) and add them with 'bcftools merge'",
                   syn->path, have, group, needed, needed - have, needed - have, group);
}

/* The index of the next synthetic sample of `group` after *cursor (there is
 * one: enough_synthetic said so). */
static int next_synthetic(const cohort_t *syn, const char *group, int *cursor)
{
    for (; *cursor < syn->n; (*cursor)++)
        if (!strcmp(syn->group[*cursor], group)) return (*cursor)++;
    vs_fatal("internal error: no synthetic sample of group %s left", group);
}

/* ---------- plans ---------- */

static plan_t *plan_new(int n)
{
    plan_t *p = vs_calloc(1, sizeof *p);
    p->n = n;
    p->name = vs_calloc(n + 1, sizeof *p->name);
    p->meta = vs_calloc(n + 1, sizeof *p->meta);
    p->outside = vs_calloc(n + 1, sizeof *p->outside);
    p->inside = vs_calloc(n + 1, sizeof *p->inside);
    p->key_origin = vs_calloc(n + 1, sizeof *p->key_origin);
    p->key_source = vs_calloc(n + 1, sizeof *p->key_source);
    return p;
}

static void plan_destroy(plan_t *p)
{
    vs_free_strings(p->name, p->n);
    vs_free_strings(p->meta, p->n);
    free(p->outside);
    free(p->inside);
    free(p->key_origin);
    free(p->key_source);
    free(p);
}

static char *meta_text(const char *group, const char *origin)
{
    size_t n = strlen(group) + strlen(origin) + 32;
    char *s = vs_malloc(n);
    snprintf(s, n, "Group=%s,Origin=%s", group, origin);
    return s;
}

static void put(plan_t *p, int i, const char *name, int file, int sample, const char *origin, const char *source)
{
    p->name[i] = vs_strdup(name);
    p->outside[i] = p->inside[i] = (vs_gt_source_t){ file, sample };
    p->key_origin[i] = (char *)origin;
    p->key_source[i] = source;
}

/* A synthetic sample's ##SAMPLE text as SYNTHETIC has it (its model hash
 * included), with Group= and Origin= added where that line lacks them. */
static char *synthetic_meta(const char *meta, const char *group)
{
    if (!meta) return meta_text(group, "synthetic");
    kstring_t k = { 0, 0, NULL };
    if (!strstr(meta, "Group=")) ksprintf(&k, "Group=%s,", group);
    kputs(meta, &k);
    if (!strstr(meta, "Origin=")) kputs(",Origin=synthetic", &k);
    return k.s;
}

int vs_target_parse(const char *spec, vs_target_t *t, vs_error_t *e)
{
    memset(t, 0, sizeof *t);
    if (!strcmp(spec, "equal") || !strcmp(spec, "max")) {
        t->kind = !strcmp(spec, "equal") ? VS_TARGET_EQUAL : VS_TARGET_MAX;
        return 0;
    }
    t->kind = VS_TARGET_COUNTS;
    char *copy = vs_strdup(spec), *save = NULL;
    int ret = 0;
    for (char *it = strtok_r(copy, ",", &save); it && !ret; it = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(it, '=');
        long n = 0;
        if (!eq || eq == it) {
            ret = vs_error(e, VS_EXIT_USAGE, "--target expects equal, max or GROUP=N,...; got '%s'", it);
            break;
        }
        *eq = 0;
        for (int i = 0; i < t->n && !ret; i++)
            if (!strcmp(t->group[i], it)) ret = vs_error(e, VS_EXIT_USAGE, "--target names group '%s' twice", it);
        if (ret || (ret = vs_try_long("--target", eq + 1, 0, VS_MAX_SAMPLES, &n, e))) break;
        t->group = vs_realloc(t->group, (t->n + 1) * sizeof *t->group);
        t->count = vs_realloc(t->count, (t->n + 1) * sizeof *t->count);
        t->group[t->n] = vs_strdup(it);
        t->count[t->n++] = (int)n;
    }
    free(copy);
    if (ret) vs_target_free(t);
    return ret;
}

void vs_target_free(vs_target_t *t)
{
    for (int i = 0; i < t->n; i++) free(t->group[i]);
    free(t->group);
    free(t->count);
    memset(t, 0, sizeof *t);
}

/* How many samples a real group ends with, into *goal: 0, or -1 with an error. */
static int augment_goal(const vs_target_t *t, const cohort_t *real, const cohort_t *syn, const char *group, int *goal,
                        vs_error_t *e)
{
    int have = count_in(real, group);
    *goal = have;
    if (t->kind == VS_TARGET_MAX) {
        *goal = have + count_in(syn, group);
    } else if (t->kind == VS_TARGET_EQUAL) {
        for (int i = 0; i < real->n; i++) {
            int c = count_in(real, real->group[i]);
            if (c > *goal) *goal = c;
        }
    } else {
        for (int i = 0; i < t->n; i++)
            if (!strcmp(t->group[i], group)) {
                if (t->count[i] < have)
                    return vs_fail(e, "--target %s=%d is below the %d real samples of group %s; augment only adds "
                                      "samples", group, t->count[i], have, group);
                *goal = t->count[i];
            }
    }
    return enough_synthetic(syn, group, *goal - have, e);
}

static int check_target_groups(const vs_hybrid_opts_t *o, const vs_target_t *t, const char **groups, int ng,
                               vs_error_t *e)
{
    for (int i = 0; i < t->n; i++) {
        int k = 0;
        while (k < ng && strcmp(groups[k], t->group[i])) k++;
        if (k == ng) return vs_fail(e, "--target names group '%s', which no sample of %s has", t->group[i], o->real);
    }
    return 0;
}

/* How many synthetic samples each real group gets: NULL with an error. */
static int *augment_extra(const vs_hybrid_opts_t *o, const cohort_t *real, const cohort_t *syn, const char **groups,
                          int ng, vs_error_t *e)
{
    vs_target_t t;
    vs_error_t bug;
    if (vs_target_parse(o->target, &t, &bug)) vs_fatal("internal error: %s, not checked by the tool", bug.msg);
    int *extra = vs_calloc(ng + 1, sizeof *extra), ret = check_target_groups(o, &t, groups, ng, e);
    for (int g = 0; g < ng && ret == 0; g++) {
        ret = augment_goal(&t, real, syn, groups[g], &extra[g], e);
        extra[g] -= count_in(real, groups[g]);
    }
    vs_target_free(&t);
    if (ret < 0) {
        free(extra);
        return NULL;
    }
    return extra;
}

static plan_t *plan_augment(const vs_hybrid_opts_t *o, const cohort_t *real, const cohort_t *syn, vs_error_t *e)
{
    const char **groups;
    int ng = real_groups(real, &groups), total = real->n;
    int *extra = augment_extra(o, real, syn, groups, ng, e);
    if (!extra) {
        free(groups);
        return NULL;
    }
    for (int g = 0; g < ng; g++) total += extra[g];
    plan_t *p = plan_new(total);
    for (int i = 0; i < real->n; i++) {
        put(p, i, real->name[i], REAL, i, "real", real->name[i]);
        p->meta[i] = meta_text(real->group[i], "real");
    }
    int k = real->n;
    for (int g = 0; g < ng; g++) {
        for (int j = 0, cursor = 0; j < extra[g]; j++, k++) {
            int s = next_synthetic(syn, groups[g], &cursor);
            put(p, k, syn->name[s], SYN, s, "synthetic", syn->name[s]);
            p->meta[k] = synthetic_meta(syn->meta[s], groups[g]);
        }
        vs_info("group %s: %d real + %d synthetic samples", groups[g], count_in(real, groups[g]), extra[g]);
    }
    free(extra);
    free(groups);
    return p;
}

static plan_t *plan_mix(const vs_hybrid_opts_t *o, const cohort_t *real, const cohort_t *syn, vs_error_t *e)
{
    const char **groups;
    int ng = real_groups(real, &groups);
    for (int g = 0; g < ng; g++)
        if (enough_synthetic(syn, groups[g], (int)lround(o->fraction * count_in(real, groups[g])), e) < 0) {
            free(groups);
            return NULL;
        }
    vs_gt_source_t *src = vs_malloc((real->n + 1) * sizeof *src);
    for (int i = 0; i < real->n; i++) src[i] = (vs_gt_source_t){ REAL, i };
    for (int g = 0; g < ng; g++) {            /* a seeded random share of each group is replaced */
        int n = count_in(real, groups[g]), k = (int)lround(o->fraction * n), cursor = 0;
        int *members = vs_malloc((n + 1) * sizeof *members), m = 0;
        for (int i = 0; i < real->n; i++) if (!strcmp(real->group[i], groups[g])) members[m++] = i;
        vs_rng_shuffle(members, n, o->seed, VS_RNG_HYBRID, 100 + (uint64_t)g);
        for (int j = 0; j < k; j++) src[members[j]] = (vs_gt_source_t){ SYN, next_synthetic(syn, groups[g], &cursor) };
        free(members);
    }
    int *order = vs_rng_permutation(real->n, o->seed, VS_RNG_HYBRID, 99);
    plan_t *p = plan_new(real->n);
    int width = 1;
    for (int x = real->n; x >= 10; x /= 10) width++;
    for (int i = 0; i < real->n; i++) {
        vs_gt_source_t s = src[order[i]];
        size_t len = strlen(o->prefix) + (size_t)width + 1;
        char *name = vs_malloc(len);
        snprintf(name, len, "%s%0*d", o->prefix, width, i + 1);
        const cohort_t *from = s.file == REAL ? real : syn;
        put(p, i, name, s.file, s.sample, s.file == REAL ? "real" : "synthetic", from->name[s.sample]);
        free(name);
    }
    free(order);
    free(src);
    free(groups);
    return p;
}

static plan_t *plan_replace(const cohort_t *real, const cohort_t *syn, vs_error_t *e)
{
    const char **groups;
    int ng = real_groups(real, &groups);
    for (int g = 0; g < ng; g++)
        if (enough_synthetic(syn, groups[g], count_in(real, groups[g]), e) < 0) {
            free(groups);
            return NULL;
        }
    int *cursor = vs_calloc(ng + 1, sizeof *cursor);
    plan_t *p = plan_new(real->n);
    for (int i = 0; i < real->n; i++) {
        int g = 0;
        while (strcmp(groups[g], real->group[i])) g++;
        int s = next_synthetic(syn, groups[g], &cursor[g]);
        put(p, i, real->name[i], REAL, i, "hybrid", syn->name[s]);
        p->inside[i] = (vs_gt_source_t){ SYN, s };
        p->meta[i] = meta_text(real->group[i], "hybrid");
    }
    free(cursor);
    free(groups);
    return p;
}

static int write_key(const plan_t *p, const char *path, const char *source_column, vs_error_t *e)
{
    vs_outfile_t *of;
    FILE *fp = vs_text_open(path, &of, e);
    if (!fp) return -1;
    fprintf(fp, "sample\torigin\t%s\n", source_column);
    for (int i = 0; i < p->n; i++) fprintf(fp, "%s\t%s\t%s\n", p->name[i], p->key_origin[i], p->key_source[i]);
    return vs_text_close(fp, of, path, e);
}

/* Output names are unique; in mix, none is the name of an input sample. */
static int check_names(const plan_t *p, const cohort_t *real, const cohort_t *syn, int renamed, vs_error_t *e)
{
    khash_t(names) *seen = kh_init(names);
    int ret = 0;
    if (renamed) {
        for (int k = 0; k < 2; k++) {
            const cohort_t *c = k ? syn : real;
            for (int i = 0; i < c->n; i++) {
                int absent;
                kh_put(names, seen, c->name[i], &absent);
            }
        }
        for (int i = 0; i < p->n && ret == 0; i++)
            if (kh_get(names, seen, p->name[i]) != kh_end(seen))
                ret = vs_fail(e, "output name %s is also an input sample's name; choose another --prefix", p->name[i]);
        kh_clear(names, seen);
    }
    for (int i = 0; i < p->n && ret == 0; i++) {
        int absent;
        kh_put(names, seen, p->name[i], &absent);
        if (!absent)
            ret = vs_fail(e, "sample name %s would appear twice in the output; rename the synthetic samples "
                             "(vcf-synth --prefix)", p->name[i]);
    }
    kh_destroy(names, seen);
    return ret;
}

/* ---------- the run ---------- */

/* -1 with an error naming the first site only one file has; an unsorted
 * file looks the same at first, so the rest is read (the reader fails on a
 * record out of order, and that is the error then). */
static int first_difference(const vs_hybrid_opts_t *o, vs_pair_reader_t *pr, const vs_pair_site_t *s, vs_error_t *e)
{
    int missing = s->rec[REAL] ? SYN : REAL;
    const vs_rec_t *r = s->rec[1 - missing];
    char *ref = vs_strdup(vs_rec_ref(r)), *alt = vs_strdup(vs_rec_alt(r));
    char *contig = vs_strdup(s->contig);
    vs_pair_site_t rest;
    int ret;
    while ((ret = vs_pair_next(pr, &rest, e)) > 0) continue;
    vs_loc_t loc = { missing == SYN ? o->syn : o->real, contig, s->pos, NULL };
    if (ret == 0)
        vs_fail_at(e, &loc, "use --sites intersect to keep only the shared sites",
                   "the sites differ: %s has %s>%s here and %s has no such record (the first difference)",
                   missing == SYN ? o->real : o->syn, ref, alt, missing == SYN ? o->syn : o->real);
    free(ref);
    free(alt);
    free(contig);
    return -1;
}

/* 1 when a sample's ##SAMPLE text says Origin=WHAT. */
static int origin_is(const char *meta, const char *what)
{
    const char *o = meta ? strstr(meta, "Origin=") : NULL;
    while (o && o != meta && o[-1] != ',' && o[-1] != '<') o = strstr(o + 1, "Origin=");    /* a key, not XOrigin= */
    if (!o) return 0;
    size_t n = strlen(what);
    return !strncmp(o + 7, what, n) && (o[7 + n] == 0 || o[7 + n] == ',' || o[7 + n] == '>');
}

/* The two inputs the wrong way round (synthetic samples labelled real in
 * the output, and real ones synthetic) would pass unnoticed: a sample whose
 * ##SAMPLE line says where it came from must be on its side. */
static int check_sides(const cohort_t *real, const cohort_t *syn, vs_error_t *e)
{
    static const char hint[] = "the arguments are REAL then SYNTHETIC: were they given the other way round?";
    for (int i = 0; i < real->n; i++)
        if (origin_is(real->meta[i], "synthetic") || origin_is(real->meta[i], "hybrid"))
            return vs_fail_at(e, &(vs_loc_t){ real->path, NULL, -1, real->name[i] }, hint,
                              "the input REAL holds a sample its ##SAMPLE line calls %s",
                              origin_is(real->meta[i], "synthetic") ? "Origin=synthetic" : "Origin=hybrid");
    for (int i = 0; i < syn->n; i++)
        if (origin_is(syn->meta[i], "real"))
            return vs_fail_at(e, &(vs_loc_t){ syn->path, NULL, -1, syn->name[i] }, hint,
                              "the input SYNTHETIC holds a sample its ##SAMPLE line calls Origin=real");
    return 0;
}

/* The output's samples and where each one's genotypes come from: NULL with an error. */
static plan_t *make_plan(const vs_hybrid_opts_t *o, cohort_t *real, cohort_t *syn, vs_pair_reader_t *pr, vs_error_t *e)
{
    if (cohort_groups(real, vs_pair_header(pr, REAL), o, e) < 0 || cohort_groups(syn, vs_pair_header(pr, SYN), o, e) < 0 ||
        check_sides(real, syn, e) < 0)
        return NULL;
    plan_t *p = o->mode == VS_AUGMENT ? plan_augment(o, real, syn, e)
              : o->mode == VS_MIX ? plan_mix(o, real, syn, e) : plan_replace(real, syn, e);
    if (p && check_names(p, real, syn, o->mode == VS_MIX, e) < 0) {
        plan_destroy(p);
        return NULL;
    }
    return p;
}

/* Every shared site, mixed as planned: 0, or -1 with an error. */
static int write_sites(const vs_hybrid_opts_t *o, vs_pair_reader_t *pr, vs_vcfw_t *w, vs_hdr_t *hdr,
                       const plan_t *p, const vs_bed_t *bed, vs_error_t *e)
{
    long used = 0, only[2] = { 0, 0 }, inside = 0;
    vs_pair_site_t s;
    int more;
    while ((more = vs_pair_next(pr, &s, e)) > 0) {
        if (!s.rec[REAL] || !s.rec[SYN]) {
            if (!o->sites_intersect) return first_difference(o, pr, &s, e);
            only[s.rec[REAL] ? REAL : SYN]++;
            continue;
        }
        int in = bed && vs_bed_contains(bed, s.contig, s.pos);
        inside += in;
        vs_vcfw_write_mixed(w, hdr, &s, in ? p->inside : p->outside, p->n);
        used++;
    }
    if (more < 0) return -1;
    if (o->sites_intersect)
        vs_info("sites: %ld shared and written; %ld only in %s and %ld only in %s dropped", used, only[REAL], o->real,
                only[SYN], o->syn);
    if (bed && inside == 0 && used > 0)     /* every sample would be called a hybrid, and none is */
        return vs_fail_at(e, &(vs_loc_t){ o->regions, NULL, -1, NULL },
                          "check the contig names (chr1 or 1) and the positions (BED: CHR BEG END, 0-based)",
                          "none of the %ld sites of %s and %s lies inside the regions: nothing would be replaced", used,
                          o->real, o->syn);
    if (bed) vs_info("%ld of %ld sites are inside the regions of %s", inside, used, o->regions);
    return 0;
}

int vs_hybrid_run(const vs_hybrid_opts_t *o, vs_error_t *e)
{
    vs_bed_t *bed = NULL;
    if (o->mode == VS_REPLACE && !(bed = vs_bed_read(o->regions, e))) return -1;
    vs_pair_reader_t *pr = vs_pair_open(o->real, o->syn, e);
    cohort_t real = { .path = o->real }, syn = { .path = o->syn };
    plan_t *p = pr ? make_plan(o, &real, &syn, pr, e) : NULL;
    int ret = p ? 0 : -1;
    if (p) {
        /* mix keeps its command line out of the header: the seed and the fraction,
         * with the inputs, would say which samples are real */
        vs_prov_t prov = o->no_version ? VS_PROV_NONE : o->mode == VS_MIX ? VS_PROV_VERSION : VS_PROV_FULL;
        vs_hdr_t *hdr = vs_hdr_with_samples(vs_pair_header(pr, REAL), p->name, o->mode == VS_MIX ? NULL : p->meta,
                                             p->n, prov);
        vs_hdr_add_line(hdr, "##INFO=<ID=AF,Number=A,Type=Float,Description=\"Allele frequency in genotypes\">");
        vs_pool_t *pool = vs_pool_new(o->threads - 1);     /* the calling thread is one of --threads */
        vs_vcfw_t *w = vs_vcfw_open(o->output, o->otype, pool, e);
        ret = w ? 0 : -1;
        if (w) {
            vs_vcfw_index(w, o->write_index, o->threads);
            vs_vcfw_header(w, hdr);
            ret = write_sites(o, pr, w, hdr, p, bed, e);
            if (ret == 0 && o->key) ret = write_key(p, o->key, o->mode == VS_REPLACE ? "synthetic_source" : "source", e);
            if (ret == 0) ret = vs_vcfw_close(w, e);
            else vs_vcfw_abandon(w);      /* neither finished nor indexed: nothing is committed */
        }
        vs_pool_destroy(pool);
        if (ret == 0) vs_info("wrote %d samples", p->n);
        vs_hdr_destroy(hdr);
        plan_destroy(p);
    }
    vs_free_strings(real.group, real.n);
    vs_free_strings(syn.group, syn.n);
    vs_free_strings(real.meta, real.n);
    vs_free_strings(syn.meta, syn.n);
    vs_pair_close(pr);
    vs_bed_destroy(bed);
    return ret;
}
