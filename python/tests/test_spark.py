"""The Spark job gives, byte for byte, what `zhclean` gives on one machine."""
import os
import sys
import time
from pathlib import Path

import pytest

from conftest import documents, run_cli, write_shards

# CI sets this: there the job must run, not be skipped.
REQUIRED = os.environ.get("ZHCLEAN_REQUIRE_SPARK") == "1"


def _spark():
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        if REQUIRED:
            raise
        pytest.skip("pyspark is not installed (pip install pyspark; needs a Java runtime)")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    # Local mode on the loopback address only.
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    return (SparkSession.builder.master("local[2]").appName("zhclean-test")
            .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
            .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
            .getOrCreate())


@pytest.fixture(scope="module")
def spark():
    s = _spark()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("shards")
    shards = write_shards(d, documents(320, seed=19), files=8)
    return sorted(str(p) for p in shards)


def concat(outdir: Path) -> bytes:
    parts = sorted(p for p in outdir.iterdir() if p.name.startswith("part-"))
    assert parts, f"no part files in {outdir}"
    data = b""
    for p in parts:
        raw = p.read_bytes()
        if p.name.endswith(".gz"):
            import gzip
            raw = gzip.decompress(raw)
        data += raw
    return data


@pytest.mark.parametrize("partitions", [1, 2, 7])
def test_dedup_output_equals_the_cli(spark, corpus, tmp_path, partitions):
    from zhclean.spark import run

    want = run_cli("--dedup", "corpus", *corpus)
    out = tmp_path / "out"
    run(spark, corpus, str(out), dedup=True, partitions=partitions)
    got = concat(out)
    assert got.count(b"\n") == want.count(b"\n")
    assert got == want
    # Dedup did something on this corpus (copied paragraphs, boilerplate).
    assert want != run_cli(*corpus)


def test_without_dedup_and_compressed(spark, corpus, tmp_path):
    from zhclean.spark import run

    out = tmp_path / "out"
    run(spark, corpus, str(out), partitions=3, compression="gzip")
    assert all(p.name.endswith(".gz") for p in out.iterdir() if p.name.startswith("part-"))
    assert concat(out) == run_cli(*corpus)


def test_a_bad_record_fails_the_job_naming_shard_and_line(spark, tmp_path):
    from zhclean.spark import run

    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"text":"\xe5\xa5\xbd"}\n{"text": 3}\n')
    with pytest.raises(Exception, match=r"bad\.jsonl: line 2"):
        run(spark, [str(bad)], str(tmp_path / "out"), partitions=1)


def test_throughput_against_the_cli(spark, tmp_path, capsys):
    """Not a timed assertion: prints documents per second through Spark
    local[2] and through the CLI on the same corpus, for the notes."""
    from zhclean.spark import run

    docs = documents(3000, seed=23)
    shards = [str(p) for p in write_shards(tmp_path / "big", docs, files=4, compress_every=99)]
    t = time.perf_counter()
    run_cli("-j", "2", "--dedup", "corpus", *shards)
    cli = time.perf_counter() - t
    t = time.perf_counter()
    run(spark, shards, str(tmp_path / "out"), dedup=True, partitions=2)
    sp = time.perf_counter() - t
    with capsys.disabled():
        print(f"\n[throughput] {len(docs)} docs: CLI -j 2 {len(docs) / cli:.0f} docs/s, "
              f"Spark local[2] {len(docs) / sp:.0f} docs/s, overhead {sp / cli:.2f}x")
