#!/usr/bin/env bats
# Malformed and unusual inputs, each through every tool that reads that kind
# of file.  Every case asserts the exit status, a message naming the file (or
# option) and the problem, no output and no temporary file left behind, and
# inputs unchanged.  Built from the toy cohort: self-contained.
# The cases are counted in adversarial-cases.txt of the test's directory.

setup_file() {
    load 'helpers/common'
    toy_judged_make
}

setup() {
    load 'helpers/common'
    cd "$BATS_TEST_TMPDIR"
    toy_judged_copy
    bcftools view -h toy.vcf.gz > header.txt
    bcftools view -H toy.vcf.gz > body.txt
}

# Files made for a case are inputs too: snapshot after making them.
snapshot() {
    find . -maxdepth 1 -type f -printf '%f\n' | sort | xargs md5sum > ../inputs.md5
    ls -A > ../before.txt
}

# bad STATUS MESSAGE COMMAND...: one case.
bad() {
    local want=$1 msg=$2
    shift 2
    run "$@"
    echo "$* -> $status: $output" >> "$BATS_FILE_TMPDIR/adversarial-cases.txt"
    if [ "$status" -ne "$want" ] || [[ "$output" != *"$msg"* ]]; then
        echo "case: $*"
        echo "wanted status $want and '$msg'; got $status: $output"
        return 1
    fi
    md5sum --quiet -c ../inputs.md5
    ls -A | diff ../before.txt - || { echo "case left files behind: $*"; return 1; }
}

# The five tools, each given VCF as its main input.
each_tool() {
    local status=$1 msg=$2 f=$3
    bad "$status" "$msg" vcf-fit "$f" -q -o out.json
    bad "$status" "$msg" vcf-synth -m model.json "$f" -n 5 -q -o out.vcf
    bad "$status" "$msg" vcf-hybrid mix "$f" syn.bcf --fraction 0.5 -o out.vcf
    bad "$status" "$msg" vcf-linkage-attack "$f" --train train.bcf --holdout hold.bcf -q -o out.tsv
    bad "$status" "$msg" vcf-fidelity syn.bcf --train "$f" --holdout hold.bcf -q -o out.tsv
}

vcf_of() { cat header.txt; cat; }

@test "adversarial: unreadable VCF inputs, in all five tools" {
    : > empty.vcf
    mkdir adir
    printf 'hello\nworld\n' > text.vcf
    head -c 3000 toy.vcf.gz > truncated.vcf.gz
    grep -v '^##' header.txt > nometa.vcf; cat body.txt >> nometa.vcf
    snapshot
    each_tool 1 "the input is empty" empty.vcf
    each_tool 1 "adir" adir
    each_tool 1 "nothere.vcf" nothere.vcf
    each_tool 1 "text.vcf" text.vcf
    each_tool 1 "truncated.vcf.gz" truncated.vcf.gz
    head -c $(( $(stat -c %s toy.vcf.gz) - 28 )) toy.vcf.gz > cut.vcf.gz      # every block of records, not the EOF block
    snapshot
    each_tool 1 "cut.vcf.gz" cut.vcf.gz
    bad 1 "cannot read the first record: no BGZF EOF marker; file may be truncated, at cut.vcf.gz" \
        vcf-synth -m model.json cut.vcf.gz -n 5 -q -o out.vcf
    assert_output --partial "hint: the file ends early or is damaged: copy it again ('bgzip -t FILE' tests it)"
    each_tool 1 "starts at #CHROM" nometa.vcf
}

@test "adversarial: VCF records that break the rules, in every tool that reads a panel" {
    vcf_of < <(sed '5s/|/\//g' body.txt) > unphased.vcf
    vcf_of < <(sed '7s/\t0|1/\t.|./; 7s/\t1|0/\t.|./; 7s/\t0|0/\t.|./; 7s/\t1|1/\t.|./' body.txt) > missing.vcf
    vcf_of < <(awk 'NR == 9 { $0 = $0 } { print }' body.txt; sed -n 9p body.txt) > unsorted.vcf
    vcf_of < <(sed -n '1,10p;10p;11,$p' body.txt) > duplicated.vcf
    vcf_of < <(awk 'NR == 9 { hold = $0; next } { print } NR == 20 { print hold }' body.txt) > late.vcf
    vcf_of < <(awk -F'\t' -v OFS='\t' 'NR == 12 { NF = NF - 3 } { print }' body.txt) > short_row.vcf
    vcf_of < <(awk -F'\t' -v OFS='\t' 'NR == 3 { $10 = "0" } { print }' body.txt) > haploid.vcf
    sed 's/\tTOY02\t/\tTOY01\t/' header.txt > h2.txt; { cat h2.txt; cat body.txt; } > dupsample.vcf
    { grep -v '^##FORMAT' header.txt; sed 's/\tGT\t/\tGX\t/' body.txt; } > nogt.vcf
    vcf_of < <(awk -F'\t' -v OFS='\t' 'NR == 6 { $12 = "." } { print }' body.txt) > lonedot.vcf
    vcf_of < <(awk -F'\t' -v OFS='\t' 'NR == 4 { $10 = "0|2" } { print }' body.txt) > badallele.vcf
    { grep '^##' header.txt; printf '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n'; cut -f1-8 body.txt; } > sitesonly.vcf
    snapshot
    bad 1 "unphased" vcf-fit unphased.vcf -q -o out.json
    bad 1 "unphased" vcf-synth -m model.json unphased.vcf -n 5 -q -o out.vcf
    bad 1 "missing" vcf-fit missing.vcf -q -o out.json
    bad 1 "missing" vcf-synth -m model.json missing.vcf -n 5 -q -o out.vcf
    bad 1 "not sorted" vcf-fit unsorted.vcf -q -o out.json
    bad 1 "not sorted" vcf-linkage-attack unsorted.vcf --train train.bcf --holdout hold.bcf -q -o out.tsv
    bad 1 "records are not sorted: position 14000 comes after 19500, at late.vcf:chr4:14000" \
        vcf-hybrid mix late.vcf syn.bcf -g groups.tsv --fraction 0.5 -o out.vcf
    bad 1 "cannot read short_row.vcf or syn.bcf after chr4:15000: VCF parse error" \
        vcf-hybrid mix short_row.vcf syn.bcf -g groups.tsv --fraction 0.5 -o out.vcf
    bad 1 "a record with the same REF and ALT (A C) appears twice at this position, at duplicated.vcf:chr4:14500" \
        vcf-fit duplicated.vcf -q -o out.json
    bad 1 "appears twice" vcf-fidelity syn.bcf --train duplicated.vcf --holdout hold.bcf -q -o out.tsv
    # named at the last good record (chr4:15000), not at the end of the file
    bad 1 "cannot read the record after this position: VCF parse error, at short_row.vcf:chr4:15000" \
        vcf-fit short_row.vcf -q -o out.json
    bad 1 "at short_row.vcf:chr4:15000" vcf-synth -m model.json short_row.vcf -n 5 -q -o out.vcf
    bad 1 "haploid" vcf-fit haploid.vcf -q -o out.json
    bad 1 "the #CHROM line names a sample twice (columns 10 and 11), at dupsample.vcf sample TOY01" \
        vcf-fit dupsample.vcf -q -o out.json
    bad 1 "names a sample twice" vcf-linkage-attack dupsample.vcf --train train.bcf --holdout hold.bcf -q -o out.tsv
    bad 1 "missing genotype ('.'), at lonedot.vcf:chr4:12500 sample TOY03" vcf-fit lonedot.vcf -q -o out.json
    bad 1 "allele index larger than the ALT list" vcf-fit badallele.vcf -q -o out.json
    bad 1 "FORMAT/GT" vcf-fit nogt.vcf -q -o out.json
    bad 1 "no samples" vcf-fit sitesonly.vcf -q -o out.json
    bad 1 "no samples" vcf-hybrid mix sitesonly.vcf syn.bcf --fraction 0.5 -o out.vcf
}

@test "adversarial: groups tables: empty, a directory, no sample lines, bad names, two groups, a wrong column" {
    : > empty.tsv
    mkdir gdir
    printf 'sample\tgroup\n' > header_only.tsv
    sed '2s/ A$/ A,B/' groups.tsv > comma.tsv
    sed '2s/ A$/ A>B/' groups.tsv > angle.tsv
    sed '2s/ A$/ "A"/' groups.tsv > quote.tsv
    { cat groups.tsv; sed -n 2p groups.tsv | sed 's/ A$/ B/'; } > twogroups.tsv
    snapshot
    bad 1 "no sample lines" vcf-fit toy.vcf.gz -g empty.tsv -q -o out.json
    bad 1 "is a directory" vcf-fit toy.vcf.gz -g gdir -q -o out.json
    bad 1 "no sample lines" vcf-linkage-attack syn.bcf --train train.bcf --holdout hold.bcf -g header_only.tsv -q -o out.tsv
    bad 1 "cannot open groups table nothere.tsv" vcf-fidelity syn.bcf --train train.bcf --holdout hold.bcf -g nothere.tsv -q -o out.tsv
    bad 1 "the group name 'A,B' on line 2 holds a character" vcf-fit toy.vcf.gz -g comma.tsv -q -o out.json
    bad 1 "the group name 'A>B'" vcf-hybrid augment toy.vcf.gz syn.bcf --target equal -g angle.tsv -o out.vcf
    bad 1 "the group name '\"A\"'" vcf-fidelity syn.bcf --train train.bcf --holdout hold.bcf -g quote.tsv -q -o out.tsv
    bad 1 "a second group" vcf-fit toy.vcf.gz -g twogroups.tsv -q -o out.json
    bad 1 "no column 'pop'" vcf-fit toy.vcf.gz -g groups.tsv --group-column pop -q -o out.json
}

@test "adversarial: a tab-separated groups table keeps blanks in group names" {
    awk -v OFS='\t' 'NR > 1 { $2 = ($2 == "A") ? "Pop One" : "Pop Two" } { print }' groups.tsv > blanks.tsv
    vcf-fit toy.vcf.gz -g blanks.tsv -q -o m.json
    run jq -r '[.groups[].name] | join(",")' m.json
    assert_output "Pop One,Pop Two"
    vcf-synth -m m.json toy.vcf.gz -n 4 --mix equal -q -o s.vcf
    run grep -c '^##SAMPLE=<ID=[^,]*,Group=Pop \(One\|Two\),' s.vcf
    assert_output 4
}

@test "adversarial: genetic maps: empty, garbage, unsorted, decreasing, a directory" {
    : > empty.gmap
    printf 'this is\nnot a map\n' > garbage.gmap
    printf 'pos\tchr\tcM\n20000\tchr4\t0.2\n10000\tchr4\t0.1\n30000\tchr4\t0.3\n' > unsorted.gmap
    printf 'pos\tchr\tcM\n10000\tchr4\t0.2\n20000\tchr4\t0.1\n30000\tchr4\t0.3\n' > decreasing.gmap
    mkdir mdir
    snapshot
    bad 1 "empty.gmap" vcf-fit toy.vcf.gz --map empty.gmap -q -o out.json
    bad 1 "garbage.gmap" vcf-fit toy.vcf.gz --map garbage.gmap -q -o out.json
    bad 1 "not sorted by position" vcf-fit toy.vcf.gz --map unsorted.gmap -q -o out.json
    bad 1 "decreasing cM" vcf-linkage-attack syn.bcf --train train.bcf --holdout hold.bcf --map decreasing.gmap -q -o out.tsv
    bad 1 "decreasing cM" vcf-fidelity syn.bcf --train train.bcf --holdout hold.bcf --map decreasing.gmap -q -o out.tsv
    bad 1 "--map has no genetic map for any contig of the panel (first: chr4), at mdir" vcf-fit toy.vcf.gz --map mdir -q -o out.json
    # a map of another region: refused, or used with --map-extrapolate and a warning
    printf 'pos\tchr\tcM\n10000\tchr4\t0.1\n20000\tchr4\t0.2\n30000\tchr4\t0.3\n' > short.gmap
    snapshot
    bad 1 "the genetic map spans only 13.7% of contig chr4's sites (map 10000-30000, sites 10000-159500), at short.gmap:chr4" \
        vcf-fit toy.vcf.gz --map short.gmap -q -o out.json
    assert_output --partial "give --map-extrapolate"
    bad 1 "spans only 13.7%" vcf-fidelity syn.bcf --train train.bcf --holdout hold.bcf --map short.gmap -q -o out.tsv
    run vcf-fit toy.vcf.gz --map short.gmap --map-extrapolate -q -o m.json
    assert_success
    assert_output --partial "warning: the genetic map short.gmap spans 13.7% of contig chr4's sites"
}

@test "adversarial: models: empty, not JSON, another format, truncated, out of range, another panel" {
    : > empty.json
    echo '{"format": "vcfsynth-model", "version": 1' > trunc.json
    echo '[1, 2, 3]' > array.json
    echo '{"format": "something-else"}' > other.json
    head -c 200 model.json | xz > bad.json.xz
    sed '0,/"eps":\t[^,]*/s//"eps":\t0.9/' model.json > eps.json
    bcftools view -s ^TOY01 toy.vcf.gz -Oz -o fewer.vcf.gz
    snapshot
    bad 1 "model empty.json is empty" vcf-synth -m empty.json toy.vcf.gz -n 5 -q -o out.vcf
    bad 1 "not valid JSON" vcf-synth -m trunc.json toy.vcf.gz -n 5 -q -o out.vcf
    bad 1 "not a JSON object" vcf-synth -m array.json toy.vcf.gz -n 5 -q -o out.vcf
    bad 1 '"format" is not "vcfsynth-model"' vcf-synth -m other.json toy.vcf.gz -n 5 -q -o out.vcf
    bad 1 "bad.json.xz" vcf-synth -m bad.json.xz toy.vcf.gz -n 5 -q -o out.vcf
    bad 1 '"eps" is 0.9, outside' vcf-synth -m eps.json toy.vcf.gz -n 5 -q -o out.vcf
    bad 1 "does not match the model" vcf-synth -m model.json fewer.vcf.gz -n 5 -q -o out.vcf
    bad 1 "cannot open model nothere.json" vcf-synth -m nothere.json toy.vcf.gz -n 5 -q -o out.vcf
}

@test "adversarial: regions and targets: a contig the panel lacks, bad syntax, missing or empty files" {
    : > empty.bed
    printf '4\t100\t200\n' > four.bed
    snapshot
    bad 1 "name contig chr1, which the panel does not have" vcf-synth -m model.json toy.vcf.gz -n 5 -r chr1 -q -o out.vcf
    bad 1 "name contig 4, which the panel does not have" vcf-synth -m model.json toy.vcf.gz -n 5 -r 4:1-50000 -q -o out.vcf
    assert_output --partial "hint: the panel calls it chr4"
    bad 1 "name contig chr9, which the panel does not have" vcf-synth -m model.json toy.vcf.gz -n 5 -t chr9 -q -o out.vcf
    # named by the option given (before: "the -r/--regions")
    bad 1 "the -R/--regions-file name contig 4, which the panel does not have" \
        vcf-synth -m model.json toy.vcf.gz -n 5 -R four.bed -q -o out.vcf
    bad 1 "cannot open the -R/--regions-file: No such file or directory, at nothere.bed" \
        vcf-synth -m model.json toy.vcf.gz -n 5 -R nothere.bed -q -o out.vcf
    bad 1 "the -R/--regions-file holds no region htslib can read (empty, or not tab-separated columns), at empty.bed" \
        vcf-synth -m model.json toy.vcf.gz -n 5 -R empty.bed -q -o out.vcf
    bad 1 "the -T/--targets-file holds no region htslib can read" \
        vcf-synth -m model.json toy.vcf.gz -n 5 -T empty.bed -q -o out.vcf
    bad 1 "cannot parse the -r/--regions 'chr4:x-y'" vcf-synth -m model.json toy.vcf.gz -n 5 -r chr4:x-y -q -o out.vcf
    # htslib crashed on these (an empty list: SIGSEGV; '4:-5': an assertion) or selected nothing, exit 0
    bad 1 "the -r/--regions '' has an empty region (an empty string)" vcf-synth -m model.json toy.vcf.gz -n 5 -r '' -q -o out.vcf
    bad 1 "has an empty region (two commas, or a comma at an end)" vcf-synth -m model.json toy.vcf.gz -n 5 -r chr4:1-5, -q -o out.vcf
    bad 1 "the -r/--regions 'chr4:-5': the start is not a position from 1 to 10^12" \
        vcf-synth -m model.json toy.vcf.gz -n 5 -r chr4:-5 -q -o out.vcf
    bad 1 "the -t/--targets 'chr4:20000-10000' ends before it begins" \
        vcf-synth -m model.json toy.vcf.gz -n 5 -t chr4:20000-10000 -q -o out.vcf
    bad 1 "the start is not a position from 1 to 10^12" \
        vcf-synth -m model.json toy.vcf.gz -n 5 -r chr4:99999999999999999999 -q -o out.vcf
    # -r and -t together: the sites inside both
    vcf-synth -m model.json toy.vcf.gz -n 5 -r chr4:10000-20000 -t chr4:18000-60000 -q -o both.vcf
    run bash -c "bcftools view -H both.vcf | cut -f2 | tr '\n' ' '"
    assert_output "18000 18500 19000 19500 20000 "
}

@test "adversarial: -R and -T as a pipe or process substitution read as the same file would be; no scratch copy is left" {
    printf 'chr4\t9999\t20000\n' > r.bed
    export TMPDIR=$PWD/tmp && mkdir -p "$TMPDIR"
    vcf-synth -m model.json toy.vcf.gz -n 5 -R r.bed -q -o file.vcf
    vcf-synth -m model.json toy.vcf.gz -n 5 -R <(cat r.bed) -q -o pipe.vcf
    cat r.bed | vcf-synth -m model.json toy.vcf.gz -n 5 -R /dev/stdin -q -o stdin.vcf
    run bash -c "bcftools view -H file.vcf | wc -l"
    assert_output 21
    cmp <(bcftools view -H file.vcf) <(bcftools view -H pipe.vcf)
    cmp <(bcftools view -H file.vcf) <(bcftools view -H stdin.vcf)
    vcf-synth -m model.json toy.vcf.gz -n 5 -T ^r.bed -q -o xfile.vcf
    vcf-synth -m model.json toy.vcf.gz -n 5 -T ^<(cat r.bed) -q -o xpipe.vcf
    cmp <(bcftools view -H xfile.vcf) <(bcftools view -H xpipe.vcf)
    run bash -c "bcftools view -H xpipe.vcf | cut -f2 | awk '\$1 >= 10000 && \$1 <= 20000' | wc -l"
    assert_output 0
    snapshot
    bad 1 "the -R/--regions-file holds no region htslib can read" \
        vcf-synth -m model.json toy.vcf.gz -n 5 -R <(printf 'garbage\n') -q -o out.vcf
    bad 1 "-r/--regions needs an index, and an uncompressed file or a pipe has none" \
        vcf-synth -m model.json <(bcftools view -Ou toy.vcf.gz) -n 5 -r chr4:10000-20000 -q -o out.vcf
    local site; site=$(bcftools query -f '%CHROM:%POS:%REF:%ALT\n' toy.vcf.gz | sed -n 10p)
    bad 1 "reads the panel at its site through the index, then the run reads it again; a pipe cannot be read twice" \
        vcf-synth -m model.json <(cat toy.vcf.gz) -n 5 --condition "$site=1" -q -o out.vcf
    run ls -A tmp
    assert_output ""
}

@test "adversarial: an empty output name (an unset variable), or standard input twice, is a usage error before anything runs; an index is an output too" {
    echo precious > keep.out
    snapshot
    # before: each ran, wrote keep.out, then failed moving the empty-named output into place
    bad 2 "--report was given an empty file name (an unset variable?)" \
        vcf-fit toy.vcf.gz -g groups.tsv -q -o keep.out --report ''
    bad 2 "-o was given an empty file name" vcf-fit toy.vcf.gz -g groups.tsv -q -o ''
    bad 2 "--provenance was given an empty file name" \
        vcf-synth -m model.json toy.vcf.gz -n 5 -q -o keep.out --provenance ''
    bad 2 "--json was given an empty file name" \
        vcf-linkage-attack syn.bcf --train train.bcf --holdout hold.bcf -q -o keep.out --json ''
    bad 2 "--html was given an empty file name" \
        vcf-fidelity syn.bcf --train train.bcf --holdout hold.bcf --bootstrap 20 -q -o keep.out --html ''
    bad 2 "--effects-out was given an empty file name" \
        vcf-pheno toy.vcf.gz --causal 3 --h2 0.5 -q -o keep.out --effects-out ''
    bad 2 "--key was given an empty file name" vcf-hybrid mix toy.vcf.gz syn.bcf --fraction 0.5 -o keep.out --key ''
    # before: "Bad file descriptor" once the second reader found standard input closed
    bad 2 "the input SYNTHETIC - and --train - would both read standard input" \
        vcf-linkage-attack - --train - --holdout hold.bcf -q -o keep.out
    bad 2 "the input SYNTHETIC - and --holdout - would both read standard input" \
        vcf-fidelity - --train train.bcf --holdout - -q -o keep.out
    # before: the index, written last, replaced the provenance table or the tracts file, exit 0
    bad 1 "the outputs --provenance x.bcf.csi and the index of -o (--write-index) x.bcf.csi are the same file" \
        vcf-synth -m model.json toy.vcf.gz -n 5 -q -Ob -o x.bcf --write-index --provenance x.bcf.csi
    bad 1 "the outputs -o la.gz.tbi and the index of --local-ancestry la.gz.tbi are the same file" \
        vcf-synth -m model.json toy.vcf.gz -n 5 -q -Ob -o la.gz.tbi --admix X=A:0.5,B:0.5 --mix X=1 --local-ancestry la.gz
    bad 1 "the outputs --key x.bcf.csi and the index of -o (--write-index) x.bcf.csi are the same file" \
        vcf-hybrid mix toy.vcf.gz syn.bcf --fraction 0.5 -Ob -o x.bcf --write-index --key x.bcf.csi
    run cat keep.out
    assert_output precious
}

@test "adversarial: one file standing for two: a real cohort as SYNTHETIC, a model merged with itself, REAL and SYNTHETIC swapped" {
    vcf-fit toy.vcf.gz -g groups.tsv --kind markov --min-carriers 0 -q -o part.json
    cp part.json part-copy.json
    cp hold.bcf hold-copy.bcf
    snapshot
    # before: each exited 0; the attack called the holdout itself a safe release, the merge doubled every count.
    # (vcf-fidelity takes a real cohort as SYNTHETIC on purpose: the holdout is its calibration, every ratio 1;
    # the attack takes the training cohort as SYNTHETIC, the worst release, and calls it high)
    bad 1 "the input SYNTHETIC hold.bcf and --holdout hold.bcf are the same file" \
        vcf-linkage-attack hold.bcf --train train.bcf --holdout hold.bcf -q -o out.tsv
    bad 1 "the input SYNTHETIC hold-copy.bcf and --holdout hold.bcf are copies of one file (the same bytes)" \
        vcf-linkage-attack hold-copy.bcf --train train.bcf --holdout hold.bcf -q -o out.tsv
    bad 1 "a --merge model part.json and a --merge model part-copy.json are copies of one file" \
        vcf-fit --merge -q -o merged.json part.json part-copy.json
    bad 1 "the input REAL toy.vcf.gz and the input SYNTHETIC ./toy.vcf.gz are the same file" \
        vcf-hybrid mix toy.vcf.gz ./toy.vcf.gz -g groups.tsv --fraction 0.5 -o out.vcf
    bad 1 "the input REAL holds a sample its ##SAMPLE line calls Origin=synthetic, at syn.bcf sample" \
        vcf-hybrid augment syn.bcf train.bcf -g groups.tsv --target max -o out.vcf
    assert_output --partial "were they given the other way round?"
}

@test "adversarial: option values: --mix twice or unknown, -n out of range, --threads 0, bad -O" {
    snapshot
    bad 2 "--mix names group 'A' twice" vcf-synth -m model.json toy.vcf.gz -n 5 --mix A=0.5,A=0.5 -q -o out.vcf
    bad 2 "--mix names group 'C', which neither the model nor --admix defines" vcf-synth -m model.json toy.vcf.gz --mix C=1 -q -o out.vcf
    bad 2 "-n/--n-samples" vcf-synth -m model.json toy.vcf.gz -n 0 -q -o out.vcf
    bad 1 "more than the 16777215 samples one BCF record can hold; write the cohort as sample shards" \
        vcf-synth -m model.json toy.vcf.gz -n 16777216 -q -o out.vcf
    bad 2 "--threads" vcf-fit toy.vcf.gz --threads 0 -q -o out.json
    bad 2 "-O/--output-type" vcf-synth -m model.json toy.vcf.gz -n 5 -Ox -q -o out.vcf
    bad 2 "--causal must be between 1 and 10000000, got -1" vcf-pheno toy.vcf.gz --causal -1 -q -o out.tsv
    bad 2 "--bootstrap" vcf-fidelity syn.bcf --train train.bcf --holdout hold.bcf --bootstrap 5 -q -o out.tsv
    bad 2 "--fraction" vcf-hybrid mix toy.vcf.gz syn.bcf --fraction 2 -o out.vcf
}

@test "adversarial: files sharing fewer than 50 sites get 'insufficient' rows, never 'ok', with a warning -q keeps" {
    bcftools view -H syn.bcf | head -2 > /dev/null
    bcftools view syn.bcf -t chr4:1-30000 -Ob -o few.bcf
    snapshot
    run vcf-linkage-attack few.bcf --train train.bcf --holdout hold.bcf -q -o a.tsv
    assert_success
    assert_output --partial "fewer than 50: every row is 'insufficient'"
    run awk -F'\t' 'NR > 1 && $11 != "insufficient"' a.tsv
    assert_output ""
    run vcf-fidelity few.bcf --train train.bcf --holdout hold.bcf -q -o f.tsv
    assert_success
    assert_output --partial "fewer than 50: every row is 'insufficient'"
    run awk -F'\t' 'NR > 1 && $8 != "insufficient" && $8 != "NA"' f.tsv
    assert_output ""
}

@test "adversarial: two records at one position that real haplotypes carry together are copied together" {
    # a second record at every 10th position, C>G, with the genotypes of the first: carried together
    vcf_of < <(awk -F'\t' -v OFS='\t' '{ print } NR % 10 == 0 { $5 = "G"; print }' body.txt) > cocarried.vcf
    vcf-fit cocarried.vcf -g groups.tsv -q -o co.json
    run vcf-synth -m co.json cocarried.vcf -n 200 --seed 3 -o co.vcf
    assert_success
    refute_output --partial "written as REF"
    # some synthetic haplotypes carry both ALTs, as the source's do
    run bash -c "bcftools query -f '%POS[\t%GT]\n' co.vcf | awk -F'\t' '
        { for (i = 2; i <= NF; i++) { split(\$i, a, \"|\"); for (k = 1; k <= 2; k++) if (a[k] == 1) n[\$1, i, k]++ } }
        END { both = 0; for (x in n) if (n[x] > 1) both++; print (both > 100) }'"
    assert_output 1
}
