#!/usr/bin/env bash
# Whole-process figures on short documents (issue #20), where what a
# document costs besides its text shows: COUNT records of one line each
# (scripts/gen_short_docs.py, from the bench corpus), against OpenCC
# 1.4.2's `opencc -c t2s` on the same lines as one plain file.
#
#   pip install opencc==1.4.2
#   bash scripts/bench_short.sh [ROUNDS] [COUNT]      # default 9, 200000
#   BASE_BIN=/path/to/older/zhclean bash scripts/bench_short.sh   # before/after
#
# Each command runs ROUNDS times, interleaved (with BASE_BIN, the older
# build too, in the same rounds); best wall time and peak RSS.
source "$(dirname "$0")/bench_common.sh"
need_opencc
ROUNDS=${1:-9}
COUNT=${2:-200000}
python3 scripts/gen_bench_corpus.py "$TMP/news" 20 > /dev/null
N=$(python3 scripts/gen_short_docs.py "$TMP/news.jsonl" "$TMP/short" "$COUNT")

labels=(opencc j1 j2)
[[ -n ${BASE_BIN:-} ]] && labels+=(base1 base2)
for _ in $(seq "$ROUNDS"); do
  measure opencc "$OPENCC" -c "$CONF/t2s.json" -i "$TMP/short.txt"
  measure j1 "$BIN" -j 1 "$TMP/short.jsonl"
  measure j2 "$BIN" -j 2 "$TMP/short.jsonl"
  if [[ -n ${BASE_BIN:-} ]]; then
    measure base1 "$BASE_BIN" -j 1 "$TMP/short.jsonl"
    measure base2 "$BASE_BIN" -j 2 "$TMP/short.jsonl"
  fi
done
cmp -s "$TMP/out.j1" "$TMP/out.j2" || { echo "output differs between 1 and 2 threads"; exit 1; }
echo "$N documents of one line ($(python3 -c "import os; print(f'{os.path.getsize(\"$TMP/short.jsonl\") / 1e6:.1f}')") MB of JSONL)"
for l in "${labels[@]}"; do
  python3 -c "
t, o, n = ${best[$l]}, ${best[opencc]}, $N
print(f'  {\"$l\":<7} {t:6.3f} s  {n / t:9.0f} documents/s  {${rss[$l]} // 1024:4d} MB peak  opencc/this {o / t:.2f}x')"
done
