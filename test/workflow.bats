#!/usr/bin/env bats
# The workflows of share/: the Snakemake workflow runs (snakemake -j2) on
# chromosomes 20-22 of the 1000 Genomes set and its gathered cohort has the
# records of one whole vcf-synth run; the Nextflow modules pass a static
# check (Nextflow is not packaged for Debian, so they are not executed here).

setup() {
    load 'helpers/common'
}

# The README's panel, split and maps, made once for the suite's tests.
workflow_inputs() {
    local d="$BATS_FILE_TMPDIR/inputs"
    [ -f "$d/train.bcf.csi" ] && { echo "$d"; return; }
    mkdir -p "$d/maps"
    ( cd "$d"
      bcftools concat "$SHARED"/1kg-uwgac/chr2{0,1,2}.vcf.gz -Ou | bcftools norm -m- -Ob -o panel.bcf 2>/dev/null
      tar -xzf /usr/share/doc/shapeit4/examples/maps/genetic_maps.b37.tar.gz -C maps chr20.b37.gmap.gz \
          chr21.b37.gmap.gz chr22.b37.gmap.gz
      bcftools query -l panel.bcf | awk 'NR % 5 { print > "train.txt"; next } { print > "holdout.txt" }'
      bcftools view -S train.txt panel.bcf -Ob -o train.bcf && bcftools index train.bcf
      bcftools view -S holdout.txt panel.bcf -Ob -o holdout.bcf ) >&2
    echo "$d"
}

# In a test: skips without ../shared, snakemake or the maps; else the inputs
# linked into the test's directory, which becomes the current one.
snakemake_setup() {
    need_shared
    skip_under_sanitizer "the workflow runs the programs make check has already tested under ASan"
    command -v snakemake >/dev/null || skip "snakemake is absent (make deps installs it)"
    [ -f /usr/share/doc/shapeit4/examples/maps/genetic_maps.b37.tar.gz ] || skip "shapeit4-example is absent"
    local in; in=$(workflow_inputs)
    cd "$BATS_TEST_TMPDIR"
    ln -s "$in/train.bcf" "$in/train.bcf.csi" "$in/holdout.bcf" "$in/maps" .
}

@test "snakemake: fit once, synthesise 1000-site chunks with -j2, gather: the records of one whole run; attack and fidelity reports" {
    snakemake_setup
    cat > config.yaml <<CFG
train: train.bcf
holdout: holdout.bcf
groups: $SHARED/1kg_panel.tsv
group_column: super_pop
map: maps
n: 300
seed: 11
mix: source
chunk_sites: 1000
chunk_cM: 0
threads: 1
outdir: results
bin: $ROOT/$BUILD/bin
fit_args: "--fit-haplotypes 20"
synth_args: ""
attack_args: "--attacks dcr,king,af --bootstrap 20"
fidelity_args: "--bootstrap 20 --ld-pairs 200"
CFG
    run snakemake --quiet -s "$ROOT/share/snakemake/Snakefile" --configfile config.yaml -j2
    echo "$output" | tail -20
    assert_success
    # more than one chunk per contig was made, and the chunks cover the three contigs
    [ "$(wc -l < results/chunks.tsv)" -ge 4 ]
    [ "$(cut -f2 results/chunks.tsv | cut -d: -f1 | sort -u | tr '\n' ' ')" = "20 21 22 " ]
    [ -f results/synthetic.bcf.csi ]
    vcf-synth -m results/model.json train.bcf -n 300 --seed 11 -q -Ob -o whole.bcf
    [ "$(bcftools view -H results/synthetic.bcf | wc -l)" -eq "$(bcftools view -H train.bcf | wc -l)" ]
    [ "$(bcftools view -H results/synthetic.bcf | md5sum)" = "$(bcftools view -H whole.bcf | md5sum)" ]
    # the reports hold a row per group for every attack asked for, and the fidelity metrics
    [ "$(awk -F'\t' 'NR > 1 && $1 == "dcr"' results/risk.tsv | wc -l)" -ge 5 ]
    grep -q '^EUR' results/fidelity.tsv
    [ -s results/fidelity.html ]
}

@test "snakemake: chunks of 20 cM along the model's map also gather into the whole run" {
    snakemake_setup
    sed -e 's/^chunk_sites: .*/chunk_sites: 0/' -e 's/^chunk_cM: .*/chunk_cM: 20/' -e 's/^n: .*/n: 100/' \
        -e "s|^groups: .*|groups: $SHARED/1kg_panel.tsv|" -e "s|^bin: .*|bin: $ROOT/$BUILD/bin|" \
        -e 's/^fit_args: .*/fit_args: "--fit-haplotypes 10"/' "$ROOT/share/snakemake/config.yaml" > config.yaml
    run snakemake --quiet -s "$ROOT/share/snakemake/Snakefile" --configfile config.yaml -j2 results/synthetic.bcf.csi
    echo "$output" | tail -20
    assert_success
    # chr20 is about 108 cM, chr21 62, chr22 74 on these maps: at least 11 chunks of 20 cM
    [ "$(wc -l < results/chunks.tsv)" -ge 11 ]
    vcf-synth -m results/model.json train.bcf -n 100 --seed 7 -q -Ob -o whole.bcf
    [ "$(bcftools view -H results/synthetic.bcf | md5sum)" = "$(bcftools view -H whole.bcf | md5sum)" ]
}

@test "nextflow (a static check, not an execution): brackets balance, every module has meta.yml and emits versions" {
    command -v python3 >/dev/null && python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml is absent (make deps installs it)"
    cd "$BATS_TEST_TMPDIR"
    run python3 "$ROOT/test/helpers/nextflow-static-check.py" "$ROOT/share/nextflow"
    assert_success
    assert_output --partial "6 .nf files, 5 modules checked"
    # the check is not blind: each kind of damage is reported
    cp -r "$ROOT/share/nextflow" nf
    sed -i '$d' nf/modules/local/vcfsynth/fit/main.nf      # the process's closing brace
    rm nf/modules/local/vcfsynth/synth/meta.yml
    sed -i '/emit: versions/d' nf/modules/local/vcfsynth/attack/main.nf
    sed -i 's|/fidelity/main|/fidelty/main|' nf/main.nf
    run python3 "$ROOT/test/helpers/nextflow-static-check.py" nf
    assert_failure
    assert_output --partial "fit/main.nf: line"
    assert_output --partial "synth: needs main.nf and meta.yml"
    assert_output --partial "attack/main.nf: emits no versions"
    assert_output --partial "includes ./modules/local/vcfsynth/fidelty/main, which does not exist"
}
