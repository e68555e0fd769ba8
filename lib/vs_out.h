/* vs_out: the files a run writes, and what the run must never touch.
 *
 * Every output file is written under a hidden temporary name beside its final
 * one (".NAME.XXXXXX"); vs_out_commit() renames all of them into place
 * together once the whole run has succeeded.  After an error, vs_out_discard()
 * (which a tool's exit runs) or a signal (SIGINT, SIGTERM, SIGHUP, SIGPIPE)
 * before that removes every temporary file and scratch directory, so a failed
 * or interrupted run leaves nothing behind and nothing the user had is
 * replaced.  Standard output ("-") and devices (/dev/null) are written in
 * place. */
#ifndef VS_OUT_H
#define VS_OUT_H

#include <stdio.h>
#include <time.h>
#include "vs_err.h"

/* An option and the path it was given (path NULL: not given). */
typedef struct {
    const char *option;       /* "-o", "--json", "the input panel", ... */
    const char *path;
} vs_path_t;

/* -1 with an error, before anything is written, when an output is the same
 * file as an input (or an input's .csi/.tbi index) or as another output: by
 * device and inode when the file exists, by its directory's real path and
 * its name when it does not yet.  A usage error: an output given an empty
 * name (an unset variable), or two outputs on standard output.  An index
 * written beside an output is an output of its own (vs_index_path). */
int vs_check_paths(const vs_path_t *inputs, int n_in, const vs_path_t *outputs, int n_out, vs_error_t *e);

/* The indexes htslib writes beside a file: FILE.csi, FILE.tbi. */
enum { VS_INDEX_NONE, VS_INDEX_CSI, VS_INDEX_TBI };
/* ".csi", ".tbi", or NULL for VS_INDEX_NONE. */
const char *vs_index_suffix(int fmt);
/* The index written beside path (fmt VS_INDEX_*), to free; NULL when none
 * is (no path, standard output, VS_INDEX_NONE). */
char *vs_index_path(const char *path, int fmt);
/* -1 with an error when two of the inputs are one file, or two copies of
 * one (the same bytes): a cohort attacked with itself, the real cohort given
 * as the synthetic one, a model merged with itself. */
int vs_check_distinct_inputs(const vs_path_t *inputs, int n_in, vs_error_t *e);
#define VS_CHECK_PATHS(in, out, e) \
    vs_check_paths(in, (int)(sizeof in / sizeof *in), out, (int)(sizeof out / sizeof *out), e)

/* One output file. */
typedef struct vs_outfile_t vs_outfile_t;
vs_outfile_t *vs_outfile_begin(const char *path, vs_error_t *e);     /* NULL with an error */
const char *vs_outfile_path(const vs_outfile_t *o);  /* where to write now */
/* Writing is over; the file is renamed into place by vs_out_commit(). */
void vs_outfile_finish(vs_outfile_t *o);

/* A text report (TSV, JSON, HTML) written the same way: open, write, then
 * close, which checks for write errors and finishes the file (NULL, -1:
 * an error). */
FILE *vs_text_open(const char *path, vs_outfile_t **of, vs_error_t *e);
int vs_text_close(FILE *fp, vs_outfile_t *of, const char *path, vs_error_t *e);

/* A bgzipped text table with a tabix index, PATH.tbi, finished and moved
 * into place with it (standard output: no index).  seq, beg and end are its
 * 1-based contig, start and end columns; lines starting with '#' are its
 * header.  Rows must come sorted by contig and start. */
typedef struct vs_tabix_t vs_tabix_t;
vs_tabix_t *vs_tabix_open(const char *path, int seq_col, int beg_col, int end_col, vs_error_t *e);
int vs_tabix_write(vs_tabix_t *t, const char *text, size_t len, vs_error_t *e);
int vs_tabix_close(vs_tabix_t *t, vs_error_t *e);     /* frees t in any case */
/* After an error: close without finishing (nor indexing); vs_out_discard removes the file. */
void vs_tabix_abandon(vs_tabix_t *t);
void vs_text_abandon(FILE *fp);

/* Moves every finished output into place: the run's last step, in main. */
int vs_out_commit(vs_error_t *e);
/* Removes every output not yet committed, and every scratch directory. */
void vs_out_discard(void);

/* A scratch directory under $TMPDIR (or /tmp), removed with everything in
 * it on an error or a signal, or by vs_scratch_remove(); NULL with an error
 * when it cannot be made. */
char *vs_scratch_dir(const char *what, vs_error_t *e);
void vs_scratch_remove(char *dir);

/* A side file the run reads more than once, given as something that can be
 * read only once (a pipe, a FIFO, a process substitution <(...)): copied
 * into a scratch directory first.  Returns the path to read (the file
 * itself when it is a regular file, or cannot be looked at: its reader
 * reports that), or NULL with an error; vs_reread_end removes the copy. */
typedef struct {
    char *dir, *path;
} vs_reread_t;
const char *vs_reread_begin(const char *path, const char *what, vs_reread_t *r, vs_error_t *e);
void vs_reread_end(vs_reread_t *r);

/* Runs a command with /bin/sh, its standard output sent to standard error
 * (ours may carry a report), in a process group of its own that a signal to
 * this run is passed on to.  Returns the wait status, -1 when it could not
 * be started. */
int vs_run_shell(const char *cmd);

/* The version (the Makefile's VERSION), and "the command as typed;
 * Date=..." honouring SOURCE_DATE_EPOCH (caller frees): what every output
 * records of the run that wrote it. */
const char *vs_version(void);
/* The version of the htslib the programs run with. */
const char *vs_htslib_version(void);
/* The run's date: SOURCE_DATE_EPOCH when set (-1 with an error when it is
 * not whole seconds since 1970, *t then now), else now. */
int vs_run_time(time_t *t, vs_error_t *e);
char *vs_command_line(void);
/* Frees an array of n strings. */
void vs_free_strings(char **v, int n);

#endif
