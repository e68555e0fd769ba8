#include "vs_condition.h"
#include "vs_err.h"
#include "vs_rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FORM "--condition expects CHR:POS:REF:ALT=k[,fraction=F][,group=G], e.g. 1:11700000:A:G=1,fraction=0.5"

/* CHR:POS:REF:ALT, split from the right (a contig name may hold ':'). */
static int parse_site(const char *spec, char *site, vs_condition_t *c, vs_error_t *e)
{
    char *alt = strrchr(site, ':'), *ref = NULL, *pos = NULL;
    if (alt) {
        *alt++ = 0;
        ref = strrchr(site, ':');
    }
    if (ref) {
        *ref++ = 0;
        pos = strrchr(site, ':');
    }
    if (!pos || pos == site || !*ref || !*alt) return vs_error(e, VS_EXIT_USAGE, "%s; got '%s'", FORM, spec);
    *pos++ = 0;
    long p;
    if (vs_try_long("--condition position", pos, 1, 1L << 40, &p, e)) return -1;
    c->pos = p;
    c->contig = vs_strdup(site);
    c->ref = vs_strdup(ref);
    c->alt = vs_strdup(alt);
    return 0;
}

/* One fraction=F or group=G setting. */
static int parse_setting(const vs_model_t *m, const char *spec, const char *item, vs_condition_t *c, vs_error_t *e)
{
    if (!strncmp(item, "fraction=", 9)) return vs_try_double("--condition fraction", item + 9, 0, 1, &c->fraction, e);
    if (strncmp(item, "group=", 6))
        return vs_error(e, VS_EXIT_USAGE, "--condition %s: unknown setting '%s' (fraction=F or group=G)", spec, item);
    for (int g = 0; g < m->n_groups; g++)
        if (!strcmp(m->groups[g].name, item + 6)) c->group = g;
    if (c->group < 0)
        return vs_error(e, VS_EXIT_USAGE, "--condition %s names group '%s', which the model does not have (admixed "
                        "groups are not conditioned)", spec, item + 6);
    return 0;
}

int vs_condition_parse(const vs_model_t *m, const char *spec, vs_condition_t *c, vs_error_t *e)
{
    memset(c, 0, sizeof *c);
    c->spec = vs_strdup(spec);
    c->fraction = 1;
    c->group = -1;
    c->model_contig = -1;
    char *copy = vs_strdup(spec), *save = NULL;
    char *head = strtok_r(copy, ",", &save);
    char *eq = head ? strrchr(head, '=') : NULL;
    long k = 0;
    int ret = !eq ? vs_error(e, VS_EXIT_USAGE, "%s; got '%s'", FORM, spec) : 0;
    if (!ret) {
        *eq = 0;
        ret = vs_try_long("--condition copies", eq + 1, 0, 2, &k, e);
    }
    if (!ret) ret = parse_site(spec, head, c, e);
    c->k = (int)k;
    for (char *item = strtok_r(NULL, ",", &save); item && !ret; item = strtok_r(NULL, ",", &save))
        ret = parse_setting(m, spec, item, c, e);
    free(copy);
    if (ret) vs_condition_free(c);
    return ret;
}

int vs_condition_locate(const vs_model_t *m, vs_condition_t *c, vs_error_t *e)
{
    c->model_contig = vs_model_find_contig(m, c->contig);
    if (c->model_contig < 0)
        return vs_fail(e, "--condition %s: the model has no contig %s; give a site of the panel the model was fitted "
                          "on", c->spec, c->contig);
    const vs_model_contig_t *mc = &m->contigs[c->model_contig];
    if (c->pos < mc->first_pos || c->pos > mc->last_pos)
        return vs_fail(e, "--condition %s: position %lld is outside the model's sites of %s (%lld-%lld)", c->spec,
                       (long long)c->pos, c->contig, (long long)mc->first_pos, (long long)mc->last_pos);
    c->x = vs_cmap_cm(mc->map, c->pos) / 100.0;
    return 0;
}

void vs_condition_free(vs_condition_t *c)
{
    free(c->spec);
    free(c->contig);
    free(c->ref);
    free(c->alt);
    free(c->panel_alleles);
}

int vs_condition_check_set(const vs_condition_t *c, int n_cond, vs_error_t *e)
{
    for (int i = 0; i < n_cond; i++)
        for (int j = 0; j < i; j++)
            if (!strcmp(c[i].contig, c[j].contig) && c[i].pos == c[j].pos && !strcmp(c[i].ref, c[j].ref) &&
                !strcmp(c[i].alt, c[j].alt))
                return vs_error(e, VS_EXIT_USAGE, "--condition names %s:%lld:%s:%s twice; give each site once "
                                "(fraction=, group=)", c[i].contig, (long long)c[i].pos, c[i].ref, c[i].alt);
    return 0;
}

int *vs_condition_assign(const vs_condition_t *c, int n_cond, const int *sample_group, int n_samples,
                         int n_model_groups, uint64_t seed, vs_error_t *e)
{
    int *which = vs_malloc((n_samples + 1) * sizeof *which);
    for (int i = 0; i < n_samples; i++) which[i] = -1;
    for (int ci = 0; ci < n_cond; ci++) {
        int eligible = 0, free_now = 0;
        for (int i = 0; i < n_samples; i++)
            if (sample_group[i] < n_model_groups && (c[ci].group < 0 || sample_group[i] == c[ci].group)) {
                eligible++;
                free_now += which[i] < 0;
            }
        int want = (int)floor(c[ci].fraction * eligible + 0.5);
        if (want > free_now) {
            free(which);
            return vs_error(e, VS_EXIT_USAGE, "--condition %s asks for %d samples; %d of the %d it may take are left "
                            "(a sample takes one --condition at most)", c[ci].spec, want, free_now, eligible), NULL;
        }
        int *order = vs_rng_permutation(n_samples, seed, VS_RNG_CONDITION, (uint64_t)ci);
        for (int j = 0, got = 0; j < n_samples && got < want; j++) {
            int i = order[j];
            if (which[i] >= 0 || sample_group[i] >= n_model_groups || (c[ci].group >= 0 && sample_group[i] != c[ci].group))
                continue;
            which[i] = ci;
            got++;
        }
        free(order);
    }
    return which;
}

int vs_condition_allele(const vs_condition_t *c, int sample, int which, uint64_t seed)
{
    if (c->k != 1) return c->k == 2;
    int alt_hap = vs_rng_unif(seed, VS_RNG_CONDITION, (uint64_t)sample, 0x616c74ull) < 0.5;
    return which == alt_hap;
}
