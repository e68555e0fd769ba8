#!/usr/bin/env bats
# vcf-linkage-attack: report format, determinism and bad input on the toy
# cohort; negative and positive controls, KING against plink2 and the
# self-test on 1000 Genomes data from ../shared (skipped when absent).

setup_file() {
    load 'helpers/common'
    local d; d=$(toy_dir)
    cd "$d"
    # toy roles: TOY01-08 and 25-32 synthetic stand-ins, 09-18 and 33-36 train, the rest holdout
    bcftools query -l toy.vcf.gz | awk '{ n = substr($1, 4) + 0; r = (n <= 8 || (n >= 25 && n <= 32)) ? "syn" : \
        ((n <= 18 || (n >= 33 && n <= 36)) ? "train" : "holdout"); print > (r ".txt") }'
    for r in syn train holdout; do bcftools view -S $r.txt toy.vcf.gz -Ob -o $r.bcf; done
    have_shared || return 0
    cd "$BATS_FILE_TMPDIR"
    # four disjoint quarters of the 1000 Genomes panel, stratified by super-population
    bcftools query -l "$SHARED/1kg_chr1_11.7M.vcf.gz" > all.txt
    awk 'NR == FNR { g[$1] = $3; next } { q = n[g[$1]]++ % 4; print > ("q" q ".txt") }' "$SHARED/1kg_panel.tsv" all.txt
    for q in 0 1 2 3; do bcftools view -S q$q.txt "$SHARED/1kg_chr1_11.7M.vcf.gz" -Ob -o q$q.bcf; done
    # positive control: copies of half of the training quarter, plus the fourth quarter
    awk 'NR % 2' q1.txt | cat - q3.txt > pos.txt
    bcftools view -S pos.txt "$SHARED/1kg_chr1_11.7M.vcf.gz" -Ob -o pos.bcf
}

setup() {
    load 'helpers/common'
    TOY=$(toy_dir)
    W=$BATS_FILE_TMPDIR
    cd "$BATS_TEST_TMPDIR"
}

attack() { vcf-linkage-attack "$@"; }

@test "attack: --help, required options, unknown attacks" {
    run attack --help
    assert_success
    assert_output --partial "Usage:   vcf-linkage-attack SYNTHETIC --train TRAIN --holdout HOLDOUT"
    run attack "$TOY/syn.bcf" --train "$TOY/train.bcf"
    assert_failure 2
    assert_output --partial "--train and --holdout are required"
    run attack "$TOY/syn.bcf" --train "$TOY/train.bcf" --holdout "$TOY/holdout.bcf" --attacks dcr,magic
    assert_failure 2
    assert_output --partial "unknown attack 'magic'"
    run attack "$TOY/syn.bcf" --train "$TOY/train.bcf" --holdout "$TOY/holdout.bcf" --kmer 65
    assert_failure 2
    run attack "$TOY/syn.bcf" --train "$TOY/train.bcf" --holdout "$TOY/holdout.bcf" --fail-on hihg
    assert_failure 2
    assert_output --partial "--fail-on must be high or signal, got 'hihg'"
    run attack --self-test 0.5 --train "$TOY/train.bcf" --holdout "$TOY/holdout.bcf" --fail-on high
    assert_failure 2
}

@test "attack: TSV header and rows; JSON rows carry exactly the TSV columns and values" {
    attack "$TOY/syn.bcf" --train "$TOY/train.bcf" --holdout "$TOY/holdout.bcf" -g "$TOY/groups.tsv" \
        --json r.json -q > r.tsv
    run head -1 r.tsv
    assert_output "$(printf 'attack\tgroup\tn_members\tn_nonmembers\tauc\tauc_lo\tauc_hi\ttpr_at_fpr_1pct\ttpr_at_fpr_0.1pct\tadvantage\tverdict\tmembers_above_all_nonmembers\ttail_p\tmembers_copied\tnonmembers_copied\tcopies_p')"
    run cut -f1 r.tsv
    assert_output "$(printf 'attack\n'; for a in dcr dcr_hap dcr_cal aats king ibd af unique partial names; do printf '%s\n%s\n%s\n' $a $a $a; done | head -c -1)"
    run jq -r '[.rows[0] | keys_unsorted[]] | join(",")' r.json
    assert_output "attack,group,n_members,n_nonmembers,auc,auc_lo,auc_hi,tpr_at_fpr_1pct,tpr_at_fpr_0.1pct,advantage,verdict,members_above_all_nonmembers,tail_p,members_copied,nonmembers_copied,copies_p"
    jq -r '.rows[] | [.attack, .group, .n_members, .n_nonmembers,
        (.auc, .auc_lo, .auc_hi, .tpr_at_fpr_1pct, .["tpr_at_fpr_0.1pct"], .advantage | if . == null then "NA" else . * 10000 | round / 10000 end),
        .verdict, .members_above_all_nonmembers, (.tail_p | if . == null then "NA" else . * 1000 | round / 1000 end),
        (.members_copied, .nonmembers_copied | if . == null then "NA" else . end),
        (.copies_p | if . == null then "NA" else . * 1000 | round / 1000 end)] | @tsv' r.json > from_json.tsv
    tail -n +2 r.tsv | awk -F'\t' -v OFS='\t' '{ for (i = 5; i <= 10; i++) if ($i != "NA") $i = $i + 0
        for (i = 13; i <= 16; i += 3) if ($i != "NA") $i = sprintf("%.3f", $i) + 0; print }' > from_tsv.tsv
    run diff from_tsv.tsv from_json.tsv
    assert_success
    # the copies rule's counts sit on the dcr, king and names rows only
    run awk -F'\t' 'NR > 1 { print $1, ($14 == "NA") ? "none" : "counts" }' r.tsv
    assert_output "$(tail -n +2 r.tsv | cut -f1 | awk '{ print $1, ($1 == "dcr" || $1 == "king" || $1 == "names") ? "counts" : "none" }')"
    run jq -r '.sites.used, (.king_bands | length), .aats.n, .unique.k' r.json
    assert_output "$(printf '300\n4\n10\n16')"
}

@test "attack: groups with fewer than 10 members or non-members are 'insufficient', not a crash" {
    run attack "$TOY/syn.bcf" --train "$TOY/train.bcf" --holdout "$TOY/holdout.bcf" -g "$TOY/groups.tsv" --attacks dcr
    assert_success
    assert_output --partial "group B has 4 members and 4 non-members, fewer than 10; its rows are 'insufficient'"
    run awk -F'\t' '$2 == "B" { print $5, $11 }' <<<"$output"
    assert_line "NA insufficient"
}

@test "attack: a group absent from one file is named; its rows are insufficient" {
    awk 'NR == 1 || $1 > "TOY18" { print } $1 <= "TOY18" && NR > 1 { print $1, "ONLYTRAIN" }' "$TOY/groups.tsv" > g.tsv
    run attack "$TOY/syn.bcf" --train "$TOY/train.bcf" --holdout "$TOY/holdout.bcf" -g g.tsv --attacks king
    assert_success
    assert_output --partial "group ONLYTRAIN has no samples in $TOY/holdout.bcf; its rows are 'insufficient'"
}

@test "attack: files that share no site get a clear error" {
    bcftools view "$TOY/syn.bcf" | awk -F'\t' -v OFS='\t' '/^#/ { print; next } { $2 += 1; print }' | bgzip -c > shifted.vcf.gz
    run attack shifted.vcf.gz --train "$TOY/train.bcf" --holdout "$TOY/holdout.bcf"
    assert_failure 1
    assert_output --partial "share no site (matched by CHROM, POS, REF and ALT)"
    assert_output --partial "bcftools norm -m-"
}

@test "attack: some sites missing from one file: the shared ones are used and the counts reported" {
    bcftools view -e 'POS < 20000' "$TOY/syn.bcf" -Ob -o fewer.bcf
    run attack fewer.bcf --train "$TOY/train.bcf" --holdout "$TOY/holdout.bcf" --attacks af
    assert_success
    assert_output --partial "sites: 280 in all three files are used; 0 of fewer.bcf, 20 of $TOY/train.bcf and 20 of $TOY/holdout.bcf are dropped"
}

@test "attack: unphased input runs the genotype attacks and skips the haplotype ones with a note" {
    bcftools view "$TOY/holdout.bcf" | sed '/^#/!s/|/\//g' | bgzip -c > unphased.vcf.gz
    run attack "$TOY/syn.bcf" --train "$TOY/train.bcf" --holdout unphased.vcf.gz
    assert_success
    assert_output --partial "not every input is phased, so the haplotype attacks (ibd, unique, and dcr on haplotypes) are skipped"
    run bash -c "vcf-linkage-attack '$TOY/syn.bcf' --train '$TOY/train.bcf' --holdout unphased.vcf.gz -q 2>/dev/null | cut -f1 | tail -n +2 | tr '\n' ' '"
    assert_output "dcr dcr_cal aats king af partial names "
}

@test "attack: deterministic for a seed and for --threads; the seed moves the bootstrap" {
    attack "$TOY/syn.bcf" --train "$TOY/train.bcf" --holdout "$TOY/holdout.bcf" -q --threads 1 > t1.tsv
    attack "$TOY/syn.bcf" --train "$TOY/train.bcf" --holdout "$TOY/holdout.bcf" -q --threads 2 > t2.tsv
    attack "$TOY/syn.bcf" --train "$TOY/train.bcf" --holdout "$TOY/holdout.bcf" -q --threads 2 > t3.tsv
    attack "$TOY/syn.bcf" --train "$TOY/train.bcf" --holdout "$TOY/holdout.bcf" -q --seed 9 > s9.tsv
    cmp t1.tsv t2.tsv
    cmp t2.tsv t3.tsv
    run cmp -s t1.tsv s9.tsv
    assert_failure
}

@test "attack (1000 Genomes): negative control, three disjoint real sets: every AUC interval contains 0.5" {
    need_shared
    # --fail-on high exits 0 when no row is high (a "signal" in one of 60 rows is chance)
    attack "$W/q0.bcf" --train "$W/q1.bcf" --holdout "$W/q2.bcf" -g "$SHARED/1kg_panel.tsv" --group-column super_pop \
        --map "$SHARED/maps/chr1.b37.gmap.gz" --threads 2 -q --fail-on high > neg.tsv
    awk -F'\t' '$2 == "all"' neg.tsv >&3
    run awk -F'\t' '$2 == "all" { n++; if ($6 <= 0.5 && 0.5 <= $7) ok++ } END { print n, ok }' neg.tsv
    assert_output "10 10"
}

@test "attack (1000 Genomes): positive control, half of train copied: dcr, king and ibd AUC >= 0.7" {
    need_shared
    run attack "$W/pos.bcf" --train "$W/q1.bcf" --holdout "$W/q2.bcf" --map "$SHARED/maps/chr1.b37.gmap.gz" \
        --attacks dcr,king,ibd --threads 2 -q --fail-on high -o pos.tsv
    assert_failure 3
    assert_output --partial "a row is high, and --fail-on high was given: exit 3"
    cat pos.tsv >&3
    run awk -F'\t' '($1 == "dcr" || $1 == "king" || $1 == "ibd") && $5 >= 0.7 && $11 == "high" { n++ } END { print n }' pos.tsv
    assert_output 3
}

@test "attack (1000 Genomes): the worst group on stderr and in the JSON carries each attack's most severe verdict" {
    need_shared
    # half of a quarter copied: some groups high, others not, and the highest AUC is not always the worst verdict
    attack "$W/pos.bcf" --train "$W/q1.bcf" --holdout "$W/q2.bcf" -g "$SHARED/1kg_panel.tsv" --group-column super_pop \
        --map "$SHARED/maps/chr1.b37.gmap.gz" --attacks dcr,king,ibd,af --threads 2 --json r.json -o r.tsv 2> err.txt
    sev() { awk '{ print $1, ($2 == "high") ? 2 : ($2 == "signal") ? 1 : 0 }'; }
    awk -F'\t' 'NR > 1 && $5 != "NA" { print $1, $11 }' r.tsv | sev | sort -k1,1 -k2,2nr | sort -u -k1,1 > tsv.txt
    grep 'worst group' err.txt | awk '{ print $2, $NF }' | sev | sort > err.txt2
    jq -r '.worst[] | [.attack, .group] | @tsv' r.json | while IFS=$'\t' read a g; do
        awk -F'\t' -v a=$a -v g=$g '$1 == a && $2 == g { print $1, $11 }' r.tsv; done | sev | sort > json.txt
    cat tsv.txt >&3
    diff tsv.txt err.txt2
    diff tsv.txt json.txt
}

@test "attack (1000 Genomes): --self-test 0.5 detects the copies and the planted ones, and stays quiet on the negative control" {
    need_shared
    run attack --self-test 0.5 --train "$W/q1.bcf" --holdout "$W/q2.bcf" --map "$SHARED/maps/chr1.b37.gmap.gz" \
        --attacks dcr,king,ibd,af --threads 2 -q
    echo "$output" >&3
    assert_success
    assert_line --regexp '^positive	dcr	0.7500	0\.[67][0-9]+	.*	detected$'
    assert_line --regexp '^positive	king	0.7500	.*	detected$'
    assert_line --regexp '^positive	ibd	0.7500	.*	detected$'
    for a in dcr king; do assert_line --regexp "^planted	$a	.*	high	detected$"; done
    assert_line --regexp "^planted	ibd	.*	(detected|not detected)$"
    run grep -c -P '^negative\t.*\tok$' <<<"$output"
    assert_output 6
}

@test "attack (1000 Genomes): KING kinship equals plink2 --make-king-table to 1e-4" {
    need_shared
    awk 'NR % 12 == 0' "$W/all.txt" > some.txt
    bcftools view -S some.txt "$SHARED/1kg_chr1_11.7M.vcf.gz" -Oz -o some.vcf.gz
    plink2 --vcf some.vcf.gz --make-king-table --out kt > /dev/null
    vs-king some.vcf.gz > ours.tsv
    [ "$(wc -l < ours.tsv)" -eq "$(( $(wc -l < kt.kin0) - 1 ))" ]
    run bash -c "paste <(tail -n +2 kt.kin0) ours.tsv | awk -F'\t' '\$1 != \$7 || \$2 != \$8 || \$3 != \$9 { bad++ }
        { d = \$6 - \$12; if (d < 0) d = -d; if (d > 1e-4) far++ } END { print NR, bad + 0, far + 0 }'"
    assert_output "$(( $(wc -l < kt.kin0) - 1 )) 0 0"
}

@test "attack: a sample in both --train and --holdout, and misused options, are refused" {
    run attack "$TOY/syn.bcf" --train "$TOY/train.bcf" --holdout "$TOY/train.bcf"
    assert_failure 1
    assert_output --partial "sample TOY09 is in both $TOY/train.bcf and $TOY/train.bcf"
    run attack --self-test 0.5 --train "$TOY/train.bcf" --holdout "$TOY/holdout.bcf" -g "$TOY/groups.tsv"
    assert_failure 2
    assert_output --partial "takes neither -g nor --json"
    run attack "$TOY/syn.bcf" --train "$TOY/train.bcf" --holdout "$TOY/holdout.bcf" --bootstrap 5
    assert_failure 2
    run attack "$TOY/syn.bcf" --train "$TOY/train.bcf" --holdout "$TOY/holdout.bcf" --json -
    assert_failure 2
    assert_output --partial "would both go to standard output"
    run attack --self-test 0.5 --train "$TOY/train.bcf" --holdout "$TOY/holdout.bcf"
    assert_failure 1
    assert_output --partial "--self-test needs at least 10 training samples and 20 holdout samples"
}
