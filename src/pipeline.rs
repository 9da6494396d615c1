//! [`Cleaner`] (compiled, shared) and [`Stream`] (one document's state).

use std::io::{self, Read, Write};
use std::sync::Arc;

use crate::audit::{Audit, CapHit, CapOnce, NoAudit};
use crate::config::{CleanConfig, OutputMode};
use crate::error::Error;
use crate::pass::{Out, Pass};
use crate::passes;
use crate::stream::framer::Framer;

/// Input is read in blocks of this size by [`Cleaner::clean_reader`].
const READ_BLOCK: usize = 64 * 1024;

/// A compiled cleaning pipeline. Build it once, share it (it is `Clone`,
/// `Send` and `Sync`; clones share the compiled data), and make a
/// [`Stream`] per document or per thread.
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
        Ok(Cleaner { inner: Arc::new(Inner { config, compiled }) })
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
        let mut s = self.stream();
        s.push(text.as_bytes(), out)?;
        s.finish(out)
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
        let mut s = self.stream();
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

/// One document's worth of pipeline state: the framer and one instance of
/// each pass. Push bytes in any chunking (including empty pushes and one
/// byte at a time); the output is identical for every chunking.
///
/// After [`Stream::finish`] the stream is ready for the next document.
///
/// ```
/// let cleaner = zhclean::Cleaner::new(Default::default()).unwrap();
/// let mut s = cleaner.stream();
/// let mut out = String::new();
/// let text = "3月30日上午,人才驱动创新发展工作研讨交流活动在 洛阳开幕。\n".as_bytes();
/// for b in text.chunks(1) {
///     s.push(b, &mut out).unwrap();
/// }
/// s.finish(&mut out).unwrap();
/// assert_eq!(out, "3月30日上午，人才驱动创新发展工作研讨交流活动在洛阳开幕。\n");
/// ```
pub struct Stream {
    framer: Framer,
    chain: Chain,
    /// The line cap, reported once per document.
    line_cap: CapOnce,
}

impl Stream {
    /// A stream running the given passes in order (for custom pipelines and
    /// for testing a pass on its own).
    pub fn from_passes(passes: Vec<Box<dyn Pass>>, max_line_bytes: usize, lossy: bool) -> Stream {
        let n = passes.len();
        Stream {
            framer: Framer::new(max_line_bytes.max(crate::config::MIN_LINE_BYTES), lossy),
            chain: Chain { passes, bufs: vec![String::new(); n], bases: vec![0; n], strict_caps: false, ends: None },
            line_cap: CapOnce::default(),
        }
    }

    /// Makes reaching a cap an error (see
    /// [`CleanConfig::strict_caps`](crate::CleanConfig::strict_caps)).
    pub fn strict_caps(mut self, on: bool) -> Stream {
        self.chain.strict_caps = on;
        self
    }

    /// Feeds bytes; appends whatever output is decided to `out`.
    ///
    /// # Errors
    /// Invalid UTF-8 (unless lossy), naming byte offset and line; pass caps.
    pub fn push(&mut self, bytes: &[u8], out: &mut String) -> Result<(), Error> {
        self.push_inner(bytes, out, &mut NoAudit)
    }

    /// [`Stream::push`], reporting every edit to `audit`.
    ///
    /// # Errors
    /// As [`Stream::push`].
    pub fn push_audited(&mut self, bytes: &[u8], out: &mut String, audit: &mut dyn Audit) -> Result<(), Error> {
        self.push_inner(bytes, out, audit)
    }

    /// Ends the document: flushes everything held into `out` and resets.
    ///
    /// # Errors
    /// Input that ended inside a UTF-8 character (unless lossy).
    pub fn finish(&mut self, out: &mut String) -> Result<(), Error> {
        self.finish_inner(out, &mut NoAudit)
    }

    /// [`Stream::finish`], reporting edits to `audit`.
    ///
    /// # Errors
    /// As [`Stream::finish`].
    pub fn finish_audited(&mut self, out: &mut String, audit: &mut dyn Audit) -> Result<(), Error> {
        self.finish_inner(out, audit)
    }

    /// Bytes held back by the framer and all passes right now.
    pub fn held_bytes(&self) -> usize {
        self.framer.held_bytes() + self.chain.passes.iter().map(|p| p.held_bytes()).sum::<usize>()
    }

    /// The names of the passes, in the order they run. Audit consumers use
    /// it to undo edits pass by pass (last pass first) or to map a pass's
    /// offsets back to the document's input.
    pub fn pass_names(&self) -> Vec<&'static str> {
        self.chain.passes.iter().map(|p| p.name()).collect()
    }

    /// Invalid UTF-8 sequences replaced so far in this document.
    pub fn replaced(&self) -> u64 {
        self.framer.replaced()
    }

    /// Splits the stream after its first `at` passes, so that two threads
    /// can run the halves one after the other on a document: the head keeps
    /// the framer and takes bytes, the [`Tail`] takes what the head writes.
    /// The head records in [`Stream::take_ends`] where each of its pushes
    /// into the passes after it would have ended; pushing those pieces into
    /// the tail one by one, and finishing the tail after the head, gives
    /// the whole stream's output and edits. (Most text would come out the
    /// same in any pieces, but a line cut at the line cap reaches each pass
    /// as the pieces the framer cut, and a pass judges those on their own.)
    #[cfg(feature = "corpus")]
    pub(crate) fn split(mut self, at: usize) -> (Stream, Tail) {
        let at = at.min(self.chain.passes.len());
        let chain = &mut self.chain;
        let tail = Chain {
            passes: chain.passes.split_off(at),
            bufs: chain.bufs.split_off(at),
            bases: chain.bases.split_off(at),
            strict_caps: chain.strict_caps,
            ends: None,
        };
        chain.ends = Some(Vec::new());
        (self, Tail { chain: tail })
    }

    /// The ends, in the output written since the last call, of the pieces
    /// the passes after a split head take one push each (see
    /// [`Stream::split`]); empty for a stream that was not split.
    #[cfg(feature = "corpus")]
    pub(crate) fn take_ends(&mut self) -> Vec<usize> {
        self.chain.ends.as_mut().map(std::mem::take).unwrap_or_default()
    }

    fn push_inner(&mut self, bytes: &[u8], out: &mut String, audit: &mut dyn Audit) -> Result<(), Error> {
        let (chain, line_cap) = (&mut self.chain, &mut self.line_cap);
        let limit = self.framer.cap();
        self.framer.push(bytes, &mut |text| {
            // The framer hands out unterminated text during a push only
            // when it cut a line longer than the cap.
            if !text.ends_with('\n') && line_cap.first() {
                let byte = chain.bases.first().copied().unwrap_or(0) + text.len() as u64;
                let consequence = "a longer line is cut into pieces, which passes judge as pieces";
                let hit = CapHit { pass: "framer", setting: "max_line_bytes", limit, byte, consequence };
                audit.cap(&hit);
                strict_error(&hit, chain.strict_caps)?;
            }
            chain.push(text, out, &mut *audit)
        })
    }

    fn finish_inner(&mut self, out: &mut String, audit: &mut dyn Audit) -> Result<(), Error> {
        self.line_cap.reset();
        let chain = &mut self.chain;
        let framed = self.framer.finish(&mut |text| chain.push(text, out, &mut *audit));
        if let Err(e) = framed {
            chain.reset();
            return Err(e);
        }
        chain.finish(out, &mut *audit)?;
        audit.end_document();
        Ok(())
    }
}

/// The passes after a [`Stream::split`]: they take text the head wrote.
#[cfg(feature = "corpus")]
pub(crate) struct Tail {
    chain: Chain,
}

#[cfg(feature = "corpus")]
impl Tail {
    /// Runs `text`, a piece of the head's output, through the passes.
    pub(crate) fn push_audited(&mut self, text: &str, out: &mut String, audit: &mut dyn Audit) -> Result<(), Error> {
        self.chain.push(text, out, audit)
    }

    /// Ends the document, after everything the head flushed was pushed.
    pub(crate) fn finish_audited(&mut self, out: &mut String, audit: &mut dyn Audit) -> Result<(), Error> {
        self.chain.finish(out, audit)?;
        audit.end_document();
        Ok(())
    }
}

/// The passes and the buffers between them.
struct Chain {
    passes: Vec<Box<dyn Pass>>,
    /// `bufs[i]` holds pass `i`'s output between calls (the last pass
    /// writes straight into the caller's buffer and leaves its own empty).
    bufs: Vec<String>,
    /// Bytes each pass has received in this document (audit offsets).
    bases: Vec<u64>,
    /// A cap a pass reaches is an error.
    strict_caps: bool,
    /// For the head of a split stream: where each push into the passes
    /// after it would end, as lengths of the caller's `out`.
    ends: Option<Vec<usize>>,
}

/// The error for a cap reached under `strict_caps`.
fn strict_error(hit: &CapHit, strict: bool) -> Result<(), Error> {
    if strict {
        return Err(Error::cap(hit.message()));
    }
    Ok(())
}

/// [`strict_error`] for a cap a pass reached through `o`.
fn cap_error(o: &Out<'_>, strict: bool) -> Result<(), Error> {
    o.cap_hit().map_or(Ok(()), |hit| strict_error(hit, strict))
}

impl Chain {
    fn push(&mut self, input: &str, out: &mut String, audit: &mut dyn Audit) -> Result<(), Error> {
        if self.passes.is_empty() {
            out.push_str(input);
        } else {
            self.push_from(0, input, out, audit)?;
        }
        self.mark_end(out);
        Ok(())
    }

    /// See [`Chain::ends`].
    fn mark_end(&mut self, out: &str) {
        if let Some(ends) = &mut self.ends {
            ends.push(out.len());
        }
    }

    /// Pushes `input` into pass `first` and what each pass writes on into
    /// the next.
    fn push_from(&mut self, first: usize, input: &str, out: &mut String, audit: &mut dyn Audit) -> Result<(), Error> {
        let n = self.passes.len();
        for i in first..n {
            let (done, rest) = self.bufs.split_at_mut(i);
            let inp: &str = if i == first { input } else { &done[i - 1] };
            let dst: &mut String = if i + 1 == n { &mut *out } else { &mut rest[0] };
            let pass = &mut self.passes[i];
            let mut o = Out::new(dst, &mut *audit, pass.name(), self.bases[i]);
            pass.push(inp, &mut o)?;
            cap_error(&o, self.strict_caps)?;
            self.bases[i] += inp.len() as u64;
            if i > first {
                done[i - 1].clear();
            }
        }
        Ok(())
    }

    /// Finishes pass `i` and pushes what it flushed through the passes
    /// after it, then finishes pass `i + 1`, and so on (finishing every
    /// pass first would lose the flushed text of the earlier ones). What a
    /// pass flushes travels as its own push, never glued to the output of
    /// the push before: a pass then receives at most one line piece per
    /// push, at the end of a document as everywhere else, and holds at most
    /// one (gluing them made each pass hold one piece more than the pass
    /// before it: nine pieces of a cut line by the last pass).
    fn finish(&mut self, out: &mut String, audit: &mut dyn Audit) -> Result<(), Error> {
        let n = self.passes.len();
        for i in 0..n {
            let mut flushed = std::mem::take(&mut self.bufs[i]);
            let dst: &mut String = if i + 1 == n { &mut *out } else { &mut flushed };
            // Edits made while flushing refer to input already pushed.
            let pass = &mut self.passes[i];
            let mut o = Out::new(dst, &mut *audit, pass.name(), self.bases[i]);
            pass.finish(&mut o)?;
            cap_error(&o, self.strict_caps)?;
            if i + 1 < n && !flushed.is_empty() {
                self.push_from(i + 1, &flushed, out, audit)?;
            }
            self.mark_end(out);
            flushed.clear();
            self.bufs[i] = flushed;
        }
        self.reset();
        Ok(())
    }

    fn reset(&mut self) {
        for b in &mut self.bufs {
            b.clear();
        }
        for b in &mut self.bases {
            *b = 0;
        }
    }
}
