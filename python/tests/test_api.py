"""The Python API gives what the CLI gives, byte for byte."""
import json
import threading

import pytest

import zhclean
from conftest import documents, run_cli, seed_inputs


@pytest.fixture(scope="module")
def cleaner():
    return zhclean.Cleaner()


def test_clean_equals_the_cli_on_the_seeds(cleaner, tmp_path):
    seeds = seed_inputs()
    assert len(seeds) == 5
    for p in seeds:
        text = p.read_text(encoding="utf-8")
        assert cleaner.clean(text) == run_cli(p).decode("utf-8"), p.name


def test_clean_batch_equals_the_cli_on_generated_documents(cleaner, tmp_path):
    docs = documents(300)
    out = cleaner.clean_batch(docs)
    assert len(out) == len(docs)
    # Through the CLI as one JSONL shard: each record's text.
    shard = tmp_path / "docs.jsonl"
    shard.write_text("".join(json.dumps({"text": d}, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    cli = [json.loads(l)["text"] for l in run_cli(shard).decode("utf-8").splitlines()]
    # The CLI keeps a JSONL field's final-newline convention; clean() is
    # the plain-text document's, which ends in one.
    assert [o.rstrip("\n") if not d.endswith("\n") else o for o, d in zip(out, docs)] == cli
    # And a few whole, as plain-text files.
    for i, d in enumerate(docs[:20]):
        f = tmp_path / f"d{i}.txt"
        f.write_text(d, encoding="utf-8")
        assert out[i] == run_cli(f).decode("utf-8")


def test_clean_jsonl_keeps_every_other_byte_as_the_cli(cleaner, tmp_path):
    docs = documents(120, seed=3)
    lines = [json.dumps({"id": i, "text": d, "meta": {"k": [1, 2]}}, ensure_ascii=(i % 2 == 0)).encode()
             for i, d in enumerate(docs)]
    lines.insert(5, b"")
    shard = tmp_path / "s.jsonl"
    shard.write_bytes(b"\n".join(lines) + b"\n")
    assert b"\n".join(cleaner.clean_jsonl(lines)) + b"\n" == run_cli(shard)


def test_explain_equals_the_cli_audit(cleaner, tmp_path):
    for p in seed_inputs()[:3]:
        audit = tmp_path / (p.name + ".audit.jsonl")
        run_cli("--audit", audit, "-o", tmp_path / "out.txt", "-f", p)
        cli = [json.loads(l) for l in audit.read_text(encoding="utf-8").splitlines()]
        for r in cli:
            del r["file"]
        assert cleaner.explain(p.read_text(encoding="utf-8")) == cli, p.name


def test_config_as_dict_or_toml_over_a_preset():
    text = "當前位置 活動在 洛陽開幕。"
    assert zhclean.Cleaner(config={"script": {"config": "s2t"}}).clean("当前") == zhclean.Cleaner(
        config='[script]\nconfig = "s2t"\n').clean("当前")
    assert zhclean.Cleaner("minimal").clean(text) != zhclean.Cleaner().clean(text)
    toml = zhclean.Cleaner("web").config_toml()
    assert zhclean.Cleaner(config=toml).config_toml() == toml


def test_bad_input_raises_with_the_library_message(cleaner):
    with pytest.raises(zhclean.ZhcleanError, match="unknown preset \"nope\""):
        zhclean.Cleaner("nope")
    with pytest.raises(zhclean.ZhcleanError, match="config"):
        zhclean.Cleaner(config="[unwrap]\nmin_column = \"x\"\n")
    with pytest.raises(zhclean.ZhcleanError, match="shard.jsonl: line 2"):
        cleaner.clean_jsonl([b'{"text":"a"}', b"not json"], name="shard.jsonl")
    with pytest.raises(zhclean.ZhcleanError):
        zhclean.convert("x", config="nope")
    with pytest.raises(TypeError):
        zhclean.Cleaner(config=3)


def test_clean_batch_from_several_threads_at_once(cleaner):
    docs = documents(200, seed=11)
    want = cleaner.clean_batch(docs)
    got = [None] * 4

    def work(k):
        got[k] = cleaner.clean_batch(docs)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(g == want for g in got)


def test_convert_is_opencc_exact():
    assert zhclean.convert("鼠標裡面的矽二極體壞了", "tw2sp") == "鼠标里面的硅二极管坏了"
    assert zhclean.convert("汉字", "s2t") == "漢字"


def test_paragraph_keys_are_the_documented_versioned_keys():
    keys = zhclean.paragraph_keys("本报讯 abc公司今日宣布新产品将于下月正式上市。\n责任编辑：张三\n")
    assert len(keys) == 1 and len(keys[0]) == 16
    # Script, width, spacing and punctuation do not change the key.
    assert keys == zhclean.paragraph_keys("本報訊，ＡＢＣ公司今日宣佈新產品將於下月正式上市!")
    assert zhclean.KEY_VERSION == 1


def test_drop_paragraphs_by_index():
    text = "第一段足够长的正文内容在这里，用来测试按序号删除段落。\n责任编辑：张三\n第二段也足够长的正文内容在这里，它会被删除掉的。"
    assert len(zhclean.paragraph_keys(text)) == 2
    assert zhclean.drop_paragraphs(text, [1]) == "第一段足够长的正文内容在这里，用来测试按序号删除段落。\n责任编辑：张三"
    assert zhclean.drop_paragraphs(text, []) == text


def test_clean_arrow_has_no_loop_per_document_and_matches_clean(cleaner):
    pa = pytest.importorskip("pyarrow", reason="pyarrow is not installed")
    docs = documents(100, seed=5)
    arr = pa.array(docs[:50] + [None] + docs[50:])
    out = zhclean.clean_arrow(arr, cleaner)
    assert out.type == pa.string() and out.null_count == 1
    want = [o.rstrip("\n") if not d.endswith("\n") else o for o, d in zip(cleaner.clean_batch(docs), docs)]
    assert out.to_pylist() == want[:50] + [None] + want[50:]
    # Slices, large strings and chunked arrays.
    assert zhclean.clean_arrow(arr.slice(49, 3)).to_pylist() == want[49:50] + [None] + want[50:51]
    large = zhclean.clean_arrow(arr.cast(pa.large_string()))
    assert large.type == pa.large_string() and large.to_pylist() == out.to_pylist()
    chunked = zhclean.clean_arrow(pa.chunked_array([arr.slice(0, 10), arr.slice(10)]))
    assert chunked.to_pylist() == out.to_pylist()
    with pytest.raises(TypeError):
        zhclean.clean_arrow(pa.array([1, 2]))


def test_import_starts_no_thread():
    import subprocess
    import sys

    code = "import threading, zhclean; zhclean.Cleaner().clean('x'); print(threading.active_count())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "1"


def test_the_readme_spark_snippet_function_on_a_record_batch():
    pa = pytest.importorskip("pyarrow", reason="pyarrow is not installed")

    def clean(batches):
        for b in batches:
            i = b.schema.get_field_index("text")
            yield b.set_column(i, "text", zhclean.clean_arrow(b.column(i)))

    b = pa.RecordBatch.from_pydict({"id": [1, 2], "text": ["當前位置 活動在 洛陽開幕。", None]})
    (out,) = list(clean([b]))
    assert out.column("text").to_pylist() == ["当前位置活动在洛阳开幕。", None]
    assert out.column("id").to_pylist() == [1, 2]


def test_readme_config_example_is_a_valid_setting():
    c = zhclean.Cleaner("ocr-news", config={"dedup": {"min_paragraph_chars": 30}})
    assert "min_paragraph_chars = 30" in c.config_toml()


def test_the_docstring_examples_run():
    import doctest

    import zhclean.spark

    for m in (zhclean, zhclean.spark):
        r = doctest.testmod(m)
        assert r.failed == 0, m.__name__
    assert doctest.testmod(zhclean).attempted >= 3
