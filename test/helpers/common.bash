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
