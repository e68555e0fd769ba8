#!/usr/bin/env bash
# Runs the C unit tests (TAP) and writes their totals to $UNIT_TOTALS.
pass=0 fail=0
for t in "$@"; do
    echo "# $(basename "$t")"
    out=$("$t" 2>&1); rc=$?
    echo "$out"
    p=$(grep -c '^ok ' <<<"$out"); f=$(grep -c '^not ok ' <<<"$out")
    [ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1 && echo "not ok - $(basename "$t") exited with $rc"
    pass=$((pass + p)); fail=$((fail + f))
done
echo "unit: $pass passed, $fail failed"
[ -n "$UNIT_TOTALS" ] && echo "$pass $fail" > "$UNIT_TOTALS"
[ $fail -eq 0 ]
