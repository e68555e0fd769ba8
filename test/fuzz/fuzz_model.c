/* The model loader (vs_model): JSON, or xz-compressed JSON. */
#include "fuzz.h"
#include "vs_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, "model.json");
    vs_error_t e;
    vs_model_destroy(vs_model_read(path, &e));
    return 0;
}
