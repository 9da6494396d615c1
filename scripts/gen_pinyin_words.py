#!/usr/bin/env python3
"""Generate data/words/jieba.txt and data/pinyin/{syllables,readings}.txt.

  data/words/jieba.txt        the lines of jieba 0.42.1's dict.txt whose
                              frequency is at least 5 (word freq tag), in
                              the original order: a general word list
  data/pinyin/syllables.txt   every toneless Mandarin syllable in Unihan's
                              kMandarin field (ü written as ü)
  data/pinyin/readings.txt    char<TAB>toned reading (kMandarin) for every
                              character in that word list or in OpenCC's
                              character dictionaries

Usage:
  pip download --no-deps --no-binary jieba jieba==0.42.1 && tar xzf jieba-0.42.1.tar.gz
  apt-get install unicode-data
  python3 scripts/gen_pinyin_words.py jieba-0.42.1/jieba/dict.txt /usr/share/unicode/Unihan_Readings.txt.bz2
"""
import bz2
import sys
import unicodedata

MIN_FREQ = 5


def toneless(r):
    d = unicodedata.normalize("NFD", r)
    base = "".join(c for c in d if unicodedata.category(c) != "Mn" or c == "\u0308")
    return unicodedata.normalize("NFC", base)


def main(dict_path, unihan_path):
    lines = [l for l in open(dict_path, encoding="utf-8") if int(l.split()[1]) >= MIN_FREQ]
    with open("data/words/jieba.txt", "w", encoding="utf-8", newline="\n") as f:
        f.writelines(lines)
    chars = set("".join(l.split()[0] for l in lines))
    for name in ["STCharacters", "TSCharacters"]:
        for l in open(f"data/opencc/dictionary/{name}.txt", encoding="utf-8"):
            if l.startswith("#") or "\t" not in l:
                continue
            k, v = l.rstrip("\n").split("\t", 1)
            chars.update(k)
            chars.update(v.replace(" ", ""))
    readings, syllables = {}, set()
    for l in bz2.open(unihan_path, "rt", encoding="utf-8"):
        if "\tkMandarin\t" not in l:
            continue
        cp, _, vals = l.rstrip("\n").split("\t")
        c = chr(int(cp[2:], 16))
        for r in vals.split():
            syllables.add(toneless(r))
        if c in chars:
            readings[c] = vals.split()[0]
    with open("data/pinyin/syllables.txt", "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(s + "\n" for s in sorted(syllables)))
    with open("data/pinyin/readings.txt", "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(f"{c}\t{r}\n" for c, r in sorted(readings.items())))


if __name__ == "__main__":
    main(*sys.argv[1:])
