#!/usr/bin/env bats
# vcf-pheno: the realised heritability and case fraction, the model file
# round trip, per-genotype scores that do not depend on the file or the
# sample order, noise keyed by sample name, group shifts, --causal FILE, bad
# input; plink2 reading the table.  The toy tests run on 5000 synthetic
# samples of the toy cohort (self-contained); the 1000 Genomes tests skip
# when ../shared is absent.

setup_file() {
    load 'helpers/common'
    local d; d=$(toy_dir)
    cd "$BATS_FILE_TMPDIR"
    vcf-fit "$d/toy.vcf.gz" -g "$d/groups.tsv" -q -o toy.json
    # two cohorts of the same population, each of 5000 samples (groups A and B in ##SAMPLE lines)
    vcf-synth -m toy.json "$d/toy.vcf.gz" -n 5000 --seed 3 -q -Ob -o toy5k.bcf
    vcf-synth -m toy.json "$d/toy.vcf.gz" -n 5000 --seed 4 --prefix OTHER -q -Ob -o other5k.bcf
    have_shared || return 0
    local kg="$SHARED/1kg_chr1_11.7M.vcf.gz"
    vcf-fit "$kg" -g "$SHARED/1kg_panel.tsv" --group-column super_pop --map "$SHARED/maps/chr1.b37.gmap.gz" \
        --fit-haplotypes 20 --threads 2 -q -o kg.json
    vcf-synth -m kg.json "$kg" -n 5000 --seed 5 --threads 2 -q -Ob -o kg5k.bcf
}

setup() {
    load 'helpers/common'
    W=$BATS_FILE_TMPDIR
    TOY=$W/toy
    cd "$BATS_TEST_TMPDIR"
}

# var(score) / var(trait) of a table (columns 3 and 4 of #FID IID score trait)
h2_of() { awk 'NR > 1 { n++; s += $3; ss += $3 * $3; t += $4; tt += $4 * $4 }
    END { printf "%.4f\n", (ss / n - (s / n) ^ 2) / (tt / n - (t / n) ^ 2) }' "$1"; }
cases_of() { awk 'NR > 1 { n++; c += $4 == 2 } END { printf "%d %d\n", c, n }' "$1"; }

@test "pheno: --help, usage errors (exit 2), each with a clear message" {
    run vcf-pheno --help
    assert_success
    assert_output --partial "Usage:   vcf-pheno [options] [INPUT|-] --causal N|FILE"
    run vcf-pheno "$W/toy5k.bcf"
    assert_failure 2
    assert_output --partial "give --causal N|FILE (a new model) or --effects FILE"
    run vcf-pheno "$W/toy5k.bcf" --causal 5 --h2 0
    assert_failure 2
    assert_output --partial "--h2 must lie in (0, 1]"
    run vcf-pheno "$W/toy5k.bcf" --causal 5 --h2 1.5
    assert_failure 2
    assert_output --partial "--h2"
    for p in 0 1 1.2; do
        run vcf-pheno "$W/toy5k.bcf" --causal 5 --prevalence $p
        assert_failure 2
        assert_output --partial "--prevalence"
    done
    echo x > eff.tsv
    run vcf-pheno "$W/toy5k.bcf" --effects eff.tsv --h2 0.3
    assert_failure 2
    assert_output --partial "--effects applies a model as it is: --causal, --min-maf, --h2, --alpha and --prevalence go without it"
    run vcf-pheno "$W/toy5k.bcf" --causal 5 --shift A
    assert_failure 2
    assert_output --partial "--shift 'A': expected GROUP=DELTA"
}

@test "pheno: data errors exit 1 and name the file: missing input, output = input, missing genotype, no polymorphic site, bad effects lines" {
    run vcf-pheno missing.vcf.gz --causal 5
    assert_failure 1
    assert_output --partial "missing.vcf.gz"
    cp "$W/toy5k.bcf" in.bcf
    run vcf-pheno in.bcf --causal 5 -o in.bcf
    assert_failure 1
    assert_output --partial "same file"
    cmp in.bcf "$W/toy5k.bcf"
    # every sample 0|0
    bcftools view -h "$TOY/toy.vcf.gz" > mono.vcf
    bcftools query -f '%CHROM\t%POS\t.\t%REF\t%ALT\t.\tPASS\t.\tGT[\t0|0]\n' "$TOY/toy.vcf.gz" | head -20 >> mono.vcf
    run vcf-pheno mono.vcf --causal 5
    assert_failure 1
    assert_output --partial "no polymorphic biallelic site among the 20 biallelic sites, at mono.vcf"
    # a missing genotype is not guessed
    { bcftools view -h "$TOY/toy.vcf.gz"; bcftools view -H "$TOY/toy.vcf.gz" | head -3 |
        awk 'BEGIN { OFS = "\t" } NR == 2 { $12 = "./." } { print }'; } > miss.vcf
    run vcf-pheno miss.vcf --causal 1
    assert_failure 1
    assert_output --partial "missing genotype, at miss.vcf:chr4:10500 sample TOY03"
    run vcf-pheno "$W/toy5k.bcf" --causal 100000
    assert_failure 1
    assert_output --partial "--causal 100000: only"
    vcf-pheno "$W/toy5k.bcf" --causal 5 --no-version --effects-out good.tsv -q > /dev/null
    sed '13s/\t[^\t]*$/\tbig/' good.tsv > bad.tsv
    run vcf-pheno "$W/toy5k.bcf" --effects bad.tsv
    assert_failure 1
    assert_output --partial "line 13: BETA 'big' is not a number, at bad.tsv"
    sed '12s/$/\textra/' good.tsv > bad2.tsv
    run vcf-pheno "$W/toy5k.bcf" --effects bad2.tsv
    assert_failure 1
    assert_output --partial "line 12: expected 6 tab-separated columns"
    { cat good.tsv; tail -1 good.tsv; } > dup.tsv
    run vcf-pheno "$W/toy5k.bcf" --effects dup.tsv
    assert_failure 1
    assert_output --partial "is listed twice"
    grep -v '^##h2' good.tsv > noh2.tsv
    run vcf-pheno "$W/toy5k.bcf" --effects noh2.tsv
    assert_failure 1
    assert_output --partial "the ## lines h2, alpha, mean and env_sd are required"
    [ ! -e out.tsv ]
}

@test "pheno: realised h2 = var(score) / var(trait) within 0.05 of --h2 at n = 5000, for h2 0.2, 0.5 and 0.8" {
    for h in 0.2 0.5 0.8; do
        vcf-pheno "$W/toy5k.bcf" --causal 30 --h2 $h --seed 2 -q -o t$h.tsv
        got=$(h2_of t$h.tsv)
        echo "# h2 $h: realised $got" >&3
        awk -v a=$got -v b=$h 'BEGIN { exit !(a - b < 0.05 && b - a < 0.05) }'
    done
    assert_equal "$(head -1 t0.5.tsv)" "$(printf '#FID\tIID\tscore\ttrait')"
    assert_equal "$(awk -F'\t' 'NR > 1 && $1 != $2' t0.5.tsv | wc -l)" 0
    assert_equal "$(wc -l < t0.5.tsv)" 5001
    # --h2 1: no noise, the trait is the score
    vcf-pheno "$W/toy5k.bcf" --causal 30 --h2 1 -q -o t1.tsv
    assert_equal "$(awk 'NR > 1 && $3 != $4' t1.tsv | wc -l)" 0
}

@test "pheno: --effects-out then --effects reproduces the table exactly, from a file and from standard input" {
    vcf-pheno "$W/toy5k.bcf" --causal 20 --alpha -1 --seed 7 --effects-out eff.tsv -q -o a.tsv
    vcf-pheno "$W/toy5k.bcf" --effects eff.tsv -q -o b.tsv
    cmp a.tsv b.tsv
    bcftools view "$W/toy5k.bcf" | vcf-pheno - --effects eff.tsv -q > c.tsv
    cmp a.tsv c.tsv
    # the model file: its ## lines, 20 variants, the columns
    for k in h2=0.5 alpha=-1 seed=7 prevalence=NA threshold=NA n_fit=5000; do grep -qx "##$k" eff.tsv; done
    grep -q '^##mean=' eff.tsv
    grep -q '^##env_sd=0.7071067811865' eff.tsv
    grep -q '^##vcf-phenoVersion=' eff.tsv
    assert_equal "$(grep -c -v '^#' eff.tsv)" 20
    grep -qx "$(printf '#CHROM\tPOS\tREF\tALT\tAF\tBETA')" eff.tsv
    # the same seed, the same model; another seed, another
    vcf-pheno "$W/toy5k.bcf" --causal 20 --alpha -1 --seed 7 --no-version --effects-out e1.tsv -q > /dev/null
    vcf-pheno "$W/toy5k.bcf" --causal 20 --alpha -1 --seed 7 --no-version --effects-out e2.tsv -q > /dev/null
    cmp e1.tsv e2.tsv
    vcf-pheno "$W/toy5k.bcf" --causal 20 --alpha -1 --seed 8 --no-version --effects-out e3.tsv -q > /dev/null
    ! cmp -s e1.tsv e3.tsv
    # --seed with --effects draws other noise, not another model
    vcf-pheno "$W/toy5k.bcf" --effects eff.tsv --seed 9 -q -o d.tsv
    assert_equal "$(paste a.tsv d.tsv | awk 'NR > 1 && $3 != $7' | wc -l)" 0
    assert_equal "$(paste a.tsv d.tsv | awk 'NR > 1 && $4 == $8' | wc -l)" 0
}

@test "pheno: scores and noise follow the sample, not the file: a reordered subset gets the same rows" {
    vcf-pheno "$W/toy5k.bcf" --causal 25 --effects-out eff.tsv -q -o all.tsv
    bcftools query -l "$W/toy5k.bcf" | awk 'NR % 3 == 0' | sort -r > some.txt
    bcftools view -s "$(paste -sd, some.txt)" "$W/toy5k.bcf" -Ob -o some.bcf
    assert_equal "$(bcftools query -l some.bcf | head -1)" "$(head -1 some.txt)"
    vcf-pheno some.bcf --effects eff.tsv -q -o some.tsv
    assert_equal "$(wc -l < some.tsv)" "$(( $(wc -l < some.txt) + 1 ))"
    # every row of the subset equals the sample's row of the whole cohort, digit for digit
    run awk 'NR == FNR { row[$2] = $0; next } FNR > 1 && row[$2] != $0 { bad++ } END { print bad + 0 }' all.tsv some.tsv
    assert_output 0
}

@test "pheno: --prevalence: exactly that fraction of cases in the cohort drawn on, within 4 sigma in another" {
    vcf-pheno "$W/toy5k.bcf" --causal 30 --prevalence 0.1 --effects-out eff.tsv -q -o cc.tsv
    assert_equal "$(head -1 cc.tsv)" "$(printf '#FID\tIID\tscore\ttrait\tliability')"
    assert_equal "$(cases_of cc.tsv)" "500 5000"
    assert_equal "$(awk 'NR > 1 && $4 != 1 && $4 != 2' cc.tsv | wc -l)" 0
    # status is liability above the stored threshold
    t=$(sed -n 's/^##threshold=//p' eff.tsv)
    assert_equal "$(awk -v t=$t 'NR > 1 && ($5 > t) != ($4 == 2)' cc.tsv | wc -l)" 0
    grep -qx '##prevalence=0.10000000000000001' eff.tsv
    # another cohort of the same population: the threshold is an estimate from 5000, so the
    # difference of the two fractions has sd sqrt(2 p (1 - p) / n)
    vcf-pheno "$W/other5k.bcf" --effects eff.tsv -q -o cc2.tsv
    read c n < <(cases_of cc2.tsv)
    echo "# prevalence 0.1: cases $c of $n in a second cohort" >&3
    awk -v c=$c -v n=$n 'BEGIN { p = 0.1; s = sqrt(2 * p * (1 - p) / n); f = c / n; exit !(f > p - 4 * s && f < p + 4 * s) }'
    # the same table again from the model
    vcf-pheno "$W/toy5k.bcf" --effects eff.tsv -q -o cc3.tsv
    cmp cc.tsv cc3.tsv
}

@test "pheno: --shift adds DELTA to the trait of a group's samples, groups from ##SAMPLE lines or -g" {
    vcf-pheno "$W/toy5k.bcf" --causal 20 -q -o base.tsv
    vcf-pheno "$W/toy5k.bcf" --causal 20 --shift B=1.5 --effects-out eff.tsv -q -o shift.tsv
    grep -qx '##shift=B=1.5' eff.tsv
    bcftools view -h "$W/toy5k.bcf" | sed -n 's/^##SAMPLE=<ID=\([^,]*\),Group=\([^,]*\),.*/\1\t\2/p' > g.tsv
    run awk 'NR == FNR { g[$1] = $2; next } FNR == 1 { next } FILENAME == "base.tsv" { t[$2] = $4; next }
        { d = $4 - t[$2]; s = g[$2] == "B" ? 1.5 : 0; if (d - s > 1e-8 || s - d > 1e-8) bad++ } END { print bad + 0 }' \
        g.tsv base.tsv shift.tsv
    assert_output 0
    assert_equal "$(paste base.tsv shift.tsv | awk 'NR > 1 && $3 != $7' | wc -l)" 0
    # the same from a groups table, and the shift is in the model
    awk '{ print $1 "\t" $2 }' g.tsv > table.tsv
    vcf-pheno "$W/toy5k.bcf" --causal 20 --shift B=1.5 -g table.tsv -q -o shift2.tsv
    cmp shift.tsv shift2.tsv
    vcf-pheno "$W/toy5k.bcf" --effects eff.tsv -q -o shift3.tsv
    cmp shift.tsv shift3.tsv
    run vcf-pheno "$W/toy5k.bcf" --causal 20 --shift C=1
    assert_failure 1
    assert_output --partial "--shift names group C, which no sample of"
}

@test "pheno: --causal FILE: listed sites, with or without alleles; absent ones warned about and counted" {
    bcftools query -f '%CHROM\t%POS\t%REF\t%ALT\n' "$W/toy5k.bcf" | awk 'NR % 50 == 7' > some.txt
    n=$(wc -l < some.txt)
    { cut -f1,2 some.txt; echo "chr4 1"; echo "chr9 500 A C"; } > list.txt
    run vcf-pheno "$W/toy5k.bcf" --causal list.txt --effects-out eff.tsv -o t.tsv
    assert_success
    assert_output --partial "2 of the $((n + 2)) variants of list.txt are not biallelic sites of"
    assert_equal "$(grep -v '^#' eff.tsv | cut -f1-4)" "$(cat some.txt)"
    run vcf-pheno "$W/toy5k.bcf" --causal some.txt -q --no-version --effects-out eff2.tsv -o /dev/null
    assert_success
    assert_equal "$(grep -v '^#' eff2.tsv | cut -f1-4)" "$(cat some.txt)"
    echo "chr4 x" > bad.txt
    run vcf-pheno "$W/toy5k.bcf" --causal bad.txt
    assert_failure 1
    assert_output --partial "line 1: expected CHROM POS [REF ALT]"
}

@test "pheno: a model applied to a cohort lacking some causal variants warns with the count; lacking all of them fails" {
    vcf-pheno "$W/toy5k.bcf" --causal 30 --effects-out eff.tsv -q -o /dev/null
    bcftools view -t ^chr4:10000-60000 "$W/toy5k.bcf" -Ob -o part.bcf
    missing=$(awk -F'\t' '!/^#/ && $2 <= 60000' eff.tsv | wc -l)
    [ "$missing" -gt 0 ]
    run vcf-pheno part.bcf --effects eff.tsv -o t.tsv
    assert_success
    assert_output --partial "$missing of the 30 causal variants of eff.tsv are not in part.bcf"
    assert_equal "$(wc -l < t.tsv)" 5001
    # none of them (another contig): every genetic value 0, the traits noise alone (before: a warning, exit 0)
    awk 'BEGIN { OFS = "\t" } /^#/ { print; next } { $1 = "chr9"; print }' eff.tsv > other.tsv
    run vcf-pheno part.bcf --effects other.tsv -o t2.tsv
    assert_failure 1
    assert_output --partial "none of the 30 causal variants is in part.bcf (matched by CHROM, POS, REF and ALT), at other.tsv"
    [ ! -e t2.tsv ]
}

@test "pheno: 1000 Genomes: realised h2 on 5000 synthetic samples; plink2 reads the table (quantitative and case/control)" {
    need_shared
    local kg="$SHARED/1kg_chr1_11.7M.vcf.gz"
    vcf-pheno "$W/kg5k.bcf" --causal 50 --h2 0.5 -q -o syn.tsv
    got=$(h2_of syn.tsv)
    echo "# 1000 Genomes, 5000 synthetic samples, 50 causal variants, h2 0.5: realised $got" >&3
    awk -v a=$got 'BEGIN { exit !(a > 0.45 && a < 0.55) }'
    vcf-pheno "$kg" --causal 50 -q -o q.tsv
    run plink2 --vcf "$kg" --double-id --pheno q.tsv --pheno-name trait --glm allow-no-covars --out q
    assert_success
    assert_equal "$(awk 'NR > 1' q.trait.glm.linear | wc -l)" "$(bcftools view -H "$kg" | wc -l)"
    grep -q '2504 samples' q.log
    vcf-pheno "$kg" --causal 50 --prevalence 0.2 -q --iid-only -o b.tsv
    assert_equal "$(head -1 b.tsv)" "$(printf '#IID\tscore\ttrait\tliability')"
    run plink2 --vcf "$kg" --pheno b.tsv --pheno-name trait --glm allow-no-covars --out b
    assert_success
    grep -q '501 cases, 2003 controls' b.log
}

@test "pheno: 1000 Genomes: one model, a training and a holdout cohort; timing on 2000 samples" {
    need_shared
    local kg="$SHARED/1kg_chr1_11.7M.vcf.gz"
    bcftools query -l "$kg" | awk 'NR % 5 == 0' > hold.txt
    bcftools view -S hold.txt "$kg" -Ob -o hold.bcf
    bcftools view -S ^hold.txt "$kg" -Ob -o train.bcf
    vcf-pheno train.bcf --causal 50 --prevalence 0.1 --effects-out eff.tsv -q -o train.tsv
    vcf-pheno hold.bcf --effects eff.tsv -q -o hold.tsv
    vcf-pheno "$kg" --effects eff.tsv -q -o all.tsv
    # a sample's row is the same in the holdout as in the whole cohort
    assert_equal "$(awk 'NR == FNR { r[$2] = $0; next } FNR > 1 && r[$2] != $0' all.tsv hold.tsv | wc -l)" 0
    echo "# 1000 Genomes, prevalence 0.1 set on train: cases $(cases_of train.tsv) (train), $(cases_of hold.tsv) (holdout)" >&3
    bcftools view -s "$(bcftools query -l "$W/kg5k.bcf" | head -2000 | paste -sd,)" "$W/kg5k.bcf" -Ob -o s2000.bcf
    local t0 t1
    t0=$(date +%s.%N)
    vcf-pheno s2000.bcf --causal 50 -q -o /dev/null
    t1=$(date +%s.%N)
    echo "# vcf-pheno on 2000 samples x 4296 sites: $(awk -v a=$t0 -v b=$t1 'BEGIN { printf "%.2f", b - a }') s" >&3
}
