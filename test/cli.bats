#!/usr/bin/env bats
# Self-contained command-line tests of vcf-fit and vcf-synth on a generated
# toy cohort: options, output types, provenance, privacy, bad input.

setup_file() {
    load 'helpers/common'
    local d; d=$(toy_dir)
    vcf-fit "$d/toy.vcf.gz" -g "$d/groups.tsv" --map "$d/chr4.gmap.gz" -q -o "$d/model.json"
}

setup() {
    load 'helpers/common'
    TOY=$(toy_dir)
    cd "$BATS_TEST_TMPDIR"
}

# A copy of the toy cohort with one change made by an awk program on its text.
bad_vcf() {
    bcftools view "$TOY/toy.vcf.gz" | awk -F'\t' -v OFS='\t' "$1" | bgzip -c > "$2"
}

@test "--help prints usage to stdout and exits 0; --version too" {
    for p in vcf-fit vcf-synth; do
        run $p --help
        assert_success
        assert_output --partial "Usage:   $p"
        assert_output --partial "About:"
        run $p --version
        assert_success
        assert_output --partial "htslib"
    done
}

@test "usage errors exit 2 with the option named" {
    run vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 0
    assert_failure 2
    assert_output --partial "-n/--n-samples must be between 1 and"
    run vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" --threads 0
    assert_failure 2
    run vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -O x
    assert_failure 2
    assert_output --partial "-O/--output-type"
    run vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" --mix A=0.5
    assert_failure 2
    assert_output --partial "sum to 0.5"
    run vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" --mix ZZZ=1
    assert_failure 2
    run vcf-synth "$TOY/toy.vcf.gz"
    assert_failure 2
    assert_output --partial "-m/--model is required"
    run vcf-fit "$TOY/toy.vcf.gz" --fit-haplotypes 0
    assert_failure 2
    run vcf-fit "$TOY/toy.vcf.gz" --cM-per-Mb -1
    assert_failure 2
    run vcf-fit "$TOY/toy.vcf.gz" --seed abc
    assert_failure 2
    assert_output --partial "expects an integer"
    run vcf-fit "$TOY/toy.vcf.gz" --no-such-option
    assert_failure 2
    assert_output --partial "unknown option"
}

@test "vcf-fit writes a model with both groups and a source report" {
    vcf-fit "$TOY/toy.vcf.gz" -g "$TOY/groups.tsv" -q -o m.json --report r.tsv
    run jq -r '[.format, .version, .kind, (.groups | map(.name) | join(","))] | @tsv' m.json
    assert_output "$(printf 'vcfsynth-model\t1\tli-stephens\tA,B')"
    run jq -r '.groups[] | "\(.name) \(.K) \(.members | length)"' m.json
    assert_output "$(printf 'A 48 24\nB 32 16')"
    run head -1 r.tsv
    assert_output "$(printf 'group\tsamples\tshare\thaplotypes\tfit_haplotypes\tNe\tNe_lo\tNe_hi\teps\tloglik\tmean_heterozygosity\tprivate_alleles\tflag')"
    run awk -F'\t' 'NR>1 && ($7 >= $6 || $8 <= $6) {bad++} END {print NR-1, bad+0}' r.tsv
    assert_output "2 0"
}

@test "without -g, one group 'all'; without --map or INFO/CM, the constant rate is said" {
    run vcf-fit "$TOY/toy.vcf.gz" -o m.json
    assert_success
    assert_output --partial "constant 1 cM/Mb"
    run jq -r '.groups[0].name, .panel.contigs[0].map.source' m.json
    assert_output "$(printf 'all\nconstant')"
}

@test "output type follows -O, else the -o suffix; stdout is VCF" {
    vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 5 -q -o a.bcf
    vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 5 -q -o a.vcf.gz
    vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 5 -q -o a.vcf
    vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 5 -q -Ob -o b.out
    vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 5 -q -Ou -o u.out
    vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 5 -q -Oz -o z.out
    [ "$(htsfile a.bcf | cut -f2)" = "BCF version 2.2 compressed variant calling data" ]
    [ "$(htsfile b.out | cut -f2)" = "BCF version 2.2 compressed variant calling data" ]
    [ "$(htsfile u.out | cut -f2)" = "BCF version 2.2 compressed variant calling data" ]
    [ "$(stat -c %s u.out)" -gt "$(( 2 * $(stat -c %s b.out) ))" ]   # -Ou: BGZF level 0, as bcftools -Ou -o
    [ "$(htsfile a.vcf.gz | cut -f2)" = "VCF version 4.2 BGZF-compressed variant calling data" ]
    [ "$(htsfile z.out | cut -f2)" = "VCF version 4.2 BGZF-compressed variant calling data" ]
    [ "$(htsfile a.vcf | cut -f2)" = "VCF version 4.2 variant calling text" ]
    run bash -c "vcf-synth -m '$TOY/model.json' '$TOY/toy.vcf.gz' -n 5 -q | bcftools view -H | wc -l"
    assert_output 300
}

@test "--write-index: FILE.csi (or FILE.tbi) as bcftools index writes it, usable by bcftools view -r at once; bad uses are usage errors" {
    vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 5 --seed 2 -q --write-index -o a.bcf
    vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 5 --seed 2 -q --write-index=tbi -o a.vcf.gz
    vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 5 --seed 2 -q --write-index=csi -Oz -o c.out
    [ -s a.bcf.csi ] && [ -s a.vcf.gz.tbi ] && [ -s c.out.csi ]
    # the same index bcftools builds from the same file
    cp a.bcf b.bcf && bcftools index b.bcf && cmp <(zcat a.bcf.csi) <(zcat b.bcf.csi)
    cp a.vcf.gz b.vcf.gz && bcftools index -t b.vcf.gz && cmp <(zcat a.vcf.gz.tbi) <(zcat b.vcf.gz.tbi)
    region=$(bcftools query -f '%CHROM:%POS\n' a.bcf | sed -n '100p;200p' | paste -sd- | sed 's/-[^:]*:/-/')
    [ "$(bcftools view -H -r "$region" a.bcf | wc -l)" -eq 101 ]
    [ "$(bcftools view -H -r "$region" a.vcf.gz | wc -l)" -eq 101 ]
    vcf-hybrid augment "$TOY/toy.vcf.gz" a.bcf -g "$TOY/groups.tsv" --target max -q --write-index -o aug.bcf
    [ "$(bcftools view -H -r "$region" aug.bcf | wc -l)" -eq 101 ]
    for bad in "-o x.vcf --write-index" "--write-index" "-Ou -o x.bcf --write-index" "-o x.bcf --write-index=tbi" \
               "-o x.bcf --write-index=bai"; do
        run vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 5 $bad
        assert_failure 2
        assert_output --partial "--write-index"
    done
    [ ! -e x.bcf ] && [ ! -e x.vcf ]
}

@test "records: phased GT only, INFO/AC and AN equal bcftools +fill-tags" {
    vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 30 -q -o s.vcf
    run bcftools query -f '[%GT\n]' s.vcf
    refute_output --partial "/"
    bcftools query -f '%POS %INFO/AC %INFO/AN\n' s.vcf > ours.txt
    bcftools +fill-tags s.vcf -- -t AC,AN | bcftools query -f '%POS %INFO/AC %INFO/AN\n' > theirs.txt
    run cmp ours.txt theirs.txt
    assert_success
    run bcftools view -h s.vcf
    assert_output --partial '##FORMAT=<ID=GT'
    refute_output --regexp '##FORMAT=<ID=(DS|GQ|AD)'
}

@test "no source sample name and no identifying source header line in the output" {
    vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 50 -o s.vcf
    run grep -c -E 'TOY[0-9]+' s.vcf
    assert_output 0
    run grep -c -E 'SecretCohort|Hospital-X|toolCommand' s.vcf
    assert_output 0
    run bash -c "grep '^##' s.vcf | cut -d= -f1 | LC_ALL=C sort -u | tr '\n' ' '"
    assert_output "##FILTER ##FORMAT ##INFO ##SAMPLE ##contig ##fileformat ##vcf-synthCommand ##vcf-synthVersion ##vcfsynthPrivacy "
    run grep -c '^##SAMPLE=<ID=SYN[0-9]*,Group=[AB],Origin=synthetic,Model=sha256:[0-9a-f]\{64\}>' s.vcf
    assert_output 50
}

@test "##SAMPLE Model= is the sha256 of the model file" {
    vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 2 -q -o s.vcf
    want=$(head -c -1 "$TOY/model.json" | sha256sum | cut -c1-64)
    run grep -c "Model=sha256:$want" s.vcf
    assert_output 2
}

@test "--prefix names samples; a clash with a source name is refused" {
    run bash -c "vcf-synth -m '$TOY/model.json' '$TOY/toy.vcf.gz' -n 12 --prefix S -q | bcftools query -l | sed -n '1p;12p'"
    assert_output "$(printf 'S01\nS12')"
    run vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 20 --prefix TOY -q
    assert_failure 1
    assert_output --partial "also a source sample name"
}

@test "--mix equal and G=p set the group counts" {
    vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 10 --mix equal -q -o e.vcf
    run bash -c "grep -o 'Group=[AB]' e.vcf | sort | uniq -c | awk '{print \$1}' | tr '\n' ' '"
    assert_output "5 5 "
    vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 10 --mix A=0.2,B=0.8 -q -o m.vcf
    run bash -c "grep -o 'Group=[AB]' m.vcf | sort | uniq -c | awk '{print \$1}' | tr '\n' ' '"
    assert_output "2 8 "
}

@test "the command line is recorded as typed, options after file names included" {
    vcf-synth "$TOY/toy.vcf.gz" -n 2 -m "$TOY/model.json" -q -o s.vcf
    run grep -c -F "##vcf-synthCommand=vcf-synth $TOY/toy.vcf.gz -n 2 -m $TOY/model.json -q -o s.vcf; Date=" s.vcf
    assert_output 1
}

@test "SOURCE_DATE_EPOCH sets the Date of the command line; --no-version drops both lines" {
    SOURCE_DATE_EPOCH=0 vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 2 -q -o s.vcf
    run grep -c '^##vcf-synthCommand=.*; Date=Thu Jan 01 00:00:00 1970$' s.vcf
    assert_output 1
    vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 2 -q --no-version -o n.vcf
    run grep -c 'vcf-synth' n.vcf
    assert_output 0
}

@test "an xz-compressed model works like the plain one" {
    vcf-fit "$TOY/toy.vcf.gz" -g "$TOY/groups.tsv" -q --no-version -o m.json.xz
    [ "$(head -c 6 m.json.xz | od -An -tx1 | tr -d ' ')" = "fd377a585a00" ]
    vcf-fit "$TOY/toy.vcf.gz" -g "$TOY/groups.tsv" -q --no-version -o m.json
    vcf-synth -m m.json.xz "$TOY/toy.vcf.gz" -n 5 -q --no-version -o x.vcf
    vcf-synth -m m.json "$TOY/toy.vcf.gz" -n 5 -q --no-version -o p.vcf
    run cmp x.vcf p.vcf
    assert_success
}

@test "groups table: samples missing from it go to NA with a warning" {
    head -20 "$TOY/groups.tsv" > partial.tsv
    run vcf-fit "$TOY/toy.vcf.gz" -g partial.tsv -o m.json
    assert_success
    assert_output --partial "21 samples of the VCF are not in groups table partial.tsv (first: TOY20)"
    run jq -r '[.groups[] | "\(.name):\(.n_members // (.members|length))"] | join(" ")' m.json
    assert_output "A:19 NA:21"
}

@test "groups table: rows for samples absent from the VCF are counted, not fatal" {
    { cat "$TOY/groups.tsv"; echo "NOTHERE A"; echo "ALSONOT B"; } > extra.tsv
    run vcf-fit "$TOY/toy.vcf.gz" -g extra.tsv -o m.json
    assert_success
    assert_output --partial "names 2 samples that are not in the VCF; ignored"
}

@test "groups table: gzipped, with a UTF-8 byte-order mark, or from a pipe, it reads as the plain file" {
    gzip -c "$TOY/groups.tsv" > g.tsv.gz
    printf '\xEF\xBB\xBF' | cat - "$TOY/groups.tsv" > bom.tsv      # before: the first sample went to NA
    vcf-fit "$TOY/toy.vcf.gz" -g "$TOY/groups.tsv" --no-version -q -o plain.json
    vcf-fit "$TOY/toy.vcf.gz" -g g.tsv.gz --no-version -q -o gz.json
    vcf-fit "$TOY/toy.vcf.gz" -g bom.tsv --no-version -q -o bom.json
    vcf-fit "$TOY/toy.vcf.gz" -g <(cat "$TOY/groups.tsv") --no-version -q -o pipe.json
    cmp plain.json gz.json
    cmp plain.json bom.json
    cmp plain.json pipe.json
}

@test "groups table: --group-column names a column that is not there" {
    run vcf-fit "$TOY/toy.vcf.gz" -g "$TOY/groups.tsv" --group-column super_pop -o m.json
    assert_failure 1
    assert_output --partial "groups table $TOY/groups.tsv has no column 'super_pop'"
    [ ! -e m.json ]
}

@test "small groups merge into NA; an NA still too small is left out; or --small-groups error" {
    awk 'NR == 1 || $1 != "TOY40" { print } $1 == "TOY40" { print $1, "C" }' "$TOY/groups.tsv" > three.tsv
    run vcf-fit "$TOY/toy.vcf.gz" -g three.tsv --min-group 20 -o m.json
    assert_success
    assert_output --partial "group C has 2 haplotypes, fewer than --min-group 20; merged into group NA"
    assert_output --partial "group NA has 2 haplotypes, fewer than --min-group 20; its 1 samples are left out"
    run jq -r '[.groups[] | "\(.name):\(.members | length)"] | join(",")' m.json
    assert_output "A:24,B:15"
    run vcf-fit "$TOY/toy.vcf.gz" -g "$TOY/groups.tsv" --min-group 40 -o m.json
    assert_success
    assert_output --partial "group B has 32 haplotypes, fewer than --min-group 40; merged into group NA"
    run vcf-fit "$TOY/toy.vcf.gz" -g "$TOY/groups.tsv" --min-group 34 -q -o m.json
    run jq -r '[.groups[].name] | join(",")' m.json
    assert_output "A"
    awk 'NR == 1 { print; next } { print $1, ($1 <= "TOY12" ? "A" : $1 <= "TOY24" ? "X" : "B") }' "$TOY/groups.tsv" > halves.tsv
    run vcf-fit "$TOY/toy.vcf.gz" -g halves.tsv --min-group 26 -q -o m.json
    run jq -r '[.groups[] | "\(.name):\(.members | length)"] | join(",")' m.json
    assert_output "B:16,NA:24"
    run vcf-fit "$TOY/toy.vcf.gz" -g "$TOY/groups.tsv" --min-group 40 --small-groups error -o m2.json
    assert_failure 1
    assert_output --partial "use --small-groups merge"
    [ ! -e m2.json ]
}

@test "bad model files: not JSON, wrong version, wrong format, truncated xz" {
    echo '{"format": "vcfsynth-model", "version": 1, ' > broken.json
    run vcf-synth -m broken.json "$TOY/toy.vcf.gz" -n 2
    assert_failure 1
    assert_output --partial "model broken.json is not valid JSON"
    jq '.version = 99' "$TOY/model.json" > v99.json
    run vcf-synth -m v99.json "$TOY/toy.vcf.gz" -n 2
    assert_failure 1
    assert_output --partial "has format version 99, but this vcfsynth reads version 1"
    echo '{"hello": 1}' > other.json
    run vcf-synth -m other.json "$TOY/toy.vcf.gz" -n 2
    assert_failure 1
    assert_output --partial '"format" is not "vcfsynth-model"'
    jq 'del(.groups[0].Ne)' "$TOY/model.json" > none.json
    run vcf-synth -m none.json "$TOY/toy.vcf.gz" -n 2
    assert_failure 1
    assert_output --partial 'missing or mistyped key "Ne"'
    vcf-fit "$TOY/toy.vcf.gz" -q -o m.json.xz
    head -c 200 m.json.xz > cut.json.xz
    run vcf-synth -m cut.json.xz "$TOY/toy.vcf.gz" -n 2
    assert_failure 1
    assert_output --partial "damaged xz file"
    run vcf-synth -m /nonexistent/model.json "$TOY/toy.vcf.gz" -n 2
    assert_failure 1
    assert_output --partial "cannot open model /nonexistent/model.json"
}

@test "a panel that does not match the model is refused, and no output is left" {
    bcftools view -s ^TOY07 "$TOY/toy.vcf.gz" -Oz -o fewer.vcf.gz
    run vcf-synth -m "$TOY/model.json" fewer.vcf.gz -n 2 -o out.vcf
    assert_failure 1
    assert_output --partial "does not match the model: its 39 samples are not the 40 samples"
    assert_output --partial "hint" || assert_output --partial "the panel that was given to vcf-fit"
    [ ! -e out.vcf ]
    bcftools view -e 'POS=60000' "$TOY/toy.vcf.gz" -Oz -o sites.vcf.gz
    run vcf-synth -m "$TOY/model.json" sites.vcf.gz -n 2 -o out.vcf
    assert_failure 1
    assert_output --partial "does not match the model: 299 sites"
    [ ! -e out.vcf ]
    ls -A | grep -c '^\.out\.vcf' | grep -qx 0
}

@test "a failed run leaves an existing output file as it was" {
    echo "precious" > keep.vcf
    bcftools view -s ^TOY07 "$TOY/toy.vcf.gz" -Oz -o fewer.vcf.gz
    run vcf-synth -m "$TOY/model.json" fewer.vcf.gz -n 2 -o keep.vcf
    assert_failure 1
    run cat keep.vcf
    assert_output "precious"
}

@test "unwritable -o: exit 1, nothing left behind; /dev/full: write error" {
    run vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 2 -o /nonexistent/dir/out.bcf
    assert_failure 1
    assert_output --partial "cannot create output /nonexistent/dir/out.bcf"
    mkdir ro && chmod 555 ro
    if [ "$(id -u)" != 0 ]; then
        run vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 2 -o ro/out.bcf
        assert_failure 1
    fi
    run vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 200 -Ov -o /dev/full
    assert_failure 1
    assert_output --partial "cannot write /dev/full"
    run vcf-fit "$TOY/toy.vcf.gz" -q -o /dev/full
    assert_failure 1
}

@test "a closed pipe downstream ends vcf-synth quietly" {
    run bash -c "vcf-synth -m '$TOY/model.json' '$TOY/toy.vcf.gz' -n 2000 -q 2>err.txt | head -1; cat err.txt"
    assert_output "##fileformat=VCFv4.2"
}

@test "bad input: multi-allelic record, with a hint; --multiallelic skip drops it with a count" {
    bad_vcf '$2 == 20000 { $5 = "C,G"; $12 = "2|0" } 1' multi.vcf.gz
    run vcf-fit multi.vcf.gz -o m.json
    assert_failure 1
    assert_output --partial "multi-allelic record (3 alleles), at multi.vcf.gz:chr4:20000"
    assert_output --partial "bcftools norm -m-"
    run vcf-fit multi.vcf.gz --multiallelic skip -o m.json
    assert_success
    assert_output --partial "skipped 1 multi-allelic record"
    run jq -r '.panel.n_sites, .panel.multiallelic' m.json
    assert_output "$(printf '299\nskip')"
    run vcf-synth -m m.json multi.vcf.gz -n 3 -q
    assert_success
}

@test "bad input: missing genotype names file, contig, position and sample" {
    bad_vcf '$2 == 20000 { $14 = ".|." } 1' miss.vcf.gz
    run vcf-fit miss.vcf.gz -o m.json
    assert_failure 1
    assert_output --partial "missing genotype, at miss.vcf.gz:chr4:20000 sample TOY05"
    assert_output --partial "hint: impute"
}

@test "bad input: haploid call" {
    bad_vcf '$2 == 20000 { $14 = "1" } 1' hap.vcf.gz
    run vcf-fit hap.vcf.gz -o m.json
    assert_failure 1
    assert_output --partial "haploid genotype, at hap.vcf.gz:chr4:20000 sample TOY05"
}

@test "bad input: unphased genotype, with a hint to phase" {
    bad_vcf '$2 == 20000 { $14 = "0/1" } 1' unph.vcf.gz
    run vcf-fit unph.vcf.gz -o m.json
    assert_failure 1
    assert_output --partial "unphased genotype, at unph.vcf.gz:chr4:20000 sample TOY05"
    assert_output --partial "shapeit4 or beagle"
}

@test "bad input: unsorted records" {
    bad_vcf '$2 == 20000 { held = $0; next } $2 == 20500 { print; print held; next } 1' unsorted.vcf.gz
    run vcf-fit unsorted.vcf.gz -o m.json
    assert_failure 1
    assert_output --partial "records are not sorted: position 20000 comes after 20500, at unsorted.vcf.gz:chr4:20000"
    assert_output --partial "bcftools sort"
}

@test "bad input: empty file, no samples, truncated BGZF, missing file" {
    : > empty.vcf
    run vcf-fit empty.vcf -o m.json
    assert_failure 1
    assert_output --partial "the input is empty"
    bcftools view -G "$TOY/toy.vcf.gz" -Oz -o nosamples.vcf.gz
    run vcf-fit nosamples.vcf.gz -o m.json
    assert_failure 1
    assert_output --partial "the input has no samples"
    bcftools view "$TOY/toy.vcf.gz" -Oz -o whole.vcf.gz
    head -c $(( $(stat -c %s whole.vcf.gz) / 2 )) whole.vcf.gz > trunc.vcf.gz
    run vcf-fit trunc.vcf.gz -o m.json
    assert_failure 1
    assert_output --partial "trunc.vcf.gz"
    assert_output --partial "truncated"
    run vcf-fit nothere.vcf.gz -o m.json
    assert_failure 1
    assert_output --partial "cannot open input: No such file or directory, at nothere.vcf.gz"
    [ ! -e m.json ]
}

@test "bad input: a VCF without ## meta lines" {
    bcftools view -H "$TOY/toy.vcf.gz" > body.txt
    { bcftools view -h "$TOY/toy.vcf.gz" | tail -1; cat body.txt; } | bgzip -c > nometa.vcf.gz
    run vcf-fit nometa.vcf.gz -o m.json
    assert_failure 1
    assert_output --partial "the VCF has no ## meta-information lines (it starts at #CHROM), at nometa.vcf.gz"
    assert_output --partial "hint: add a '##fileformat=VCFv4.2' line first"
}

@test "input from standard input" {
    run bash -c "bcftools view '$TOY/toy.vcf.gz' | vcf-fit - -q | jq -r .panel.n_sites"
    assert_output 300
    run bash -c "bcftools view '$TOY/toy.vcf.gz' | vcf-synth -m '$TOY/model.json' -n 3 -q | bcftools view -H | wc -l"
    assert_output 300
}

@test "-r needs an index and says so; -t streams" {
    bcftools view "$TOY/toy.vcf.gz" -Oz -o noidx.vcf.gz
    run vcf-synth -m "$TOY/model.json" noidx.vcf.gz -n 2 -r chr4:1-50000
    assert_failure 1
    assert_output --partial "needs an index"
    run bash -c "vcf-synth -m '$TOY/model.json' noidx.vcf.gz -n 2 -t chr4:1-50000 -q | bcftools view -H | wc -l"
    assert_output 81
}

@test "--ne-range: an optimum inside the range is found; one beyond it is reported at the bound" {
    vcf-fit "$TOY/toy.vcf.gz" -g "$TOY/groups.tsv" --map "$TOY/chr4.gmap.gz" -q -o free.json
    free=$(jq -r '.groups[1].Ne' free.json)
    lo=$(awk -v n="$free" 'BEGIN { printf "%d", n * 0.9 }')
    vcf-fit "$TOY/toy.vcf.gz" -g "$TOY/groups.tsv" --map "$TOY/chr4.gmap.gz" --ne-range "$lo,1e6" -q -o in.json
    run jq -r --argjson f "$free" '.groups[1].Ne / $f | . > 0.98 and . < 1.02' in.json
    assert_output true
    hi=$(awk -v n="$free" 'BEGIN { printf "%d", n * 0.5 }')
    run vcf-fit "$TOY/toy.vcf.gz" -g "$TOY/groups.tsv" --map "$TOY/chr4.gmap.gz" --ne-range "10,$hi" -o out.json
    assert_output --partial "group B: the likelihood is still rising at Ne = $hi, the end of the search range"
    run jq -r '.groups[1].Ne' out.json
    assert_output "$hi"
    run vcf-fit "$TOY/toy.vcf.gz" --ne-range 100,50
    assert_failure 2
}

@test "vcf-fit: the model does not depend on --threads" {
    vcf-fit "$TOY/toy.vcf.gz" -g "$TOY/groups.tsv" --map "$TOY/chr4.gmap.gz" --threads 1 --no-version -q -o t1.json
    vcf-fit "$TOY/toy.vcf.gz" -g "$TOY/groups.tsv" --map "$TOY/chr4.gmap.gz" --threads 2 --no-version -q -o t2.json
    cmp t1.json t2.json
}

@test "vcf-fit --fit-eps estimates eps and improves the likelihood" {
    vcf-fit "$TOY/toy.vcf.gz" -g "$TOY/groups.tsv" --map "$TOY/chr4.gmap.gz" -q -o fixed.json
    vcf-fit "$TOY/toy.vcf.gz" -g "$TOY/groups.tsv" --map "$TOY/chr4.gmap.gz" --fit-eps -q -o free.json
    run jq -r '.fit.fit_eps' free.json
    assert_output true
    # the toy cohort miscopies 1% of alleles: the fitted eps moves towards it from the default
    run jq -r --slurpfile f fixed.json '[.groups[] as $g | $f[0].groups[] | select(.name == $g.name) |
        ($g.loglik >= .loglik and $g.eps > .eps and $g.eps < 0.05)] | all' free.json
    assert_output true
}

@test "a panel whose header has no ##contig lines still synthesises, with the contig declared" {
    bcftools view "$TOY/toy.vcf.gz" | grep -v '^##contig' | bgzip -c > noctg.vcf.gz
    vcf-fit noctg.vcf.gz -q -o m.json 2>/dev/null
    vcf-synth -m m.json noctg.vcf.gz -n 3 -q -o s.vcf 2>/dev/null
    run grep -c '^##contig=<ID=chr4>' s.vcf
    assert_output 1
    run bash -c "bcftools view -H s.vcf | wc -l"
    assert_output 300
}

@test "--threads beyond the cores is capped with an info line; vcf-synth's compressed output is the same at 1, 2 and 1000 threads" {
    cores=$(nproc)
    run vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 50 --threads 1000 --no-version -Ob -o t1000.bcf
    assert_success
    assert_output --partial "--threads 1000 capped at $cores, the cores this run may use"
    run vcf-fit "$TOY/toy.vcf.gz" -g "$TOY/groups.tsv" --threads 1000 -o /dev/null
    assert_output --partial "--threads 1000 capped at $cores"
    vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 50 --threads 1 --no-version -q -Ob -o t1.bcf
    vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 50 --threads 2 --no-version -q -Ob -o t2.bcf
    cmp t1.bcf t2.bcf
    cmp t1.bcf t1000.bcf
    # one thread asked for: no cap line
    run vcf-synth -m "$TOY/model.json" "$TOY/toy.vcf.gz" -n 5 --threads 1 -o /dev/null
    refute_output --partial "capped"
}

@test "vcf-fit --fit-sites: beyond it fewer haplotypes are held out (held-out x sites stays that of --fit-sites), 4 at the least" {
    n=$(bcftools view -H "$TOY/toy.vcf.gz" | wc -l)
    run vcf-fit "$TOY/toy.vcf.gz" -g "$TOY/groups.tsv" --fit-sites 20 -o small.json
    assert_success
    want=$(( (100 * 20 + n - 1) / n )); [ "$want" -ge 4 ] || want=4
    assert_output --partial "$n sites, more than --fit-sites 20: $want held-out haplotypes per group instead of 100"
    run jq -r '[.groups[].fit_haplotypes] | unique | .[]' small.json
    assert_output "$want"
    run vcf-fit "$TOY/toy.vcf.gz" -g "$TOY/groups.tsv" --fit-sites 1 -q -o one.json
    run jq -r '[.groups[].fit_haplotypes] | unique | .[]' one.json
    assert_output "4"
    # at or above the panel's sites, and with 0, nothing changes
    vcf-fit "$TOY/toy.vcf.gz" -g "$TOY/groups.tsv" --no-version -q -o default.json
    vcf-fit "$TOY/toy.vcf.gz" -g "$TOY/groups.tsv" --fit-sites "$n" --no-version -q -o at.json
    vcf-fit "$TOY/toy.vcf.gz" -g "$TOY/groups.tsv" --fit-sites 0 --no-version -q -o off.json
    cmp default.json at.json
    cmp default.json off.json
    run vcf-fit "$TOY/toy.vcf.gz" --fit-sites -3 -o x.json
    [ "$status" -eq 2 ]
}
