#define _GNU_SOURCE           /* _Fork: the async-signal-safe fork of glibc >= 2.34 */
#include "vs_out.h"

#include "vs_err.h"

#include <htslib/bgzf.h>
#include <htslib/tbx.h>
#include <htslib/kstring.h>

#include <errno.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---------- inputs against outputs ---------- */

typedef struct {
    int exists;
    dev_t dev;
    ino_t ino;
    char *canon;              /* real path of the directory, then the name */
} ident_t;

static char *canonical(const char *path)
{
    char *d = vs_strdup(path), *b = vs_strdup(path), real[PATH_MAX];
    const char *dir = realpath(dirname(d), real) ? real : path;
    const char *base = basename(b);
    char *s = vs_malloc(strlen(dir) + strlen(base) + 2);
    sprintf(s, "%s/%s", dir, base);
    free(d);
    free(b);
    return s;
}

/* 0 for what is never compared: "-", devices, pipes, directories. */
static int identify(const char *path, ident_t *id)
{
    memset(id, 0, sizeof *id);
    if (!path || !*path || !strcmp(path, "-")) return 0;
    struct stat st;
    if (stat(path, &st) == 0) {
        if (!S_ISREG(st.st_mode)) return 0;
        id->exists = 1;
        id->dev = st.st_dev;
        id->ino = st.st_ino;
    }
    id->canon = canonical(path);
    return 1;
}

static int same_file(const ident_t *a, const ident_t *b)
{
    if (a->exists != b->exists) return 0;
    return a->exists ? a->dev == b->dev && a->ino == b->ino : !strcmp(a->canon, b->canon);
}

const char *vs_index_suffix(int fmt) { return fmt == VS_INDEX_CSI ? ".csi" : fmt == VS_INDEX_TBI ? ".tbi" : NULL; }

char *vs_index_path(const char *path, int fmt)
{
    if (!path || !*path || !strcmp(path, "-") || fmt == VS_INDEX_NONE) return NULL;
    char *s = vs_malloc(strlen(path) + 5);
    sprintf(s, "%s%s", path, vs_index_suffix(fmt));
    return s;
}

static int check_input(const vs_path_t *in, const ident_t *out_id, const vs_path_t *out, vs_error_t *e)
{
    ident_t id;
    int ret = 0;
    if (identify(in->path, &id) && same_file(&id, out_id))
        ret = vs_fail_at(e, NULL, "give the output a new name: vcfsynth never writes over its inputs",
                         "the output %s %s is the same file as %s %s; nothing was written", out->option, out->path,
                         in->option, in->path);
    free(id.canon);
    for (int fmt = VS_INDEX_CSI; fmt <= VS_INDEX_TBI && ret == 0; fmt++) {
        char *idx = vs_index_path(in->path, fmt);
        if (!idx) break;
        if (identify(idx, &id) && id.exists && same_file(&id, out_id))
            ret = vs_fail_at(e, NULL, "give the output a new name: vcfsynth never writes over its inputs",
                             "the output %s %s is the index of %s %s; nothing was written", out->option, out->path,
                             in->option, in->path);
        free(id.canon);
        free(idx);
    }
    return ret;
}

/* Output j against the inputs and the outputs before it: 0, or -1 with an error. */
static int check_output(const vs_path_t *inputs, int n_in, const vs_path_t *outputs, int j, vs_error_t *e)
{
    for (int k = 0; k < j && outputs[j].path && !strcmp(outputs[j].path, "-"); k++)
        if (outputs[k].path && !strcmp(outputs[k].path, "-"))
            return vs_error(e, VS_EXIT_USAGE, "%s - and %s - would both go to standard output; give one of them a file",
                            outputs[k].option, outputs[j].option);
    ident_t out;
    if (!identify(outputs[j].path, &out)) return 0;
    int ret = 0;
    for (int i = 0; i < n_in && ret == 0; i++) ret = check_input(&inputs[i], &out, &outputs[j], e);
    for (int k = 0; k < j && ret == 0; k++) {
        ident_t other;
        if (identify(outputs[k].path, &other) && same_file(&other, &out))
            ret = vs_fail_at(e, NULL, "give each output its own name",
                             "the outputs %s %s and %s %s are the same file; nothing was written", outputs[k].option,
                             outputs[k].path, outputs[j].option, outputs[j].path);
        free(other.canon);
    }
    free(out.canon);
    return ret;
}

/* Two regular files of the same size holding the same bytes. */
static int same_bytes(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) != 0 || stat(b, &sb) != 0 || !S_ISREG(sa.st_mode) || !S_ISREG(sb.st_mode) ||
        sa.st_size != sb.st_size)
        return 0;
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int same = fa && fb;
    char ba[16384], bb[16384];
    size_t na, nb;
    while (same && (na = fread(ba, 1, sizeof ba, fa)) > 0) {
        nb = fread(bb, 1, na, fb);
        same = nb == na && !memcmp(ba, bb, na);
    }
    if (fa) fclose(fa);
    if (fb) fclose(fb);
    return same;
}

int vs_check_distinct_inputs(const vs_path_t *inputs, int n_in, vs_error_t *e)
{
    int ret = 0;
    for (int i = 0; i < n_in && ret == 0; i++) {
        ident_t a;
        if (!identify(inputs[i].path, &a) || !a.exists) {
            free(a.canon);
            continue;
        }
        for (int j = i + 1; j < n_in && ret == 0; j++) {
            ident_t b;
            if (identify(inputs[j].path, &b) && b.exists && (same_file(&a, &b) || same_bytes(inputs[i].path, inputs[j].path)))
                ret = vs_fail_at(e, NULL, "give each its own file: one cohort or model cannot stand for two",
                                 "%s %s and %s %s are %s", inputs[i].option, inputs[i].path, inputs[j].option,
                                 inputs[j].path, same_file(&a, &b) ? "the same file" : "copies of one file (the same bytes)");
            free(b.canon);
        }
        free(a.canon);
    }
    return ret;
}

int vs_check_paths(const vs_path_t *inputs, int n_in, const vs_path_t *outputs, int n_out, vs_error_t *e)
{
    for (int j = 0; j < n_out; j++)
        if (outputs[j].path && !*outputs[j].path)
            return vs_error(e, VS_EXIT_USAGE, "%s was given an empty file name (an unset variable?)", outputs[j].option);
    for (int i = 0; i < n_in; i++)
        for (int k = 0; k < i && inputs[i].path && !strcmp(inputs[i].path, "-"); k++)
            if (inputs[k].path && !strcmp(inputs[k].path, "-"))
                return vs_error(e, VS_EXIT_USAGE, "%s - and %s - would both read standard input; give one of them a file",
                                inputs[k].option, inputs[i].option);
    for (int j = 0; j < n_out; j++)
        if (check_output(inputs, n_in, outputs, j, e) < 0) return -1;
    return 0;
}

/* ---------- the run's temporary files and scratch directories ---------- */

struct vs_outfile_t {
    char *final, *tmp;
    int direct;               /* stdout or a device: written in place */
    int finished;
};

/* Fixed arrays, so that a signal handler never sees them reallocated. */
#define MAX_FILES 64
#define MAX_DIRS 8
static vs_outfile_t *files[MAX_FILES];
static char *dirs[MAX_DIRS];
static volatile sig_atomic_t n_files, n_dirs;
static volatile sig_atomic_t child;     /* the process group of a running vs_run_shell */

/* Every signal whose default ends the process and that a user, a shell or a
 * scheduler sends (SIGUSR1/2 and SIGXCPU: batch systems' warnings and limits) */
static const int CLEAN_SIGNALS[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGXCPU, SIGXFSZ };
#define N_CLEAN_SIGNALS (int)(sizeof CLEAN_SIGNALS / sizeof *CLEAN_SIGNALS)

static void block_signals(sigset_t *old)
{
    sigset_t s;
    sigemptyset(&s);
    for (int i = 0; i < N_CLEAN_SIGNALS; i++) sigaddset(&s, CLEAN_SIGNALS[i]);
    pthread_sigmask(SIG_BLOCK, &s, old);
}

static void restore_signals(const sigset_t *old) { pthread_sigmask(SIG_SETMASK, old, NULL); }

/* Only async-signal-safe calls: unlink, _Fork, execv, waitpid. */
static void remove_dir_in_handler(const char *dir)
{
    pid_t pid = _Fork();
    if (pid == 0) {
        execl("/bin/rm", "rm", "-rf", "--", dir, (char *)NULL);
        _exit(127);
    }
    if (pid > 0) waitpid(pid, NULL, 0);
}

static void on_signal(int sig)
{
    if (child > 0) {
        kill(-child, sig);
        waitpid(child, NULL, 0);
    }
    for (int i = 0; i < n_files; i++)
        if (!files[i]->direct) unlink(files[i]->tmp);
    for (int i = 0; i < n_dirs; i++) remove_dir_in_handler(dirs[i]);
    /* die of the signal itself, so that the caller sees 128 + sig */
    signal(sig, SIG_DFL);
    raise(sig);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void remove_tree(const char *dir) { nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS); }

void vs_out_discard(void)
{
    sigset_t old;
    block_signals(&old);
    for (int i = 0; i < n_files; i++)
        if (!files[i]->direct) unlink(files[i]->tmp);
    for (int i = 0; i < n_dirs; i++) remove_tree(dirs[i]);
    n_files = n_dirs = 0;
    restore_signals(&old);
}

static void on_exit_hook(void *arg)
{
    (void)arg;
    vs_out_discard();
}

/* Once per run: clean-up on errors and on the signals a user or a scheduler
 * sends; a signal the caller ignores (nohup) stays ignored. */
static void install_cleanup(void)
{
    static int installed;
    if (installed) return;
    installed = 1;
    vs_on_exit(on_exit_hook, NULL);
    for (int i = 0; i < N_CLEAN_SIGNALS; i++) {
        struct sigaction sa, old;
        if (sigaction(CLEAN_SIGNALS[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        for (int k = 0; k < N_CLEAN_SIGNALS; k++) sigaddset(&sa.sa_mask, CLEAN_SIGNALS[k]);
        sigaction(CLEAN_SIGNALS[i], &sa, NULL);
    }
}

static void add_file(vs_outfile_t *o)
{
    install_cleanup();
    if (n_files == MAX_FILES) vs_fatal("internal error: more than %d output files in one run", MAX_FILES);
    files[n_files] = o;
    n_files++;
}

vs_outfile_t *vs_outfile_begin(const char *path, vs_error_t *e)
{
    struct stat st;
    int direct = !strcmp(path, "-") || (stat(path, &st) == 0 && !S_ISREG(st.st_mode));
    if (direct && strcmp(path, "-") && S_ISDIR(st.st_mode))
        return vs_fail(e, "cannot write %s: it is a directory (give a file name inside it)", path), NULL;
    vs_outfile_t *o = vs_calloc(1, sizeof *o);
    o->final = vs_strdup(path);
    if (direct) {
        o->direct = 1;
        o->tmp = vs_strdup(path);
        add_file(o);
        return o;
    }
    char *d = vs_strdup(path), *b = vs_strdup(path);
    size_t n = strlen(path) + 32;
    o->tmp = vs_malloc(n);
    snprintf(o->tmp, n, "%s/.%s.XXXXXX", dirname(d), basename(b));
    free(d);
    free(b);
    sigset_t old;
    block_signals(&old);      /* a signal between mkstemp and add_file would leave the file */
    int fd = mkstemp(o->tmp);
    if (fd >= 0) add_file(o);
    restore_signals(&old);
    if (fd < 0) {
        vs_fail(e, "cannot create output %s: %s (check that the directory exists and is writable)", path,
                strerror(errno));
        free(o->final);
        free(o->tmp);
        free(o);
        return NULL;
    }
    close(fd);
    return o;
}

const char *vs_outfile_path(const vs_outfile_t *o) { return o->tmp; }

void vs_outfile_finish(vs_outfile_t *o) { o->finished = 1; }

FILE *vs_text_open(const char *path, vs_outfile_t **of, vs_error_t *e)
{
    if (!(*of = vs_outfile_begin(path, e))) return NULL;
    FILE *fp = strcmp(path, "-") ? fopen(vs_outfile_path(*of), "w") : stdout;
    if (!fp) return vs_fail(e, "cannot open %s for writing: %s", path, strerror(errno)), NULL;
    return fp;
}

int vs_text_close(FILE *fp, vs_outfile_t *of, const char *path, vs_error_t *e)
{
    int bad = ferror(fp);
    if ((fp == stdout ? fflush(fp) : fclose(fp)) != 0 || bad)
        return vs_fail(e, "cannot write %s: %s", path, errno ? strerror(errno) : "I/O error");
    vs_outfile_finish(of);
    return 0;
}

struct vs_tabix_t {
    BGZF *fp;
    vs_outfile_t *of;
    char *path;
    tbx_conf_t conf;
};

vs_tabix_t *vs_tabix_open(const char *path, int seq_col, int beg_col, int end_col, vs_error_t *e)
{
    vs_outfile_t *of = vs_outfile_begin(path, e);
    if (!of) return NULL;
    BGZF *fp = strcmp(path, "-") ? bgzf_open(vs_outfile_path(of), "w") : bgzf_dopen(STDOUT_FILENO, "w");
    if (!fp) return vs_fail(e, "cannot open %s for writing: %s", path, strerror(errno)), NULL;
    vs_tabix_t *t = vs_calloc(1, sizeof *t);
    t->path = vs_strdup(path);
    t->of = of;
    t->fp = fp;
    t->conf = (tbx_conf_t){ TBX_GENERIC, seq_col, beg_col, end_col, '#', 0 };
    return t;
}

int vs_tabix_write(vs_tabix_t *t, const char *text, size_t len, vs_error_t *e)
{
    if (bgzf_write(t->fp, text, len) < 0) return vs_fail(e, "cannot write %s: %s", t->path, strerror(errno));
    return 0;
}

/* The index PATH.tbi of a finished table: 0, or -1 with an error. */
static int tabix_index(vs_tabix_t *t, vs_error_t *e)
{
    char *name = vs_index_path(t->path, VS_INDEX_TBI);
    vs_outfile_t *idx = vs_outfile_begin(name, e);
    int ret = idx ? 0 : -1;
    if (idx && tbx_index_build2(vs_outfile_path(t->of), vs_outfile_path(idx), 0, &t->conf) != 0)
        ret = vs_fail(e, "cannot index %s (tabix): the rows are not sorted by contig and start", t->path);
    if (ret == 0) vs_outfile_finish(idx);
    free(name);
    return ret;
}

void vs_tabix_abandon(vs_tabix_t *t)
{
    bgzf_close(t->fp);
    free(t->path);
    free(t);
}

void vs_text_abandon(FILE *fp)
{
    if (fp != stdout) fclose(fp);
}

int vs_tabix_close(vs_tabix_t *t, vs_error_t *e)
{
    int ret = 0;
    if (bgzf_close(t->fp) < 0) ret = vs_fail(e, "cannot write %s: %s", t->path, strerror(errno));
    if (ret == 0 && strcmp(t->path, "-")) ret = tabix_index(t, e);
    if (ret == 0) vs_outfile_finish(t->of);
    free(t->path);
    free(t);
    return ret;
}

int vs_out_commit(vs_error_t *e)
{
    for (int i = 0; i < n_files; i++)
        if (!files[i]->finished) vs_fatal("internal error: output %s was not finished", files[i]->final);
    mode_t mask = umask(0);
    umask(mask);
    sigset_t old;
    block_signals(&old);      /* all of them or, on a signal before this, none */
    for (int i = 0; i < n_files; i++) {
        vs_outfile_t *o = files[i];
        if (o->direct) continue;
        if (chmod(o->tmp, 0666 & ~mask) != 0 || rename(o->tmp, o->final) != 0) {
            restore_signals(&old);
            return vs_fail(e, "cannot move the finished output into place as %s: %s", o->final, strerror(errno));
        }
        o->direct = 1;        /* in place: nothing to remove any more */
    }
    for (int i = 0; i < n_files; i++) {
        free(files[i]->final);
        free(files[i]->tmp);
        free(files[i]);
    }
    n_files = 0;
    restore_signals(&old);
    return 0;
}

char *vs_scratch_dir(const char *what, vs_error_t *e)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp) tmp = "/tmp";
    char *dir = vs_malloc(strlen(tmp) + 32);
    sprintf(dir, "%s/vcfsynth.XXXXXX", tmp);
    install_cleanup();
    if (n_dirs == MAX_DIRS) vs_fatal("internal error: more than %d scratch directories in one run", MAX_DIRS);
    sigset_t old;
    block_signals(&old);
    int ok = mkdtemp(dir) != NULL;
    if (ok) dirs[n_dirs++] = dir;
    restore_signals(&old);
    if (!ok) {
        vs_fail(e, "cannot make a scratch directory %s for %s: %s (set TMPDIR to a writable directory)", dir, what,
                strerror(errno));
        free(dir);
        return NULL;
    }
    return dir;
}

void vs_scratch_remove(char *dir)
{
    sigset_t old;
    block_signals(&old);
    remove_tree(dir);
    for (int i = 0; i < n_dirs; i++)
        if (dirs[i] == dir) {
            dirs[i] = dirs[n_dirs - 1];
            n_dirs--;
            break;
        }
    restore_signals(&old);
    free(dir);
}

static int copy_stream(FILE *in, FILE *out)
{
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n) return -1;
    return ferror(in) ? -1 : 0;
}

const char *vs_reread_begin(const char *path, const char *what, vs_reread_t *r, vs_error_t *e)
{
    *r = (vs_reread_t){ NULL, NULL };
    struct stat st;
    if (stat(path, &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) return path;
    if (!(r->dir = vs_scratch_dir(what, e))) return NULL;
    r->path = vs_malloc(strlen(r->dir) + 8);
    sprintf(r->path, "%s/copy", r->dir);
    FILE *in = fopen(path, "rb"), *out = in ? fopen(r->path, "wb") : NULL;
    int ok = in && out && copy_stream(in, out) == 0;
    int err = errno;
    if (out && fclose(out) != 0 && ok) {
        ok = 0;
        err = errno;
    }
    if (in) fclose(in);
    if (!ok) {
        vs_fail(e, "cannot read %s %s into %s: %s", what, path, r->path, strerror(err));
        vs_reread_end(r);
        return NULL;
    }
    return r->path;
}

void vs_reread_end(vs_reread_t *r)
{
    if (r->dir) vs_scratch_remove(r->dir);
    free(r->path);
    *r = (vs_reread_t){ NULL, NULL };
}

int vs_run_shell(const char *cmd)
{
    install_cleanup();
    fflush(NULL);
    sigset_t old;
    block_signals(&old);      /* until the child has its own handlers, and child is set */
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        for (int i = 0; i < N_CLEAN_SIGNALS; i++) {   /* ours go; ones the caller ignores stay ignored */
            struct sigaction cur;
            if (sigaction(CLEAN_SIGNALS[i], NULL, &cur) == 0 && cur.sa_handler == on_signal)
                signal(CLEAN_SIGNALS[i], SIG_DFL);
        }
        restore_signals(&old);
        if (dup2(2, 1) < 0) _exit(127);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    if (pid > 0) {
        setpgid(pid, pid);    /* as the child does: whichever runs first */
        child = pid;
    }
    restore_signals(&old);
    if (pid < 0) return -1;
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            status = -1;
            break;
        }
    child = 0;
    return status;
}

/* ---------- what a run records of itself ---------- */

#ifndef VS_VERSION
#error "VS_VERSION comes from the Makefile (VERSION): build with make"
#endif
const char *vs_version(void) { return VS_VERSION; }

const char *vs_htslib_version(void) { return hts_version(); }

int vs_run_time(time_t *t, vs_error_t *e)
{
    *t = time(NULL);
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    if (!epoch || !*epoch) return 0;
    /* reproducible-builds.org: a whole number of seconds since 1970; anything else is an error */
    char *end;
    errno = 0;
    long long v = strtoll(epoch, &end, 10);
    if (errno || *end || v < 0 || v > 253402300799LL)
        return vs_fail_at(e, NULL, "unset it, or give whole seconds since 1970-01-01 (date +%s), up to the year 9999",
                          "SOURCE_DATE_EPOCH='%s' is not a date", epoch);
    *t = (time_t)v;
    return 0;
}

char *vs_command_line(void)
{
    kstring_t s = { 0, 0, NULL };
    kputs(vs_command(), &s);
    time_t t;
    vs_run_time(&t, NULL);            /* a bad SOURCE_DATE_EPOCH: the tools refuse it at start */
    char date[64];
    struct tm tm;
    if (!gmtime_r(&t, &tm)) vs_fatal("internal error: cannot convert the time %lld to a date", (long long)t);
    strftime(date, sizeof date, "%a %b %d %H:%M:%S %Y", &tm);
    ksprintf(&s, "; Date=%s", date);
    return s.s;
}

void vs_free_strings(char **v, int n)
{
    if (!v) return;
    for (int i = 0; i < n; i++) free(v[i]);
    free(v);
}
