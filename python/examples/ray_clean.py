"""Ray Data: clean a JSONL corpus's text column with zhclean, batch by
batch as Arrow (no Python per document).

    python python/examples/ray_clean.py IN_DIR OUT_DIR

(For output identical to the CLI, byte for byte, with corpus dedup, use
the Spark job: ``python -m zhclean.spark``.)
"""
import sys

import pyarrow as pa
import ray

import zhclean


def clean_batch(batch: pa.Table) -> pa.Table:
    i = batch.schema.get_field_index("text")
    return batch.set_column(i, "text", zhclean.clean_arrow(batch.column("text")))


def main(src: str, dst: str) -> None:
    ds = ray.data.read_json(src)
    ds.map_batches(clean_batch, batch_format="pyarrow").write_json(dst)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
