# Shared set-up for the bats suites: the built programs on PATH, bats-assert,
# the toy cohort, and ../shared/data when it is there.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
export PATH="$ROOT/$BUILD/bin:$ROOT/$BUILD/test:$PATH"
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'
SHARED=$(cd "$ROOT/../shared/data" 2>/dev/null && pwd || true)

have_shared() { [ -n "$SHARED" ] && [ -f "$SHARED/1kg_chr1_11.7M.vcf.gz" ]; }

# In setup(): skips the test, with a message, when ../shared/data is absent.
# (bats 1.8 cannot skip from setup_file, which returns early instead.)
need_shared() { have_shared || skip "../shared/data is absent: real-data test skipped"; }

# The toy cohort, made once per suite file.
toy_dir() {
    local d="$BATS_FILE_TMPDIR/toy"
    [ -f "$d/toy.vcf.gz" ] || bash "$ROOT/test/helpers/make-toy.sh" "$d" >/dev/null
    echo "$d"
}

# First data line of a VCF/BCF without its header.
first_record() { bcftools view -H "$1" | head -1; }

# For the suites that judge every tool on the toy cohort: in setup_file, a
# model, 40 synthetic samples and a 20/20 train/holdout split, made once;
# in setup, their copies in the current directory (model.json, syn.bcf,
# train.bcf, hold.bcf) beside the toy's panel, groups table and map.
toy_judged_make() {
    local d; d=$(toy_dir)
    ( cd "$d"
      vcf-fit toy.vcf.gz -g groups.tsv -q -o jmodel.json
      vcf-synth -m jmodel.json toy.vcf.gz -n 40 -q -Ob -o jsyn.bcf
      bcftools query -l toy.vcf.gz | head -20 > jtrain.txt
      bcftools query -l toy.vcf.gz | tail -20 > jhold.txt
      bcftools view --no-version -S jtrain.txt toy.vcf.gz -Ob -o jtrain.bcf
      bcftools view --no-version -S jhold.txt toy.vcf.gz -Ob -o jhold.bcf )
}

toy_judged_copy() {
    local d; d=$(toy_dir)
    cp "$d"/toy.vcf.gz "$d"/toy.vcf.gz.csi "$d"/groups.tsv "$d"/chr4.gmap.gz .
    cp "$d"/jmodel.json model.json
    cp "$d"/jsyn.bcf syn.bcf
    cp "$d"/jtrain.bcf train.bcf
    cp "$d"/jhold.bcf hold.bcf
}

# vcf-synth with the given arguments (after two regions): --threads 1 and 2
# write the same file, and runs over the two regions, concatenated, give the
# records of one whole run (DESIGN.md 5.4).  Leaves one.vcf in the directory.
synth_split_equal() {
    local r1=$1 r2=$2
    shift 2
    vcf-synth "$@" --threads 1 -Ov -o one.vcf
    vcf-synth "$@" --threads 2 -Ov -o two.vcf
    cmp one.vcf two.vcf
    vcf-synth "$@" -r "$r1" -Ov -o h1.vcf
    vcf-synth "$@" -r "$r2" -Ov -o h2.vcf
    cmp <(bcftools view -H one.vcf) <(cat <(bcftools view -H h1.vcf) <(bcftools view -H h2.vcf))
}

# In setup(): skips a test that a sanitizer build would only repeat slowly
# (make SANITIZE=1 check runs with BUILD=build-sanitize), with the reason.
skip_under_sanitizer() { [ "$BUILD" != build-sanitize ] || skip "under SANITIZE=1: $1"; }
