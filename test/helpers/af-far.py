#!/usr/bin/env python3
"""Allele frequencies of two cohorts away from a site.

usage: af-far.py A.bcf B.bcf MAP.gmap.gz POS CM

For every record of A and B (same sites, same samples count) farther than
CM centiMorgans from POS on the map, z = (pA - pB) / sqrt(2 p (1 - p) / N)
with p their mean and N the haplotypes of one cohort: prints the number of
such sites, their largest |z| and the mean z^2 (1 for independent cohorts
of the same law; less when they share a seed), and the largest |z| nearer.
"""
import bisect, gzip, math, subprocess, sys

def af(path):
    out = subprocess.run(["bcftools", "query", "-f", "%POS:%REF:%ALT\t%INFO/AC\t%INFO/AN\n", path],
                         check=True, capture_output=True, text=True).stdout
    return [(int(l.split(":")[0]), l.split("\t")[0], int(l.split("\t")[1]), int(l.split("\t")[2]))
            for l in out.splitlines()]

def main():
    a, b, mapf, pos, cm = sys.argv[1:6]
    pos, cm = int(pos), float(cm)
    mp, mc = [], []
    with gzip.open(mapf, "rt") as f:
        next(f)
        for line in f:
            w = line.split()
            mp.append(int(w[0])); mc.append(float(w[2]))
    def gen(p):
        i = bisect.bisect_left(mp, p)
        if i == 0: return mc[0]
        if i == len(mp): return mc[-1]
        return mc[i-1] + (mc[i] - mc[i-1]) * (p - mp[i-1]) / (mp[i] - mp[i-1])
    x0 = gen(pos)
    A, B = af(a), af(b)
    assert [r[1] for r in A] == [r[1] for r in B], "the two files have different sites"
    far = []; near = 0.0
    for (p, _, ac1, an1), (_, _, ac2, an2) in zip(A, B):
        p1, p2 = ac1 / an1, ac2 / an2
        q = (p1 + p2) / 2
        if q <= 0 or q >= 1: continue
        z = (p1 - p2) / math.sqrt(2 * q * (1 - q) / an1)
        if abs(gen(p) - x0) > cm: far.append(z)
        else: near = max(near, abs(z))
    print("far_sites", len(far))
    print("far_max_abs_z", max(abs(z) for z in far))
    print("far_mean_z2", sum(z * z for z in far) / len(far))
    print("near_max_abs_z", near)

main()
