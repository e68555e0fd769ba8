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
}

setup() {
    load 'helpers/common'
    need_shared
    W=$BATS_FILE_TMPDIR
    cd "$BATS_TEST_TMPDIR"
}

measure() { awk -v k="$1" '$1 == k { print $2 }' "$W/check.txt"; }

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
}
