/* Option parsers in lib/: every error path returns -1 with a usage status
 * and a message naming the option, and never exits (this test would stop). */
#include <string.h>
#include "unit.h"
#include "vs_err.h"
#include "vs_hybrid.h"
#include "vs_pheno.h"
#include "vs_shadow.h"
#include "vs_risk.h"
#include "vs_sample.h"
#include "vs_vcf.h"

static int usage_error(int ret, const vs_error_t *e, const char *want)
{
    return ret == -1 && e->status == VS_EXIT_USAGE && strstr(e->msg, want) != NULL;
}

int main(void)
{
    vs_error_t e;
    long l;
    double d;
    CHECK(vs_try_long("-n", "12", 1, 100, &l, &e) == 0 && l == 12, "an integer in range");
    CHECK(usage_error(vs_try_long("-n", "12x", 1, 100, &l, &e), &e, "-n expects an integer, got '12x'"), "%s", e.msg);
    CHECK(usage_error(vs_try_long("-n", "", 1, 100, &l, &e), &e, "-n expects an integer"), "%s", e.msg);
    CHECK(usage_error(vs_try_long("-n", "101", 1, 100, &l, &e), &e, "-n must be between 1 and 100, got 101"), "%s",
          e.msg);
    CHECK(usage_error(vs_try_long("-n", "99999999999999999999", 1, 100, &l, &e), &e, "expects an integer"),
          "overflow: %s", e.msg);
    CHECK(vs_try_double("--h2", "0.5", 0, 1, &d, &e) == 0 && d == 0.5, "a number in range");
    CHECK(usage_error(vs_try_double("--h2", "nan", 0, 1, &d, &e), &e, "--h2 expects a number, got 'nan'"), "%s", e.msg);
    CHECK(usage_error(vs_try_double("--h2", "1.5", 0, 1, &d, &e), &e, "--h2 must be between 0 and 1, got 1.5"), "%s",
          e.msg);

    unsigned set, named;
    CHECK(vs_risk_parse_attacks("dcr,king", &set, &named, &e) == 0 && set == named && set, "--attacks dcr,king");
    CHECK(vs_risk_parse_attacks("all", &set, &named, &e) == 0 && named == 0 && set, "--attacks all: none named");
    CHECK(usage_error(vs_risk_parse_attacks("dcr,kinq", &set, &named, &e), &e, "unknown attack 'kinq'"), "%s", e.msg);
    CHECK(usage_error(vs_risk_parse_attacks(",", &set, &named, &e), &e, "--attacks names no attack"), "%s", e.msg);

    CHECK(vs_output_type_check(NULL, &e) == 0 && vs_output_type_check("b", &e) == 0 &&
          vs_output_type_check("z9", &e) == 0, "-O b, z9 and none are fine");
    const char *bad_o[] = { "x", "b10", "", "v-" };
    for (int i = 0; i < 4; i++)
        CHECK(usage_error(vs_output_type_check(bad_o[i], &e), &e, "-O/--output-type must be b, u, z or v"),
              "-O '%s': %s", bad_o[i], e.msg);
    int fmt;
    CHECK(vs_write_index_parse(NULL, NULL, "x.bcf", &fmt, &e) == 0 && fmt == VS_INDEX_CSI, "--write-index on x.bcf: CSI");
    CHECK(vs_write_index_parse("tbi", "z", "x.out", &fmt, &e) == 0 && fmt == VS_INDEX_TBI, "=tbi with -Oz: TBI");
    CHECK(usage_error(vs_write_index_parse("bai", NULL, "x.bcf", &fmt, &e), &e, "takes csi or tbi, got 'bai'"), "%s",
          e.msg);
    CHECK(usage_error(vs_write_index_parse(NULL, NULL, "-", &fmt, &e), &e, "standard output is not a file"), "%s",
          e.msg);
    CHECK(usage_error(vs_write_index_parse(NULL, "u", "x.bcf", &fmt, &e), &e, "x.bcf is not compressed"), "%s", e.msg);
    CHECK(usage_error(vs_write_index_parse("tbi", NULL, "x.bcf", &fmt, &e), &e, "bgzipped VCF only"), "%s", e.msg);
    CHECK(usage_error(vs_write_index_parse(NULL, "q", "x.bcf", &fmt, &e), &e, "-O/--output-type"), "%s", e.msg);

    vs_target_t t;
    CHECK(vs_target_parse("equal", &t, &e) == 0 && t.kind == VS_TARGET_EQUAL, "--target equal");
    CHECK(vs_target_parse("AFR=100,EUR=5", &t, &e) == 0 && t.kind == VS_TARGET_COUNTS && t.n == 2 &&
          !strcmp(t.group[1], "EUR") && t.count[1] == 5, "--target AFR=100,EUR=5");
    vs_target_free(&t);
    const char *bad_t[][2] = { { "AFR", "expects equal, max or GROUP=N" }, { "=5", "expects equal, max or GROUP=N" },
                               { "AFR=1,AFR=2", "names group 'AFR' twice" }, { "AFR=-1", "--target must be between 0" },
                               { "AFR=1.5", "--target expects an integer" } };
    for (int i = 0; i < 5; i++)
        CHECK(usage_error(vs_target_parse(bad_t[i][0], &t, &e), &e, bad_t[i][1]) && !t.group,
              "--target %s: %s", bad_t[i][0], e.msg);

    CHECK(vs_shadow_check_template("vcf-synth -m {model} -o {out}", &e) == 0, "--shadow-cmd with {out}");
    CHECK(usage_error(vs_shadow_check_template("vcf-synth -o x.bcf", &e), &e, "must write its synthetic cohort to {out}"),
          "%s", e.msg);
    vs_pheno_opts_t po;
    vs_pheno_opts_init(&po);
    po.shift = "AFR=0.5,EUR=-0.25";
    CHECK(vs_pheno_check(&po, &e) == 0, "--shift AFR=0.5,EUR=-0.25");
    const char *bad_s[][2] = { { "AFR", "expected GROUP=DELTA" }, { "AFR=x", "DELTA must be a number" },
                               { "AFR=1,AFR=2", "a group is named twice" } };
    for (int i = 0; i < 3; i++) {
        po.shift = bad_s[i][0];
        CHECK(usage_error(vs_pheno_check(&po, &e), &e, bad_s[i][1]), "--shift %s: %s", bad_s[i][0], e.msg);
    }
    po.shift = "AFR=1";
    po.effects = "e.tsv";
    CHECK(usage_error(vs_pheno_check(&po, &e), &e, "--shift goes without --effects"), "%s", e.msg);
    po.shift = NULL;
    po.effects = NULL;
    po.causal = "0";
    CHECK(usage_error(vs_pheno_check(&po, &e), &e, "--causal must be between 1"), "--causal 0: %s", e.msg);

    vs_sample_opts_t so;
    vs_sample_opts_init(&so);
    CHECK(vs_sample_preset("strict", &so, &e) == 0 && so.min_carriers == 10, "--privacy strict sets min-carriers 10");
    CHECK(usage_error(vs_sample_preset("lax", &so, &e), &e, "--privacy expects off, fidelity, balanced or strict, not 'lax'"),
          "%s", e.msg);
    vs_jump_t jump;
    vs_rare_t rare;
    CHECK(vs_jump_parse("neighbor", &jump, &e) == 0 && jump == VS_JUMP_NEIGHBOUR, "--jump neighbor (either spelling)");
    CHECK(usage_error(vs_jump_parse("far", &jump, &e), &e, "--jump expects neighbour or uniform, not 'far'"), "%s", e.msg);
    CHECK(vs_rare_parse("drop", &rare, &e) == 0 && rare == VS_RARE_DROP, "--rare drop");
    CHECK(usage_error(vs_rare_parse("keep", &rare, &e), &e, "--rare expects drop or scatter"), "%s", e.msg);

    /* regions and targets are read as the run reads them, before any file is */
    vs_read_opts_t ro = { .regions = "chr1:100-200,chr2", .targets = "^chr3" };
    CHECK(vs_regions_check(&ro, &e) == 0, "-r chr1:100-200,chr2 -t ^chr3");
    ro = (vs_read_opts_t){ .regions = "chr1:x-y" };
    CHECK(vs_regions_check(&ro, &e) < 0 && strstr(e.msg, "cannot parse the -r/--regions 'chr1:x-y'") &&
          strstr(e.hint, "CHR:BEG-END"), "-r chr1:x-y: %s", e.msg);
    ro = (vs_read_opts_t){ .targets = "/no/such/file.txt", .targets_is_file = 1 };
    CHECK(vs_regions_check(&ro, &e) < 0 && strstr(e.msg, "cannot open the -T/--targets-file"), "-T missing: %s", e.msg);
    ro = (vs_read_opts_t){ .regions = "/tmp", .regions_is_file = 1 };
    CHECK(vs_regions_check(&ro, &e) < 0 && strstr(e.msg, "the -R/--regions-file is a directory"), "-R a directory: %s",
          e.msg);
    /* what htslib crashes on or silently selects nothing with */
    static const struct { const char *spec, *want; } bad_lists[] = {
        { "", "'' has an empty region (an empty string)" },
        { ",", "has an empty region (two commas" },
        { "chr1:1-5,,chr2", "has an empty region (two commas" },
        { "chr1:-5", "'chr1:-5': the start is not a position from 1 to 10^12" },
        { "chr1:0-5", "'chr1:0-5': the start is not a position" },
        { "chr1:99999999999999999999", "the start is not a position from 1 to 10^12" },
        { "chr1:200-100", "'chr1:200-100' ends before it begins" },
        { "chr1:5-x", "cannot parse the -r/--regions 'chr1:5-x'" },
        { "chr1:20k-10k", "'chr1:20k-10k' ends before it begins" },
    };
    for (size_t i = 0; i < sizeof bad_lists / sizeof *bad_lists; i++) {
        ro = (vs_read_opts_t){ .regions = bad_lists[i].spec };
        CHECK(vs_regions_check(&ro, &e) < 0 && strstr(e.msg, bad_lists[i].want) && strstr(e.hint, "BEG <= END"),
              "-r '%s': %s", bad_lists[i].spec, e.msg);
    }
    ro = (vs_read_opts_t){ .targets = "^chr1:200-100" };
    CHECK(vs_regions_check(&ro, &e) < 0 && strstr(e.msg, "the -t/--targets 'chr1:200-100' ends before it begins"),
          "-t ^chr1:200-100: %s", e.msg);
    ro = (vs_read_opts_t){ .regions = "chr1:100-,chr1:7,chr2:5-5,chrUn_gl000220,chr1:10k-20k,chr1:1.5M" };
    CHECK(vs_regions_check(&ro, &e) == 0, "an open end, a single position, BEG = END, a bare contig, htslib's k/M suffixes");
    UNIT_DONE();
}
