/* vs_err's messages: nothing reaches stderr from the library; warnings,
 * progress and informational lines reach the handler a program installs,
 * whole and formatted, and the library is silent without one. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "vs_err.h"

static int n_calls, last_kind;
static char last[4096];

static void record(int kind, const char *msg)
{
    n_calls++;
    last_kind = kind;
    snprintf(last, sizeof last, "%s", msg);
}

int main(void)
{
    vs_warn("nobody hears %d", 1);
    CHECK(n_calls == 0, "without a handler a warning goes nowhere (and does not crash)");

    vs_set_message_handler(record);
    vs_warn("map %s has %d points", "chr1.gmap", 3);
    CHECK(n_calls == 1 && last_kind == VS_MSG_WARNING && !strcmp(last, "map chr1.gmap has 3 points"),
          "a warning arrives formatted, as one message, marked a warning");

    vs_info("wrote %d samples", 20);
    CHECK(n_calls == 2 && last_kind == VS_MSG_INFO && !strcmp(last, "wrote 20 samples"), "an informational line");

    vs_set_quiet(1);
    vs_info("not under --quiet");
    CHECK(n_calls == 2, "informational lines are dropped under vs_set_quiet");
    vs_warn("warnings are not");
    CHECK(n_calls == 3 && last_kind == VS_MSG_WARNING, "warnings still arrive under vs_set_quiet");
    vs_set_quiet(0);

    vs_progress(0, "%d/%d sites", 1000, 4296);
    CHECK(last_kind == VS_MSG_PROGRESS && !strcmp(last, "1000/4296 sites"), "a progress line to be overwritten");
    vs_progress(1, "%d/%d sites", 4296, 4296);
    CHECK(last_kind == VS_MSG_PROGRESS_END, "the last progress line stays");

    /* longer than the library's stack buffer: formatted whole on the heap */
    char *name = malloc(3001);
    memset(name, 'x', 3000);
    name[3000] = 0;
    vs_warn("sample %s is long", name);
    CHECK(strlen(last) == 3000 + strlen("sample  is long") && !strncmp(last + 3000 + 7, " is long", 8),
          "a 3,000-character argument arrives whole (%zu characters)", strlen(last));
    free(name);

    int before = n_calls;
    vs_set_message_handler(NULL);
    vs_warn("silent again");
    CHECK(n_calls == before, "a NULL handler silences the library again");
    UNIT_DONE();
}
