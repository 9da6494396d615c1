#!/usr/bin/env bash
# Instructions (callgrind) per pass and for the whole default pipeline, one
# thread, on the first SIZE_MB of the bench corpus (scripts/gen_bench_corpus.py),
# next to OpenCC 1.4.2's `opencc -c t2s` and `zhclean convert -c t2s` on the
# same bytes. Instruction counts do not drift with the shared machines' load.
#
#   pip install opencc==1.4.2
#   bash scripts/bench_instructions.sh [SIZE_MB]      # default 4
#
# Then the cost of a document: 20 000 records of one line each; last, what
# a line pass costs for being in the chain (examples/chain_cost.rs).
#
# Per pass: the inclusive cost of the pass's `Pass::push` and `Pass::finish`
# (a build with v0 symbol names, in target/v0, so that the generic line
# passes' entry points carry their type's name); "start-up" is building
# the cleaner (the conversion's trie from the dictionary text), once per
# process; "framing" is the rest of the run (reading, JSON records, line
# framing, the chain's buffers, writing).
#
# Next to each count, the branches valgrind's predictor model mispredicts
# (`--branch-sim=yes`): a simple model, and a real CPU misses fewer, but as
# a ratio between two programs on the same bytes it tells where time goes
# that instructions do not show (a mispredict costs some 15-20 cycles).
source "$(dirname "$0")/bench_common.sh"
need_opencc
RUSTFLAGS="-C symbol-mangling-version=v0" cargo build --release --quiet --target-dir target/v0
V0=target/v0/release/zhclean
SIZE=${1:-4}
python3 scripts/gen_bench_corpus.py "$TMP/corpus" 20 > /dev/null
# The first SIZE_MB, cut at a document boundary, as plain text and JSONL.
python3 - "$TMP/corpus" "$SIZE" <<'PY'
import json, sys
p, size = sys.argv[1], float(sys.argv[2]) * 1e6
n = 0
with open(p + ".jsonl", encoding="utf-8") as f, open(p + ".head.jsonl", "w", encoding="utf-8") as jl, \
        open(p + ".head.txt", "w", encoding="utf-8") as txt:
    for line in f:
        doc = json.loads(line)["text"]
        txt.write(doc.rstrip("\n") + "\n\n")
        jl.write(line)
        n += len(doc.encode("utf-8"))
        if n >= size:
            break
PY
# Short documents, as a web crawl's often are: 20 000 records of one line
# of the corpus each (the fixed cost of a document shows here).
python3 scripts/gen_short_docs.py "$TMP/corpus.jsonl" "$TMP/corpus.short" 20000 > /dev/null
cg() { # name, command...
  valgrind --tool=callgrind --branch-sim=yes --callgrind-out-file="$TMP/cg.$1" "${@:2}" > "$TMP/out.$1" 2> "$TMP/err.$1"
}
cg opencc "$OPENCC" -c "$CONF/t2s.json" -i "$TMP/corpus.head.txt"
cg convert "$BIN" convert -j 1 -c t2s "$TMP/corpus.head.txt"
cg plain "$V0" -j 1 "$TMP/corpus.head.txt"
cg jsonl "$V0" -j 1 "$TMP/corpus.head.jsonl"
cg short_opencc "$OPENCC" -c "$CONF/t2s.json" -i "$TMP/corpus.short.txt"
cg short "$BIN" -j 1 "$TMP/corpus.short.jsonl"
# What a line pass costs for being in the chain: the default pipeline with
# 0 and 4 line passes that keep every line inserted after the conversion
# (examples/chain_cost.rs), on the plain head.
cargo build --release --quiet --example chain_cost
cg keep0 target/release/examples/chain_cost "$TMP/corpus.head.txt" 0
cg keep4 target/release/examples/chain_cost "$TMP/corpus.head.txt" 4
for r in plain jsonl; do callgrind_annotate --inclusive=yes --threshold=100 "$TMP/cg.$r" > "$TMP/ann.$r" 2>/dev/null; done
python3 - "$TMP" <<'PY'
import re, sys, os
tmp = sys.argv[1]
def total(name):
    return int(re.search(r"Collected : (\d+)", open(f"{tmp}/err.{name}").read()).group(1))
def missed(name):
    # Conditional and indirect branches mispredicted (valgrind's model).
    m = re.search(r"Mispredicts:\s+([\d,]+)", open(f"{tmp}/err.{name}").read())
    return int(m.group(1).replace(",", "")) if m else 0
PASSES = [("unicode", "unicode::UnicodePass"), ("pinyin", "pinyin::PinyinPass"), ("script", "script::ScriptPass"),
          ("chrome", "chrome::ChromePass"), ("caption", "caption::CaptionPass"), ("unwrap", "unwrap::UnwrapPass"),
          ("rejoin", "rejoin::RejoinPass"), ("paragraphs", "paragraphs::ParagraphsPass"),
          ("dedup", "dedup::DedupPass"), ("punct", "punct::PunctPass")]
ENTRY = re.compile(r"<zhclean::passes::([\w:]+) as zhclean::pass::Pass>::(push|finish) ")
def counts(line):
    # The event columns before the function: Ir Bc Bcm Bi Bim, each a
    # number and its share, or "." for none.
    got = []
    for tok in re.sub(r"\([^)]*\)", " ", line).split():
        if tok == ".":
            got.append(0)
        elif re.fullmatch(r"[\d,]+", tok):
            got.append(int(tok.replace(",", "")))
        else:
            break
    return got
def per_pass(name):
    # (instructions, mispredicts) of each pass.
    got = {}
    for line in open(f"{tmp}/ann.{name}"):
        m = ENTRY.search(line)
        c = counts(line)
        if m and c:
            ir, miss = c[0], (c[2] + c[4] if len(c) == 5 else 0)
            a = got.get(m.group(1), (0, 0))
            got[m.group(1)] = (a[0] + ir, a[1] + miss)
    return {p: got.get(t, (0, 0)) for p, t in PASSES}
START = re.compile(r"^\s*([\d,]+) .*<zhclean::pipeline::Cleaner>::new ")
def start_up(name):
    return max((int(m.group(1).replace(",", "")) for m in map(START.match, open(f"{tmp}/ann.{name}")) if m), default=0)
size = os.path.getsize(f"{tmp}/corpus.head.txt")
docs = sum(1 for _ in open(f"{tmp}/corpus.head.jsonl", encoding="utf-8"))
o, c, om, cm = total("opencc"), total("convert"), missed("opencc"), missed("convert")
print(f"{size / 1e6:.1f} MB, {docs} documents of the bench corpus; instructions, one thread (callgrind),")
print("and branches mispredicted (valgrind's model)")
print(f"  {'opencc -c t2s (plain text)':40} {o / 1e6:8.0f}M  1.00x  {om / 1e6:6.2f}M missed  1.00x")
print(f"  {'zhclean convert -c t2s (plain text)':40} {c / 1e6:8.0f}M  {c / o:.2f}x  {cm / 1e6:6.2f}M missed  {cm / om:.2f}x")
for r, label in [("plain", "zhclean default pipeline, plain text"), ("jsonl", "zhclean default pipeline, JSONL")]:
    t, tm = total(r), missed(r)
    print(f"  {label:40} {t / 1e6:8.0f}M  {t / o:.2f}x  {tm / 1e6:6.2f}M missed  {tm / om:.2f}x OpenCC t2s")
    pp = per_pass(r)
    for p, _ in PASSES:
        ir, miss = pp[p]
        print(f"      {p:12} {ir / 1e6:8.0f}M  {100 * ir / t:5.1f}%  {miss / 1e6:6.2f}M missed  {100 * miss / tm:5.1f}%")
    start = start_up(r)
    rest = t - sum(ir for ir, _ in pp.values()) - start
    rest_missed = tm - sum(m for _, m in pp.values())
    print(f"      {'framing':12} {rest / 1e6:8.0f}M  {100 * rest / t:5.1f}%  {rest_missed / 1e6:6.2f}M missed (with start-up)")
    print(f"      {'start-up':12} {start / 1e6:8.0f}M  {100 * start / t:5.1f}%")
short, so = total("short"), total("short_opencc")
n = sum(1 for _ in open(f"{tmp}/corpus.short.jsonl", encoding="utf-8"))
mb = os.path.getsize(f"{tmp}/corpus.short.txt") / 1e6
print(f"{n} short documents (a line of the corpus each, {mb:.1f} MB), JSONL, one thread")
print(f"  zhclean default pipeline {short / 1e6:8.0f}M  {short / n:8.0f} a document  {short / so:.2f}x OpenCC t2s on the same lines")
k0, k4 = total("keep0"), total("keep4")
print("A line pass that keeps every line, inserted after the conversion (plain head, four of them)")
print(f"  {(k4 - k0) / 4 / 1e6:.1f}M a pass, {100 * (k4 - k0) / 4 / k0:.1f}% of the run: what a line pass pays before its rules run")
PY
