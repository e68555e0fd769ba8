/* vs_pbwt: the longest segment each query haplotype shares identically with
 * any haplotype of a panel, by one positional Burrows-Wheeler sweep (Durbin
 * 2014, algorithm 2) over the panel and the queries together: at every site,
 * a query's longest match ending there is with the nearest panel haplotype
 * above or below it in the sort order.  Time O(sites x haplotypes), memory
 * O(haplotypes). */
#ifndef VS_PBWT_H
#define VS_PBWT_H

#include <stdint.h>
#include "vs_geno.h"

/* best[2 i + h]: the longest match (cM, from its first to its last site) of
 * haplotype h of query sample i.  Matches do not cross contigs
 * (contig_start[k] = 1 at the first site of each contig). */
void vs_pbwt_longest_match(const vs_geno_t *panel, const vs_geno_t *query, const double *cm,
                           const uint8_t *contig_start, double *best);

#endif
