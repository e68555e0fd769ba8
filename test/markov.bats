#!/usr/bin/env bats
# The shareable model kind (DESIGN.md 4.2): vcf-fit --kind markov, vcf-synth
# without a panel, vcf-fit --merge.

setup_file() {
    load 'helpers/common'
    have_shared || return 0
    cd "$BATS_FILE_TMPDIR"
    vcf-fit "$SHARED/1kg_chr1_11.7M.vcf.gz" -g "$SHARED/1kg_panel.tsv" --group-column super_pop \
        --map "$SHARED/maps/chr1.b37.gmap.gz" --kind markov --threads 2 -q -o mk.json
    # two owners: the samples split in halves, on the first ~700 sites
    bcftools view -r 1:11697036-11720000 "$SHARED/1kg_chr1_11.7M.vcf.gz" -Ob -o part.bcf
    bcftools query -l part.bcf | awk 'NR % 2' > a.txt
    bcftools query -l part.bcf | awk '!(NR % 2)' > b.txt
    bcftools view -S a.txt part.bcf -Ob -o a.bcf
    bcftools view -S b.txt part.bcf -Ob -o b.bcf
}

setup() {
    load 'helpers/common'
    need_shared
    W=$BATS_FILE_TMPDIR
    cd "$BATS_TEST_TMPDIR"
}

# Every allele count of every chain of a model: "n0 n1" lines.
counts() { jq -r '.groups[].chains[]' "$1" | tr ' ' '\n' | awk -F: 'NF >= 4 { print $3, $4 }'; }

@test "markov model: no sample name, no member list, and every stored count is 0 or at least K = 5" {
    run jq -r 'keys[]' "$W/mk.json"
    assert_output "$(printf 'command\ncreated_by\nformat\ngroups\nkind\nmarkov\npanel\nversion')"
    [ "$(jq -r '.kind' "$W/mk.json")" = markov ]
    [ "$(jq '[.groups[] | keys[]] | unique' -c "$W/mk.json")" = '["chains","name","samples"]' ]
    [ "$(jq '.panel | has("samples_sha256")' "$W/mk.json")" = false ]
    bcftools query -l "$SHARED/1kg_chr1_11.7M.vcf.gz" > names.txt
    run grep -c -F -w -f names.txt "$W/mk.json"
    assert_output 0
    counts "$W/mk.json" > counts.txt
    [ "$(wc -l < counts.txt)" -gt 100000 ]
    run awk '($1 > 0 && $1 < 5) || ($2 > 0 && $2 < 5)' counts.txt
    assert_output ""
    echo "1kg slice: $(stat -c %s "$W/mk.json") bytes, $(wc -l < counts.txt) context nodes" >&3
}

@test "merge: two owners' unpruned models add up to the whole panel's, count for count; pruned after the merge = pruned whole" {
    for x in a b part; do
        vcf-fit "$W/$x.bcf" -g "$SHARED/1kg_panel.tsv" --group-column super_pop --kind markov --map "$SHARED/maps/chr1.b37.gmap.gz" \
            --min-carriers 0 --no-version -q -o $x.json
    done
    vcf-fit --merge --min-carriers 0 --no-version -q -o ab.json a.json b.json
    [ "$(jq -c '[.groups[] | {name, samples}]' ab.json)" = "$(jq -c '[.groups[] | {name, samples}]' part.json)" ]
    cmp <(jq -S . ab.json) <(jq -S . part.json)
    # a trusted hub prunes the sum: the same as pruning the whole panel's model
    vcf-fit --merge --min-carriers 5 --no-version -q -o ab5.json a.json b.json
    vcf-fit "$W/part.bcf" -g "$SHARED/1kg_panel.tsv" --group-column super_pop --kind markov \
        --map "$SHARED/maps/chr1.b37.gmap.gz" --no-version -q -o part5.json
    cmp <(jq -S . ab5.json) <(jq -S . part5.json)
    # owners that prune their own counts: the sum holds no count below K either
    for x in a b; do
        vcf-fit "$W/$x.bcf" -g "$SHARED/1kg_panel.tsv" --group-column super_pop --kind markov \
            --map "$SHARED/maps/chr1.b37.gmap.gz" --no-version -q -o ${x}5.json
    done
    vcf-fit --merge --no-version -q -o pre.json a5.json b5.json
    [ "$(jq .markov.min_carriers pre.json)" -eq 5 ]
    run awk '($1 > 0 && $1 < 5) || ($2 > 0 && $2 < 5)' <(counts pre.json)
    assert_output ""
}

@test "merge: models of other sites, pruned with unpruned, and a Li-Stephens model are refused, naming the difference" {
    vcf-fit "$W/a.bcf" -g "$SHARED/1kg_panel.tsv" --group-column super_pop --kind markov --min-carriers 0 -q -o a.json
    tenth=$(bcftools query -f '%POS\n' "$W/b.bcf" | sed -n 10p)
    bcftools view -t "^1:$tenth" "$W/b.bcf" -Ob -o b2.bcf
    vcf-fit b2.bcf -g "$SHARED/1kg_panel.tsv" --group-column super_pop --kind markov --min-carriers 0 -q -o b2.json
    run vcf-fit --merge -o m.json a.json b2.json
    assert_failure 1
    assert_output --partial "--merge: site"
    assert_output --partial "in a.json but"
    vcf-fit "$W/b.bcf" -g "$SHARED/1kg_panel.tsv" --group-column super_pop --kind markov -q -o b5.json
    run vcf-fit --merge -o m.json a.json b5.json
    assert_failure 1
    assert_output --partial "not both"
    # contexts are limited in cM: owners must use the same map
    vcf-fit "$W/b.bcf" -g "$SHARED/1kg_panel.tsv" --group-column super_pop --kind markov --min-carriers 0 \
        --cM-per-Mb 3 -q -o b3.json
    run vcf-fit --merge -o m.json a.json b3.json
    assert_failure 1
    assert_output --partial "their genetic maps differ"
    assert_output --partial "fit every part with the same --map"
    vcf-fit "$W/b.bcf" -g "$SHARED/1kg_panel.tsv" --group-column super_pop -q -o ls.json
    run vcf-fit --merge -o m.json a.json ls.json
    assert_failure 1
    assert_output --partial "is a Li-Stephens model"
    run vcf-fit --merge -o m.json a.json
    assert_failure 2
    [ ! -e m.json ]
}

@test "synthesis from the markov model alone: AF r >= 0.99 per group; --threads 1 = 2 and -r halves concatenated = one run" {
    vcf-synth -m "$W/mk.json" -n 2000 --seed 3 --threads 2 -q -Ob -o syn.bcf
    vs-compare syn.bcf "$SHARED/1kg_chr1_11.7M.vcf.gz" "$SHARED/1kg_panel.tsv" super_pop 10000 0.05 > cmp.tsv 2>/dev/null
    cat cmp.tsv >&3
    run awk -F'\t' 'NR > 1 && $4 < 0.99' cmp.tsv
    assert_output ""
    [ "$(bcftools view -H syn.bcf | wc -l)" -eq 4296 ]
    bcftools view -h syn.bcf | grep -q '^##vcfsynthPrivacy=<Model=markov,MinCarriers=5,ContextSites=1000000,ContextCM=0.05,RestartCM=5>'
    synth_split_equal 1:1-11760000 1:11760001-11900000 -m "$W/mk.json" -n 300 --seed 4 -q --no-version
}

@test "LD from the markov model (1kg slice, 80/20, -n 2000): r2 ratios to the panel's 0.9-1.4 below 0.03 cM and 0.8-1.8 at 0.03-0.1 cM in every group; 16-site contexts lose it" {
    awk 'NR > 1 { print $1 "\t" $3 }' "$SHARED/1kg_panel.tsv" > groups.tsv
    bcftools query -l "$SHARED/1kg_chr1_11.7M.vcf.gz" | awk 'NR == FNR { g[$1] = $2; next }
        { print > (n[g[$1]]++ % 5 == 4 ? "hold.txt" : "train.txt") }' groups.tsv -
    for r in train hold; do bcftools view -S $r.txt "$SHARED/1kg_chr1_11.7M.vcf.gz" -Ob -o $r.bcf; done
    m=(-g groups.tsv --map "$SHARED/maps/chr1.b37.gmap.gz" --threads 2 -q)
    for setting in default short; do
        opts=(); [ $setting = short ] && opts=(--context-sites 16 --context-cM 0)
        vcf-fit train.bcf "${m[@]}" --kind markov "${opts[@]}" -o $setting.json
        vcf-synth -m $setting.json -n 2000 --seed 7 --threads 2 -q -Ob -o $setting.bcf
        vcf-fidelity $setting.bcf --train train.bcf --holdout hold.bcf "${m[@]}" -o $setting.tsv
    done
    awk -F'\t' '$2 ~ /^ld_r2/ { printf "%s %s %.2f\n", $1, $2, $5 }' default.tsv | sort -k2,2 | awk '{ r[$2] = r[$2] " " $3 }
        END { for (b in r) print "default", b, r[b] }' | sort >&3
    # synthetic/holdout ratio of mean r2 per distance bin (column 5)
    run awk -F'\t' '$2 ~ /^ld_r2_(0-0.001|0.001-0.003|0.003-0.01|0.01-0.03)cM$/ && ($5 < 0.9 || $5 > 1.4) ||
                     $2 == "ld_r2_0.03-0.1cM" && ($5 < 0.8 || $5 > 1.8)' default.tsv
    assert_output ""
    [ "$(awk -F'\t' '$2 ~ /^ld_r2_/' default.tsv | wc -l)" -ge 30 ]
    # the control: contexts of 16 sites keep under half of the r2 at 0.003-0.03 cM in every group
    run awk -F'\t' '$2 ~ /^ld_r2_(0.003-0.01|0.01-0.03)cM$/ && $5 > 0.5' short.tsv
    assert_output ""
}

@test "--dp-epsilon: noisy counts, the same for the same seed, recorded in the model; AF r still >= 0.99 at epsilon 1" {
    a=("$SHARED/1kg_chr1_11.7M.vcf.gz" -g "$SHARED/1kg_panel.tsv" --group-column super_pop --kind markov -q --no-version)
    vcf-fit "${a[@]}" --dp-epsilon 1 -o dp.json
    vcf-fit "${a[@]}" --dp-epsilon 1 -o dp2.json
    cmp dp.json dp2.json
    [ "$(jq .markov.dp_epsilon dp.json)" = 1 ]
    [ "$(jq .markov.dp_epsilon "$W/mk.json")" = 0 ]
    # the same nodes as without noise, most counts moved
    paste -d' ' <(counts "$W/mk.json") <(counts dp.json) > both.txt
    moved=$(awk '$1 != $3 || $2 != $4 { m++ } END { printf "%.3f", m / NR }' both.txt)
    echo "share of nodes with a count moved at epsilon 1: $moved" >&3
    awk -v m="$moved" 'BEGIN { exit !(m > 0.5) }'
    vcf-synth -m dp.json -n 2000 --seed 3 -q -Ob -o syn.bcf
    vs-compare syn.bcf "$SHARED/1kg_chr1_11.7M.vcf.gz" "$SHARED/1kg_panel.tsv" super_pop 10000 0.05 > cmp.tsv 2>/dev/null
    run awk -F'\t' 'NR > 1 && $4 < 0.99' cmp.tsv
    assert_output ""
    run vcf-fit "${a[@]}" --dp-epsilon 1 --min-carriers 0 -o x.json
    assert_failure 2
    run vcf-fit "$SHARED/1kg_chr1_11.7M.vcf.gz" --dp-epsilon 1 -o x.json
    assert_failure 2
    assert_output --partial "needs --kind markov"
    [ ! -e x.json ]
}

@test "vcf-synth with a markov model: a panel, --condition or --provenance (they need one), --privacy or a copying knob is a usage error" {
    run vcf-synth -m "$W/mk.json" -n 10 "$SHARED/1kg_chr1_11.7M.vcf.gz" -o out.vcf
    assert_failure 2
    assert_output --partial "it needs no panel"
    for opt in "--condition 1:11760996:C:A=1" "--provenance p.tsv"; do
        run vcf-synth -m "$W/mk.json" -n 10 $opt -o out.vcf
        assert_failure 2
        assert_output --partial "needs a Li-Stephens model and its panel"
    done
    # the copying knobs do not apply to a chain: before, they were ignored without a word
    for opt in "--privacy strict" "--min-carriers 50" "--rare drop"; do
        run vcf-synth -m "$W/mk.json" -n 10 $opt -o out.vcf
        assert_failure 2
        assert_output --partial "set how a panel is copied; $W/mk.json is a markov model, whose privacy was set when it was fitted"
    done
    run vcf-synth -m "$W/mk.json" -n 10 -r 2:1-100 -o out.vcf
    assert_failure 1
    assert_output --partial "names contig 2, which the model does not have"
    [ ! -e out.vcf ]
}
