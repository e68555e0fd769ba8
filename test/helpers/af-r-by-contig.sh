#!/bin/bash
# af-r-by-contig.sh SYNTHETIC PANEL TABLE: per contig and 1000 Genomes
# super-population, the Pearson r of allele frequencies (bcftools +fill-tags)
# of the synthetic cohort (groups from its ##SAMPLE lines) against the panel
# (groups from TABLE's third column), over the sites both have.
# Prints: contig group sites r.  Works in the current directory.
set -euo pipefail
syn=$1 panel=$2 table=$3
bcftools view -h "$syn" | sed -n 's/^##SAMPLE=<ID=\([^,]*\),Group=\([^,>]*\).*/\1\t\2/p' > syn_groups.tsv
bcftools query -l "$panel" | awk 'NR == FNR { g[$1] = $3; next } ($1 in g) { print $1 "\t" g[$1] }' "$table" - > panel_groups.tsv
fmt='%CHROM\t%POS\t%REF\t%ALT\t%AF_AFR\t%AF_AMR\t%AF_EAS\t%AF_EUR\t%AF_SAS\n'
bcftools +fill-tags "$syn" -- -S syn_groups.tsv -t AF | bcftools query -f "$fmt" > syn_af.tsv
bcftools +fill-tags "$panel" -- -S panel_groups.tsv -t AF | bcftools query -f "$fmt" > panel_af.tsv
awk -F'\t' 'BEGIN { split("AFR AMR EAS EUR SAS", G, " ") }
    NR == FNR { a[$1 FS $2 FS $3 FS $4] = $0; next }
    ($1 FS $2 FS $3 FS $4) in a {
        split(a[$1 FS $2 FS $3 FS $4], x, FS)
        for (g = 1; g <= 5; g++) { c = $1 FS G[g]; u = x[4 + g]; v = $(4 + g)
            n[c]++; sx[c] += u; sy[c] += v; sxx[c] += u * u; syy[c] += v * v; sxy[c] += u * v } }
    END { for (c in n) { cov = sxy[c] - sx[c] * sy[c] / n[c]
            r = cov / sqrt((sxx[c] - sx[c]^2 / n[c]) * (syy[c] - sy[c]^2 / n[c])); print c "\t" n[c] "\t" r } }' \
    panel_af.tsv syn_af.tsv | sort -k1,1V -k2,2
