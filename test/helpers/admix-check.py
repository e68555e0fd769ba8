#!/usr/bin/env python3
"""Checks an admixed synthetic cohort against its --local-ancestry tracts.

usage: admix-check.py [--rate T] TRACTS.gz SYN.bcf MAP.gmap.gz|- PANEL.vcf.gz PANEL.tsv GROUP_A GROUP_B [PROVENANCE]

Prints one line per measure (name value ...), for the bats test to bound:
  coverage_errors   haplotypes whose rows do not cover every written site exactly once
  share_A           mean share of GROUP_A by genetic length over samples
  interior_n / interior_rate / ks_d / ks_crit
                    interior tract lengths (Morgans, boundaries at midpoints
                    between sites): their count, 1 / mean, and with --rate T
                    the KS distance to rate-T exponential tracts seen on the
                    contig (one contig) and its 1% critical value
  ls_bias / ls_sd / ls_mae
                    supervised least-squares estimate of each sample's GROUP_A
                    share from the two groups' panel allele frequencies, minus
                    its share of sites in GROUP_A tracts: mean, sd, mean |.|
  prov_pieces / prov_outside / prov_wrong_group / prov_mismatch_rate
"""
import bisect, gzip, math, subprocess, sys

def query(args):
    return subprocess.run(["bcftools", "query"] + args, check=True, capture_output=True, text=True).stdout

def read_map(path):
    pos, cm = [], []
    with gzip.open(path, "rt") as f:
        next(f)
        for line in f:
            p, _, c = line.split()[:3]
            pos.append(int(p)); cm.append(float(c))
    return pos, cm

def genetic(m, p):
    pos, cm = m
    i = bisect.bisect_left(pos, p)
    if i == 0: return cm[0]
    if i == len(pos): return cm[-1]
    if pos[i] == p: return cm[i]
    return cm[i-1] + (cm[i] - cm[i-1]) * (p - pos[i-1]) / (pos[i] - pos[i-1])

def main():
    tracts, syn, mapf, panel, panel_tsv, ga, gb = sys.argv[1:8]
    prov = sys.argv[8] if len(sys.argv) > 8 else None
    rate = None
    sites = [(c, int(p)) for c, p in (x.split(":") for x in query(["-f", "%CHROM:%POS\n", syn]).split())]
    if mapf == "-":            # no map: lengths in sites
        site_x = list(range(len(sites)))
    else:
        gmap = read_map(mapf)
        site_x = [genetic(gmap, p) / 100 for _, p in sites]
    first, last = {}, {}       # split multi-allelic records share a position
    for i, p in enumerate(sites):
        first.setdefault(p, i)
        last[p] = i
    rows = {}
    with gzip.open(tracts, "rt") as f:
        for line in f:
            if line.startswith("#"): continue
            s, h, c, a, b, g = line.split()
            rows.setdefault((s, int(h)), []).append((first[(c, int(a))], last[(c, int(b))], g))
    bad = 0
    lengths, share = [], {}
    truth_sites = {}
    for key, rs in rows.items():
        rs.sort()
        ok = rs[0][0] == 0 and rs[-1][1] == len(sites) - 1
        ok &= all(rs[k][1] + 1 == rs[k+1][0] and rs[k][0] <= rs[k][1] for k in range(len(rs) - 1))
        bad += not ok
        def edge(i):   # midpoint between site i-1 and i
            if i <= 0: return site_x[0]
            if i >= len(sites): return site_x[-1]
            return (site_x[i-1] + site_x[i]) / 2
        tot = a_len = 0
        a_sites = 0
        for k, (a, b, g) in enumerate(rs):
            L = edge(b + 1) - edge(a)
            tot += L
            if g == ga: a_len += L; a_sites += b - a + 1
            if 0 < k < len(rs) - 1: lengths.append(L)
        share.setdefault(key[0], []).append(a_len / tot)
        truth_sites.setdefault(key[0], []).append(a_sites / len(sites))
    print("coverage_errors", bad)
    print("haplotypes", len(rows))
    print("share_A", sum(sum(v) / 2 for v in share.values()) / len(share))
    n = len(lengths)
    lengths.sort()
    fitted = n / sum(lengths)
    print("interior_n", n)
    print("interior_rate", fitted)
    return rows, lengths, truth_sites, sites, site_x, prov, panel, panel_tsv, ga, gb, syn

def ks(lengths, rate, L):
    """KS distance to the law of the interior gaps of a Poisson process of
    this rate seen on a window of length L: density proportional to
    (L - l) exp(-rate l), since a long tract more often reaches an end."""
    n = len(lengths)
    d = 0
    G = lambda l: (L - 1 / rate) * (1 - math.exp(-rate * l)) + l * math.exp(-rate * l)
    for i, x in enumerate(lengths):
        F = G(x) / G(L)
        d = max(d, abs(F - i / n), abs(F - (i + 1) / n))
    return d

def least_squares(syn, panel, panel_tsv, ga, gb, sites, truth_sites):
    group = {}
    with open(panel_tsv) as f:
        for line in f:
            w = line.split()
            group[w[0]] = w[2]
    names = query(["-l", panel]).split()
    cols = [(i, group.get(s)) for i, s in enumerate(names)]
    freq = {}
    for line in query(["-f", "%CHROM:%POS:%REF:%ALT[\t%GT]\n", "-i", 'N_ALT==1', panel]).splitlines():
        w = line.split("\t")
        cnt = {ga: [0, 0], gb: [0, 0]}
        for i, g in cols:
            if g in cnt:
                gt = w[1 + i]
                for a in gt.replace("/", "|").split("|"):
                    if a in "01":
                        cnt[g][0] += a == "1"; cnt[g][1] += 1
        freq[w[0]] = (cnt[ga][0] / cnt[ga][1], cnt[gb][0] / cnt[gb][1])
    syn_names = query(["-l", syn]).split()
    num = [0.0] * len(syn_names); den = 0.0
    for line in query(["-f", "%CHROM:%POS:%REF:%ALT[\t%GT]\n", syn]).splitlines():
        w = line.split("\t")
        fa, fb = freq[w[0]]
        d = fa - fb
        den += d * d
        for k, gt in enumerate(w[1:]):
            x = (gt[0] == "1") + (gt[2] == "1")
            num[k] += (x / 2 - fb) * d
    err = 0
    diffs = []
    for k, s in enumerate(syn_names):
        q = min(1, max(0, num[k] / den))
        err += abs(q - sum(truth_sites[s]) / 2)
        diffs.append(num[k] / den - sum(truth_sites[s]) / 2)
    mu = sum(diffs) / len(diffs)
    print("ls_bias", mu)
    print("ls_sd", (sum((d - mu) ** 2 for d in diffs) / len(diffs)) ** 0.5)
    return err / len(syn_names)

def provenance(path, rows, syn, panel, panel_tsv):
    group = {}
    with open(panel_tsv) as f:
        for line in f:
            w = line.split()
            group[w[0]] = w[2]
    sites = [(c, int(p)) for c, p in (x.split(":") for x in query(["-f", "%CHROM:%POS\n", syn]).split())]
    first, last = {}, {}
    for i, p in enumerate(sites):
        first.setdefault(p, i)
        last[p] = i
    pieces = outside = wrong = 0
    checks = []
    with open(path) as f:
        for line in f:
            if line.startswith("#"): continue
            s, h, c, a, b, src, sh = line.split()[:7]
            a, b = first[(c, int(a))], last[(c, int(b))]
            pieces += 1
            tract = [r for r in rows[(s, int(h))] if r[0] <= a <= r[1]]
            if not tract or b > tract[0][1]: outside += 1; continue
            if group.get(src) != tract[0][2]: wrong += 1
            checks.append((s, int(h), src, int(sh), a, b))
    # alleles: synthetic vs source over each piece (records keyed by POS, REF, ALT)
    syn_rows = [l.split("\t") for l in query(["-f", "%CHROM:%POS:%REF:%ALT[\t%GT]\n", syn]).splitlines()]
    keys = set(r[0] for r in syn_rows)
    pan = {}
    for line in query(["-f", "%CHROM:%POS:%REF:%ALT[\t%GT]\n", panel]).splitlines():
        w = line.split("\t")
        if w[0] in keys: pan[w[0]] = w[1:]
    scol = {s: i for i, s in enumerate(query(["-l", syn]).split())}
    pcol = {s: i for i, s in enumerate(query(["-l", panel]).split())}
    total = mism = 0
    for s, h, src, sh, a, b in checks:
        for i in range(a, b + 1):
            x = syn_rows[i][1 + scol[s]][2 * (h - 1)]
            y = pan[syn_rows[i][0]][pcol[src]][2 * (sh - 1)]
            total += 1; mism += x != y
    print("prov_pieces", pieces)
    print("prov_outside", outside)
    print("prov_wrong_group", wrong)
    print("prov_mismatch_rate", mism / max(total, 1))

if __name__ == "__main__":
    rate_given = float(sys.argv[sys.argv.index("--rate") + 1]) if "--rate" in sys.argv else None
    if rate_given is not None:
        i = sys.argv.index("--rate"); del sys.argv[i:i+2]
    rows, lengths, truth_sites, sites, site_x, prov, panel, panel_tsv, ga, gb, syn = main()
    if rate_given is not None:
        print("ks_d", ks(lengths, rate_given, site_x[-1] - site_x[0]))
        print("ks_crit", 1.63 / math.sqrt(len(lengths)))   # alpha = 0.01
    print("ls_mae", least_squares(syn, panel, panel_tsv, ga, gb, sites, truth_sites))
    if prov: provenance(prov, rows, syn, panel, panel_tsv)
