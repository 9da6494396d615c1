"""Shared helpers: the repository's paths, the CLI binary, and a generated
test corpus built from the repository's own evaluation pages."""
import gzip
import json
import os
import random
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def zhclean_bin() -> Path:
    """The CLI the Python results are held against: $ZHCLEAN_BIN, else the
    crate's release or debug build (cargo test builds the debug one)."""
    env = os.environ.get("ZHCLEAN_BIN")
    if env:
        return Path(env)
    for kind in ("release", "debug"):
        p = ROOT / "target" / kind / "zhclean"
        if p.exists():
            return p
    subprocess.run(["cargo", "build", "--quiet", "--bin", "zhclean"], cwd=ROOT, check=True)
    return ROOT / "target" / "debug" / "zhclean"


def run_cli(*args, input_bytes=None) -> bytes:
    r = subprocess.run([str(zhclean_bin()), "--quiet", *map(str, args)], input=input_bytes,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert r.returncode == 0, r.stderr.decode()
    return r.stdout


def seed_inputs():
    return sorted((ROOT / "tests/data/seeds").glob("*.input.txt"))


def documents(n: int, seed: int = 7):
    """`n` documents from the layout evaluation pages and the seeds: runs
    of their lines, some hard-wrapped pages whole, with boilerplate
    paragraphs shared across documents and paragraphs copied from one
    document into later ones (what corpus dedup is for)."""
    rng = random.Random(seed)
    pages = sorted((ROOT / "tests/data/layout/pages").glob("*.input.txt")) + seed_inputs()
    texts = [p.read_text(encoding="utf-8") for p in pages]
    boiler = [
        "本网站所有内容，凡注明来源为本报的，版权均属本报所有，未经授权不得转载。",
        "欢迎关注本报官方微信公众号，获取更多权威新闻资讯和深度报道内容。",
        "责任编辑：张三",
    ]
    docs = []
    for i in range(n):
        t = texts[rng.randrange(len(texts))]
        lines = t.split("\n")
        if rng.random() < 0.3:
            body = t
        else:
            a = rng.randrange(len(lines))
            body = "\n".join(lines[a:a + rng.randint(1, 40)])
        if docs and rng.random() < 0.3:
            # A paragraph of an earlier document, copied.
            prev = rng.choice(docs).split("\n")
            body += "\n" + rng.choice(prev)
        if rng.random() < 0.4:
            body += "\n" + rng.choice(boiler)
        if rng.random() < 0.2:
            body = body.replace("，", ",").replace("。", "。 ")
        docs.append(body)
    return docs


def write_shards(dirpath: Path, docs, files: int, compress_every: int = 2):
    """The documents as JSONL shards (`id`, `text`, `url`), every
    `compress_every`-th one gzipped, with a blank line in one of them and a
    byte-order mark opening another."""
    dirpath.mkdir(parents=True, exist_ok=True)
    per = (len(docs) + files - 1) // files
    paths = []
    for f in range(files):
        chunk = docs[f * per:(f + 1) * per]
        lines = [json.dumps({"id": f * per + i, "text": d, "url": f"u{f}/{i}"}, ensure_ascii=(i % 3 == 0))
                 for i, d in enumerate(chunk)]
        if f == 1:
            lines.insert(len(lines) // 2, "")
        data = ("\n".join(lines) + "\n").encode("utf-8")
        if f == 2:
            # A byte-order mark opening a shard is no part of its first record.
            data = b"\xef\xbb\xbf" + data
        name = f"shard-{f:02d}.jsonl"
        if f % compress_every == 1:
            p = dirpath / (name + ".gz")
            p.write_bytes(gzip.compress(data, mtime=0))
        else:
            p = dirpath / name
            p.write_bytes(data)
        paths.append(p)
    return paths


@pytest.fixture(scope="session")
def cli():
    return run_cli
