#!/usr/bin/env bash
# Byte-identity check for refactors: runs two zhclean binaries over the
# seeds, the prose control, the OpenCC differential texts, the sample, the
# layout evaluation pages, a generated 40 MB news text and the 20 MB
# pipeline-speed corpus (scripts/gen_bench_corpus.py; Traditional share
# only when the `opencc` module is installed), with every preset, plain and JSONL, 1 and 2
# threads, with audits and stats (wall-time fields dropped), plus convert
# and explain; prints the files that differ.
#
#     cargo build --release && cp target/release/zhclean /tmp/zhclean.before
#     ... change the code ...
#     cargo build --release && bash scripts/check_identical.sh /tmp/zhclean.before target/release/zhclean
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=$(realpath "$1"); NEW=$(realpath "$2")
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
python3 scripts/gen_news_corpus.py "$TMP/bench" 40 >/dev/null
python3 scripts/gen_news_corpus.py "$TMP/small" 2 >/dev/null
if python3 -c 'import opencc' 2>/dev/null; then trad=0.25; else trad=0; fi
python3 scripts/gen_bench_corpus.py "$TMP/corpus" 20 --traditional $trad >/dev/null
R=tests/data
ins=("$R"/seeds/*.input.txt "$R"/prose/hongloumeng.txt "$R"/opencc/diff/*.txt data/sample/ocr-news.txt "$R"/layout/pages/*.input.txt)
run() {
  local BIN=$1 O=$2; mkdir -p "$O"
  for p in default ocr-news web minimal; do
    for f in "${ins[@]}"; do b=$(basename "$f")
      "$BIN" -q -p $p --audit "$O/$p.$b.audit" --stats "$O/$p.$b.stats" -o "$O/$p.$b.out" "$f" 2>"$O/$p.$b.err" || echo "rc=$?" >>"$O/$p.$b.err"
    done
  done
  for j in 1 2; do
    "$BIN" -q -j $j --audit "$O/bench.j$j.audit" --stats "$O/bench.j$j.stats" -o "$O/bench.j$j.out" "$TMP/bench.txt" 2>"$O/bench.j$j.err" || true
    "$BIN" -q -j $j -o "$O/benchjl.j$j.out" "$TMP/bench.jsonl" 2>"$O/benchjl.j$j.err" || true
    "$BIN" -q -j $j --audit "$O/corpus.j$j.audit" -o "$O/corpus.j$j.out" "$TMP/corpus.jsonl" 2>"$O/corpus.j$j.err" || true
    "$BIN" -q -j $j -o "$O/corpustxt.j$j.out" "$TMP/corpus.txt" 2>"$O/corpustxt.j$j.err" || true
    "$BIN" -q -j $j --dedup corpus --audit "$O/smalljl.j$j.audit" --stats "$O/smalljl.j$j.stats" -o "$O/smalljl.j$j.out" "$TMP/small.jsonl" 2>"$O/smalljl.j$j.err" || true
  done
  for c in t2s s2t s2twp; do "$BIN" convert -q -c $c -o "$O/conv.$c.out" "$R/opencc/diff/tang.txt" "$R/prose/hongloumeng.txt" 2>"$O/conv.$c.err" || true; done
  "$BIN" explain "$R/seeds/000_69be1e0508113bff.input.txt" >"$O/explain.out" 2>&1 || true
  "$BIN" explain --line 3 "$TMP/small.jsonl" >"$O/explainjl.out" 2>&1 || true
  for s in "$O"/*.stats; do
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("wall_seconds",None); json.dump(d,open(sys.argv[1],"w"),sort_keys=True,ensure_ascii=False)' "$s"
  done
}
run "$OLD" "$TMP/old"; run "$NEW" "$TMP/new"
if diff -rq "$TMP/old" "$TMP/new"; then echo "identical: $(ls "$TMP/new" | wc -l) files"; fi
