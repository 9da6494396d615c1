#!/usr/bin/env bash
# Runs benches/scaling.rs and prints, per pass, the throughput at 1 MB
# divided by the throughput at 100 kB on its worst-case input: about 1 for
# a linear pass, about 0.1 for a quadratic one.
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
    a, b = rates[(name, sizes[0])], rates[(name, sizes[-1])]
    print(f"{name:22} {a / 2**20:8.1f} MiB/s at {sizes[0]}  {b / 2**20:8.1f} MiB/s at {sizes[-1]}  ratio {b / a:.2f}")
'
