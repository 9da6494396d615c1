"""Documents per second through the Spark job (local mode) against the CLI
on the same generated corpus, and clean_batch against the CLI; ratios
measured in one run (benches/RESULTS.md has the history).

    python python/bench_spark.py [DOCS] [CORES]

Needs the package installed (python/ci.sh does it) and a release CLI
(`cargo build --release`). Writes only under a temporary directory.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "tests"))
from conftest import ROOT, documents, write_shards  # noqa: E402


def timed(f):
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    cores = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    cli = ROOT / "target/release/zhclean"
    import zhclean
    from pyspark.sql import SparkSession
    from zhclean.spark import run

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        docs = documents(n, seed=29)
        shards = [str(p) for p in write_shards(tmp / "in", docs, files=8, compress_every=99)]
        mb = sum(os.path.getsize(s) for s in shards) / 1e6
        spark = (SparkSession.builder.master(f"local[{cores}]").config("spark.ui.enabled", "false")
                 .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                 .getOrCreate())
        # Warm-up: the JVM, the workers, the library's dictionaries.
        run(spark, shards[:1], str(tmp / "warm"), dedup=True, partitions=cores)
        for dedup in (False, True):
            flags = ["--dedup", "corpus"] if dedup else []
            t_cli = timed(lambda: subprocess.run([str(cli), "-q", "-j", str(cores), *flags, "-o", str(tmp / "cli.jsonl"),
                                                  "-f", *shards], check=True))
            out = tmp / f"spark-{dedup}"
            t_spark = timed(lambda: run(spark, shards, str(out), dedup=dedup, partitions=cores))
            print(f"{n} docs ({mb:.0f} MB), dedup {'corpus' if dedup else 'none'}: "
                  f"CLI -j {cores} {n / t_cli:.0f} docs/s, Spark local[{cores}] {n / t_spark:.0f} docs/s, "
                  f"Spark/CLI time {t_spark / t_cli:.2f}x")
        spark.stop()
        cleaner = zhclean.Cleaner()
        texts = [json.dumps({"text": d}, ensure_ascii=False) for d in docs]
        (tmp / "one.jsonl").write_text("\n".join(texts) + "\n", encoding="utf-8")
        t_cli = timed(lambda: subprocess.run([str(cli), "-q", "-j", "1", "-o", str(tmp / "o.jsonl"), "-f",
                                              str(tmp / "one.jsonl")], check=True))
        t_batch = timed(lambda: cleaner.clean_batch(docs))
        print(f"clean_batch, one thread: {n / t_batch:.0f} docs/s; CLI -j 1 {n / t_cli:.0f} docs/s; "
              f"clean_batch/CLI time {t_batch / t_cli:.2f}x")


if __name__ == "__main__":
    main()
