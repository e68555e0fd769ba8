/* Option strings the project parses itself: --mix against a two-group model,
 * the --shadow-cmd template, and numbers (vs_try_long, vs_try_double).
 * The input is split at its first newline: the option kind, then the value. */
#include "fuzz.h"
#include "vs_model.h"
#include "vs_sample.h"
#include "vs_shadow.h"

static vs_model_t *two_groups(void)
{
    vs_model_t *m = vs_model_new();
    m->n_groups = 2;
    m->groups = calloc(2, sizeof *m->groups);
    m->groups[0].name = strdup("AFR");
    m->groups[0].n_members = 3;
    m->groups[1].name = strdup("EUR");
    m->groups[1].n_members = 5;
    return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static vs_model_t *m;
    if (!m) m = two_groups();
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = 0;
    const char *pairs[] = { "train", "t.bcf", "out", "o.bcf", "n", "10", "seed", "1", NULL };
    vs_groupset_t gs = { m, NULL, 0 };
    vs_admix_t admix;
    vs_error_t err;
    double *share = NULL;
    switch (size ? s[0] % 5 : 0) {
    case 0: (void)vs_mix_parse(&gs, s + (size > 0), &share, &err); free(share); break;
    case 3: if (!vs_admix_parse(m, s + 1, &admix, &err)) vs_admix_free(&admix); break;
    case 1: (void)vs_shadow_check_template(s + 1, &err); free(vs_shadow_expand(s + 1, pairs)); break;
    case 2: { long n; (void)vs_try_long("-n", s + 1, 1, 16777215, &n, &err); } break;
    default: { double x; (void)vs_try_double("--fraction", s + 1, 0, 1, &x, &err); } break;
    }
    free(s);
    return 0;
}
