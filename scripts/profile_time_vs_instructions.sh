#!/usr/bin/env bash
# Where CPU time and instructions part, per function: the default pipeline
# on SIZE_MB of the bench corpus (scripts/gen_bench_corpus.py) as one plain
# file, one thread, sampled by `perf record -e cpu-clock` (software
# sampling: works where there are no hardware counters) and counted by
# callgrind, on one build with line tables. A function whose share of the
# samples is well above its share of the instructions mispredicts branches
# or misses the cache (chrome's two-byte Teddy fingerprint was one: +0.6%
# instructions when fixed, -2.9% CPU time); one well below is cheap per
# instruction. Instruction counts alone would not show either.
#
#   pip install opencc==1.4.2      # the corpus generator needs it
#   bash scripts/profile_time_vs_instructions.sh [SIZE_MB] [ROWS]   # 20, 40
#
# Needs `perf` and `valgrind`. Prints: time %, instructions %, their ratio,
# function (self costs; inlined code counts in the function it is inlined
# into).
source "$(dirname "$0")/bench_common.sh"
SIZE=${1:-20}
ROWS=${2:-40}
command -v perf > /dev/null && command -v valgrind > /dev/null || { echo "needs perf and valgrind" >&2; exit 1; }
CARGO_PROFILE_RELEASE_DEBUG=line-tables-only RUSTFLAGS="-C symbol-mangling-version=v0" \
  cargo build --release --quiet --target-dir target/lines
LINES=target/lines/release/zhclean
python3 scripts/gen_bench_corpus.py "$TMP/corpus" "$SIZE" > /dev/null
perf record -q -e cpu-clock -F 20000 -o "$TMP/perf.data" "$LINES" -j 1 "$TMP/corpus.txt" > /dev/null 2> /dev/null
perf report -i "$TMP/perf.data" --no-children --stdio --sort symbol 2> /dev/null > "$TMP/time.txt"
valgrind --tool=callgrind --callgrind-out-file="$TMP/cg.out" "$LINES" -j 1 "$TMP/corpus.txt" > /dev/null 2> /dev/null
callgrind_annotate --threshold=100 "$TMP/cg.out" 2> /dev/null > "$TMP/instr.txt"
python3 - "$TMP/time.txt" "$TMP/instr.txt" "$ROWS" <<'PY'
import re, sys
time_file, instr_file, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
# callgrind: "N (p%)  file:function [object]", one line per file the
# function's code (its own and what was inlined into it) comes from.
instr = {}
for line in open(instr_file):
    m = re.match(r"\s*[\d,]+ \(\s*([\d.]+)%\)\s+(.*)$", line)
    if not m:
        continue
    rest = re.sub(r" \[[^\]]*\]$", "", m.group(2).rstrip())
    f = re.search(r"\.(?:rs|S|c|h):(.*)$", rest) or re.search(r"\?\?\?:(.*)$", rest)
    if f:
        name = f.group(1).strip()
        instr[name] = instr.get(name, 0.0) + float(m.group(1))
# perf: "p%  [.] symbol   (columns)"; libc's memmove is named by its
# variant, which differs between the two tools.
print(f"{'time %':>7} {'instr %':>8} {'ratio':>6}  function")
n = 0
for line in open(time_file):
    m = re.match(r"\s+([\d.]+)%\s+\[.\]\s+(.*?)(?:\s{2,}|$)", line)
    if not m:
        continue
    share, name = float(m.group(1)), m.group(2)
    ins = instr.get(name, 0.0)
    if name.startswith("__memmove"):
        ins = sum(v for k, v in instr.items() if k.startswith("__memcpy") or k.startswith("__memmove"))
    ratio = f"{share / ins:6.2f}" if ins else "     -"
    print(f"{share:7.2f} {ins:8.2f} {ratio}  {name[:100]}")
    n += 1
    if n >= rows:
        break
PY
