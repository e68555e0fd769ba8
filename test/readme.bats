#!/usr/bin/env bats
# The README runs as written: the commands of its "A worked pipeline" section,
# taken from README.md itself, run in order in an empty directory beside a
# link to ../shared (as the README says), and leave the files they promise.

setup() {
    load 'helpers/common'
    need_shared
    skip_under_sanitizer "the README's commands run in make check; the same code is under ASan in the other suites"
    [ -f /usr/share/doc/shapeit4/examples/maps/genetic_maps.b37.tar.gz ] ||
        skip "shapeit4-example is absent: its maps are needed (make deps installs it)"
    ln -s "$(dirname "$SHARED")" "$BATS_TEST_TMPDIR/shared"
    mkdir "$BATS_TEST_TMPDIR/work"
    cd "$BATS_TEST_TMPDIR/work"
}

# The indented lines of the section, unindented: a bash script.
readme_commands() {
    awk '/^## A worked pipeline/ { on = 1; next } /^## / { on = 0 } on && /^    / { sub(/^    /, ""); print }' \
        "$ROOT/README.md"
}

@test "README: the worked pipeline runs as written on ../shared/data, and makes what it says" {
    readme_commands > pipeline.sh
    [ "$(grep -c '^vcf-' pipeline.sh)" -ge 9 ]      # the section was found, with every tool in it
    run bash -e pipeline.sh
    echo "$output" | tail -5 >&3
    assert_success
    for f in panel.bcf train.bcf holdout.bcf model.json source-report.tsv syn.bcf syn2000.bcf risk.json risk.tsv \
             fidelity.json fidelity.html fidelity.tsv augmented.bcf; do
        [ -s "$f" ] || { echo "missing $f"; false; }
    done
    # the scatter-gather promise: two region runs concatenated equal one whole run
    vcf-synth -m model.json train.bcf -n 2000 --seed 7 -Ob -o whole.bcf
    [ "$(bcftools view -H syn2000.bcf | md5sum)" = "$(bcftools view -H whole.bcf | md5sum)" ]
    # the split: 80/20 within every super-population, disjoint
    [ "$(sort train.txt holdout.txt | uniq -d | wc -l)" -eq 0 ]
    expected=$(awk 'NR == FNR { g[$1] = $3; next } { n[g[$1]]++ } END { for (k in n) t += int(n[k] / 5); print t }' \
        "$SHARED/1kg_panel.tsv" samples.txt)
    [ "$(wc -l < holdout.txt)" -eq "$expected" ]
    # augment --target equal: every group as large as the largest
    run bash -c "bcftools query -l augmented.bcf | wc -l"
    assert_output 1460
}
