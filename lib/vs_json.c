#include "vs_json.h"
#include "vs_out.h"

#include <math.h>
#include <stdlib.h>

void vs_json_add_num(cJSON *o, const char *key, double x)
{
    cJSON_AddItemToObject(o, key, isnan(x) ? cJSON_CreateNull() : cJSON_CreateNumber(x));
}

void vs_json_write(cJSON *root, const char *path)
{
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    vs_outfile_t *of;
    FILE *fp = vs_text_open(path, &of);
    fputs(text, fp);
    fputc('\n', fp);
    vs_text_close(fp, of, path);
    free(text);
}
