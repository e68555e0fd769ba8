/* vcf-synth: sample synthetic phased haplotypes from a vcf-fit model. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vs_tool.h"
#include "vs_threads.h"
#include "vs_model.h"
#include "vs_out.h"
#include "vs_rng.h"
#include "vs_sample.h"
#include "vs_synth.h"
#include "vs_vcf.h"

/* Knobs given one by one: they override the --privacy preset, in any order. */
enum { K_MIN_CARRIERS = 1, K_JUMP = 2, K_SCALE = 4, K_SEGMENT = 8, K_RARE = 16, K_CONTEXT = 32 };

typedef struct {
    const char *model, *panel, *mix, *prefix, *output, *otype, *privacy;
    const char *provenance, *local_ancestry, *write_index_arg;
    const char **admix;        /* --admix values, in order */
    const char **cond;         /* --condition values, in order */
    int n_admix, n_cond, mix_given;
    int n, threads, no_version, progress, write_index;
    int copying_given;         /* --privacy or a copying knob on the command line */
    vs_sample_opts_t sample;
    vs_read_opts_t read;
    vs_reread_t regions_copy, targets_copy;  /* -R/-T given as a pipe: read more than once */
    char *targets_spec;                      /* "^" and the copy's path, for -T ^<(...) */
} opts_t;

static void usage(FILE *fp)
{
    fprintf(fp,
"\n"
"About:   Sample synthetic phased haplotypes from a vcf-fit model: a mosaic of the\n"
"         panel's haplotypes of each group. Streams the panel; writes VCF/BCF.\n"
"         See vcf-synth(1).\n"
"Usage:   vcf-synth -m model.json [options] <panel.vcf.gz|panel.bcf|->\n"
"         vcf-synth -m markov.json [options]     (a vcf-fit --kind markov model: no panel)\n"
"\n"
"Model and samples:\n"
"    -m, --model FILE             model written by vcf-fit (JSON, or xz-compressed JSON)\n"
"    -n, --n-samples INT          number of synthetic samples [1000]\n"
"        --mix source|equal|G=p,...  group shares: the source's, equal, or given; --admix\n"
"                                 groups may be named [source; with --admix: its groups]\n"
"        --prefix STR             sample names: STR and a zero-padded index [SYN]\n"
"        --seed INT               random seed: the same seed, model, panel and options give\n"
"                                 the same output, for any --threads or -r split [1]\n"
"\n"
"Plastic cohorts (see vcf-synth(1)):\n"
"        --admix NAME=G:p,G:p[,gen=T]  an admixed group NAME: local ancestry switches along\n"
"                                 the map at rate T per Morgan (generations since the\n"
"                                 admixture) between the groups G in shares p [gen=10];\n"
"                                 repeatable\n"
"        --local-ancestry FILE    the true tracts of the admixed samples (sample, haplotype,\n"
"                                 contig, start, end, group), bgzipped, with FILE.tbi\n"
"        --condition CHR:POS:REF:ALT=k[,fraction=F][,group=G]\n"
"                                 a share F of the samples (of group G) carry exactly k\n"
"                                 copies of ALT, each copying a real carrier's background\n"
"                                 there [fraction=1]; repeatable; needs an indexed panel\n"
"\n"
"Privacy (see vcf-synth(1); measure the result with vcf-linkage-attack and vcf-fidelity):\n"
"        --privacy PRESET         off (plain copying, as vcfsynth 0.1), fidelity (k 5, context\n"
"                                 160), balanced (k 5, context 80) or strict (k 10, context 80);\n"
"                                 knobs below override it [balanced]\n"
"        --min-carriers INT       k: every copied piece, with the context it joined, is carried\n"
"                                 by at least k source individuals of its group\n"
"        --jump neighbour|uniform where a jump lands: a haplotype agreeing over the longest\n"
"                                 recent context, or anywhere in the group\n"
"        --max-context-sites INT  the longest context a neighbour jump matches on [80]\n"
"        --scale-switch FLOAT     multiplies the switch rate 4 Ne / K of the model\n"
"        --max-segment-cM FLOAT   end a piece before it grows longer [no cap]\n"
"        --rare drop|scatter      alleles fewer than k carry: leave out, or place at a fresh\n"
"                                 sample's frequency away from every carrier's background\n"
"        --provenance FILE        every copied piece (synthetic and SOURCE sample names): for\n"
"                                 audits only, never written unless asked\n"
"\n"
"Input:\n"
"    -r, --regions REGION         chr|chr:pos|chr:beg-end[,...]; needs an index\n"
"    -R, --regions-file FILE      regions listed in a file\n"
"    -t, --targets [^]REGION      like -r, but streams without an index\n"
"    -T, --targets-file [^]FILE   targets listed in a file\n"
"\n"
"Output:\n"
"    -o, --output FILE            output file [standard output]\n"
"    -O, --output-type b|u|z|v[0-9]  compressed BCF, uncompressed BCF, compressed VCF,\n"
"                                 VCF; 0-9 compression level [from the -o suffix, else v]\n"
"        --write-index[=csi|tbi]  index the output as bcftools does: FILE.csi, or FILE.tbi for\n"
"                                 bgzipped VCF [off; csi]\n"
"        --threads INT            threads in all, sampling and compression [1]\n"
"        --no-version             leave out the version and command line\n"
"        --progress               show progress even when standard error is not a terminal\n"
"    -q, --quiet                  no progress or informational messages\n"
"    -h, --help                   this text\n"
"        --version                version\n"
"\n"
"Examples:\n"
"    vcf-synth -m model.json train.bcf -n 10000 --mix equal --seed 7 -Ob -o syn.bcf\n"
"    vcf-synth -m model.json train.bcf -n 2000 --privacy strict -Ob -o syn.bcf --provenance audit.tsv\n"
"    vcf-synth -m model.json train.bcf -n 500 --admix ASWlike=AFR:0.8,EUR:0.2,gen=7 \\\n"
"              --local-ancestry tracts.tsv.gz -Ob -o asw.bcf\n"
"\n");
}

enum { O_MIX = 1000, O_PREFIX, O_SEED, O_THREADS, O_NO_VERSION, O_VERSION, O_PROGRESS, O_PRIVACY, O_MIN_CARRIERS,
       O_JUMP, O_SCALE_SWITCH, O_MAX_SEGMENT, O_RARE, O_PROVENANCE, O_CONTEXT, O_ADMIX, O_LOCAL_ANCESTRY,
       O_CONDITION, O_WRITE_INDEX };

/* -n: a BCF record holds at most VS_MAX_SAMPLES samples; beyond that the
 * cohort must be written as shards. */
static int parse_n(const char *arg)
{
    long n = vs_parse_long("-n/--n-samples", arg, 1, LONG_MAX);
    if (n > VS_MAX_SAMPLES)
        vs_die("-n %ld is more than the %d samples one BCF record can hold; write the cohort as sample shards: "
               "one vcf-synth run per shard with its own --prefix and --seed (e.g. -n 10000000 --prefix A --seed 1, "
               "then --prefix B --seed 2), joined with bcftools merge", n, VS_MAX_SAMPLES);
    return (int)n;
}

/* -R and -T are read when the options are checked and again by the run: one
 * given as a pipe or a process substitution <(...) is copied first. */
static void reread_side_files(opts_t *o)
{
    vs_error_t e;
    if (o->read.regions && o->read.regions_is_file)
        o->read.regions = vs_ok_ptr((void *)vs_reread_begin(o->read.regions, "the -R/--regions-file",
                                                            &o->regions_copy, &e), &e);
    if (o->read.targets && o->read.targets_is_file) {
        int exclude = o->read.targets[0] == '^';      /* -T ^FILE: every site but these */
        const char *path = vs_ok_ptr((void *)vs_reread_begin(o->read.targets + exclude, "the -T/--targets-file",
                                                             &o->targets_copy, &e), &e);
        o->targets_spec = vs_malloc(strlen(path) + 2);
        sprintf(o->targets_spec, "%s%s", exclude ? "^" : "", path);
        o->read.targets = o->targets_spec;
    }
}

static void parse(int argc, char **argv, opts_t *o)
{
    static const struct option lo[] = {
        { "model", required_argument, 0, 'm' }, { "n-samples", required_argument, 0, 'n' },
        { "mix", required_argument, 0, O_MIX }, { "prefix", required_argument, 0, O_PREFIX },
        { "seed", required_argument, 0, O_SEED }, { "regions", required_argument, 0, 'r' },
        { "regions-file", required_argument, 0, 'R' }, { "targets", required_argument, 0, 't' },
        { "targets-file", required_argument, 0, 'T' }, { "output", required_argument, 0, 'o' },
        { "output-type", required_argument, 0, 'O' }, { "threads", required_argument, 0, O_THREADS },
        { "write-index", optional_argument, 0, O_WRITE_INDEX },
        { "privacy", required_argument, 0, O_PRIVACY }, { "min-carriers", required_argument, 0, O_MIN_CARRIERS },
        { "jump", required_argument, 0, O_JUMP }, { "scale-switch", required_argument, 0, O_SCALE_SWITCH },
        { "max-segment-cM", required_argument, 0, O_MAX_SEGMENT }, { "rare", required_argument, 0, O_RARE },
        { "provenance", required_argument, 0, O_PROVENANCE }, { "max-context-sites", required_argument, 0, O_CONTEXT },
        { "admix", required_argument, 0, O_ADMIX }, { "local-ancestry", required_argument, 0, O_LOCAL_ANCESTRY },
        { "condition", required_argument, 0, O_CONDITION },
        { "no-version", no_argument, 0, O_NO_VERSION }, { "progress", no_argument, 0, O_PROGRESS }, { "quiet", no_argument, 0, 'q' },
        { "help", no_argument, 0, 'h' }, { "version", no_argument, 0, O_VERSION }, { 0, 0, 0, 0 }
    };
    memset(o, 0, sizeof *o);
    o->n = 1000;
    o->mix = "source";
    o->prefix = "SYN";
    o->output = "-";
    o->threads = 1;
    vs_sample_opts_t knob;
    vs_sample_opts_init(&knob);
    vs_error_t err;
    unsigned set = 0;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":m:n:r:R:t:T:o:O:qh", lo, NULL)) != -1) {
        switch (c) {
        case 'm': o->model = optarg; break;
        case 'n': o->n = parse_n(optarg); break;
        case O_MIX: o->mix = optarg; o->mix_given = 1; break;
        case O_ADMIX:
            o->admix = vs_realloc(o->admix, (o->n_admix + 1) * sizeof *o->admix);
            o->admix[o->n_admix++] = optarg;
            break;
        case O_LOCAL_ANCESTRY: o->local_ancestry = optarg; break;
        case O_CONDITION:
            o->cond = vs_realloc(o->cond, (o->n_cond + 1) * sizeof *o->cond);
            o->cond[o->n_cond++] = optarg;
            break;
        case O_PREFIX:
            if (!*optarg || strpbrk(optarg, " \t\n,<>=\"")) vs_die_usage("--prefix must be a non-empty word");
            o->prefix = optarg;
            break;
        case O_SEED: knob.seed = (uint64_t)vs_parse_long("--seed", optarg, 0, VS_SEED_MAX); break;
        case O_PRIVACY: {
            vs_sample_opts_t check;
            vs_ok(vs_sample_preset(optarg, &check, &err), &err);
            o->privacy = optarg;
            break;
        }
        case O_MIN_CARRIERS:
            knob.min_carriers = (int)vs_parse_long("--min-carriers", optarg, 1, 1000);
            set |= K_MIN_CARRIERS;
            break;
        case O_JUMP:
            vs_ok(vs_jump_parse(optarg, &knob.jump, &err), &err);
            set |= K_JUMP;
            break;
        case O_SCALE_SWITCH:
            knob.scale_switch = vs_parse_double("--scale-switch", optarg, 0, 1000);
            set |= K_SCALE;
            break;
        case O_MAX_SEGMENT:
            knob.max_segment_cm = vs_parse_double("--max-segment-cM", optarg, 1e-6, 1e6);
            set |= K_SEGMENT;
            break;
        case O_RARE:
            vs_ok(vs_rare_parse(optarg, &knob.rare, &err), &err);
            set |= K_RARE;
            break;
        case O_CONTEXT:
            knob.context_sites = (int)vs_parse_long("--max-context-sites", optarg, 1, 100000000);
            set |= K_CONTEXT;
            break;
        case O_PROVENANCE: o->provenance = optarg; break;
        case 'r': o->read.regions = optarg; o->read.regions_is_file = 0; break;
        case 'R': o->read.regions = optarg; o->read.regions_is_file = 1; break;
        case 't': o->read.targets = optarg; o->read.targets_is_file = 0; break;
        case 'T': o->read.targets = optarg; o->read.targets_is_file = 1; break;
        case 'o': o->output = optarg; break;
        case 'O': o->otype = optarg; break;
        case O_WRITE_INDEX: o->write_index_arg = optarg ? optarg : "csi"; break;
        case O_THREADS: o->threads = (int)vs_parse_long("--threads", optarg, 1, 1024); break;
        case O_NO_VERSION: o->no_version = 1; break;
        case O_PROGRESS: o->progress = 1; break;
        case 'q': vs_set_quiet(1); break;
        case 'h': usage(stdout); exit(0);
        case O_VERSION: printf("vcf-synth (vcfsynth) %s\nUsing htslib %s\n", vs_version(), vs_htslib_version()); exit(0);
        case ':': vs_die_usage("option '%s' needs a value", argv[optind - 1]);
        default: vs_die_usage("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (!o->model) vs_die_usage("-m/--model is required");
    o->copying_given = o->privacy || set;
    vs_sample_opts_init(&o->sample);
    vs_ok(vs_sample_preset(o->privacy ? o->privacy : VS_PRIVACY_DEFAULT, &o->sample, &err), &err);
    o->sample.seed = knob.seed;
    if (set & K_MIN_CARRIERS) o->sample.min_carriers = knob.min_carriers;
    if (set & K_JUMP) o->sample.jump = knob.jump;
    if (set & K_SCALE) o->sample.scale_switch = knob.scale_switch;
    if (set & K_SEGMENT) o->sample.max_segment_cm = knob.max_segment_cm;
    if (set & K_RARE) o->sample.rare = knob.rare;
    if (set & K_CONTEXT) o->sample.context_sites = knob.context_sites;
    if (!o->privacy && set) o->privacy = "custom";
    else if (!o->privacy) o->privacy = VS_PRIVACY_DEFAULT;
    else if (set) o->privacy = "custom";
    if (optind + 1 < argc) vs_die_usage("one panel file expected, got %d", argc - optind);
    o->panel = optind < argc ? argv[optind] : NULL;     /* a markov model needs none */
    if (o->provenance && !strcmp(o->provenance, "-") && !strcmp(o->output, "-"))
        vs_die_usage("--provenance - and the VCF would both go to standard output; give -o FILE or --provenance FILE");
    if (o->local_ancestry && !o->n_admix)
        vs_die_usage("--local-ancestry writes the tracts of admixed samples; define their group with --admix");
    if (o->local_ancestry && o->provenance && !strcmp(o->local_ancestry, "-") && !strcmp(o->provenance, "-"))
        vs_die_usage("--local-ancestry - and --provenance - would both go to standard output");
    if (o->local_ancestry && !strcmp(o->local_ancestry, "-") && !strcmp(o->output, "-"))
        vs_die_usage("--local-ancestry - and the VCF would both go to standard output; give -o FILE or "
                     "--local-ancestry FILE");
    reread_side_files(o);
    if (vs_regions_check(&o->read, &err) < 0 || vs_output_type_check(o->otype, &err) ||
        (o->write_index_arg && vs_write_index_parse(o->write_index_arg, o->otype, o->output, &o->write_index, &err)))
        vs_exit_error(&err);
    vs_path_t in[] = { { "the input panel", o->panel }, { "-m/--model", o->model },
                       { "-R/--regions-file", o->read.regions_is_file ? o->read.regions : NULL },
                       { "-T/--targets-file", o->read.targets_is_file ? o->read.targets : NULL } };
    /* the indexes written beside -o (--write-index) and the tracts table are outputs too */
    char *index = vs_index_path(o->output, o->write_index), *tracts_index = vs_index_path(o->local_ancestry, VS_INDEX_TBI);
    vs_path_t out[] = { { "-o", o->output }, { "--provenance", o->provenance },
                        { "--local-ancestry", o->local_ancestry }, { "the index of -o (--write-index)", index },
                        { "the index of --local-ancestry", tracts_index } };
    VS_TOOL_CHECK_PATHS(in, out);
    free(index);
    free(tracts_index);
}

/* A markov model brings its own sites and copies no one: no panel, and none
 * of the options that need one (--admix walks each tract's group's chain).
 * A usage error frees the model first. */
static void check_kind(opts_t *o, vs_model_t *m)
{
    char why[1024] = "";
    if (!m->markov) {
        if (!o->panel) o->panel = "-";
        if (!strcmp(o->panel, "-") && isatty(0)) { usage(stderr); exit(2); }
        return;
    }
    const char *bad = o->n_cond ? "--condition" : o->provenance ? "--provenance" : NULL;
    if (o->panel)
        snprintf(why, sizeof why, "%s is a markov model (vcf-fit --kind markov): it needs no panel; leave out %s",
                 o->model, o->panel);
    else if (bad)
        snprintf(why, sizeof why, "%s needs a Li-Stephens model and its panel; %s is a markov model", bad, o->model);
    else if (o->copying_given)      /* silently ignored, they would promise a privacy the chain does not have */
        snprintf(why, sizeof why, "--privacy and the copying options (--min-carriers, --jump, --scale-switch, "
                 "--max-segment-cM, --rare, --max-context-sites) set how a panel is copied; %s is a markov model, "
                 "whose privacy was set when it was fitted (vcf-fit --min-carriers, --dp-epsilon)", o->model);
    if (*why) {
        vs_model_destroy(m);
        vs_die_usage("%s", why);
    }
    if (m->min_carriers == 0)
        vs_warn("%s is unpruned (vcf-fit --min-carriers 0): its contexts may be carried by a single individual, and "
                "its output is not a release; synthesise from a pruned model (vcf-fit or the hub's vcf-fit --merge, "
                "with --min-carriers K)", o->model);
    o->panel = "-";
}

/* With --admix and no --mix, the samples are the admixed groups', in equal
 * shares (the source has none of them). */
static const char *admix_mix(const opts_t *o, const vs_admix_t *admix)
{
    static char spec[4096];
    if (o->mix_given || !o->n_admix) return o->mix;
    size_t len = 0;
    for (int i = 0; i < o->n_admix && len < sizeof spec; i++)
        len += (size_t)snprintf(spec + len, sizeof spec - len, "%s%s=%.17g", i ? "," : "", admix[i].name,
                                1.0 / o->n_admix);
    if (len >= sizeof spec) vs_die_usage("too many --admix groups to share the samples; give --mix");
    vs_info("every sample from the --admix group%s (no --mix given)", o->n_admix > 1 ? "s, in equal shares" : "");
    return spec;
}

/* A bad --admix, --mix or --condition value: what was read is freed first
 * (a usage error leaves no leak for ASan to report), then the error exits. */
static void usage_failed(opts_t *o, vs_model_t *m, vs_admix_t *admix, const vs_error_t *err)
{
    for (int i = 0; i < o->n_admix; i++) vs_admix_free(&admix[i]);
    free(admix);
    free(o->admix);
    free(o->cond);
    vs_model_destroy(m);
    vs_exit_error(err);
}

int main(int argc, char **argv)
{
    vs_tool_init("vcf-synth", argc, argv);
    opts_t o;
    parse(argc, argv, &o);
    o.threads = vs_threads_cap(o.threads);
    vs_error_t e;
    vs_model_t *m = vs_model_read(o.model, &e);
    if (!m) vs_exit_error(&e);
    check_kind(&o, m);
    o.read.skip_multiallelic = m->skip_multiallelic;
    vs_admix_t *admix = vs_calloc(o.n_admix + 1, sizeof *admix);
    vs_error_t err;
    int bad = 0;
    for (int i = 0; i < o.n_admix && !bad; i++) bad = vs_admix_parse(m, o.admix[i], &admix[i], &err);
    if (!bad) bad = vs_admix_check(m, admix, o.n_admix, &err);
    vs_groupset_t groups = { m, admix, o.n_admix };
    double *shares = NULL;
    if (!bad) bad = vs_mix_parse(&groups, admix_mix(&o, admix), &shares, &err);
    if (bad) usage_failed(&o, m, admix, &err);
    for (int i = 0; i < o.n_admix; i++)
        if (shares[m->n_groups + i] == 0)
            vs_warn("--admix %s gets no samples from --mix %s; name it there (e.g. --mix %s=1)", admix[i].name, o.mix,
                    admix[i].name);
    vs_condition_t *cond = vs_calloc(o.n_cond + 1, sizeof *cond);
    for (int i = 0; i < o.n_cond; i++)
        if (vs_condition_parse(m, o.cond[i], &cond[i], &err)) {
            for (int j = 0; j < i; j++) vs_condition_free(&cond[j]);
            free(cond);
            free(shares);
            usage_failed(&o, m, admix, &err);
        }
    if (vs_condition_check_set(cond, o.n_cond, &err)) {
        for (int j = 0; j < o.n_cond; j++) vs_condition_free(&cond[j]);
        free(cond);
        free(shares);
        usage_failed(&o, m, admix, &err);
    }
    vs_synth_opts_t so = { .n = o.n, .shares = shares, .groups = &groups, .local_ancestry = o.local_ancestry,
                           .cond = cond, .n_cond = o.n_cond,
                           .prefix = o.prefix, .sample = o.sample, .provenance = o.provenance, .privacy = o.privacy,
                           .output = o.output, .otype = o.otype, .write_index = o.write_index, .threads = o.threads,
                           .no_version = o.no_version,
                           .progress = o.progress || isatty(STDERR_FILENO), .model_path = o.model };
    if (vs_synth_run(m, o.panel, &o.read, &so, &e) < 0) vs_exit_error(&e);
    vs_tool_commit();
    free(shares);
    for (int i = 0; i < o.n_admix; i++) vs_admix_free(&admix[i]);
    free(admix);
    free(o.admix);
    for (int i = 0; i < o.n_cond; i++) vs_condition_free(&cond[i]);
    free(cond);
    free(o.cond);
    vs_model_destroy(m);
    vs_reread_end(&o.regions_copy);
    vs_reread_end(&o.targets_copy);
    free(o.targets_spec);
    return 0;
}
