#!/usr/bin/env python3
"""Writes an OCR-style news corpus of about SIZE bytes for whole-process
benches (scripts/bench_pipeline.sh), as plain text and as JSONL.

The five seed documents are repeated with every Han character replaced, with
probability P, by another Han character drawn from the seeds. The layout
(wrapped lines, blank-line gaps, captions, credits, page-jump markers, pinyin
annotations, web chrome) and the punctuation stay; the text of each copy is
different, so duplicate removal does not reduce the work, as it would on
plain repetition. Deterministic (fixed seed).

    python3 scripts/gen_news_corpus.py OUT_PREFIX [SIZE_MB] [ocr|all]

`ocr` uses only the OCR newspaper seeds (000-002); `all` (the default) adds
the two web pages.
    -> OUT_PREFIX.txt (documents separated by a blank line)
       OUT_PREFIX.jsonl ({"id": n, "text": ...} per document)
"""
import glob
import json
import os
import random
import sys

P = 0.15
prefix = sys.argv[1]
size = int(float(sys.argv[2]) * 1e6) if len(sys.argv) > 2 else 40_000_000
root = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "seeds")
docs = [open(f, encoding="utf-8").read() for f in sorted(glob.glob(os.path.join(root, "*.input.txt")))]
if len(sys.argv) > 3 and sys.argv[3] == "ocr":
    docs = docs[:3]
han = sorted({c for d in docs for c in d if "\u4e00" <= c <= "\u9fff"})
rng = random.Random(20261123)
total = 0
with open(prefix + ".txt", "w", encoding="utf-8") as txt, open(prefix + ".jsonl", "w", encoding="utf-8") as jl:
    n = 0
    while total < size:
        d = docs[n % len(docs)]
        out = "".join(rng.choice(han) if "\u4e00" <= c <= "\u9fff" and rng.random() < P else c for c in d)
        txt.write(out.rstrip("\n") + "\n\n")
        jl.write(json.dumps({"id": n, "text": out}, ensure_ascii=False) + "\n")
        total += len(out.encode("utf-8")) + 2
        n += 1
print(f"{n} documents, {total / 1e6:.1f} MB")
