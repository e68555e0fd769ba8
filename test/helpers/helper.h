/* What the test helpers share: they stop at the first error, as a tool does. */
#ifndef VS_HELPER_H
#define VS_HELPER_H

#include "vs_tool.h"
#include "vs_vcf.h"

static inline vs_panel_t *vs_panel_read_or_die(const char *path, const vs_read_opts_t *ro)
{
    vs_error_t e;
    vs_panel_t *p = vs_panel_read(path, ro, &e);
    if (!p) vs_exit_error(&e);
    return p;
}

#endif
