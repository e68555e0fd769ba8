/* Shared by the libFuzzer targets: the input as a file (the parsers read
 * files).  The parsers return their errors as values, so a target calls
 * them directly: a bad input must give an error value, never a crash, a
 * hang, a leak or a sanitizer report. */
#ifndef VS_FUZZ_H
#define VS_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "vs_err.h"

/* The input written to a file named like NAME (per process, reused). */
static inline const char *fuzz_file(const uint8_t *data, size_t size, const char *name)
{
    static char path[256];
    snprintf(path, sizeof path, "/tmp/vs-fuzz-%d-%s", (int)getpid(), name);
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(data, 1, size, fp) != size || fclose(fp) != 0) abort();
    vs_set_quiet(1);
    return path;
}

#endif
