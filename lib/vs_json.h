/* vs_json: the small pieces every JSON report shares (cJSON). */
#ifndef VS_JSON_H
#define VS_JSON_H

#include <cjson/cJSON.h>
#include "vs_err.h"

/* key: x, or null when x is NaN (JSON has no NaN). */
void vs_json_add_num(cJSON *o, const char *key, double x);
/* Writes root (then frees it) to path, "-" for standard output, through a
 * temporary file renamed on success: 0, or -1 with an error. */
int vs_json_write(cJSON *root, const char *path, vs_error_t *e);

#endif
