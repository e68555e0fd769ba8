/* vs_report: the vcf-fidelity report as one self-contained HTML page
 * (inline SVG plots, no script, no external reference), written for a
 * data-access committee as much as for geneticists. */
#ifndef VS_REPORT_H
#define VS_REPORT_H

#include "vs_fidelity.h"

int vs_report_html(const vs_fidelity_t *f, const char *path, vs_error_t *e);

#endif
