/* Inside this module the public handles are htslib's own header and record. */
#include <htslib/vcf.h>
#define vs_hdr_t bcf_hdr_t
#define vs_rec_t bcf1_t
#include "vs_vcf.h"
#include "vs_bgzf.h"
#include "vs_err.h"
#include "vs_hash.h"
#include "vs_out.h"
#include "vs_rng.h"

#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <htslib/khash.h>
#include <htslib/hfile.h>
#include <htslib/synced_bcf_reader.h>

KHASH_MAP_INIT_STR(str2int, int)


/* Contigs met so far, by header id; the table grows, since htslib adds
 * contigs missing from the header as it meets them. */
typedef struct {
    uint8_t *seen;
    int n;
} contig_set_t;

struct vs_reader_t {
    char *fname;
    bcf_srs_t *sr;
    bcf_hdr_t *hdr;
    int n_samples, n_hap;
    uint8_t *alleles;
    int32_t *gt;
    int mgt;
    float *cm;
    int mcm;
    int last_rid;
    int64_t last_pos;
    int dup_rid;              /* where at_pos was collected */
    int64_t dup_pos;
    contig_set_t contigs_met;
    kstring_t line;          /* the site's CHROM POS REF ALT line, for hashing */
    kstring_t at_pos;        /* "REF ALT\n" of every record read at last_pos */
    vs_sha256_t *sha_all, *sha_contig;
    vs_contig_t *contigs;
    int n_contigs, m_contigs;
    int64_t n_sites, n_multi;
    int skip_multiallelic, allow_unphased, all_phased;
    int shared_pool;          /* sr->p is the caller's: bcf_sr_destroy must not free it */
    char site_sha[65];
};

/* ---------- opening ---------- */

/* A sample named twice on the #CHROM line of a text VCF, which htslib
 * reports only as "could not parse header". */
static int refuse_duplicate_samples(const char *fname, vs_error_t *e)
{
    gzFile fp = gzopen(fname, "r");
    if (!fp) return 0;
    kstring_t line = { 0, 0, NULL };
    char buf[65536];
    int found = 0;
    while (!found && gzgets(fp, buf, sizeof buf)) {
        if (line.l == 0 && buf[0] != '#') break;              /* past the header */
        kputs(buf, &line);
        if (line.l && line.s[line.l - 1] != '\n' && !gzeof(fp)) continue;   /* a long line goes on */
        found = !strncmp(line.s, "#CHROM", 6);
        if (!found) line.l = 0;
    }
    gzclose(fp);
    if (!found) { free(line.s); return 0; }
    line.s[strcspn(line.s, "\r\n")] = 0;
    khash_t(str2int) *seen = kh_init(str2int);
    char *save = NULL;
    int col = 0, failed = 0;
    for (char *t = strtok_r(line.s, "\t", &save); t && !failed; t = strtok_r(NULL, "\t", &save), col++) {
        if (col < 9) continue;
        int ret;
        khiter_t k = kh_put(str2int, seen, t, &ret);
        if (!ret) {
            vs_loc_t loc = { fname, NULL, -1, t };
            failed = vs_fail_at(e, &loc, "sample names must be unique: rename one with 'bcftools reheader -s'",
                                "the #CHROM line names a sample twice (columns %d and %d)", kh_val(seen, k) + 1,
                                col + 1);
        }
        kh_val(seen, k) = col;
    }
    kh_destroy(str2int, seen);
    free(line.s);
    return failed;
}

/* htslib only says "unknown file type"; look at the text to say why.  -1. */
static int explain_open_failure(const char *fname, int errnum, vs_error_t *e)
{
    vs_loc_t loc = { fname, NULL, -1, NULL };
    struct stat st;
    if (strcmp(fname, "-") && stat(fname, &st) != 0)
        return vs_fail_at(e, &loc, NULL, "cannot open input: %s", strerror(errno));
    if (strcmp(fname, "-") != 0) {
        gzFile fp = gzopen(fname, "r");
        char buf[16] = "";
        int n = fp ? gzread(fp, buf, sizeof buf - 1) : -1;
        if (fp) gzclose(fp);
        if (n == 0)
            return vs_fail_at(e, &loc, "check that the upstream step wrote its output", "the input is empty");
        if (n > 0 && strncmp(buf, "#CHROM", 6) == 0)
            return vs_fail_at(e, &loc, "add a '##fileformat=VCFv4.2' line first, e.g. "
                                       "(echo '##fileformat=VCFv4.2'; zcat FILE) | bgzip > fixed.vcf.gz",
                              "the VCF has no ## meta-information lines (it starts at #CHROM)");
        if (n > 0 && buf[0] == '#' && refuse_duplicate_samples(fname, e) < 0) return -1;
    }
    return vs_fail_at(e, &loc, "the input must be VCF, bgzipped VCF or BCF", "cannot read input: %s",
                      bcf_sr_strerror(errnum));
}

/* htslib reads plain, gzip and BGZF files; on some others (xz) it aborts.
 * Look at the first bytes before it does. */
static int refuse_unsupported_compression(const char *fname, vs_error_t *e)
{
    static const struct { const char *name, *magic; size_t len; } kinds[] = {
        { "xz", "\xFD" "7zXZ\0", 6 }, { "bzip2", "BZh", 3 }, { "zstd", "\x28\xB5\x2F\xFD", 4 },
    };
    struct stat st;
    if (!strcmp(fname, "-") || stat(fname, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
    FILE *fp = fopen(fname, "rb");
    unsigned char buf[8] = { 0 };
    size_t n = fp ? fread(buf, 1, sizeof buf, fp) : 0;
    if (fp) fclose(fp);
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
        if (n >= kinds[k].len && !memcmp(buf, kinds[k].magic, kinds[k].len)) {
            char hint[256];
            snprintf(hint, sizeof hint, "recompress it with bgzip, e.g. %s -dc FILE | bgzip > FILE.vcf.gz",
                     kinds[k].name);
            vs_loc_t loc = { fname, NULL, -1, NULL };
            return vs_fail_at(e, &loc, hint, "the input is %s-compressed, which htslib cannot read", kinds[k].name);
        }
    return 0;
}

/* htslib could not read regions or targets (what: "-R/--regions-file"): say why.  -1. */
static int bad_regions(const char *what, const char *spec, int is_file, vs_error_t *e)
{
    if (!is_file)
        return vs_fail_at(e, NULL, "write regions as CHR, CHR:BEG or CHR:BEG-END, comma-separated",
                          "cannot parse %s '%s'", what, spec);
    vs_loc_t loc = { spec, NULL, -1, NULL };
    struct stat st;
    if (stat(spec, &st) != 0) return vs_fail_at(e, &loc, NULL, "cannot open %s: %s", what, strerror(errno));
    if (S_ISDIR(st.st_mode)) return vs_fail_at(e, &loc, "give a BED or CHR POS file", "%s is a directory", what);
    return vs_fail_at(e, &loc, "give BED lines (CHR BEG END, 0-based) or CHR POS[-END] lines; '#' lines are skipped",
                      "%s holds no region htslib can read (empty, or not tab-separated columns)", what);
}

/* A region on a contig the panel does not have would select nothing, and a
 * scatter job would lose that contig without a word (chr1 against 1). */
static int check_region_contigs(const bcf_hdr_t *hdr, const bcf_sr_regions_t *reg, const char *fname, const char *what,
                                vs_error_t *e)
{
    if (!reg || hdr->n[BCF_DT_CTG] == 0) return 0;   /* no ##contig lines: nothing to check against */
    for (int i = 0; i < reg->nseqs; i++) {
        const char *c = reg->seq_names[i];
        if (bcf_hdr_name2id(hdr, c) >= 0) continue;
        char alt[256] = "";
        if (!strncmp(c, "chr", 3)) snprintf(alt, sizeof alt, "%s", c + 3);
        else snprintf(alt, sizeof alt, "chr%s", c);
        char hint[512];
        if (bcf_hdr_name2id(hdr, alt) >= 0) snprintf(hint, sizeof hint, "the panel calls it %s", alt);
        else snprintf(hint, sizeof hint, "list the panel's contigs with: bcftools index -s %s", fname);
        vs_loc_t loc = { fname, NULL, -1, NULL };
        return vs_fail_at(e, &loc, hint, "%s name contig %s, which the panel does not have", what, c);
    }
    return 0;
}

/* The records of contig:lo-hi (by POS): the last biallelic one's position
 * (a panel reader skips or refuses the others), 0 for none. */
static int64_t last_pos_in(const char *fname, const char *contig, int64_t lo, int64_t hi)
{
    char region[512];
    snprintf(region, sizeof region, "%s:%lld-%lld", contig, (long long)lo, (long long)hi);
    bcf_srs_t *sr = bcf_sr_init();
    bcf_sr_set_opt(sr, BCF_SR_REQUIRE_IDX);
    bcf_sr_set_opt(sr, BCF_SR_REGIONS_OVERLAP, 0);
    int64_t last = 0;
    if (bcf_sr_set_regions(sr, region, 0) == 0 && bcf_sr_add_reader(sr, fname))
        while (bcf_sr_next_line(sr)) {
            const bcf1_t *rec = bcf_sr_get_line(sr, 0);
            if (rec->n_allele <= 2) last = rec->pos + 1;   /* a multi-allelic record is never a site read */
        }
    bcf_sr_destroy(sr);
    return last;
}

int64_t vs_last_site_at_or_before(const char *fname, const char *contig, int64_t pos)
{
    /* windows widening eightfold back from pos: few records are read */
    for (int64_t width = 100000;; width *= 8) {
        int64_t lo = pos - width > 1 ? pos - width : 1;
        int64_t last = last_pos_in(fname, contig, lo, pos);
        if (last || lo == 1) return last;
    }
}

static const char *regions_option(const vs_read_opts_t *o)
{
    return o->regions_option ? o->regions_option : o->regions_is_file ? "the -R/--regions-file" : "the -r/--regions";
}

/* The readers' regions and targets: 0, or -1 with an error. */
static int set_regions(vs_reader_t *r, const vs_read_opts_t *o, vs_error_t *e)
{
    if (o->regions) {
        bcf_sr_set_opt(r->sr, BCF_SR_REQUIRE_IDX);
        /* a record belongs to the region holding its POS, so chunks partition records */
        bcf_sr_set_opt(r->sr, BCF_SR_REGIONS_OVERLAP, 0);
        if (bcf_sr_set_regions(r->sr, o->regions, o->regions_is_file) < 0)
            return bad_regions(regions_option(o), o->regions,
                               o->regions_is_file, e);
    }
    if (o->targets && bcf_sr_set_targets(r->sr, o->targets, o->targets_is_file, 0) < 0)
        return bad_regions(o->targets_is_file ? "the -T/--targets-file" : "the -t/--targets", o->targets,
                           o->targets_is_file, e);
    return 0;
}

/* The file, its header and what vcfsynth needs of it: 0, or -1 with an error. */
static int open_panel(vs_reader_t *r, const char *fname, const vs_read_opts_t *o, vs_error_t *e)
{
    vs_loc_t loc = { fname, NULL, -1, NULL };
    if (o->pool) r->sr->p = vs_pool_hts(o->pool);   /* bcf_sr_add_reader hands it to the file */
    else if (o->threads > 1) bcf_sr_set_threads(r->sr, o->threads);
    r->shared_pool = o->pool != NULL;
    if (!bcf_sr_add_reader(r->sr, fname)) {
        if (r->sr->errnum == idx_load_failed)
            return vs_fail_at(e, &loc, "index it with 'bcftools index' (or use -t, which streams)",
                              "-r/--regions needs an index, and none could be loaded");
        if (o->regions && r->sr->errnum == not_bgzf)
            return vs_fail_at(e, &loc, "give a bgzipped, indexed file (or use -t, which streams)",
                              "-r/--regions needs an index, and an uncompressed file or a pipe has none");
        return explain_open_failure(fname, r->sr->errnum, e);
    }
    r->hdr = bcf_sr_get_header(r->sr, 0);
    if (check_region_contigs(r->hdr, r->sr->regions, fname,
                             regions_option(o), e) < 0 ||
        check_region_contigs(r->hdr, r->sr->targets, fname,
                             o->targets_is_file ? "the -T/--targets-file" : "the -t/--targets", e) < 0)
        return -1;
    r->n_samples = bcf_hdr_nsamples(r->hdr);
    if (r->n_samples == 0)
        return vs_fail_at(e, &loc, "vcfsynth needs the genotypes of a phased panel", "the input has no samples");
    int gt_id = bcf_hdr_id2int(r->hdr, BCF_DT_ID, "GT");
    if (gt_id < 0 || !bcf_hdr_idinfo_exists(r->hdr, BCF_HL_FMT, gt_id))
        return vs_fail_at(e, &loc, "vcfsynth needs FORMAT/GT", "the header defines no FORMAT/GT field");
    return 0;
}

vs_reader_t *vs_reader_open(const char *fname, const vs_read_opts_t *o, vs_error_t *e)
{
    if (refuse_unsupported_compression(fname, e) < 0) return NULL;
    vs_reader_t *r = vs_calloc(1, sizeof *r);
    r->fname = vs_strdup(fname);
    r->skip_multiallelic = o->skip_multiallelic;
    r->allow_unphased = o->allow_unphased;
    r->all_phased = 1;
    r->sr = bcf_sr_init();
    if (set_regions(r, o, e) < 0 || open_panel(r, fname, o, e) < 0) {
        vs_reader_close(r);
        return NULL;
    }
    r->n_hap = 2 * r->n_samples;
    r->alleles = vs_malloc(r->n_hap);
    r->last_rid = -1;
    r->dup_rid = -1;
    r->sha_all = vs_sha256_new();
    return r;
}

const bcf_hdr_t *vs_reader_header(const vs_reader_t *r) { return r->hdr; }
int vs_reader_n_samples(const vs_reader_t *r) { return r->n_samples; }
char **vs_reader_samples(const vs_reader_t *r) { return r->hdr->samples; }
int64_t vs_reader_n_sites(const vs_reader_t *r) { return r->n_sites; }
int64_t vs_reader_n_multiallelic(const vs_reader_t *r) { return r->n_multi; }
int vs_reader_phased(const vs_reader_t *r) { return r->all_phased; }
void vs_reader_site_sha(const vs_reader_t *r, char hex[65]) { memcpy(hex, r->site_sha, 65); }

int vs_reader_contigs(const vs_reader_t *r, const vs_contig_t **contigs)
{
    *contigs = r->contigs;
    return r->n_contigs;
}

/* ---------- contig bookkeeping ---------- */

static void end_contig(vs_reader_t *r)
{
    if (!r->sha_contig) return;
    vs_contig_t *c = &r->contigs[r->n_contigs - 1];
    vs_sha256_end(r->sha_contig, c->site_sha);
    r->sha_contig = NULL;
    if (c->n_sites == 0) {      /* every record was skipped */
        free(c->name);
        r->n_contigs--;
    }
}

static void begin_contig(vs_reader_t *r, const char *name, int64_t pos)
{
    end_contig(r);
    if (r->n_contigs == r->m_contigs) {
        r->m_contigs = r->m_contigs ? 2 * r->m_contigs : 8;
        r->contigs = vs_realloc(r->contigs, r->m_contigs * sizeof *r->contigs);
    }
    vs_contig_t *c = &r->contigs[r->n_contigs++];
    memset(c, 0, sizeof *c);
    c->name = vs_strdup(name);
    c->first_site = r->n_sites;
    c->first_pos = pos;
    r->sha_contig = vs_sha256_new();
}

/* 1 when rid was met before; marks it met. */
static int contig_seen_again(contig_set_t *c, int rid)
{
    if (rid >= c->n) {
        int n = rid + 16;
        c->seen = vs_realloc(c->seen, n);
        memset(c->seen + c->n, 0, n - c->n);
        c->n = n;
    }
    int again = c->seen[rid];
    c->seen[rid] = 1;
    return again;
}

static int check_order(vs_reader_t *r, bcf1_t *rec, vs_error_t *e)
{
    const char *contig = bcf_hdr_id2name(r->hdr, rec->rid);
    int64_t pos = rec->pos + 1;
    vs_loc_t loc = { r->fname, contig, pos, NULL };
    if (rec->rid == r->last_rid) {
        if (rec->pos < r->last_pos)
            return vs_fail_at(e, &loc, "sort it with 'bcftools sort'",
                              "records are not sorted: position %lld comes after %lld",
                              (long long)pos, (long long)r->last_pos + 1);
    } else {
        if (contig_seen_again(&r->contigs_met, rec->rid))
            return vs_fail_at(e, &loc, "sort it with 'bcftools sort'",
                              "records are not sorted: contig %s appears again after %s", contig,
                              bcf_hdr_id2name(r->hdr, r->last_rid));
        r->last_rid = rec->rid;
        begin_contig(r, contig, pos);
    }
    r->last_pos = rec->pos;
    return 0;
}

/* ---------- one record ---------- */

static int decode_genotypes(vs_reader_t *r, bcf1_t *rec, const vs_loc_t *at, vs_error_t *e)
{
    int ngt = bcf_get_genotypes(r->hdr, rec, &r->gt, &r->mgt);
    vs_loc_t loc = *at;
    if (ngt <= 0) return vs_fail_at(e, &loc, "every record needs FORMAT/GT", "the record has no genotypes");
    if (ngt != r->n_hap) {
        loc.sample = r->hdr->samples[0];
        return vs_fail_at(e, &loc, "vcfsynth models diploid autosomes; drop other contigs with "
                                   "'bcftools view -t ^X,Y,MT'", "genotypes of ploidy %d (expected 2)",
                          ngt / r->n_samples);
    }
    for (int i = 0; i < r->n_samples; i++) {
        int32_t a = r->gt[2 * i], b = r->gt[2 * i + 1];
        loc.sample = r->hdr->samples[i];
        if (b == bcf_int32_vector_end && bcf_gt_is_missing(a))    /* a lone "." */
            return vs_fail_at(e, &loc, "impute missing genotypes (for example with beagle) before using the panel",
                              "missing genotype ('.')");
        if (b == bcf_int32_vector_end)
            return vs_fail_at(e, &loc, "vcfsynth models diploid autosomes; drop haploid contigs (chrX in males, "
                                       "chrY, MT) with 'bcftools view -t ^X,Y,MT'", "haploid genotype");
        if (bcf_gt_is_missing(a) || bcf_gt_is_missing(b))
            return vs_fail_at(e, &loc, "impute missing genotypes (for example with beagle) before using the panel",
                              "missing genotype");
        if (!bcf_gt_is_phased(b)) {
            if (!r->allow_unphased)
                return vs_fail_at(e, &loc, "phase the panel first, with shapeit4 or beagle", "unphased genotype");
            r->all_phased = 0;
        }
        int ia = bcf_gt_allele(a), ib = bcf_gt_allele(b);
        if (ia >= rec->n_allele || ib >= rec->n_allele)
            return vs_fail_at(e, &loc, "check the file with 'bcftools view'", "allele index larger than the ALT list");
        r->alleles[2 * i] = (uint8_t)ia;
        r->alleles[2 * i + 1] = (uint8_t)ib;
    }
    return 0;
}

static double info_cm(vs_reader_t *r, bcf1_t *rec)
{
    if (bcf_get_info_float(r->hdr, rec, "CM", &r->cm, &r->mcm) <= 0) return NAN;
    return bcf_float_is_missing(r->cm[0]) ? NAN : r->cm[0];
}

static void hash_site(vs_reader_t *r, const char *contig, bcf1_t *rec)
{
    r->line.l = 0;
    ksprintf(&r->line, "%s\t%lld\t%s\t%s\n", contig, (long long)rec->pos + 1, rec->d.allele[0],
             rec->n_allele > 1 ? rec->d.allele[1] : ".");
    vs_sha256_add(r->sha_all, r->line.s, r->line.l);
    vs_sha256_add(r->sha_contig, r->line.s, r->line.l);
}

struct vs_where_t {
    bcf_sr_regions_t *reg;
    int exclude;
    int seq, started;           /* vs_where_next's place */
};

vs_where_t *vs_where_new(const char *spec, int is_file, const char *what, vs_error_t *e)
{
    int exclude = *spec == '^';
    bcf_sr_regions_t *reg = bcf_sr_regions_init(spec + exclude, is_file, 0, 1, -2);
    if (!reg) return bad_regions(what, spec + exclude, is_file, e), NULL;
    vs_where_t *w = vs_calloc(1, sizeof *w);
    w->exclude = exclude;
    w->reg = reg;
    return w;
}

/* A position as htslib's region parser reads one (digits, with a k/M/G
 * suffix: 10k, 1.5M), from 1 to 10^12; its end in *end. */
static int parse_position(const char *s, int64_t *v, const char **end)
{
    size_t digits = strspn(s, "0123456789");
    char *e = (char *)s;
    long long x = digits ? hts_parse_decimal(s, &e, 0) : 0;
    *end = e;
    *v = x;
    int suffix = e > s && strchr("kKmMgG", e[-1]) != NULL;
    return digits && digits <= (suffix ? 9u : 13u) && x >= 1 && x <= 1000000000000LL ? 0 : -1;   /* no overflow */
}

/* One item of a -r/-t list, CHR[:BEG[-[END]]] (1-based, inclusive): no
 * empty item, BEG at least 1, END not before BEG.  htslib crashes on some
 * of these (an empty list, '1:-5') and silently selects nothing on others
 * (an END before its BEG).  A colon not followed by a position belongs to
 * the contig's name, which htslib then checks. */
static int check_region_item(const char *item, size_t len, const char *what, const char *spec, vs_error_t *e)
{
    static const char hint[] = "write regions as CHR, CHR:BEG or CHR:BEG-END (1-based, BEG <= END), comma-separated";
    if (len == 0)
        return vs_fail_at(e, NULL, hint, "%s '%s' has an empty region (%s)", what, spec,
                          *spec ? "two commas, or a comma at an end" : "an empty string");
    const char *colon = NULL;
    for (const char *c = item; c < item + len; c++)
        if (*c == ':') colon = c;
    if (!colon || colon + 1 == item + len) return 0;
    const char *p = colon + 1, *q;
    int64_t beg, end;
    if (*p != '-' && *p != '+' && (*p < '0' || *p > '9')) return 0;
    if (*p == '-' || *p == '+' || parse_position(p, &beg, &q) < 0 || beg < 1)
        return vs_fail_at(e, NULL, hint, "%s '%.*s': the start is not a position from 1 to 10^12", what, (int)len,
                          item);
    if (q == item + len || (*q == '-' && q + 1 == item + len)) return 0;
    if (*q != '-' || parse_position(q + 1, &end, &q) < 0 || q != item + len)
        return vs_fail_at(e, NULL, hint, "cannot parse %s '%.*s'", what, (int)len, item);
    if (end < beg) return vs_fail_at(e, NULL, hint, "%s '%.*s' ends before it begins", what, (int)len, item);
    return 0;
}

static int check_region_list(const char *spec, const char *what, vs_error_t *e)
{
    const char *s = spec + (*spec == '^');
    for (;;) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        if (check_region_item(s, len, what, spec, e) < 0) return -1;
        if (!comma) return 0;
        s = comma + 1;
    }
}

int vs_regions_check(const vs_read_opts_t *o, vs_error_t *e)
{
    if ((o->regions && !o->regions_is_file && check_region_list(o->regions, "the -r/--regions", e) < 0) ||
        (o->targets && !o->targets_is_file && check_region_list(o->targets, "the -t/--targets", e) < 0))
        return -1;
    vs_where_t *w = NULL;
    if (o->regions && !(w = vs_where_new(o->regions, o->regions_is_file,
                                         regions_option(o), e)))
        return -1;
    vs_where_destroy(w);
    w = NULL;
    if (o->targets && !(w = vs_where_new(o->targets, o->targets_is_file,
                                         o->targets_is_file ? "the -T/--targets-file" : "the -t/--targets", e)))
        return -1;
    vs_where_destroy(w);
    return 0;
}

int vs_where_has(vs_where_t *w, const char *contig, int64_t pos)
{
    int in = bcf_sr_regions_overlap(w->reg, contig, pos - 1, pos - 1) == 0;
    return in != w->exclude;
}

int vs_where_next(vs_where_t *w, const char **contig, int64_t *beg, int64_t *end)
{
    while (w->seq < w->reg->nseqs) {
        if (!w->started) {
            bcf_sr_regions_seek(w->reg, w->reg->seq_names[w->seq]);
            w->started = 1;
        }
        if (bcf_sr_regions_next(w->reg) == 0) {
            *contig = w->reg->seq_names[w->seq];
            *beg = w->reg->start + 1;
            *end = w->reg->end + 1;
            return 1;
        }
        w->seq++;
        w->started = 0;
    }
    return 0;
}

int vs_where_check_contigs(const vs_where_t *w, const bcf_hdr_t *hdr, const char *fname, const char *what,
                           vs_error_t *e)
{
    return check_region_contigs(hdr, w->reg, fname, what, e);
}

void vs_where_destroy(vs_where_t *w)
{
    if (!w) return;
    bcf_sr_regions_destroy(w->reg);
    free(w);
}

/* The same REF and ALT twice at one position is one site written twice
 * (split multi-allelic records differ in ALT, and stay). */
static int check_duplicate(vs_reader_t *r, bcf1_t *rec, const vs_loc_t *loc, vs_error_t *e)
{
    if (rec->rid != r->dup_rid || rec->pos != r->dup_pos) {
        r->at_pos.l = 0;
        r->dup_rid = rec->rid;
        r->dup_pos = rec->pos;
    }
    size_t start = r->at_pos.l;
    kputs(rec->d.allele[0], &r->at_pos);
    for (int i = 1; i < rec->n_allele; i++) {
        kputc(i == 1 ? ' ' : ',', &r->at_pos);
        kputs(rec->d.allele[i], &r->at_pos);
    }
    kputc('\n', &r->at_pos);
    const char *mine = r->at_pos.s + start;
    size_t len = r->at_pos.l - start;
    for (const char *p = r->at_pos.s; p < mine; p = strchr(p, '\n') + 1)
        if ((size_t)(strchr(p, '\n') + 1 - p) == len && !memcmp(p, mine, len))
            return vs_fail_at(e, loc, "remove the repeat with 'bcftools norm -d exact'",
                              "a record with the same REF and ALT (%.*s) appears twice at this position",
                              (int)len - 1, mine);
    return 0;
}

int vs_reader_next(vs_reader_t *r, vs_site_t *site, vs_error_t *e)
{
    while (!r->sr->errnum && bcf_sr_next_line(r->sr)) {   /* errnum: htslib read ahead and failed */
        bcf1_t *rec = bcf_sr_get_line(r->sr, 0);
        bcf_unpack(rec, BCF_UN_STR);
        const char *contig = bcf_hdr_id2name(r->hdr, rec->rid);
        vs_loc_t loc = { r->fname, contig, rec->pos + 1, NULL };
        if (check_order(r, rec, e) < 0 || check_duplicate(r, rec, &loc, e) < 0) return -1;
        if (rec->n_allele > 2) {
            if (!r->skip_multiallelic)
                return vs_fail_at(e, &loc, "split it with 'bcftools norm -m-', or drop such records with "
                                           "--multiallelic skip", "multi-allelic record (%d alleles)", rec->n_allele);
            r->n_multi++;
            continue;
        }
        if (decode_genotypes(r, rec, &loc, e) < 0) return -1;
        hash_site(r, contig, rec);
        vs_contig_t *c = &r->contigs[r->n_contigs - 1];
        c->n_sites++;
        c->last_pos = rec->pos + 1;
        r->n_sites++;
        site->contig = contig;
        site->pos = rec->pos + 1;
        site->ref = rec->d.allele[0];
        site->alt = rec->n_allele > 1 ? rec->d.allele[1] : ".";
        site->info_cm = info_cm(r, rec);
        site->alleles = r->alleles;
        site->key = vs_hash_str(0x5a17e5, r->line.s, r->line.l);
        site->rec = rec;
        return 1;
    }
    if (r->sr->errnum) {
        vs_loc_t loc = { r->fname, r->last_rid >= 0 ? bcf_hdr_id2name(r->hdr, r->last_rid) : NULL,
                         r->last_pos + 1, NULL };
        int truncated = r->sr->errnum == no_eof;
        return vs_fail_at(e, &loc,
                          truncated ? "the file ends early or is damaged: copy it again ('bgzip -t FILE' tests it)"
                                    : "htslib's message above names the record; check the file with 'bcftools view'",
                          "cannot read %s: %s", r->last_rid >= 0 ? "the record after this position" : "the first record",
                          bcf_sr_strerror(r->sr->errnum));
    }
    end_contig(r);
    if (r->sha_all) {
        vs_sha256_end(r->sha_all, r->site_sha);
        r->sha_all = NULL;
    }
    return 0;
}

void vs_reader_close(vs_reader_t *r)
{
    if (!r) return;
    if (r->sha_contig) vs_sha256_end(r->sha_contig, r->site_sha);
    if (r->sha_all) vs_sha256_end(r->sha_all, r->site_sha);
    for (int i = 0; i < r->n_contigs; i++) free(r->contigs[i].name);
    free(r->contigs);
    if (r->shared_pool) r->sr->p = NULL;
    bcf_sr_destroy(r->sr);
    free(r->fname);
    free(r->alleles);
    free(r->gt);
    free(r->cm);
    free(r->contigs_met.seen);
    free(r->line.s);
    free(r->at_pos.s);
    free(r);
}

/* ---------- the whole panel in memory ---------- */

static void panel_add_site(vs_panel_t *p, const vs_site_t *s, int keep_name)
{
    if (p->n_sites == p->m_sites) {
        p->m_sites = p->m_sites ? 2 * p->m_sites : 1024;
        if (keep_name) p->site_name = vs_realloc(p->site_name, p->m_sites * sizeof *p->site_name);
        p->pos = vs_realloc(p->pos, p->m_sites * sizeof *p->pos);
        p->info_cm = vs_realloc(p->info_cm, p->m_sites * sizeof *p->info_cm);
        p->site_key = vs_realloc(p->site_key, p->m_sites * sizeof *p->site_key);
        p->bits = vs_realloc(p->bits, p->m_sites * p->wps * sizeof *p->bits);
    }
    uint64_t *row = p->bits + p->n_sites * p->wps;
    memset(row, 0, p->wps * sizeof *row);
    for (int h = 0; h < p->n_hap; h++)
        row[h >> 6] |= (uint64_t)(s->alleles[h] & 1) << (h & 63);
    p->pos[p->n_sites] = s->pos;
    p->site_key[p->n_sites] = s->key;
    if (keep_name) {
        kstring_t name = { 0, 0, NULL };
        ksprintf(&name, "%s\t%lld\t%s\t%s", s->contig, (long long)s->pos, s->ref, s->alt);
        p->site_name[p->n_sites] = name.s;
    }
    p->info_cm[p->n_sites++] = s->info_cm;
}

char **vs_hdr_sample_groups(const bcf_hdr_t *h)
{
    int n = bcf_hdr_nsamples(h);
    char **group = vs_calloc(n, sizeof *group);
    for (int i = 0; i < h->nhrec; i++) {
        bcf_hrec_t *hr = h->hrec[i];
        if (hr->type != BCF_HL_STR || strcmp(hr->key, "SAMPLE")) continue;
        int id = bcf_hrec_find_key(hr, "ID"), grp = bcf_hrec_find_key(hr, "Group");
        if (id < 0 || grp < 0) continue;
        int s = bcf_hdr_id2int(h, BCF_DT_SAMPLE, hr->vals[id]);
        if (s >= 0 && !group[s]) group[s] = vs_strdup(hr->vals[grp]);
    }
    return group;
}

vs_panel_t *vs_panel_read(const char *fname, const vs_read_opts_t *opts, vs_error_t *e)
{
    vs_reader_t *r = vs_reader_open(fname, opts, e);
    if (!r) return NULL;
    vs_panel_t *p = vs_calloc(1, sizeof *p);
    p->n_samples = r->n_samples;
    p->n_hap = r->n_hap;
    p->wps = (p->n_hap + 63) / 64;
    p->samples = vs_malloc(p->n_samples * sizeof *p->samples);
    for (int i = 0; i < p->n_samples; i++) p->samples[i] = vs_strdup(r->hdr->samples[i]);
    vs_samples_sha(p->samples, p->n_samples, p->sample_sha);
    p->header_group = vs_hdr_sample_groups(r->hdr);
    vs_site_t site;
    int ret;
    while ((ret = vs_reader_next(r, &site, e)) > 0) panel_add_site(p, &site, opts && opts->keep_site_names);
    if (ret == 0 && p->n_sites == 0) {
        vs_loc_t loc = { fname, NULL, -1, NULL };
        ret = vs_fail_at(e, &loc, r->n_multi ? "all records were multi-allelic; split them with 'bcftools norm -m-'"
                                             : "check the regions/targets and the file",
                         "the panel has no usable records");
    }
    p->n_multiallelic_skipped = r->n_multi;
    p->phased = r->all_phased;
    vs_reader_site_sha(r, p->site_sha);
    p->n_contigs = r->n_contigs;
    p->contigs = r->contigs;
    r->contigs = NULL;
    r->n_contigs = 0;
    vs_reader_close(r);
    if (ret < 0) {
        vs_panel_destroy(p);
        return NULL;
    }
    return p;
}

/* The records of fi, subset to imap, written to fo: 0, or -1 with an error. */
static int copy_subset(htsFile *fi, bcf_hdr_t *h, htsFile *fo, bcf_hdr_t *ho, int *imap, int n, const char *in,
                       const char *out, vs_error_t *e)
{
    bcf1_t *rec = bcf_init();
    int ret;
    while ((ret = bcf_read(fi, h, rec)) == 0)
        if (bcf_subset(h, rec, n, imap) < 0 || bcf_write(fo, ho, rec) < 0) break;
    if (ret == 0) vs_fail(e, "cannot write %s", out);
    else if (ret < -1) vs_fail(e, "cannot read %s after %s:%lld", in, bcf_seqname_safe(h, rec), (long long)rec->pos + 1);
    bcf_destroy(rec);
    return ret == -1 ? 0 : -1;
}

int vs_vcf_subset(const char *in, const char *out, char *const *samples, int n, vs_error_t *e)
{
    if (refuse_unsupported_compression(in, e) < 0) return -1;
    htsFile *fi = hts_open(in, "r"), *fo = NULL;
    if (!fi) return vs_fail(e, "cannot open %s: %s", in, strerror(errno));
    bcf_hdr_t *h = bcf_hdr_read(fi), *ho = NULL;
    int *imap = vs_malloc((n + 1) * sizeof *imap), ret = -1;
    if (!h) {
        vs_fail(e, "cannot read the header of %s", in);
    } else if (!(ho = bcf_hdr_subset(h, n, (char **)samples, imap))) {
        vs_fail(e, "cannot write %s", out);
    } else {
        ret = 0;
        for (int i = 0; i < n && ret == 0; i++)
            if (imap[i] < 0) ret = vs_fail(e, "sample %s is not in %s", samples[i], in);
        if (ret == 0 && (!(fo = hts_open(out, "wb")) || bcf_hdr_write(fo, ho) < 0)) ret = vs_fail(e, "cannot write %s", out);
        if (ret == 0) ret = copy_subset(fi, h, fo, ho, imap, n, in, out, e);
        if (fo && hts_close(fo) != 0 && ret == 0) ret = vs_fail(e, "cannot write %s", out);
    }
    hts_close(fi);
    free(imap);
    if (ho) bcf_hdr_destroy(ho);
    if (h) bcf_hdr_destroy(h);
    return ret;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

const char *vs_output_mode(const char *otype, const char *fname, char mode[8])
{
    char t = 'v';
    int level = -1;
    if (otype) {
        vs_error_t e;
        if (vs_output_type_check(otype, &e)) vs_fatal("internal error: %s, not checked by the tool", e.msg);
        t = otype[0];
        if (otype[1]) level = otype[1] - '0';
    } else if (fname && ends_with(fname, ".bcf")) {
        t = 'b';
    } else if (fname && (ends_with(fname, ".gz") || ends_with(fname, ".bgz"))) {
        t = 'z';
    }
    switch (t) {
    case 'b': snprintf(mode, 8, level >= 0 ? "wb%d" : "wb", level); break;
    case 'u': snprintf(mode, 8, "wb0"); break;      /* BGZF at level 0, as bcftools -Ou -o FILE */
    case 'z': snprintf(mode, 8, level >= 0 ? "wz%d" : "wz", level); break;
    default: snprintf(mode, 8, "w"); break;
    }
    return mode;
}

int vs_output_compressed(const char *otype, const char *fname)
{
    char mode[8];
    vs_output_mode(otype, fname, mode);
    return (mode[1] == 'b' || mode[1] == 'z') && mode[2] != '0';
}

struct vs_vcfw_t {
    vs_outfile_t *of;
    htsFile *fp;              /* uncompressed output: htslib writes it */
    hFILE *hf;                /* compressed output: encoded here, compressed by vs_bgzfw */
    vs_bgzfw_t *bz;
    bcf1_t *synced;           /* bcf_copy's target: the copy brings the record's encoding up to date */
    kstring_t text;           /* a VCF line or the header */
    char *name;
    bcf1_t *rec;
    int gt_id;                /* header id of FORMAT/GT */
    int is_bcf;
    int32_t *gt;              /* VCF output: genotypes for bcf_update_genotypes */
    int mgt;
    int index_fmt, index_threads;   /* --write-index */
    char *fname;
    vs_error_t err;           /* the first write error: later writes are skipped */
    int failed;
};

int vs_output_type_check(const char *otype, vs_error_t *e)
{
    if (!otype || (strchr("buzv", otype[0]) && otype[0] && (!otype[1] || (otype[1] >= '0' && otype[1] <= '9' && !otype[2]))))
        return 0;
    return vs_error(e, VS_EXIT_USAGE, "-O/--output-type must be b, u, z or v, optionally followed by a level 0-9; "
                    "got '%s'", otype);
}

int vs_write_index_parse(const char *arg, const char *otype, const char *fname, int *fmt, vs_error_t *e)
{
    *fmt = !arg || !strcmp(arg, "csi") ? VS_INDEX_CSI : !strcmp(arg, "tbi") ? VS_INDEX_TBI : VS_INDEX_NONE;
    if (*fmt == VS_INDEX_NONE) return vs_error(e, VS_EXIT_USAGE, "--write-index takes csi or tbi, got '%s'", arg);
    if (vs_output_type_check(otype, e)) return -1;
    char mode[8];
    vs_output_mode(otype, fname, mode);
    if (!strcmp(fname, "-") || !vs_output_compressed(otype, fname))
        return vs_error(e, VS_EXIT_USAGE, "--write-index needs a compressed output file (-o FILE with -Ob or -Oz, "
                        "or a .bcf or .vcf.gz name); %s is %s", strcmp(fname, "-") ? fname : "standard output",
                        strcmp(fname, "-") ? "not compressed" : "not a file");
    if (*fmt == VS_INDEX_TBI && mode[1] == 'b')
        return vs_error(e, VS_EXIT_USAGE, "--write-index=tbi indexes bgzipped VCF only; a BCF file takes "
                        "--write-index (CSI)");
    return 0;
}

void vs_vcfw_index(vs_vcfw_t *w, int fmt, int threads)
{
    w->index_fmt = fmt;
    w->index_threads = threads;
}

/* The written file's index, built from it as 'bcftools index' would (CSI
 * with 2^14 bins, or TBI): 0, or -1 with an error. */
static int write_index(vs_vcfw_t *w, vs_error_t *e)
{
    kstring_t name = { 0, 0, NULL };
    ksprintf(&name, "%s%s", w->fname, vs_index_suffix(w->index_fmt));
    vs_outfile_t *of = vs_outfile_begin(name.s, e);
    int ret = of ? bcf_index_build3(vs_outfile_path(w->of), vs_outfile_path(of), w->index_fmt == VS_INDEX_TBI ? 0 : 14,
                                    w->index_threads) : -1;
    if (of && ret < 0)
        vs_fail(e, "cannot write the index %s of %s (htslib error %d)%s", name.s, w->name, ret,
                ret == -2 ? ": the file is not BGZF-compressed" : ret == -3 ? ": the file cannot be indexed" : "");
    if (ret == 0) vs_outfile_finish(of);
    free(name.s);
    return ret < 0 ? -1 : 0;
}

static void vcfw_free(vs_vcfw_t *w)
{
    if (w->synced) bcf_destroy(w->synced);
    free(w->text.s);
    bcf_destroy(w->rec);
    free(w->gt);
    free(w->name);
    free(w->fname);
    free(w);
}

vs_vcfw_t *vs_vcfw_open(const char *fname, const char *otype, vs_pool_t *pool, vs_error_t *e)
{
    char mode[8];
    vs_output_mode(otype, fname, mode);
    vs_outfile_t *of = vs_outfile_begin(fname, e);
    if (!of) return NULL;
    vs_vcfw_t *w = vs_calloc(1, sizeof *w);
    w->name = vs_strdup(strcmp(fname, "-") ? fname : "standard output");
    w->fname = vs_strdup(fname);
    w->of = of;
    w->is_bcf = mode[1] == 'b';
    w->rec = bcf_init();
    if (vs_output_compressed(otype, fname)) {
        int level = mode[2] ? mode[2] - '0' : -1;   /* -1: htslib's default */
        if ((w->hf = hopen(vs_outfile_path(w->of), "w"))) {
            w->bz = vs_bgzfw_open(w->hf, level, pool);
            w->synced = bcf_init();
            return w;
        }
    } else if ((w->fp = hts_open(vs_outfile_path(w->of), mode))) {
        return w;
    }
    vs_fail(e, "cannot open output %s: %s", w->name, strerror(errno));
    vcfw_free(w);
    return NULL;
}

static void write_failed(vs_vcfw_t *w)
{
    if (!w->failed)
        vs_fail(&w->err, "cannot write %s: %s (is the disk full?)", w->name, errno ? strerror(errno) : "I/O error");
    w->failed = 1;
}

int vs_vcfw_error(const vs_vcfw_t *w, vs_error_t *e)
{
    if (!w->failed) return 0;
    if (e) *e = w->err;
    return -1;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* The header as bcf_hdr_write and vcf_hdr_write lay it out. */
void vs_vcfw_header(vs_vcfw_t *w, bcf_hdr_t *hdr)
{
    w->gt_id = bcf_hdr_id2int(hdr, BCF_DT_ID, "GT");
    if (w->failed) return;
    if (!w->bz) {
        if (bcf_hdr_write(w->fp, hdr) < 0) write_failed(w);
        return;
    }
    w->text.l = 0;
    if (bcf_hdr_format(hdr, w->is_bcf, &w->text) < 0) vs_fatal("cannot format the header of %s", w->name);
    int ok;
    if (w->is_bcf) {
        kputc('\0', &w->text);
        uint8_t magic[9] = { 'B', 'C', 'F', 2, 2 };
        put_le32(magic + 5, (uint32_t)w->text.l);
        ok = vs_bgzfw_write(w->bz, magic, 9) == 0 && vs_bgzfw_write(w->bz, w->text.s, w->text.l) == 0;
    } else {
        while (w->text.l && w->text.s[w->text.l - 1] == '\0') w->text.l--;
        ok = vs_bgzfw_write(w->bz, w->text.s, w->text.l) == 0 && vs_bgzfw_flush(w->bz) == 0;
    }
    if (!ok) write_failed(w);
}

/* One record as bcf_write (BCF) or vcf_write (VCF) lays it out. */
void vs_vcfw_write(vs_vcfw_t *w, bcf_hdr_t *hdr, bcf1_t *rec)
{
    if (w->failed) return;
    if (!w->bz) {
        if (bcf_write(w->fp, hdr, rec) < 0) write_failed(w);
        return;
    }
    int ok;
    if (w->is_bcf) {
        if (rec->n_sample != bcf_hdr_nsamples(hdr))
            vs_fatal("internal error: a record of %d samples for a header of %d", (int)rec->n_sample,
                     bcf_hdr_nsamples(hdr));
        bcf_copy(w->synced, rec);         /* re-encodes what bcf_update_* changed, as bcf_write would */
        uint8_t x[32];
        float qual = rec->qual;
        uint32_t q;
        memcpy(&q, &qual, 4);
        put_le32(x, (uint32_t)rec->shared.l + 24);
        put_le32(x + 4, (uint32_t)rec->indiv.l);
        put_le32(x + 8, (uint32_t)rec->rid);
        put_le32(x + 12, (uint32_t)rec->pos);
        put_le32(x + 16, (uint32_t)rec->rlen);
        put_le32(x + 20, q);
        put_le32(x + 24, (uint32_t)rec->n_info | (uint32_t)rec->n_allele << 16);
        put_le32(x + 28, (uint32_t)rec->n_fmt << 24 | (rec->n_sample & 0xffffff));
        ok = vs_bgzfw_write(w->bz, x, 32) == 0 && vs_bgzfw_write(w->bz, rec->shared.s, rec->shared.l) == 0 &&
             vs_bgzfw_write(w->bz, rec->indiv.s, rec->indiv.l) == 0;
    } else {
        w->text.l = 0;
        if (vcf_format(hdr, rec, &w->text) != 0) vs_fatal("internal error: cannot format a record of %s", w->name);
        ok = vs_bgzfw_flush_try(w->bz, w->text.l) == 0 && vs_bgzfw_write(w->bz, w->text.s, w->text.l) == 0;
    }
    if (!ok) write_failed(w);
}

/* The site of src on out: ID, alleles, and INFO/END where the record spans
 * more than its REF (a symbolic structural variant), so the variant is the same. */
static void copy_site(bcf_hdr_t *hdr, bcf1_t *out, const bcf1_t *src)
{
    bcf_update_id(hdr, out, src->d.id);
    bcf_update_alleles(hdr, out, (const char **)src->d.allele, src->n_allele);
    if (src->rlen != (hts_pos_t)strlen(src->d.allele[0])) {
        int32_t end = (int32_t)(src->pos + src->rlen);
        if (bcf_update_info_int32(hdr, out, "END", &end, 1) < 0)
            vs_fatal("cannot write INFO/END at %s:%lld", bcf_hdr_id2name(hdr, out->rid), (long long)src->pos + 1);
    }
}

/* FORMAT/GT straight in BCF's int8 encoding, (allele + 1) << 1 | phased, "a|b"
 * as htslib encodes it: the bytes bcf_update_genotypes makes, without
 * re-scanning an int32 copy of every genotype.  BCF output only: htslib
 * cannot format a record built this way as VCF text. */
static int32_t put_gt_bcf(vs_vcfw_t *w, bcf1_t *out, const uint8_t *alleles, int n_hap)
{
    int32_t ac = 0;
    kstring_t *ks = &out->indiv;
    ks->l = 0;
    bcf_enc_int1(ks, w->gt_id);
    bcf_enc_size(ks, 2, BCF_BT_INT8);
    if (ks_resize(ks, ks->l + n_hap) < 0) vs_fatal("out of memory writing %s", w->name);
    uint8_t *gt = (uint8_t *)ks->s + ks->l;
    int h = 0;
    /* eight haplotypes a step: alleles are 0 or 1 bytes, so (a + 1) << 1 stays in
     * its byte, the odd (second) haplotype of each sample gets the phase bit,
     * and the alleles' sum is the top byte of the word times 0x0101... */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    static const uint64_t ones = 0x0101010101010101ull, phase = 0x0100010001000100ull;
#else
    static const uint64_t ones = 0x0101010101010101ull, phase = 0x0001000100010001ull;
#endif
    for (; h + 8 <= n_hap; h += 8) {
        uint64_t v;
        memcpy(&v, alleles + h, 8);
        uint64_t w = ((v + ones) << 1) | phase;
        memcpy(gt + h, &w, 8);
        ac += (int32_t)((v * ones) >> 56);       /* the sum of the eight 0/1 bytes */
    }
    for (; h < n_hap; h++) {
        gt[h] = (uint8_t)(((alleles[h] + 1) << 1) | (h & 1));
        ac += alleles[h];
    }
    ks->l += n_hap;
    out->n_fmt = 1;
    out->n_sample = n_hap / 2;
    return ac;
}

static int32_t put_gt_vcf(vs_vcfw_t *w, bcf_hdr_t *hdr, bcf1_t *out, const uint8_t *alleles, int n_hap)
{
    int32_t ac = 0;
    if (n_hap > w->mgt) {
        w->gt = vs_realloc(w->gt, n_hap * sizeof *w->gt);
        w->mgt = n_hap;
    }
    for (int h = 0; h < n_hap; h += 2) {
        w->gt[h] = bcf_gt_unphased(alleles[h]);
        w->gt[h + 1] = bcf_gt_phased(alleles[h + 1]);
        ac += alleles[h] + alleles[h + 1];
    }
    bcf_update_genotypes(hdr, out, w->gt, n_hap);
    return ac;
}

void vs_vcfw_write_site(vs_vcfw_t *w, bcf_hdr_t *hdr, const vs_site_t *site, const uint8_t *alleles, int n_hap)
{
    bcf1_t *out = w->rec, *src = site->rec;
    bcf_clear(out);
    out->rid = bcf_hdr_name2id(hdr, site->contig);
    if (out->rid < 0) vs_fatal("internal error: contig %s is missing from the output header", site->contig);
    out->pos = site->pos - 1;
    copy_site(hdr, out, src);
    int32_t an = n_hap;
    int32_t ac = w->is_bcf ? put_gt_bcf(w, out, alleles, n_hap) : put_gt_vcf(w, hdr, out, alleles, n_hap);
    if (src->n_allele > 1) bcf_update_info_int32(hdr, out, "AC", &ac, 1);
    bcf_update_info_int32(hdr, out, "AN", &an, 1);
    vs_vcfw_write(w, hdr, out);
}

void vs_vcfw_abandon(vs_vcfw_t *w)
{
    /* the run has failed already: a close error adds nothing to tell */
    int ignored = w->bz ? vs_bgzfw_close(w->bz) | hclose(w->hf) : hts_close(w->fp);
    (void)ignored;
    vcfw_free(w);
}

int vs_vcfw_close(vs_vcfw_t *w, vs_error_t *e)
{
    errno = 0;
    if (w->bz ? vs_bgzfw_close(w->bz) != 0 || hclose(w->hf) != 0 : hts_close(w->fp) != 0) write_failed(w);
    int ret = vs_vcfw_error(w, e);
    if (ret == 0 && w->index_fmt) ret = write_index(w, e);
    if (ret == 0) vs_outfile_finish(w->of);
    vcfw_free(w);
    return ret;
}

void vs_site_make(vs_site_t *site, const bcf_hdr_t *hdr, bcf1_t *rec, const char *contig, int64_t pos,
                  const char *ref, const char *alt)
{
    bcf_clear(rec);
    rec->rid = bcf_hdr_name2id(hdr, contig);
    if (rec->rid < 0) vs_fatal("internal error: contig %s is missing from the header", contig);
    rec->pos = pos - 1;
    const char *alleles[2] = { ref, alt };
    if (bcf_update_alleles((bcf_hdr_t *)hdr, rec, alleles, 2) < 0 || bcf_update_id((bcf_hdr_t *)hdr, rec, NULL) < 0)
        vs_fatal("cannot build the record %s:%lld %s>%s", contig, (long long)pos, ref, alt);
    *site = (vs_site_t){ .contig = contig, .pos = pos, .ref = ref, .alt = alt, .info_cm = NAN, .rec = rec };
}

/* ---------- headers ---------- */

void vs_hdr_add_line(bcf_hdr_t *hdr, const char *line)
{
    if (bcf_hdr_append(hdr, line) < 0 || bcf_hdr_sync(hdr) < 0) vs_fatal("cannot add the header line %s", line);
}

bcf_hdr_t *vs_hdr_clean(const bcf_hdr_t *src)
{
    bcf_hdr_t *h = bcf_hdr_init("w");
    for (int i = 0; i < src->nhrec; i++) {
        bcf_hrec_t *hr = src->hrec[i];
        if (hr->type == BCF_HL_CTG || (hr->type == BCF_HL_GEN && !strcmp(hr->key, "reference")) ||
            (hr->type == BCF_HL_STR && !strcmp(hr->key, "ALT")))     /* symbolic alleles: <DEL>, <CN0>... */
            bcf_hdr_add_hrec(h, bcf_hrec_dup(hr));
    }
    if (bcf_hdr_idinfo_exists(src, BCF_HL_INFO, bcf_hdr_id2int(src, BCF_DT_ID, "END")))
        bcf_hdr_append(h, "##INFO=<ID=END,Number=1,Type=Integer,Description=\"End position of the variant\">");
    bcf_hdr_append(h, "##INFO=<ID=AC,Number=A,Type=Integer,Description=\"Allele count in genotypes\">");
    bcf_hdr_append(h, "##INFO=<ID=AN,Number=1,Type=Integer,Description=\"Total number of alleles in called genotypes\">");
    bcf_hdr_append(h, "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">");
    if (bcf_hdr_sync(h) < 0) vs_fatal("cannot build the output header");
    return h;
}

void vs_hdr_provenance(bcf_hdr_t *hdr, vs_prov_t prov)
{
    if (prov == VS_PROV_NONE) return;
    bcf_hdr_printf(hdr, "##%sVersion=%s+htslib-%s", vs_prog(), vs_version(), vs_htslib_version());
    if (prov == VS_PROV_VERSION) return;
    char *cmd = vs_command_line();
    bcf_hdr_printf(hdr, "##%sCommand=%s", vs_prog(), cmd);
    free(cmd);
}

bcf_hdr_t *vs_hdr_with_samples(const bcf_hdr_t *src, char *const *names, char *const *meta, int n, vs_prov_t prov)
{
    bcf_hdr_t *h = vs_hdr_clean(src);
    vs_hdr_provenance(h, prov);
    for (int i = 0; i < n; i++) {
        if (meta && meta[i]) bcf_hdr_printf(h, "##SAMPLE=<ID=%s,%s>", names[i], meta[i]);
        if (bcf_hdr_add_sample(h, names[i]) < 0) vs_fatal("internal error: cannot add sample %s to the output header", names[i]);
    }
    if (bcf_hdr_sync(h) < 0) vs_fatal("cannot build the output header");
    return h;
}

bcf_hdr_t *vs_hdr_synthetic(const bcf_hdr_t *src, char **names, const char **groups, const char **extra, int n,
                            const char *model_sha, vs_prov_t prov)
{
    bcf_hdr_t *h = vs_hdr_clean(src);
    vs_hdr_provenance(h, prov);
    for (int i = 0; i < n; i++) {     /* line by line: no copy of a million lines at once */
        const char *more = extra && extra[i] ? extra[i] : "";
        bcf_hdr_printf(h, "##SAMPLE=<ID=%s,Group=%s,Origin=synthetic,Model=sha256:%s%s%s>", names[i], groups[i],
                       model_sha, *more ? "," : "", more);
        if (bcf_hdr_add_sample(h, names[i]) < 0) vs_fatal("internal error: cannot add sample %s to the output header", names[i]);
    }
    if (bcf_hdr_sync(h) < 0) vs_fatal("cannot build the output header");
    return h;
}

bcf_hdr_t *vs_hdr_lean(const bcf_hdr_t *full)
{
    bcf_hdr_t *h = bcf_hdr_init("w");
    bcf_hdr_remove(h, BCF_HL_FLT, "PASS");           /* PASS comes back from full, in its place */
    for (int i = 0; i < full->nhrec; i++)
        if (!(full->hrec[i]->type == BCF_HL_STR && !strcmp(full->hrec[i]->key, "SAMPLE")))
            bcf_hdr_add_hrec(h, bcf_hrec_dup(full->hrec[i]));
    for (int i = 0; i < bcf_hdr_nsamples(full); i++)
        if (bcf_hdr_add_sample(h, full->samples[i]) < 0) vs_fatal("internal error: cannot add sample %s to the output header", full->samples[i]);
    if (bcf_hdr_sync(h) < 0) vs_fatal("cannot build the output header");
    /* records are encoded with the ids of the header that was written: they must agree */
    for (int d = BCF_DT_ID; d <= BCF_DT_CTG; d++)
        for (int k = 0; k < full->n[d]; k++)
            if (full->id[d][k].key && bcf_hdr_id2int(h, d, full->id[d][k].key) != k)
                vs_fatal("internal error: the output header's dictionaries differ once its ##SAMPLE lines are dropped");
    return h;
}

void vs_hdr_add_contigs(bcf_hdr_t *hdr, char *const *contigs, int n)
{
    for (int i = 0; i < n; i++)
        if (bcf_hdr_name2id(hdr, contigs[i]) < 0) bcf_hdr_printf(hdr, "##contig=<ID=%s>", contigs[i]);
    if (bcf_hdr_sync(hdr) < 0) vs_fatal("cannot build the output header");
}

char **vs_hdr_sample_meta(const bcf_hdr_t *h)
{
    int n = bcf_hdr_nsamples(h);
    char **meta = vs_calloc(n + 1, sizeof *meta);
    for (int i = 0; i < h->nhrec; i++) {
        bcf_hrec_t *hr = h->hrec[i];
        if (hr->type != BCF_HL_STR || strcmp(hr->key, "SAMPLE")) continue;
        int id = bcf_hrec_find_key(hr, "ID");
        int s = id < 0 ? -1 : bcf_hdr_id2int(h, BCF_DT_SAMPLE, hr->vals[id]);
        if (s < 0 || meta[s]) continue;
        kstring_t k = { 0, 0, NULL };
        for (int j = 0; j < hr->nkeys; j++)
            if (j != id) ksprintf(&k, "%s%s=%s", k.l ? "," : "", hr->keys[j], hr->vals[j]);
        meta[s] = k.s;
    }
    return meta;
}


/* ---------- two files in step ---------- */

struct vs_pair_reader_t {
    bcf_srs_t *sr;
    const char *name[2];
    int last_rid[2];
    int64_t last_pos[2];
    contig_set_t contigs_met[2];
    const char *at_contig;    /* the last site returned, for messages */
    int64_t at_pos;
    int32_t *gt[2];
    int mgt[2];
};

/* File k of the pair, opened and checked: 0, or -1 with an error. */
static int pair_add(vs_pair_reader_t *r, int k, vs_error_t *e)
{
    if (refuse_unsupported_compression(r->name[k], e) < 0) return -1;
    if (!bcf_sr_add_reader(r->sr, r->name[k])) return explain_open_failure(r->name[k], r->sr->errnum, e);
    const bcf_hdr_t *h = bcf_sr_get_header(r->sr, k);
    vs_loc_t loc = { r->name[k], NULL, -1, NULL };
    int id = bcf_hdr_id2int(h, BCF_DT_ID, "GT");
    if (bcf_hdr_nsamples(h) == 0) return vs_fail_at(e, &loc, NULL, "the input has no samples");
    if (id < 0 || !bcf_hdr_idinfo_exists(h, BCF_HL_FMT, id))
        return vs_fail_at(e, &loc, "vcfsynth needs FORMAT/GT", "the header defines no FORMAT/GT field");
    return 0;
}

vs_pair_reader_t *vs_pair_open(const char *a, const char *b, vs_error_t *e)
{
    vs_pair_reader_t *r = vs_calloc(1, sizeof *r);
    r->sr = bcf_sr_init();
    bcf_sr_set_opt(r->sr, BCF_SR_ALLOW_NO_IDX);
    bcf_sr_set_opt(r->sr, BCF_SR_PAIR_LOGIC, BCF_SR_PAIR_EXACT);
    r->name[0] = a;
    r->name[1] = b;
    r->last_rid[0] = r->last_rid[1] = -1;
    enum htsLogLevel level = hts_get_log_level();
    hts_set_log_level(HTS_LOG_ERROR);      /* not its warning on unindexed files: our usage says "sorted alike" */
    int ret = pair_add(r, 0, e);
    if (ret == 0) ret = pair_add(r, 1, e);
    hts_set_log_level(level);
    if (ret < 0) {
        vs_pair_close(r);
        return NULL;
    }
    return r;
}

const bcf_hdr_t *vs_pair_header(const vs_pair_reader_t *r, int k) { return bcf_sr_get_header(r->sr, k); }

static int pair_genotypes(vs_pair_reader_t *r, int k, bcf1_t *rec, vs_pair_site_t *s, vs_error_t *e)
{
    const bcf_hdr_t *h = bcf_sr_get_header(r->sr, k);
    int n = bcf_hdr_nsamples(h), ngt = bcf_get_genotypes(h, rec, &r->gt[k], &r->mgt[k]);
    vs_loc_t loc = { r->name[k], s->contig, s->pos, NULL };
    if (ngt <= 0) return vs_fail_at(e, &loc, "every record needs FORMAT/GT", "the record has no genotypes");
    if (ngt != 2 * n)
        return vs_fail_at(e, &loc, "vcf-hybrid handles diploid genotypes; drop other contigs with "
                                   "'bcftools view -t ^X,Y,MT'", "genotypes of ploidy %d (expected 2)", ngt / n);
    for (int i = 0; i < ngt; i++) {
        int32_t g = r->gt[k][i];
        if (g == bcf_int32_vector_end || bcf_gt_is_missing(g) || bcf_gt_allele(g) < rec->n_allele) continue;
        loc.sample = h->samples[i / 2];
        return vs_fail_at(e, &loc, "check the file with 'bcftools view'; it would be copied as it is",
                          "allele index %d, but the record has %d allele%s", bcf_gt_allele(g), rec->n_allele,
                          rec->n_allele == 1 ? "" : "s");
    }
    s->gt[k] = r->gt[k];
    return 0;
}

/* Without an index the two files are read in step, which needs both sorted:
 * an unsorted one would otherwise pass as "the sites differ", or silently. */
static int pair_check_order(vs_pair_reader_t *r, int k, const bcf1_t *rec, const char *contig, vs_error_t *e)
{
    vs_loc_t loc = { r->name[k], contig, rec->pos + 1, NULL };
    if (rec->rid == r->last_rid[k] && rec->pos < r->last_pos[k])
        return vs_fail_at(e, &loc, "sort it with 'bcftools sort'",
                          "records are not sorted: position %lld comes after %lld", (long long)rec->pos + 1,
                          (long long)r->last_pos[k] + 1);
    if (rec->rid != r->last_rid[k] && contig_seen_again(&r->contigs_met[k], rec->rid))
        return vs_fail_at(e, &loc, "sort it with 'bcftools sort'", "records are not sorted: contig %s appears again",
                          contig);
    r->last_rid[k] = rec->rid;
    r->last_pos[k] = rec->pos;
    return 0;
}

int vs_pair_next(vs_pair_reader_t *r, vs_pair_site_t *s, vs_error_t *e)
{
    if (r->sr->errnum || !bcf_sr_next_line(r->sr)) {
        if (r->sr->errnum)
            return vs_fail(e, "cannot read %s or %s after %s:%lld: %s (htslib's message above names the record); "
                              "check them with 'bcftools view'", r->name[0], r->name[1],
                           r->at_contig ? r->at_contig : "the start", (long long)r->at_pos,
                           bcf_sr_strerror(r->sr->errnum));
        return 0;
    }
    memset(s, 0, sizeof *s);
    for (int k = 0; k < 2; k++) {
        if (!bcf_sr_has_line(r->sr, k)) continue;
        bcf1_t *rec = bcf_sr_get_line(r->sr, k);
        bcf_unpack(rec, BCF_UN_STR);
        s->rec[k] = rec;
        s->contig = bcf_hdr_id2name(bcf_sr_get_header(r->sr, k), rec->rid);
        s->pos = rec->pos + 1;
        if (pair_check_order(r, k, rec, s->contig, e) < 0) return -1;
    }
    for (int k = 0; k < 2; k++)
        if (s->rec[k] && pair_genotypes(r, k, s->rec[k], s, e) < 0) return -1;
    r->at_contig = s->contig;
    r->at_pos = s->pos;
    return 1;
}

void vs_pair_close(vs_pair_reader_t *r)
{
    if (!r) return;
    bcf_sr_destroy(r->sr);
    free(r->gt[0]);
    free(r->gt[1]);
    free(r->contigs_met[0].seen);
    free(r->contigs_met[1].seen);
    free(r);
}

void vs_vcfw_write_mixed(vs_vcfw_t *w, bcf_hdr_t *hdr, const vs_pair_site_t *s, const vs_gt_source_t *src,
                         int n_out)
{
    bcf1_t *out = w->rec, *in = s->rec[0] ? s->rec[0] : s->rec[1];
    bcf_clear(out);
    out->rid = bcf_hdr_name2id(hdr, s->contig);
    if (out->rid < 0) vs_fatal("internal error: contig %s is missing from the output header", s->contig);
    out->pos = s->pos - 1;
    copy_site(hdr, out, in);
    if (2 * n_out > w->mgt) {
        w->gt = vs_realloc(w->gt, 2 * n_out * sizeof *w->gt);
        w->mgt = 2 * n_out;
    }
    int32_t an = 0, *ac = vs_calloc(in->n_allele, sizeof *ac);
    for (int i = 0; i < n_out; i++)
        for (int k = 0; k < 2; k++) {
            int32_t g = s->gt[src[i].file][2 * src[i].sample + k];
            w->gt[2 * i + k] = g;
            if (g == bcf_int32_vector_end || bcf_gt_is_missing(g)) continue;
            an++;
            int a = bcf_gt_allele(g);
            if (a > 0 && a < in->n_allele) ac[a - 1]++;
        }
    if (in->n_allele > 1) {
        float *af = vs_malloc(in->n_allele * sizeof *af);
        for (int a = 0; a + 1 < in->n_allele; a++) {
            if (an) af[a] = (float)ac[a] / an;
            else bcf_float_set_missing(af[a]);       /* no called allele: as bcftools +fill-tags */
        }
        bcf_update_info_int32(hdr, out, "AC", ac, in->n_allele - 1);
        bcf_update_info_float(hdr, out, "AF", af, in->n_allele - 1);
        free(af);
    }
    bcf_update_info_int32(hdr, out, "AN", &an, 1);
    bcf_update_genotypes(hdr, out, w->gt, 2 * n_out);
    vs_vcfw_write(w, hdr, out);
    free(ac);
}

/* ---------- the opaque handles ---------- */

vs_hdr_t *vs_hdr_contigs(char *const *contigs, int n)
{
    bcf_hdr_t *h = bcf_hdr_init("w");
    if (!h) vs_fatal("out of memory building a header");
    vs_hdr_add_contigs(h, contigs, n);
    return h;
}

vs_rec_t *vs_rec_new(void)
{
    bcf1_t *rec = bcf_init();
    if (!rec) vs_fatal("out of memory building a record");
    return rec;
}

void vs_rec_destroy(vs_rec_t *rec)
{
    if (rec) bcf_destroy(rec);
}

int vs_hdr_samples(const vs_hdr_t *h, char ***names)
{
    *names = h->samples;
    return bcf_hdr_nsamples(h);
}

void vs_hdr_destroy(vs_hdr_t *h)
{
    if (h) bcf_hdr_destroy(h);
}

const char *vs_rec_ref(const vs_rec_t *rec) { return rec->d.allele[0]; }
const char *vs_rec_alt(const vs_rec_t *rec) { return rec->n_allele > 1 ? rec->d.allele[1] : "."; }
