/* The genetic map reader (vs_gmap): SHAPEIT, HapMap, Eagle and PLINK formats. */
#include "fuzz.h"
#include "vs_gmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, "map.txt");
    vs_error_t e;
    vs_gmap_t *g = vs_gmap_read(path, &e);
    for (int i = 0; g && i < g->n; i++) {           /* use what was read */
        vs_cmap_t *m = g->maps[i];
        double cm = vs_cmap_cm(m, 1000000);
        (void)vs_cmap_pos(m, cm);
    }
    vs_gmap_destroy(g);
    return 0;
}
