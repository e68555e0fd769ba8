/* vs_model: the fitted model (DESIGN.md section 4) and its JSON file format,
 * documented in vcfsynth-model(5).  Files may be xz-compressed; that is
 * detected by magic number when reading and chosen by a ".xz" suffix when
 * writing. */
#ifndef VS_MODEL_H
#define VS_MODEL_H

#include <stdint.h>
#include "vs_gmap.h"
#include "vs_markov.h"

#define VS_MODEL_FORMAT 1
#define VS_MODEL_KIND "li-stephens"
#define VS_MODEL_KIND_MARKOV "markov"   /* shareable: needs no panel (vs_markov.h) */
#define VS_PROFILE_MAX 8
#define VS_SPECTRUM_MAX 256

typedef struct {
    char *name;
    int n_members;
    int *members;             /* panel sample indices */
    int K;                    /* haplotypes = 2 * n_members */
    double ne, ne_lo, ne_hi;  /* estimate and sandwich 95% interval (vs_ls_fit) */
    double eps;
    double loglik;            /* PAC log-likelihood at (ne, eps) */
    int iterations;
    int fit_haplotypes;       /* held-out haplotypes used by the fit */
    int n_spectrum;           /* spectrum[r-1]: sites whose minor allele has r copies in the group, */
    int64_t *spectrum;        /* r = 1..n_spectrum (0 when the model predates it) */
    int n_profile;            /* log-likelihood at multiples of ne */
    double profile_ne[VS_PROFILE_MAX], profile_loglik[VS_PROFILE_MAX];
    /* source representation report (section 4.1) */
    double share, mean_het;
    int64_t private_alleles;
    int small;                /* too few haplotypes for a reliable fit */
    vs_mchain_t **chain;      /* markov: per contig (the model holds no members then) */
} vs_group_model_t;

typedef struct {
    char *name;
    int64_t n_sites, first_pos, last_pos;
    char site_sha[65];
    char *map_source;         /* a file name, "INFO/CM" or "constant" */
    vs_cmap_t *map;           /* restricted to [first_pos, last_pos] */
    int64_t *site_pos;        /* markov: the sites, in order */
    char **site_ref, **site_alt;
} vs_model_contig_t;

typedef struct {
    int markov;               /* the shareable kind (VS_MODEL_KIND_MARKOV) */
    int context_sites;        /* markov: the longest context, sites */
    double context_cm;        /* markov: ... and centimorgans; 0: no limit */
    int min_carriers;         /* markov: K its counts were pruned to; 0: unpruned (for a trusted hub) */
    double dp_epsilon;        /* markov: the noise on its counts (vcf-fit --dp-epsilon); 0: none */
    int n_samples;
    char sample_sha[65];
    int64_t n_sites;
    char site_sha[65];
    int skip_multiallelic;
    int n_contigs;
    vs_model_contig_t *contigs;
    int n_groups;
    vs_group_model_t *groups;
    uint64_t seed;
    int fit_eps;
    char *created_by;         /* "vcf-fit <version>+htslib-<version>", or NULL */
    char *command;
    char sha[65];             /* SHA-256 of the JSON text, set when read or written */
} vs_model_t;

vs_model_t *vs_model_new(void);
/* Writes JSON (xz-compressed when path ends in .xz) through a temporary file. */
/* Writes the model (xz-compressed when path ends in .xz) as vs_text_open
 * writes: 0, or -1 with an error. */
int vs_model_write(vs_model_t *m, const char *path, vs_error_t *e);
/* NULL with an error naming the file and the fault when it cannot be read or
 * is not a model this vcfsynth reads. */
vs_model_t *vs_model_read(const char *path, vs_error_t *e);
int vs_model_find_contig(const vs_model_t *m, const char *name);
/* A markov model's reach (vs_markov_reach) on one contig, from its map and
 * context limits: what its fit, its merges and its reading all use. */
int32_t *vs_model_markov_reach(const vs_model_t *m, int contig);
void vs_model_destroy(vs_model_t *m);

#endif
