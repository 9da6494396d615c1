#!/usr/bin/env python3
"""Writes the pipeline-speed bench corpus (issue #20): many news documents,
each damaged as OCR of a printed page or as a crawled web page, no two the
same, as JSONL and as one plain-text file of the same texts.

    python3 scripts/gen_bench_corpus.py OUT_PREFIX [SIZE_MB] [--traditional P]
    -> OUT_PREFIX.jsonl  ({"id": n, "text": ...} per document)
       OUT_PREFIX.txt    (the same texts, separated by a blank line)

Text: the paragraphs of the layout evaluation sources
(`tests/data/layout/source`, public-domain court documents) and of the
seeds' gold (`tests/data/seeds/*.gold.txt`). Each document takes a title
and 4-24 paragraphs drawn from that pool, with 12% of its Han characters
replaced by other Han characters of the pool, so no paragraph repeats
between documents (corpus dedup and the in-document dedup see the work a
real corpus gives them, not a copy of the same page).

Damage, drawn per document (deterministic, fixed seed):
* 60% OCR pages, by `gen_layout_eval.page`: hard wraps at 11-26 cells,
  indents, running heads and feet, captions and credits, page-jump
  markers, wrap spaces;
* 40% web pages: a breadcrumb, a date line, pinyin annotations after some
  characters (pairs taken from the seed that carries them), ASCII commas
  and colons in Chinese text, full-width digits, a zero-width space or a
  no-break space here and there, a paragraph printed twice, and a
  copyright / ICP / contact footer;
* with `--traditional P` (default 0.25), that share of documents is set
  in Traditional characters by OpenCC 1.4.2's s2t (`pip install
  opencc==1.4.2`, which the bench needs anyway), so t2s has work to do.
"""
import glob
import json
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_layout_eval as lay  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SEED = 20261203
P_REPLACE = 0.12


def pool():
    paras, titles = [], []
    for f in sorted(glob.glob(os.path.join(ROOT, "tests/data/layout/source/*.txt"))):
        lines = [x.strip() for x in open(f, encoding="utf-8").read().split("\n") if x.strip()]
        titles.append(lines[0])
        paras += lines[1:]
    for f in sorted(glob.glob(os.path.join(ROOT, "tests/data/seeds/*.gold.txt"))):
        lines = [x.strip().lstrip("~") for x in open(f, encoding="utf-8").read().split("\n") if x.strip()]
        titles.append(lines[0])
        paras += [x for x in lines[1:] if len(x) >= 20]
    return titles, paras


def pinyin_pairs():
    """(character, annotation) pairs as the converted web seed prints them."""
    text = open(glob.glob(os.path.join(ROOT, "tests/data/seeds/003_*.input.txt"))[0], encoding="utf-8").read()
    return sorted(set(re.findall(r"([\u4e00-\u9fff])\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+)\)", text)))


def is_han(c):
    return "\u4e00" <= c <= "\u9fff"


def web_page(rng, title, paras, pinyin):
    ann = dict(pinyin)
    out = [rng.choice(["当前位置: 首页 > 新闻中心 > 新闻动态", "首页 > 要闻 > 正文", "您的位置：首页 >> 法治 >> 案件"])]
    out.append(title)
    out.append(f"发布时间:{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}  来源：本站  浏览次数：{rng.randint(10, 9999)}")
    annotate = rng.random() < 0.5
    body = []
    for p in paras:
        if annotate:
            p = "".join(c + f"({ann[c]})" if c in ann and rng.random() < 0.8 else c for c in p)
        if rng.random() < 0.3:
            p = p.replace("，", ",").replace("：", ":")
        if rng.random() < 0.2:
            p = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() and rng.random() < 0.5 else c for c in p)
        if rng.random() < 0.1 and len(p) > 10:
            k = rng.randrange(1, len(p))
            p = p[:k] + rng.choice(["\u200b", "\u00a0", "\ufeff"]) + p[k:]
        body.append(p)
    if len(body) > 3 and rng.random() < 0.3:
        body.insert(rng.randrange(1, len(body)), body[rng.randrange(len(body))])
    sep = "\n\n" if rng.random() < 0.5 else "\n"
    foot = [
        f"版权所有：Copyright {rng.randint(2005, 2015)}-2024 {rng.choice(lay.PAPERS)}社 All Rights Reserved",
        f"{rng.choice('京沪豫粤苏浙')}ICP备{rng.randint(10000000, 99999999)}号-{rng.randint(1, 9)}",
        f"地址：{rng.choice(['人民路', '解放路', '中山路'])}{rng.randint(1, 300)}号 联系电话：0{rng.randint(10, 999)}-{rng.randint(10000000, 99999999)}",
    ]
    return "\n".join(out) + "\n" + sep.join(body) + "\n" + "\n".join(rng.sample(foot, rng.randint(1, 3))) + "\n"


def main():
    args = sys.argv[1:]
    trad = 0.25
    if "--traditional" in args:
        i = args.index("--traditional")
        trad = float(args[i + 1])
        del args[i:i + 2]
    prefix = args[0]
    size = int(float(args[1]) * 1e6) if len(args) > 1 else 20_000_000
    s2t = None
    if trad > 0:
        import opencc  # pip install opencc==1.4.2
        s2t = opencc.OpenCC("s2t")
    titles, paras = pool()
    han = sorted({c for p in paras for c in p if is_han(c)})
    pinyin = pinyin_pairs()
    rng = random.Random(SEED)
    total = n = 0
    with open(prefix + ".txt", "w", encoding="utf-8") as txt, open(prefix + ".jsonl", "w", encoding="utf-8") as jl:
        while total < size:
            k = rng.randint(4, 24)
            start = rng.randrange(len(paras))
            picked = [paras[(start + i) % len(paras)] for i in range(k)]

            def vary(s):
                return "".join(rng.choice(han) if is_han(c) and rng.random() < P_REPLACE else c for c in s)

            title = vary(rng.choice(titles))
            picked = [vary(p) for p in picked]
            if rng.random() < 0.6:
                doc, _, _ = lay.page(rng, title, picked)
            else:
                doc = web_page(rng, title, picked, pinyin)
            if s2t is not None and rng.random() < trad:
                doc = s2t.convert(doc)
            txt.write(doc.rstrip("\n") + "\n\n")
            jl.write(json.dumps({"id": n, "text": doc}, ensure_ascii=False) + "\n")
            total += len(doc.encode("utf-8"))
            n += 1
    print(f"{n} documents, {total / 1e6:.1f} MB of text")


if __name__ == "__main__":
    main()
