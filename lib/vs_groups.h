/* vs_groups: the sample-to-group table (-g FILE, --group-column NAME). */
#ifndef VS_GROUPS_H
#define VS_GROUPS_H

#include "vs_err.h"

typedef struct {
    int n_groups;
    char **names;      /* sorted by name; "NA" (samples not in the table) last */
    int n_samples;
    int *group_of;     /* per VCF sample, an index into names */
} vs_groups_t;

/* Whitespace- or tab-separated; the first column is the sample.  With
 * column == NULL the group is the second column and a first line starting
 * with '#' or naming a "sample"/"id" column is a header; otherwise the first
 * line is a header and column names the group column.  NULL with an error
 * naming the file and line when the table cannot be read or is malformed. */
vs_groups_t *vs_groups_load(const char *path, const char *column,
                            char *const *samples, int n_samples, vs_error_t *e);
/* The table's group of each sample, NULL where the table has none (warns
 * about table rows naming no sample when warn_absent); NULL with an error as
 * vs_groups_load.  Freed with vs_free_labels. */
char **vs_groups_labels(const char *path, const char *column, char *const *samples, int n_samples,
                        int warn_absent, vs_error_t *e);
void vs_free_labels(char **label, int n);
/* Groups from labels; a NULL label becomes "NA", with a warning naming the table. */
vs_groups_t *vs_groups_from_labels(char **label, char *const *samples, int n_samples, const char *table);
vs_groups_t *vs_groups_single(int n_samples, const char *name);
int vs_groups_find(const vs_groups_t *g, const char *name);
int vs_groups_count(const vs_groups_t *g, int group);
void vs_groups_destroy(vs_groups_t *g);

#endif
