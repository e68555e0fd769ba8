/* vs-pieces: checks a vcf-synth --provenance file by brute force against the
 * panel and the model it came from.  For every piece it counts the distinct
 * source individuals of the source's group whose haplotype equals the source
 * haplotype at every panel site of the piece (start..end), and of the piece
 * with its context (context_start..end); it measures the piece's genetic
 * length; and it counts the sites of the piece where the synthetic haplotype
 * differs from its source (miscopies and scattered rare alleles).
 * Prints one line:
 *   pieces N min_span C min_context C max_cM X mismatch_rate R
 * With --rare K instead of a provenance file: for every synthetic allele that
 * fewer than K individuals of its group carry in the panel, the longest run
 * over which a carrier's haplotype matches the synthetic one through it:
 *   rare N longest L over_15 M longest_copyable L over_15_copyable M
 * (copyable: counting only sites where both alleles have K carriers)
 * Usage: vs-pieces PANEL MODEL SYNTHETIC PROVENANCE
 *        vs-pieces PANEL MODEL SYNTHETIC --rare K */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vs_err.h"
#include "vs_model.h"
#include "helper.h"
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

/* The sites around site s over which haplotypes x of p and y of q agree;
 * *open gets those of them where both alleles are copyable (open[site]). */
static int64_t run_through(const vs_panel_t *p, int x, const vs_panel_t *q, int y, int64_t s, const uint8_t *open,
                           int64_t *n_open)
{
    int64_t a = s, b = s;
    while (a > 0 && vs_panel_allele(p, a - 1, x) == vs_panel_allele(q, a - 1, y)) a--;
    while (b + 1 < p->n_sites && vs_panel_allele(p, b + 1, x) == vs_panel_allele(q, b + 1, y)) b++;
    *n_open = 0;
    for (int64_t t = a; t <= b; t++) *n_open += open[t];
    return b - a + 1;
}

static int rare_check(const vs_panel_t *p, const vs_model_t *m, const vs_panel_t *syn, int K)
{
    long n = 0, over = 0, over_open = 0;
    int64_t longest = 0, longest_open = 0;
    uint8_t *open = vs_malloc(p->n_sites + 1);
    for (int i = 0; i < syn->n_samples; i++) {
        int g = -1;
        for (int k = 0; k < m->n_groups && syn->header_group && syn->header_group[i]; k++)
            if (!strcmp(m->groups[k].name, syn->header_group[i])) g = k;
        if (g < 0) vs_die("synthetic sample %s has no group of the model", syn->samples[i]);
        const vs_group_model_t *gm = &m->groups[g];
        for (int64_t s = 0; s < p->n_sites; s++) {       /* both alleles carried by K individuals of g */
            int c[2] = { 0, 0 };
            for (int j = 0; j < gm->n_members; j++) {
                int x = vs_panel_allele(p, s, 2 * gm->members[j]), y = vs_panel_allele(p, s, 2 * gm->members[j] + 1);
                c[x]++;
                if (y != x) c[y]++;
            }
            open[s] = c[0] >= K && c[1] >= K;
        }
        for (int h = 0; h < 2; h++)
            for (int64_t s = 0; s < syn->n_sites; s++) {
                int a = vs_panel_allele(syn, s, 2 * i + h), carriers = 0;
                for (int j = 0; j < gm->n_members; j++)
                    carriers += vs_panel_allele(p, s, 2 * gm->members[j]) == a || vs_panel_allele(p, s, 2 * gm->members[j] + 1) == a;
                if (carriers == 0 || carriers >= K) continue;
                int64_t best = 0, best_open = 0;
                for (int j = 0; j < gm->n_members; j++)
                    for (int c = 0; c < 2; c++) {
                        int x = 2 * gm->members[j] + c;
                        if (vs_panel_allele(p, s, x) != a) continue;
                        int64_t n_open, r = run_through(p, x, syn, 2 * i + h, s, open, &n_open);
                        if (r > best) best = r;
                        if (n_open > best_open) best_open = n_open;
                    }
                n++;
                over += best > 15;
                over_open += best_open > 15;
                if (best > longest) longest = best;
                if (best_open > longest_open) longest_open = best_open;
            }
    }
    printf("rare %ld longest %lld over_15 %ld longest_copyable %lld over_15_copyable %ld\n", n, (long long)longest,
           over, (long long)longest_open, over_open);
    free(open);
    return 0;
}

int main(int argc, char **argv)
{
    vs_tool_init("vs-pieces", argc, argv);
    if (argc != 5 && !(argc == 6 && !strcmp(argv[4], "--rare")))
        vs_die_usage("usage: vs-pieces PANEL MODEL SYNTHETIC PROVENANCE|--rare K");
    vs_read_opts_t ro = { 0 };
    vs_panel_t *p = vs_panel_read_or_die(argv[1], &ro);
    vs_error_t e;
    vs_model_t *m = vs_model_read(argv[2], &e);
    if (!m) vs_exit_error(&e);
    vs_panel_t *syn = vs_panel_read_or_die(argv[3], &ro);
    if (argc == 6) {
        int rc = rare_check(p, m, syn, atoi(argv[5]));
        vs_panel_destroy(p);
        vs_panel_destroy(syn);
        vs_model_destroy(m);
        return rc;
    }
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
