/* The groups table parser (vs_groups), with and without --group-column. */
#include "fuzz.h"
#include "vs_groups.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *samples[] = { "S1", "S2", "S3", "HG00096" };
    const char *path = fuzz_file(data, size, "groups.tsv");
    vs_error_t e;
    vs_set_quiet(1);
    vs_groups_destroy(vs_groups_load(path, NULL, samples, 4, &e));
    vs_groups_destroy(vs_groups_load(path, "pop", samples, 4, &e));
    return 0;
}
