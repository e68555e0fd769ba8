#!/usr/bin/env bats
# Nothing the user had is lost: every tool refuses an output that is one of
# its inputs (or another output), a failed run leaves none of its outputs, and
# a signal mid-run removes the temporary files and scratch directories and
# stops a generator command.  Self-contained (the toy cohort).

setup_file() {
    load 'helpers/common'
    toy_judged_make
}

setup() {
    load 'helpers/common'
    cd "$BATS_TEST_TMPDIR"
    toy_judged_copy
    echo "chr4	10000	20000" > r.bed
    md5sum * > ../inputs.md5
    ls -A > ../before.txt
}

# The inputs are byte for byte what they were, and no file came or went.
inputs_untouched() {
    md5sum --quiet -c ../inputs.md5
    ls -A | diff ../before.txt -
}

refused() {
    run "$@"
    echo "$output"
    assert_failure 1
    assert_output --partial "nothing was written"
    inputs_untouched
}

@test "safety: an output that is one of the tool's inputs is refused, in every tool and spelling; inputs untouched" {
    ln -s toy.vcf.gz link.vcf.gz
    ls -A > ../before.txt
    refused vcf-fit toy.vcf.gz -g groups.tsv -q -o toy.vcf.gz
    assert_output --partial "the output -o toy.vcf.gz is the same file as the input panel toy.vcf.gz"
    assert_output --partial "hint: give the output a new name"
    refused vcf-fit toy.vcf.gz -g groups.tsv -q -o m.json --report groups.tsv
    refused vcf-fit toy.vcf.gz -g groups.tsv --map chr4.gmap.gz -q -o ./chr4.gmap.gz
    refused vcf-synth -m model.json toy.vcf.gz -n 5 -q -o toy.vcf.gz
    refused vcf-synth -m model.json toy.vcf.gz -n 5 -q -o "$PWD/../$(basename "$PWD")/toy.vcf.gz"
    refused vcf-synth -m model.json toy.vcf.gz -n 5 -q -o link.vcf.gz
    refused vcf-synth -m model.json toy.vcf.gz -n 5 -q -o s.vcf --provenance model.json
    refused vcf-synth -m model.json toy.vcf.gz -n 5 -q -o toy.vcf.gz.csi
    assert_output --partial "is the index of the input panel toy.vcf.gz"
    refused vcf-synth -m model.json toy.vcf.gz -n 5 -q -R r.bed -o r.bed
    refused vcf-hybrid mix toy.vcf.gz syn.bcf --fraction 0.5 -o syn.bcf
    refused vcf-hybrid mix toy.vcf.gz syn.bcf --fraction 0.5 -o h.bcf --key toy.vcf.gz
    refused vcf-hybrid augment toy.vcf.gz syn.bcf --target equal -g groups.tsv -o groups.tsv
    refused vcf-linkage-attack syn.bcf --train train.bcf --holdout hold.bcf -q -o train.bcf
    refused vcf-linkage-attack syn.bcf --train train.bcf --holdout hold.bcf -q -o a.tsv --json hold.bcf
    refused vcf-fidelity syn.bcf --train train.bcf --holdout hold.bcf -q --html syn.bcf
    refused vcf-fidelity syn.bcf --train train.bcf --holdout hold.bcf -q -o f.tsv --ld-table train.bcf
}

@test "safety: two outputs on one file are refused before anything is written" {
    refused vcf-fit toy.vcf.gz -g groups.tsv -q -o x --report x
    assert_output --partial "the outputs -o x and --report x are the same file"
    refused vcf-synth -m model.json toy.vcf.gz -n 5 -q -o x --provenance ./x
    refused vcf-hybrid mix toy.vcf.gz syn.bcf --fraction 0.5 -o x --key x
    refused vcf-linkage-attack syn.bcf --train train.bcf --holdout hold.bcf -q -o x --json x
    refused vcf-fidelity syn.bcf --train train.bcf --holdout hold.bcf -q --json x --af-table "$PWD/x"
    # devices are not files: two reports to /dev/null are fine
    run vcf-linkage-attack syn.bcf --train train.bcf --holdout hold.bcf -q -o /dev/null --json /dev/null
    assert_success
    inputs_untouched
}

@test "safety: a run that fails leaves none of its outputs, and the files it would have replaced stay" {
    for f in out.tsv out.json model.out key.tsv h.bcf s.bcf; do echo old > $f; done
    md5sum * > ../inputs.md5
    ls -A > ../before.txt
    run vcf-fidelity syn.bcf --train train.bcf --holdout hold.bcf -q -o out.tsv --json out.json --html /nonexistent/r.html
    assert_failure 1
    assert_output --partial "/nonexistent/r.html"
    inputs_untouched
    run vcf-fit toy.vcf.gz -g groups.tsv -q -o model.out --report /nonexistent/r.tsv
    assert_failure 1
    inputs_untouched
    run vcf-hybrid mix toy.vcf.gz syn.bcf --fraction 0.5 -o /nonexistent/h.bcf --key key.tsv
    assert_failure 1
    inputs_untouched
    run vcf-synth -m model.json toy.vcf.gz -n 5 -q -o s.bcf --provenance /nonexistent/p.tsv
    assert_failure 1
    inputs_untouched
    # a data error found late (after the VCF has been written) leaves no half-made pair either
    run vcf-linkage-attack syn.bcf --train train.bcf --holdout hold.bcf -q -o out.tsv --json /nonexistent/a.json
    assert_failure 1
    inputs_untouched
    run vcf-fit toy.vcf.gz -g groups.tsv -q -o dir-out/ 
    assert_failure 1
    inputs_untouched
}

# Starts a long vcf-synth run writing big.bcf and provenance p.tsv, waits until
# its temporary files exist, and sends it signal $1; leaves the status in $rc.
interrupt_synth() {
    echo old > big.bcf
    set -m                    # job control: a background job keeps SIGINT
    # and every signal at its default even when this suite runs in the background or under nohup
    # (which ignore SIGINT and SIGHUP)
    env --default-signal vcf-synth -m model.json toy.vcf.gz -n 60000 -q -Ob -o big.bcf --provenance p.tsv &
    local pid=$! i
    set +m
    # up to a minute: a sanitizer build starts slowly
    for i in $(seq 600); do compgen -G '.big.bcf.*' > /dev/null && compgen -G '.p.tsv.*' > /dev/null && break; sleep 0.1; done
    compgen -G '.p.tsv.*' > /dev/null || { kill -9 $pid; echo "vcf-synth did not start writing"; return 1; }
    sleep 0.3
    kill -s "$1" $pid
    rc=0
    wait $pid || rc=$?
}

@test "safety: SIGTERM, SIGINT, SIGHUP, SIGQUIT and SIGUSR1 mid-run: temporary files removed, the old output kept, exit 128 + signal" {
    for sig in TERM INT HUP QUIT USR1; do
        interrupt_synth $sig
        echo "SIG$sig: exit $rc"
        [ "$rc" -eq $((128 + $(kill -l $sig))) ]
        [ "$(cat big.bcf)" = old ]
        [ ! -e p.tsv ]
        [ -z "$(compgen -G '.big.bcf.*')" ] && [ -z "$(compgen -G '.p.tsv.*')" ]
    done
}

@test "safety: a signal during the shadow attack stops the generator and removes the scratch directory" {
    mkdir scratch
    TMPDIR=$PWD/scratch vcf-linkage-attack syn.bcf --train train.bcf --holdout hold.bcf --attacks shadow -q -o a.tsv \
        --shadow-cmd "touch $PWD/started; sleep 37.25; cp {train} {out}" &
    local pid=$! i
    for i in $(seq 100); do [ -e started ] && break; sleep 0.1; done
    [ -e started ]
    [ -n "$(ls scratch)" ]
    pgrep -f 'sleep 37.25'
    kill -TERM $pid
    rc=0
    wait $pid || rc=$?
    [ "$rc" -eq 143 ]
    [ -z "$(ls -A scratch)" ]
    ! pgrep -f 'sleep 37.25'
    [ ! -e a.tsv ] && [ -z "$(compgen -G '.a.tsv.*')" ]
}

@test "safety: the generator's standard output does not reach the attack's report on standard output" {
    run bash -c "vcf-linkage-attack syn.bcf --train train.bcf --holdout hold.bcf --attacks shadow --shadow-runs 1 -q \
        --shadow-cmd 'echo NOISE; cp {train} {out}' 2>/dev/null"
    assert_success
    refute_output --partial NOISE
    assert_line --partial "shadow"
}

@test "safety: xz, bzip2 and zstd inputs are named with a bgzip hint in every tool, not an htslib abort" {
    bcftools view toy.vcf.gz | xz > toy.vcf.xz
    bcftools view toy.vcf.gz | bzip2 > toy.vcf.bz2
    bcftools view toy.vcf.gz | zstd -q > toy.vcf.zst
    for f in toy.vcf.xz toy.vcf.bz2 toy.vcf.zst; do
        kind=$(case $f in *xz) echo xz ;; *bz2) echo bzip2 ;; *) echo zstd ;; esac)
        for cmd in "vcf-fit $f -o m.json" "vcf-synth -m model.json $f -n 5 -o s.vcf" \
                   "vcf-hybrid mix $f syn.bcf --fraction 0.5 -o h.vcf" \
                   "vcf-linkage-attack $f --train train.bcf --holdout hold.bcf -o a.tsv" \
                   "vcf-fidelity syn.bcf --train $f --holdout hold.bcf -o f.tsv"; do
            run $cmd
            echo "$cmd: $status $output"
            assert_failure 1
            assert_output --partial "the input is $kind-compressed, which htslib cannot read, at $f"
            assert_output --partial "$kind -dc FILE | bgzip"
        done
    done
    [ -z "$(ls m.json s.vcf h.vcf a.tsv f.tsv 2>/dev/null)" ]
}

@test "safety: a hand-edited model out of vcf-fit's ranges is refused, not a hang or a crash" {
    edit() { sed "0,/\"$1\":\t[^,]*/s//\"$1\":\t$2/" model.json > bad.json; grep -q "\"$1\":	$2" bad.json; }
    for change in "Ne 1e20" "Ne 1e308" "Ne 0" "eps 0.7" "eps -1" "K 3" "n_samples 1e9" "seed -4" "cM_per_Mb 1e9"; do
        set -- $change
        edit $1 $2 || { [ $1 = cM_per_Mb ] && continue; false; }
        run timeout 20 vcf-synth -m bad.json toy.vcf.gz -n 5 -o s.vcf
        echo "$change: $status $output"
        assert_failure 1
        assert_output --partial "model bad.json is not a valid vcfsynth model"
    done
    edit Ne 1e20
    run timeout 20 vcf-synth -m bad.json toy.vcf.gz -n 5 -o s.vcf
    assert_output --partial '"Ne" is 1e+20, outside [1, 1e+09]'
    [ ! -e s.vcf ]
}

@test "safety: SOURCE_DATE_EPOCH is whole seconds or an error; a good one dates the run" {
    for e in 99999999999999999 abc -5 12x; do
        SOURCE_DATE_EPOCH=$e run vcf-synth -m model.json toy.vcf.gz -n 2 -o s.vcf
        assert_failure 1
        assert_output --partial "SOURCE_DATE_EPOCH='$e' is not a date"
        [ ! -e s.vcf ]
    done
    SOURCE_DATE_EPOCH=1700000000 vcf-synth -m model.json toy.vcf.gz -n 2 -q -o s.vcf
    grep -q '^##vcf-synthCommand=.*; Date=Tue Nov 14 22:13:20 2023$' s.vcf
    # the usage text needs no date
    SOURCE_DATE_EPOCH=abc run vcf-synth --help
    assert_success
    assert_output --partial "Usage:"
}

@test "safety: a VCF without ##contig lines and with two contigs is read in full" {
    (bcftools view -h toy.vcf.gz | grep -v '^##contig'
     bcftools view -H toy.vcf.gz | head -150
     bcftools view -H toy.vcf.gz | tail -150 | sed 's/^chr4/chr5/') > nocontig.vcf
    vcf-fit nocontig.vcf -q -o nc.json
    vcf-synth -m nc.json nocontig.vcf -n 5 -q -o nc.vcf
    run bash -c "bcftools view -H nc.vcf | cut -f1 | uniq -c | awk '{ print \$2, \$1 }'"
    assert_output "chr4 150
chr5 150"
}

@test "safety: a run that fails after its output was opened (--min-carriers too high) leaves no output, index or temporary file" {
    run vcf-synth -m model.json toy.vcf.gz -n 5 --min-carriers 1000 --write-index -Ob -o late.bcf
    assert_failure 1
    assert_output --partial "needs at least 1999"
    [ ! -e late.bcf ] && [ ! -e late.bcf.csi ]
    [ -z "$(ls -a | grep '^\.late\.bcf')" ]
}
