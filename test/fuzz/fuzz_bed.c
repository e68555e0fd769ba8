/* The BED reader of vcf-hybrid replace (vs_bed). */
#include "fuzz.h"
#include "vs_bed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, "regions.bed");
    vs_error_t e;
    vs_bed_t *b = vs_bed_read(path, &e);
    if (b) (void)vs_bed_contains(b, "chr1", 1000);
    vs_bed_destroy(b);
    return 0;
}
