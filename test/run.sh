#!/usr/bin/env bash
# Runs every test: the C unit tests, then the bats suites, and ends with one
# line "check: N passed, N failed, N skipped".
# Usage: test/run.sh CHECK...   (TAP programs: test/boundaries.sh and the unit
# binaries; BUILD names the build directory)
set -u
cd "$(dirname "$0")/.."
export BUILD=${BUILD:-build}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$@"; do
    echo "# unit: $(basename "$t")"
    "$t" 2>&1 | tee -a "$log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || { grep -q '^not ok' "$log" || echo "not ok - $(basename "$t") crashed" | tee -a "$log"; }
done

[ -d ../shared/data ] || echo "# ../shared/data is absent: the real-data tests will be skipped"
bats --tap test/*.bats 2>&1 | tee -a "$log"

skipped=$(grep -c -E '^ok .*# (skip|SKIP)' "$log")
passed=$(( $(grep -c '^ok ' "$log") - skipped ))
failed=$(grep -c '^not ok' "$log")
echo "check: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
