#!/usr/bin/env bats
# vcf-hybrid: augment, mix and replace on the toy cohort (real) and samples
# synthesised from it; augment on 1000 Genomes data when ../shared is there.

setup_file() {
    load 'helpers/common'
    local d; d=$(toy_dir)
    cd "$d"
    vcf-fit toy.vcf.gz -g groups.tsv -q -o hmodel.json
    vcf-synth -m hmodel.json toy.vcf.gz -n 40 --mix equal --prefix SYN -q -Ob -o syn40.bcf
    vcf-synth -m hmodel.json toy.vcf.gz -n 10 --mix equal --prefix SYN -q -Ob -o syn10.bcf
    vcf-synth -m hmodel.json toy.vcf.gz -n 40 --mix source --prefix SYN -q -Ob -o synsrc.bcf
}

setup() {
    load 'helpers/common'
    TOY=$(toy_dir)
    cd "$BATS_TEST_TMPDIR"
}

gts() { bcftools query -f '[%GT\t]\n' "$@"; }

@test "hybrid: usage errors exit 2, before any file is read" {
    run vcf-hybrid augment "$TOY/toy.vcf.gz" "$TOY/syn40.bcf" --target eqaul
    assert_failure 2
    assert_output --partial "--target expects equal, max or GROUP=N"
    run vcf-hybrid augment "$TOY/toy.vcf.gz" "$TOY/syn40.bcf" --target equal --fraction 0.5
    assert_failure 2
    assert_output --partial "--fraction, --prefix and --seed go with mix"
    run vcf-hybrid mix "$TOY/toy.vcf.gz" "$TOY/syn40.bcf" --fraction 0.5 --key -
    assert_failure 2
    assert_output --partial "would both go to standard output"
    run vcf-hybrid augment "$TOY/toy.vcf.gz" "$TOY/syn40.bcf"
    assert_failure 2
    assert_output --partial "augment needs --target"
    run vcf-hybrid mix "$TOY/toy.vcf.gz" "$TOY/syn40.bcf" --fraction 1.5
    assert_failure 2
    assert_output --partial "--fraction must be between 0 and 1"
    run vcf-hybrid mix "$TOY/toy.vcf.gz" "$TOY/syn40.bcf" --fraction -0.1
    assert_failure 2
    run vcf-hybrid blend "$TOY/toy.vcf.gz" "$TOY/syn40.bcf"
    assert_failure 2
    assert_output --partial "unknown mode 'blend'"
    run vcf-hybrid replace "$TOY/toy.vcf.gz" "$TOY/syn40.bcf"
    assert_failure 2
    assert_output --partial "replace needs -R"
}

@test "augment --target equal: every group ends equal; genotypes byte-identical to their sources" {
    run vcf-hybrid augment "$TOY/toy.vcf.gz" "$TOY/syn40.bcf" -g "$TOY/groups.tsv" --target equal -o aug.vcf
    assert_success
    assert_output --partial "group B: 16 real + 8 synthetic samples"
    run bash -c "grep -o 'Group=[AB],Origin=[a-z]*' aug.vcf | sort | uniq -c | awk '{print \$1, \$2}' | tr '\n' ' '"
    assert_output "24 Group=A,Origin=real 16 Group=B,Origin=real 8 Group=B,Origin=synthetic "
    bcftools query -l "$TOY/toy.vcf.gz" > real.txt
    bcftools query -l aug.vcf | tail -n 8 > syn.txt
    cmp <(bcftools view -S real.txt aug.vcf | gts) <(gts "$TOY/toy.vcf.gz")
    cmp <(bcftools view -S syn.txt aug.vcf | gts) <(bcftools view -S syn.txt "$TOY/syn40.bcf" | gts)
    # synthetic samples keep their ##SAMPLE provenance, model hash included
    run grep -c '##SAMPLE=<ID=SYN[0-9]*,Group=B,Origin=synthetic,Model=sha256:[0-9a-f]\{64\}>' aug.vcf
    assert_output 8
    # the synthetic samples are the first 8 of group B in file order
    run bash -c "bcftools view -h '$TOY/syn40.bcf' | grep 'Group=B' | head -8 | sed 's/.*ID=\([^,]*\),.*/\1/' | cmp - syn.txt"
    assert_success
}

@test "augment: AC, AN and AF equal bcftools +fill-tags" {
    vcf-hybrid augment "$TOY/toy.vcf.gz" "$TOY/syn40.bcf" -g "$TOY/groups.tsv" --target max -q -o aug.vcf
    cmp <(bcftools query -f '%INFO/AC %INFO/AN %INFO/AF\n' aug.vcf) \
        <(bcftools +fill-tags aug.vcf -- -t AC,AN,AF | bcftools query -f '%INFO/AC %INFO/AN %INFO/AF\n')
    [ "$(bcftools query -l aug.vcf | wc -l)" -eq 80 ]
}

@test "augment --target GROUP=N; unknown group, too small a target, too few synthetic samples" {
    vcf-hybrid augment "$TOY/toy.vcf.gz" "$TOY/syn40.bcf" -g "$TOY/groups.tsv" --target B=30 -q -o b30.vcf
    [ "$(grep -c 'Group=B' b30.vcf)" -eq 30 ] && [ "$(grep -c 'Group=A' b30.vcf)" -eq 24 ]
    run vcf-hybrid augment "$TOY/toy.vcf.gz" "$TOY/syn40.bcf" -g "$TOY/groups.tsv" --target C=5 -o x.vcf
    assert_failure 1
    assert_output --partial "--target names group 'C', which no sample of $TOY/toy.vcf.gz has"
    run vcf-hybrid augment "$TOY/toy.vcf.gz" "$TOY/syn40.bcf" -g "$TOY/groups.tsv" --target B=5 -o x.vcf
    assert_failure 1
    assert_output --partial "below the 16 real samples of group B"
    run vcf-hybrid augment "$TOY/toy.vcf.gz" "$TOY/syn10.bcf" -g "$TOY/groups.tsv" --target equal -o x.vcf
    assert_failure 1
    assert_output --partial "has 5 synthetic samples of group B, and 8 are needed; make at least 3 more (vcf-synth -n 3 --mix B=1"
    [ ! -e x.vcf ]
}

@test "mix: the key recovers exactly which samples are real; the VCF alone carries no trace of origin" {
    vcf-hybrid mix "$TOY/toy.vcf.gz" "$TOY/syn40.bcf" -g "$TOY/groups.tsv" --fraction 0.5 --key key.tsv -q -o mix.vcf
    run bash -c "cut -f2 key.tsv | tail -n +2 | sort | uniq -c | awk '{print \$1, \$2}' | tr '\n' ' '"
    assert_output "20 real 20 synthetic "
    # every output sample's genotypes are those of the source the key names
    while IFS=$'\t' read -r out origin src; do
        from=$([ "$origin" = real ] && echo "$TOY/toy.vcf.gz" || echo "$TOY/syn40.bcf")
        cmp <(bcftools query -s "$out" -f '[%GT]\n' mix.vcf) <(bcftools query -s "$src" -f '[%GT]\n' "$from")
    done < <(tail -n +2 key.tsv)
    run grep -c -E 'TOY[0-9]|SYN[0-9]|Origin|##SAMPLE|SecretCohort|Hospital|Command|--seed|--fraction|key.tsv' mix.vcf
    assert_output 0
    run bash -c "grep '^##' mix.vcf | cut -d= -f1 | LC_ALL=C sort -u | tr '\n' ' '"
    assert_output "##FILTER ##FORMAT ##INFO ##contig ##fileformat ##vcf-hybridVersion "
    run bash -c "bcftools query -l mix.vcf | head -3 | tr '\n' ' '"
    assert_output "S01 S02 S03 "
    # stratified: half of each group
    run bash -c "awk 'NR == FNR { g[\$1] = \$2; next } FNR > 1 && \$2 == \"real\" { n[g[\$3]]++ } END { print n[\"A\"], n[\"B\"] }' '$TOY/groups.tsv' key.tsv"
    assert_output "12 8"
}

@test "replace: inside the BED regions genotypes come from the paired synthetic sample, outside from the real one" {
    # [20500, 21000) covers POS 20501-21000: 21000 is in, 20500 is out; [19999, 20000) is POS 20000 alone
    printf 'chr4\t19999\t20000\nchr4\t20500\t21000\nchr4\t100000\t105000\n' > r.bed
    run vcf-hybrid replace "$TOY/toy.vcf.gz" "$TOY/synsrc.bcf" -g "$TOY/groups.tsv" -R r.bed --key rkey.tsv -o rep.vcf
    assert_success
    assert_output --partial "12 of 300 sites are inside the regions of r.bed"
    while IFS=$'\t' read -r s origin pair; do
        paste <(bcftools query -s "$s" -f '%POS\t[%GT]\n' rep.vcf) <(bcftools query -s "$s" -f '[%GT]\n' "$TOY/toy.vcf.gz") \
              <(bcftools query -s "$pair" -f '[%GT]\n' "$TOY/synsrc.bcf") |
            awk -F'\t' '{ p = $1 - 1; inside = p == 19999 || (p >= 20500 && p < 21000) || (p >= 100000 && p < 105000)
                          if ($2 != (inside ? $4 : $3)) { print "mismatch at", $1; exit 1 } }'
    done < <(tail -n +2 rkey.tsv)
    run grep -c 'Origin=hybrid' rep.vcf
    assert_output 40
    cmp <(bcftools query -f '%INFO/AC %INFO/AN %INFO/AF\n' rep.vcf) \
        <(bcftools +fill-tags rep.vcf -- -t AC,AN,AF | bcftools query -f '%INFO/AC %INFO/AN %INFO/AF\n')
    # regions on a contig the cohort lacks: before, every sample was called a hybrid, exit 0
    printf 'chr9\t19999\t21000\n' > typo.bed
    run vcf-hybrid replace "$TOY/toy.vcf.gz" "$TOY/synsrc.bcf" -g "$TOY/groups.tsv" -R typo.bed -o rep2.vcf
    assert_failure 1
    assert_output --partial "none of the 300 sites of $TOY/toy.vcf.gz and $TOY/synsrc.bcf lies inside the regions: nothing would be replaced, at typo.bed"
    [ ! -e rep2.vcf ]
}

@test "replace: BED regions in any order, overlapping, gzipped or CHR-named read as their union (as bcftools -R); malformed lines are refused, named" {
    a=("$TOY/toy.vcf.gz" "$TOY/synsrc.bcf" -g "$TOY/groups.tsv" --no-version -q)
    printf 'chr4\t19999\t20000\nchr4\t20500\t21000\nchr4\t100000\t105000\n' > r.bed
    vcf-hybrid replace "${a[@]}" -R r.bed -o ref.vcf
    # the same regions cut in overlapping pieces, out of order, with comments and a track line, gzipped
    printf '# regions\ntrack name=x\nchr4\t100000\t103000\nchr4\t20500\t20800\nchr4\t102000\t105000\n' > o.bed
    printf 'chr4\t20700\t21000\nchr4\t19999\t20000\n' >> o.bed
    bgzip -c o.bed > o.bed.gz
    vcf-hybrid replace "${a[@]}" -R o.bed.gz -o o.vcf
    cmp ref.vcf o.vcf
    sed 's/^chr4/CHR4/' r.bed > upper.bed
    vcf-hybrid replace "${a[@]}" -R upper.bed -o u.vcf
    cmp ref.vcf u.vcf
    printf '\xEF\xBB\xBF' | cat - r.bed > bom.bed       # a byte-order mark, as spreadsheets write
    vcf-hybrid replace "${a[@]}" -R bom.bed -o b.vcf
    cmp ref.vcf b.vcf
    # a lone contig is not the whole contig, a missing end is not read from the next line, 1e3 is not 1000
    for bad in 'chr4\n' 'chr4\t5000\nchr4\t1\t2\n' 'chr4\t5000\n' 'chr4\t6000\t5000\n' 'chr4\tx\t5000\n' \
               'chr4\t1e3\t2000\n' 'chr4\t1000\t2k\n' 'chr4\t-5\t10\n'; do
        printf "chr4\t1\t2\n$bad" > bad.bed
        run vcf-hybrid replace "${a[@]}" -R bad.bed -o x.vcf
        assert_failure 1
        assert_output --partial "BED file bad.bed line 2 is not 'contig start end' with 0 <= start < end"
    done
    printf '# nothing\n' > none.bed
    run vcf-hybrid replace "${a[@]}" -R none.bed -o x.vcf
    assert_failure 1
    assert_output --partial "BED file none.bed has no regions"
    [ ! -e x.vcf ]
}

@test "sites must match: the first difference is named; --sites intersect keeps the shared ones" {
    bcftools view -e 'POS=20500' "$TOY/syn40.bcf" -Ob -o fewer.bcf
    run vcf-hybrid augment "$TOY/toy.vcf.gz" fewer.bcf -g "$TOY/groups.tsv" --target equal -o x.vcf
    assert_failure 1
    assert_output --partial "the sites differ: $TOY/toy.vcf.gz has A>C here and fewer.bcf has no such record (the first difference), at fewer.bcf:chr4:20500"
    assert_output --partial "--sites intersect"
    run vcf-hybrid augment "$TOY/toy.vcf.gz" fewer.bcf -g "$TOY/groups.tsv" --target equal --sites intersect -o x.vcf
    assert_success
    assert_output --partial "sites: 299 shared and written; 1 only in $TOY/toy.vcf.gz and 0 only in fewer.bcf dropped"
}

@test "a synthetic file without ##SAMPLE Group= lines needs -g; stdin works for one input" {
    bcftools view -s TOY01,TOY02,TOY25 "$TOY/toy.vcf.gz" -Oz -o plain.vcf.gz
    run vcf-hybrid augment "$TOY/toy.vcf.gz" plain.vcf.gz --target equal -o x.vcf
    assert_failure 1
    assert_output --partial "has no ##SAMPLE Group= line for sample TOY01; give the groups with -g FILE"
    run bash -c "bcftools view '$TOY/syn40.bcf' | vcf-hybrid augment '$TOY/toy.vcf.gz' - -g '$TOY/groups.tsv' --target equal -q | bcftools query -l | wc -l"
    assert_output 48
}

@test "hybrid (1000 Genomes): augment --target equal evens the five super-populations" {
    need_shared
    bcftools query -l "$SHARED/1kg_chr1_11.7M.vcf.gz" | awk 'NR % 5' > train.txt
    bcftools view -S train.txt "$SHARED/1kg_chr1_11.7M.vcf.gz" -Ob -o train.bcf
    vcf-fit train.bcf -g "$SHARED/1kg_panel.tsv" --group-column super_pop --fit-haplotypes 20 --threads 2 -q -o m.json 2>/dev/null
    vcf-synth -m m.json train.bcf -n 2000 --mix equal --threads 2 -q -Ob -o syn.bcf
    vcf-hybrid augment train.bcf syn.bcf -g "$SHARED/1kg_panel.tsv" --group-column super_pop --target equal -q -Ob -o aug.bcf 2>/dev/null
    run bash -c "bcftools view -h aug.bcf | grep -o 'Group=[A-Z]*' | sort | uniq -c | awk '{print \$1}' | sort -u"
    assert_output "$(bcftools view -h aug.bcf | grep -o 'Group=AFR' | wc -l)"
    cmp <(bcftools view -S train.txt aug.bcf | gts) <(gts train.bcf)
    bcftools query -l aug.bcf | tail -n +$(( $(wc -l < train.txt) + 1 )) > syn.txt
    cmp <(bcftools view -S syn.txt aug.bcf | gts) <(bcftools view -S syn.txt syn.bcf | gts)
    cmp <(bcftools query -f '%INFO/AC %INFO/AN %INFO/AF\n' aug.bcf) \
        <(bcftools +fill-tags aug.bcf -- -t AC,AN,AF | bcftools query -f '%INFO/AC %INFO/AN %INFO/AF\n')
}
