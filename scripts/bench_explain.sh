#!/usr/bin/env bash
# `zhclean explain` on one plain-text document of 1, 2, 4 and 8 MB of OCR
# news (scripts/gen_news_corpus.py), whole process: seconds, peak RSS, and
# the ratio of each size's time to the one before (about 2 when linear,
# about 4 when quadratic).
#
#     bash scripts/bench_explain.sh
source "$(dirname "$0")/bench_common.sh"
python3 scripts/gen_news_corpus.py "$TMP/news" 8 ocr >/dev/null
prev=""
for mb in 1 2 4 8; do
  head -c $((mb * 1000000)) "$TMP/news.txt" | python3 -c 'import sys; b=sys.stdin.buffer.read(); sys.stdout.buffer.write(b[:b.rfind(b"\n")+1])' > "$TMP/doc$mb.txt"
  read -r secs rss < <(timed "$TMP/explain$mb.out" "$BIN" explain "$TMP/doc$mb.txt")
  ratio=""
  [ -n "$prev" ] && ratio=$(python3 -c "print(f'{$secs / $prev:.2f}')")
  printf '%2d MB  %7.3f s  %6d MB peak  %s\n' "$mb" "$secs" $((rss / 1024)) "${ratio:+ratio $ratio}"
  prev=$secs
done
