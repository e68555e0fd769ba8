/* vcf-fit: fit a per-ancestry Li-Stephens haplotype model to a phased panel. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <omp.h>
#include <unistd.h>

#include "vs_tool.h"
#include "vs_threads.h"
#include "vs_fit.h"
#include "vs_groups.h"
#include "vs_model.h"
#include "vs_out.h"
#include "vs_rng.h"
#include "vs_vcf.h"

typedef struct {
    const char *panel, *groups, *group_column, *output, *report;
    vs_read_opts_t read;
    vs_fit_opts_t fit;
    int threads, no_version;
    int merge;                 /* --merge: the positional arguments are models */
    char **inputs;
    int n_inputs;
} opts_t;

static void usage(FILE *fp)
{
    fprintf(fp,
"\n"
"About:   Fit a Li-Stephens haplotype copying model per ancestry group to a phased\n"
"         panel; the model file drives vcf-synth. See vcf-fit(1), vcfsynth-model(5).\n"
"Usage:   vcf-fit [options] <panel.vcf.gz|panel.bcf|->\n"
"         vcf-fit --merge [--min-carriers INT] -o pooled.json a.json b.json ...\n"
"\n"
"Groups:\n"
"    -g, --groups FILE            sample-to-group table (whitespace or tab separated) [one group, \"all\"]\n"
"        --group-column NAME      group column of FILE, by header name [the second column]\n"
"        --min-group INT          smallest group, in haplotypes [20]\n"
"        --small-groups merge|error  fold smaller groups into NA, or refuse them [merge]\n"
"\n"
"Genetic map:\n"
"        --map FILE|TEMPLATE|DIR  SHAPEIT, HapMap, Eagle or PLINK map; a template with {CHROM},\n"
"                                 or a directory, for several contigs [INFO/CM, else constant]\n"
"        --cM-per-Mb FLOAT        constant rate where there is no map [1.0]\n"
"        --map-extrapolate        use a map that spans under half of a contig's sites [refuse]\n"
"\n"
"Model kind:\n"
"        --kind li-stephens|markov  haplotype copying, synthesised with the panel; or a\n"
"                                 variable-order Markov chain that needs no panel and may\n"
"                                 leave the data owner (no sample name, no count below k)\n"
"                                 [li-stephens]\n"
"        --context-cM FLOAT       markov: the longest context, in centimorgans of the map;\n"
"                                 0: no limit [0.05]\n"
"        --context-sites INT      markov: ... and in sites [no limit]\n"
"        --min-carriers INT       markov: every context and allele count is carried by at\n"
"                                 least k individuals, else left out; 0: unpruned, for a\n"
"                                 trusted hub that merges and prunes [5]\n"
"        --dp-epsilon FLOAT       markov: two-sided geometric noise on every released count,\n"
"                                 each count alone FLOAT-differentially private (see vcf-fit(1)\n"
"                                 for what that means for the whole model) [none]\n"
"        --merge                  add the counts of unpruned markov models of the same sites\n"
"                                 (groups matched by name), then prune to --min-carriers\n"
"\n"
"Fitting (li-stephens):\n"
"        --fit-haplotypes INT     haplotypes held out in turn per group [100]\n"
"        --fit-sites INT          beyond this many sites, fewer haplotypes are held out, so the\n"
"                                 fit costs what this many sites cost; 0 for no limit [100000]\n"
"        --fit-eps                also fit the miscopy rate [theta/(2(theta+K))]\n"
"        --ne-range MIN,MAX       search range for Ne [10,1e7]\n"
"        --multiallelic error|skip  multi-allelic records are an error, or dropped [error]\n"
"        --seed INT               seed for the held-out subset [1]\n"
"        --threads INT            threads [1]\n"
"\n"
"Output:\n"
"    -o, --output FILE            model file, JSON; a .xz suffix compresses it [standard output]\n"
"        --report FILE            source representation report, TSV\n"
"        --no-version             leave out the version and command line\n"
"    -q, --quiet                  no informational messages (warnings and errors remain)\n"
"    -h, --help                   this text\n"
"        --version                version\n"
"\n"
"Examples:\n"
"    vcf-fit train.bcf -g 1kg_panel.tsv --group-column super_pop \\\n"
"            --map 'maps/chr{CHROM}.b37.gmap.gz' --report source.tsv -o model.json\n"
"    vcf-fit site1.bcf -g groups.tsv --kind markov --min-carriers 0 -o site1.json\n"
"    vcf-fit --merge --min-carriers 5 -o pooled.json site1.json site2.json\n"
"\n");
}

enum { O_GROUP_COLUMN = 1000, O_MIN_GROUP, O_SMALL, O_MAP, O_CM, O_MAP_EXTRAPOLATE, O_FIT_HAPS, O_FIT_SITES, O_FIT_EPS, O_NE_RANGE,
       O_MULTI, O_SEED, O_THREADS, O_REPORT, O_NO_VERSION, O_VERSION, O_KIND, O_CONTEXT_SITES, O_MIN_CARRIERS,
       O_MERGE, O_DP, O_CONTEXT_CM };

static void parse_ne_range(const char *s, vs_fit_opts_t *f)
{
    const char *comma = strchr(s, ',');
    if (!comma) vs_die_usage("--ne-range expects MIN,MAX; got '%s'", s);
    char lo[64];
    snprintf(lo, sizeof lo, "%.*s", (int)(comma - s), s);
    f->ne_min = vs_parse_double("--ne-range", lo, 1, 1e9);
    f->ne_max = vs_parse_double("--ne-range", comma + 1, 1, 1e9);
    if (f->ne_max <= f->ne_min) vs_die_usage("--ne-range MAX must be larger than MIN");
}

static void parse(int argc, char **argv, opts_t *o)
{
    static const struct option lo[] = {
        { "groups", required_argument, 0, 'g' }, { "group-column", required_argument, 0, O_GROUP_COLUMN },
        { "min-group", required_argument, 0, O_MIN_GROUP }, { "small-groups", required_argument, 0, O_SMALL },
        { "map", required_argument, 0, O_MAP }, { "cM-per-Mb", required_argument, 0, O_CM },
        { "map-extrapolate", no_argument, 0, O_MAP_EXTRAPOLATE },
        { "fit-haplotypes", required_argument, 0, O_FIT_HAPS }, { "fit-eps", no_argument, 0, O_FIT_EPS },
        { "fit-sites", required_argument, 0, O_FIT_SITES },
        { "ne-range", required_argument, 0, O_NE_RANGE }, { "multiallelic", required_argument, 0, O_MULTI },
        { "seed", required_argument, 0, O_SEED }, { "threads", required_argument, 0, O_THREADS },
        { "output", required_argument, 0, 'o' }, { "report", required_argument, 0, O_REPORT },
        { "no-version", no_argument, 0, O_NO_VERSION }, { "quiet", no_argument, 0, 'q' },
        { "kind", required_argument, 0, O_KIND }, { "context-sites", required_argument, 0, O_CONTEXT_SITES },
        { "context-cM", required_argument, 0, O_CONTEXT_CM },
        { "min-carriers", required_argument, 0, O_MIN_CARRIERS }, { "merge", no_argument, 0, O_MERGE },
        { "dp-epsilon", required_argument, 0, O_DP },
        { "help", no_argument, 0, 'h' }, { "version", no_argument, 0, O_VERSION }, { 0, 0, 0, 0 }
    };
    memset(o, 0, sizeof *o);
    vs_fit_opts_init(&o->fit);
    o->output = "-";
    o->threads = 1;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":g:o:qh", lo, NULL)) != -1) {
        switch (c) {
        case 'g': o->groups = optarg; break;
        case O_GROUP_COLUMN: o->group_column = optarg; break;
        case O_MIN_GROUP: o->fit.min_group = (int)vs_parse_long("--min-group", optarg, 4, 1000000); break;
        case O_SMALL:
            if (strcmp(optarg, "merge") && strcmp(optarg, "error"))
                vs_die_usage("--small-groups must be merge or error, got '%s'", optarg);
            o->fit.small_groups_error = !strcmp(optarg, "error");
            break;
        case O_MAP: o->fit.map.spec = optarg; break;
        case O_CM: o->fit.map.cm_per_mb = vs_parse_double("--cM-per-Mb", optarg, 1e-6, 1000); break;
        case O_MAP_EXTRAPOLATE: o->fit.map.extrapolate = 1; break;
        case O_FIT_HAPS: o->fit.fit_haplotypes = (int)vs_parse_long("--fit-haplotypes", optarg, 1, 1000000); break;
        case O_FIT_EPS: o->fit.fit_eps = 1; break;
        case O_FIT_SITES: o->fit.fit_sites = vs_parse_long("--fit-sites", optarg, 0, 1000000000000LL); break;
        case O_NE_RANGE: parse_ne_range(optarg, &o->fit); break;
        case O_MULTI:
            if (strcmp(optarg, "skip") && strcmp(optarg, "error"))
                vs_die_usage("--multiallelic must be error or skip, got '%s'", optarg);
            o->read.skip_multiallelic = !strcmp(optarg, "skip");
            break;
        case O_SEED: o->fit.seed = (uint64_t)vs_parse_long("--seed", optarg, 0, VS_SEED_MAX); break;
        case O_THREADS: o->threads = (int)vs_parse_long("--threads", optarg, 1, 1024); break;
        case 'o': o->output = optarg; break;
        case O_REPORT: o->report = optarg; break;
        case O_NO_VERSION: o->no_version = 1; break;
        case O_KIND:
            if (strcmp(optarg, "markov") && strcmp(optarg, "li-stephens"))
                vs_die_usage("--kind must be li-stephens or markov, got '%s'", optarg);
            o->fit.markov = !strcmp(optarg, "markov");
            break;
        case O_CONTEXT_SITES: o->fit.context_sites = (int)vs_parse_long("--context-sites", optarg, 0, VS_MARKOV_CONTEXT_MAX); break;
        case O_CONTEXT_CM: o->fit.context_cm = vs_parse_double("--context-cM", optarg, 0, 1000); break;
        case O_MIN_CARRIERS: o->fit.min_carriers = (int)vs_parse_long("--min-carriers", optarg, 0, 1000000); break;
        case O_MERGE: o->merge = 1; break;
        case O_DP: o->fit.dp_epsilon = vs_parse_double("--dp-epsilon", optarg, 1e-6, 100); break;
        case 'q': vs_set_quiet(1); break;
        case 'h': usage(stdout); exit(0);
        case O_VERSION: printf("vcf-fit (vcfsynth) %s\nUsing htslib %s\n", vs_version(), vs_htslib_version()); exit(0);
        case ':': vs_die_usage("option '%s' needs a value", argv[optind - 1]);
        default: vs_die_usage("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (o->fit.dp_epsilon > 0 && (!o->fit.markov || o->fit.min_carriers == 0 || o->merge))
        vs_die_usage("--dp-epsilon adds noise to a released markov model: it needs --kind markov and --min-carriers "
                     "of at least 1 (not --merge, which adds the owners' noisy counts as they are)");
    if (o->merge) {
        if (argc - optind < 2) vs_die_usage("--merge expects two or more model files, got %d", argc - optind);
        o->inputs = argv + optind;
        o->n_inputs = argc - optind;
        vs_path_t out[] = { { "-o", o->output } };
        vs_path_t *models = vs_malloc(o->n_inputs * sizeof *models);
        for (int i = 0; i < o->n_inputs; i++) {
            vs_path_t in[] = { { "a --merge model", o->inputs[i] } };
            VS_TOOL_CHECK_PATHS(in, out);
            models[i] = in[0];
        }
        vs_tool_check_distinct(models, o->n_inputs);    /* one owner's counts added twice */
        free(models);
        return;
    }
    if (optind + 1 < argc) vs_die_usage("one panel file expected, got %d", argc - optind);
    o->panel = optind < argc ? argv[optind] : "-";
    o->read.keep_site_names = o->fit.markov;
    if (!strcmp(o->panel, "-") && isatty(0)) { usage(stderr); exit(2); }
    if (o->group_column && !o->groups) vs_die_usage("--group-column needs -g/--groups");
    o->read.threads = o->threads;
    vs_path_t in[] = { { "the input panel", o->panel }, { "-g/--groups", o->groups }, { "--map", o->fit.map.spec } };
    vs_path_t out[] = { { "-o", o->output }, { "--report", o->report } };
    VS_TOOL_CHECK_PATHS(in, out);
}

static void write_report(const vs_model_t *m, const char *path)
{
    vs_outfile_t *of;
    FILE *fp = vs_tool_text_open(path, &of);
    vs_fit_report_tsv(m, fp);
    vs_tool_text_close(fp, of, path);
}

static void stamp(vs_model_t *m, const opts_t *o)
{
    free(m->created_by);
    free(m->command);
    m->created_by = m->command = NULL;
    if (o->no_version) return;
    char buf[128];
    snprintf(buf, sizeof buf, "vcf-fit %s+htslib-%s", vs_version(), vs_htslib_version());
    m->created_by = vs_strdup(buf);
    m->command = vs_command_line();
}

/* --merge: a hub adds the owners' unpruned counts, then prunes the sum. */
static int merge(const opts_t *o)
{
    vs_model_t **ms = vs_malloc(o->n_inputs * sizeof *ms);
    vs_error_t e;
    for (int i = 0; i < o->n_inputs; i++)
        if (!(ms[i] = vs_model_read(o->inputs[i], &e))) vs_exit_error(&e);
    vs_model_t *m = vs_fit_merge(ms, o->inputs, o->n_inputs, o->fit.min_carriers, &e);
    if (!m) vs_exit_error(&e);
    for (int g = 0; g < m->n_groups; g++)
        vs_info("group %s: %d samples from %d models", m->groups[g].name, m->groups[g].n_members, o->n_inputs);
    if (!m->min_carriers)
        vs_warn("--min-carriers 0: the merged model is unpruned; it holds counts of single individuals and must not "
                "leave the hub");
    stamp(m, o);
    vs_ok(vs_model_write(m, o->output, &e), &e);
    vs_tool_commit();
    vs_model_destroy(m);
    for (int i = 0; i < o->n_inputs; i++) vs_model_destroy(ms[i]);
    free(ms);
    return 0;
}

int main(int argc, char **argv)
{
    vs_tool_init("vcf-fit", argc, argv);
    opts_t o;
    parse(argc, argv, &o);
    if (o.merge) return merge(&o);
    omp_set_num_threads(o.read.threads = o.threads = vs_threads_cap(o.threads));
    vs_error_t e;
    vs_panel_t *p = vs_panel_read(o.panel, &o.read, &e);
    if (!p) vs_exit_error(&e);
    if (p->n_multiallelic_skipped)
        vs_info("skipped %lld multi-allelic record%s", (long long)p->n_multiallelic_skipped,
                p->n_multiallelic_skipped == 1 ? "" : "s");
    vs_info("panel: %d samples, %lld sites on %d contig%s", p->n_samples, (long long)p->n_sites,
            p->n_contigs, p->n_contigs == 1 ? "" : "s");
    vs_groups_t *g = o.groups ? vs_groups_load(o.groups, o.group_column, p->samples, p->n_samples, &e)
                              : vs_groups_single(p->n_samples, "all");
    if (!g) vs_exit_error(&e);
    vs_model_t *m = vs_fit(p, g, &o.fit, &e);
    if (!m) vs_exit_error(&e);
    m->skip_multiallelic = o.read.skip_multiallelic;
    if (m->markov && !m->min_carriers)
        vs_warn("--min-carriers 0: the model is unpruned; it holds counts of single individuals: ship it only to a "
                "trusted hub that merges and prunes (vcf-fit --merge --min-carriers K)");
    stamp(m, &o);
    vs_ok(vs_model_write(m, o.output, &e), &e);
    if (o.report) write_report(m, o.report);
    vs_tool_commit();
    vs_model_destroy(m);
    vs_groups_destroy(g);
    vs_panel_destroy(p);
    return 0;
}
