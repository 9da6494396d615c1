"""The datatrove step and the Ray example, where those packages install."""
import json
import sys
from pathlib import Path

import pytest

import zhclean
from conftest import documents


def test_datatrove_step_cleans_and_counts():
    pytest.importorskip("datatrove", reason="datatrove is not installed (pip install datatrove)")
    from datatrove.data import Document

    from zhclean.datatrove import ZhcleanStep

    docs = documents(30, seed=2) + [""]
    step = ZhcleanStep(batch=7)
    out = list(step.run(Document(text=t, id=str(i)) for i, t in enumerate(docs)))
    want = [o.rstrip("\n") if not d.endswith("\n") else o for o, d in zip(zhclean.Cleaner().clean_batch(docs), docs)]
    assert [d.text for d in out] == [w for w in want if w]


def test_ray_example_cleans_a_text_column(tmp_path):
    pytest.importorskip("ray", reason="ray is not installed (pip install 'ray[data]')")
    import ray

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
    import ray_clean

    # Workers cannot import the example: its functions travel by value.
    ray.cloudpickle.register_pickle_by_value(ray_clean)
    # A local instance on the loopback address only, no dashboard.
    ray.init(_node_ip_address="127.0.0.1", include_dashboard=False, num_cpus=2, log_to_driver=False,
             configure_logging=False)

    docs = documents(20, seed=4)
    src, dst = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "a.jsonl").write_text("".join(json.dumps({"text": d}) + "\n" for d in docs), encoding="utf-8")
    try:
        ray_clean.main(str(src), str(dst))
    finally:
        ray.shutdown()
    got = sorted(json.loads(l)["text"] for f in dst.iterdir() for l in f.read_text(encoding="utf-8").splitlines())
    want = sorted(zhclean.clean_arrow(__import__("pyarrow").array(docs)).to_pylist())
    assert got == want
