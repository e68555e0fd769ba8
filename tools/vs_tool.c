#include "vs_tool.h"
#include "vs_out.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>

/* vs_fatal has reported and cleaned up.  _exit, not exit: out of memory
 * may strike a thread of a parallel region (the markov fit's chains, whose
 * size no one knows beforehand), and exit's handlers must not run while the
 * other threads still do. */
static void exit_fatal(void) { _exit(VS_EXIT_DATA); }

/* The library's messages, one write per line: "prog: text", "prog: warning:
 * text", "prog: error: text". */
static void print_message(int kind, const char *msg)
{
    static const char *const prefix[] = {
        [VS_MSG_INFO] = "", [VS_MSG_WARNING] = "warning: ", [VS_MSG_FATAL] = "error: ",
    };
    if (kind == VS_MSG_PROGRESS || kind == VS_MSG_PROGRESS_END)   /* a line the next one overwrites */
        fprintf(stderr, "\r%s: %s   %s", vs_prog(), msg, kind == VS_MSG_PROGRESS_END ? "\n" : "");
    else
        fprintf(stderr, "%s: %s%s\n", vs_prog(), prefix[kind], msg);
}

void vs_tool_init(const char *prog, int argc, char **argv)
{
    vs_set_prog(prog);
    vs_set_command(argc, argv);
    vs_set_message_handler(print_message);
    vs_set_fatal_handler(exit_fatal);
    gsl_set_error_handler_off();
    for (int i = 1; i < argc; i++)      /* the usage text and the version are always there to read */
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help") || !strcmp(argv[i], "--version")) return;
    time_t t;
    vs_error_t e;
    vs_ok(vs_run_time(&t, &e), &e);
}

void vs_exit_error(const vs_error_t *e)
{
    fprintf(stderr, "%s: error: %s\n", vs_prog(), e->msg);
    if (e->hint[0]) fprintf(stderr, "%s: hint: %s\n", vs_prog(), e->hint);
    if (e->status == VS_EXIT_USAGE) fprintf(stderr, "Try '%s --help' for more information.\n", vs_prog());
    vs_run_exit_hooks();
    exit(e->status);
}

FILE *vs_tool_text_open(const char *path, vs_outfile_t **of)
{
    vs_error_t e;
    return vs_ok_ptr(vs_text_open(path, of, &e), &e);
}

void vs_tool_text_close(FILE *fp, vs_outfile_t *of, const char *path)
{
    vs_error_t e;
    vs_ok(vs_text_close(fp, of, path, &e), &e);
}

void vs_tool_check_distinct(const vs_path_t *in, int n)
{
    vs_error_t e;
    vs_ok(vs_check_distinct_inputs(in, n, &e), &e);
}

void vs_tool_commit(void)
{
    vs_error_t e;
    vs_ok(vs_out_commit(&e), &e);
}

static void __attribute__((noreturn)) die_v(int status, const vs_loc_t *loc, const char *hint, const char *fmt,
                                            va_list ap)
{
    vs_error_t e;
    vs_verror(&e, status, loc, hint, fmt, ap);
    vs_exit_error(&e);
}

/* (va_end is not reached: the process ends in die_v) */
void vs_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    die_v(VS_EXIT_DATA, NULL, NULL, fmt, ap);
}

void vs_die_at(const vs_loc_t *loc, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    die_v(VS_EXIT_DATA, loc, hint, fmt, ap);
}

void vs_die_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    die_v(VS_EXIT_USAGE, NULL, NULL, fmt, ap);
}

long vs_parse_long(const char *opt, const char *s, long lo, long hi)
{
    vs_error_t e;
    long v;
    vs_ok(vs_try_long(opt, s, lo, hi, &v, &e), &e);
    return v;
}

double vs_parse_double(const char *opt, const char *s, double lo, double hi)
{
    vs_error_t e;
    double v;
    vs_ok(vs_try_double(opt, s, lo, hi, &v, &e), &e);
    return v;
}
