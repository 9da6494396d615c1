#!/usr/bin/env bash
# Peak memory of the whole default pipeline on hostile shapes that grow
# buffers: a 64 MB line with no newline, 64 MB of blank lines after a held
# caption candidate, and 40 MB of one document. Prints peak RSS per case.
#
#   bash scripts/bench_memory.sh
source "$(dirname "$0")/bench_common.sh"
python3 - "$TMP" <<'PY'
import sys
d = sys.argv[1]
unit = "长句子没有换行，中间有“引号”和(dāng)注音与 space 。"
with open(f"{d}/line.txt", "w", encoding="utf-8") as f:
    n = 64_000_000 // len(unit.encode()) + 1
    f.write(unit * n)
with open(f"{d}/blank.txt", "w", encoding="utf-8") as f:
    f.write("这一段没有结束，还要继续往下写很多的字\n图为一张照片\n" + "\n" * 64_000_000 + "倪睿/摄\n")
PY
python3 scripts/gen_news_corpus.py "$TMP/doc" 40 ocr > /dev/null
for case in line blank doc; do
  /usr/bin/time -f "%e %M" -o "$TMP/time" "$BIN" "$TMP/$case.txt" > /dev/null
  read -r t m < "$TMP/time"
  size=$(stat -c %s "$TMP/$case.txt")
  echo "$case: $((size / 1000000)) MB in, ${t} s, peak RSS $((m / 1024)) MB"
done
