#!/usr/bin/env bash
# Whole-process figures for corpus work (issue #20), on the bench corpus of
# scripts/gen_bench_corpus.py (SIZE_MB of OCR- and web-damaged news, many
# documents, a quarter in Traditional characters), all in one run:
#
# * OpenCC 1.4.2's `opencc` command, t2s alone, on the texts as one plain
#   file (the baseline);
# * `zhclean convert -c t2s` on the same file (conversion alone);
# * `zhclean` default pipeline on the plain file, 1 and 2 threads;
# * `zhclean` default pipeline on the same documents as JSONL, 1 and 2
#   threads (the main job; checked byte-identical between thread counts).
#
#   pip install opencc==1.4.2
#   bash scripts/bench_pipeline.sh [ROUNDS] [SIZE_MB]     # default 9, 20
#
# Each command runs ROUNDS times, interleaved; best wall time and peak RSS.
# The machines are shared: fewer rounds often miss an undisturbed run,
# which shows most in the 1-thread/2-thread ratio.
source "$(dirname "$0")/bench_common.sh"
need_opencc
ROUNDS=${1:-9}
SIZE=${2:-20}
python3 scripts/gen_bench_corpus.py "$TMP/news" "$SIZE" > /dev/null

for _ in $(seq "$ROUNDS"); do
  measure opencc "$OPENCC" -c "$CONF/t2s.json" -i "$TMP/news.txt"
  measure convert "$BIN" convert -c t2s "$TMP/news.txt"
  measure plain1 "$BIN" -j 1 "$TMP/news.txt"
  measure plain2 "$BIN" -j 2 "$TMP/news.txt"
  measure jsonl1 "$BIN" -j 1 "$TMP/news.jsonl"
  measure jsonl2 "$BIN" -j 2 "$TMP/news.jsonl"
done
cmp -s "$TMP/out.jsonl1" "$TMP/out.jsonl2" || { echo "JSONL output differs between 1 and 2 threads"; exit 1; }
cmp -s "$TMP/out.plain1" "$TMP/out.plain2" || { echo "plain-text output differs between 1 and 2 threads"; exit 1; }
size=$(stat -c %s "$TMP/news.txt")
docs=$(wc -l < "$TMP/news.jsonl")
python3 - "$size" "$docs" "${best[opencc]}" "${best[convert]}" "${best[plain1]}" "${best[plain2]}" "${best[jsonl1]}" "${best[jsonl2]}" \
  "${rss[opencc]}" "${rss[convert]}" "${rss[plain1]}" "${rss[plain2]}" "${rss[jsonl1]}" "${rss[jsonl2]}" <<'PY'
import sys
size, docs = int(sys.argv[1]), int(sys.argv[2])
keys = ["opencc", "convert", "plain1", "plain2", "jsonl1", "jsonl2"]
t = dict(zip(keys, map(float, sys.argv[3:9])))
m = dict(zip(keys, map(int, sys.argv[9:15])))
mb = size / 1e6
print(f"{mb:.1f} MB, {docs} documents")
for k, label in [("opencc", "opencc -c t2s"), ("convert", "zhclean convert -c t2s"),
                 ("plain1", "zhclean -j 1 (default, plain text)"), ("plain2", "zhclean -j 2 (default, plain text)"),
                 ("jsonl1", "zhclean -j 1 (default, JSONL)"), ("jsonl2", "zhclean -j 2 (default, JSONL)")]:
    print(f"  {label:32} {t[k]:6.2f} s  {mb / t[k]:6.1f} MB/s  {m[k] / 1024:5.0f} MB peak  opencc/this {t['opencc'] / t[k]:.2f}x")
print(f"  plain text: 2 threads {t['plain1'] / t['plain2']:.2f}x one thread")
print(f"  JSONL documents/s: 1 thread {docs / t['jsonl1']:.0f}, 2 threads {docs / t['jsonl2']:.0f} ({t['jsonl1'] / t['jsonl2']:.2f}x)")
PY
