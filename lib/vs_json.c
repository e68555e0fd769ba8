#include "vs_json.h"
#include "vs_out.h"

#include <math.h>
#include <stdlib.h>

void vs_json_add_num(cJSON *o, const char *key, double x)
{
    cJSON_AddItemToObject(o, key, isnan(x) ? cJSON_CreateNull() : cJSON_CreateNumber(x));
}

int vs_json_write(cJSON *root, const char *path, vs_error_t *e)
{
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    vs_outfile_t *of;
    FILE *fp = vs_text_open(path, &of, e);
    int ret = -1;
    if (fp) {
        fputs(text, fp);
        fputc('\n', fp);
        ret = vs_text_close(fp, of, path, e);
    }
    free(text);
    return ret;
}
