/* vs-tile-panel IN OUT COPIES: a large panel for timings (bench/scale), the
 * records of IN written COPIES times, copy c on a contig of its own ("t<c>",
 * same positions and genotypes).  Its structure does not matter; its size
 * (sites x samples) does.  OUT is BCF at compression level 1. */
#include <stdio.h>
#include <stdlib.h>
#include <htslib/vcf.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: vs-tile-panel IN OUT COPIES\n");
        return 1;
    }
    int copies = atoi(argv[3]);
    htsFile *in = hts_open(argv[1], "r"), *out = hts_open(argv[2], "wb1");
    bcf_hdr_t *h = in ? bcf_hdr_read(in) : NULL;
    if (!h || !out || copies < 1) {
        fprintf(stderr, "vs-tile-panel: cannot read %s or write %s\n", argv[1], argv[2]);
        return 1;
    }
    int n = 0, m = 1024, ret;
    bcf1_t **rec = malloc(m * sizeof *rec);
    for (;;) {
        if (n == m) rec = realloc(rec, (m *= 2) * sizeof *rec);
        rec[n] = bcf_init();
        if ((ret = bcf_read(in, h, rec[n])) < 0) break;
        bcf_unpack(rec[n++], BCF_UN_STR);
    }
    bcf_hdr_t *ho = bcf_hdr_dup(h);
    for (int c = 1; c <= copies; c++) {
        char line[128];
        snprintf(line, sizeof line, "##contig=<ID=t%d,length=1000000000>", c);
        bcf_hdr_append(ho, line);
    }
    if (bcf_hdr_sync(ho) < 0 || bcf_hdr_write(out, ho) < 0) return 1;
    for (int c = 1; c <= copies; c++) {
        char name[32];
        snprintf(name, sizeof name, "t%d", c);
        int rid = bcf_hdr_name2id(ho, name);
        for (int i = 0; i < n; i++) {
            rec[i]->rid = rid;
            if (bcf_write(out, ho, rec[i]) < 0) return 1;
        }
    }
    if (hts_close(out) != 0) return 1;
    hts_close(in);
    for (int i = 0; i <= n && i < m; i++) bcf_destroy(rec[i]);
    free(rec);
    bcf_hdr_destroy(h);
    bcf_hdr_destroy(ho);
    return 0;
}
