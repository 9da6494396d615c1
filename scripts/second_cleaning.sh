#!/usr/bin/env bash
# Idempotence on realistic documents (issue #17): cleans the bench corpus
# of scripts/gen_bench_corpus.py (SIZE_MB of OCR- and web-damaged news as
# JSONL, a quarter in Traditional characters when the `opencc` module is
# installed) with the default pipeline, cleans the output again, and
# counts the documents the second cleaning changes. With the `opencc`
# module it also counts, among them, those that OpenCC 1.4.2's own t2s
# changes again: zhclean's conversion is exactly OpenCC's, and OpenCC's
# t2s is not idempotent (`乾綱` -> `乾纲` -> `干纲`).
#
#   cargo build --release
#   bash scripts/second_cleaning.sh [SIZE_MB]        # default 20
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-20}
BIN=${ZHCLEAN_BIN:-target/release/zhclean}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
if python3 -c 'import opencc' 2>/dev/null; then trad=0.25; else trad=0; fi
python3 scripts/gen_bench_corpus.py "$TMP/corpus" "$SIZE" --traditional $trad > /dev/null
"$BIN" -q "$TMP/corpus.jsonl" -o "$TMP/once.jsonl" 2> /dev/null
"$BIN" -q "$TMP/once.jsonl" -o "$TMP/twice.jsonl" 2> /dev/null
python3 - "$TMP/once.jsonl" "$TMP/twice.jsonl" <<'EOF'
import json, sys
once = [json.loads(l)["text"] for l in open(sys.argv[1], encoding="utf-8")]
twice = [json.loads(l)["text"] for l in open(sys.argv[2], encoding="utf-8")]
changed = [i for i, (a, b) in enumerate(zip(once, twice)) if a != b]
print(f"documents {len(once)}, changed by a second cleaning {len(changed)}")
try:
    import opencc
except ImportError:
    sys.exit(0)
t2s = opencc.OpenCC("t2s")
by_opencc = [i for i in changed if t2s.convert(once[i]) != once[i]]
everywhere = sum(1 for a in once if t2s.convert(a) != a)
print(f"  of them, changed again by OpenCC's own t2s: {len(by_opencc)}"
      f" (OpenCC's t2s changes {everywhere} outputs in all)")
print(f"  other: {[i for i in changed if i not in by_opencc]}")
EOF
