#!/usr/bin/env python3
"""Builds the layout evaluation set: real prose damaged the way OCR of a
printed page damages it, with the gold a careful editor would write.

Source: `tests/data/layout/source/*.txt` (one paragraph per line; public
domain judicial documents, see that folder's README). Output:
`tests/data/layout/pages/NNN.input.txt` and `NNN.gold.txt` (gold format of
`../shared/seeds/README.md`), and `manifest.jsonl`: one record per page with
the artifacts put in (kind and text), so that a scorer can count what was
left. Deterministic: the same seed gives the same files.

Damage, each drawn per page:
* hard wraps at a column width of 11 to 26 full-width cells (digits and
  Latin half width), with the line-breaking rules of Chinese typesetting
  (no closing mark opens a line, no opening mark ends one, a number is not
  split); paragraphs opened by an indent (two ideographic spaces, or four
  ASCII spaces as pdftotext writes them), or no indent at all;
* column and page ends: a blank line, two, or none, and at a page end
  running heads and feet (paper name and date, page and section, page
  numbers, editor lines), set between the halves of a paragraph as often
  as not;
* photo captions and credits in the forms newspapers print, between
  paragraphs and inside a cut sentence, with and without a credit;
* a sidebar's head (`相关链接`) set in a column's gap inside a paragraph;
* page-jump markers at a page end and at the continuation;
* a space left where OCR split a line, between two Han characters;
* a byline under the headline, which must stay.

Gold rules: one paragraph per line; headlines and bylines stay; captions,
credits, furniture and jump markers go; a sidebar's head set inside a
paragraph moves after it; when a paragraph's last line
happens to fill the column in a layout without indents, nothing on the
page says the paragraph ended, and the break after it is marked `~`
(either way scores).

Usage: python3 scripts/gen_layout_eval.py [--check]
(--check: regenerate in memory and fail if the files differ.)
"""
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "tests/data/layout/source"
OUT = ROOT / "tests/data/layout/pages"
SEED = 20261203
PAGES_PER_SOURCE = 6
MULTI_PAGES = 12

NO_LINE_START = set("，。、；：？！）》」』〕】”’…%．,.;:?!)")
NO_LINE_END = set("（《「『〔【“‘(")

PAPERS = ["江城法治报", "南方法制日报", "滨海日报", "人民法院报", "东方晚报", "法治周末"]
SECTIONS = ["要闻", "综合", "法治", "案件", "社会", "民生"]
WEEKDAYS = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]
NAMES = ["王海", "李刚", "周明", "赵阳", "孙丽", "陈晓", "刘洋", "张伟", "黄磊", "吴静", "郑华", "林峰"]
CAPTIONS = [
    "法官在巡回审判点向群众释法说理",
    "调解员与双方当事人面对面交流",
    "执行干警清点涉案财物",
    "市民在法院诉讼服务中心办理立案手续",
    "庭审现场",
    "工作人员向前来咨询的群众发放宣传资料",
    "当事人在和解协议上签字",
    "法官走进社区开展普法宣传活动",
    "志愿者帮助老人通过网上平台查询案件进度",
    "审判团队研究案情",
]


def width(ch):
    """Display width in half cells: ASCII half, everything else full."""
    return 1 if ord(ch) < 0x80 else 2


def tokens(text):
    """Characters, with runs of ASCII letters and digits kept together."""
    out, run = [], ""
    for ch in text:
        if ord(ch) < 0x80 and (ch.isalnum() or ch in ".-/%"):
            run += ch
            continue
        if run:
            out.append(run)
            run = ""
        out.append(ch)
    if run:
        out.append(run)
    return out


def wrap(para, cols, indent):
    """Lines of `para` set in a column `cols` full cells wide."""
    limit = cols * 2
    lines, cur, w = [], indent, sum(width(c) for c in indent)
    toks = tokens(para)
    i = 0
    while i < len(toks):
        t = toks[i]
        tw = sum(width(c) for c in t)
        if w + tw <= limit:
            cur += t
            w += tw
            i += 1
            continue
        if t in NO_LINE_START and cur.strip():
            # Hanging punctuation: the marks stay on the full line.
            while i < len(toks) and toks[i] in NO_LINE_START:
                cur += toks[i]
                i += 1
        elif cur and cur[-1] in NO_LINE_END and len(cur) > 1:
            # An opening mark moves down with what it opens.
            t0 = cur[-1]
            cur = cur[:-1]
            lines.append(cur)
            cur, w = t0, 2
            continue
        if not cur.strip():
            cur += t
            i += 1
        lines.append(cur)
        cur, w = "", 0
    if cur:
        lines.append(cur)
    return lines


def furniture(rng, page_no):
    paper = rng.choice(PAPERS)
    y, m, d = 2023, rng.randint(1, 12), rng.randint(1, 28)
    date = f"{y}年{m}月{d}日"
    wd = rng.choice(WEEKDAYS)
    sec = rng.choice(SECTIONS)
    forms = [
        f"{paper} {date} {wd}",
        f"第{page_no:02d}版 {sec}",
        f"{date} {wd} 第{page_no}版",
        f"- {page_no} -",
        f"第{page_no}页",
        f"A{page_no} {sec}",
        f"责任编辑 {rng.choice(NAMES)} 美术编辑 {rng.choice(NAMES)}",
        f"{paper}·{sec}",
    ]
    return rng.sample(forms, rng.randint(1, 2))


# Heads of sidebars and boxes, set apart in a column's gap.
SIDEBAR_HEADS = ["相关链接", "延伸阅读", "新闻链接", "记者手记", "背景资料", "法官说法"]


def caption_block(rng, cols):
    """A caption set under a photo: its lines and whether it has a credit."""
    who = rng.choice(NAMES)
    text = rng.choice(CAPTIONS)
    form = rng.randrange(9)
    if form == 0:
        lines = [f"图为{text}。新华社记者 {who} 摄"]
    elif form == 1:
        lines = [f"图为{text}。（{who}摄）"]
    elif form == 2:
        lines = [f"{text}。（本报记者 {who} 摄）"]
    elif form == 3:
        lines = [f"图①：{text}。", f"图/{who}"]
    elif form == 4:
        lines = [text, f"{who}/摄"]
    elif form == 5:
        lines = [f"{text}。", f"{rng.choice(['市中级人民法院', '区人民法院', '本报资料'])}供图"]
    elif form == 6:
        lines = [f"{text}。", f"摄影：{who}"]
    elif form == 7:
        lines = [f"{text}。(资料图片)"]
    else:
        lines = [f"图为{text}。本报记者 {who} 摄"]
    out = []
    for ln in lines:
        out.extend(wrap(ln, cols, "") if len(ln) > cols else [ln])
    return out, text


def page(rng, title, paras):
    """One damaged page: (input text, gold lines, artifacts)."""
    cols = rng.randint(11, 26)
    indent = rng.choice(["\u3000\u3000", "\u3000\u3000", "    ", ""])
    col_lines = rng.randint(16, 36)
    art = []
    out = []
    gold = []
    reporter, other = rng.sample(NAMES, 2)
    byline = f"本报记者 {reporter} 通讯员 {other}"
    out += [title, byline, ""]
    gold += [title, byline]
    n_in_col = 0
    page_no = rng.randint(1, 8)
    breaks_done = 0
    blocks = []
    for pi, p in enumerate(paras):
        # A line without sentence punctuation is a heading: set on its own
        # line, not in the column.
        is_head = not any(c in p for c in "。，；：")
        if is_head:
            out.append(p)
            gold.append(p)
            n_in_col += 1
            continue
        lines = wrap(p, cols, indent)
        full_last = sum(width(c) for c in lines[-1]) >= cols * 2 - 1
        for li, ln in enumerate(lines):
            if rng.random() < 0.04:
                # A space OCR left inside a line, between two Han chars.
                spots = [k for k in range(1, len(ln)) if "\u4e00" <= ln[k - 1] <= "\u9fff" and "\u4e00" <= ln[k] <= "\u9fff"]
                if spots:
                    k = rng.choice(spots)
                    ln = ln[:k] + " " + ln[k:]
            out.append(ln)
            n_in_col += 1
            mid = li < len(lines) - 1
            if n_in_col >= col_lines:
                n_in_col = 0
                breaks_done += 1
                page_end = breaks_done % 2 == 0
                jumped = page_end and mid and rng.random() < 0.3
                if jumped:
                    mark = f"（下转第{page_no + 1}版）"
                    out[-1] += mark
                    art.append(("jump", mark))
                gap = [""] * rng.choice([0, 1, 1, 2])
                if page_end:
                    page_no += 1
                    heads = furniture(rng, page_no)
                    art += [("furniture", h) for h in heads]
                    out += gap + heads + gap
                    if jumped and rng.random() < 0.7:
                        mark = f"（上接第{page_no - 1}版）"
                        art.append(("jump", mark))
                        out.append(mark)
                else:
                    r = rng.random()
                    if r < 0.5:
                        cap, core = caption_block(rng, cols)
                        art.append(("caption", core))
                        out += (gap or [""]) + cap + (gap or [""])
                    elif mid and r < 0.7:
                        # A sidebar's head set in the column's gap, inside
                        # the paragraph: the editor moves it after it.
                        head = rng.choice(SIDEBAR_HEADS)
                        art.append(("block", head))
                        out += (gap or [""]) + [head] + (gap or [""])
                        blocks.append(head)
                    else:
                        out += gap
            elif mid and rng.random() < 0.02:
                # A photo set inside a paragraph: the caption cuts a sentence.
                cap, core = caption_block(rng, cols)
                art.append(("caption", core))
                out += [""] + cap + [""]
        prefix = ""
        if full_last and not indent and pi + 1 < len(paras) and not blocks:
            # Nothing on the page says this paragraph ended.
            prefix = "~"
        gold.append(p)
        gold += blocks
        blocks = []
        if prefix:
            gold.append(("~",))
    # Mark the judgement-call breaks on the line after them.
    g = []
    tilde = False
    for x in gold:
        if isinstance(x, tuple):
            tilde = True
            continue
        g.append(("~" if tilde else "") + x)
        tilde = False
    return "\n".join(out) + "\n", g, art


def clean_page(title, paras):
    lines = [title] + paras
    return "\n".join(lines) + "\n", lines, []


def build():
    rng = random.Random(SEED)
    files = {}
    manifest = []
    n = 0
    for src in sorted(SRC.glob("*.txt")):
        text = src.read_text(encoding="utf-8").strip().split("\n")
        title, paras = text[0], text[1:]
        variants = [clean_page(title, paras)] + [page(rng, title, paras) for _ in range(PAGES_PER_SOURCE)]
        for inp, gold, art in variants:
            name = f"{n:03d}"
            files[f"{name}.input.txt"] = inp
            files[f"{name}.gold.txt"] = "\n".join(gold) + "\n"
            manifest.append({"page": name, "source": src.name, "artifacts": [{"kind": k, "text": t} for k, t in art]})
            n += 1
    # Pages of several articles, each set in its own column width and
    # indent style (a newspaper page's stories): drawn from their own seed,
    # so that the single-article pages above stay as they were.
    rng = random.Random(SEED + 1)
    sources = sorted(SRC.glob("*.txt"))
    for _ in range(MULTI_PAGES):
        inp, gold, art = [], [], []
        for src in rng.sample(sources, rng.choice([2, 3])):
            text = src.read_text(encoding="utf-8").strip().split("\n")
            body = [p for p in text[1:] if any(c in p for c in "。，；：")]
            k = rng.randint(3, min(6, len(body)))
            start = rng.randint(0, len(body) - k)
            a_inp, a_gold, a_art = page(rng, text[0], body[start : start + k])
            # One blank line or two between stories.
            inp.append(a_inp + "\n" * rng.choice([1, 2]))
            gold += a_gold
            art += a_art
        name = f"{n:03d}"
        files[f"{name}.input.txt"] = "".join(inp)
        files[f"{name}.gold.txt"] = "\n".join(gold) + "\n"
        manifest.append({"page": name, "source": "several", "artifacts": [{"kind": k, "text": t} for k, t in art]})
        n += 1
    files["manifest.jsonl"] = "".join(json.dumps(m, ensure_ascii=False) + "\n" for m in manifest)
    return files


def main():
    files = build()
    if "--check" in sys.argv:
        bad = [k for k, v in files.items() if not (OUT / k).exists() or (OUT / k).read_text(encoding="utf-8") != v]
        if bad:
            sys.exit(f"differs from the generator: {bad[:5]}")
        print(f"{len(files)} files match")
        return
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*"):
        old.unlink()
    for k, v in files.items():
        (OUT / k).write_text(v, encoding="utf-8")
    print(f"wrote {len(files)} files to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
