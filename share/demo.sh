#!/usr/bin/env bash
# make demo: the whole path on real data from Debian's shapeit4-example
# (300 European 1000 Genomes samples, chr20:1-4 Mb, with the chr20 b37 map):
# split 240 train / 60 holdout, fit, synthesise 1000 samples, attack them,
# augment the training set with synthetic samples, summarise.
set -euo pipefail
BUILD=${BUILD:-build}
BIN=$(cd "$(dirname "$0")/.." && pwd)/$BUILD/bin
EX=/usr/share/doc/shapeit4/examples/test
OUT=${DEMO_OUT:-demo-out}
[ -f "$EX/reference.vcf.gz" ] || { echo "demo: $EX/reference.vcf.gz is missing; run 'make deps' as root" >&2; exit 1; }
mkdir -p "$OUT"
start=$(date +%s.%N)

bcftools query -l "$EX/reference.vcf.gz" > "$OUT/samples.txt"
# a seeded random split: the file is ordered by population, and a holdout of
# its last 60 samples would differ from the training set in ancestry
awk 'BEGIN { srand(7) } { print rand() "\t" $1 }' "$OUT/samples.txt" | sort -k1,1 | cut -f2 > "$OUT/shuffled.txt"
head -240 "$OUT/shuffled.txt" | sort > "$OUT/train.txt"
tail -60 "$OUT/shuffled.txt" | sort > "$OUT/holdout.txt"
awk 'BEGIN { print "sample\tgroup" } { print $1 "\tEUR" }' "$OUT/train.txt" > "$OUT/groups.tsv"
bcftools view --no-version -S "$OUT/train.txt" "$EX/reference.vcf.gz" -Ob -o "$OUT/train.bcf"
bcftools view --no-version -S "$OUT/holdout.txt" "$EX/reference.vcf.gz" -Ob -o "$OUT/holdout.bcf"

echo "== vcf-fit: 240 training samples, $(bcftools view -H "$OUT/train.bcf" | wc -l) sites, chr20 b37 map"
"$BIN/vcf-fit" "$OUT/train.bcf" -g "$OUT/groups.tsv" --map "$EX/chr20.b37.gmap.gz" --threads 2 -q \
    -o "$OUT/model.json" --report "$OUT/source-report.tsv"
column -t "$OUT/source-report.tsv"

echo "== vcf-synth: 1000 synthetic samples at the default privacy preset"
"$BIN/vcf-synth" -m "$OUT/model.json" "$OUT/train.bcf" -n 1000 --seed 7 --threads 2 -q -Ob -o "$OUT/synthetic.bcf"
bcftools view -h "$OUT/synthetic.bcf" | grep '^##vcfsynthPrivacy'

# allele frequencies: synthetic (our INFO/AC, AN) against train (bcftools +fill-tags)
bcftools query -f '%INFO/AC\t%INFO/AN\n' "$OUT/synthetic.bcf" > "$OUT/af_syn.txt"
bcftools +fill-tags "$OUT/train.bcf" -- -t AC,AN | bcftools query -f '%INFO/AC\t%INFO/AN\n' > "$OUT/af_train.txt"
r=$(paste "$OUT/af_syn.txt" "$OUT/af_train.txt" | awk '{ x = $1 / $2; y = $3 / $4; n++; sx += x; sy += y;
        sxx += x * x; syy += y * y; sxy += x * y }
    END { printf "%.4f", (n * sxy - sx * sy) / sqrt((n * sxx - sx * sx) * (n * syy - sy * sy)) }')
echo "== vcf-linkage-attack: 240 members (train) against 60 non-members (holdout); the shadow attack reruns"
echo "   vcf-fit and vcf-synth twice on random halves of the 300 samples"
"$BIN/vcf-linkage-attack" "$OUT/synthetic.bcf" --train "$OUT/train.bcf" --holdout "$OUT/holdout.bcf" \
    --map "$EX/chr20.b37.gmap.gz" --threads 2 -q --json "$OUT/attack.json" -o "$OUT/attack.tsv" \
    --shadow-pool "$EX/reference.vcf.gz" --shadow-runs 2 \
    --shadow-cmd "'$BIN/vcf-fit' {train} --map '$EX/chr20.b37.gmap.gz' --threads 2 -q -o {model} && '$BIN/vcf-synth' -m {model} {train} -n {n} --seed {seed} --threads 2 -q -Ob -o {out}"
column -t "$OUT/attack.tsv"
echo "== vcf-hybrid augment: the 240 training samples topped up to 300 with synthetic ones"
"$BIN/vcf-hybrid" augment "$OUT/train.bcf" "$OUT/synthetic.bcf" -g "$OUT/groups.tsv" --target EUR=300 -q \
    -Ob -o "$OUT/augmented.bcf"
bcftools view -h "$OUT/augmented.bcf" | grep -o 'Origin=[a-z]*' | sort | uniq -c
echo "== vcf-fidelity: synthetic and holdout, each against train; the HTML report"
"$BIN/vcf-fidelity" "$OUT/synthetic.bcf" --train "$OUT/train.bcf" --holdout "$OUT/holdout.bcf" \
    --map "$EX/chr20.b37.gmap.gz" --threads 2 -q --json "$OUT/fidelity.json" --html "$OUT/fidelity.html" \
    -o "$OUT/fidelity.tsv"
column -t "$OUT/fidelity.tsv"
end=$(date +%s.%N)

echo "== summary"
jq -r '.groups[] | "group \(.name): \(.members | length) samples, Ne \(.Ne | floor) (95% CI \(.Ne_lo | floor)-\(.Ne_hi | floor)), eps \(.eps)"' "$OUT/model.json"
echo "synthetic samples: $(bcftools query -l "$OUT/synthetic.bcf" | wc -l), sites: $(bcftools view -H "$OUT/synthetic.bcf" | wc -l)"
echo "allele-frequency Pearson r, synthetic vs train: $r"
echo "source sample names in the synthetic file: $(bcftools view "$OUT/synthetic.bcf" | grep -c -F -w -f "$OUT/samples.txt" || true)"
preset=$(bcftools view -h "$OUT/synthetic.bcf" | sed -n 's/^##vcfsynthPrivacy=<Preset=\([^,]*\),MinCarriers=\([0-9]*\).*/\1, every copied piece carried by >= \2 source individuals/p')
jq -r --arg p "$preset" '[.rows[] | select(.verdict != "ok")] | "privacy (\($p)): " + (if length == 0
    then "no attack tells members from non-members (every AUC interval holds 0.5)"
    else map("\(.attack) AUC \(.auc * 1000 | round / 1000) (\(.verdict))") | join(", ") end)' "$OUT/attack.json"
echo "fidelity: $(jq -r .verdict "$OUT/fidelity.json")"
awk -v a="$start" -v b="$end" 'BEGIN { printf "wall time: %.1f s\n", b - a }'
echo "outputs in $OUT/: model.json, source-report.tsv, synthetic.bcf, attack.tsv, attack.json, augmented.bcf,"
echo "    fidelity.tsv, fidelity.json, fidelity.html (open it in a browser)"
