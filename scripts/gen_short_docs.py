"""Short documents, as a web crawl's often are: the first COUNT lines of
at least eight characters of a JSONL corpus (scripts/gen_bench_corpus.py),
one record each, and the same lines as plain text (for OpenCC).

    python3 scripts/gen_short_docs.py CORPUS.jsonl OUT_PREFIX [COUNT]

writes OUT_PREFIX.jsonl and OUT_PREFIX.txt (COUNT defaults to 20 000; fewer
if the corpus has fewer such lines) and prints how many it wrote.
"""
import json
import sys


def main():
    corpus, prefix = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
    lines = []
    with open(corpus, encoding="utf-8") as f:
        for rec in f:
            lines += [l.strip() for l in json.loads(rec)["text"].split("\n") if len(l.strip()) >= 8]
            if len(lines) >= count:
                break
    lines = lines[:count]
    with open(prefix + ".jsonl", "w", encoding="utf-8") as jl, open(prefix + ".txt", "w", encoding="utf-8") as txt:
        for l in lines:
            jl.write(json.dumps({"text": l}, ensure_ascii=False) + "\n")
            txt.write(l + "\n")
    print(len(lines))


if __name__ == "__main__":
    main()
