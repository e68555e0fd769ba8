#define _GNU_SOURCE     /* sched_getaffinity, CPU_COUNT */
#include "vs_threads.h"
#include "vs_err.h"

#include <sched.h>
#include <unistd.h>

int vs_cores(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int vs_threads_cap(int requested)
{
    int cores = vs_cores();
    if (requested <= cores) return requested;
    vs_info("--threads %d capped at %d, the cores this run may use", requested, cores);
    return cores;
}
