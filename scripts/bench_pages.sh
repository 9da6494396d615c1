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
# cut IN DIR NAME SIZE_KB: the lines of IN into files DIR/NAME00000 ...
# (NAME's suffix kept) of about SIZE_KB each, cut at line ends.
cut() {
  mkdir "$2"
  python3 - "$@" <<'PY'
import os, re, sys
src, out, name, size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]) * 1000
stem, ext = os.path.splitext(name)
n, piece, bytes_ = 0, [], 0
def write():
    global n, piece, bytes_
    open(f"{out}/{stem}{n:05d}{ext}", "w", encoding="utf-8", newline="").write("".join(piece))
    n, piece, bytes_ = n + 1, [], 0
# (At '\n' alone: a JSON string may hold a raw U+2028, which
# `splitlines` would cut at.)
for line in re.findall(r"[^\n]*\n|[^\n]+$", open(src, encoding="utf-8", newline="").read()):
    piece.append(line)
    bytes_ += len(line.encode())
    if bytes_ >= size:
        write()
if piece:
    write()
PY
}
cut "$TMP/news.txt" "$TMP/pages" p.txt "$SIZE_KB"
cut "$TMP/news.jsonl" "$TMP/shards" s.jsonl "$SIZE_KB"
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
echo "${#pages[@]} page files of about $SIZE_KB KB ($(du -sb "$TMP/pages" | awk '{printf "%.1f", $1 / 1e6}') MB); one2: the same text as one file, -j 2;"
echo "shards: the corpus as ${#shards[@]} JSONL shards of about $SIZE_KB KB (b…: BASE_BIN)"
for l in "${labels[@]}"; do
  python3 -c "
t, o = ${best[$l]}, ${best[opencc]}
print(f'  {\"$l\":<7} {t:6.3f} s  {${rss[$l]} // 1024:4d} MB peak  opencc/this {o / t:.2f}x')"
done
