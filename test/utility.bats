#!/usr/bin/env bats
# vcf-fidelity --utility-pheno (DESIGN.md section 8.1): association
# statistics equal to plink2 --glm (linear; logistic with Firth fallback) on a
# self-contained synthetic cohort and on 1000 Genomes; polygenic scores
# fitted on a synthetic cohort and on as many real training samples, scored
# on the holdout per group; GWAS recovery; determinism; bad input.  The 1000
# Genomes tests skip when ../shared is absent.

setup_file() {
    load 'helpers/common'
    local d; d=$(toy_dir)
    cd "$BATS_FILE_TMPDIR"
    vcf-fit "$d/toy.vcf.gz" -g "$d/groups.tsv" -q -o toy.json
    vcf-synth -m toy.json "$d/toy.vcf.gz" -n 2000 --seed 3 -q -Ob -o toy2k.bcf
    have_shared || return 0
    local kg="$SHARED/1kg_chr1_11.7M.vcf.gz"
    # fidelity.bats's split: every fifth sample of each super-population held out
    awk 'NR > 1 { print $1 "\t" $3 }' "$SHARED/1kg_panel.tsv" > groups.tsv
    bcftools query -l "$kg" | awk 'NR == FNR { g[$1] = $2; next } { r = n[g[$1]]++ % 5 == 4 ? "hold" : "train"; \
        print > (r ".txt") }' groups.tsv -
    for r in train hold; do bcftools view -S $r.txt "$kg" -Ob -o $r.bcf; done
    vcf-fit train.bcf -g groups.tsv --map "$SHARED/maps/chr1.b37.gmap.gz" --fit-haplotypes 20 --threads 2 -q \
        -o kg.json
    vcf-synth -m kg.json train.bcf -n 2000 --seed 7 --threads 2 -q -Ob -o syn.bcf
    # the causal models, drawn on the training cohort: 50 causal variants, h2 0.5
    vcf-pheno train.bcf --causal 50 --h2 0.5 --effects-out quant.eff -q -o /dev/null
    vcf-pheno train.bcf --causal 50 --h2 0.5 --prevalence 0.2 --effects-out cc.eff -q -o /dev/null
    local t0 t1
    t0=$(date +%s.%N)
    vcf-fidelity syn.bcf --train train.bcf --holdout hold.bcf -g groups.tsv --threads 2 \
        --utility-pheno quant.eff --json quant.json -o quant.tsv 2> quant.log
    t1=$(date +%s.%N)
    awk -v a=$t0 -v b=$t1 'BEGIN { printf "%.2f\n", b - a }' > quant.time
    vcf-fidelity syn.bcf --train train.bcf --holdout hold.bcf -g groups.tsv --threads 2 -q \
        --utility-pheno cc.eff -o cc.tsv
}

setup() {
    load 'helpers/common'
    W=$BATS_FILE_TMPDIR
    TOY=$W/toy
    cd "$BATS_TEST_TMPDIR"
}

# plink2's table (1) against vs-glm's (2), joined on CHROM (less "chr", which plink2 drops) POS REF ALT; BETA
# and the statistic flipped where plink2's A1 is REF (it tests the minor
# allele), OR read as log(OR).  Rows of FIRTH? = sel (any when unset).
# Prints: rows, NA mismatches, FIRTH? mismatches, max |dBETA|/SE, max
# relative dSE, max |dSTAT|/max(1,|STAT|), max |dlog10 P|, max |dP|.
compare_glm() {
    awk -v sel="${3:-}" '
    function abs(x) { return x < 0 ? -x : x }
    function up(i, x) { if (x > m[i]) m[i] = x }
    NR == FNR { if (FNR == 1) { for (i = 1; i <= NF; i++) c[$i] = i; next }
        sub(/^chr/, "", $1); k = $1 "\t" $2 "\t" $4 "\t" $5; fl = $(c["A1"]) == $5 ? 1 : -1
        b = ("BETA" in c) ? $(c["BETA"]) : ($(c["OR"]) == "NA" ? "NA" : log($(c["OR"])))
        st = ("T_STAT" in c) ? $(c["T_STAT"]) : $(c["Z_STAT"])
        pb[k] = b == "NA" ? "NA" : fl * b; pse[k] = ("SE" in c) ? $(c["SE"]) : $(c["LOG(OR)_SE"])
        pst[k] = st == "NA" ? "NA" : fl * st; pp[k] = $(c["P"]); pf[k] = ("FIRTH?" in c) ? $(c["FIRTH?"]) : "N"; next }
    { sub(/^chr/, "", $1); k = $1 "\t" $2 "\t" $3 "\t" $4; if (!(k in pp)) { absent++; next }
        if ((pp[k] == "NA") != ($8 == "nan")) { nadiff++; next }
        if (pp[k] == "NA") next
        if (pf[k] != $9) firthdiff++
        if (sel != "" && pf[k] != sel) next
        n++; up(1, abs(pb[k] - $5) / $6); up(2, abs(pse[k] - $6) / $6)
        s = abs($7) > 1 ? abs($7) : 1; up(3, abs(pst[k] - $7) / s)
        up(4, abs(log(pp[k]) - log($8)) / log(10)); up(5, abs(pp[k] - $8)) }
    END { printf "%d %d %d %.3g %.3g %.3g %.3g %.3g\n", n, nadiff + absent, firthdiff, m[1], m[2], m[3], m[4], m[5] }' "$1" "$2"
}

# rows, no NA or FIRTH? mismatch, every difference within tol (|dlog10 P| within 25 tol: at P = 1e-30
# a Z of 11 known to 5e-5 of itself moves log10 P by 2.4e-3)
within() {
    local n bad firth b se st lp p
    read -r n bad firth b se st lp p <<< "$1"
    [ "$n" -gt 0 ] && [ "$bad" -eq 0 ] && [ "$firth" -eq 0 ] || return 1
    awk -v t="$2" -v b=$b -v se=$se -v st=$st -v lp=$lp -v p=$p \
        'BEGIN { exit !(b <= t && se <= t && st <= t && lp <= 25 * t && p <= t) }'
}

# vs-glm and plink2 --glm on one cohort and one vcf-pheno table; quantitative and binary
glm_both() {
    local vcf=$1 tag=$2 in=--vcf
    case $vcf in *.bcf) in=--bcf ;; esac
    vcf-pheno "$vcf" --causal 30 -q -o q.tsv
    vcf-pheno "$vcf" --causal 30 --prevalence 0.2 -q -o b.tsv
    plink2 $in "$vcf" --double-id --pheno q.tsv --pheno-name trait --glm allow-no-covars --out q > /dev/null
    plink2 $in "$vcf" --double-id --pheno b.tsv --pheno-name trait --glm allow-no-covars --out b > /dev/null
    vs-glm "$vcf" q.tsv > q.mine
    vs-glm "$vcf" b.tsv --binary > b.mine
    lin=$(compare_glm q.trait.glm.linear q.mine)
    logi=$(compare_glm b.trait.glm.logistic.hybrid b.mine N)
    firth=$(compare_glm b.trait.glm.logistic.hybrid b.mine Y)
    echo "# $tag vs plink2 --glm (rows, mismatches, Firth mismatches, max |dBETA|/SE, rel dSE, rel dSTAT, |dlog10 P|, |dP|):" >&3
    echo "#   linear   $lin" >&3
    echo "#   logistic $logi" >&3
    echo "#   Firth    $firth" >&3
}

@test "utility: association statistics equal plink2 --glm (toy synthetic cohort, 2000 samples)" {
    glm_both "$W/toy2k.bcf" toy
    # plink2 prints 6 significant digits: the linear rows agree to them
    within "$lin" 1e-4
    # logistic: plink2 stops its iterations earlier; 2e-4 of the statistic covers it
    within "$logi" 2e-4
    # Firth: plink2's penalised maximum is less precise than ours (see the 1000 Genomes test)
    [ "$(echo "$firth" | cut -d' ' -f1)" -eq 0 ] || within "$firth" 1e-3
}

@test "utility: association statistics equal plink2 --glm (1000 Genomes, 2504 samples x 4296 sites)" {
    need_shared
    glm_both "$SHARED/1kg_chr1_11.7M.vcf.gz" 1kg
    # measured (30 causal variants, prevalence 0.2): linear 4288 rows, max |dBETA|/SE 2.0e-05, rel dSE
    # 4.9e-06, rel dT 5.0e-06 (plink2's 6 digits); logistic 1896 rows, 9.3e-05, 4.3e-05, 4.4e-05,
    # |dlog10 P| 1.6e-3 at the smallest P; Firth 2392 rows (exactly plink2's FIRTH? = Y rows), 6.9e-04,
    # 4.8e-04, 2.6e-04.  Firth's tolerance is wider because plink2's penalised maximum is less precise:
    # at 4 carriers, all controls, of 2504 (prevalence 0.1) an independent maximisation gives BETA
    # -0.0017758, ours -0.0017757, plink2's log(0.998579) = -0.0014220 (test/unit/test_prs.c)
    within "$lin" 1e-4
    within "$logi" 2e-4
    within "$firth" 1e-3
}

@test "utility: --utility-pheno rows: prs_r2 per group and all, gwas_recovery; in the TSV and the JSON" {
    need_shared
    for g in AFR AMR EAS EUR SAS all; do
        assert_equal "$(awk -F'\t' -v g=$g '$1 == g && $2 == "prs_r2"' "$W/quant.tsv" | wc -l)" 1
    done
    assert_equal "$(awk -F'\t' '$2 ~ /^gwas_recovery/ && $1 == "all"' "$W/quant.tsv" | wc -l)" 2
    assert_equal "$(jq '[.rows[] | select(.metric == "prs_r2")] | length' "$W/quant.json")" 6
    assert_equal "$(jq -r '.bias[] | select(.metric == "prs_r2") | .flag' "$W/quant.json" | wc -l)" 1
    grep -q 'utility: the synthetic score: [0-9]* index variants after clumping; P < ' "$W/quant.log"
    grep -q 'utility: the real score: ' "$W/quant.log"
    echo "# 1000 Genomes, 50 causal variants, h2 0.5; scores fitted on 2000 synthetic / 2000 real samples," >&3
    echo "# scored on the 498 holdout samples (group metric synthetic real ratio lo hi flag):" >&3
    awk -F'\t' '$2 ~ /^(prs|gwas)/ { print "#   " $0 }' "$W/quant.tsv" >&3
    echo "# vcf-fidelity --utility-pheno, 2000 synthetic + 2006 train + 498 holdout x 4296 sites, 2 threads: $(cat "$W/quant.time") s" >&3
    # Measured (vcf-synth --seed 7, default privacy): all prs_r2 0.304 synthetic, 0.275 real, ratio 1.11
    # (0.94-1.30), per group 0.95 (AMR) to 1.53 (AFR); a synthetic cohort of the sampler before commit
    # 5460306 gave 0.231 and 0.259, ratio 0.89 (0.73-1.09), and AFR 0.02 (0.0001-5.1).  The holdout
    # has 498 samples, so an R^2 near 0.25 has a standard error near 0.035 and the ratio's log-scale sd
    # is about 0.12: a synthetic score with at least half the real score's accuracy keeps the point
    # ratio above 0.5 (nearly 5 sd below the lower of the two measurements), and it must explain a
    # tenth of the trait's variance (h2 is 0.5).
    read -r syn real ratio < <(awk -F'\t' '$1 == "all" && $2 == "prs_r2" { print $3, $4, $5 }' "$W/quant.tsv")
    awk -v s=$syn -v r=$ratio 'BEGIN { exit !(s > 0.1 && r > 0.5) }'
    # with 50 causal variants in 140 kb every +-50 kb locus holds a hit in either cohort (measured 1
    # and 1, twice); the causal sites themselves: 0.20 and 0.20 (0.14 and 0.14 before 5460306)
    read -r gs gr < <(awk -F'\t' '$1 == "all" && $2 == "gwas_recovery" { print $3, $4 }' "$W/quant.tsv")
    awk -v s=$gs -v r=$gr 'BEGIN { exit !(s >= 0.8 && r >= 0.8) }'
}

@test "utility: a case/control model gives prs_auc rows" {
    need_shared
    echo "# case/control, prevalence 0.2 (group metric synthetic real ratio lo hi flag):" >&3
    awk -F'\t' '$2 ~ /^(prs|gwas)/ { print "#   " $0 }' "$W/cc.tsv" >&3
    assert_equal "$(awk -F'\t' '$2 == "prs_auc"' "$W/cc.tsv" | wc -l)" 6
    assert_equal "$(awk -F'\t' '$2 == "prs_r2"' "$W/cc.tsv" | wc -l)" 0
    # measured: all 0.776 synthetic, 0.798 real, ratio 0.97 (0.93-1.02) (before 5460306: 0.663, 0.679,
    # 0.976); an AUC's floor is 0.5, so the ratio moves little: 0.85 is over twice the interval's half-width
    # below the measurement
    read -r syn ratio < <(awk -F'\t' '$1 == "all" && $2 == "prs_auc" { print $3, $5 }' "$W/cc.tsv")
    awk -v s=$syn -v r=$ratio 'BEGIN { exit !(s > 0.6 && r > 0.85) }'
}

@test "utility: the same report for 1 and 2 threads" {
    need_shared
    cd "$W"
    vcf-fidelity syn.bcf --train train.bcf --holdout hold.bcf -g groups.tsv --threads 1 -q --bootstrap 50 \
        --utility-pheno quant.eff -o "$BATS_TEST_TMPDIR/t1.tsv"
    vcf-fidelity syn.bcf --train train.bcf --holdout hold.bcf -g groups.tsv --threads 2 -q --bootstrap 50 \
        --utility-pheno quant.eff -o "$BATS_TEST_TMPDIR/t2.tsv"
    cmp "$BATS_TEST_TMPDIR/t1.tsv" "$BATS_TEST_TMPDIR/t2.tsv"
}

@test "utility: on the toy cohort (self-contained), and bad input" {
    cd "$W"
    bcftools query -l toy2k.bcf | awk 'NR % 4 == 0' > th.txt
    bcftools query -l toy2k.bcf | awk 'NR % 4 == 1' > tt.txt
    bcftools view -S th.txt toy2k.bcf -Ob -o th.bcf
    bcftools view -S tt.txt toy2k.bcf -Ob -o tt.bcf
    bcftools view -S ^th.txt toy2k.bcf -Ou | bcftools view -S ^tt.txt -Ob -o ts.bcf
    vcf-pheno tt.bcf --causal 10 --effects-out toy.eff -q -o /dev/null
    cd "$BATS_TEST_TMPDIR"
    run vcf-fidelity "$W/ts.bcf" --train "$W/tt.bcf" --holdout "$W/th.bcf" --utility-pheno "$W/toy.eff" \
        --bootstrap 20 -o out.tsv
    assert_success
    # groups from the ##SAMPLE lines of the synthetic samples only: one group, "all" rows
    assert_equal "$(awk -F'\t' '$2 == "prs_r2"' out.tsv | cut -f1)" "all"
    run vcf-fidelity "$W/ts.bcf" --train "$W/tt.bcf" --holdout "$W/th.bcf" --gwas-p 1e-5
    assert_failure 2
    assert_output --partial "--gwas-p goes with --utility-pheno"
    run vcf-fidelity "$W/ts.bcf" --train "$W/tt.bcf" --holdout "$W/th.bcf" --utility-pheno missing.eff
    assert_failure 1
    assert_output --partial "cannot open effects file missing.eff"
    printf '##h2=0.5\n' > bad.eff
    run vcf-fidelity "$W/ts.bcf" --train "$W/tt.bcf" --holdout "$W/th.bcf" --utility-pheno bad.eff
    assert_failure 1
    assert_output --partial "the ## lines h2, alpha, mean and env_sd are required"
    run vcf-fidelity "$W/ts.bcf" --train "$W/tt.bcf" --holdout "$W/th.bcf" --utility-pheno "$W/toy.eff" -o "$W/toy.eff"
    assert_failure 1
    assert_output --partial "same file"
}
