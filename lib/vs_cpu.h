/* vs_cpu: hot kernels compiled twice, the loader picking the variant the CPU
 * supports (GCC function multi-versioning), so one Debian binary uses the
 * popcnt instruction and AVX2 where they exist and still runs everywhere. */
#ifndef VS_CPU_H
#define VS_CPU_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VS_CLONES_POPCNT __attribute__((target_clones("popcnt", "default")))
#define VS_CLONES_AVX2 __attribute__((target_clones("avx2", "default")))
#else
#define VS_CLONES_POPCNT
#define VS_CLONES_AVX2
#endif

#endif
