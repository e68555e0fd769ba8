#include "vs_risk.h"
#include "vs_err.h"
#include "vs_json.h"
#include "vs_cohorts.h"
#include "vs_groups.h"
#include "vs_rng.h"
#include "vs_shadow.h"
#include "vs_out.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct { const char *name; unsigned bit; } attack_names[] = {
    { "dcr", VS_ATT_DCR }, { "aats", VS_ATT_AATS }, { "king", VS_ATT_KING }, { "ibd", VS_ATT_IBD },
    { "af", VS_ATT_AF }, { "unique", VS_ATT_UNIQUE }, { "partial", VS_ATT_PARTIAL }, { "names", VS_ATT_NAMES },
    { "shadow", VS_ATT_SHADOW },
};
#define N_ATTACK_NAMES (int)(sizeof attack_names / sizeof attack_names[0])

void vs_risk_opts_init(vs_risk_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->map.cm_per_mb = 1.0;
    o->attacks = VS_ATT_ALL;
    o->known_sites = 100;
    o->kmer = 16;
    o->bootstrap = 200;
    o->level = 0.95;
    o->seed = 1;
    o->shadow_runs = 4;
}

int vs_risk_parse_attacks(const char *list, unsigned *set, unsigned *named, vs_error_t *e)
{
    int ret = 0;
    *set = *named = 0;
    char *copy = vs_strdup(list), *save = NULL;
    for (char *a = strtok_r(copy, ",", &save); a && !ret; a = strtok_r(NULL, ",", &save)) {
        int k = 0;
        if (!strcmp(a, "all")) { *set = VS_ATT_ALL; continue; }
        for (; k < N_ATTACK_NAMES && strcmp(a, attack_names[k].name); k++) {}
        if (k == N_ATTACK_NAMES)
            ret = vs_error(e, VS_EXIT_USAGE, "--attacks: unknown attack '%s' (known: dcr, aats, king, ibd, af, "
                           "unique, partial, names, shadow)", a);
        else {
            *set |= attack_names[k].bit;
            *named |= attack_names[k].bit;
        }
    }
    free(copy);
    if (!ret && !*set) ret = vs_error(e, VS_EXIT_USAGE, "--attacks names no attack");
    return ret;
}

/* ---------- the cohorts ---------- */

typedef struct {
    vs_attack_data_t d;
    vs_cohorts_t *co;
    const vs_geno_t *syn, *train, *holdout;
    int n_groups;
    char **group_names;
    const int *train_group, *holdout_group;
    uint8_t *copied[2];        /* members, non-members with a synthetic sample of identical genotypes */
    uint8_t *real_identical;   /* non-members identical to a training sample */
} cohorts_t;

static void cohorts_view(cohorts_t *c, const vs_risk_opts_t *o)
{
    vs_cohorts_t *co = c->co;
    c->syn = co->geno[VS_SYN];
    c->train = co->geno[VS_TRAIN];
    c->holdout = co->geno[VS_HOLDOUT];
    c->n_groups = co->groups->n_groups;
    c->group_names = co->groups->names;
    c->train_group = co->group_of[VS_TRAIN];
    c->holdout_group = co->group_of[VS_HOLDOUT];
    c->d = (vs_attack_data_t){ c->syn, c->train, c->holdout, co->cm, co->contig_start,
                               { co->names[VS_SYN], co->names[VS_TRAIN], co->names[VS_HOLDOUT] }, o->known_sites,
                               o->kmer, o->seed };
}

static cohorts_t *load_cohorts(const vs_risk_opts_t *o, vs_risk_t *r, vs_error_t *e)
{
    vs_cohorts_opts_t co = { { o->syn, o->train, o->holdout }, o->groups, o->group_column, o->map, 0, 0 };
    vs_cohorts_t *loaded = vs_cohorts_load(&co, e);
    if (!loaded) return NULL;
    cohorts_t *c = vs_calloc(1, sizeof *c);
    c->co = loaded;
    for (int k = 0; k < 3; k++) r->sites_in[k] = c->co->sites_in[k];
    r->sites_used = c->co->n_sites;
    cohorts_view(c, o);
    return c;
}

static void free_copies(cohorts_t *c)
{
    free(c->copied[0]);
    free(c->copied[1]);
    free(c->real_identical);
    c->copied[0] = c->copied[1] = c->real_identical = NULL;
}

static void cohorts_destroy(cohorts_t *c)
{
    free_copies(c);
    vs_cohorts_destroy(c->co);
    free(c);
}

/* ---------- scoring ---------- */

static int collect(const double *score, const int *group, int n, int g, double *out)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        if ((g < 0 || group[i] == g) && !isnan(score[i])) out[k++] = score[i];
    return k;
}

static vs_risk_row_t *add_row(vs_risk_t *r, const char *attack, const char *group, const vs_roc_t *roc)
{
    r->rows = vs_realloc(r->rows, (r->n_rows + 1) * sizeof *r->rows);
    r->rows[r->n_rows] = (vs_risk_row_t){ attack, vs_strdup(group), *roc, { -1, -1 }, NAN };
    return &r->rows[r->n_rows++];
}

static int count_flags(const uint8_t *flag, const int *group, int n, int g)
{
    int k = 0;
    for (int i = 0; i < n; i++) k += flag[i] && (g < 0 || group[i] == g);
    return k;
}

/* Targets with an exact copy on the synthetic side: identical genotypes
 * (dcr, king) or their own name (names); real: non-members identical to a
 * training sample, or NULL where that cannot happen. */
typedef struct {
    const uint8_t *member, *nonmember, *real;
} copies_t;

/* The copies rule on a row of group g (-1: everyone): exact copies of members
 * make it "high" (see VS_ROC_COPIES_ALPHA). */
static void apply_copies_rule(vs_risk_row_t *w, const cohorts_t *c, const copies_t *cp, int g)
{
    w->copies[0] = count_flags(cp->member, c->train_group, c->train->n, g);
    w->copies[1] = count_flags(cp->nonmember, c->holdout_group, c->holdout->n, g);
    if (!strcmp(w->roc.verdict, "insufficient")) return;
    int twins = cp->real ? count_flags(cp->real, c->holdout_group, c->holdout->n, g) : 0;
    if (vs_roc_copies(w->copies[0], w->roc.n_members, w->copies[1], w->roc.n_nonmembers, twins, &w->copies_p))
        w->roc.verdict = "high";
}

/* One row per group, then one for everyone ("all"). */
static void score_attack(vs_risk_t *r, const cohorts_t *c, const char *attack, const vs_scores_t *s,
                         const vs_risk_opts_t *o, const copies_t *cp)
{
    double *m = vs_malloc((c->train->n + 1) * sizeof *m), *n = vs_malloc((c->holdout->n + 1) * sizeof *n);
    uint64_t stream = vs_hash_str(0, attack, strlen(attack));
    for (int g = 0; g <= c->n_groups; g++) {
        int gi = g < c->n_groups ? g : -1;
        if (gi >= 0 && c->n_groups == 1) continue;          /* one group: "all" says it */
        int nm = collect(s->member, c->train_group, c->train->n, gi, m);
        int nn = collect(s->nonmember, c->holdout_group, c->holdout->n, gi, n);
        vs_roc_t roc;
        vs_roc(m, nm, n, nn, o->bootstrap, o->level, o->seed, stream * 1000 + (uint64_t)g, &roc);
        if (c->co->n_sites < VS_COHORTS_MIN_SITES) roc.verdict = "insufficient";
        vs_risk_row_t *w = add_row(r, attack, gi >= 0 ? c->group_names[gi] : "all", &roc);
        if (cp) apply_copies_rule(w, c, cp, gi);
    }
    free(m);
    free(n);
}

static void warn_lopsided_groups(const cohorts_t *c, const vs_risk_opts_t *o)
{
    for (int g = 0; g < c->n_groups; g++) {
        int nm = 0, nn = 0;
        for (int i = 0; i < c->train->n; i++) nm += c->train_group[i] == g;
        for (int i = 0; i < c->holdout->n; i++) nn += c->holdout_group[i] == g;
        if (!nm || !nn)
            vs_warn("group %s has no samples in %s; its rows are 'insufficient'", c->group_names[g],
                    nm ? o->holdout : o->train);
        else if (nm < VS_ROC_MIN_N || nn < VS_ROC_MIN_N)
            vs_warn("group %s has %d members and %d non-members, fewer than %d; its rows are 'insufficient'",
                    c->group_names[g], nm, nn, VS_ROC_MIN_N);
    }
}

/* The shadow attack, its pool the holdout unless given; each shadow run asks
 * for as many synthetic samples per training sample as the real cohort has. */
static int shadow(const vs_attack_data_t *d, const vs_risk_opts_t *o, vs_scores_t *s, vs_error_t *e)
{
    const char *pool = o->shadow_pool ? o->shadow_pool : o->holdout;
    vs_panel_t *p = vs_cohort_read(pool, 0, e);
    if (!p) return -1;
    int n_in = p->n_samples / 2;
    vs_panel_destroy(p);
    int n = (int)lround((double)d->syn->n * n_in / d->train->n);
    vs_shadow_opts_t so = { o->shadow_cmd, pool, o->groups, o->shadow_runs, n < 10 ? 10 : n, o->map, o->seed };
    return vs_attack_shadow(d, &so, s, e);
}

static uint8_t *identical_to_any(const vs_geno_t *targets, const vs_geno_t *pool)
{
    uint8_t *flag = vs_calloc(targets->n + 1, 1);
#pragma omp parallel for schedule(dynamic, 8)
    for (int i = 0; i < targets->n; i++)
        for (int j = 0; j < pool->n && !flag[i]; j++) flag[i] = (uint8_t)vs_geno_same(targets, i, pool, j);
    return flag;
}

/* Targets with a synthetic sample of identical genotypes, and non-members
 * identical to a training sample (duplicates, twins, or too few sites to
 * tell people apart): the copies rule's counts. */
static void find_copies(vs_risk_t *r, cohorts_t *c)
{
    free_copies(c);
    c->copied[0] = identical_to_any(c->train, c->syn);
    c->copied[1] = identical_to_any(c->holdout, c->syn);
    c->real_identical = identical_to_any(c->holdout, c->train);
    r->have_copies = 1;
    r->exact_copies[0] = count_flags(c->copied[0], c->train_group, c->train->n, -1);
    r->exact_copies[1] = count_flags(c->copied[1], c->holdout_group, c->holdout->n, -1);
}

/* names rows: a member's own name on a synthetic sample is an exact copy */
static void score_names(vs_risk_t *r, const cohorts_t *c, const vs_scores_t *s, const vs_risk_opts_t *o)
{
    uint8_t *named[2] = { vs_calloc(c->train->n + 1, 1), vs_calloc(c->holdout->n + 1, 1) };
    for (int i = 0; i < c->train->n; i++) named[0][i] = s->member[i] == 1;
    for (int i = 0; i < c->holdout->n; i++) named[1][i] = s->nonmember[i] == 1;
    copies_t cp = { named[0], named[1], NULL };
    score_attack(r, c, "names", s, o, &cp);
    free(named[0]);
    free(named[1]);
}

static int run_attacks(vs_risk_t *r, cohorts_t *c, const vs_risk_opts_t *o, vs_error_t *e)
{
    const vs_attack_data_t *d = &c->d;
    int phased = c->syn->phased && c->train->phased && c->holdout->phased;
    if (!phased && (o->attacks & (VS_ATT_IBD | VS_ATT_UNIQUE | VS_ATT_DCR)))
        vs_warn("not every input is phased, so the haplotype attacks (ibd, unique, and dcr on "
                "haplotypes) are skipped; the genotype attacks run");
    if (!phased && (o->attacks & VS_ATT_SHADOW) && o->shadow_cmd)
        vs_warn("not every input is phased, so the shadow attack (its features are haplotype "
                "matches) is skipped");
    if (o->attacks & (VS_ATT_DCR | VS_ATT_KING)) find_copies(r, c);
    copies_t copies = { c->copied[0], c->copied[1], c->real_identical };
    if (o->attacks & VS_ATT_DCR) {
        vs_scores_t *g = vs_scores_new(d), *h = vs_scores_new(d), *cal = vs_scores_new(d);
        vs_attack_dcr(d, g, h, cal);
        score_attack(r, c, "dcr", g, o, &copies);
        if (phased) score_attack(r, c, "dcr_hap", h, o, NULL);
        score_attack(r, c, "dcr_cal", cal, o, NULL);
        vs_scores_destroy(g);
        vs_scores_destroy(h);
        vs_scores_destroy(cal);
    }
    struct { unsigned bit; const char *name; int needs_phase; } one[] = {
        { VS_ATT_AATS, "aats", 0 }, { VS_ATT_KING, "king", 0 }, { VS_ATT_IBD, "ibd", 1 },
        { VS_ATT_AF, "af", 0 }, { VS_ATT_UNIQUE, "unique", 1 }, { VS_ATT_PARTIAL, "partial", 0 },
        { VS_ATT_NAMES, "names", 0 }, { VS_ATT_SHADOW, "shadow", 1 },
    };
    for (size_t k = 0; k < sizeof one / sizeof one[0]; k++) {
        if (!(o->attacks & one[k].bit) || (one[k].needs_phase && !phased)) continue;
        if ((one[k].bit == VS_ATT_NAMES && !d->names[0]) || (one[k].bit == VS_ATT_SHADOW && !o->shadow_cmd)) continue;
        vs_scores_t *s = vs_scores_new(d);
        switch (one[k].bit) {
        case VS_ATT_AATS: vs_attack_aats(d, s, &r->aats); r->have_aats = 1; break;
        case VS_ATT_KING: vs_attack_king(d, s, &r->bands); r->have_bands = 1; break;
        case VS_ATT_IBD: vs_attack_ibd(d, s); break;
        case VS_ATT_AF: vs_attack_af(d, s); break;
        case VS_ATT_UNIQUE: vs_attack_unique(d, s, &r->unique); r->have_unique = 1; break;
        case VS_ATT_NAMES: vs_attack_names(d, s); break;
        case VS_ATT_SHADOW:
            if (shadow(d, o, s, e) < 0) {
                vs_scores_destroy(s);
                return -1;
            }
            break;
        default: vs_attack_partial(d, s); break;
        }
        if (one[k].bit == VS_ATT_NAMES) score_names(r, c, s, o);
        else score_attack(r, c, one[k].name, s, o, one[k].bit == VS_ATT_KING ? &copies : NULL);
        vs_scores_destroy(s);
    }
    return 0;
}

vs_risk_t *vs_risk_run(const vs_risk_opts_t *o, vs_error_t *e)
{
    vs_risk_t *r = vs_calloc(1, sizeof *r);
    cohorts_t *c = load_cohorts(o, r, e);
    int ret = c ? 0 : -1;
    if (c) {
        warn_lopsided_groups(c, o);
        ret = run_attacks(r, c, o, e);
        cohorts_destroy(c);
    }
    if (ret < 0) {
        vs_risk_destroy(r);
        return NULL;
    }
    return r;
}

void vs_risk_destroy(vs_risk_t *r)
{
    if (!r) return;
    for (int i = 0; i < r->n_rows; i++) free(r->rows[i].group);
    free(r->rows);
    free(r);
}

/* ---------- output ---------- */

/* "verdict" stays the 11th column: the tail columns came later */
static const char *const row_keys[] = { "attack", "group", "n_members", "n_nonmembers", "auc", "auc_lo", "auc_hi",
                                        "tpr_at_fpr_1pct", "tpr_at_fpr_0.1pct", "advantage", "verdict",
                                        "members_above_all_nonmembers", "tail_p", "members_copied",
                                        "nonmembers_copied", "copies_p" };
#define N_ROW_KEYS (int)(sizeof row_keys / sizeof row_keys[0])

static void put_num(FILE *fp, double x)
{
    if (isnan(x)) fputs("\tNA", fp);
    else fprintf(fp, "\t%.4f", x);
}

static void put_p(FILE *fp, double p)
{
    if (isnan(p)) fputs("\tNA", fp);
    else fprintf(fp, "\t%.3g", p);
}

/* a count, or NA where the row has none (-1) */
static void put_count(FILE *fp, int n)
{
    if (n < 0) fputs("\tNA", fp);
    else fprintf(fp, "\t%d", n);
}

void vs_risk_tsv(const vs_risk_t *r, FILE *fp)
{
    for (int k = 0; k < N_ROW_KEYS; k++) fprintf(fp, "%s%s", k ? "\t" : "", row_keys[k]);
    fputc('\n', fp);
    for (int i = 0; i < r->n_rows; i++) {
        const vs_risk_row_t *w = &r->rows[i];
        fprintf(fp, "%s\t%s\t%d\t%d", w->attack, w->group, w->roc.n_members, w->roc.n_nonmembers);
        put_num(fp, w->roc.auc);
        put_num(fp, w->roc.auc_lo);
        put_num(fp, w->roc.auc_hi);
        put_num(fp, w->roc.tpr_at_fpr_1pct);
        put_num(fp, w->roc.tpr_at_fpr_01pct);
        put_num(fp, w->roc.advantage);
        fprintf(fp, "\t%s\t%d", w->roc.verdict, w->roc.tail);
        put_p(fp, w->roc.tail_p);
        put_count(fp, w->copies[0]);
        put_count(fp, w->copies[1]);
        put_p(fp, w->copies_p);
        fputc('\n', fp);
    }
}

static cJSON *row_json(const vs_risk_row_t *w)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, row_keys[0], w->attack);
    cJSON_AddStringToObject(o, row_keys[1], w->group);
    cJSON_AddNumberToObject(o, row_keys[2], w->roc.n_members);
    cJSON_AddNumberToObject(o, row_keys[3], w->roc.n_nonmembers);
    vs_json_add_num(o, row_keys[4], w->roc.auc);
    vs_json_add_num(o, row_keys[5], w->roc.auc_lo);
    vs_json_add_num(o, row_keys[6], w->roc.auc_hi);
    vs_json_add_num(o, row_keys[7], w->roc.tpr_at_fpr_1pct);
    vs_json_add_num(o, row_keys[8], w->roc.tpr_at_fpr_01pct);
    vs_json_add_num(o, row_keys[9], w->roc.advantage);
    cJSON_AddStringToObject(o, row_keys[10], w->roc.verdict);
    cJSON_AddNumberToObject(o, row_keys[11], w->roc.tail);
    vs_json_add_num(o, row_keys[12], w->roc.tail_p);
    vs_json_add_num(o, row_keys[13], w->copies[0] < 0 ? NAN : w->copies[0]);
    vs_json_add_num(o, row_keys[14], w->copies[1] < 0 ? NAN : w->copies[1]);
    vs_json_add_num(o, row_keys[15], w->copies_p);
    return o;
}

static int verdict_level(const char *v) { return !strcmp(v, "high") ? 2 : !strcmp(v, "signal") ? 1 : 0; }

/* The worst row among an attack's rows starting at i: the most severe
 * verdict, then a group before "all", then the highest AUC; NULL when no
 * row has an AUC.  So the summary line never says "ok" of an attack that has
 * a "signal" or "high" row. */
static const vs_risk_row_t *worst_group(const vs_risk_t *r, int i)
{
    const vs_risk_row_t *worst = NULL;
    int worst_key[2] = { 0 };
    for (int j = i; j < r->n_rows && r->rows[j].attack == r->rows[i].attack; j++) {
        const vs_risk_row_t *w = &r->rows[j];
        if (isnan(w->roc.auc)) continue;
        int key[2] = { verdict_level(w->roc.verdict), strcmp(w->group, "all") != 0 };
        int better = !worst || key[0] > worst_key[0] || (key[0] == worst_key[0] && key[1] > worst_key[1]) ||
                     (key[0] == worst_key[0] && key[1] == worst_key[1] && w->roc.auc > worst->roc.auc);
        if (better) {
            worst = w;
            memcpy(worst_key, key, sizeof key);
        }
    }
    return worst;
}

int vs_risk_worst(const vs_risk_t *r)
{
    int worst = 0;
    for (int i = 0; i < r->n_rows; i++) {
        int level = verdict_level(r->rows[i].roc.verdict);
        if (level > worst) worst = level;
    }
    return worst;
}

void vs_risk_summary(const vs_risk_t *r)
{
    for (int i = 0; i < r->n_rows; i++) {
        if (i && r->rows[i - 1].attack == r->rows[i].attack) continue;
        const vs_risk_row_t *w = worst_group(r, i);
        if (w) vs_info("%-8s worst group %s: AUC %.3f (%.3f-%.3f), %s", w->attack, w->group, w->roc.auc,
                       w->roc.auc_lo, w->roc.auc_hi, w->roc.verdict);
    }
    if (r->have_bands)
        for (int k = 0; k < VS_KING_BANDS; k++) {
            char range[48];
            if (k) snprintf(range, sizeof range, "%g to %g", vs_king_band_min[k], vs_king_band_min[k - 1]);
            else snprintf(range, sizeof range, "%g and above", vs_king_band_min[k]);
            vs_info("king: %ld member and %ld non-member pairs with a synthetic sample in the %s band (kinship %s)",
                    r->bands.member_pairs[k], r->bands.nonmember_pairs[k], vs_king_band_name[k], range);
        }
    if (r->have_copies)
        vs_info("exact copies: %d members and %d non-members have a synthetic sample with identical genotypes",
                r->exact_copies[0], r->exact_copies[1]);
    if (r->have_aats)
        vs_info("aats: AA(train) %.4f, AA(holdout) %.4f, privacy loss %.4f (n = %d each)", r->aats.aa_train,
                r->aats.aa_holdout, r->aats.privacy_loss, r->aats.n);
}

/* The worst group of each attack, as the summary lines name it. */
static cJSON *worst_json(const vs_risk_t *r)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < r->n_rows; i++) {
        if (i && r->rows[i - 1].attack == r->rows[i].attack) continue;
        const vs_risk_row_t *worst = worst_group(r, i);
        if (!worst) continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "attack", worst->attack);
        cJSON_AddStringToObject(o, "group", worst->group);
        vs_json_add_num(o, "auc", worst->roc.auc);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

int vs_risk_json(const vs_risk_t *r, const char *path, vs_error_t *e)
{
    cJSON *root = cJSON_CreateObject(), *rows = cJSON_AddArrayToObject(root, "rows");
    for (int i = 0; i < r->n_rows; i++) cJSON_AddItemToArray(rows, row_json(&r->rows[i]));
    cJSON *sites = cJSON_AddObjectToObject(root, "sites");
    cJSON_AddNumberToObject(sites, "used", (double)r->sites_used);
    cJSON_AddNumberToObject(sites, "synthetic", (double)r->sites_in[0]);
    cJSON_AddNumberToObject(sites, "train", (double)r->sites_in[1]);
    cJSON_AddNumberToObject(sites, "holdout", (double)r->sites_in[2]);
    cJSON_AddItemToObject(root, "worst", worst_json(r));
    if (r->have_bands) {
        cJSON *b = cJSON_AddArrayToObject(root, "king_bands");
        for (int k = 0; k < VS_KING_BANDS; k++) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "band", vs_king_band_name[k]);
            cJSON_AddNumberToObject(o, "min_kinship", vs_king_band_min[k]);
            cJSON_AddNumberToObject(o, "member_pairs", (double)r->bands.member_pairs[k]);
            cJSON_AddNumberToObject(o, "nonmember_pairs", (double)r->bands.nonmember_pairs[k]);
            cJSON_AddItemToArray(b, o);
        }
    }
    if (r->have_copies) {
        cJSON *x = cJSON_AddObjectToObject(root, "exact_copies");
        cJSON_AddNumberToObject(x, "members", r->exact_copies[0]);
        cJSON_AddNumberToObject(x, "nonmembers", r->exact_copies[1]);
    }
    if (r->have_aats) {
        cJSON *a = cJSON_AddObjectToObject(root, "aats");
        cJSON_AddNumberToObject(a, "n", r->aats.n);
        cJSON_AddNumberToObject(a, "aa_train", r->aats.aa_train);
        cJSON_AddNumberToObject(a, "aa_holdout", r->aats.aa_holdout);
        cJSON_AddNumberToObject(a, "privacy_loss", r->aats.privacy_loss);
    }
    if (r->have_unique) {
        cJSON *u = cJSON_AddObjectToObject(root, "unique");
        cJSON_AddNumberToObject(u, "k", r->unique.k);
        cJSON_AddNumberToObject(u, "synthetic_kmers", (double)r->unique.syn_kmers);
        vs_json_add_num(u, "share_unique_to_one_train_sample", r->unique.unique_train);
        vs_json_add_num(u, "share_unique_to_one_holdout_sample", r->unique.unique_holdout);
    }
    return vs_json_write(root, path, e);
}

/* ---------- self-test ---------- */

/* Training samples the planted control hides among the filler: 20, but
 * never more than a tenth of them. */
static int planted_count(int n_members)
{
    return n_members / 10 < 20 ? (n_members / 10 > 0 ? n_members / 10 : 1) : 20;
}

/* a's samples, then b's (b may be NULL). */
static vs_geno_t *concat(const vs_geno_t *a, const vs_geno_t *b)
{
    int nb = b ? b->n : 0, *ia = vs_malloc((a->n + 1) * sizeof *ia);
    for (int i = 0; i < a->n; i++) ia[i] = i;
    vs_geno_t *g = vs_geno_subset(a, ia, a->n);
    free(ia);
    if (!b) return g;
    g->h0 = vs_realloc(g->h0, ((size_t)(a->n + nb) * g->nw + 1) * sizeof *g->h0);
    g->h1 = vs_realloc(g->h1, ((size_t)(a->n + nb) * g->nw + 1) * sizeof *g->h1);
    memcpy(g->h0 + (size_t)a->n * g->nw, b->h0, (size_t)nb * b->nw * sizeof *g->h0);
    memcpy(g->h1 + (size_t)a->n * g->nw, b->h1, (size_t)nb * b->nw * sizeof *g->h1);
    g->n = a->n + nb;
    g->phased = a->phased && b->phased;
    return g;
}

enum { CONTROL_POSITIVE, CONTROL_PLANTED, CONTROL_NEGATIVE };
static const char *const control_name[] = { "positive", "planted", "negative" };

/* dcr, king and ibd must see the positive control's copies by their AUC
 * intervals; dcr and king the planted ones by their verdicts (the copies
 * rule); every negative row must hold 0.5 in its interval. */
static int report_control(FILE *fp, int control, const vs_risk_t *r, double expected)
{
    int failures = 0;
    for (int i = 0; i < r->n_rows; i++) {
        const vs_risk_row_t *w = &r->rows[i];
        int must = !strcmp(w->attack, "dcr") || !strcmp(w->attack, "king") ||
                   (!strcmp(w->attack, "ibd") && control == CONTROL_POSITIVE);
        int detected = control == CONTROL_PLANTED ? !strcmp(w->roc.verdict, "high") : w->roc.auc_lo > 0.5;
        const char *result = control == CONTROL_NEGATIVE
                                 ? (w->roc.auc_lo <= 0.5 && w->roc.auc_hi >= 0.5 ? "ok" : "FALSE-SIGNAL")
                                 : detected ? "detected" : must ? "MISSED" : "not detected";
        failures += !strcmp(result, "MISSED") || !strcmp(result, "FALSE-SIGNAL");
        fprintf(fp, "%s\t%s\t%.4f\t%.4f\t%.4f\t%.4f\t%s\t%s\n", control_name[control], w->attack, expected,
                w->roc.auc, w->roc.auc_lo, w->roc.auc_hi, w->roc.verdict, result);
    }
    return failures;
}

/* The self-test's two cohorts, their shared sites and those sites' genetic
 * positions, checked: 0, or -1 with an error (nothing left allocated). */
static int self_test_panels(const vs_risk_opts_t *o, double fraction, vs_panel_t *p[2], int64_t *idx[2], int64_t *n,
                            vs_cohorts_t *co, vs_error_t *e)
{
    int ret = -1;
    p[0] = p[1] = NULL;
    idx[0] = idx[1] = NULL;
    if ((p[0] = vs_cohort_read(o->train, 0, e)) && (p[1] = vs_cohort_read(o->holdout, 0, e))) {
        *n = vs_match_sites(p, 2, idx);
        int nt = p[0]->n_samples, nh = p[1]->n_samples;
        if (*n == 0)
            vs_fail(e, "%s and %s share no site (matched by CHROM, POS, REF and ALT)", o->train, o->holdout);
        else if (nh / 2 < VS_ROC_MIN_N || nt < VS_ROC_MIN_N)
            vs_fail(e, "--self-test needs at least %d training samples and %d holdout samples (half filler, half "
                       "non-members); %s has %d and %s has %d", VS_ROC_MIN_N, 2 * VS_ROC_MIN_N, o->train, nt,
                    o->holdout, nh);
        else if (lround(fraction * nt) < 1)
            vs_fail(e, "--self-test %g copies no training sample of the %d in %s; give a larger fraction", fraction,
                    nt, o->train);
        else
            ret = vs_cohort_positions(p[0], idx[0], *n, &o->map, &co->cm, &co->contig_start, e);
    }
    if (ret < 0)
        for (int k = 0; k < 2; k++) {
            free(idx[k]);
            vs_panel_destroy(p[k]);
        }
    return ret;
}

int vs_risk_self_test(const vs_risk_opts_t *o, double fraction, FILE *fp, vs_error_t *e)
{
    vs_panel_t *p[2];
    int64_t *idx[2], n;
    cohorts_t c = { 0 };
    vs_cohorts_t *co = c.co = vs_calloc(1, sizeof *co);
    if (self_test_panels(o, fraction, p, idx, &n, co, e) < 0) {
        vs_cohorts_destroy(co);
        return -1;
    }
    vs_geno_t *train = co->geno[VS_TRAIN] = vs_geno_from_panel(p[0], idx[0], n);
    vs_geno_t *all_holdout = vs_geno_from_panel(p[1], idx[1], n);
    co->n_sites = n;
    int nh = all_holdout->n, half = nh / 2, ncopy = (int)lround(fraction * train->n);
    int *order = vs_rng_permutation(nh, o->seed, VS_RNG_RISK, 11);
    int *pick = vs_rng_permutation(train->n, o->seed, VS_RNG_RISK, 12);
    vs_geno_t *filler = vs_geno_subset(all_holdout, order, half);
    co->geno[VS_HOLDOUT] = vs_geno_subset(all_holdout, order + half, nh - half);
    vs_geno_t *copies = vs_geno_subset(train, pick, ncopy);
    co->groups = vs_groups_single(train->n + nh - half, "all");
    co->group_of[VS_TRAIN] = co->groups->group_of;
    co->group_of[VS_HOLDOUT] = co->groups->group_of + train->n;
    vs_info("self-test: %d training samples (%d copied, %d planted), %d holdout samples as filler, %d as non-members",
            train->n, ncopy, planted_count(train->n), half, nh - half);
    fprintf(fp, "control\tattack\texpected_auc\tauc\tauc_lo\tauc_hi\tverdict\tresult\n");
    vs_geno_t *planted = vs_geno_subset(train, pick, planted_count(train->n));
    int failures = 0, rows = 1;
    vs_risk_opts_t run = *o;
    for (int control = CONTROL_POSITIVE; control <= CONTROL_NEGATIVE; control++) {
        if (control == CONTROL_NEGATIVE) run.level = 1 - (1 - o->level) / rows;      /* Bonferroni over the rows */
        co->geno[VS_SYN] = control == CONTROL_POSITIVE ? concat(copies, filler)
                         : control == CONTROL_PLANTED ? concat(filler, planted) : concat(filler, NULL);
        cohorts_view(&c, o);
        vs_risk_t *r = vs_calloc(1, sizeof *r);
        int failed = run_attacks(r, &c, &run, e) < 0;
        rows = r->n_rows;
        double expected = control == CONTROL_POSITIVE ? 0.5 + fraction / 2
                        : control == CONTROL_PLANTED ? 0.5 + (double)planted->n / train->n / 2 : 0.5;
        if (!failed) failures += report_control(fp, control, r, expected);
        vs_risk_destroy(r);
        vs_geno_destroy(co->geno[VS_SYN]);
        co->geno[VS_SYN] = NULL;
        if (failed) {
            failures = -1;
            break;
        }
    }
    free_copies(&c);
    vs_geno_destroy(planted);
    vs_geno_destroy(copies);
    vs_geno_destroy(filler);
    vs_geno_destroy(all_holdout);
    free(order);
    free(pick);
    for (int k = 0; k < 2; k++) {
        free(idx[k]);
        vs_panel_destroy(p[k]);
    }
    vs_cohorts_destroy(co);
    return failures;
}
