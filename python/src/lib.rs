//! `zhclean._zhclean`: the zhclean library for Python. No cleaning logic
//! lives here: every function calls the Rust crate, so Python, Spark and
//! the CLI give the same bytes. The Python package (`zhclean/__init__.py`)
//! wraps it with dict configs and Arrow arrays.

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use zhclean::corpus::dedup::{drop_paragraphs as drop_keyed, CorpusDedupConfig, Keyer};
use zhclean::corpus::{Corpus, CorpusOptions};
use zhclean::{CleanConfig, EditLog};

create_exception!(_zhclean, ZhcleanError, PyValueError, "An error from the zhclean library, with its message.");

fn err(e: zhclean::Error) -> PyErr {
    ZhcleanError::new_err(e.to_string())
}

/// The configuration as `zhclean` builds it: a preset, or TOML settings
/// over one (as `--config FILE` with `-p PRESET`), or the same settings
/// as JSON (a Python dict, dumped by the wrapper).
fn config(preset: Option<&str>, toml_text: Option<&str>, json: Option<&str>) -> PyResult<CleanConfig> {
    let text = match (toml_text, json) {
        (Some(_), Some(_)) => return Err(ZhcleanError::new_err("give the config as TOML or as a dict, not both")),
        (Some(t), None) => Some(t.to_string()),
        (None, Some(j)) => {
            let table: toml::Table =
                serde_json::from_str(j).map_err(|e| ZhcleanError::new_err(format!("config: {e}")))?;
            Some(toml::to_string(&table).map_err(|e| ZhcleanError::new_err(format!("config: {e}")))?)
        }
        (None, None) => None,
    };
    match text {
        Some(t) => CleanConfig::from_toml_over(&t, preset).map_err(err),
        None => CleanConfig::preset(preset.unwrap_or("default")).map_err(err),
    }
}

/// Output records and each one's paragraph keys.
type Keyed<'py> = (Vec<Bound<'py, PyBytes>>, Vec<Vec<Bound<'py, PyBytes>>>);

/// A compiled cleaning pipeline (the library's `Cleaner`).
#[pyclass(frozen, module = "zhclean._zhclean")]
struct Cleaner {
    inner: zhclean::Cleaner,
}

#[pymethods]
impl Cleaner {
    #[new]
    #[pyo3(signature = (preset=None, toml=None, json=None))]
    fn new(preset: Option<&str>, toml: Option<&str>, json: Option<&str>) -> PyResult<Cleaner> {
        let inner = zhclean::Cleaner::new(config(preset, toml, json)?).map_err(err)?;
        Ok(Cleaner { inner })
    }

    /// The configuration as TOML (what `zhclean presets NAME` prints).
    fn config_toml(&self) -> String {
        self.inner.config().to_toml()
    }

    fn clean(&self, py: Python<'_>, text: &str) -> PyResult<String> {
        let text = text.to_owned();
        py.detach(|| clean_one(&self.inner, &text))
    }

    fn clean_batch(&self, py: Python<'_>, texts: Vec<String>) -> PyResult<Vec<String>> {
        py.detach(|| {
            // One stream for the batch, as a corpus worker keeps one: it is
            // ready for the next document after each finish.
            let mut stream = self.inner.stream();
            texts
                .iter()
                .map(|t| {
                    let mut out = String::with_capacity(t.len() + t.len() / 8);
                    stream.push_str(t, &mut out).and_then(|()| stream.finish(&mut out)).map_err(err)?;
                    Ok(out)
                })
                .collect()
        })
    }

    /// The audit trail of cleaning `text`, as the CLI's `--audit` writes
    /// it for a plain-text document: one dict per edit, in pass order.
    fn explain<'py>(&self, py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyList>> {
        let text = text.to_owned();
        let edits = py.detach(|| -> Result<Vec<zhclean::audit::MappedEdit>, zhclean::Error> {
            let mut stream = self.inner.stream();
            let (mut out, mut log) = (String::new(), EditLog::default());
            stream.push_str_audited(&text, &mut out, &mut log)?;
            stream.finish_audited(&mut out, &mut log)?;
            Ok(zhclean::audit::map_to_input(&stream.pass_names(), log.edits))
        });
        let list = PyList::empty(py);
        for m in edits.map_err(err)? {
            let d = PyDict::new(py);
            d.set_item("step", m.step)?;
            d.set_item("pass", m.edit.pass)?;
            d.set_item("reason", m.edit.reason)?;
            d.set_item("byte", m.input_byte)?;
            d.set_item("pass_byte", m.edit.byte)?;
            d.set_item("removed", m.edit.before)?;
            d.set_item("inserted", m.edit.after)?;
            list.append(d)?;
        }
        Ok(list)
    }

    /// Cleans JSONL records (lines without their `'\n'`) as `zhclean` does
    /// a shard with corpus dedup off: one output line per input line
    /// (without its `'\n'`). `name` names the shard in errors; `at` is
    /// where the records start in it (lines and bytes before them), so
    /// that errors name the shard's line and byte as the CLI does.
    #[pyo3(signature = (lines, field="text", name="<records>", at=(0, 0)))]
    fn clean_jsonl(
        &self,
        py: Python<'_>,
        lines: Vec<Vec<u8>>,
        field: &str,
        name: &str,
        at: (u64, u64),
    ) -> PyResult<Vec<Py<PyBytes>>> {
        let out = py.detach(|| clean_records(&self.inner, &lines, field, name, at)).map_err(err)?;
        Ok(out.into_iter().map(|l| PyBytes::new(py, &l).unbind()).collect())
    }

    /// [`Cleaner::clean_jsonl`], and for each output line the corpus-dedup
    /// keys of its text's paragraphs (none for a blank line): phase one of
    /// corpus dedup in one call.
    #[pyo3(signature = (lines, field="text", name="<records>", at=(0, 0), min_chars=20))]
    fn clean_jsonl_keyed<'py>(
        &self,
        py: Python<'py>,
        lines: Vec<Vec<u8>>,
        field: &str,
        name: &str,
        at: (u64, u64),
        min_chars: usize,
    ) -> PyResult<Keyed<'py>> {
        let k = Keyer::new(&CorpusDedupConfig::default().min_chars(min_chars));
        let (out, keys) = py
            .detach(|| -> Result<_, zhclean::Error> {
                let out = clean_records(&self.inner, &lines, field, name, at)?;
                let keys = out.iter().map(|l| line_keys(&k, l, field)).collect::<Result<Vec<_>, _>>()?;
                Ok((out, keys))
            })
            .map_err(err)?;
        let out = out.iter().map(|l| PyBytes::new(py, l)).collect();
        let keys = keys.iter().map(|ks| key_bytes(py, ks)).collect();
        Ok((out, keys))
    }

    /// A shard (plain, `.gz` or `.zst`, by its name, as the CLI reads it)
    /// cleaned batch by batch: an iterator of `(lines before the batch,
    /// output lines, keys per line or None)`. Reading, decompressing and
    /// cleaning run in Rust with the GIL released; Python sees a batch at
    /// a time.
    #[pyo3(signature = (path, field="text", batch=512, keys=false, min_chars=20))]
    fn clean_shard(
        slf: PyRef<'_, Self>,
        path: &str,
        field: &str,
        batch: usize,
        keys: bool,
        min_chars: usize,
    ) -> PyResult<ShardBatches> {
        let input = zhclean::corpus::compress::open(std::path::Path::new(path))
            .map_err(|e| ZhcleanError::new_err(format!("{path}: cannot open: {e}")))?;
        Ok(ShardBatches {
            cleaner: slf.inner.clone(),
            input: std::sync::Mutex::new(input),
            name: path.to_string(),
            field: field.to_string(),
            batch: batch.max(1),
            keyer: keys.then(|| Keyer::new(&CorpusDedupConfig::default().min_chars(min_chars))),
            at: std::sync::Mutex::new((0, 0)),
        })
    }

    /// Cleans the strings of an Arrow string array given as its offsets
    /// and data buffers (`large`: 64-bit offsets), `n` strings from
    /// `offset`; returns the new offsets (64-bit, from 0) and data.
    fn clean_arrow_buffers<'py>(
        &self,
        py: Python<'py>,
        offsets: Vec<u8>,
        data: Vec<u8>,
        offset: usize,
        n: usize,
        large: bool,
    ) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
        let (offs, out) = py.detach(|| clean_buffers(&self.inner, &offsets, &data, offset, n, large))?;
        Ok((PyBytes::new(py, &offs), PyBytes::new(py, &out)))
    }
}

/// See [`Cleaner::clean_shard`].
#[pyclass(frozen, module = "zhclean._zhclean")]
struct ShardBatches {
    cleaner: zhclean::Cleaner,
    input: std::sync::Mutex<Box<dyn std::io::BufRead + Send>>,
    name: String,
    field: String,
    batch: usize,
    keyer: Option<Keyer>,
    /// Lines and bytes read so far.
    at: std::sync::Mutex<(u64, u64)>,
}

/// One cleaned batch: lines before it, its output lines, their keys.
type Batch = (u64, Vec<Vec<u8>>, Option<Vec<Vec<u128>>>);

impl ShardBatches {
    fn next_batch(&self) -> Result<Option<Batch>, zhclean::Error> {
        let mut input = self.input.lock().expect("not poisoned");
        let mut at = self.at.lock().expect("not poisoned");
        let mut lines = Vec::with_capacity(self.batch);
        let mut bytes = 0;
        while lines.len() < self.batch {
            let mut raw = Vec::new();
            let n = std::io::BufRead::read_until(&mut *input, b'\n', &mut raw)
                .map_err(|e| zhclean::Error::from(e).with_source(self.name.clone()))?;
            if n == 0 {
                break;
            }
            bytes += n as u64;
            if raw.last() == Some(&b'\n') {
                raw.pop();
            }
            lines.push(raw);
        }
        if lines.is_empty() {
            return Ok(None);
        }
        let first = *at;
        let out = clean_records(&self.cleaner, &lines, &self.field, &self.name, first)?;
        *at = (first.0 + lines.len() as u64, first.1 + bytes);
        let keys = match &self.keyer {
            Some(k) => Some(out.iter().map(|l| line_keys(k, l, &self.field)).collect::<Result<Vec<_>, _>>()?),
            None => None,
        };
        Ok(Some((first.0, out, keys)))
    }
}

#[pymethods]
impl ShardBatches {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    #[allow(clippy::type_complexity)]
    fn __next__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<Option<(u64, Vec<Bound<'py, PyBytes>>, Option<Vec<Vec<Bound<'py, PyBytes>>>>)>> {
        let Some((first, out, keys)) = py.detach(|| self.next_batch()).map_err(err)? else { return Ok(None) };
        let out = out.iter().map(|l| PyBytes::new(py, l)).collect();
        let keys = keys.map(|ks| ks.iter().map(|k| key_bytes(py, k)).collect());
        Ok(Some((first, out, keys)))
    }
}

fn clean_one(c: &zhclean::Cleaner, text: &str) -> PyResult<String> {
    c.try_clean(text).map_err(err)
}

fn clean_records(
    c: &zhclean::Cleaner,
    lines: &[Vec<u8>],
    field: &str,
    name: &str,
    at: (u64, u64),
) -> Result<Vec<Vec<u8>>, zhclean::Error> {
    let mut corpus = Corpus::new(c.clone(), CorpusOptions::default().field(field).threads(1));
    let mut input = Vec::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
    for l in lines {
        input.extend_from_slice(l);
        input.push(b'\n');
    }
    let mut out = Vec::with_capacity(input.len() + input.len() / 8);
    corpus.run_jsonl_at(name, input.as_slice(), at, &mut out, None, &mut |_| {})?;
    let mut lines_out: Vec<Vec<u8>> = out.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    lines_out.pop(); // after the last '\n'
    Ok(lines_out)
}

fn clean_buffers(
    c: &zhclean::Cleaner,
    offsets: &[u8],
    data: &[u8],
    offset: usize,
    n: usize,
    large: bool,
) -> PyResult<(Vec<u8>, Vec<u8>)> {
    let width = if large { 8 } else { 4 };
    let at = |i: usize| -> PyResult<usize> {
        let b = offsets
            .get(i * width..(i + 1) * width)
            .ok_or_else(|| ZhcleanError::new_err("Arrow offsets buffer too short"))?;
        let v = if large {
            i64::from_le_bytes(b.try_into().expect("8 bytes"))
        } else {
            i64::from(i32::from_le_bytes(b.try_into().expect("4 bytes")))
        };
        usize::try_from(v).map_err(|_| ZhcleanError::new_err("negative Arrow offset"))
    };
    let mut offs = Vec::with_capacity((n + 1) * 8);
    let mut out = Vec::with_capacity(data.len() + data.len() / 8);
    offs.extend_from_slice(&0i64.to_le_bytes());
    let mut text = String::new();
    let mut stream = c.stream();
    for i in offset..offset + n {
        let (s, e) = (at(i)?, at(i + 1)?);
        let bytes = data.get(s..e).ok_or_else(|| ZhcleanError::new_err("Arrow data buffer too short"))?;
        let s = std::str::from_utf8(bytes)
            .map_err(|e| ZhcleanError::new_err(format!("string {}: invalid UTF-8: {e}", i - offset)))?;
        text.clear();
        stream
            .push_str(s, &mut text)
            .and_then(|()| stream.finish(&mut text))
            .map_err(|e| ZhcleanError::new_err(format!("string {}: {e}", i - offset)))?;
        // A column of documents keeps each one's final-newline convention,
        // as corpus mode keeps a JSONL text field's.
        if !s.ends_with('\n') && text.ends_with('\n') {
            text.pop();
        }
        out.extend_from_slice(text.as_bytes());
        offs.extend_from_slice(&(out.len() as i64).to_le_bytes());
    }
    Ok((offs, out))
}

/// Conversion alone, OpenCC-exact: `config` is an OpenCC config name.
#[pyfunction]
#[pyo3(signature = (text, config="t2s"))]
fn convert(py: Python<'_>, text: &str, config: &str) -> PyResult<String> {
    let cc = zhclean::Opencc::new(config).map_err(err)?;
    let text = text.to_owned();
    Ok(py.detach(|| cc.convert(&text)))
}

/// The corpus-dedup keys (version 1, 16 bytes big-endian each) of the
/// paragraphs of `text` that have one, in order: the CLI's keys.
#[pyfunction]
#[pyo3(signature = (text, min_chars=20))]
fn paragraph_keys<'py>(py: Python<'py>, text: &str, min_chars: usize) -> Vec<Bound<'py, PyBytes>> {
    let k = Keyer::new(&CorpusDedupConfig::default().min_chars(min_chars));
    let keys: Vec<u128> = k.paragraph_keys(text).into_iter().map(|(key, _)| key).collect();
    key_bytes(py, &keys)
}

/// `text` without the paragraphs `indices` (into `paragraph_keys(text)`),
/// as a corpus run drops paragraphs seen in an earlier document.
#[pyfunction]
#[pyo3(signature = (text, indices, min_chars=20))]
fn drop_paragraphs(text: &str, indices: Vec<usize>, min_chars: usize) -> String {
    let k = Keyer::new(&CorpusDedupConfig::default().min_chars(min_chars));
    drop_keyed(text, &k.paragraph_keys(text), &indices)
}

/// Drops paragraphs from the text field of a JSONL record (no `'\n'`),
/// keeping the rest of its bytes: phase three of corpus dedup.
#[pyfunction]
#[pyo3(signature = (line, indices, field="text", min_chars=20))]
fn drop_record_paragraphs<'py>(
    py: Python<'py>,
    line: &[u8],
    indices: Vec<usize>,
    field: &str,
    min_chars: usize,
) -> PyResult<Bound<'py, PyBytes>> {
    let text = zhclean::corpus::record_text(line, field).map_err(err)?;
    let kept = drop_paragraphs(&text, indices, min_chars);
    let out = zhclean::corpus::replace_record_text(line, field, &kept).map_err(err)?;
    Ok(PyBytes::new(py, &out))
}

/// Keys as Python sees them: 16 bytes each, big-endian (the documented
/// form, as `xxh3_128_hexdigest` prints it).
fn key_bytes<'py>(py: Python<'py>, keys: &[u128]) -> Vec<Bound<'py, PyBytes>> {
    keys.iter().map(|key| PyBytes::new(py, &key.to_be_bytes())).collect()
}

/// The keys of a cleaned JSONL record's text (none for a blank line).
fn line_keys(k: &Keyer, line: &[u8], field: &str) -> Result<Vec<u128>, zhclean::Error> {
    if line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r')) {
        return Ok(Vec::new());
    }
    let text = zhclean::corpus::record_text(line, field)?;
    Ok(k.paragraph_keys(&text).into_iter().map(|(key, _)| key).collect())
}

/// The keys of a cleaned JSONL record's text (empty for a blank line).
#[pyfunction]
#[pyo3(signature = (line, field="text", min_chars=20))]
fn record_keys<'py>(py: Python<'py>, line: &[u8], field: &str, min_chars: usize) -> PyResult<Vec<Bound<'py, PyBytes>>> {
    let k = Keyer::new(&CorpusDedupConfig::default().min_chars(min_chars));
    let keys = line_keys(&k, line, field).map_err(err)?;
    Ok(key_bytes(py, &keys))
}

/// The presets' names.
#[pyfunction]
fn presets() -> Vec<&'static str> {
    zhclean::PRESETS.to_vec()
}

#[pymodule]
fn _zhclean(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Cleaner>()?;
    m.add_class::<ShardBatches>()?;
    m.add_function(wrap_pyfunction!(convert, m)?)?;
    m.add_function(wrap_pyfunction!(paragraph_keys, m)?)?;
    m.add_function(wrap_pyfunction!(drop_paragraphs, m)?)?;
    m.add_function(wrap_pyfunction!(drop_record_paragraphs, m)?)?;
    m.add_function(wrap_pyfunction!(record_keys, m)?)?;
    m.add_function(wrap_pyfunction!(presets, m)?)?;
    m.add("ZhcleanError", m.py().get_type::<ZhcleanError>())?;
    m.add("KEY_VERSION", zhclean::corpus::dedup::KEY_VERSION)?;
    Ok(())
}
