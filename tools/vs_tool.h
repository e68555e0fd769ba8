/* vs_tool: what every program's main shares, and the only place that prints
 * an error and exits.  The library returns its errors as values (vs_err.h);
 * a tool reports one as bcftools would ("PROG: error: ...", a hint line,
 * "Try 'PROG --help'" for usage errors), removes the run's unfinished
 * outputs and exits with the error's status. */
#ifndef VS_TOOL_H
#define VS_TOOL_H

#include <stdio.h>
#include "vs_err.h"
#include "vs_out.h"

/* First in main: the program's name, the command line as typed (getopt
 * reorders argv), the exit status of a fatal error (1), GSL's handler (off:
 * the library checks GSL's return codes), and SOURCE_DATE_EPOCH checked
 * (not for -h/--help or --version). */
void vs_tool_init(const char *prog, int argc, char **argv);

void vs_exit_error(const vs_error_t *e) __attribute__((noreturn));
/* vs_exit_error unless ret is 0 (or more); the pointer form unless p is set. */
static inline int vs_ok(int ret, const vs_error_t *e)
{
    if (ret < 0) vs_exit_error(e);
    return ret;
}
static inline void *vs_ok_ptr(void *p, const vs_error_t *e)
{
    if (!p) vs_exit_error(e);
    return p;
}

/* The library's output steps, for a tool: an error exits. */
#define VS_TOOL_CHECK_PATHS(in, out) \
    do { vs_error_t pe_; vs_ok(VS_CHECK_PATHS(in, out, &pe_), &pe_); } while (0)
/* No two of the n inputs are one file or copies of one (vs_check_distinct_inputs). */
void vs_tool_check_distinct(const vs_path_t *in, int n);
FILE *vs_tool_text_open(const char *path, vs_outfile_t **of);
void vs_tool_text_close(FILE *fp, vs_outfile_t *of, const char *path);
void vs_tool_commit(void);

/* Errors the tool finds itself. */
void vs_die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void vs_die_at(const vs_loc_t *loc, const char *hint, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));
void vs_die_usage(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Numeric option values: a bad one exits as a usage error. */
long vs_parse_long(const char *opt, const char *s, long lo, long hi);
double vs_parse_double(const char *opt, const char *s, double lo, double hi);

#endif
