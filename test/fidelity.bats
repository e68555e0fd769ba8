#!/usr/bin/env bats
# vcf-fidelity: report format, determinism and bad input on the toy cohort;
# the copy-of-holdout and EUR-biased controls, AF against bcftools
# +fill-tags, r^2 against vcftools, AATS of two real halves, the admixed
# ASW/CEU/TSI panel and the HTML page on 1000 Genomes data from ../shared.

setup_file() {
    load 'helpers/common'
    local d; d=$(toy_dir)
    cd "$d"
    # toy roles: TOY01-12 train, 13-24 holdout (group A), the B samples synthetic stand-ins
    bcftools query -l toy.vcf.gz | awk '{ n = substr($1, 4) + 0; r = n <= 12 ? "ftrain" : n <= 24 ? "fhold" : "fsyn"; \
        print > (r ".txt") }'
    for r in fsyn ftrain fhold; do bcftools view -S $r.txt toy.vcf.gz -Ob -o $r.bcf; done
    have_shared || return 0
    cd "$BATS_FILE_TMPDIR"
    local kg="$SHARED/1kg_chr1_11.7M.vcf.gz"
    awk 'NR > 1 { print $1 "\t" $3 }' "$SHARED/1kg_panel.tsv" > groups.tsv
    # 80/20 split within each super-population
    bcftools query -l "$kg" | awk 'NR == FNR { g[$1] = $2; next } { r = n[g[$1]]++ % 5 == 4 ? "hold" : "train"; \
        print > (r ".txt") }' groups.tsv -
    for r in train hold; do bcftools view -S $r.txt "$kg" -Ob -o $r.bcf; done
    # biased synthetic: copies of the EUR training samples, labelled with the training group mix
    awk 'NR == FNR { g[$1] = $2; next } g[$1] == "EUR"' groups.tsv train.txt > eur.txt
    awk '{ print $1 "\tSYN" NR }' eur.txt > rename.txt
    bcftools view -S eur.txt train.bcf -Ou | bcftools reheader -s rename.txt -o biased.bcf
    awk 'NR == FNR { g[$1] = $2; next } { print g[$1] }' groups.tsv train.txt > train_labels.txt
    awk 'NR == FNR { l[NR] = $1; n = NR; next } { print $2 "\t" l[(FNR * 7) % n + 1] }' train_labels.txt rename.txt \
        > biased_groups.tsv
    cat groups.tsv biased_groups.tsv > all_groups.tsv
    # --fail-on flagged: the exit status is kept for the tests below
    local rc=0
    vcf-fidelity hold.bcf --train train.bcf --holdout hold.bcf -g groups.tsv --threads 2 -q --json copy.json \
        --fail-on flagged > copy.tsv || rc=$?
    echo $rc > copy.rc
    rc=0
    vcf-fidelity biased.bcf --train train.bcf --holdout hold.bcf -g all_groups.tsv --threads 2 -q \
        --json biased.json --fail-on flagged > biased.tsv || rc=$?
    echo $rc > biased.rc
}

setup() {
    load 'helpers/common'
    TOY=$(toy_dir)
    W=$BATS_FILE_TMPDIR
    cd "$BATS_TEST_TMPDIR"
}

fid() { vcf-fidelity "$@"; }

@test "fidelity: --help, required options, clashing outputs" {
    run fid --help
    assert_success
    assert_output --partial "Usage:   vcf-fidelity SYNTHETIC --train TRAIN --holdout HOLDOUT"
    run fid "$TOY/fsyn.bcf" --train "$TOY/ftrain.bcf"
    assert_failure 2
    assert_output --partial "--train and --holdout are required"
    run fid "$TOY/fsyn.bcf" --train "$TOY/ftrain.bcf" --holdout "$TOY/fhold.bcf" --json x --html x
    assert_failure 1
    assert_output --partial "the outputs --json x and --html x are the same file; nothing was written"
    [ ! -e x ]
    run fid "$TOY/fsyn.bcf" --train "$TOY/ftrain.bcf" --holdout "$TOY/fhold.bcf" --bootstrap 5
    assert_failure 2
}

@test "fidelity: without -g, one group: TSV columns and 'all' rows; JSON rows equal the TSV" {
    run fid "$TOY/fsyn.bcf" --train "$TOY/ftrain.bcf" --holdout "$TOY/fhold.bcf" --json out.json -o out.tsv
    assert_success
    assert_output --partial "rows differ from the real baseline"
    assert_equal "$(head -1 out.tsv)" "$(printf 'group\tmetric\tsynthetic\tbaseline\tratio\tratio_lo\tratio_hi\tflag')"
    assert_equal "$(awk -F'\t' 'NR > 1 && $1 != "all"' out.tsv | wc -l)" 0
    for m in af_r af_rmse rare_0-0.5% sfs_js het hwe_dev ld_dr2 pca_shift aats detect_auc utility_recall; do
        assert_equal "$(awk -F'\t' -v m=$m '$2 == m' out.tsv | wc -l)" 1
    done
    assert_equal "$(awk -F'\t' 'NR > 1 && NF != 8' out.tsv | wc -l)" 0
    jq -r '.rows[] | [.group, .metric, .synthetic, .baseline, .ratio, .ratio_lo, .ratio_hi, .flag]
           | map(if . == null then "NA" else . end) | @tsv' out.json > j.tsv
    # the same rows, numbers equal to the TSV's 6 significant digits
    run awk -F'\t' 'NR == FNR { if (FNR > 1) t[FNR - 1] = $0; next } { split(t[FNR], a, "\t"); n++
        if (a[1] != $1 || a[2] != $2 || a[8] != $8) bad++
        for (i = 3; i <= 7; i++) if (($i == "NA") != (a[i] == "NA") || ($i != "NA" && (a[i] - $i) ^ 2 > (1e-5 * $i) ^ 2)) bad++
        } END { print n, length(t), bad + 0 }' out.tsv j.tsv
    assert_output "$(( $(wc -l < out.tsv) - 1 )) $(( $(wc -l < out.tsv) - 1 )) 0"
    assert_equal "$(jq '.bias | length' out.json)" "$(jq '[.rows[] | .metric] | unique | length' out.json)"
    assert_equal "$(jq -r '[.bias[].flag] | unique | join(",")' out.json)" "NA"
}

@test "fidelity: the same seed gives the same report for any --threads; another seed moves the intervals only" {
    fid "$TOY/fsyn.bcf" --train "$TOY/ftrain.bcf" --holdout "$TOY/fhold.bcf" --threads 1 -q > t1.tsv
    fid "$TOY/fsyn.bcf" --train "$TOY/ftrain.bcf" --holdout "$TOY/fhold.bcf" --threads 3 -q > t3.tsv
    run cmp t1.tsv t3.tsv
    assert_success
    fid "$TOY/fsyn.bcf" --train "$TOY/ftrain.bcf" --holdout "$TOY/fhold.bcf" --seed 9 -q > s9.tsv
    run cmp t1.tsv s9.tsv
    assert_failure
}

@test "fidelity: bad input gets a clear error and leaves no output behind" {
    run fid "$TOY/fsyn.bcf" --train "$TOY/ftrain.bcf" --holdout "$TOY/ftrain.bcf" -o out.tsv
    assert_failure 1
    assert_output --partial "is in both"
    [ ! -e out.tsv ]
    printf '##fileformat=VCFv4.2\n##contig=<ID=chr9>\n##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tX\nchr9\t5\t.\tA\tG\t.\t.\t.\tGT\t0|1\n' > other.vcf
    run fid other.vcf --train "$TOY/ftrain.bcf" --holdout "$TOY/fhold.bcf"
    assert_failure 1
    assert_output --partial "share no site"
    run fid "$TOY/fsyn.bcf" --train "$TOY/ftrain.bcf" --holdout "$TOY/fhold.bcf" --html /nonexistent/dir/r.html -q
    assert_failure 1
    assert_output --partial "/nonexistent/dir/r.html"
}

@test "fidelity (1000 Genomes): synthetic = a copy of the holdout: every ratio 1, nothing flagged" {
    need_shared
    assert_equal "$(awk -F'\t' 'NR > 1' "$W/copy.tsv" | wc -l)" "$(awk -F'\t' 'NR > 1 && $8 == "ok"' "$W/copy.tsv" | wc -l)"
    # every ratio is exactly 1 (or NA where both sides are 0), inside its interval
    assert_equal "$(awk -F'\t' 'NR > 1 && $5 != "NA" && ($5 != 1 || $6 > 1 || $7 < 1)' "$W/copy.tsv" | wc -l)" 0
    assert_equal "$(awk -F'\t' 'NR > 1 && $2 == "af_r"' "$W/copy.tsv" | wc -l)" 6
    assert_equal "$(awk -F'\t' 'NR > 1 && $2 == "fst"' "$W/copy.tsv" | wc -l)" 10
    assert_equal "$(jq '[.bias[] | select(.flag == "amplified" or .flag == "reduced")] | length' "$W/copy.json")" 0
    assert_equal "$(jq '[.bias[] | select(.amplification != 0)] | length' "$W/copy.json")" 0
    assert_equal "$(jq -r '.verdict' "$W/copy.json" | cut -c1-3)" "OK:"
    assert_equal "$(cat "$W/copy.rc")" 0
}

@test "fidelity (1000 Genomes): EUR copies labelled as every group: non-EUR groups and amplification flagged" {
    need_shared
    for g in AFR AMR EAS SAS; do
        assert_equal "$(awk -F'\t' -v g=$g '$1 == g && $2 == "af_r" { print $8 }' "$W/biased.tsv")" worse
        assert_equal "$(awk -F'\t' -v g=$g '$1 == g && $2 == "pca_shift" { print $8 }' "$W/biased.tsv")" worse
    done
    assert_equal "$(awk -F'\t' '$1 == "EUR" && $2 == "af_r" { print $8 }' "$W/biased.tsv")" ok
    run jq -r '.bias[] | select(.metric == "af_r") | [.flag, .worst_group, (.amp_lo > 0)] | @tsv' "$W/biased.json"
    assert_output "$(printf 'amplified\tAFR\ttrue')"
    [ "$(jq '[.bias[] | select(.flag == "amplified")] | length' "$W/biased.json")" -ge 5 ]
    assert_equal "$(jq -r '.verdict' "$W/biased.json" | cut -c1-8)" "FLAGGED:"
    # --fail-on flagged: exit 3, and the reports are written all the same
    assert_equal "$(cat "$W/biased.rc")" 3
    assert_equal "$(awk -F'\t' 'NR > 1' "$W/biased.tsv" | wc -l)" "$(jq '.rows | length' "$W/biased.json")"
}

@test "fidelity (1000 Genomes): every ratio and amplification lies inside its own interval" {
    need_shared
    for r in copy biased; do
        run awk -F'\t' 'NR > 1 && $5 != "NA" && $6 != "NA" && ($5 < $6 - 1e-12 || $5 > $7 + 1e-12)' "$W/$r.tsv"
        assert_output ""
        run jq -r '.bias[] | select(.amp_lo != null and (.amplification < .amp_lo - 1e-12 or .amplification > .amp_hi + 1e-12)) | .metric' "$W/$r.json"
        assert_output ""
    done
    [ "$(awk -F'\t' 'NR > 1 && $6 != "NA"' "$W/biased.tsv" | wc -l)" -gt 100 ]
}

@test "fidelity (1000 Genomes): allele frequencies equal bcftools +fill-tags -t AF to 1e-6" {
    need_shared
    fid "$W/biased.bcf" --train "$W/train.bcf" --holdout "$W/hold.bcf" -g "$W/all_groups.tsv" --bootstrap 20 -q \
        --af-table af.tsv > /dev/null
    for g in AFR EUR; do
        awk -v g=$g '$2 == g { print $1 }' "$W/groups.tsv" > s.txt
        bcftools view --force-samples -S s.txt "$W/train.bcf" -Ou 2>/dev/null | bcftools +fill-tags -Ou -- -t AF |
            bcftools query -f '%CHROM\t%POS\t%REF\t%ALT\t%AF\n' > bt.tsv
        col=$(head -1 af.tsv | tr '\t' '\n' | grep -n "^$g:train$" | cut -d: -f1)
        run awk -v c=$col 'NR == FNR { a[$1 FS $2 FS $3 FS $4] = $5; next } FNR > 1 { k = $1 FS $2 FS $3 FS $4; n++;
            d = $c - a[k]; if (d < 0) d = -d; if (!(k in a) || d > 1e-6) bad++ } END { print n, bad + 0 }' bt.tsv af.tsv
        assert_output "4296 0"
    done
    # the synthetic side, for a group that only the table labels
    awk '$2 == "SAS" { print $1 }' "$W/biased_groups.tsv" > s.txt
    bcftools view -S s.txt "$W/biased.bcf" -Ou | bcftools +fill-tags -Ou -- -t AF |
        bcftools query -f '%CHROM\t%POS\t%REF\t%ALT\t%AF\n' > bt.tsv
    col=$(head -1 af.tsv | tr '\t' '\n' | grep -n "^SAS:synthetic$" | cut -d: -f1)
    run awk -v c=$col 'NR == FNR { a[$1 FS $2 FS $3 FS $4] = $5; next } FNR > 1 { k = $1 FS $2 FS $3 FS $4;
        d = $c - a[k]; if (d < 0) d = -d; if (d > 1e-6) bad++ } END { print bad + 0 }' bt.tsv af.tsv
    assert_output "0"
}

@test "fidelity (1000 Genomes): haplotype r^2 equals vcftools --hap-r2 to 1e-4" {
    need_shared
    command -v vcftools >/dev/null || skip "vcftools is not installed"
    fid "$W/hold.bcf" --train "$W/train.bcf" --holdout "$W/hold.bcf" -g "$W/groups.tsv" --bootstrap 20 -q \
        --ld-table ld.tsv > /dev/null
    awk '$2 == "EUR" { print $1 }' "$W/groups.tsv" > s.txt
    bcftools view --force-samples -S s.txt "$W/train.bcf" -r 1:11700000-11730000 -Oz -o eur.vcf.gz 2>/dev/null ||
        { bcftools index -f "$W/train.bcf"; bcftools view --force-samples -S s.txt "$W/train.bcf" -r 1:11700000-11730000 -Oz -o eur.vcf.gz 2>/dev/null; }
    vcftools --gzvcf eur.vcf.gz --hap-r2 --ld-window-bp 30000 --out v > /dev/null 2>&1
    run awk 'NR == FNR { if (FNR > 1) r[$2 FS $3] = $5; next }
             $1 == "EUR" && $2 == "train" && ($4 FS $5) in r { n++; d = $7 - r[$4 FS $5]; if (d < 0) d = -d;
             if (d > 1e-4) bad++ } END { print (n >= 100), bad + 0 }' v.hap.ld ld.tsv
    assert_output "1 0"
}

@test "fidelity (1000 Genomes): AATS of two disjoint real halves is 0.50 +- 0.01" {
    need_shared
    # a seeded random split (alternate samples in file order would part relatives, who sit side by side)
    cat "$W/train.txt" "$W/hold.txt" | shuf --random-source=<(yes 1) > all.txt
    head -1252 all.txt > a.txt
    tail -n +1253 all.txt > b.txt
    bcftools view -S a.txt "$SHARED/1kg_chr1_11.7M.vcf.gz" -Ob -o a.bcf
    bcftools view -S b.txt "$SHARED/1kg_chr1_11.7M.vcf.gz" -Ob -o b.bcf
    run fid b.bcf --train a.bcf --holdout b.bcf --bootstrap 20 -q
    assert_success
    aats=$(echo "$output" | awk -F'\t' '$1 == "all" && $2 == "aats" { print $4 }')
    awk -v a="$aats" 'BEGIN { exit !(a >= 0.49 && a <= 0.51) }'
}

@test "fidelity (ASW/CEU/TSI): pop groups, admixed ASW; counts from genotypes, not the wrong INFO/AF" {
    need_shared
    local v="$SHARED/asw_ceu_tsi_chr4_39M.vcf.gz"
    awk 'NR > 1 { print $1 "\t" $2 }' "$SHARED/1kg_panel.tsv" > pop.tsv
    bcftools query -l "$v" | awk 'NR % 4 == 0 { print > "h.txt"; next } { print > "t.txt" }'
    bcftools view -S t.txt "$v" -Ob -o t.bcf
    bcftools view -S h.txt "$v" -Ob -o h.bcf
    vcf-fit -g pop.tsv --multiallelic skip -o m.json.xz t.bcf 2>/dev/null
    vcf-synth -m m.json.xz -n 300 -Ob -o s.bcf t.bcf 2>/dev/null
    run fid s.bcf --train t.bcf --holdout h.bcf -g pop.tsv --af-table af.tsv --html r.html
    assert_success
    assert_output --partial "skipped"
    assert_output --partial "multi-allelic"
    for g in ASW CEU TSI; do
        assert_equal "$(awk -F'\t' -v g=$g '$1 == g && $2 == "af_r"' <<< "$output" | wc -l)" 1
    done
    # CEU training AF from the genotypes, against bcftools on the same samples (INFO/AF describes 2504 people)
    awk '$2 == "CEU" { print $1 }' pop.tsv > s.txt
    col=$(head -1 af.tsv | tr '\t' '\n' | grep -n "^CEU:train$" | cut -d: -f1)
    bcftools view --force-samples -S s.txt -m2 -M2 t.bcf -Ou 2>/dev/null | bcftools +fill-tags -Ou -- -t AF |
        bcftools query -f '%CHROM\t%POS\t%REF\t%ALT\t%AF\n' > bt.tsv
    run awk -v c=$col 'NR == FNR { a[$1 FS $2 FS $3 FS $4] = $5; next } FNR > 1 { k = $1 FS $2 FS $3 FS $4;
        if (!(k in a)) next; n++; d = $c - a[k]; if (d < 0) d = -d; if (d > 1e-6) bad++ } END { print (n > 1900), bad + 0 }' \
        bt.tsv af.tsv
    assert_output "1 0"
    # the file's own INFO/AF is wrong for these samples: it must not be what was used
    bcftools view -m2 -M2 t.bcf | bcftools query -f '%CHROM\t%POS\t%REF\t%ALT\t%AF\n' > info.tsv
    run awk -v c=$col 'NR == FNR { a[$1 FS $2 FS $3 FS $4] = $5; next } FNR > 1 { k = $1 FS $2 FS $3 FS $4;
        if (k in a && ($c - a[k]) ^ 2 > 1e-4) far++ } END { print (far > 100) }' info.tsv af.tsv
    assert_output "1"
    run grep -c http r.html
    assert_output "0"
}

@test "fidelity (1000 Genomes): the HTML page is self-contained, well formed, and renders in headless Chromium" {
    need_shared
    fid "$W/biased.bcf" --train "$W/train.bcf" --holdout "$W/hold.bcf" -g "$W/all_groups.tsv" --bootstrap 20 -q \
        --html r.html > /dev/null
    run grep -c -i -E 'http|src=|<script|<link' r.html
    assert_output "0"
    for part in "Bias between groups" "Variant frequencies" "Linkage between nearby variants" "Population structure" \
                "Differentiation between groups" "<svg" "<circle" "<polyline" "amplified"; do
        grep -q "$part" r.html
    done
    # well formed as XML, and the HTML parser objects to nothing but the SVG element names it does not know
    run xmllint --noout r.html
    assert_success
    run xmllint --html --noout r.html
    assert_success
    assert_equal "$(echo "$output" | grep 'error' | grep -v -c -E 'Tag (svg|g|rect|line|text|circle|path|polyline) invalid')" 0
    command -v chromium >/dev/null || skip "chromium is not installed (make deps tries to install it): rendering not checked"
    printf '<!DOCTYPE html><html><head><title>blank</title></head><body></body></html>\n' > blank.html
    for p in r blank; do
        timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-extensions \
            --disable-background-networking --no-first-run --hide-scrollbars --user-data-dir="$PWD/chrome-$p" \
            --window-size=1100,3000 --screenshot="$PWD/$p.png" "file://$PWD/$p.html" > /dev/null 2>&1 || true
    done
    [ -s r.png ] || skip "chromium could not take a screenshot on this machine"
    # a blank page compresses to almost nothing; the report's plots and tables do not
    [ "$(stat -c %s r.png)" -gt $(( 5 * $(stat -c %s blank.png) )) ]
}
