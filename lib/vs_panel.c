#include "vs_panel.h"
#include "vs_hash.h"

#include <stdlib.h>

void vs_samples_sha(char *const *samples, int n, char hex[65])
{
    vs_sha256_t *h = vs_sha256_new();
    for (int i = 0; i < n; i++) {
        vs_sha256_addstr(h, samples[i]);
        vs_sha256_add(h, "\n", 1);
    }
    vs_sha256_end(h, hex);
}

void vs_panel_destroy(vs_panel_t *p)
{
    if (!p) return;
    for (int i = 0; i < p->n_samples; i++) {
        free(p->samples[i]);
        if (p->header_group) free(p->header_group[i]);
    }
    free(p->header_group);
    for (int i = 0; i < p->n_contigs; i++) free(p->contigs[i].name);
    free(p->samples);
    free(p->contigs);
    free(p->pos);
    free(p->info_cm);
    for (int64_t s = 0; p->site_name && s < p->n_sites; s++) free(p->site_name[s]);
    free(p->site_name);
    free(p->site_key);
    free(p->bits);
    free(p);
}
