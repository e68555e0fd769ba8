/* vs_vcf: the only module that knows htslib records: a header and a record
 * are opaque handles (vs_hdr_t, vs_rec_t) everywhere else, and only this
 * module includes htslib's VCF headers.
 * Reading: a phased, biallelic, diploid panel streamed site by site (or read
 * whole into a bit-packed vs_panel_t), with every record validated.
 * Writing: VCF/BCF output in the type -O or the -o suffix asks for, through
 * a temporary file (vs_out) renamed when the run succeeds, with provenance
 * header lines. */
#ifndef VS_VCF_H
#define VS_VCF_H

#include <stdint.h>
#include <stdio.h>
#include "vs_err.h"
#include "vs_panel.h"
#include "vs_bgzf.h"
#include "vs_out.h"



/* htslib's header and record (bcf_hdr_t, bcf1_t), opaque outside vs_vcf.c. */
typedef struct vs_hdr_t vs_hdr_t;
typedef struct vs_rec_t vs_rec_t;

typedef struct {
    const char *regions;     /* -r / -R (needs an index) */
    int regions_is_file;
    const char *regions_option;  /* the option to name in messages, when regions were derived from it; or NULL */
    const char *targets;     /* -t / -T (streaming filter) */
    int targets_is_file;
    int skip_multiallelic;   /* else a multi-allelic record is an error */
    int allow_unphased;      /* else an unphased genotype is an error */
    int keep_site_names;     /* panel reads keep "CHROM\tPOS\tREF\tALT" per site */
    int threads;             /* htslib decompression threads (when no pool) */
    vs_pool_t *pool;         /* decompress in this shared pool, or NULL */
} vs_read_opts_t;

typedef struct vs_reader_t vs_reader_t;

/* Public view of the current site; valid until the next vs_reader_next. */
typedef struct {
    const char *contig;
    int64_t pos;             /* 1-based */
    const char *ref, *alt;   /* alt is "." for a site with no ALT */
    double info_cm;          /* NaN when the record has no INFO/CM */
    const uint8_t *alleles;  /* one 0/1 per haplotype */
    uint64_t key;            /* hash of CHROM, POS, REF and ALT: the site's identity */
    vs_rec_t *rec;
} vs_site_t;

/* The regions (-r/-R) or targets (-t/-T) of a run, as bcftools means them:
 * a list "chr|chr:pos|chr:beg-end,..." or a file; a leading ^ (targets)
 * excludes them. */
typedef struct vs_where_t vs_where_t;
/* what names the option in messages ("the -R/--regions-file"); NULL with an
 * error when htslib cannot read them. */
vs_where_t *vs_where_new(const char *spec, int is_file, const char *what, vs_error_t *e);
/* The -r/-R and -t/-T of o, read as a run reads them, before any file is:
 * 0, or -1 with an error naming the option. */
int vs_regions_check(const vs_read_opts_t *o, vs_error_t *e);
/* 1 when the site lies in them (queries in ascending order along each contig). */
int vs_where_has(vs_where_t *w, const char *contig, int64_t pos);
/* Each region in turn: contig, 1-based first and last position; 0 at the end. */
int vs_where_next(vs_where_t *w, const char **contig, int64_t *beg, int64_t *end);
/* -1 with an error when a region names a contig the header lacks (what: "the -t/--targets"). */
int vs_where_check_contigs(const vs_where_t *w, const vs_hdr_t *hdr, const char *fname, const char *what,
                           vs_error_t *e);
void vs_where_destroy(vs_where_t *w);

/* NULL with an error naming the file, and why, when it cannot be read as a panel. */
vs_reader_t *vs_reader_open(const char *fname, const vs_read_opts_t *opts, vs_error_t *e);
/* The position of the last biallelic record (the last a panel reader reads)
 * of an indexed file at or before pos on contig, found through the index; 0
 * when there is none (or no index). */
int64_t vs_last_site_at_or_before(const char *fname, const char *contig, int64_t pos);
const vs_hdr_t *vs_reader_header(const vs_reader_t *r);
int vs_reader_n_samples(const vs_reader_t *r);
char **vs_reader_samples(const vs_reader_t *r);
/* 1 with *site filled, 0 at the end of the input, -1 with an error naming
 * the file, contig, position and sample. */
int vs_reader_next(vs_reader_t *r, vs_site_t *site, vs_error_t *e);
/* Contigs finished so far (all of them after the last vs_reader_next). */
int vs_reader_contigs(const vs_reader_t *r, const vs_contig_t **contigs);
int64_t vs_reader_n_sites(const vs_reader_t *r);
int64_t vs_reader_n_multiallelic(const vs_reader_t *r);
/* 1 while every genotype read so far was phased. */
int vs_reader_phased(const vs_reader_t *r);
void vs_reader_site_sha(const vs_reader_t *r, char hex[65]);   /* after the end */
void vs_reader_close(vs_reader_t *r);

/* Group= of each sample's ##SAMPLE=<ID,Group=...> line, NULL where none
 * (an array of vs_hdr_samples strings; free with vs_free_strings). */
char **vs_hdr_sample_groups(const vs_hdr_t *h);

/* Two files read in step, record by record, streamed (no index needed). */
typedef struct vs_pair_reader_t vs_pair_reader_t;
typedef struct {
    const char *contig;
    int64_t pos;              /* 1-based */
    vs_rec_t *rec[2];           /* NULL where that file has no record here */
    const int32_t *gt[2];     /* diploid GT, 2 values per sample, where rec is set */
} vs_pair_site_t;

vs_pair_reader_t *vs_pair_open(const char *a, const char *b, vs_error_t *e);
const vs_hdr_t *vs_pair_header(const vs_pair_reader_t *r, int k);
/* 1 with *s filled (records paired by CHROM, POS, REF and ALT), 0 at the
 * end, -1 with an error. */
int vs_pair_next(vs_pair_reader_t *r, vs_pair_site_t *s, vs_error_t *e);
void vs_pair_close(vs_pair_reader_t *r);

/* Writes the named samples of a VCF/BCF, every record, to a BCF file (for
 * the shadow attack's training sets); 0, or -1 with an error naming a
 * sample it lacks. */
int vs_vcf_subset(const char *in, const char *out, char *const *samples, int n, vs_error_t *e);

/* Reads a whole panel into memory; NULL with an error as vs_reader_next. */
vs_panel_t *vs_panel_read(const char *fname, const vs_read_opts_t *opts, vs_error_t *e);

/* A site that no file holds (a markov model's): rec, a record of hdr, gets
 * CHROM, POS, REF and ALT; site points at it, with no alleles.  hdr holds
 * the contigs (vs_hdr_contigs), rec comes from vs_rec_new. */
vs_hdr_t *vs_hdr_contigs(char *const *contigs, int n);
vs_rec_t *vs_rec_new(void);
void vs_rec_destroy(vs_rec_t *rec);
void vs_site_make(vs_site_t *site, const vs_hdr_t *hdr, vs_rec_t *rec, const char *contig, int64_t pos,
                  const char *ref, const char *alt);

/* ---- output ---- */

/* -O: b, u, z or v and an optional level 0-9 (NULL: not given); -1 with a usage error otherwise. */
int vs_output_type_check(const char *otype, vs_error_t *e);
/* hts_open mode for -O (checked; may be NULL) and the -o name, as bcftools chooses it. */
const char *vs_output_mode(const char *otype, const char *fname, char mode[8]);
/* 1 when that output is BGZF-compressed at a level above 0 (-Ob, -Oz, 1-9). */
int vs_output_compressed(const char *otype, const char *fname);

/* --write-index[=csi|tbi], as bcftools: the index format into *fmt (arg
 * NULL: CSI); -1 with a usage error when the output cannot be indexed
 * (standard output, not BGZF-compressed, TBI for BCF). */
int vs_write_index_parse(const char *arg, const char *otype, const char *fname, int *fmt, vs_error_t *e);

typedef struct vs_vcfw_t vs_vcfw_t;
/* BGZF-compressed output (-Ob, -Oz, levels 1-9) is compressed by vs_bgzfw:
 * in pool (may be NULL) and in the calling thread; other output by htslib.
 * NULL with an error when the file cannot be created.  A write error is
 * kept, later writes skipped, and reported by vs_vcfw_error and
 * vs_vcfw_close, as stdio keeps ferror. */
vs_vcfw_t *vs_vcfw_open(const char *fname, const char *otype, vs_pool_t *pool, vs_error_t *e);
/* 0, or -1 with the first write error copied to e (may be NULL). */
int vs_vcfw_error(const vs_vcfw_t *w, vs_error_t *e);
void vs_vcfw_header(vs_vcfw_t *w, vs_hdr_t *hdr);
void vs_vcfw_write(vs_vcfw_t *w, vs_hdr_t *hdr, vs_rec_t *rec);
/* One record of new samples: the site's CHROM, POS, ID, REF and ALT, INFO/AC
 * and AN counted from the alleles, and phased GT (n_hap = 2 x samples). */
void vs_vcfw_write_site(vs_vcfw_t *w, vs_hdr_t *hdr, const vs_site_t *site, const uint8_t *alleles, int n_hap);
/* --write-index: after the output is written, index it (CSI, or TBI for
 * bgzipped VCF) as PATH.csi / PATH.tbi, moved into place with it. */
void vs_vcfw_index(vs_vcfw_t *w, int fmt, int threads);
/* Finishes the file and its index, and frees w: 0, or -1 with an error (the
 * file then stays unfinished: never committed). */
int vs_vcfw_close(vs_vcfw_t *w, vs_error_t *e);
/* After an error: closes and frees w, neither finishing nor indexing its file
 * (vs_out_discard, or the tool's exit, removes it). */
void vs_vcfw_abandon(vs_vcfw_t *w);

/* Where an output sample's genotype comes from: file 0 or 1 of a pair, and
 * the sample's index in it. */
typedef struct { int file, sample; } vs_gt_source_t;
/* One record of mixed samples: the site of file 0 (or 1 when 0 has none),
 * GT copied value for value from each sample's source, INFO/AC, AN and AF
 * counted from the output genotypes. */
void vs_vcfw_write_mixed(vs_vcfw_t *w, vs_hdr_t *hdr, const vs_pair_site_t *s, const vs_gt_source_t *src,
                         int n_out);

/* How much provenance a header gets: none (--no-version), the version line,
 * or the version and ##<prog>Command lines. */
typedef enum { VS_PROV_NONE, VS_PROV_VERSION, VS_PROV_FULL } vs_prov_t;

/* A header for new samples: ##fileformat, the source's ##contig and
 * ##reference lines, and nothing else of the source. */
vs_hdr_t *vs_hdr_clean(const vs_hdr_t *src);
/* vs_hdr_clean, provenance and the samples; meta[i], when meta and meta[i]
 * are set, becomes ##SAMPLE=<ID=names[i],meta[i]>. */
vs_hdr_t *vs_hdr_with_samples(const vs_hdr_t *src, char *const *names, char *const *meta, int n, vs_prov_t prov);
/* The header of a synthetic cohort: a ##SAMPLE=<ID,Group,Origin=synthetic,
 * Model=sha256:...[,extra]> line per sample (extra, or extra[i], may be NULL). */
vs_hdr_t *vs_hdr_synthetic(const vs_hdr_t *src, char **names, const char **groups, const char **extra, int n,
                            const char *model_sha, vs_prov_t prov);
/* A copy of full without its ##SAMPLE lines, the same ids for every contig,
 * INFO, FORMAT and FILTER: records written with it belong under full, which
 * was written, at a fraction of the memory (a million samples' lines). */
vs_hdr_t *vs_hdr_lean(const vs_hdr_t *full);
/* Each sample's ##SAMPLE line less its ID (e.g. "Group=EUR,Origin=synthetic,
 * Model=sha256:..."), NULL where none; free with vs_free_strings. */
char **vs_hdr_sample_meta(const vs_hdr_t *h);
/* Declares ##contig=<ID=...> for each contig the header does not have yet
 * (a source VCF may lack ##contig lines). */
void vs_hdr_add_contigs(vs_hdr_t *hdr, char *const *contigs, int n);
void vs_hdr_provenance(vs_hdr_t *hdr, vs_prov_t prov);
/* Appends one ## line (a line htslib refuses is a bug: vs_fatal). */
void vs_hdr_add_line(vs_hdr_t *hdr, const char *line);
/* The header's sample names (borrowed), their number returned. */
int vs_hdr_samples(const vs_hdr_t *h, char ***names);
void vs_hdr_destroy(vs_hdr_t *h);
/* A record's REF, and its first ALT or "." when it has none. */
const char *vs_rec_ref(const vs_rec_t *rec);
const char *vs_rec_alt(const vs_rec_t *rec);

#endif
