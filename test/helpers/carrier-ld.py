#!/usr/bin/env python3
"""Linkage disequilibrium around a conditioned site, among carriers.

usage: carrier-ld.py [--edit] SYN.bcf SYN_SAMPLES PANEL.vcf.gz PANEL_SAMPLES CHR:POS:REF:ALT WINDOW_BP [SEED]

SYN_SAMPLES / PANEL_SAMPLES: files naming the carrier samples (one a line).
Over the haplotypes of the carriers, r^2 between the site's allele and each
biallelic site within WINDOW_BP of it (sites monomorphic among them count as
0); prints the synthetic mean, the real mean, and the 2.5% and 97.5% points
of the real mean over 500 bootstrap resamples of the real carriers.  With
--edit the synthetic samples are made carriers by editing: ALT written on
their first haplotype, REF on the second (the negative control):
  syn_mean_r2 X
  real_mean_r2 X
  real_lo X
  real_hi X
"""
import random, subprocess, sys

def haplotypes(path, samples, chrom, pos, window):
    region = "%s:%d-%d" % (chrom, max(1, pos - window), pos + window)
    out = subprocess.run(["bcftools", "query", "-r", region, "-S", samples, "-i", "N_ALT==1",
                          "-f", "%POS:%REF:%ALT[\t%GT]\n", path], check=True, capture_output=True, text=True).stdout
    sites = {}
    for line in out.splitlines():
        w = line.split("\t")
        alleles = []
        for gt in w[1:]:
            alleles += [int(gt[0] == "1"), int(gt[2] == "1")]
        sites[w[0]] = alleles
    return sites

def mean_r2(sites, key, hap_index):
    x = [sites[key][i] for i in hap_index]
    n = len(x)
    mx = sum(x) / n
    vx = mx * (1 - mx)
    total = count = 0
    for k, v in sites.items():
        if k == key: continue
        y = [v[i] for i in hap_index]
        my = sum(y) / n
        vy = my * (1 - my)
        count += 1
        if vx == 0 or vy == 0: continue
        cov = sum(a * b for a, b in zip(x, y)) / n - mx * my
        total += cov * cov / (vx * vy)
    return total / count

def main():
    edit = "--edit" in sys.argv
    if edit: sys.argv.remove("--edit")
    syn, syn_s, panel, panel_s, site, window = sys.argv[1:7]
    seed = int(sys.argv[7]) if len(sys.argv) > 7 else 1
    chrom, pos, ref, alt = site.rsplit(":", 3)
    key = "%s:%s:%s" % (pos, ref, alt)
    pos, window = int(pos), int(window)
    s = haplotypes(syn, syn_s, chrom, pos, window)
    if edit: s[key] = [1 - (i % 2) for i in range(len(s[key]))]
    r = haplotypes(panel, panel_s, chrom, pos, window)
    n_syn, n_real = len(s[key]) // 2, len(r[key]) // 2
    print("syn_carriers", n_syn)
    print("real_carriers", n_real)
    print("syn_mean_r2", mean_r2(s, key, range(2 * n_syn)))
    print("real_mean_r2", mean_r2(r, key, range(2 * n_real)))
    rng = random.Random(seed)
    boot = []
    for _ in range(500):
        pick = [rng.randrange(n_real) for _ in range(n_real)]
        boot.append(mean_r2(r, key, [2 * i + j for i in pick for j in (0, 1)]))
    boot.sort()
    print("real_lo", boot[12])
    print("real_hi", boot[487])

main()
