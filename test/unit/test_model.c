/* The model file: JSON and xz round trips keep every field and the hash;
 * haplotype r^2 and Pearson r on hand-made cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "unit.h"
#include "vs_metrics.h"
#include "vs_model.h"
#include "vs_out.h"

static vs_model_t *example(void)
{
    vs_model_t *m = vs_model_new();
    m->n_samples = 3;
    memset(m->sample_sha, 'a', 64);
    memset(m->site_sha, 'b', 64);
    m->n_sites = 10;
    m->seed = 42;
    m->skip_multiallelic = 1;
    m->n_contigs = 1;
    m->contigs = calloc(1, sizeof *m->contigs);
    m->contigs[0].name = strdup("chr20");
    m->contigs[0].n_sites = 10;
    m->contigs[0].first_pos = 100;
    m->contigs[0].last_pos = 900;
    memset(m->contigs[0].site_sha, 'c', 64);
    int64_t pos[] = { 50, 500, 1000 };
    double cm[] = { 0.1, 0.37, 1.2345678901234567 };
    m->contigs[0].map = vs_cmap_points("chr20", 3, pos, cm, "test", NULL);
    m->contigs[0].map_source = strdup("maps/chr20.gmap.gz");
    m->n_groups = 1;
    m->groups = calloc(1, sizeof *m->groups);
    vs_group_model_t *g = &m->groups[0];
    g->name = strdup("EUR");
    g->n_members = 3;
    g->members = malloc(3 * sizeof(int));
    for (int i = 0; i < 3; i++) g->members[i] = i;
    g->K = 6;
    g->ne = 12345.678;
    g->ne_lo = 10000;
    g->ne_hi = 15000.5;
    g->eps = 0.00123;
    g->loglik = -987.654321;
    g->n_profile = 2;
    g->profile_ne[1] = 2;
    g->profile_loglik[1] = -1000.5;
    g->mean_het = 0.25;
    g->private_alleles = 7;
    g->share = 1;
    return m;
}

static int same_model(const vs_model_t *a, const vs_model_t *b)
{
    const vs_group_model_t *x = &a->groups[0], *y = &b->groups[0];
    return a->n_samples == b->n_samples && !strcmp(a->sample_sha, b->sample_sha) &&
           !strcmp(a->site_sha, b->site_sha) && a->seed == b->seed &&
           a->skip_multiallelic == b->skip_multiallelic && !strcmp(a->contigs[0].name, b->contigs[0].name) &&
           a->contigs[0].map->n == b->contigs[0].map->n &&
           a->contigs[0].map->cm[2] == b->contigs[0].map->cm[2] && x->ne == y->ne && x->eps == y->eps &&
           x->loglik == y->loglik && x->members[2] == y->members[2] && x->private_alleles == y->private_alleles &&
           x->profile_loglik[1] == y->profile_loglik[1] && !strcmp(a->sha, b->sha);
}

int main(void)
{
    char dir[] = "/tmp/vs_model_XXXXXX", path[64], xz[64];
    if (!mkdtemp(dir)) return 1;
    snprintf(path, sizeof path, "%s/m.json", dir);
    snprintf(xz, sizeof xz, "%s/m.json.xz", dir);
    vs_model_t *m = example();
    CHECK(vs_model_write(m, path, NULL) == 0 && vs_out_commit(NULL) == 0, "a model is written");
    vs_model_t *r = vs_model_read(path, NULL);
    CHECK(same_model(m, r), "JSON round trip keeps every field, doubles exactly, and the hash");
    CHECK(vs_model_write(m, xz, NULL) == 0 && vs_out_commit(NULL) == 0, "an .xz model is written");
    vs_model_t *rx = vs_model_read(xz, NULL);
    CHECK(same_model(m, rx), "xz round trip gives the same model and the same hash");
    FILE *fp = fopen(xz, "rb");
    unsigned char magic[6] = { 0 };
    CHECK(fp && fread(magic, 1, 6, fp) == 6 && magic[0] == 0xFD && magic[1] == '7', "a .xz model is xz-compressed");
    if (fp) fclose(fp);
    /* damaged models come back as error values naming the file and the fault */
    struct { const char *text, *want; } bad[] = {
        { "", "is empty" },
        { "{\"format\": ", "is not valid JSON" },
        { "[1, 2]", "the top level is not a JSON object" },
        { "{\"format\": \"other\"}", "\"format\" is not \"vcfsynth-model\"" },
        { "{\"format\": \"vcfsynth-model\", \"version\": 99}", "format version 99" },
        { "{\"format\": \"vcfsynth-model\", \"version\": 1, \"kind\": \"hmm\"}", "of kind \"hmm\"" },
        { "{\"format\": \"vcfsynth-model\", \"version\": 1, \"kind\": \"markov\", \"markov\": {\"context_sites\": 4, "
          "\"min_carriers\": 5, \"dp_epsilon\": 0}, \"panel\": {\"n_sites\": 1e12, \"sites_sha256\": \"x\"}}",
          "a sha256 is not 64 hex digits" },
        { "{\"format\": \"vcfsynth-model\", \"version\": 1, \"kind\": \"markov\", \"markov\": {\"context_sites\": 4, "
          "\"min_carriers\": 5, \"dp_epsilon\": 0}, \"panel\": {\"n_sites\": 999999999, \"sites_sha256\": "
          "\"0000000000000000000000000000000000000000000000000000000000000000\", \"multiallelic\": \"skip\", "
          "\"contigs\": [{\"name\": \"1\", \"n_sites\": 999999999, \"first_pos\": 1, \"last_pos\": 9, "
          "\"sites_sha256\": \"0000000000000000000000000000000000000000000000000000000000000000\", "
          "\"map\": {\"source\": \"constant\", \"cM_per_Mb\": 1}, \"sites\": \"1\\tA\\tC\\n\"}]}}",
          "fewer lines than its n_sites" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        FILE *bf = fopen(path, "w");
        fputs(bad[i].text, bf);
        fclose(bf);
        vs_error_t e = { 0 };
        vs_model_t *b = vs_model_read(path, &e);
        CHECK(!b && e.status == VS_EXIT_DATA && strstr(e.msg, bad[i].want) && strstr(e.msg, "m.json"),
              "bad model %zu: an error value naming the file and '%s' (got '%s')", i + 1, bad[i].want, e.msg);
        vs_model_destroy(b);
    }
    {
        FILE *bf = fopen(xz, "wb");
        fwrite("\xFD" "7zXZ\0garbage", 1, 13, bf);
        fclose(bf);
        vs_error_t e = { 0 };
        CHECK(!vs_model_read(xz, &e) && strstr(e.msg, "damaged xz file"), "a damaged .xz model: an error value");
    }
    vs_model_destroy(m);
    vs_model_destroy(r);
    vs_model_destroy(rx);
    unlink(path);
    unlink(xz);
    rmdir(dir);

    /* r^2 on 4 haplotypes: site A = 1100, site B = 1000 -> D = 1/4 - 1/2*1/4 = 1/8,
     * r^2 = (1/8)^2 / (1/4 * 3/16) = 1/3 */
    vs_panel_t p = { .n_samples = 2, .n_hap = 4, .wps = 1, .n_sites = 2 };
    uint64_t bits[2] = { 0x3, 0x1 };
    p.bits = bits;
    char *labels[] = { "X", "X" };
    vs_hapset_t *h = vs_hapset_of_group(&p, labels, "X");
    CHECK_NEAR(vs_hap_r2(&p, 0, 1, h), 1.0 / 3, 1e-15, "haplotype r^2 of a hand-made pair");
    CHECK(vs_alt_count(&p, 0, h) == 2, "ALT count");
    vs_hapset_destroy(h);
    double x[] = { 1, 2, 3, 4 }, y[] = { 2, 4, 6, 8.5 };
    /* sxy = 10.75, sxx = 5, syy = 23.1875 */
    CHECK_NEAR(vs_pearson(x, y, 4), 10.75 / sqrt(5 * 23.1875), 1e-14, "Pearson r of a hand-made case");
    UNIT_DONE();
}
