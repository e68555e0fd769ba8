/* vs_err: errors as values, and allocation that never returns NULL.  A
 * library function that can fail fills a vs_error_t and returns -1 or NULL;
 * the tools (tools/vs_tool.h) print it in the bcftools style and exit.  Data
 * errors name the file, contig, position and sample where they apply and
 * carry a hint.  Only what no input can cause (a bug) or what leaves nothing
 * to return to (out of memory) ends the process, through vs_fatal. */
#ifndef VS_ERR_H
#define VS_ERR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define VS_EXIT_DATA  1   /* error in the data or the run */
#define VS_EXIT_USAGE 2   /* error in the command line */
#define VS_EXIT_VERDICT 3 /* the run succeeded, and its verdict reached --fail-on */

/* Where in the input a data error was found; any field may be NULL / -1. */
typedef struct {
    const char *file;
    const char *contig;
    int64_t pos;          /* 1-based, -1 when not applicable */
    const char *sample;
} vs_loc_t;

void vs_set_prog(const char *name);
const char *vs_prog(void);
/* The command line as typed: call first in main, since getopt reorders argv. */
void vs_set_command(int argc, char **argv);
const char *vs_command(void);
void vs_set_quiet(int quiet);
int vs_quiet(void);

/* Clean-up run (in reverse order of registration) before the process ends
 * on an error: by vs_fatal, and by a tool's exit (vs_run_exit_hooks), so
 * that half-written outputs are removed. */
void vs_on_exit(void (*fn)(void *), void *arg);
void vs_on_exit_remove(void (*fn)(void *), void *arg);
void vs_run_exit_hooks(void);

/* Warnings, progress lines (not under vs_set_quiet) and the fatal message go
 * to one handler, installed by the program (tools/vs_tool.c prints them on
 * stderr in the bcftools style); without one the library says nothing. */
enum { VS_MSG_INFO, VS_MSG_WARNING, VS_MSG_FATAL, VS_MSG_PROGRESS, VS_MSG_PROGRESS_END };
typedef void (*vs_message_fn)(int kind, const char *msg);
void vs_set_message_handler(vs_message_fn fn);
void vs_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vs_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A progress line that the next one replaces; the last one (final) stays. */
void vs_progress(int final, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void *vs_malloc(size_t n);
void *vs_calloc(size_t n, size_t size);
void *vs_realloc(void *p, size_t n);
char *vs_strdup(const char *s);

/* An error as a value: a library function that can fail fills one and
 * returns -1 (freeing what it had allocated), and the tool reports it and
 * exits with its status (vs_exit_error), so that the library can be
 * embedded and its errors tested. */
typedef struct {
    int status;               /* VS_EXIT_USAGE or VS_EXIT_DATA */
    char msg[1024];           /* with the place it applies to: ", at FILE:CONTIG:POS sample S" */
    char hint[512];           /* what to do about it, or "" */
} vs_error_t;
/* Fills e (may be NULL) and returns -1. */
int vs_error(vs_error_t *e, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* *to = *from (to may be NULL); returns -1, as vs_error. */
int vs_error_copy(vs_error_t *to, const vs_error_t *from);
/* A data error (VS_EXIT_DATA); vs_fail_at adds the place and a hint (either may be NULL). */
int vs_fail(vs_error_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vs_fail_at(vs_error_t *e, const vs_loc_t *loc, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* An error that no input can cause (a bug) or that leaves nothing to return
 * to (out of memory): the message, the clean-up hooks, then the fatal
 * handler, abort() unless a tool installed its own. */
void vs_fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void vs_set_fatal_handler(void (*fn)(void));
/* The same with a va_list: the place and the hint may be NULL. */
int vs_verror(vs_error_t *e, int status, const vs_loc_t *loc, const char *hint, const char *fmt, va_list ap);

/* Numeric option values with range checks: 0, or -1 with a usage error in e. */
int vs_try_long(const char *opt, const char *s, long lo, long hi, long *v, vs_error_t *e);
int vs_try_double(const char *opt, const char *s, double lo, double hi, double *v, vs_error_t *e);

#endif
