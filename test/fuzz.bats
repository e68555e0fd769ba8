#!/usr/bin/env bats
# The fuzz smoke: every libFuzzer target (test/fuzz/fuzz_*.c, one per parser
# the project wrote) runs its seed corpus and a few seconds of mutations under
# ASan and UBSan without a crash or a leak (the parsers return errors as
# values, so leak detection is on).  `make fuzz` runs them longer.

setup() {
    load 'helpers/common'
    skip_under_sanitizer "the fuzz targets are ASan/UBSan builds already, run by make check"
    command -v clang > /dev/null || skip "clang is absent: the fuzz smoke is skipped (make deps installs clang and libomp-dev)"
    [ -f /usr/lib/llvm-14/lib/libomp.so ] || [ -n "$(ls /usr/lib/llvm-*/lib/libomp.so 2>/dev/null)" ] ||
        skip "libomp-dev is absent: the fuzz smoke is skipped (make deps installs it)"
}

@test "fuzz smoke: groups table, genetic maps, model loader, BED reader, option strings and effects files survive 3 s each" {
    run make -C "$ROOT" -s fuzz FUZZ_TIME=3
    echo "$output" >&3
    assert_success
    # each of the six targets ran and reported its executions
    [ "$(grep -c "^fuzz: [a-z]*: [1-9][0-9]* executions in 3 s, exit 0" <<< "$output")" -eq 6 ]
}
