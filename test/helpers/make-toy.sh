#!/usr/bin/env bash
# Writes a small phased cohort for the self-contained tests into DIR:
#   toy.vcf.gz (+ .csi)  40 samples TOY01..TOY40, 300 biallelic SNVs on chr4, with LD
#                        (haplotypes are mosaics of a few founders per group)
#   groups.tsv           header "sample group"; TOY01-24 in A, TOY25-40 in B
#   chr4.gmap.gz         SHAPEIT-format map covering the sites
# The header carries lines that must never reach a synthetic output
# (##source, a command line naming a sample).
set -euo pipefail
dir=${1:?usage: make-toy.sh DIR}
mkdir -p "$dir"
awk -v seed=11 'BEGIN {
    srand(seed); ns = 40; nsite = 300; nf = 4
    print "##fileformat=VCFv4.2"
    print "##source=SecretCohortPipeline-v3"
    print "##toolCommand=extract --sample TOY01 --site-of-collection Hospital-X"
    print "##contig=<ID=chr4,length=1000000>"
    print "##INFO=<ID=AC,Number=A,Type=Integer,Description=\"Allele count\">"
    print "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">"
    hdr = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT"
    for (i = 1; i <= ns; i++) hdr = hdr sprintf("\tTOY%02d", i)
    print hdr
    for (g = 0; g < 2; g++) for (f = 0; f < nf; f++) for (s = 0; s < nsite; s++)
        founder[g, f, s] = (rand() < 0.3 + 0.2 * g) ? 1 : 0
    for (h = 0; h < 2 * ns; h++) { cur[h] = int(rand() * nf) }
    for (s = 0; s < nsite; s++) {
        line = sprintf("chr4\t%d\t.\tA\tC\t.\tPASS\t.\tGT", 10000 + 500 * s)
        for (i = 0; i < ns; i++) {
            g = (i < 24) ? 0 : 1
            for (k = 0; k < 2; k++) {
                h = 2 * i + k
                if (rand() < 0.05) cur[h] = int(rand() * nf)
                a[k] = founder[g, cur[h], s]; if (rand() < 0.01) a[k] = 1 - a[k]
            }
            line = line "\t" a[0] "|" a[1]
        }
        print line
    }
}' | bgzip -c > "$dir/toy.vcf.gz"
bcftools index -f "$dir/toy.vcf.gz"
{ echo "sample group"; for i in $(seq 1 40); do printf 'TOY%02d %s\n' "$i" "$([ "$i" -le 24 ] && echo A || echo B)"; done; } > "$dir/groups.tsv"
{ echo "pos chr cM"; for p in 5000 60000 90000 160000; do echo "$p chr4 $(awk -v p=$p 'BEGIN{printf "%.6f", p/1e5 + (p>60000 ? (p-60000)/1e5 : 0)}')"; done; } | gzip -c > "$dir/chr4.gmap.gz"
