/* vs_threads: how many threads a run may use.  --threads N is a total;
 * more threads than the cores this process may run on only time-share
 * them (and OpenMP's waiting threads then spin against the working ones),
 * so a request beyond the cores is capped, with an info line. */
#ifndef VS_THREADS_H
#define VS_THREADS_H

/* The cores this process may run on (its CPU affinity mask). */
int vs_cores(void);
/* requested, or vs_cores() when that is fewer (saying so). */
int vs_threads_cap(int requested);

#endif
