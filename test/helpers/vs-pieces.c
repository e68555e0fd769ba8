/* vs-pieces: checks a vcf-synth --provenance file by brute force against the
 * panel and the model it came from.  For every piece it counts the distinct
 * source individuals of the source's group whose haplotype equals the source
 * haplotype at every panel site of the piece (start..end), and of the piece
 * with its context (context_start..end); it measures the piece's genetic
 * length; and it counts the sites of the piece where the synthetic haplotype
 * differs from its source (miscopies and scattered rare alleles).
 * Prints one line:
 *   pieces N min_span C min_context C max_cM X mismatch_rate R
 * Usage: vs-pieces PANEL MODEL SYNTHETIC PROVENANCE */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vs_err.h"
#include "vs_model.h"
#include "vs_vcf.h"

static int find(char **names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], name)) return i;
    return -1;
}

/* First panel site at or after pos on contig (sites are sorted); with last,
 * the last site at pos (several records can share a position, and a
 * position names any of them). */
static int64_t site_at(const vs_panel_t *p, const char *contig, int64_t pos, int last)
{
    for (int c = 0; c < p->n_contigs; c++) {
        if (strcmp(p->contigs[c].name, contig)) continue;
        int64_t lo = p->contigs[c].first_site, hi = lo + p->contigs[c].n_sites;
        while (lo < hi) {
            int64_t mid = lo + (hi - lo) / 2;
            if (p->pos[mid] < pos) lo = mid + 1; else hi = mid;
        }
        while (last && lo + 1 < p->contigs[c].first_site + p->contigs[c].n_sites && p->pos[lo + 1] == pos) lo++;
        return lo;
    }
    vs_die("contig %s is not in the panel", contig);
}

/* Distinct individuals of group g whose haplotype equals haplotype src over
 * sites [a, b]. */
static int carriers(const vs_panel_t *p, const vs_group_model_t *g, int src, int64_t a, int64_t b)
{
    int n = 0;
    for (int m = 0; m < g->n_members; m++) {
        int carries = 0;
        for (int h = 0; h < 2 && !carries; h++) {
            int hap = 2 * g->members[m] + h, same = 1;
            for (int64_t s = a; s <= b && same; s++) same = vs_panel_allele(p, s, hap) == vs_panel_allele(p, s, src);
            carries = same;
        }
        n += carries;
    }
    return n;
}

int main(int argc, char **argv)
{
    vs_set_prog("vs-pieces");
    if (argc != 5) vs_die_usage("usage: vs-pieces PANEL MODEL SYNTHETIC PROVENANCE");
    vs_read_opts_t ro = { 0 };
    vs_panel_t *p = vs_panel_read(argv[1], &ro);
    vs_model_t *m = vs_model_read(argv[2]);
    vs_panel_t *syn = vs_panel_read(argv[3], &ro);
    int *group_of = vs_malloc(p->n_samples * sizeof *group_of);
    for (int g = 0; g < m->n_groups; g++)
        for (int i = 0; i < m->groups[g].n_members; i++) group_of[m->groups[g].members[i]] = g;
    FILE *fp = fopen(argv[4], "r");
    if (!fp) vs_die("cannot open %s", argv[4]);
    char line[4096], sample[1024], contig[1024], source[1024];
    long pieces = 0, mismatches = 0, compared = 0;
    int min_span = 1 << 30, min_ctx = 1 << 30;
    double max_cm = 0;
    while (fgets(line, sizeof line, fp)) {
        if (line[0] == '#') continue;
        int hap, source_hap;
        long long start, end, ctx;
        if (sscanf(line, "%1023s %d %1023s %lld %lld %1023s %d %lld", sample, &hap, contig, &start, &end, source,
                   &source_hap, &ctx) != 8)
            vs_die("bad provenance line: %s", line);
        int src_sample = find(p->samples, p->n_samples, source), syn_sample = find(syn->samples, syn->n_samples, sample);
        if (src_sample < 0 || syn_sample < 0) vs_die("unknown sample in: %s", line);
        int src = 2 * src_sample + source_hap - 1, out = 2 * syn_sample + hap - 1;
        /* the piece and its context are checked at their narrowest reading of the positions */
        int64_t a = site_at(p, contig, start, 1), b = site_at(p, contig, end, 0), c = site_at(p, contig, ctx, 1);
        const vs_group_model_t *g = &m->groups[group_of[src_sample]];
        int span = carriers(p, g, src, a, b), with_ctx = carriers(p, g, src, c, b);
        if (getenv("VS_PIECES_SHOW") && with_ctx < atoi(getenv("VS_PIECES_SHOW")))
            fprintf(stderr, "span %d context %d (sites %lld..%lld..%lld): %s", span, with_ctx, (long long)c,
                    (long long)a, (long long)b, line);
        if (span < min_span) min_span = span;
        if (with_ctx < min_ctx) min_ctx = with_ctx;
        int k = vs_model_find_contig(m, contig);
        double cm = vs_cmap_cm(m->contigs[k].map, end) - vs_cmap_cm(m->contigs[k].map, start);
        if (cm > max_cm) max_cm = cm;
        int64_t sa = site_at(syn, contig, start, 1);
        for (int64_t s = a; s <= b; s++, sa++) {
            mismatches += vs_panel_allele(syn, sa, out) != vs_panel_allele(p, s, src);
            compared++;
        }
        pieces++;
    }
    fclose(fp);
    printf("pieces %ld min_span %d min_context %d max_cM %.6f mismatch_rate %.6f\n", pieces,
           pieces ? min_span : 0, pieces ? min_ctx : 0, max_cm, compared ? (double)mismatches / compared : 0.0);
    free(group_of);
    vs_panel_destroy(p);
    vs_panel_destroy(syn);
    vs_model_destroy(m);
    return 0;
}
