#include "vs_err.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *prog = "vcfsynth";
static int quiet;

#define MAX_HOOKS 16
static struct { void (*fn)(void *); void *arg; } hooks[MAX_HOOKS];
static int n_hooks;

void vs_set_prog(const char *name) { prog = name; }

static char *command;

void vs_set_command(int argc, char **argv)
{
    size_t n = 1;
    for (int i = 0; i < argc; i++) n += strlen(argv[i]) + 1;
    free(command);
    command = vs_malloc(n);
    command[0] = 0;
    for (int i = 0; i < argc; i++) {
        if (i) strcat(command, " ");
        strcat(command, argv[i]);
    }
}

const char *vs_command(void) { return command ? command : prog; }
const char *vs_prog(void) { return prog; }
void vs_set_quiet(int q) { quiet = q; }
int vs_quiet(void) { return quiet; }

void vs_on_exit(void (*fn)(void *), void *arg)
{
    if (n_hooks == MAX_HOOKS) return;
    hooks[n_hooks].fn = fn;
    hooks[n_hooks++].arg = arg;
}

void vs_on_exit_remove(void (*fn)(void *), void *arg)
{
    for (int i = 0; i < n_hooks; i++)
        if (hooks[i].fn == fn && hooks[i].arg == arg) {
            memmove(hooks + i, hooks + i + 1, (n_hooks - i - 1) * sizeof hooks[0]);
            n_hooks--;
            return;
        }
}

void vs_run_exit_hooks(void)
{
    while (n_hooks > 0) {
        n_hooks--;
        hooks[n_hooks].fn(hooks[n_hooks].arg);
    }
}

static vs_message_fn message_handler;       /* NULL: the library says nothing */

void vs_set_message_handler(vs_message_fn fn) { message_handler = fn; }

/* The message formatted whole, then handed to the handler: one line at a
 * time, from any thread.  On the stack when it fits (vs_fatal may report
 * that memory ran out), else on the heap, else cut. */
static void vmessage(int kind, const char *fmt, va_list ap)
{
    if (!message_handler) return;
    char buf[1024], *msg = buf;
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    if (n >= (int)sizeof buf && (msg = malloc((size_t)n + 1))) vsnprintf(msg, (size_t)n + 1, fmt, again);
    va_end(again);
    message_handler(kind, msg ? msg : buf);
    if (msg != buf) free(msg);
}

void vs_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(VS_MSG_WARNING, fmt, ap);
    va_end(ap);
}

void vs_info(const char *fmt, ...)
{
    if (quiet) return;
    va_list ap;
    va_start(ap, fmt);
    vmessage(VS_MSG_INFO, fmt, ap);
    va_end(ap);
}

void vs_progress(int final, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(final ? VS_MSG_PROGRESS_END : VS_MSG_PROGRESS, fmt, ap);
    va_end(ap);
}

static void *check_alloc(void *p, size_t n)
{
    if (!p && n) vs_fatal("out of memory allocating %zu bytes", n);
    return p;
}

void *vs_malloc(size_t n) { return check_alloc(malloc(n), n); }
void *vs_calloc(size_t n, size_t size) { return check_alloc(calloc(n, size), n * size); }
void *vs_realloc(void *p, size_t n) { return check_alloc(realloc(p, n), n); }
char *vs_strdup(const char *s) { return check_alloc(strdup(s), strlen(s) + 1); }

int vs_verror(vs_error_t *e, int status, const vs_loc_t *loc, const char *hint, const char *fmt, va_list ap)
{
    if (!e) return -1;
    e->status = status;
    int n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    size_t at = n < 0 ? 0 : (size_t)n < sizeof e->msg ? (size_t)n : sizeof e->msg - 1;
    if (loc && loc->file) {
        at += snprintf(e->msg + at, sizeof e->msg - at, ", at %s", loc->file);
        if (at < sizeof e->msg && loc->contig) at += snprintf(e->msg + at, sizeof e->msg - at, ":%s", loc->contig);
        if (at < sizeof e->msg && loc->contig && loc->pos >= 0)
            at += snprintf(e->msg + at, sizeof e->msg - at, ":%lld", (long long)loc->pos);
    }
    if (at < sizeof e->msg && loc && loc->sample) snprintf(e->msg + at, sizeof e->msg - at, " sample %s", loc->sample);
    snprintf(e->hint, sizeof e->hint, "%s", hint ? hint : "");
    return -1;
}

int vs_error(vs_error_t *e, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vs_verror(e, status, NULL, NULL, fmt, ap);
    va_end(ap);
    return -1;
}

int vs_error_copy(vs_error_t *to, const vs_error_t *from)
{
    if (to) *to = *from;
    return -1;
}

int vs_fail(vs_error_t *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vs_verror(e, VS_EXIT_DATA, NULL, NULL, fmt, ap);
    va_end(ap);
    return -1;
}

int vs_fail_at(vs_error_t *e, const vs_loc_t *loc, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vs_verror(e, VS_EXIT_DATA, loc, hint, fmt, ap);
    va_end(ap);
    return -1;
}

static void (*fatal_handler)(void) = abort;

void vs_set_fatal_handler(void (*fn)(void)) { fatal_handler = fn ? fn : abort; }

void vs_fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(VS_MSG_FATAL, fmt, ap);
    va_end(ap);
    vs_run_exit_hooks();
    fatal_handler();
    abort();                /* a handler that returned */
}

int vs_try_long(const char *opt, const char *s, long lo, long hi, long *v, vs_error_t *e)
{
    char *end;
    errno = 0;
    *v = strtol(s, &end, 10);
    if (errno || end == s || *end) return vs_error(e, VS_EXIT_USAGE, "%s expects an integer, got '%s'", opt, s);
    if (*v < lo || *v > hi)
        return vs_error(e, VS_EXIT_USAGE, "%s must be between %ld and %ld, got %ld", opt, lo, hi, *v);
    return 0;
}

int vs_try_double(const char *opt, const char *s, double lo, double hi, double *v, vs_error_t *e)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(*v))
        return vs_error(e, VS_EXIT_USAGE, "%s expects a number, got '%s'", opt, s);
    if (*v < lo || *v > hi) return vs_error(e, VS_EXIT_USAGE, "%s must be between %g and %g, got %g", opt, lo, hi, *v);
    return 0;
}
