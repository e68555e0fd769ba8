/* vcf-pheno: a trait with a known causal model, for any cohort (real or
 * synthetic), as a plink2 phenotype table; the model can be written and
 * applied to another cohort, so that both carry the same truth. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vs_tool.h"
#include "vs_out.h"
#include "vs_pheno.h"
#include "vs_rng.h"
#include "vs_vcf.h"

static void usage(FILE *fp)
{
    fprintf(fp,
"\n"
"About:   Simulate a trait with a known causal model on any VCF/BCF (real or synthetic):\n"
"         additive effects on ALT dosages, scaled to a heritability, environmental noise\n"
"         keyed by sample name; a plink2 phenotype table. The model (--effects-out) applies\n"
"         unchanged to another cohort (--effects). See vcf-pheno(1).\n"
"Usage:   vcf-pheno [options] [INPUT|-] --causal N|FILE\n"
"         vcf-pheno [options] [INPUT|-] --effects FILE\n"
"\n"
"Causal model:\n"
"        --causal N|FILE          N causal variants drawn among the polymorphic biallelic sites,\n"
"                                 or a file of CHROM POS [REF ALT] lines\n"
"        --min-maf FLOAT          --causal N: only sites with this minor allele frequency [0]\n"
"        --h2 FLOAT               heritability in INPUT, in (0,1] [0.5]\n"
"        --alpha FLOAT            effect variance ~ [2p(1-p)]^alpha [-0.25]\n"
"        --prevalence FLOAT       case/control: this fraction of INPUT are cases (liability\n"
"                                 threshold), in (0,1) [quantitative trait]\n"
"        --shift GROUP=DELTA,...  add DELTA (trait units) to the trait of GROUP's samples\n"
"    -g, --groups FILE            sample-to-group table for --shift [##SAMPLE Group= lines]\n"
"        --group-column NAME      group column of FILE, by header name [the second column]\n"
"        --effects FILE           apply this model (from --effects-out) instead of drawing one\n"
"        --seed INT               causal sites, effects and noise [1; with --effects, the file's]\n"
"\n"
"Output:\n"
"    -o, --output FILE            phenotype table: #FID IID score trait [liability]\n"
"                                 [standard output]\n"
"        --iid-only               columns #IID ... without FID, for plink2's own VCF import\n"
"                                 [#FID IID ..., FID = IID = the sample name]\n"
"        --effects-out FILE       the model: ## lines, then #CHROM POS REF ALT AF BETA\n"
"        --no-version             leave the version and command line out of --effects-out\n"
"    -q, --quiet                  no informational messages\n"
"    -h, --help                   this text\n"
"        --version                version\n"
"\n"
"Example:\n"
"    vcf-pheno train.bcf --causal 50 --h2 0.5 --effects-out effects.tsv -o train.pheno\n"
"    vcf-pheno syn.bcf --effects effects.tsv -o syn.pheno\n"
"    plink2 --bcf syn.bcf --double-id --pheno syn.pheno --pheno-name trait --glm allow-no-covars\n"
"\n");
}

enum { O_CAUSAL = 1000, O_MIN_MAF, O_H2, O_ALPHA, O_PREVALENCE, O_SHIFT, O_GROUP_COLUMN, O_EFFECTS, O_EFFECTS_OUT,
       O_SEED, O_NO_VERSION, O_IID_ONLY, O_VERSION };

/* What goes with what, once every option is read. */
static void check_combinations(const vs_pheno_opts_t *o, int model_given)
{
    if (o->effects && (o->causal || model_given))
        vs_die_usage("--effects applies a model as it is: --causal, --min-maf, --h2, --alpha and --prevalence "
                     "go without it");
    if (o->effects && o->effects_out)
        vs_die_usage("--effects-out goes without --effects (the model is %s already)", o->effects);
    if (!o->effects && !o->causal) vs_die_usage("give --causal N|FILE (a new model) or --effects FILE");
    if (o->group_column && !o->groups) vs_die_usage("--group-column needs -g/--groups");
    if (o->effects_out && !strcmp(o->effects_out, "-") && !strcmp(o->output, "-"))
        vs_die_usage("--effects-out - and the table would both go to standard output; give -o FILE");
}

static void parse(int argc, char **argv, vs_pheno_opts_t *o)
{
    static const struct option lo[] = {
        { "causal", required_argument, 0, O_CAUSAL }, { "min-maf", required_argument, 0, O_MIN_MAF },
        { "h2", required_argument, 0, O_H2 }, { "alpha", required_argument, 0, O_ALPHA },
        { "prevalence", required_argument, 0, O_PREVALENCE }, { "shift", required_argument, 0, O_SHIFT },
        { "groups", required_argument, 0, 'g' }, { "group-column", required_argument, 0, O_GROUP_COLUMN },
        { "effects", required_argument, 0, O_EFFECTS }, { "effects-out", required_argument, 0, O_EFFECTS_OUT },
        { "seed", required_argument, 0, O_SEED }, { "output", required_argument, 0, 'o' },
        { "no-version", no_argument, 0, O_NO_VERSION }, { "iid-only", no_argument, 0, O_IID_ONLY },
        { "quiet", no_argument, 0, 'q' },
        { "help", no_argument, 0, 'h' }, { "version", no_argument, 0, O_VERSION }, { 0, 0, 0, 0 }
    };
    vs_pheno_opts_init(o);
    int c, model_given = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":g:o:qh", lo, NULL)) != -1) {
        switch (c) {
        case O_CAUSAL: o->causal = optarg; break;
        case O_MIN_MAF: o->min_maf = vs_parse_double("--min-maf", optarg, 0, 0.5); model_given = 1; break;
        case O_H2:
            o->h2 = vs_parse_double("--h2", optarg, 0, 1);
            if (o->h2 <= 0) vs_die_usage("--h2 must lie in (0, 1], got %s", optarg);
            model_given = 1;
            break;
        case O_ALPHA: o->alpha = vs_parse_double("--alpha", optarg, -10, 10); model_given = 1; break;
        case O_PREVALENCE:
            o->prevalence = vs_parse_double("--prevalence", optarg, 0, 1);
            if (o->prevalence <= 0 || o->prevalence >= 1)
                vs_die_usage("--prevalence must lie in (0, 1), got %s", optarg);
            model_given = 1;
            break;
        case O_SHIFT: o->shift = optarg; break;
        case 'g': o->groups = optarg; break;
        case O_GROUP_COLUMN: o->group_column = optarg; break;
        case O_EFFECTS: o->effects = optarg; break;
        case O_EFFECTS_OUT: o->effects_out = optarg; break;
        case O_SEED:
            o->seed = (uint64_t)vs_parse_long("--seed", optarg, 0, VS_SEED_MAX);
            o->seed_given = 1;
            break;
        case 'o': o->output = optarg; break;
        case O_NO_VERSION: o->no_version = 1; break;
        case O_IID_ONLY: o->iid_only = 1; break;
        case 'q': vs_set_quiet(1); break;
        case 'h': usage(stdout); exit(0);
        case O_VERSION: printf("vcf-pheno (vcfsynth) %s\nUsing htslib %s\n", vs_version(), vs_htslib_version()); exit(0);
        case ':': vs_die_usage("option '%s' needs a value", argv[optind - 1]);
        default: vs_die_usage("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind > 1) vs_die_usage("one INPUT file expected, got %d", argc - optind);
    o->input = optind < argc ? argv[optind] : "-";
    check_combinations(o, model_given);
    vs_error_t err;
    if (vs_pheno_check(o, &err)) vs_exit_error(&err);
    const char *list = o->causal && strspn(o->causal, "0123456789") != strlen(o->causal) ? o->causal : NULL;
    vs_path_t in[] = { { "the input", o->input }, { "-g/--groups", o->groups }, { "--causal", list },
                       { "--effects", o->effects } };
    vs_path_t out[] = { { "-o", o->output }, { "--effects-out", o->effects_out } };
    VS_TOOL_CHECK_PATHS(in, out);
}

int main(int argc, char **argv)
{
    vs_tool_init("vcf-pheno", argc, argv);
    vs_pheno_opts_t o;
    parse(argc, argv, &o);
    vs_error_t e;
    if (vs_pheno_run(&o, &e) < 0) vs_exit_error(&e);
    vs_tool_commit();
    return 0;
}
