/* vcf-fidelity: how faithful a synthetic cohort is to its source, per
 * ancestry group, beside the baseline of real people the generator never
 * saw, and whether synthesis widened the gap between groups. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <omp.h>

#include "vs_tool.h"
#include "vs_threads.h"
#include "vs_fidreport.h"
#include "vs_out.h"
#include "vs_report.h"
#include "vs_rng.h"
#include "vs_vcf.h"

static void usage(FILE *fp)
{
    fprintf(fp,
"\n"
"About:   Fidelity, utility and bias of a synthetic cohort, per group. A subset of the\n"
"         synthetic samples and an equal-size subset of the holdout (real people the\n"
"         generator never saw) are each compared with the training cohort; the ratio\n"
"         synthetic/holdout has a bootstrap interval, and per metric the gap between the\n"
"         best and worst group tells whether synthesis amplified it. See vcf-fidelity(1).\n"
"Usage:   vcf-fidelity SYNTHETIC --train TRAIN --holdout HOLDOUT [options]\n"
"\n"
"Inputs (VCF, VCF.gz or BCF; sites matched by CHROM, POS, REF and ALT):\n"
"        --train FILE             the samples the generator was trained on\n"
"        --holdout FILE           real samples it never saw (the baseline)\n"
"    -g, --groups FILE            sample-to-group table; synthetic samples not in it take\n"
"                                 their ##SAMPLE Group= [one group, \"all\"]\n"
"        --group-column NAME      group column of FILE, by header name [the second column]\n"
"        --map FILE|TEMPLATE|DIR  genetic map for the LD distance bins [INFO/CM, else constant]\n"
"        --cM-per-Mb FLOAT        constant rate where there is no map [1.0]\n"
"        --map-extrapolate        use a map that spans under half of a contig's sites [refuse]\n"
"\n"
"Utility (a trait with a known causal model, from vcf-pheno --effects-out):\n"
"        --utility-pheno FILE     polygenic scores fitted on the synthetic cohort and on as many\n"
"                                 training samples, scored on the holdout (rows prs_r2 or\n"
"                                 prs_auc), and GWAS recovery of the causal loci [off]\n"
"        --gwas-p FLOAT           significance for gwas_recovery [5e-8]\n"
"\n"
"Statistics:\n"
"        --bootstrap INT          bootstrap resamples for the intervals, at least 20 [200]\n"
"        --ld-pairs INT           site pairs per LD distance bin, at most [1000]\n"
"        --seed INT               seed for subsets and resamples [1]\n"
"        --threads INT            threads [1]\n"
"\n"
"Output:\n"
"    -o, --output FILE            TSV report: group metric synthetic baseline ratio ratio_lo\n"
"                                 ratio_hi flag [standard output]\n"
"        --json FILE              {\"rows\": [...], \"bias\": [...]}, with the verdict\n"
"        --html FILE              a self-contained page with plots, for readers who are not\n"
"                                 geneticists\n"
"        --af-table FILE          per site, the ALT frequency of each group of each cohort\n"
"        --ld-table FILE          per LD site pair, group and set, the haplotype r^2 used\n"
"        --fail-on flagged        exit 3 when the verdict is FLAGGED [never]\n"
"    -q, --quiet                  no informational messages\n"
"    -h, --help                   this text\n"
"        --version                version\n"
"\n"
"Example:\n"
"    vcf-fidelity syn.bcf --train train.bcf --holdout holdout.bcf -g 1kg_panel.tsv \\\n"
"            --group-column super_pop --html fidelity.html > fidelity.tsv\n"
"\n");
}

enum { O_TRAIN = 1000, O_HOLDOUT, O_GROUP_COLUMN, O_MAP, O_CM, O_MAP_EXTRAPOLATE, O_BOOT, O_LD_PAIRS, O_SEED, O_THREADS, O_JSON,
       O_HTML, O_AF_TABLE, O_LD_TABLE, O_VERSION, O_FAIL_ON, O_UTILITY, O_GWAS_P };

typedef struct {
    vs_fidelity_opts_t fid;
    const char *output, *json, *html, *af_table, *ld_table;
    int threads, fail_on_flagged;
} opts_t;

static void check_paths(const opts_t *o)
{
    vs_path_t in[] = { { "the input SYNTHETIC", o->fid.syn }, { "--train", o->fid.train }, { "--holdout", o->fid.holdout },
                       { "-g/--groups", o->fid.groups }, { "--map", o->fid.map.spec },
                       { "--utility-pheno", o->fid.utility_pheno } };
    vs_path_t out[] = { { "-o", o->output }, { "--json", o->json }, { "--html", o->html }, { "--af-table", o->af_table },
                        { "--ld-table", o->ld_table } };
    VS_TOOL_CHECK_PATHS(in, out);
}

static void parse(int argc, char **argv, opts_t *o)
{
    static const struct option lo[] = {
        { "train", required_argument, 0, O_TRAIN }, { "holdout", required_argument, 0, O_HOLDOUT },
        { "groups", required_argument, 0, 'g' }, { "group-column", required_argument, 0, O_GROUP_COLUMN },
        { "map", required_argument, 0, O_MAP }, { "cM-per-Mb", required_argument, 0, O_CM },
        { "map-extrapolate", no_argument, 0, O_MAP_EXTRAPOLATE },
        { "bootstrap", required_argument, 0, O_BOOT }, { "ld-pairs", required_argument, 0, O_LD_PAIRS },
        { "seed", required_argument, 0, O_SEED }, { "threads", required_argument, 0, O_THREADS },
        { "output", required_argument, 0, 'o' }, { "json", required_argument, 0, O_JSON },
        { "fail-on", required_argument, 0, O_FAIL_ON }, { "utility-pheno", required_argument, 0, O_UTILITY },
        { "gwas-p", required_argument, 0, O_GWAS_P },
        { "html", required_argument, 0, O_HTML }, { "af-table", required_argument, 0, O_AF_TABLE },
        { "ld-table", required_argument, 0, O_LD_TABLE }, { "quiet", no_argument, 0, 'q' },
        { "help", no_argument, 0, 'h' }, { "version", no_argument, 0, O_VERSION }, { 0, 0, 0, 0 }
    };
    memset(o, 0, sizeof *o);
    vs_fidelity_opts_init(&o->fid);
    o->output = "-";
    o->threads = 1;
    int c, gwas_p_given = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":g:o:qh", lo, NULL)) != -1) {
        switch (c) {
        case O_TRAIN: o->fid.train = optarg; break;
        case O_HOLDOUT: o->fid.holdout = optarg; break;
        case 'g': o->fid.groups = optarg; break;
        case O_GROUP_COLUMN: o->fid.group_column = optarg; break;
        case O_MAP: o->fid.map.spec = optarg; break;
        case O_CM: o->fid.map.cm_per_mb = vs_parse_double("--cM-per-Mb", optarg, 1e-6, 1000); break;
        case O_MAP_EXTRAPOLATE: o->fid.map.extrapolate = 1; break;
        case O_BOOT: o->fid.bootstrap = (int)vs_parse_long("--bootstrap", optarg, 20, 1000000); break;
        case O_LD_PAIRS: o->fid.ld_pairs = (int)vs_parse_long("--ld-pairs", optarg, 10, 100000000); break;
        case O_SEED: o->fid.seed = (uint64_t)vs_parse_long("--seed", optarg, 0, VS_SEED_MAX); break;
        case O_THREADS: o->threads = (int)vs_parse_long("--threads", optarg, 1, 1024); break;
        case O_UTILITY: o->fid.utility_pheno = optarg; break;
        case O_GWAS_P:
            o->fid.gwas_p = vs_parse_double("--gwas-p", optarg, 0, 1);
            if (o->fid.gwas_p <= 0) vs_die_usage("--gwas-p must lie in (0, 1], got %s", optarg);
            gwas_p_given = 1;
            break;
        case 'o': o->output = optarg; break;
        case O_JSON: o->json = optarg; break;
        case O_FAIL_ON:
            if (strcmp(optarg, "flagged")) vs_die_usage("--fail-on must be flagged, got '%s'", optarg);
            o->fail_on_flagged = 1;
            break;
        case O_HTML: o->html = optarg; break;
        case O_AF_TABLE: o->af_table = optarg; break;
        case O_LD_TABLE: o->ld_table = optarg; break;
        case 'q': vs_set_quiet(1); break;
        case 'h': usage(stdout); exit(0);
        case O_VERSION:
            printf("vcf-fidelity (vcfsynth) %s\nUsing htslib %s\n", vs_version(), vs_htslib_version());
            exit(0);
        case ':': vs_die_usage("option '%s' needs a value", argv[optind - 1]);
        default: vs_die_usage("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (!o->fid.train || !o->fid.holdout) vs_die_usage("--train and --holdout are required");
    if (o->fid.group_column && !o->fid.groups) vs_die_usage("--group-column needs -g/--groups");
    if (gwas_p_given && !o->fid.utility_pheno) vs_die_usage("--gwas-p goes with --utility-pheno");
    if (optind + 1 != argc) vs_die_usage("one SYNTHETIC file expected, got %d", argc - optind);
    o->fid.syn = argv[optind];
    o->fid.keep_site_names = o->af_table || o->ld_table;
    check_paths(o);
}

int main(int argc, char **argv)
{
    vs_tool_init("vcf-fidelity", argc, argv);
    opts_t o;
    parse(argc, argv, &o);
    omp_set_num_threads(o.threads = vs_threads_cap(o.threads));
    vs_error_t e;
    vs_fidelity_t *f = vs_fidelity_run(&o.fid, &e);
    if (!f) vs_exit_error(&e);
    vs_outfile_t *of;
    FILE *fp = vs_tool_text_open(o.output, &of);
    vs_fidelity_tsv(f, fp);
    vs_tool_text_close(fp, of, o.output);
    if (o.json) vs_ok(vs_fidelity_json(f, o.json, &e), &e);
    if (o.html) vs_ok(vs_report_html(f, o.html, &e), &e);
    if (o.af_table) vs_ok(vs_fidelity_af_table(f, o.af_table, &e), &e);
    if (o.ld_table) vs_ok(vs_fidelity_ld_table(f, o.ld_table, &e), &e);
    vs_tool_commit();
    vs_fidelity_summary(f);
    int flagged = vs_fidelity_flagged(f);
    vs_fidelity_destroy(f);
    if (o.fail_on_flagged && flagged) {
        vs_warn("the verdict is FLAGGED, and --fail-on flagged was given: exit %d", VS_EXIT_VERDICT);
        return VS_EXIT_VERDICT;
    }
    return 0;
}
