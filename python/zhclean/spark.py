"""zhclean over a corpus too big for one machine: a Spark job whose output
is byte for byte what ``zhclean`` gives on one machine.

::

    python -m zhclean.spark --input 'shards/*.jsonl.gz' --output out/ \\
        [--field text] [--dedup corpus] [--partitions N] [--master local[2]]

The output is a directory of part files (JSONL, ``--compression gzip`` to
compress them) whose concatenation in file-name order is what
``zhclean [--dedup corpus] SHARD...`` writes for the shards in sorted
order.

How it runs (the DataFrame API, ``mapInArrow``; nothing is collected to
the driver but the list of shard paths):

1. The shards are spread over ``--partitions`` tasks, each a contiguous
   run of them in order. Each task reads its shards line by line (plain, ``.gz``, ``.zst``) and cleans them in
   batches through the library's corpus mode, so every record comes out as
   the CLI writes it; errors name the shard, line and byte as the CLI's
   do. With ``--dedup corpus`` each record also gives the keys of its
   paragraphs.
2. Corpus dedup, as three deterministic phases: every paragraph emits
   (key, shard, line, paragraph); grouped by key, the occurrence in the
   earliest document (shard order, then line: the CLI's keep-first rule)
   is found; the later documents' paragraphs with that key are joined back
   to their records and dropped there. The shuffles spill to disk, so an
   executor's memory does not grow with the corpus. When at most
   ``broadcast_rows`` records lose paragraphs (a million by default), their
   drop lists are broadcast instead and the records are not moved at all.
3. Each task's records are written as they come (in order already);
   after a shuffle join they are sorted by (shard, line) first.
"""
from __future__ import annotations

import argparse
import glob
import os
import sys
from typing import Iterator, List, Optional

import zhclean

#: Records cleaned per library call and per Arrow batch.
BATCH_RECORDS = 512


def expand(patterns: List[str]) -> List[str]:
    """The shards the patterns name, each pattern's matches sorted (as a
    shell expands a glob), in the order of the patterns, each shard once."""
    seen, out = set(), []
    for pat in patterns:
        matches = sorted(glob.glob(pat)) if glob.has_magic(pat) else [pat]
        for m in matches:
            if m not in seen:
                seen.add(m)
                out.append(m)
    return out


def clean_shard(cleaner: "zhclean.Cleaner", path: str, field: str, keys: bool,
                min_chars: int = 20) -> Iterator[tuple]:
    """(lines before, output lines, keys per line or None) for each batch
    of one shard (plain, ``.gz`` or ``.zst`` by its name, as the CLI reads
    it), read as a stream: reading and cleaning run in the library."""
    return cleaner._inner.clean_shard(path, field, BATCH_RECORDS, keys, min_chars)


def run(spark, shards: List[str], output: str, field: str = "text", dedup: bool = False,
        partitions: Optional[int] = None, preset: Optional[str] = None, config: Optional[str] = None,
        compression: Optional[str] = None, min_chars: int = 20, broadcast_rows: int = 1_000_000) -> None:
    """Cleans ``shards`` into the directory ``output`` (see the module docs)."""
    import pyarrow as pa
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    if not shards:
        raise zhclean.ZhcleanError("no input shards")
    parts = partitions or spark.sparkContext.defaultParallelism
    spark.conf.set("spark.sql.shuffle.partitions", str(parts))
    # Fail at once on a bad preset or config, on the driver.
    zhclean.Cleaner(preset, config)
    # Contiguous runs of shards, one a task, in order: without corpus dedup
    # the records then come out in order with no shuffle at all.
    tasks = spark.sparkContext.parallelize(list(enumerate(shards)), min(parts, len(shards)))
    files = spark.createDataFrame(tasks, "file int, path string")

    out_schema = "file int, line long, out binary" + (", keys array<binary>" if dedup else "")

    def read_and_clean(batches):
        cleaner = zhclean.Cleaner(preset, config)
        for b in batches:
            for fi, path in zip(b.column("file").to_pylist(), b.column("path").to_pylist()):
                for first, out, ks in clean_shard(cleaner, path, field, dedup, min_chars):
                    cols = {
                        "file": pa.array([fi] * len(out), pa.int32()),
                        "line": pa.array(range(first + 1, first + 1 + len(out)), pa.int64()),
                        "out": pa.array(out, pa.binary()),
                    }
                    if dedup:
                        cols["keys"] = pa.array(ks, pa.list_(pa.binary()))
                    yield pa.RecordBatch.from_pydict(cols)

    records = files.mapInArrow(read_and_clean, out_schema)
    if dedup:
        records = records.persist()
        occ = records.select("file", "line", F.posexplode("keys").alias("para", "key"))
        # The earliest document of each key, over a window partitioned by
        # key: one shuffle of the occurrences (it spills), not an aggregate
        # and a join back.
        first = F.min(F.struct("file", "line")).over(Window.partitionBy("key"))
        later = (occ.withColumn("first", first)
                 .where(F.struct("file", "line") > F.col("first"))
                 .groupBy("file", "line").agg(F.collect_list("para").alias("drop")))
        later = later.persist()
        # Records with paragraphs to drop are few next to the corpus as a
        # rule: up to `broadcast_rows` of them go to every task, and the
        # records stay where they are, in order (no shuffle, no sort).
        # Beyond that, a shuffle join and a sort: memory stays bounded.
        small = later.limit(broadcast_rows + 1).count() <= broadcast_rows
        joined = records.drop("keys").join(F.broadcast(later) if small else later, ["file", "line"], "left")

        def drop(batches):
            for b in batches:
                outs = b.column("out").to_pylist()
                drops = b.column("drop").to_pylist()
                new = [o if not d else zhclean.drop_record_paragraphs(o, sorted(d), field, min_chars)
                       for o, d in zip(outs, drops)]
                yield pa.RecordBatch.from_pydict({
                    "file": b.column("file"), "line": b.column("line"), "out": pa.array(new, pa.binary())})

        records = joined.mapInArrow(drop, "file int, line long, out binary")
        if not small:
            # Kept once computed: the sort samples its input before sorting.
            records = records.persist().orderBy("file", "line")
    result = records.select(F.col("out").cast("string").alias("value"))
    writer = result.write.mode("errorifexists")
    if compression:
        writer = writer.option("compression", compression)
    writer.text(output)


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m zhclean.spark", description=__doc__.split("\n\n")[0])
    p.add_argument("--input", action="append", required=True,
                   help="a shard or a glob of shards (repeatable); matches are taken in sorted order")
    p.add_argument("--output", required=True, help="output directory (must not exist)")
    p.add_argument("--field", default="text", help="the JSONL field to clean [text]")
    p.add_argument("--dedup", choices=["none", "corpus"], default="none",
                   help="corpus: drop paragraphs (>= 20 characters) seen in an earlier document")
    p.add_argument("--dedup-min-chars", type=int, default=20)
    p.add_argument("--partitions", type=int, default=None, help="tasks to spread the shards over")
    p.add_argument("--master", default=None, help="Spark master, e.g. local[2] (default: spark-submit's)")
    p.add_argument("-p", "--preset", default=None)
    p.add_argument("--config", default=None, help="TOML settings over the preset, as zhclean --config")
    p.add_argument("--compression", choices=["gzip", "bzip2", "none"], default="none")
    a = p.parse_args(argv)
    shards = expand(a.input)
    missing = [s for s in shards if not os.path.exists(s)]
    if not shards or missing:
        print(f"zhclean.spark: no such shard: {missing[0] if missing else a.input[0]}", file=sys.stderr)
        return 3
    config = open(a.config, encoding="utf-8").read() if a.config else None
    from pyspark.sql import SparkSession

    # Workers run this interpreter, which has zhclean installed.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    b = SparkSession.builder.appName("zhclean")
    if a.master:
        b = b.master(a.master)
    spark = b.getOrCreate()
    try:
        run(spark, shards, a.output, a.field, a.dedup == "corpus", a.partitions, a.preset, config,
            None if a.compression == "none" else a.compression, a.dedup_min_chars)
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
