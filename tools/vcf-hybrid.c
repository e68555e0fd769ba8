/* vcf-hybrid: augmented, mixed and region-replaced datasets of real and
 * synthetic samples, with provenance. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vs_tool.h"
#include "vs_threads.h"
#include "vs_hybrid.h"
#include "vs_out.h"
#include "vs_rng.h"
#include "vs_vcf.h"

static void usage(FILE *fp)
{
    fprintf(fp,
"\n"
"About:   Put real and synthetic samples in one dataset, with provenance. See vcf-hybrid(1).\n"
"Usage:   vcf-hybrid augment REAL SYNTHETIC --target equal|max|GROUP=N,... [options]\n"
"         vcf-hybrid mix REAL SYNTHETIC --fraction F [--key FILE] [options]\n"
"         vcf-hybrid replace REAL SYNTHETIC -R regions.bed [--key FILE] [options]\n"
"\n"
"Modes:\n"
"    augment   all real samples, plus synthetic samples of each group up to --target:\n"
"              equal (every group as large as the largest), max (every synthetic sample of\n"
"              the real groups) or GROUP=N,... (those groups to N samples in all)\n"
"    mix       a fraction of the real samples of each group replaced by synthetic samples\n"
"              of that group; order shuffled, names replaced; origin only in --key\n"
"    replace   inside the BED regions, each real sample's genotypes come from a synthetic\n"
"              sample of its group (pairs in --key); outside, unchanged\n"
"\n"
"Inputs (VCF, VCF.gz or BCF, sorted alike; one of them may be - for standard input):\n"
"    -g, --groups FILE            sample-to-group table, for samples without ##SAMPLE Group=\n"
"        --group-column NAME      group column of FILE, by header name [the second column]\n"
"        --sites exact|intersect  sites must match (CHROM, POS, REF, ALT), or keep the shared [exact]\n"
"\n"
"Mode options:\n"
"        --target SPEC            augment: equal, max or GROUP=N,...\n"
"        --fraction FLOAT         mix: share of each group's real samples replaced, 0-1\n"
"        --prefix STR             mix: output sample names, STR and an index [S]\n"
"    -R, --regions-file FILE      replace: BED regions (0-based, half-open)\n"
"        --key FILE               mix, replace: TSV of each output sample's origin and source\n"
"        --seed INT               mix: which samples are replaced, and the order [1]\n"
"\n"
"Output:\n"
"    -o, --output FILE            output file [standard output]\n"
"    -O, --output-type b|u|z|v[0-9]  compressed BCF, uncompressed BCF, compressed VCF, VCF\n"
"                                 [from the -o suffix, else v]\n"
"        --write-index[=csi|tbi]  index the output as bcftools does: FILE.csi, or FILE.tbi for\n"
"                                 bgzipped VCF [off; csi]\n"
"        --threads INT            threads, the calling one and compression [1]\n"
"        --no-version             leave out the version and command line\n"
"    -q, --quiet                  no informational messages\n"
"    -h, --help                   this text\n"
"        --version                version\n"
"\n"
"Example:\n"
"    vcf-synth -m model.json train.bcf -n 2000 --mix equal -Ob -o syn.bcf\n"
"    vcf-hybrid augment train.bcf syn.bcf -g panel.tsv --group-column super_pop \\\n"
"            --target equal -Ob -o augmented.bcf\n"
"\n");
}

enum { O_GROUP_COLUMN = 1000, O_SITES, O_TARGET, O_FRACTION, O_PREFIX, O_KEY, O_SEED, O_THREADS,
       O_NO_VERSION, O_VERSION, O_WRITE_INDEX };

/* equal, max, or GROUP=N,... with whole N: checked before any file is read. */
static void check_target(const char *spec)
{
    vs_target_t t;
    vs_error_t e;
    if (vs_target_parse(spec, &t, &e)) vs_exit_error(&e);
    vs_target_free(&t);
}

static void parse(int argc, char **argv, vs_hybrid_opts_t *o)
{
    int prefix_given = 0, seed_given = 0;
    const char *write_index = NULL;
    static const struct option lo[] = {
        { "groups", required_argument, 0, 'g' }, { "group-column", required_argument, 0, O_GROUP_COLUMN },
        { "sites", required_argument, 0, O_SITES }, { "target", required_argument, 0, O_TARGET },
        { "fraction", required_argument, 0, O_FRACTION }, { "prefix", required_argument, 0, O_PREFIX },
        { "regions-file", required_argument, 0, 'R' }, { "key", required_argument, 0, O_KEY },
        { "seed", required_argument, 0, O_SEED }, { "output", required_argument, 0, 'o' },
        { "output-type", required_argument, 0, 'O' }, { "threads", required_argument, 0, O_THREADS },
        { "write-index", optional_argument, 0, O_WRITE_INDEX },
        { "no-version", no_argument, 0, O_NO_VERSION }, { "quiet", no_argument, 0, 'q' },
        { "help", no_argument, 0, 'h' }, { "version", no_argument, 0, O_VERSION }, { 0, 0, 0, 0 }
    };
    memset(o, 0, sizeof *o);
    o->fraction = -1;
    o->prefix = "S";
    o->seed = 1;
    o->output = "-";
    o->threads = 1;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":g:R:o:O:qh", lo, NULL)) != -1) {
        switch (c) {
        case 'g': o->groups = optarg; break;
        case O_GROUP_COLUMN: o->group_column = optarg; break;
        case O_SITES:
            if (strcmp(optarg, "exact") && strcmp(optarg, "intersect"))
                vs_die_usage("--sites must be exact or intersect, got '%s'", optarg);
            o->sites_intersect = !strcmp(optarg, "intersect");
            break;
        case O_TARGET: o->target = optarg; break;
        case O_FRACTION: o->fraction = vs_parse_double("--fraction", optarg, 0, 1); break;
        case O_PREFIX:
            if (!*optarg || strpbrk(optarg, " \t\n,<>=\"")) vs_die_usage("--prefix must be a non-empty word");
            o->prefix = optarg;
            prefix_given = 1;
            break;
        case 'R': o->regions = optarg; break;
        case O_KEY: o->key = optarg; break;
        case O_SEED:
            o->seed = (uint64_t)vs_parse_long("--seed", optarg, 0, VS_SEED_MAX);
            seed_given = 1;
            break;
        case 'o': o->output = optarg; break;
        case 'O': o->otype = optarg; break;
        case O_WRITE_INDEX: write_index = optarg ? optarg : "csi"; break;
        case O_THREADS: o->threads = (int)vs_parse_long("--threads", optarg, 1, 1024); break;
        case O_NO_VERSION: o->no_version = 1; break;
        case 'q': vs_set_quiet(1); break;
        case 'h': usage(stdout); exit(0);
        case O_VERSION: printf("vcf-hybrid (vcfsynth) %s\nUsing htslib %s\n", vs_version(), vs_htslib_version()); exit(0);
        case ':': vs_die_usage("option '%s' needs a value", argv[optind - 1]);
        default: vs_die_usage("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind != 3) vs_die_usage("expected MODE REAL SYNTHETIC");
    const char *mode = argv[optind];
    o->real = argv[optind + 1];
    o->syn = argv[optind + 2];
    if (!strcmp(o->real, "-") && !strcmp(o->syn, "-")) vs_die_usage("only one of REAL and SYNTHETIC can be -");
    if (!strcmp(mode, "augment")) {
        o->mode = VS_AUGMENT;
        if (!o->target) vs_die_usage("augment needs --target equal|max|GROUP=N,...");
        check_target(o->target);
    } else if (!strcmp(mode, "mix")) {
        o->mode = VS_MIX;
        if (o->fraction < 0) vs_die_usage("mix needs --fraction F, between 0 and 1");
    } else if (!strcmp(mode, "replace")) {
        o->mode = VS_REPLACE;
        if (!o->regions) vs_die_usage("replace needs -R/--regions-file BED");
    } else {
        vs_die_usage("unknown mode '%s': augment, mix or replace", mode);
    }
    if (o->target && o->mode != VS_AUGMENT) vs_die_usage("--target goes with augment");
    if ((o->fraction >= 0 || prefix_given || seed_given) && o->mode != VS_MIX)
        vs_die_usage("--fraction, --prefix and --seed go with mix");
    if (o->regions && o->mode != VS_REPLACE) vs_die_usage("-R/--regions-file goes with replace");
    if (o->key && o->mode == VS_AUGMENT) vs_die_usage("--key goes with mix or replace (augment keeps provenance in ##SAMPLE lines)");
    if (o->key && !strcmp(o->key, "-") && !strcmp(o->output, "-"))
        vs_die_usage("--key - and the VCF would both go to standard output; give -o FILE or --key FILE");
    vs_error_t err;
    if (vs_output_type_check(o->otype, &err) ||
        (write_index && vs_write_index_parse(write_index, o->otype, o->output, &o->write_index, &err)))
        vs_exit_error(&err);
    vs_path_t in[] = { { "the input REAL", o->real }, { "the input SYNTHETIC", o->syn }, { "-g/--groups", o->groups },
                       { "-R/--regions-file", o->regions } };
    char *index = vs_index_path(o->output, o->write_index);     /* --write-index: an output too */
    vs_path_t out[] = { { "-o", o->output }, { "--key", o->key }, { "the index of -o (--write-index)", index } };
    VS_TOOL_CHECK_PATHS(in, out);
    free(index);
    vs_tool_check_distinct(in, 2);      /* REAL and SYNTHETIC */
}

int main(int argc, char **argv)
{
    vs_tool_init("vcf-hybrid", argc, argv);
    vs_hybrid_opts_t o;
    parse(argc, argv, &o);
    o.threads = vs_threads_cap(o.threads);
    vs_error_t e;
    vs_ok(vs_hybrid_run(&o, &e), &e);
    vs_tool_commit();
    return 0;
}
