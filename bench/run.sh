#!/usr/bin/env bash
# make bench: benchmarks, written to bench/results/core.tsv, attack.tsv and fidelity.tsv.
#  - vcf-fit on 1kg_chr1_11.7M.vcf.gz (2504 samples, 4296 sites, 5 groups)
#  - vcf-synth -n 50000 -Ob at --threads 1 and 2, beside `bcftools view -Ob` of
#    the same output in the same run (the I/O floor): ratio = ours / bcftools;
#    and the default preset beside --privacy off (plain copying): ratio =
#    default / off
#  - vcf-synth peak RSS on 4,296 sites and on the panel repeated to ~43,000 sites
#    (memory must not grow with the number of sites)
#  - vcf-linkage-attack --attacks king, 2000 synthetic vs 2000 training samples
#    (and the 504 others as holdout), beside plink2 --make-king-table on the
#    same 4000 samples: ratio of time per pair
#  - vcf-fidelity with --html on those 2000 synthetic, 2000 training and 504 holdout
#    samples, 5 groups: wall time and peak RSS at --threads 1 and 2 (aim: < 30 s on 2);
#    vcf-pheno on the 2000 synthetic samples, and vcf-fidelity --utility-pheno with its model
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
BIN=$PWD/$BUILD/bin
DATA=${VS_BENCH_DATA:-$PWD/../shared/data}
W=bench/work
R=bench/results
N=${VS_BENCH_N:-50000}
[ -f "$DATA/1kg_chr1_11.7M.vcf.gz" ] || { echo "bench: $DATA/1kg_chr1_11.7M.vcf.gz not found" >&2; exit 1; }
mkdir -p "$W" "$R"
PANEL=$DATA/1kg_chr1_11.7M.vcf.gz

# measure NAME -- COMMAND...: appends "wall_s peak_rss_mb" for the command to $W/NAME.time
measure() {
    local name=$1; shift; shift
    /usr/bin/time -f '%e %M' -o "$W/$name.time" "$@"
    awk '{ printf "%.2f\t%.1f\n", $1, $2 / 1024 }' "$W/$name.time"
}

out=$R/core.tsv
printf 'benchmark\tthreads\tsamples\tsites\twall_s\tpeak_rss_mb\treference_wall_s\tratio\n' > "$out"

echo "bench: vcf-fit" >&2
for t in 1 2; do
    m=$(measure fit$t -- "$BIN/vcf-fit" "$PANEL" -g "$DATA/1kg_panel.tsv" --group-column super_pop \
        --map "$DATA/maps/chr1.b37.gmap.gz" --threads $t -q -o "$W/model.json")
    printf 'vcf-fit\t%d\t2504\t4296\t%s\t\t\n' $t "$m" >> "$out"
done

ratio() { awk -v a="$(cut -f1 <<<"$1")" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
for t in 1 2; do
    echo "bench: vcf-synth -n $N -Ob --threads $t (default preset and --privacy off), and bcftools view -Ob of its output" >&2
    m=$(measure synth$t -- "$BIN/vcf-synth" -m "$W/model.json" "$PANEL" -n "$N" --threads $t -q -Ob -o "$W/syn.bcf")
    off=$(measure off$t -- "$BIN/vcf-synth" -m "$W/model.json" "$PANEL" -n "$N" --privacy off --threads $t -q -Ob -o "$W/off.bcf")
    b=$(measure view$t -- bcftools view --threads $((t - 1)) -Ob -o "$W/view.bcf" "$W/syn.bcf")
    ref=$(cut -f1 <<<"$b"); ref_off=$(cut -f1 <<<"$off")
    printf 'vcf-synth -Ob\t%d\t%d\t4296\t%s\t%s\t%s\n' $t "$N" "$m" "$ref" "$(ratio "$m" "$ref")" >> "$out"
    printf 'vcf-synth -Ob --privacy off\t%d\t%d\t4296\t%s\t%s\t%s\n' $t "$N" "$off" "$ref" "$(ratio "$off" "$ref")" >> "$out"
    printf 'default preset / --privacy off\t%d\t%d\t4296\t%s\t%s\t%s\n' $t "$N" "$m" "$ref_off" "$(ratio "$m" "$ref_off")" >> "$out"
done

echo "bench: memory against the number of sites" >&2
reps=10
bcftools view -h "$PANEL" > "$W/big.vcf"
for k in $(seq 0 $((reps - 1))); do
    bcftools annotate -x INFO "$PANEL" | bcftools view -H | awk -v off=$((k * 200000)) -F'\t' -v OFS='\t' '{ $2 += off; print }'
done >> "$W/big.vcf"
bgzip -f "$W/big.vcf"
sites=$(bcftools view -H "$W/big.vcf.gz" | wc -l)
"$BIN/vcf-fit" "$W/big.vcf.gz" -g "$DATA/1kg_panel.tsv" --group-column super_pop --fit-haplotypes 10 \
    --threads 2 -q -o "$W/big.json"
m=$(measure small -- "$BIN/vcf-synth" -m "$W/model.json" "$PANEL" -n "$N" --threads 2 -q -Ob -o "$W/syn.bcf")
printf 'vcf-synth memory\t2\t%d\t4296\t%s\t\t\n' "$N" "$m" >> "$out"
m=$(measure big -- "$BIN/vcf-synth" -m "$W/big.json" "$W/big.vcf.gz" -n "$N" --threads 2 -q -Ob -o "$W/big.bcf")
printf 'vcf-synth memory\t2\t%d\t%d\t%s\t\t\n' "$N" "$sites" "$m" >> "$out"
rm -f "$W"/*.bcf "$W"/big.vcf.gz
column -t -s $'\t' "$out"

echo "bench: vcf-linkage-attack --attacks king against plink2 --make-king-table" >&2
bcftools query -l "$PANEL" > "$W/all.txt"
head -2000 "$W/all.txt" > "$W/train.txt"
tail -n +2001 "$W/all.txt" > "$W/holdout.txt"
bcftools view -S "$W/train.txt" "$PANEL" -Ob -o "$W/train.bcf" --no-version
bcftools view -S "$W/holdout.txt" "$PANEL" -Ob -o "$W/holdout.bcf" --no-version
"$BIN/vcf-fit" "$W/train.bcf" -g "$DATA/1kg_panel.tsv" --group-column super_pop --threads 2 -q -o "$W/train.json"
"$BIN/vcf-synth" -m "$W/train.json" "$W/train.bcf" -n 2000 --threads 2 -q -Ob -o "$W/syn.bcf"
bcftools index -f "$W/syn.bcf" && bcftools index -f "$W/train.bcf"
bcftools merge "$W/syn.bcf" "$W/train.bcf" -Ob -o "$W/merged.bcf"
aout=$R/attack.tsv
printf 'benchmark\tthreads\tpairs\twall_s\tpeak_rss_mb\tus_per_pair\tratio_per_pair\n' > "$aout"
for t in 1 2; do
    m=$(measure king$t -- "$BIN/vcf-linkage-attack" "$W/syn.bcf" --train "$W/train.bcf" --holdout "$W/holdout.bcf" \
        --attacks king --threads $t -q -o /dev/null)
    p=$(measure plink$t -- plink2 --bcf "$W/merged.bcf" --make-king-table --threads $t --out "$W/king" --silent)
    ours_pairs=$(( (2000 + $(wc -l < "$W/holdout.txt")) * 2000 )); plink_pairs=$(( 4000 * 3999 / 2 ))
    awk -F'\t' -v t=$t -v m="$m" -v p="$p" -v a=$ours_pairs -v b=$plink_pairs 'BEGIN {
        split(m, x, "\t"); split(p, y, "\t"); ua = x[1] / a * 1e6; ub = y[1] / b * 1e6
        printf "vcf-linkage-attack --attacks king\t%d\t%d\t%s\t%s\t%.4f\t%.2f\n", t, a, x[1], x[2], ua, ua / ub
        printf "plink2 --make-king-table\t%d\t%d\t%s\t%s\t%.4f\t\n", t, b, y[1], y[2], ub }' >> "$aout"
done
column -t -s $'\t' "$aout"

echo "bench: vcf-fidelity, 2000 synthetic vs 2000 training vs 504 holdout samples, 5 groups (aim: < 30 s on 2 threads)" >&2
fout=$R/fidelity.tsv
printf 'benchmark\tthreads\tsynthetic\ttrain\tholdout\tsites\twall_s\tpeak_rss_mb\n' > "$fout"
for t in 1 2; do
    m=$(measure fid$t -- "$BIN/vcf-fidelity" "$W/syn.bcf" --train "$W/train.bcf" --holdout "$W/holdout.bcf" \
        -g "$DATA/1kg_panel.tsv" --group-column super_pop --map "$DATA/maps/chr1.b37.gmap.gz" --threads $t -q \
        --html "$W/fidelity.html" -o /dev/null)
    printf 'vcf-fidelity (--html, 200 resamples)\t%d\t2000\t2000\t%d\t%d\t%s\n' $t "$(wc -l < "$W/holdout.txt")" \
        "$(bcftools view -H "$W/train.bcf" | wc -l)" "$m" >> "$fout"
done
echo "bench: vcf-pheno on the 2000 synthetic samples, and vcf-fidelity --utility-pheno (50 causal variants, h2 0.5)" >&2
m=$(measure pheno -- "$BIN/vcf-pheno" "$W/syn.bcf" --causal 50 --h2 0.5 --effects-out "$W/effects.tsv" -q -o /dev/null)
printf 'vcf-pheno --causal 50\t1\t2000\t\t\t%d\t%s\n' "$(bcftools view -H "$W/syn.bcf" | wc -l)" "$m" >> "$fout"
for t in 1 2; do
    m=$(measure util$t -- "$BIN/vcf-fidelity" "$W/syn.bcf" --train "$W/train.bcf" --holdout "$W/holdout.bcf" \
        -g "$DATA/1kg_panel.tsv" --group-column super_pop --map "$DATA/maps/chr1.b37.gmap.gz" --threads $t -q \
        --utility-pheno "$W/effects.tsv" -o /dev/null)
    printf 'vcf-fidelity --utility-pheno (200 resamples)\t%d\t2000\t2000\t%d\t%d\t%s\n' $t "$(wc -l < "$W/holdout.txt")" \
        "$(bcftools view -H "$W/train.bcf" | wc -l)" "$m" >> "$fout"
done
rm -f "$W"/*.bcf "$W"/*.csi
column -t -s $'\t' "$fout"
