//! [`Cleaner`] (compiled, shared) and [`Stream`] (one document's state):
//! the framer and the chain of passes behind it.

mod chain;
mod stream;

pub use stream::Stream;
#[cfg(feature = "corpus")]
pub(crate) use stream::Tail;

use std::io::{self, Read, Write};
use std::sync::Arc;

use crate::config::{CleanConfig, OutputMode};
use crate::error::Error;
use crate::passes;

/// Input is read in blocks of this size by [`Cleaner::clean_reader`].
const READ_BLOCK: usize = 64 * 1024;

/// A compiled cleaning pipeline. Build it once, share it (it is `Clone`,
/// `Send` and `Sync`; clones share the compiled data), and make a
/// [`Stream`] per document or per thread, or call [`Cleaner::clean`] per
/// document: the cleaner keeps the streams that finished one for the next
/// call.
///
/// ```
/// use zhclean::Cleaner;
///
/// let cleaner = Cleaner::new(zhclean::CleanConfig::default()).unwrap();
/// let out = cleaner.clean("本报讯 3月30日上午,活动在 洛阳开幕。\n\n强化人才驱动 增强发展动能\n");
/// assert_eq!(out, "本报讯3月30日上午，活动在洛阳开幕。\n强化人才驱动 增强发展动能\n");
/// ```
#[derive(Clone, Debug)]
pub struct Cleaner {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: CleanConfig,
    /// The passes' compiled data.
    compiled: passes::Compiled,
    /// Streams that finished a document, for the next (see
    /// [`Cleaner::clean_to`]).
    spares: Spares,
}

/// Streams kept between [`Cleaner::clean_to`] calls: a stream is ready for
/// the next document once it finished one, and making one (every pass's
/// state and buffers) took more than half the time of cleaning a document
/// of one line (20 000 of them: 50 ms with a new stream each, 23 ms with
/// one for all). At most [`MAX_SPARES`]; one that stopped on an error is
/// dropped. A kept stream holds what its passes keep between documents
/// (buffers cut back to a few kilobytes, tables bounded by their caps).
#[derive(Default)]
struct Spares(std::sync::Mutex<Vec<Stream>>);

/// See [`Spares`]: callers cleaning at the same time each take one.
const MAX_SPARES: usize = 16;

impl std::fmt::Debug for Spares {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.try_lock() {
            Ok(v) => write!(f, "Spares({})", v.len()),
            Err(_) => f.write_str("Spares(..)"),
        }
    }
}

/// Builds a [`Cleaner`] from a preset plus changes.
///
/// ```
/// let cleaner = zhclean::Cleaner::builder().preset("minimal").unwrap().lossy(true).build().unwrap();
/// assert_eq!(cleaner.clean("ＡＢＣ１２３"), "ABC123");
/// ```
#[derive(Clone, Debug, Default)]
pub struct CleanerBuilder {
    config: CleanConfig,
}

impl CleanerBuilder {
    /// Starts from the named preset (see [`CleanConfig::preset`]).
    ///
    /// # Errors
    /// An unknown preset name.
    pub fn preset(mut self, name: &str) -> Result<Self, Error> {
        self.config = CleanConfig::preset(name)?;
        Ok(self)
    }
    /// Replaces the whole configuration.
    pub fn config(mut self, config: CleanConfig) -> Self {
        self.config = config;
        self
    }
    /// Sets [`CleanConfig::lossy`].
    pub fn lossy(mut self, on: bool) -> Self {
        self.config.lossy = on;
        self
    }
    /// Sets [`CleanConfig::max_line_bytes`].
    pub fn max_line_bytes(mut self, n: usize) -> Self {
        self.config.max_line_bytes = n;
        self
    }
    /// Sets [`CleanConfig::output`].
    pub fn output(mut self, mode: OutputMode) -> Self {
        self.config.output = mode;
        self
    }
    /// Validates the configuration and compiles the passes' data.
    ///
    /// # Errors
    /// An invalid configuration ([`CleanConfig::validate`]).
    pub fn build(self) -> Result<Cleaner, Error> {
        Cleaner::new(self.config)
    }
}

/// What [`Cleaner::clean_reader`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Bytes read.
    pub bytes_in: u64,
    /// Bytes written.
    pub bytes_out: u64,
    /// Invalid UTF-8 sequences replaced by U+FFFD (lossy policy only).
    pub replaced: u64,
}

impl Cleaner {
    /// Compiles a cleaner from a configuration.
    ///
    /// # Errors
    /// An invalid configuration ([`CleanConfig::validate`]).
    pub fn new(config: CleanConfig) -> Result<Cleaner, Error> {
        config.validate()?;
        let compiled = passes::Compiled::new(&config)?;
        Ok(Cleaner { inner: Arc::new(Inner { config, compiled, spares: Spares::default() }) })
    }

    /// A builder starting from the default preset.
    pub fn builder() -> CleanerBuilder {
        CleanerBuilder::default()
    }

    /// The configuration this cleaner was built from.
    pub fn config(&self) -> &CleanConfig {
        &self.inner.config
    }

    /// Fresh per-document state. Cheap: no dictionary is rebuilt.
    pub fn stream(&self) -> Stream {
        let cfg = &self.inner.config;
        let chain = self.inner.compiled.chain(cfg);
        Stream::from_passes(chain, cfg.max_line_bytes, cfg.lossy).strict_caps(cfg.strict_caps)
    }

    /// Cleans one document held in memory.
    ///
    /// # Panics
    /// When [`Cleaner::try_clean`] would return an error. A `&str` is valid
    /// UTF-8, so that is only a cap reached with
    /// [`CleanConfig::strict_caps`] on; use `try_clean` then.
    pub fn clean(&self, text: &str) -> String {
        self.try_clean(text).expect("cleaning a &str fails only on a cap reached with strict_caps")
    }

    /// Cleans one document held in memory. Runs exactly the streaming code
    /// path, over the whole text as one push.
    ///
    /// # Errors
    /// When a pass reaches a configured cap.
    pub fn try_clean(&self, text: &str) -> Result<String, Error> {
        let mut out = String::with_capacity(text.len() + text.len() / 8);
        self.clean_to(text, &mut out)?;
        Ok(out)
    }

    /// Cleans `text` and appends the result to `out`.
    ///
    /// # Errors
    /// As [`Cleaner::try_clean`].
    pub fn clean_to(&self, text: &str, out: &mut String) -> Result<(), Error> {
        let mut s = self.spare_stream();
        s.push(text.as_bytes(), out)?;
        s.finish(out)?;
        self.keep_stream(s);
        Ok(())
    }

    /// A stream a document finished (see [`Spares`]), else a new one;
    /// corpus mode takes its streams here too. (The kept ones are never
    /// waited for: a caller that finds them taken by another thread makes
    /// its own, and a process forked while one was being taken cannot
    /// block on them.)
    pub(crate) fn spare_stream(&self) -> Stream {
        let kept = self.inner.spares.0.try_lock().ok().and_then(|mut v| v.pop());
        kept.unwrap_or_else(|| self.stream())
    }

    /// Keeps `s`, which finished a document, for the next (unless the
    /// kept ones are being taken, or there are enough). A stream that
    /// stopped on an error is not given back.
    pub(crate) fn keep_stream(&self, s: Stream) {
        if let Ok(mut v) = self.inner.spares.0.try_lock() {
            if v.len() < MAX_SPARES {
                v.push(s);
            }
        }
    }

    /// Cleans one document read from `reader` into `writer`, in bounded
    /// memory: the read block, the line cap and what each pass holds.
    ///
    /// # Errors
    /// I/O errors, invalid UTF-8 (unless lossy) with its byte offset and
    /// line, and pass caps.
    ///
    /// ```
    /// let cleaner = zhclean::Cleaner::new(Default::default()).unwrap();
    /// let mut out = Vec::new();
    /// cleaner.clean_reader("汇\"智\"聚\"才\"\n".as_bytes(), &mut out).unwrap();
    /// assert_eq!(String::from_utf8(out).unwrap(), "汇“智”聚“才”\n");
    /// ```
    pub fn clean_reader<R: Read, W: Write>(&self, reader: R, mut writer: W) -> Result<Summary, Error> {
        let mut s = self.spare_stream();
        let mut out = String::new();
        let mut sum = Summary::default();
        read_blocks(reader, READ_BLOCK, Error::from, |block| {
            sum.bytes_in += block.len() as u64;
            s.push(block, &mut out)?;
            writer.write_all(out.as_bytes())?;
            sum.bytes_out += out.len() as u64;
            out.clear();
            Ok(())
        })?;
        sum.replaced = s.replaced();
        s.finish(&mut out)?;
        self.keep_stream(s);
        writer.write_all(out.as_bytes())?;
        writer.flush()?;
        sum.bytes_out += out.len() as u64;
        Ok(sum)
    }
}

/// Reads `reader` to its end in blocks of up to `size` bytes, handing each
/// to `f` (retrying interrupted reads); a read error becomes `read_err(e)`.
pub(crate) fn read_blocks<R: Read>(
    mut reader: R,
    size: usize,
    read_err: impl Fn(io::Error) -> Error,
    mut f: impl FnMut(&[u8]) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut buf = vec![0u8; size];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => f(&buf[..n])?,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(read_err(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cleaner_cleans_each_document_as_a_new_one_would() {
        // Documents one after another through one cleaner, which keeps
        // the streams that finished one (from several threads at once
        // too), and through a new cleaner each: the same output. Among
        // them, documents that stop on a cap with strict caps halfway
        // through a line (the stream then holds part of the document, and
        // is dropped), read from a reader too.
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seeds");
        let mut docs: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap()).collect();
        docs.sort();
        let long_line = format!("{}\n{}\n", docs[0], "长".repeat(30_000));
        docs.insert(3, long_line.clone());
        docs.insert(7, long_line);
        docs.extend(["", "一行", "第一段。\n\n第二段，"].map(String::from));
        let cfg = CleanConfig { strict_caps: true, max_line_bytes: 64 << 10, ..CleanConfig::default() };
        let fresh = |d: &str| Cleaner::new(cfg.clone()).unwrap().try_clean(d).map_err(|e| e.to_string());
        let want: Vec<_> = docs.iter().map(|d| fresh(d)).collect();
        assert!(want[3].is_err() && want[0].is_ok(), "a cap stops the long line");
        let shared = Cleaner::new(cfg.clone()).unwrap();
        for round in 0..2 {
            let got: Vec<_> = docs.iter().map(|d| shared.try_clean(d).map_err(|e| e.to_string())).collect();
            assert_eq!(got, want, "round {round}");
            let mut read: Vec<_> = Vec::new();
            for d in &docs {
                let mut out = Vec::new();
                let done = shared.clean_reader(d.as_bytes(), &mut out);
                read.push(done.map(|_| String::from_utf8(out).unwrap()).map_err(|e| e.to_string()));
            }
            assert_eq!(read, want, "round {round}, from a reader");
        }
        std::thread::scope(|s| {
            let runs: Vec<_> = (0..4)
                .map(|k| {
                    let (shared, docs) = (&shared, &docs);
                    s.spawn(move || {
                        docs.iter()
                            .cycle()
                            .skip(k)
                            .take(3 * docs.len())
                            .map(|d| shared.try_clean(d).map_err(|e| e.to_string()))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for (k, run) in runs.into_iter().enumerate() {
                let want: Vec<_> = want.iter().cycle().skip(k).take(3 * docs.len()).cloned().collect();
                assert_eq!(run.join().unwrap(), want, "thread {k}");
            }
        });
    }
}
