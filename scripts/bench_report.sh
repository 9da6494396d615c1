#!/usr/bin/env bash
# `zhclean report` against a plain cleaning run (issue #21: at most 1.5x its
# time, a page under 5 MB), on the bench corpus of scripts/gen_bench_corpus.py
# (SIZE_MB of news as JSONL), whole processes, default threads, ROUNDS
# interleaved rounds, best of each.
#
#   bash scripts/bench_report.sh [ROUNDS] [SIZE_MB]     # default 9, 20
#
# Without the `opencc` module the corpus has no Traditional share
# (gen_bench_corpus.py --traditional 0); the ratio is about the same.
source "$(dirname "$0")/bench_common.sh"
ROUNDS=${1:-9}
SIZE=${2:-20}
if python3 -c 'import opencc' 2>/dev/null; then trad=0.25; else trad=0; fi
python3 scripts/gen_bench_corpus.py "$TMP/news" "$SIZE" --traditional "$trad" > /dev/null
best_clean=999 best_report=999
for _ in $(seq "$ROUNDS"); do
  read -r t _ < <(timed "$TMP/out.jsonl" "$BIN" -q "$TMP/news.jsonl")
  best_clean=$(python3 -c "print(min($best_clean, $t))")
  read -r t _ < <(timed "$TMP/report.stdout" "$BIN" report "$TMP/news.jsonl" -o "$TMP/page.html")
  best_report=$(python3 -c "print(min($best_report, $t))")
done
docs=$(wc -l < "$TMP/news.jsonl")
page=$(stat -c %s "$TMP/page.html")
python3 - "$best_clean" "$best_report" "$docs" "$page" <<'PY'
import sys
c, r, docs, page = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print(f"{docs} documents: cleaning {c:.3f} s, report {r:.3f} s ({r / c:.2f}x), page {page / 1e6:.1f} MB")
PY
