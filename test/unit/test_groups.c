/* The groups table (vs_groups): headers with and without --group-column,
 * samples the table lacks go to NA, and every malformed table comes back as
 * an error value naming the file and the fault (nothing exits). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "vs_groups.h"

static char dir[64];

static const char *put(const char *text)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/groups.tsv", dir);
    FILE *fp = fopen(path, "w");
    fputs(text, fp);
    fclose(fp);
    return path;
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/vs_groups_XXXXXX");
    if (!mkdtemp(dir)) return 1;
    vs_set_quiet(1);
    char *samples[] = { "S1", "S2", "S3" };
    vs_error_t e = { 0 };

    vs_groups_t *g = vs_groups_load(put("sample\tpop\nS1\tEUR\nS2\tAFR\nS3\tEUR\nS9\tEAS\n"), NULL, samples, 3, &e);
    CHECK(g && g->n_groups == 2 && !strcmp(g->names[0], "AFR") && !strcmp(g->names[1], "EUR"),
          "two groups, sorted; a table row naming no sample is ignored");
    CHECK(g && g->group_of[0] == 1 && g->group_of[1] == 0 && g->group_of[2] == 1, "each sample's group");
    vs_groups_destroy(g);
    g = vs_groups_load(put("id pop super_pop\nS1 GBR EUR\nS2 YRI AFR\n"), "super_pop", samples, 3, &e);
    CHECK(g && g->n_groups == 3 && !strcmp(g->names[2], "NA") && g->group_of[2] == 2,
          "--group-column picks the column; a sample the table lacks goes to NA, last");
    vs_groups_destroy(g);

    struct { const char *text, *column, *want; } bad[] = {
        { "S1\tEUR\nS2\n", NULL, "line 2 has 1 column; the group is in column 2" },
        { "id\tpop\n", "super_pop", "has no column 'super_pop'" },
        { "id\tpop\nS1\tEUR\n", "id", "--group-column id names the sample column" },
        { "S1\tE,UR\n", NULL, "the group name 'E,UR' on line 1 holds a character" },
        { "S1\tEUR\nS1\tAFR\n", NULL, "line 2 gives sample S1 a second group (EUR and AFR)" },
        { "sample\tpop\n", NULL, "the groups table has no sample lines" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        memset(&e, 0, sizeof e);
        g = vs_groups_load(put(bad[i].text), bad[i].column, samples, 3, &e);
        CHECK(!g && e.status == VS_EXIT_DATA && strstr(e.msg, bad[i].want) && strstr(e.msg, "groups.tsv"),
              "bad table %zu: an error value naming the file and '%s' (got '%s')", i + 1, bad[i].want, e.msg);
        vs_groups_destroy(g);
    }
    memset(&e, 0, sizeof e);
    CHECK(!vs_groups_load(put("sample\tpop\n"), NULL, samples, 3, &e) && strstr(e.hint, "SAMPLE GROUP lines"),
          "an empty table's error carries a hint");
    char *twice[] = { "S1", "S1" };
    CHECK(!vs_groups_load(put("S1\tEUR\n"), NULL, twice, 2, &e) && strstr(e.msg, "sample S1 appears twice"),
          "a sample named twice in the VCF: an error value");
    CHECK(!vs_groups_load(dir, NULL, samples, 3, &e) && strstr(e.msg, "is a directory"),
          "a directory for a table: an error value");
    char missing[128];
    snprintf(missing, sizeof missing, "%s/none.tsv", dir);
    CHECK(!vs_groups_load(missing, NULL, samples, 3, &e) && strstr(e.msg, "cannot open groups table"),
          "a table that does not exist: an error value");

    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) return 1;
    UNIT_DONE();
}
