#!/usr/bin/env bash
# CPU time per pass of the default pipeline, one thread, on the bench
# corpus as JSONL (scripts/gen_bench_corpus.py, SIZE_MB): the passes are
# switched on one at a time in pipeline order, and each pass's figure is
# what switching it on added to the run before it (so it counts the pass
# on the text the passes before it leave, as in the pipeline). "framing"
# is the run with every pass off: reading, JSON records, writing.
#
#   pip install opencc==1.4.2    # for the corpus's Traditional share
#   bash scripts/bench_pass_time.sh [ROUNDS] [SIZE_MB]     # default 7, 20
#
# Next to bench_instructions.sh: a pass's share of the time is not its
# share of the instructions (cache misses, mispredicted branches). Each
# configuration runs once a round, the rounds interleaved; the figure is
# the least user+system time over the rounds (the machines are shared:
# compare figures of one run, not across runs).
source "$(dirname "$0")/bench_common.sh"
ROUNDS=${1:-7}
SIZE=${2:-20}
python3 scripts/gen_bench_corpus.py "$TMP/news" "$SIZE" > /dev/null
PASSES=(unicode pinyin script chrome caption unwrap rejoin paragraphs dedup punct)
# Config k: the first k passes on (paragraphs is the output mode).
for k in $(seq 0 ${#PASSES[@]}); do
  on=" ${PASSES[*]:0:$k} "
  {
    echo 'preset = "minimal"'
    for p in unicode pinyin script chrome caption unwrap rejoin dedup punct; do
      if [[ $on == *" $p "* ]]; then echo "$p = true"; else echo "$p = false"; fi
    done
    if [[ $on == *" paragraphs "* ]]; then echo 'output = "paragraphs"'; else echo 'output = "lines"'; fi
  } > "$TMP/cum$k.toml"
done
# The last configuration must be the default pipeline, or the figures would
# not add up to it.
"$BIN" -j 1 "$TMP/news.jsonl" > "$TMP/default.out"
"$BIN" --config "$TMP/cum${#PASSES[@]}.toml" -j 1 "$TMP/news.jsonl" > "$TMP/all.out"
cmp -s "$TMP/default.out" "$TMP/all.out" || { echo "every pass on is no longer the default pipeline"; exit 1; }
python3 - "$BIN" "$TMP" "$ROUNDS" "${#PASSES[@]}" "${PASSES[@]}" <<'PY'
import os, subprocess, sys
bin_, tmp, rounds, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
passes = sys.argv[5:]
def cpu(k):
    with open(os.devnull, "wb") as null:
        p = subprocess.Popen([bin_, "--config", f"{tmp}/cum{k}.toml", "-j", "1", f"{tmp}/news.jsonl"],
                             stdout=null, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
    assert status == 0, f"config {k} failed"
    return usage.ru_utime + usage.ru_stime
best = [float("inf")] * (n + 1)
for _ in range(rounds):
    best = [min(b, cpu(k)) for k, b in enumerate(best)]
total = best[-1]
size = os.path.getsize(f"{tmp}/news.jsonl") / 1e6
print(f"{size:.1f} MB JSONL; CPU time, one thread, least of {rounds} rounds; whole default pipeline {total * 1e3:.0f} ms")
print(f"  {'framing':12} {best[0] * 1e3:6.1f} ms  {100 * best[0] / total:5.1f}%")
for k, p in enumerate(passes, 1):
    d = best[k] - best[k - 1]
    print(f"  {p:12} {d * 1e3:6.1f} ms  {100 * d / total:5.1f}%")
PY
