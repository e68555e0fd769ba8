#!/usr/bin/env bash
# The library's two boundaries, checked on the source (TAP, run by make check):
#  1. only the VCF/BCF module (lib/vs_vcf.c) includes htslib's VCF headers or
#     calls htslib's record functions; everything else holds opaque
#     vs_hdr_t / vs_rec_t handles;
#  2. no lib/ file ends the process with exit(): errors are returned as values
#     and only tools/ exit.  The one _exit() allowed is that of a forked child
#     whose exec failed (lib/vs_out.c), which ends the child, not the run;
#  3. no lib/ file writes to stderr: warnings, progress and the fatal message
#     go to the message handler a program installs (tools/vs_tool.c prints).
set -u
cd "$(dirname "$0")/.."
n=0 failed=0

check() {      # check DESCRIPTION OFFENDING-LINES
    n=$((n + 1))
    if [ -z "$2" ]; then
        echo "ok $n - $1"
    else
        echo "not ok $n - $1"
        sed 's/^/#   /' <<< "$2"
        failed=$((failed + 1))
    fi
}

vcf_headers='#include[[:space:]]*[<"]htslib/(vcf|synced_bcf_reader|vcfutils)\.h'
check "only lib/vs_vcf.c includes htslib's VCF headers" \
    "$(grep -nE "$vcf_headers" lib/*.c lib/*.h | grep -v '^lib/vs_vcf\.c:')"
check "only lib/vs_vcf.c calls htslib's VCF/BCF functions or names their types" \
    "$(grep -nE '\b(bcf_[a-z0-9_]+|vcf_[a-z0-9_]+)[[:space:]]*\(|\b(bcf1_t|bcf_hdr_t|bcf_srs_t)\b' lib/*.c lib/*.h |
        grep -v '^lib/vs_vcf\.c:' | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*)')"
check "no lib/ file calls exit(), quick_exit() or _Exit()" \
    "$(grep -nE '\b(exit|quick_exit|_Exit)[[:space:]]*\(' lib/*.c lib/*.h | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*)')"
check "_exit() only in the forked children of lib/vs_out.c" \
    "$(grep -nE '\b_exit[[:space:]]*\(' lib/*.c | grep -v '^lib/vs_out\.c:')"
check "no lib/ file reports an error by exiting (vs_die* lives in tools/vs_tool.c)" \
    "$(grep -nE '\bvs_(die|die_at|die_usage|exit_error|parse_long|parse_double)[[:space:]]*\(' lib/*.c lib/*.h)"
check "no lib/ file writes to stderr (messages go through vs_set_message_handler)" \
    "$(grep -nE '\bstderr\b|\bperror[[:space:]]*\(' lib/*.c lib/*.h | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*)')"

echo "1..$n"
[ "$failed" -eq 0 ]
