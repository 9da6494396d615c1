#!/usr/bin/env bash
# Runs benches/scaling.rs and prints, per pass, its throughput on its
# worst-case input at 100 kB, 1 MB and 10 MB, and the ratio of each size's
# throughput to the one before: about 1 for a linear pass, about 0.1 for a
# quadratic one.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --bench scaling -- --warm-up-time 1 --measurement-time 2 "$@" 2>/dev/null \
  | python3 -c '
import re, sys
cur, rates = None, {}
units = {"B/s": 1, "KiB/s": 1024, "MiB/s": 1024**2, "GiB/s": 1024**3}
for line in sys.stdin:
    m = re.match(r"^(scaling/\S+)/(\d+)", line.strip())
    if m:
        cur = (m.group(1), int(m.group(2)))
    m = re.search(r"thrpt:\s+\[\S+ \S+ (\S+) (\S+) ", line)
    if m and cur:
        rates[cur] = float(m.group(1)) * units[m.group(2)]
        cur = None
for name in sorted({k[0] for k in rates}):
    sizes = sorted(k[1] for k in rates if k[0] == name)
    cols = "  ".join(f"{rates[(name, n)] / 2**20:7.1f} MiB/s at {n}" for n in sizes)
    ratios = " ".join(f"{rates[(name, b)] / rates[(name, a)]:.2f}" for a, b in zip(sizes, sizes[1:]))
    print(f"{name:20} {cols}  ratios {ratios}")
'
