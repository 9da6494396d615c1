"""The Spark job gives, byte for byte, what `zhclean` gives on one machine."""
import os
import sys
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


@pytest.mark.parametrize("partitions,broadcast_rows", [(1, 10**6), (2, 10**6), (7, 10**6), (2, 0), (7, 5)])
def test_dedup_output_equals_the_cli(spark, corpus, tmp_path, partitions, broadcast_rows):
    """Both ways of joining the drop lists back: broadcast, and a shuffle
    join with a sort (broadcast_rows below the records that lose some)."""
    from zhclean.spark import run

    want = run_cli("--dedup", "corpus", *corpus)
    out = tmp_path / "out"
    run(spark, corpus, str(out), dedup=True, partitions=partitions, broadcast_rows=broadcast_rows)
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


def test_the_command_line_job(corpus, tmp_path):
    """`python -m zhclean.spark` as the README shows it (its own Spark)."""
    import subprocess

    if not REQUIRED:
        pytest.importorskip("pyspark", reason="pyspark is not installed")
    out = tmp_path / "out"
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, SPARK_LOCAL_IP="127.0.0.1")
    r = subprocess.run([sys.executable, "-m", "zhclean.spark", "--input", str(Path(corpus[0]).parent / "shard-*"),
                        "--output", str(out), "--dedup", "corpus", "--partitions", "3", "--master", "local[2]"],
                       env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    assert concat(out) == run_cli("--dedup", "corpus", *corpus)
    r = subprocess.run([sys.executable, "-m", "zhclean.spark", "--input", str(tmp_path / "none-*.jsonl"),
                        "--output", str(tmp_path / "o2")], env=env, capture_output=True, text=True)
    assert r.returncode == 3 and "no such shard" in r.stderr
