#!/usr/bin/env bats
# Plastic cohorts (DESIGN.md 5.3): admixed groups with their true local
# ancestry, and carrier conditioning.

setup_file() {
    load 'helpers/common'
    have_shared || return 0
    cd "$BATS_FILE_TMPDIR"
    # a whole chromosome: 1kg-uwgac chr22 with its genetic map
    bcftools norm -m- -Ob -o chr22.bcf "$SHARED/1kg-uwgac/chr22.vcf.gz" 2>/dev/null && bcftools index chr22.bcf
    vcf-fit chr22.bcf -g "$SHARED/1kg_panel.tsv" --group-column super_pop --map "$SHARED/maps/chr22.b37.gmap.gz" \
        --threads 2 -q -o c22.json
    vcf-synth -m c22.json chr22.bcf -n 500 --admix ASWlike=AFR:0.8,EUR:0.2,gen=7 --seed 11 --threads 2 -q \
        --local-ancestry tracts.tsv.gz --provenance prov.tsv -Ob -o asw.bcf
    python3 "$ROOT/test/helpers/admix-check.py" --rate 7 tracts.tsv.gz asw.bcf "$SHARED/maps/chr22.b37.gmap.gz" \
        chr22.bcf "$SHARED/1kg_panel.tsv" AFR EUR prov.tsv > check.txt
    # the 1kg slice, every sample: carriers conditioned at three sites (default privacy)
    vcf-fit "$SHARED/1kg_chr1_11.7M.vcf.gz" -g "$SHARED/1kg_panel.tsv" --group-column super_pop \
        --map "$SHARED/maps/chr1.b37.gmap.gz" --threads 2 -q -o slice.json
    vcf-synth -m slice.json "$SHARED/1kg_chr1_11.7M.vcf.gz" -n 2000 --seed 2 --threads 2 -q \
        --condition 1:11760996:C:A=1,fraction=0.5,group=AFR --condition 1:11715324:G:T=2,fraction=0.1,group=AFR \
        --condition 1:11711589:G:T=0,group=EUR --provenance cprov.tsv -Ob -o cond.bcf
    bcftools index cond.bcf
}

setup() {
    load 'helpers/common'
    need_shared
    W=$BATS_FILE_TMPDIR
    cd "$BATS_TEST_TMPDIR"
}

measure() { awk -v k="$1" '$1 == k { print $2 }' "$W/check.txt"; }

# Samples of a synthetic file whose ##SAMPLE line says Group=$2 and, with
# $3, Condition="$3" (-: no condition at all).
samples_of() {
    bcftools view -h "$1" | awk -v g="Group=$2," -v c="${3-}" '/^##SAMPLE=/ && index($0, g) &&
        (c == "" || (c == "-" && !index($0, "Condition=")) || (c != "-" && index($0, "Condition=\"" c "\""))) {
        sub(/^##SAMPLE=<ID=/, ""); sub(/,.*/, ""); print }'
}

# Genotype counts at one site among the samples listed in a file.
gt_counts() { bcftools query -r "$2" -S "$3" -f '[%GT\n]' "$1" | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }'; }

@test "admixture on chr22 (ASWlike=AFR:0.8,EUR:0.2,gen=7): the tracts cover every site once per haplotype, AFR share 0.80 +- 0.03" {
    cat "$W/check.txt" >&3
    [ "$(measure haplotypes)" -eq 1000 ]
    [ "$(measure coverage_errors)" -eq 0 ]
    awk -v s="$(measure share_A)" 'BEGIN { exit !(s >= 0.77 && s <= 0.83) }'
    # every sample is admixed, named in the header with its definition
    [ "$(bcftools view -h "$W/asw.bcf" | grep -c '^##SAMPLE=<ID=SYN[0-9]*,Group=ASWlike')" -eq 500 ]
    bcftools view -h "$W/asw.bcf" | grep -qx '##vcfsynthAdmix=<ID=ASWlike,Groups="AFR:0.8;EUR:0.2",Gen=7>'
    # bgzipped and tabix-indexed
    run tabix "$W/tracts.tsv.gz" 22:30000000-30000001
    assert_success
    [ "$(echo "$output" | wc -l)" -eq 1000 ]
    run bash -c "tabix -l '$W/tracts.tsv.gz'"
    assert_output "22"
}

@test "admixture: interior tract lengths fit the rate-7 exponential seen on the chromosome (KS, 1% level); rates 5 and 10 are rejected" {
    awk -v d="$(measure ks_d)" -v c="$(measure ks_crit)" 'BEGIN { exit !(d < c) }'
    [ "$(measure interior_n)" -gt 2000 ]
    # the test has power: the same tracts against other rates
    for r in 5 10; do
        python3 "$ROOT/test/helpers/admix-check.py" --rate $r "$W/tracts.tsv.gz" "$W/asw.bcf" \
            "$SHARED/maps/chr22.b37.gmap.gz" "$W/chr22.bcf" "$SHARED/1kg_panel.tsv" AFR EUR > other.txt
        awk '$1 == "ks_d" { d = $2 } $1 == "ks_crit" { c = $2 } END { exit !(d > c) }' other.txt
    done
}

@test "admixture: every copied piece lies inside one tract and copies a source sample of the tract's group, allele for allele" {
    [ "$(measure prov_pieces)" -gt 10000 ]
    [ "$(measure prov_outside)" -eq 0 ]
    [ "$(measure prov_wrong_group)" -eq 0 ]
    # what differs is miscopying (eps ~ 2e-4) and scattered rare alleles
    awk -v r="$(measure prov_mismatch_rate)" 'BEGIN { exit !(r < 0.002) }'
}

@test "admixture, plain copying (--privacy off): the same checks hold" {
    vcf-synth -m "$W/c22.json" "$W/chr22.bcf" -n 200 --admix ASWlike=AFR:0.8,EUR:0.2,gen=7 --privacy off --seed 3 -q \
        --local-ancestry t.tsv.gz --provenance p.tsv -Ob -o o.bcf
    python3 "$ROOT/test/helpers/admix-check.py" --rate 7 t.tsv.gz o.bcf "$SHARED/maps/chr22.b37.gmap.gz" \
        "$W/chr22.bcf" "$SHARED/1kg_panel.tsv" AFR EUR p.tsv > c.txt
    cat c.txt >&3
    awk '{ v[$1] = $2 } END { exit !(v["coverage_errors"] == 0 && v["share_A"] > 0.76 && v["share_A"] < 0.84 &&
         v["ks_d"] < v["ks_crit"] && v["prov_outside"] == 0 && v["prov_wrong_group"] == 0 &&
         v["prov_mismatch_rate"] < 0.002) }' c.txt
}

@test "admixture, checked from the genotypes alone: a supervised least-squares AFR share agrees with the tracts within 0.05 per sample on average (22 chromosomes)" {
    # chr22's ~1100 sites alone give each sample's estimate a sd of ~0.11
    # (pure sampling noise, no bias), so the check runs genome-wide
    for i in $(seq 1 22); do bcftools norm -m- -Ob -o chr$i.bcf "$SHARED/1kg-uwgac/chr$i.vcf.gz" 2>/dev/null; done
    bcftools concat chr{1..22}.bcf -Ob -o genome.bcf 2>/dev/null && bcftools index genome.bcf
    vcf-fit genome.bcf -g "$SHARED/1kg_panel.tsv" --group-column super_pop --map "$SHARED/maps/chr{CHROM}.b37.gmap.gz" \
        --fit-haplotypes 20 --threads 2 -q -o g.json
    vcf-synth -m g.json genome.bcf -n 200 --admix ASWlike=AFR:0.8,EUR:0.2,gen=7 --threads 2 -q \
        --local-ancestry t.tsv.gz -Ob -o asw.bcf
    python3 "$ROOT/test/helpers/admix-check.py" t.tsv.gz asw.bcf - genome.bcf "$SHARED/1kg_panel.tsv" AFR EUR > c.txt
    grep -E 'coverage|share|ls_' c.txt >&3
    awk '{ v[$1] = $2 } END { exit !(v["coverage_errors"] == 0 && v["ls_mae"] < 0.05) }' c.txt
    [ "$(tabix -l t.tsv.gz | wc -l)" -eq 22 ]
}

@test "admixture with --mix: admixed and source groups side by side; --threads 1 = 2 and -r halves concatenated = one run, both engines" {
    for p in balanced off; do
        a=(-m "$W/c22.json" "$W/chr22.bcf" -n 60 --admix ASWlike=AFR:0.8,EUR:0.2,gen=7 --mix ASWlike=0.5,EUR=0.25,AFR=0.25
           --privacy $p --seed 4 -q --no-version)
        vcf-synth "${a[@]}" --threads 1 --local-ancestry t1.tsv.gz -Ov -o one.vcf
        vcf-synth "${a[@]}" --threads 2 --local-ancestry t2.tsv.gz -Ov -o two.vcf
        cmp one.vcf two.vcf
        cmp <(zcat t1.tsv.gz) <(zcat t2.tsv.gz)
        vcf-synth "${a[@]}" -r 22:1-30000000 -Ov -o h1.vcf
        vcf-synth "${a[@]}" -r 22:30000001-60000000 -Ov -o h2.vcf
        cmp <(bcftools view -H one.vcf) <(cat <(bcftools view -H h1.vcf) <(bcftools view -H h2.vcf))
        [ "$(bcftools view -h one.vcf | grep -c 'Group=ASWlike')" -eq 30 ]
        # only admixed samples have tracts
        [ "$(zcat t1.tsv.gz | awk 'NR > 1 { print $1 }' | sort -u | wc -l)" -eq 30 ]
    done
}

@test "admixture from a markov model (no panel): tracts cover every site once, AFR share 0.80 +- 0.03, genotypes follow the tracts' groups; --threads 1 = 2 and -r halves = one run" {
    vcf-fit "$W/chr22.bcf" -g "$SHARED/1kg_panel.tsv" --group-column super_pop --map "$SHARED/maps/chr22.b37.gmap.gz" \
        --kind markov --threads 2 -q -o mk.json
    vcf-synth -m mk.json -n 200 --admix ASWlike=AFR:0.8,EUR:0.2,gen=7 --seed 11 --threads 2 -q \
        --local-ancestry t.tsv.gz -Ob -o asw.bcf
    python3 "$ROOT/test/helpers/admix-check.py" t.tsv.gz asw.bcf "$SHARED/maps/chr22.b37.gmap.gz" "$W/chr22.bcf" \
        "$SHARED/1kg_panel.tsv" AFR EUR > c.txt
    grep -E 'coverage|share|ls_' c.txt >&3
    # ls_bias: the mean over 200 samples of a per-sample estimate with sd ~0.11 on chr22 (se ~0.01);
    # a chain that ignored the tracts would be off by 0.2 or 0.8
    awk '{ v[$1] = $2 } END { exit !(v["coverage_errors"] == 0 && v["share_A"] > 0.77 && v["share_A"] < 0.83 &&
                                     v["ls_bias"] > -0.04 && v["ls_bias"] < 0.04) }' c.txt
    synth_split_equal 22:1-30000000 22:30000001-60000000 -m mk.json -n 60 --admix ASWlike=AFR:0.8,EUR:0.2,gen=7 \
        --mix ASWlike=0.5,EUR=0.25,AFR=0.25 --seed 4 -q --no-version
}

@test "--admix and --local-ancestry: bad values are usage errors naming the problem" {
    a=(-m "$W/c22.json" "$W/chr22.bcf" -n 10 -o out.vcf)
    run vcf-synth "${a[@]}" --admix ASWlike=AFR:0.8,XYZ:0.2
    assert_failure 2
    assert_output --partial "--admix ASWlike names group 'XYZ', which the model does not have"
    run vcf-synth "${a[@]}" --admix ASWlike=AFR:0.8,EUR:0.3
    assert_failure 2
    assert_output --partial "the shares sum to 1.1, not 1"
    run vcf-synth "${a[@]}" --admix ASWlike=AFR:1
    assert_failure 2
    assert_output --partial "name at least two"
    run vcf-synth "${a[@]}" --admix AFR=EUR:0.5,EAS:0.5
    assert_failure 2
    assert_output --partial "the model already has a group of that name"
    run vcf-synth "${a[@]}" --admix X=EUR:0.5,EAS:0.5 --admix X=EUR:0.5,AFR:0.5
    assert_failure 2
    assert_output --partial "--admix X is defined twice"
    run vcf-synth "${a[@]}" --admix X=EUR:0.5,EAS:0.5,gen=-1
    assert_failure 2
    run vcf-synth "${a[@]}" --local-ancestry t.tsv.gz
    assert_failure 2
    assert_output --partial "define their group with --admix"
    run vcf-synth "${a[@]}" --admix X=EUR:0.5,EAS:0.5 --mix Y=1
    assert_failure 2
    assert_output --partial "--mix names group 'Y', which neither the model nor --admix defines"
    run vcf-synth "${a[@]}" --admix X=EUR:0.5,EAS:0.5 --local-ancestry "$W/c22.json"
    assert_failure 1
    assert_output --partial "is the same file as"
    [ ! -e out.vcf ] && [ ! -e t.tsv.gz ]
    # an admixed group --mix leaves out: said, and the tracts file holds its header alone
    run vcf-synth "${a[@]}" --admix X=EUR:0.5,EAS:0.5 --mix source --local-ancestry t.tsv.gz
    assert_success
    assert_output --partial "warning: --admix X gets no samples from --mix source; name it there"
    [ "$(zcat t.tsv.gz)" = "$(printf '#sample\thaplotype\tcontig\tstart\tend\tgroup')" ] && [ -s t.tsv.gz.tbi ]
}

@test "conditioning (1kg slice, default privacy): exactly the requested share of AFR samples carries the requested dosage at each site" {
    n_afr=$(samples_of "$W/cond.bcf" AFR | wc -l)
    n_eur=$(samples_of "$W/cond.bcf" EUR | wc -l)
    samples_of "$W/cond.bcf" AFR "1:11760996:C:A=1" > het.txt
    samples_of "$W/cond.bcf" AFR "1:11715324:G:T=2" > hom.txt
    samples_of "$W/cond.bcf" EUR "1:11711589:G:T=0" > ref.txt
    echo "AFR $n_afr: $(wc -l < het.txt) with 1 copy, $(wc -l < hom.txt) with 2; EUR $n_eur: $(wc -l < ref.txt) with 0" >&3
    [ "$(wc -l < het.txt)" -eq "$(( (n_afr + 1) / 2 ))" ]
    [ "$(wc -l < hom.txt)" -eq "$(awk -v n="$n_afr" 'BEGIN { printf "%d", n * 0.1 + 0.5 }')" ]
    [ "$(wc -l < ref.txt)" -eq "$n_eur" ]
    # the dosage of every conditioned sample, with ALT on either haplotype for one copy
    run gt_counts "$W/cond.bcf" 1:11760996 het.txt
    [[ "$output" =~ ^0\|1:[0-9]+\ 1\|0:[0-9]+\ $ ]]
    run gt_counts "$W/cond.bcf" 1:11715324 hom.txt
    assert_output "1|1:$(wc -l < hom.txt) "
    run gt_counts "$W/cond.bcf" 1:11711589 ref.txt
    assert_output "0|0:$n_eur "
    bcftools view -h "$W/cond.bcf" | grep -qx '##vcfsynthCondition=<Site="1:11760996:C:A",Copies=1,Fraction=0.5,Group=AFR,Samples='"$(wc -l < het.txt)"'>'
}

@test "conditioning: the piece covering the site copies a source haplotype that carries the target allele there" {
    samples_of "$W/cond.bcf" AFR "1:11760996:C:A=1" > het.txt
    bcftools query -r 1:11760996 -S het.txt -f '[%SAMPLE\t%GT\n]' "$W/cond.bcf" > syn.gt
    bcftools query -r 1:11760996 -f '[%SAMPLE\t%GT\n]' "$SHARED/1kg_chr1_11.7M.vcf.gz" > src.gt
    # each conditioned haplotype: its allele, and the allele of the source of the piece covering the site
    awk -F'\t' 'FILENAME == ARGV[1] { split($2, a, "|"); syn[$1 "\t1"] = a[1]; syn[$1 "\t2"] = a[2]; next }
                FILENAME == ARGV[2] { split($2, a, "|"); src[$1 "\t1"] = a[1]; src[$1 "\t2"] = a[2]; next }
                ($1 "\t" $2) in syn && $4 <= 11760996 && $5 >= 11760996 {
                    n++; if (syn[$1 "\t" $2] == src[$6 "\t" $7]) same++ }
                END { print n, same }' syn.gt src.gt "$W/cprov.tsv" > pieces.txt
    read -r n same < pieces.txt
    [ "$n" -eq "$(( 2 * $(wc -l < het.txt) ))" ]
    [ "$same" -eq "$n" ]
}

@test "conditioning: carriers' LD with sites within 20 kb is within the bootstrap range of real carriers'; an edited genotype is not" {
    samples_of "$W/cond.bcf" AFR "1:11760996:C:A=1" > syn.txt
    samples_of "$W/cond.bcf" AFR - | head -200 > plain.txt
    bcftools query -r 1:11760996 -f '[%SAMPLE %GT\n]' "$SHARED/1kg_chr1_11.7M.vcf.gz" |
        awk 'NR == FNR { g[$1] = $3; next } g[$1] == "AFR" && ($2 == "0|1" || $2 == "1|0") { print $1 }' \
            "$SHARED/1kg_panel.tsv" - > real.txt
    python3 "$ROOT/test/helpers/carrier-ld.py" "$W/cond.bcf" syn.txt "$SHARED/1kg_chr1_11.7M.vcf.gz" real.txt \
        1:11760996:C:A 20000 > ld.txt
    cat ld.txt >&3
    awk '{ v[$1] = $2 } END { exit !(v["real_carriers"] > 50 && v["syn_mean_r2"] >= v["real_lo"] && v["syn_mean_r2"] <= v["real_hi"]) }' ld.txt
    # the measure has power: ALT written onto unconditioned samples' haplotypes
    python3 "$ROOT/test/helpers/carrier-ld.py" --edit "$W/cond.bcf" plain.txt "$SHARED/1kg_chr1_11.7M.vcf.gz" real.txt \
        1:11760996:C:A 20000 > edit.txt
    grep syn_mean edit.txt >&3
    awk '{ v[$1] = $2 } END { exit !(v["syn_mean_r2"] < v["real_lo"] / 2) }' edit.txt
}

@test "conditioning (chr22): allele frequencies more than 1 cM from the site stay within sampling error of the unconditioned run, both engines" {
    for p in balanced off; do
        a=(-m "$W/c22.json" "$W/chr22.bcf" -n 1000 --seed 6 --privacy $p -q --threads 2)
        vcf-synth "${a[@]}" -Ob -o plain.bcf
        vcf-synth "${a[@]}" --condition 22:31864419:C:T=1,fraction=0.5,group=AFR -Ob -o cond.bcf
        python3 "$ROOT/test/helpers/af-far.py" cond.bcf plain.bcf "$SHARED/maps/chr22.b37.gmap.gz" 31864419 1 > af.txt
        sed "s/^/$p /" af.txt >&3
        # near the site the frequency moves (the site itself: ~1.6% -> ~9%); far away it may not
        awk '{ v[$1] = $2 } END { exit !(v["far_sites"] > 500 && v["far_max_abs_z"] < 4 && v["far_mean_z2"] < 1 &&
             v["near_max_abs_z"] > 5) }' af.txt
    done
}

@test "conditioning: --threads 1 = 2 and -r halves concatenated = one run, both engines, with two conditions" {
    for p in balanced off; do
        synth_split_equal 1:1-11760000 1:11760001-11900000 -m "$W/slice.json" "$SHARED/1kg_chr1_11.7M.vcf.gz" -n 300 \
            --condition 1:11760996:C:A=1,fraction=0.5,group=AFR --condition 1:11715324:G:T=2,fraction=0.2,group=AFR \
            --privacy $p --seed 4 -q --no-version
    done
}

@test "--condition: bad values are errors naming the condition, with a hint" {
    a=(-m "$W/slice.json" "$SHARED/1kg_chr1_11.7M.vcf.gz" -n 100 -o out.vcf)
    run vcf-synth "${a[@]}" --condition 1:11760996:C:A
    assert_failure 2
    assert_output --partial "--condition expects CHR:POS:REF:ALT=k"
    run vcf-synth "${a[@]}" --condition 1:11760996:C:A=3
    assert_failure 2
    run vcf-synth "${a[@]}" --condition 1:11760996:C:A=1,fraction=2
    assert_failure 2
    run vcf-synth "${a[@]}" --condition 1:11760996:C:A=1,group=XYZ
    assert_failure 2
    assert_output --partial "names group 'XYZ', which the model does not have"
    run vcf-synth "${a[@]}" --condition 1:11760996:C:A=1,sex=F
    assert_failure 2
    assert_output --partial "unknown setting 'sex=F'"
    run vcf-synth "${a[@]}" --condition 1:11760996:C:A=1 --condition 1:11760996:C:A=2
    assert_failure 2
    assert_output --partial "twice"
    run vcf-synth "${a[@]}" --condition 1:11760996:C:A=1,group=AFR --condition 1:11715324:G:T=1,group=AFR
    assert_failure 2
    assert_output --partial "a sample takes one --condition at most"
    # the allele is absent from a group, or too rare for k = 5
    run vcf-synth "${a[@]}" --condition 1:11760996:C:A=1
    assert_failure 1
    assert_output --partial "no haplotype of group EAS carries A there"
    assert_output --partial "group=G"
    run vcf-synth "${a[@]}" --condition 1:11760996:C:A=1,group=AMR
    assert_failure 1
    assert_output --partial "fewer than the 5 every copied piece needs (--min-carriers)"
    run vcf-synth "${a[@]}" --condition 2:11760996:C:A=1
    assert_failure 1
    assert_output --partial "the model has no contig 2"
    run vcf-synth "${a[@]}" --condition 1:20000000:C:A=1
    assert_failure 1
    assert_output --partial "outside the model's sites of 1"
    run vcf-synth "${a[@]}" --condition 1:11760996:C:G=1
    assert_failure 1
    assert_output --partial "has no biallelic record 1:11760996 C>G"
    # the site is read through the panel's index
    run bash -c "bcftools view '$SHARED/1kg_chr1_11.7M.vcf.gz' | vcf-synth -m '$W/slice.json' -n 10 --condition 1:11760996:C:A=1,group=AFR -o out.vcf -"
    assert_failure 1
    assert_output --partial "reads the panel at its site through the index, then the run reads it again; standard input cannot be read twice"
    [ ! -e out.vcf ]
}
