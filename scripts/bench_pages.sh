#!/usr/bin/env bash
# Whole-process figures on a directory of page files (OCR output, a file a
# page): the bench corpus as plain text cut at line ends into files of
# about SIZE_KB each, cleaned with one `zhclean` command over all of them,
# against the same text as one plain file, and OpenCC 1.4.2's `opencc -c
# t2s` on that file. And the corpus as JSONL cut into shards of about
# SIZE_KB (a few records each), likewise ("shards").
#
#   pip install opencc==1.4.2
#   bash scripts/bench_pages.sh [ROUNDS] [SIZE_KB]      # default 9, 10
#   BASE_BIN=/path/to/older/zhclean bash scripts/bench_pages.sh   # before/after
#
# Each command runs ROUNDS times, interleaved (with BASE_BIN, the older
# build too, in the same rounds); best wall time and peak RSS.
source "$(dirname "$0")/bench_common.sh"
need_opencc
ROUNDS=${1:-9}
SIZE_KB=${2:-10}
python3 scripts/gen_bench_corpus.py "$TMP/news" 20 > /dev/null
mkdir "$TMP/pages"
N=$(python3 - "$TMP/news.txt" "$TMP/pages" "$SIZE_KB" <<'PY'
import sys
text, out, size = open(sys.argv[1], encoding="utf-8").read(), sys.argv[2], int(sys.argv[3]) * 1000
n, page = 0, []
for line in text.splitlines(keepends=True):
    page.append(line)
    if sum(len(l.encode()) for l in page) >= size:
        open(f"{out}/p{n:05d}.txt", "w", encoding="utf-8").write("".join(page))
        n, page = n + 1, []
if page:
    open(f"{out}/p{n:05d}.txt", "w", encoding="utf-8").write("".join(page))
    n += 1
print(n)
PY
)
mkdir "$TMP/shards"
python3 - "$TMP/news.jsonl" "$TMP/shards" "$SIZE_KB" <<'PY'
import sys
lines, out, size = open(sys.argv[1], encoding="utf-8").readlines(), sys.argv[2], int(sys.argv[3]) * 1000
n, shard = 0, []
for line in lines:
    shard.append(line)
    if sum(len(l.encode()) for l in shard) >= size:
        open(f"{out}/s{n:05d}.jsonl", "w", encoding="utf-8").write("".join(shard))
        n, shard = n + 1, []
if shard:
    open(f"{out}/s{n:05d}.jsonl", "w", encoding="utf-8").write("".join(shard))
PY
pages=("$TMP"/pages/p*.txt)
shards=("$TMP"/shards/s*.jsonl)
labels=(opencc j1 j2 one2 shards1 shards2)
[[ -n ${BASE_BIN:-} ]] && labels+=(base1 base2 bshards1 bshards2)
for _ in $(seq "$ROUNDS"); do
  measure opencc "$OPENCC" -c "$CONF/t2s.json" -i "$TMP/news.txt"
  measure j1 "$BIN" -q -j 1 "${pages[@]}"
  measure j2 "$BIN" -q -j 2 "${pages[@]}"
  measure one2 "$BIN" -q -j 2 "$TMP/news.txt"
  measure shards1 "$BIN" -q -j 1 "${shards[@]}"
  measure shards2 "$BIN" -q -j 2 "${shards[@]}"
  if [[ -n ${BASE_BIN:-} ]]; then
    measure base1 "$BASE_BIN" -q -j 1 "${pages[@]}"
    measure base2 "$BASE_BIN" -q -j 2 "${pages[@]}"
    measure bshards1 "$BASE_BIN" -q -j 1 "${shards[@]}"
    measure bshards2 "$BASE_BIN" -q -j 2 "${shards[@]}"
  fi
done
cmp -s "$TMP/out.j1" "$TMP/out.j2" || { echo "output differs between 1 and 2 threads"; exit 1; }
cmp -s "$TMP/out.shards1" "$TMP/out.shards2" || { echo "shards: output differs between 1 and 2 threads"; exit 1; }
echo "$N page files of about $SIZE_KB KB ($(du -sb "$TMP/pages" | awk '{printf "%.1f", $1 / 1e6}') MB); one2: the same text as one file, -j 2;"
echo "shards: the corpus as ${#shards[@]} JSONL shards of about $SIZE_KB KB (b…: BASE_BIN)"
for l in "${labels[@]}"; do
  python3 -c "
t, o = ${best[$l]}, ${best[opencc]}
print(f'  {\"$l\":<7} {t:6.3f} s  {${rss[$l]} // 1024:4d} MB peak  opencc/this {o / t:.2f}x')"
done
