/* vs_panel: a phased panel held in memory as bit-packed haplotype rows, one
 * row of n_hap bits per site (site-major).  Plain arrays: no htslib here, so
 * the model and the attacks are tested without files. */
#ifndef VS_PANEL_H
#define VS_PANEL_H

#include <stdint.h>

/* The most samples one BCF record holds (htslib vcf.h: 24 bits). */
#define VS_MAX_SAMPLES 16777215

typedef struct {
    char *name;
    int64_t first_site, n_sites;   /* sites [first_site, first_site + n_sites) */
    int64_t first_pos, last_pos;
    char site_sha[65];             /* SHA-256 of this contig's "CHROM\tPOS\tREF\tALT\n" lines */
} vs_contig_t;

typedef struct {
    int n_samples, n_hap;          /* haplotypes 2i and 2i+1 belong to sample i */
    char **samples;
    char **header_group;           /* per sample, Group= of its ##SAMPLE line, or NULL */
    int n_contigs;
    vs_contig_t *contigs;
    int64_t n_sites, m_sites;
    int64_t *pos;
    double *info_cm;               /* INFO/CM per site, NaN where absent */
    uint64_t *site_key;            /* hash of CHROM, POS, REF, ALT per site */
    char **site_name;              /* "CHROM\tPOS\tREF\tALT" per site, when asked for; else NULL */
    int phased;                    /* every genotype phased */
    int wps;                       /* 64-bit words per site row */
    uint64_t *bits;
    char sample_sha[65], site_sha[65];
    int64_t n_multiallelic_skipped;
} vs_panel_t;

static inline int vs_panel_allele(const vs_panel_t *p, int64_t site, int hap)
{
    return (p->bits[site * p->wps + (hap >> 6)] >> (hap & 63)) & 1;
}

static inline const uint64_t *vs_panel_row(const vs_panel_t *p, int64_t site)
{
    return p->bits + site * p->wps;
}

/* SHA-256 of the sample names, one per line: the panel's sample identity. */
void vs_samples_sha(char *const *samples, int n, char hex[65]);
void vs_panel_destroy(vs_panel_t *p);

#endif
