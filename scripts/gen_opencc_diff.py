#!/usr/bin/env python3
"""Generate the OpenCC differential test data in tests/data/opencc/diff/.

Inputs (written once, committed):
  tang.txt     Tang poems, Traditional script   (chinese-poetry, MIT)
  songci.txt   Song ci, Simplified script       (chinese-poetry, MIT)
  phrases.txt  OpenCC's own phrase keys, shuffled into lines (Apache-2.0),
               so that phrase boundaries, regional vocabulary and
               segmentation are exercised far more densely than in prose
Also converted, not written: ../../prose/hongloumeng.txt (1.46 MB of
vernacular prose in Simplified script, public domain; see its README), read
byte for byte from the prose control and named in expected.tsv by that
relative path.

Expected (committed): expected.tsv, one row per (config, input, block of 256
lines): the first 16 hex digits of SHA-256 of the block of OpenCC 1.4.2's
output, lines joined with '\n'. Hashes keep the file small; the Rust test
names the failing block so it can be inspected by rerunning OpenCC.

Usage:
  pip install opencc==1.4.2
  npm pack chinese-poetry && tar xzf chinese-poetry-2.0.1.tgz
  python3 scripts/gen_opencc_diff.py --poetry package --dicts data/opencc/dictionary
or, to recompute expected.tsv from the committed inputs:
  python3 scripts/gen_opencc_diff.py --keep-inputs
"""
import argparse
import glob
import hashlib
import json
import os
import random

import opencc

CONFIGS = ["s2t", "t2s", "s2tw", "tw2s", "s2twp", "tw2sp", "s2hk", "hk2s", "s2hkp", "hk2sp",
           "t2tw", "tw2t", "t2hk", "hk2t", "t2jp", "jp2t"]
BLOCK = 256
TARGET = 700_000  # bytes per poetry input


def poems(files, key_title, limit):
    out, size = [], 0
    for f in files:
        for p in json.load(open(f, encoding="utf-8")):
            lines = [p.get(key_title, "")] + p.get("paragraphs", [])
            for line in lines:
                line = line.strip()
                if line:
                    out.append(line)
                    size += len(line.encode()) + 1
            if size >= limit:
                return out
    return out


def keys(path):
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or "\t" not in line:
            continue
        yield line.split("\t", 1)[0]


def phrase_lines(dicts):
    rng = random.Random(20261123)
    names = ["TSPhrases", "TWPhrases", "TWPhrasesRev", "HKPhrases", "HKPhrasesRev", "TWVariantsRevPhrases",
             "HKVariantsRevPhrases", "HKVariantsPhrases", "TWVariantsPhrases", "JPShinjitaiPhrases"]
    ks = []
    for n in names:
        ks += list(keys(os.path.join(dicts, n + ".txt")))
    st = list(keys(os.path.join(dicts, "STPhrases.txt")))
    ks += st[::4]
    rng.shuffle(ks)
    seps = ["", "", "", "，", " ", "的", "。"]
    lines = []
    for i in range(0, len(ks), 12):
        chunk = ks[i:i + 12]
        lines.append("".join(k + rng.choice(seps) for k in chunk))
    return lines


def block_hashes(text):
    lines = text.split("\n")
    for b in range(0, len(lines), BLOCK):
        block = "\n".join(lines[b:b + BLOCK])
        yield b // BLOCK, hashlib.sha256(block.encode()).hexdigest()[:16]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--poetry", help="unpacked chinese-poetry npm package")
    ap.add_argument("--dicts", help="data/opencc/dictionary")
    ap.add_argument("--out", default="tests/data/opencc/diff")
    ap.add_argument("--prose", default="tests/data/prose/hongloumeng.txt")
    ap.add_argument("--keep-inputs", action="store_true", help="read the inputs already in --out")
    a = ap.parse_args()
    if not a.keep_inputs and not (a.poetry and a.dicts):
        ap.error("--poetry and --dicts are needed to build the inputs (or --keep-inputs)")
    os.makedirs(a.out, exist_ok=True)
    names = ["tang.txt", "songci.txt", "phrases.txt"]
    if a.keep_inputs:
        texts = {n: open(os.path.join(a.out, n), encoding="utf-8", newline="").read() for n in names}
    else:
        texts = write_inputs(a)
    # The prose control is converted where it lies, named by its path from
    # --out, so that the test reads every input the same way.
    texts[os.path.relpath(a.prose, a.out)] = open(a.prose, encoding="utf-8", newline="").read()
    rows = []
    for name, text in texts.items():
        for cfg in CONFIGS:
            out = opencc.OpenCC(cfg).convert(text)
            for idx, h in block_hashes(out):
                rows.append(f"{cfg}\t{name}\t{idx}\t{h}\n")
    with open(os.path.join(a.out, "expected.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# OpenCC {opencc.__version__} output, SHA-256[:16] per block of {BLOCK} lines\n")
        f.writelines(rows)


def write_inputs(a):
    """Builds the poetry and phrase inputs and writes them to --out."""
    def numbered(pattern):
        files = [f for f in glob.glob(os.path.join(a.poetry, pattern)) if f.split(".")[-2].isdigit()]
        return sorted(files, key=lambda f: int(f.split(".")[-2]))
    tang = numbered("dist/quantangshi/poet.tang.*.json")
    song = numbered("dist/songci/ci.song.*.json")
    inputs = {
        "tang.txt": poems(tang, "title", TARGET),
        "songci.txt": poems(song, "rhythmic", TARGET),
        "phrases.txt": phrase_lines(a.dicts),
    }
    texts = {}
    for name, lines in inputs.items():
        text = "\n".join(lines) + "\n"
        with open(os.path.join(a.out, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        texts[name] = text
    return texts


if __name__ == "__main__":
    main()
