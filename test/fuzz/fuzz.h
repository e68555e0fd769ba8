/* Shared by the libFuzzer targets: the input as a file (the parsers read
 * files), and a way back from vs_die, whose exit would end the fuzzer: a
 * die hook (run before the exit) jumps back to the target.  A bad input must
 * give an error, never a crash, a hang or a sanitizer report. */
#ifndef VS_FUZZ_H
#define VS_FUZZ_H

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "vs_err.h"

static jmp_buf fuzz_back;

static inline void fuzz_jump(void *arg)
{
    (void)arg;
    longjmp(fuzz_back, 1);
}

/* The input written to a file named like NAME (per process, reused). */
static inline const char *fuzz_file(const uint8_t *data, size_t size, const char *name)
{
    static char path[256];
    snprintf(path, sizeof path, "/tmp/vs-fuzz-%d-%s", (int)getpid(), name);
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(data, 1, size, fp) != size || fclose(fp) != 0) abort();
    return path;
}

/* Files a parser left open when vs_die jumped out of it (the program would
 * have exited): the targets are linked with --wrap=fopen,fclose,gzopen,gzclose
 * so that they can be closed, else every bad input would leak a descriptor. */
#define FUZZ_MAX_OPEN 16
static void *fuzz_open[FUZZ_MAX_OPEN];
static int fuzz_open_gz[FUZZ_MAX_OPEN];

FILE *__real_fopen(const char *path, const char *mode);
int __real_fclose(FILE *fp);
gzFile __real_gzopen(const char *path, const char *mode);
int __real_gzclose(gzFile fp);

static inline void fuzz_track(void *fp, int gz)
{
    for (int i = 0; fp && i < FUZZ_MAX_OPEN; i++)
        if (!fuzz_open[i]) {
            fuzz_open[i] = fp;
            fuzz_open_gz[i] = gz;
            return;
        }
}

static inline void fuzz_untrack(void *fp)
{
    for (int i = 0; i < FUZZ_MAX_OPEN; i++)
        if (fuzz_open[i] == fp) fuzz_open[i] = NULL;
}

FILE *__wrap_fopen(const char *path, const char *mode)
{
    FILE *fp = __real_fopen(path, mode);
    fuzz_track(fp, 0);
    return fp;
}

int __wrap_fclose(FILE *fp)
{
    fuzz_untrack(fp);
    return __real_fclose(fp);
}

gzFile __wrap_gzopen(const char *path, const char *mode)
{
    gzFile fp = __real_gzopen(path, mode);
    fuzz_track(fp, 1);
    return fp;
}

int __wrap_gzclose(gzFile fp)
{
    fuzz_untrack(fp);
    return __real_gzclose(fp);
}

static inline void fuzz_close_leftovers(void)
{
    for (int i = 0; i < FUZZ_MAX_OPEN; i++)
        if (fuzz_open[i]) {
            if (fuzz_open_gz[i]) __real_gzclose(fuzz_open[i]);
            else __real_fclose(fuzz_open[i]);
            fuzz_open[i] = NULL;
        }
}

/* Runs BODY; a vs_die inside it comes back here.  Allocations made before the
 * die are lost: run with -detect_leaks=0. */
#define FUZZ_GUARDED(body)                      \
    do {                                        \
        vs_set_quiet(1);                        \
        vs_on_die(fuzz_jump, NULL);             \
        if (setjmp(fuzz_back) == 0) { body; }   \
        vs_on_die_remove(fuzz_jump, NULL);      \
        fuzz_close_leftovers();                 \
    } while (0)

#endif
