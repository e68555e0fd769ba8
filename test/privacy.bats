#!/usr/bin/env bats
# The privacy knobs of vcf-synth (k-anonymous pieces, neighbour jumps, the
# segment cap, rare alleles, presets, provenance), their determinism across
# threads and region splits, and the attacks that judge them (the copies rule
# on planted copies, the shadow attack).  The toy tests are self-contained;
# the demo panel comes from Debian's shapeit4-example (make deps); the 1000
# Genomes tests skip when ../shared is absent.

EX=/usr/share/doc/shapeit4/examples/test

setup_file() {
    load 'helpers/common'
    cd "$BATS_FILE_TMPDIR"
    local d; d=$(toy_dir)
    vcf-fit "$d/toy.vcf.gz" -g "$d/groups.tsv" --map "$d/chr4.gmap.gz" -q -o "$d/model.json"
    if [ -f "$EX/reference.vcf.gz" ]; then
        # the demo's split: 240 training samples of the 300, 6.65 cM of chr20
        bcftools query -l "$EX/reference.vcf.gz" > demo_all.txt
        awk 'BEGIN { srand(7) } { print rand() "\t" $1 }' demo_all.txt | sort -k1,1 | cut -f2 | head -240 | sort > demo_train.txt
        awk 'BEGIN { print "sample\tgroup" } { print $1 "\tEUR" }' demo_train.txt > demo_groups.tsv
        bcftools view --no-version -S demo_train.txt "$EX/reference.vcf.gz" -Ob -o demo.bcf
        bcftools index demo.bcf
        vcf-fit demo.bcf -g demo_groups.tsv --map "$EX/chr20.b37.gmap.gz" --threads 2 -q -o demo.json
    fi
    have_shared || return 0
    bcftools query -l "$SHARED/1kg_chr1_11.7M.vcf.gz" > kg_all.txt
    # bench/tradeoff's split: a seeded shuffle within each super-population, every 5th to the holdout
    awk 'BEGIN { srand(20) } NR == FNR { g[$1] = $3; next } { print g[$1] "\t" rand() "\t" $1 }' \
        "$SHARED/1kg_panel.tsv" kg_all.txt | sort -k1,1 -k2,2g |
        awk '{ n[$1]++; print $3 > (n[$1] % 5 ? "kg_train.txt" : "kg_holdout.txt") }'
    for s in train holdout; do bcftools view --no-version -S kg_$s.txt "$SHARED/1kg_chr1_11.7M.vcf.gz" -Ob -o kg_$s.bcf; done
    # the attacks judge what the sampler copies; Ne from 20 held-out haplotypes is close enough
    vcf-fit kg_train.bcf -g "$SHARED/1kg_panel.tsv" --group-column super_pop --map "$SHARED/maps/chr1.b37.gmap.gz" \
        --fit-haplotypes 20 --threads 2 -q -o kg.json
}

setup() {
    load 'helpers/common'
    W=$BATS_FILE_TMPDIR
    TOY=$W/toy
    cd "$BATS_TEST_TMPDIR"
}

need_demo() { [ -f "$EX/reference.vcf.gz" ] || skip "$EX/reference.vcf.gz is absent (make deps installs shapeit4-example)"; }

records() { bcftools view -H "$1" | md5sum; }
min_carriers() { bcftools view -h "$1" | sed -n 's/^##vcfsynthPrivacy=.*MinCarriers=\([0-9]*\).*/\1/p'; }

@test "privacy: --privacy off, and K=1 with uniform switching, reproduce vcfsynth 0.1.0 exactly" {
    # the md5 of the records vcfsynth 0.1.0 (commit d44572b) wrote for this toy run, with the Ne
    # its vcf-fit found (the single-precision forward pass since moves them by 0.02%, and the records with them)
    jq '.groups[0].Ne = 8874.4062850358 | .groups[1].Ne = 5686.277509794723' "$TOY/model.json" > pinned.json
    run bash -c "vcf-synth -m pinned.json '$TOY/toy.vcf.gz' -n 100 --seed 5 --no-version -q --privacy off | grep -v '^##' | md5sum"
    assert_output "4521e8d693976e4f2539bd48f441c79c  -"
    run bash -c "vcf-synth -m pinned.json '$TOY/toy.vcf.gz' -n 100 --seed 5 --no-version -q --min-carriers 1 \
        --jump uniform --scale-switch 1 | grep -v '^##' | md5sum"
    assert_output "4521e8d693976e4f2539bd48f441c79c  -"
}

@test "privacy: presets and knobs are recorded in the header; knobs override the preset in any order" {
    run bash -c "vcf-synth -m '$TOY/model.json' '$TOY/toy.vcf.gz' -n 5 --no-version -q | grep '^##vcfsynthPrivacy'"
    assert_output "##vcfsynthPrivacy=<Preset=balanced,MinCarriers=5,Jump=neighbour,MaxContextSites=80,ScaleSwitch=0,MaxSegmentCM=0,Rare=scatter,RestartCM=5>"
    run bash -c "vcf-synth -m '$TOY/model.json' '$TOY/toy.vcf.gz' -n 5 --no-version -q --min-carriers 4 --privacy fidelity | grep '^##vcfsynthPrivacy'"
    assert_output --partial "Preset=custom,MinCarriers=4,Jump=neighbour,MaxContextSites=160"
    run bash -c "vcf-synth -m '$TOY/model.json' '$TOY/toy.vcf.gz' -n 5 --mix A=1 --no-version -q --privacy strict | grep '^##vcfsynthPrivacy'"
    assert_output --partial "Preset=strict,MinCarriers=10,Jump=neighbour,MaxContextSites=80"
    run bash -c "vcf-synth -m '$TOY/model.json' '$TOY/toy.vcf.gz' -n 5 -q --privacy off | grep -c '^##vcfsynthPrivacy=<Preset=off,MinCarriers=1,Jump=uniform'"
    assert_output 1
}

@test "privacy: bad knobs are usage errors; a group too small for --min-carriers is named" {
    run vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" --privacy stric
    assert_failure 2
    assert_output --partial "--privacy expects off, fidelity, balanced or strict, not 'stric'"
    run vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" --jump random
    assert_failure 2
    run vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" --min-carriers 0
    assert_failure 2
    run vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" --rare keep
    assert_failure 2
    # group B has 16 samples: K = 9 needs 17
    run vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 10 --min-carriers 9 -o out.vcf
    assert_failure 1
    assert_output --partial "group B has 16 samples; --min-carriers 9 needs at least 17"
    [ ! -e out.vcf ]
    run vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 10 --min-carriers 9 --mix A=1 -q -o out.vcf
    assert_success
}

@test "privacy: every provenance piece is carried over its span and context by >= K individuals (brute force)" {
    need_demo
    for k in 5 10; do
        vcf-synth -m "$W/demo.json" "$W/demo.bcf" -n 200 --seed 3 --min-carriers $k --threads 2 -q -Ob -o syn$k.bcf \
            --provenance prov$k.tsv
        run vs-pieces "$W/demo.bcf" "$W/demo.json" syn$k.bcf prov$k.tsv
        echo "K=$k: $output" >&3
        run awk -v k=$k '{ print ($2 > 1000 && $4 >= k && $6 >= k && $10 < 0.01) ? "ok" : "FAIL " $0 }' <<<"$output"
        assert_output ok
    done
    run head -1 prov5.tsv
    assert_output "$(printf '#sample\thaplotype\tcontig\tstart\tend\tsource\tsource_haplotype\tcontext_start')"
}

@test "privacy: K=1 pieces are carried by their template alone; without --provenance no file, no source name" {
    need_demo
    vcf-synth -m "$W/demo.json" "$W/demo.bcf" -n 50 --privacy off -q -Ob -o plain.bcf --provenance plain.tsv
    run vs-pieces "$W/demo.bcf" "$W/demo.json" plain.bcf plain.tsv
    run awk '{ print ($4 >= 1), ($10 < 0.01) }' <<<"$output"
    assert_output "1 1"
    vcf-synth -m "$W/demo.json" "$W/demo.bcf" -n 50 -q -Ob -o syn.bcf
    [ "$(ls)" = "$(printf 'plain.bcf\nplain.tsv\nsyn.bcf')" ]
    run bash -c "bcftools view syn.bcf | grep -c -F -w -f '$W/demo_train.txt'"
    assert_output 0
}

@test "privacy: --max-segment-cM X: no provenance piece is longer than X cM" {
    need_demo
    for opts in "--max-segment-cM 0.05" "--max-segment-cM 0.02 --privacy off" "--max-segment-cM 0.03 --min-carriers 3"; do
        vcf-synth -m "$W/demo.json" "$W/demo.bcf" -n 100 $opts -q -Ob -o syn.bcf --provenance prov.tsv
        x=$(grep -o 'max-segment-cM [0-9.]*' <<<"$opts" | cut -d' ' -f2)
        run vs-pieces "$W/demo.bcf" "$W/demo.json" syn.bcf prov.tsv
        echo "$opts: $output" >&3
        run awk -v x=$x '{ print ($8 <= x && $8 > x / 2) ? "ok" : "FAIL " $0 }' <<<"$output"
        assert_output ok
    done
}

@test "privacy: --threads 1 and 2 give the same records, and two -r runs concatenated equal one run, for every knob" {
    need_demo
    # the demo panel spans 6.65 cM, more than one restart spacing (5 cM): a run
    # that starts at 3.3 or 3.9 Mb must read back to reach the same state
    for opts in "" "--privacy strict" "--privacy fidelity --max-segment-cM 0.1" "--jump uniform --min-carriers 5" \
                "--scale-switch 2" "--rare drop" "--privacy off"; do
        vcf-synth -m "$W/demo.json" "$W/demo.bcf" -n 60 --seed 9 $opts --threads 1 -q -Ob -o t1.bcf
        vcf-synth -m "$W/demo.json" "$W/demo.bcf" -n 60 --seed 9 $opts --threads 2 -q -Ob -o t2.bcf
        [ "$(records t1.bcf)" = "$(records t2.bcf)" ] || { echo "threads differ: $opts" >&3; false; }
        for cut in 3300000 3900000; do
            vcf-synth -m "$W/demo.json" "$W/demo.bcf" -n 60 --seed 9 $opts -r 20:1-$cut -q -Ob -o a.bcf
            vcf-synth -m "$W/demo.json" "$W/demo.bcf" -n 60 --seed 9 $opts -r 20:$((cut + 1))-5000000 -q -Ob -o b.bcf
            [ "$(bcftools concat a.bcf b.bcf 2>/dev/null | bcftools view -H | md5sum)" = "$(records t1.bcf)" ] ||
                { echo "split at $cut differs: $opts" >&3; false; }
        done
        vcf-synth -m "$W/demo.json" "$W/demo.bcf" -n 60 --seed 9 $opts -t 20:3900001-5000000 -q -Ob -o t.bcf
        [ "$(records t.bcf)" = "$(records b.bcf)" ] || { echo "-t differs from -r: $opts" >&3; false; }
    done
}

@test "privacy: -t ^REGION writes the complement of -t REGION, the same records" {
    need_demo
    vcf-synth -m "$W/demo.json" "$W/demo.bcf" -n 30 -q -Ob -o all.bcf
    vcf-synth -m "$W/demo.json" "$W/demo.bcf" -n 30 -q -t 20:2000000-2500000 -Ob -o in.bcf
    vcf-synth -m "$W/demo.json" "$W/demo.bcf" -n 30 -q -t ^20:2000000-2500000 -Ob -o out.bcf
    run bash -c "(bcftools view -H in.bcf; bcftools view -H out.bcf) | sort -k2,2n | md5sum"
    assert_output "$(bcftools view -H all.bcf | sort -k2,2n | md5sum)"
    [ "$(bcftools view -H in.bcf | wc -l)" -gt 100 ]
}

@test "privacy: rare alleles are scattered near their fresh-sample frequency; dropped with --rare drop" {
    need_demo
    bcftools +fill-tags "$W/demo.bcf" -- -t AC,AN | bcftools query -f '%POS\t%INFO/AC\t%INFO/AN\n' > train_ac.txt
    for rare in scatter drop; do
        vcf-synth -m "$W/demo.json" "$W/demo.bcf" -n 1000 --rare $rare --threads 2 -q -Ob -o $rare.bcf
        bcftools query -f '%POS\t%INFO/AC\t%INFO/AN\n' $rare.bcf > $rare.txt
    done
    k=$(min_carriers drop.bcf)
    # the synthetic frequency of training alleles seen 1 to k-1 times (so carried by fewer than k
    # samples), against the training frequency
    ratio() {
        awk -v k=$k 'NR == FNR { ac[$1] = $2; an[$1] = $3; next }
             { t = ac[$1] <= an[$1] / 2 ? ac[$1] : an[$1] - ac[$1]; s = ac[$1] <= an[$1] / 2 ? $2 : $3 - $2
               if (t >= 1 && t < k) { st += t / an[$1]; ss += s / $3 } }
             END { printf "%.3f\n", ss / st }' train_ac.txt "$1"
    }
    scatter=$(ratio scatter.txt) drop=$(ratio drop.txt)
    echo "k $k, rare allele frequency against train: scatter $scatter, drop $drop (miscopies alone)" >&3
    # scatter: near a fresh sample's (Good-Turing shrinks singletons); drop: the miscopy rate alone
    awk -v s=$scatter -v d=$drop 'BEGIN { exit !(s > 0.3 && s < 1.0 && d < 0.15) }'
}

@test "privacy: no carrier of a scattered rare allele matches its host over > 15 sites that K carry both ways" {
    need_demo
    # without miscopies every allele that fewer than K carry is a scattered one
    sed 's/"eps":\t[0-9.e+-]*/"eps":\t0/' "$W/demo.json" > eps0.json
    for rare in scatter drop; do
        vcf-synth -m eps0.json "$W/demo.bcf" -n 200 --seed 3 --rare $rare --threads 2 -q -Ob -o $rare.bcf
        run vs-pieces "$W/demo.bcf" eps0.json $rare.bcf --rare $(min_carriers $rare.bcf)
        echo "--rare $rare: $output" >&3
        eval "$rare=(\$output)"
    done
    # "rare N longest L over_15 M longest_copyable L over_15_copyable M"
    [ "${scatter[1]}" -gt 1000 ]
    [ "${scatter[7]}" -le 15 ]
    [ "${scatter[9]}" -eq 0 ]
    [ "${drop[1]}" -eq 0 ]
}

@test "privacy (1000 Genomes): 20 training samples among 2000 synthetic ones, renamed or not, make the verdict high" {
    need_shared
    vcf-synth -m "$W/kg.json" "$W/kg_train.bcf" -n 1980 --seed 4 --threads 2 -q -Ob -o syn.bcf
    vcf-synth -m "$W/kg.json" "$W/kg_train.bcf" -n 2000 --seed 4 --threads 2 -q -Ob -o none.bcf
    awk 'NR % 100 == 7' "$W/kg_train.txt" | head -20 > planted.txt
    awk '{ printf "%s\tPLANTED%02d\n", $1, NR }' planted.txt > rename.txt
    bcftools view --no-version -S planted.txt "$W/kg_train.bcf" -Ob -o named.bcf
    bcftools reheader -s rename.txt named.bcf -o planted.bcf
    bcftools index syn.bcf && bcftools index planted.bcf
    bcftools merge --no-version syn.bcf planted.bcf -Ob -o with.bcf
    for s in with none; do
        vcf-linkage-attack $s.bcf --train "$W/kg_train.bcf" --holdout "$W/kg_holdout.bcf" -g "$SHARED/1kg_panel.tsv" \
            --group-column super_pop --map "$SHARED/maps/chr1.b37.gmap.gz" --attacks dcr,king,ibd --threads 2 -q -o $s.tsv
    done
    cut -f1,2,5-7,11- with.tsv | grep -w all >&3
    # the copies rule: 20 members with an identical synthetic genome, no non-member
    run awk -F'\t' '$2 == "all" && ($1 == "dcr" || $1 == "king") { print $1, $11, $14, $15 }' with.tsv
    assert_output "$(printf 'dcr high 20 0\nking high 20 0')"
    run awk -F'\t' '$2 == "all" && ($1 == "dcr" || $1 == "king" || $1 == "ibd") { print $1, $11, $14 }' none.tsv
    refute_output --partial high
    refute_output --regexp ' [1-9][0-9]*$'
    # names kept: the names attack sees them the same way
    bcftools index named.bcf
    bcftools merge --no-version syn.bcf named.bcf -Ob -o kept.bcf
    vcf-linkage-attack kept.bcf --train "$W/kg_train.bcf" --holdout "$W/kg_holdout.bcf" --attacks names -q -o kept.tsv
    run awk -F'\t' '$2 == "all" { print $1, $11, $14, $15 }' kept.tsv
    assert_output "names high 20 0"
}

@test "privacy (1000 Genomes): the shadow attack calls a copying generator high and a generator of strangers null" {
    need_shared
    awk 'NR % 2' "$W/kg_train.txt" > members.txt
    awk 'NR % 2 == 0' "$W/kg_train.txt" > strangers.txt
    bcftools view --no-version -S members.txt "$W/kg_train.bcf" -Ob -o members.bcf
    bcftools view --no-version -S strangers.txt "$W/kg_train.bcf" -Ob -o strangers.bcf
    run vcf-linkage-attack members.bcf --train members.bcf --holdout "$W/kg_holdout.bcf" --attacks shadow \
        --shadow-cmd 'cp {train} {out}' --threads 2 -q
    echo "$output" | cut -f1,2,5-7,11 >&3
    assert_line --regexp '^shadow	all	.*	1\.0000	.*	high	'
    run vcf-linkage-attack strangers.bcf --train members.bcf --holdout "$W/kg_holdout.bcf" --attacks shadow \
        --shadow-cmd "cp '$BATS_TEST_TMPDIR/strangers.bcf' {out}" --threads 2 -q
    echo "$output" | cut -f1,2,5-7,11 >&3
    run awk -F'\t' '$1 == "shadow" { print ($6 <= 0.5 && $7 >= 0.5) ? "null" : "SIGNAL" }' <<<"$output"
    assert_output null
}

@test "privacy: the shadow attack needs its command; a failing command is named" {
    local d=$TOY
    run vcf-linkage-attack "$d/toy.vcf.gz" --train "$d/toy.vcf.gz" --holdout "$d/toy.vcf.gz" --attacks shadow
    assert_failure 2
    assert_output --partial "--shadow-cmd"
    bcftools view -s TOY01,TOY02,TOY03,TOY04,TOY05,TOY06,TOY07,TOY08,TOY09,TOY10 "$d/toy.vcf.gz" -Ob -o tr.bcf
    bcftools view -s ^TOY01,TOY02,TOY03,TOY04,TOY05,TOY06,TOY07,TOY08,TOY09,TOY10 "$d/toy.vcf.gz" -Ob -o ho.bcf
    run vcf-linkage-attack tr.bcf --train tr.bcf --holdout ho.bcf --attacks shadow --shadow-cmd 'false {out}'
    assert_failure 1
    assert_output --partial "shadow run 1: the generator command failed (status 1)"
    run vcf-linkage-attack tr.bcf --train tr.bcf --holdout ho.bcf --attacks shadow --shadow-cmd 'cp {train} {output}'
    assert_failure 2
    assert_output --partial "{output} is not a placeholder"
    assert_output --partial "must write its synthetic cohort to {out}"
    # "all" leaves shadow out quietly when there is no generator to run
    run vcf-linkage-attack tr.bcf --train tr.bcf --holdout ho.bcf --attacks all -q
    assert_success
    refute_output --partial "shadow"
}
