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

# The indented lines of a section (default: the worked pipeline), unindented: a bash script.
readme_commands() {
    awk -v h="## ${1:-A worked pipeline}" '$0 == h { on = 1; next } /^## / { on = 0 } on && /^    / { sub(/^    /, ""); print }' \
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

@test "README: the plastic cohorts section runs as written after the worked pipeline, and makes what it says" {
    readme_commands > pipeline.sh
    readme_commands "Plastic cohorts" > plastic.sh
    [ "$(grep -c '^vcf-' plastic.sh)" -ge 7 ]
    bash -e pipeline.sh > /dev/null 2>&1
    run bash -e plastic.sh
    echo "$output" | grep -E 'prs_auc|ASW|AFR$|EUR$' | head -8 >&3
    assert_success
    # the admixed samples' tracts, indexed: one row per admixed haplotype at any site
    n_asw=$(bcftools view -h asw.bcf | grep -c 'Group=ASWlike')
    [ "$n_asw" -eq 500 ]
    [ "$(tabix asw-tracts.tsv.gz 22:30000000-30000001 | wc -l)" -eq 1000 ]
    # utility rows per group and all
    [ "$(awk '$2 == "prs_auc"' utility.tsv | wc -l)" -eq 6 ]
    # every carrier heterozygous, every control without the allele, all of African ancestry
    [ "$(bcftools query -t 22:31864419 -i 'ALT="T"' -f '[%GT\n]' carriers.bcf | grep -cE '^(0\|1|1\|0)$')" -eq 1000 ]
    [ "$(bcftools query -t 22:31864419 -i 'ALT="T"' -f '[%GT\n]' controls.bcf | grep -c '^0|0$')" -eq 1000 ]
    [ "$(bcftools view -h controls.bcf | grep -c 'Group=AFR')" -eq 1000 ]
    # the case-control cohort: the carriers who are cases and as many unaffected controls; plink2 read it
    [ "$(bcftools query -l case-control.bcf | wc -l)" -eq "$(( 2 * $(wc -l < cases.txt) ))" ]
    [ -s case-control.trait.glm.logistic.hybrid ]
}

@test "README: the shareable model section runs as written after the worked pipeline, and makes what it says" {
    readme_commands > pipeline.sh
    readme_commands "A model that can leave the data owner" > markov.sh
    [ "$(grep -c '^vcf-' markov.sh)" -ge 5 ]
    bash -e pipeline.sh > /dev/null 2>&1
    run bash -e markov.sh
    echo "$output" | tail -3 >&3
    assert_success
    # the owners' merge, pruned by the hub, is the model fitted on all their samples
    assert_output --partial "pooled = fitted on all"
    # synthesised without a panel: 1000 samples, every training site, no source sample name
    [ "$(bcftools query -l markov1000.bcf | wc -l)" -eq 1000 ]
    [ "$(bcftools view -H markov1000.bcf | wc -l)" -eq "$(bcftools view -H train.bcf | wc -l)" ]
    run bash -c "bcftools view -h markov1000.bcf | grep -c -F -w -f train.txt"
    assert_output 0
    # judged like any release: every attack on every group and all; no copy, duplicate or first-degree
    # relative of a member or a non-member; no name
    [ "$(jq '.rows | length' markov-risk.json)" -eq 60 ]
    [ "$(jq -c '.exact_copies' markov-risk.json)" = '{"members":0,"nonmembers":0}' ]
    [ "$(jq '[.king_bands[] | select(.band == "duplicate" or .band == "first") | .member_pairs + .nonmember_pairs] | add' \
        markov-risk.json)" -eq 0 ]
    [ "$(jq -r '.rows[] | select(.attack == "names") | .auc' markov-risk.json | sort -u)" = 0.5 ]
    # allele frequencies as close to the training ones as the holdout's are (the ratio; a group of 80
    # synthetic samples alone has r near 0.99), not flagged
    run awk -F'\t' '$2 == "af_r" && ($5 < 0.98 || $8 != "ok")' markov-fidelity.tsv
    assert_output ""
    [ "$(awk -F'\t' '$2 == "af_r"' markov-fidelity.tsv | wc -l)" -ge 5 ]
}
