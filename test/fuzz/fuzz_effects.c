/* The causal-model reader of vcf-pheno --effects and vcf-fidelity
 * --utility-pheno (vs_pheno). */
#include "fuzz.h"
#include "vs_pheno.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, "effects.tsv");
    vs_error_t err;
    vs_effects_t *e = vs_effects_read(path, &err);
    if (e) (void)vs_effects_find(e, "1", 11697411, "C", "T");
    vs_effects_destroy(e);
    return 0;
}
