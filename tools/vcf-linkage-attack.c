/* vcf-linkage-attack: re-identification and membership-inference attacks on
 * a synthetic cohort, scored per ancestry group. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <omp.h>

#include "vs_tool.h"
#include "vs_threads.h"
#include "vs_out.h"
#include "vs_risk.h"
#include "vs_rng.h"
#include "vs_shadow.h"
#include "vs_vcf.h"

static void usage(FILE *fp)
{
    fprintf(fp,
"\n"
"About:   Attack a synthetic cohort: can a training sample be told apart from a holdout\n"
"         sample (membership inference) or linked to a synthetic one (re-identification)?\n"
"         Each attack is scored, per group and overall, on training members against\n"
"         holdout non-members: AUC 0.5 means no signal. See vcf-linkage-attack(1).\n"
"Usage:   vcf-linkage-attack SYNTHETIC --train TRAIN --holdout HOLDOUT [options]\n"
"\n"
"Inputs (VCF, VCF.gz or BCF; sites matched by CHROM, POS, REF and ALT):\n"
"        --train FILE             the samples the generator was trained on (members)\n"
"        --holdout FILE           real samples it never saw (non-members)\n"
"    -g, --groups FILE            sample-to-group table for the targets [one group, \"all\"]\n"
"        --group-column NAME      group column of FILE, by header name [the second column]\n"
"        --map FILE|TEMPLATE|DIR  genetic map for ibd [INFO/CM, else constant]\n"
"        --cM-per-Mb FLOAT        constant rate where there is no map [1.0]\n"
"        --map-extrapolate        use a map that spans under half of a contig's sites [refuse]\n"
"\n"
"Attacks:\n"
"        --attacks LIST           dcr,aats,king,ibd,af,unique,partial,names,shadow or all [all;\n"
"                                 shadow only with --shadow-cmd]\n"
"        --known-sites INT        partial: sites the attacker knows per target [100]\n"
"        --shadow-cmd TEMPLATE    shadow: the generator as a shell command with {train} {out} {n}\n"
"                                 {seed} {groups} {model} {dir}, e.g. 'vcf-fit {train} -o {model} &&\n"
"                                 vcf-synth -m {model} {train} -n {n} --seed {seed} -Ob -o {out}'\n"
"        --shadow-pool FILE       shadow: real genomes the attacker holds [the holdout]\n"
"        --shadow-runs INT        shadow: shadow training sets, each half of the pool [4]\n"
"        --kmer INT               unique: sites per haplotype k-mer, 1-64 [16]\n"
"        --bootstrap INT          bootstrap resamples for the AUC interval, at least 20 [200]\n"
"        --seed INT               seed for subsets and resamples [1]\n"
"        --threads INT            threads [1]\n"
"        --self-test FLOAT        run controls from TRAIN and HOLDOUT instead (no SYNTHETIC argument):\n"
"                                 positive (a fraction FLOAT of TRAIN copied), planted (a few\n"
"                                 members copied among strangers, which the copies rule must flag)\n"
"                                 and negative; negative rows use Bonferroni-adjusted intervals\n"
"\n"
"Output:\n"
"    -o, --output FILE            TSV report [standard output]\n"
"        --json FILE              the same rows as {\"rows\": [...]}, with the sites used, the\n"
"                                 worst group per attack, KING bands, AATS and k-mer shares\n"
"        --fail-on high|signal    exit 3 when any row is high (or signal or high) [never]\n"
"    -q, --quiet                  no informational messages\n"
"    -h, --help                   this text\n"
"        --version                version\n"
"\n"
"Example:\n"
"    vcf-linkage-attack syn.bcf --train train.bcf --holdout holdout.bcf \\\n"
"            -g 1kg_panel.tsv --group-column super_pop --json risk.json > risk.tsv\n"
"\n");
}

enum { O_TRAIN = 1000, O_HOLDOUT, O_GROUP_COLUMN, O_MAP, O_CM, O_MAP_EXTRAPOLATE, O_ATTACKS, O_KNOWN, O_KMER, O_BOOT, O_SEED,
       O_THREADS, O_SELF, O_JSON, O_VERSION, O_SHADOW_CMD, O_SHADOW_POOL, O_SHADOW_RUNS,
       O_FAIL_ON };

typedef struct {
    vs_risk_opts_t risk;
    const char *output, *json;
    int threads;
    double self_test;
    int fail_on;              /* 0 never, 1 signal, 2 high: vs_risk_worst() at or above it exits 3 */
} opts_t;

static void parse(int argc, char **argv, opts_t *o)
{
    static const struct option lo[] = {
        { "train", required_argument, 0, O_TRAIN }, { "holdout", required_argument, 0, O_HOLDOUT },
        { "groups", required_argument, 0, 'g' }, { "group-column", required_argument, 0, O_GROUP_COLUMN },
        { "map", required_argument, 0, O_MAP }, { "cM-per-Mb", required_argument, 0, O_CM },
        { "map-extrapolate", no_argument, 0, O_MAP_EXTRAPOLATE },
        { "attacks", required_argument, 0, O_ATTACKS }, { "known-sites", required_argument, 0, O_KNOWN },
        { "kmer", required_argument, 0, O_KMER }, { "bootstrap", required_argument, 0, O_BOOT },
        { "seed", required_argument, 0, O_SEED }, { "threads", required_argument, 0, O_THREADS },
        { "self-test", required_argument, 0, O_SELF }, { "output", required_argument, 0, 'o' },
        { "json", required_argument, 0, O_JSON }, { "fail-on", required_argument, 0, O_FAIL_ON }, { "quiet", no_argument, 0, 'q' },
        { "shadow-cmd", required_argument, 0, O_SHADOW_CMD }, { "shadow-pool", required_argument, 0, O_SHADOW_POOL },
        { "shadow-runs", required_argument, 0, O_SHADOW_RUNS },
        { "help", no_argument, 0, 'h' }, { "version", no_argument, 0, O_VERSION }, { 0, 0, 0, 0 }
    };
    memset(o, 0, sizeof *o);
    vs_risk_opts_init(&o->risk);
    unsigned attacks_named = 0;
    vs_error_t err;
    o->output = "-";
    o->threads = 1;
    o->self_test = -1;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":g:o:qh", lo, NULL)) != -1) {
        switch (c) {
        case O_TRAIN: o->risk.train = optarg; break;
        case O_HOLDOUT: o->risk.holdout = optarg; break;
        case 'g': o->risk.groups = optarg; break;
        case O_GROUP_COLUMN: o->risk.group_column = optarg; break;
        case O_MAP: o->risk.map.spec = optarg; break;
        case O_CM: o->risk.map.cm_per_mb = vs_parse_double("--cM-per-Mb", optarg, 1e-6, 1000); break;
        case O_MAP_EXTRAPOLATE: o->risk.map.extrapolate = 1; break;
        case O_ATTACKS:
            if (vs_risk_parse_attacks(optarg, &o->risk.attacks, &attacks_named, &err)) vs_exit_error(&err);
            break;
        case O_SHADOW_CMD: o->risk.shadow_cmd = optarg; break;
        case O_SHADOW_POOL: o->risk.shadow_pool = optarg; break;
        case O_SHADOW_RUNS: o->risk.shadow_runs = (int)vs_parse_long("--shadow-runs", optarg, 1, 1000); break;
        case O_KNOWN: o->risk.known_sites = (int)vs_parse_long("--known-sites", optarg, 1, 100000000); break;
        case O_KMER: o->risk.kmer = (int)vs_parse_long("--kmer", optarg, 1, 64); break;
        case O_BOOT: o->risk.bootstrap = (int)vs_parse_long("--bootstrap", optarg, 20, 1000000); break;
        case O_SEED: o->risk.seed = (uint64_t)vs_parse_long("--seed", optarg, 0, VS_SEED_MAX); break;
        case O_THREADS: o->threads = (int)vs_parse_long("--threads", optarg, 1, 1024); break;
        case O_SELF: o->self_test = vs_parse_double("--self-test", optarg, 0.01, 1); break;
        case 'o': o->output = optarg; break;
        case O_JSON: o->json = optarg; break;
        case O_FAIL_ON:
            if (strcmp(optarg, "high") && strcmp(optarg, "signal"))
                vs_die_usage("--fail-on must be high or signal, got '%s'", optarg);
            o->fail_on = !strcmp(optarg, "high") ? 2 : 1;
            break;
        case 'q': vs_set_quiet(1); break;
        case 'h': usage(stdout); exit(0);
        case O_VERSION:
            printf("vcf-linkage-attack (vcfsynth) %s\nUsing htslib %s\n", vs_version(), vs_htslib_version());
            exit(0);
        case ':': vs_die_usage("option '%s' needs a value", argv[optind - 1]);
        default: vs_die_usage("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (!o->risk.train || !o->risk.holdout) vs_die_usage("--train and --holdout are required");
    if ((attacks_named & VS_ATT_SHADOW) && !o->risk.shadow_cmd)
        vs_die_usage("the shadow attack needs the generator: give --shadow-cmd 'TEMPLATE' (see vcf-linkage-attack(1))");
    if ((o->risk.shadow_pool || o->risk.shadow_runs != 4) && !o->risk.shadow_cmd)
        vs_die_usage("--shadow-pool and --shadow-runs go with --shadow-cmd");
    if (o->risk.shadow_cmd && vs_shadow_check_template(o->risk.shadow_cmd, &err)) vs_exit_error(&err);
    if (o->risk.group_column && !o->risk.groups) vs_die_usage("--group-column needs -g/--groups");
    if (o->self_test < 0) {
        if (optind + 1 != argc) vs_die_usage("one SYNTHETIC file expected, got %d", argc - optind);
        o->risk.syn = argv[optind];
    } else if (optind != argc) {
        vs_die_usage("--self-test reads only --train and --holdout; drop the SYNTHETIC argument");
    } else if (o->risk.groups || o->json) {
        vs_die_usage("--self-test reports the whole cohort as TSV; it takes neither -g nor --json");
    } else if (o->fail_on) {
        vs_die_usage("--self-test exits 1 when a control misbehaves; --fail-on goes with an attack on SYNTHETIC");
    }
    if (o->json && !strcmp(o->json, "-") && !strcmp(o->output, "-"))
        vs_die_usage("--json - and the TSV would both go to standard output; give -o FILE or --json FILE");
    vs_path_t in[] = { { "the input SYNTHETIC", o->risk.syn }, { "--train", o->risk.train },
                       { "--holdout", o->risk.holdout }, { "-g/--groups", o->risk.groups }, { "--map", o->risk.map.spec },
                       { "--shadow-pool", o->risk.shadow_pool } };
    vs_path_t out[] = { { "-o", o->output }, { "--json", o->json } };
    VS_TOOL_CHECK_PATHS(in, out);
    /* the holdout given as SYNTHETIC would pass as a safe release: members look no closer than
     * non-members (SYNTHETIC = --train is the worst case, reported high: a control the tests use;
     * --train = --holdout: the sample check) */
    vs_tool_check_distinct((vs_path_t[]){ in[0], in[2] }, 2);
}

int main(int argc, char **argv)
{
    vs_tool_init("vcf-linkage-attack", argc, argv);
    opts_t o;
    parse(argc, argv, &o);
    omp_set_num_threads(o.threads = vs_threads_cap(o.threads));
    vs_outfile_t *of;
    if (o.self_test > 0) {
        FILE *fp = vs_tool_text_open(o.output, &of);
        vs_error_t e;
        int failures = vs_risk_self_test(&o.risk, o.self_test, fp, &e);
        if (failures < 0) vs_exit_error(&e);
        vs_tool_text_close(fp, of, o.output);
        vs_tool_commit();      /* the report of a failed self-test is kept: it says what failed */
        if (failures) vs_warn("self-test: %d control%s did not behave as expected", failures, failures == 1 ? "" : "s");
        return failures ? 1 : 0;
    }
    vs_error_t e;
    vs_risk_t *r = vs_risk_run(&o.risk, &e);
    if (!r) vs_exit_error(&e);
    FILE *fp = vs_tool_text_open(o.output, &of);
    vs_risk_tsv(r, fp);
    vs_tool_text_close(fp, of, o.output);
    vs_risk_summary(r);
    if (o.json) vs_ok(vs_risk_json(r, o.json, &e), &e);
    vs_tool_commit();
    int worst = vs_risk_worst(r);
    vs_risk_destroy(r);
    if (o.fail_on && worst >= o.fail_on) {
        vs_warn("a row is %s, and --fail-on %s was given: exit %d", worst == 2 ? "high" : "signal",
                o.fail_on == 2 ? "high" : "signal", VS_EXIT_VERDICT);
        return VS_EXIT_VERDICT;
    }
    return 0;
}
