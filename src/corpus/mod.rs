//! Corpus mode: JSONL shards cleaned in parallel, in input order, with
//! stats and a complete audit trail.
//!
//! A [`Corpus`] owns a [`Cleaner`] and the state that spans documents
//! (counts, and the corpus-wide duplicate set when enabled). Each
//! [`Corpus::run_jsonl`] call reads one shard: a reader thread cuts it into
//! batches of records, worker threads clean them, and the calling thread
//! writes the results back in input order. A bounded number of batches is
//! in flight, so memory does not grow with the shard; and because every
//! decision that depends on earlier documents is taken by the one writer,
//! in input order, the output bytes are the same for any thread count.
//!
//! ```
//! use zhclean::corpus::{Corpus, CorpusOptions};
//!
//! let cleaner = zhclean::Cleaner::new(Default::default()).unwrap();
//! let mut corpus = Corpus::new(cleaner, CorpusOptions::default());
//! let shard = "{\"id\":1,\"text\":\"當前位置 活動在 洛陽開幕。\",\"url\":\"u\"}\n";
//! let mut out = Vec::new();
//! corpus.run_jsonl("shard.jsonl", shard.as_bytes(), &mut out, None, &mut |_| {}).unwrap();
//! assert_eq!(String::from_utf8(out).unwrap(), "{\"id\":1,\"text\":\"当前位置活动在洛阳开幕。\",\"url\":\"u\"}\n");
//! assert_eq!(corpus.stats().documents, 1);
//! ```

pub mod audit;
pub mod compress;
pub mod dedup;
mod json;

use std::collections::BTreeMap;
use std::io::{self, BufRead, Read, Write};
use std::ops::Range;
use std::sync::mpsc;
use std::sync::Mutex;

use serde::Serialize;

use crate::audit::MappedEdit;
use crate::audit::{Audit, CapHit, Edit, EditLog};
use crate::error::{Error, ErrorKind, Location};
use crate::passes::paragraphs::FINAL_NEWLINE;
use crate::passes::PassId;
use crate::pipeline::{Cleaner, Stream, Tail};
use audit::PassCounts;
use dedup::{CorpusDedup, CorpusDedupConfig};

/// The text field of one JSONL record, decoded by the rules corpus mode
/// applies (a JSON object, the field present once, a string, no lone
/// surrogate escapes).
///
/// ```
/// let t = zhclean::corpus::record_text(r#"{"id": 7, "text": "\u4e2d文"}"#.as_bytes(), "text").unwrap();
/// assert_eq!(t, "中文");
/// assert!(zhclean::corpus::record_text(br#"{"text": 3}"#, "text").is_err());
/// ```
///
/// # Errors
/// A [`ErrorKind::BadRecord`] saying what is wrong.
pub fn record_text(record: &[u8], field: &str) -> Result<String, Error> {
    json::locate(record, field).map(|l| l.text).map_err(|b| Error::new(ErrorKind::BadRecord, b.message))
}

/// How a corpus run reads and reports.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorpusOptions {
    /// The JSONL field that is cleaned; every other field is written back
    /// byte for byte.
    pub field: String,
    /// Worker threads; 0 means one per available core. JSONL records are
    /// shared out among them; a plain-text file, one document, runs on two
    /// when this is 2 or more (see [`Corpus::run_text`]). Output is the
    /// same for every value.
    pub threads: usize,
    /// Skip records that are not valid JSON objects with a string field
    /// (counted in the stats and reported on the progress callback)
    /// instead of stopping with an error.
    pub skip_bad: bool,
    /// Cap on one JSONL record's size in bytes. A longer record is an
    /// error naming the cap (or skipped with `skip_bad`).
    pub max_record_bytes: usize,
    /// Collect the edits (needed for an audit file and for per-pass
    /// counts; costs some speed).
    pub collect_edits: bool,
    /// Cap on the edits of one document held for the audit file (a
    /// document's edits are mapped back to its input when it ends; a
    /// plain-text file is one document of any size). Past it the run stops
    /// with an error naming the cap. About 300 bytes an edit; default 4M.
    /// Stats alone only count, and hold nothing.
    pub max_audit_edits: usize,
    /// Corpus-wide duplicate paragraph removal.
    pub dedup: Option<CorpusDedupConfig>,
    /// A plain-text file that is only converted (the `convert` command)
    /// on two threads: the least size of the chunks converted side by
    /// side, cut at line ends. Default 1 MiB. Output is the same for every
    /// value.
    pub text_chunk_bytes: usize,
}

impl Default for CorpusOptions {
    fn default() -> CorpusOptions {
        CorpusOptions {
            field: "text".into(),
            threads: 0,
            skip_bad: false,
            max_record_bytes: 256 << 20,
            collect_edits: false,
            max_audit_edits: 4_000_000,
            dedup: None,
            text_chunk_bytes: 1 << 20,
        }
    }
}

impl CorpusOptions {
    /// Sets [`CorpusOptions::field`].
    pub fn field(mut self, name: &str) -> Self {
        self.field = name.to_string();
        self
    }
    /// Sets [`CorpusOptions::text_chunk_bytes`].
    pub fn text_chunk_bytes(mut self, n: usize) -> Self {
        self.text_chunk_bytes = n;
        self
    }
    /// Sets [`CorpusOptions::threads`].
    pub fn threads(mut self, n: usize) -> Self {
        self.threads = n;
        self
    }
    /// Sets [`CorpusOptions::skip_bad`].
    pub fn skip_bad(mut self, on: bool) -> Self {
        self.skip_bad = on;
        self
    }
    /// Sets [`CorpusOptions::collect_edits`].
    pub fn collect_edits(mut self, on: bool) -> Self {
        self.collect_edits = on;
        self
    }
    /// Sets [`CorpusOptions::dedup`].
    pub fn dedup(mut self, cfg: Option<CorpusDedupConfig>) -> Self {
        self.dedup = cfg;
        self
    }

    /// The worker threads a run uses: [`CorpusOptions::threads`], or the
    /// available cores when it is 0.
    pub fn thread_count(&self) -> usize {
        match self.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        }
    }
}

/// What a run did, summed over every shard so far.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CorpusStats {
    /// Records cleaned.
    pub documents: u64,
    /// Records skipped as bad (`skip_bad`).
    pub bad_records: u64,
    /// Blank lines between records (written back unchanged).
    pub blank_lines: u64,
    /// Bytes of JSONL read (after decompression).
    pub bytes_in: u64,
    /// Bytes of JSONL written (before compression).
    pub bytes_out: u64,
    /// Bytes of the text field before cleaning.
    pub text_bytes_in: u64,
    /// Bytes of the text field after cleaning.
    pub text_bytes_out: u64,
    /// Records whose text came out empty (kept, with an empty field).
    pub emptied_documents: u64,
    /// Edits by pass and reason (when edits are collected; corpus dedup is
    /// always counted).
    pub passes: PassCounts,
    /// Documents that reached each cap, by setting (`dedup.max_windows`,
    /// …; see [`CapHit`]). Always counted.
    pub caps: BTreeMap<&'static str, u64>,
}

/// Progress, reported after each batch is written.
#[derive(Clone, Copy, Debug, Default)]
pub struct Progress {
    /// Records (good, bad and blank) done in this shard.
    pub records: u64,
    /// JSONL bytes done in this shard (after decompression).
    pub bytes: u64,
}

/// The audit's name for corpus mode's own step after the passes: taking
/// off a final `'\n'` that a JSONL text field did not have.
pub const JSONL_STEP: &str = "jsonl";

/// A corpus run; see the module docs.
pub struct Corpus {
    ctx: Ctx,
    state: State,
}

/// What the workers share (read-only).
struct Ctx {
    cleaner: Cleaner,
    /// The cleaner's passes, in order: the audit's steps.
    passes: Vec<PassId>,
    /// Their names, as the audit mapping takes them.
    pass_names: Vec<&'static str>,
    opts: CorpusOptions,
    keyer: Option<dedup::Keyer>,
}

/// What the writer owns: everything that depends on earlier documents.
struct State {
    stats: CorpusStats,
    dedup: Option<CorpusDedup>,
    /// Messages about skipped records, for the caller to show.
    skipped: Vec<String>,
    /// The first hit of each cap setting in this run, with where, for the
    /// caller to show once.
    cap_notes: Vec<String>,
}

/// The audit of one document in a corpus run: the edits when they are
/// collected (or only their counts, when no audit file wants them), and
/// the caps reached always.
struct Collect {
    log: EditLog,
    edits: bool,
    /// At most this many edits are kept; more sets `overflow`.
    max: usize,
    overflow: bool,
    /// Counting instead of keeping: a plain-text file is one document of
    /// any size, and stats alone must not hold its edits.
    counts: Option<PassCounts>,
}

impl Collect {
    fn new(edits: bool, max: usize) -> Collect {
        Collect { log: EditLog::default(), edits, max, overflow: false, counts: None }
    }

    fn counting() -> Collect {
        Collect { counts: Some(PassCounts::new()), ..Collect::new(false, 0) }
    }

    /// Adds the audit of the passes after this one's (the tail of a split
    /// stream).
    fn absorb(&mut self, tail: Collect) {
        self.log.edits.extend(tail.log.edits);
        self.log.caps.extend(tail.log.caps);
        self.overflow |= tail.overflow || self.log.edits.len() > self.max && self.edits;
        if let (Some(c), Some(t)) = (&mut self.counts, tail.counts) {
            audit::merge(c, t);
        }
    }

    /// The audit cap's error, once it was passed.
    fn check(&self) -> Result<(), Error> {
        if self.overflow {
            return Err(Error::cap(format!(
                "more than {} edits in one document held for the audit (--max-audit-edits); \
                 raise it, or split the input into smaller documents",
                self.max
            )));
        }
        Ok(())
    }
}

impl Audit for Collect {
    fn edit(&mut self, e: &Edit<'_>) {
        if let Some(c) = &mut self.counts {
            audit::count_one(c, e.pass, e.reason, e.before, e.after);
        } else if self.edits {
            if self.log.edits.len() < self.max {
                self.log.edit(e);
            } else {
                self.overflow = true;
            }
        }
    }
    fn cap(&mut self, hit: &CapHit) {
        self.log.cap(hit);
    }
    fn enabled(&self) -> bool {
        self.edits || self.counts.is_some()
    }
}

/// Records per batch, at most; a batch also ends after [`BATCH_BYTES`].
const BATCH_RECORDS: usize = 512;
const BATCH_BYTES: usize = 1 << 20;

struct Record {
    line: u64,
    /// Offset of the line in the (decompressed) shard.
    byte: u64,
    raw: Vec<u8>,
}

enum Outcome {
    Blank { raw: Vec<u8> },
    Bad { error: Error },
    Clean(Box<Cleaned>),
}

struct Cleaned {
    line: u64,
    raw: Vec<u8>,
    value: Range<usize>,
    id: Option<Range<usize>>,
    text_in: usize,
    text: String,
    /// `raw` with the field replaced, newline-terminated.
    encoded: Vec<u8>,
    /// The edits, mapped, when collected.
    edits: Vec<MappedEdit>,
    /// Keys of the paragraphs of `text`, when corpus dedup is on.
    keys: Vec<(u128, Range<usize>)>,
    /// Caps the document reached.
    caps: Vec<CapHit>,
}

impl Corpus {
    /// A run over shards to come.
    pub fn new(cleaner: Cleaner, opts: CorpusOptions) -> Corpus {
        let dedup = opts.dedup.clone().map(CorpusDedup::new);
        let keyer = opts.dedup.as_ref().map(dedup::Keyer::new);
        let passes = PassId::enabled_in(cleaner.config());
        let pass_names = passes.iter().map(|p| p.name()).collect();
        Corpus {
            ctx: Ctx { cleaner, passes, pass_names, opts, keyer },
            state: State { stats: CorpusStats::default(), dedup, skipped: Vec::new(), cap_notes: Vec::new() },
        }
    }

    /// Counts so far.
    pub fn stats(&self) -> &CorpusStats {
        &self.state.stats
    }

    /// The corpus dedup key set, when corpus dedup is on.
    pub fn dedup_keys(&self) -> Option<&dedup::KeySet> {
        self.state.dedup.as_ref().map(|d| d.keys())
    }

    /// Messages for records skipped since the last call (with `skip_bad`).
    pub fn take_skipped(&mut self) -> Vec<String> {
        std::mem::take(&mut self.state.skipped)
    }

    /// Messages for caps reached for the first time in this run since the
    /// last call: one per setting, naming the file (and line) of the first
    /// document that reached it, what the pass gave up and how to raise it.
    /// Every document that reaches a cap is counted in
    /// [`CorpusStats::caps`].
    pub fn take_cap_notes(&mut self) -> Vec<String> {
        std::mem::take(&mut self.state.cap_notes)
    }

    /// Cleans one JSONL shard from `input` into `output`; `name` is used in
    /// errors and audit records. Audit records (see
    /// [`audit::write_records`]) go to `audit` when given, which needs
    /// [`CorpusOptions::collect_edits`].
    ///
    /// # Errors
    /// I/O errors; a bad record (unless `skip_bad`), naming the file, line
    /// and byte; a record over the size cap; the corpus dedup cap.
    pub fn run_jsonl<R: BufRead + Send>(
        &mut self,
        name: &str,
        input: R,
        output: &mut dyn Write,
        mut audit: Option<&mut (dyn Write + '_)>,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<(), Error> {
        let threads = self.ctx.opts.thread_count();
        let mut reader = Batcher { input, name, line: 0, byte: 0, cap: self.ctx.opts.max_record_bytes, done: false };
        let mut prog = Progress::default();
        let (ctx, state) = (&self.ctx, &mut self.state);
        if threads <= 1 {
            let mut stream = ctx.cleaner.stream();
            while let Some(batch) = reader.next_batch()? {
                let results: Vec<Outcome> = batch.into_iter().map(|r| ctx.process(&mut stream, name, r)).collect();
                state.write_batch(ctx, name, results, output, &mut audit, &mut prog)?;
                progress(&prog);
            }
            return Ok(());
        }
        // Batches in flight at most: one per worker, a queue of one per
        // worker, and as many again of slack for the reorder buffer.
        let in_flight = 3 * threads;
        let (job_tx, job_rx) = mpsc::sync_channel::<(u64, Vec<Record>)>(threads);
        let job_rx = Mutex::new(job_rx);
        let (res_tx, res_rx) = mpsc::channel::<(u64, Vec<Outcome>)>();
        let (tok_tx, tok_rx) = mpsc::sync_channel::<()>(in_flight);
        for _ in 0..in_flight {
            tok_tx.send(()).expect("the receiver is alive");
        }
        std::thread::scope(|s| -> Result<(), Error> {
            for _ in 0..threads {
                let res_tx = res_tx.clone();
                let job_rx = &job_rx;
                s.spawn(move || {
                    let mut stream = ctx.cleaner.stream();
                    loop {
                        let job = match job_rx.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => break,
                        };
                        let Ok((id, batch)) = job else { break };
                        let out: Vec<Outcome> = batch.into_iter().map(|r| ctx.process(&mut stream, name, r)).collect();
                        if res_tx.send((id, out)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(res_tx);
            let read = s.spawn(move || -> Result<(), Error> {
                let mut id = 0;
                while tok_rx.recv().is_ok() {
                    let Some(batch) = reader.next_batch()? else { break };
                    if job_tx.send((id, batch)).is_err() {
                        break;
                    }
                    id += 1;
                }
                Ok(())
            });
            // The writer: results in input order. Returning early drops the
            // receivers, which stops the reader and the workers.
            let mut pending: BTreeMap<u64, Vec<Outcome>> = BTreeMap::new();
            let mut next = 0;
            let written = (|| -> Result<(), Error> {
                for (id, out) in res_rx {
                    pending.insert(id, out);
                    while let Some(batch) = pending.remove(&next) {
                        state.write_batch(ctx, name, batch, output, &mut audit, &mut prog)?;
                        progress(&prog);
                        next += 1;
                        // The reader may have stopped; a closed channel is fine.
                        let _ = tok_tx.send(());
                    }
                }
                Ok(())
            })();
            drop(tok_tx);
            let read = read.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
            // An error in an earlier record wins over a read error after it.
            written.and(read)
        })
    }

    /// Cleans one plain-text document (a whole file) from `input` into
    /// `output`, streaming, with the same stats and audit records as
    /// [`Corpus::run_jsonl`] (with no line number). With corpus dedup on,
    /// the document's output is held until its end. With two threads or
    /// more ([`CorpusOptions::threads`]) the passes are cut in two and run
    /// on two threads, the document streaming through both; output, audit
    /// and stats are the same as on one.
    ///
    /// # Errors
    /// I/O errors, invalid UTF-8 (unless lossy) naming the byte and line,
    /// and caps.
    pub fn run_text<R: Read>(
        &mut self,
        name: &str,
        input: R,
        output: &mut dyn Write,
        audit: Option<&mut (dyn Write + '_)>,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<crate::Summary, Error> {
        let (ctx, state) = (&self.ctx, &mut self.state);
        let hold = state.dedup.is_some();
        let collect = ctx.opts.collect_edits;
        let max = ctx.opts.max_audit_edits;
        // Stats without an audit file only need counts.
        let counting = collect && audit.is_none();
        let new_log = || if counting { Collect::counting() } else { Collect::new(collect, max) };
        let located = |e: Error| e.with_source(name.to_string());
        let mut text = TextRun { name, output, hold, out: String::new(), sum: crate::Summary::default(), progress };
        let at = ctx.split_point();
        let two = ctx.opts.thread_count() >= 2;
        // Conversion alone (the convert command) goes in chunks, when no
        // edits are kept (their offsets would be the chunks') and no cap
        // is to stop the run.
        let chunked =
            two && ctx.passes == [PassId::Script] && !(collect && audit.is_some()) && !ctx.cleaner.config().strict_caps;
        let log = if chunked {
            text.chunks(&ctx.cleaner, ctx.opts.text_chunk_bytes, input, &new_log)
        } else if two && at > 0 {
            text.two_threads(ctx.cleaner.stream(), at, input, &new_log)
        } else {
            text.one_thread(ctx.cleaner.stream(), input, new_log())
        }?;
        let TextRun { output, mut out, mut sum, progress, .. } = text;
        let mut prog = Progress { records: 0, bytes: sum.bytes_in };
        state.note_caps(&log.log.caps, name, None);
        let mut edits = if log.edits { crate::audit::map_to_input(&ctx.pass_names, log.log.edits) } else { Vec::new() };
        if let (Some(d), Some(k)) = (&mut state.dedup, &ctx.keyer) {
            let keys = k.paragraph_keys(&out);
            d.apply(&mut out, &keys, ctx.pass_names.len(), &mut edits).map_err(located)?;
        }
        output.write_all(out.as_bytes())?;
        sum.bytes_out += out.len() as u64;
        let st = &mut state.stats;
        st.documents += 1;
        st.bytes_in += sum.bytes_in;
        st.bytes_out += sum.bytes_out;
        st.text_bytes_in += sum.bytes_in;
        st.text_bytes_out += sum.bytes_out;
        st.emptied_documents += u64::from(sum.bytes_out == 0 && sum.bytes_in > 0);
        audit::count(&mut st.passes, edits.iter().map(|m| &m.edit));
        audit::merge(&mut st.passes, log.counts.unwrap_or_default());
        if let Some(w) = audit {
            audit::write_records(w, audit::DocId { file: name, line: None, id: None }, &edits)?;
        }
        prog.records = 1;
        progress(&prog);
        Ok(sum)
    }
}

/// Where converted-only text may be cut at or after byte `min` of `text`:
/// after a line end with no IDS operator (U+2FF0..U+2FFF; the test takes
/// U+2FC0..U+2FFF) in the 256 bytes before it. An ideographic description
/// sequence is at most 64 code points and may run across a line end
/// (OpenCC takes any character as an operand); no dictionary key holds a
/// line end. A fresh converter after such a cut gives what the one before
/// it would have. The last such cut, so chunks are as long as the text
/// allows.
fn conversion_cut(text: &str, min: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut end = b.len();
    while let Some(nl) = memchr::memrchr(b'\n', &b[..end]) {
        if nl + 1 < min {
            return None;
        }
        if memchr::memmem::find(&b[nl.saturating_sub(256)..nl], b"\xE2\xBF").is_none() {
            return Some(nl + 1);
        }
        end = nl;
    }
    None
}

/// Chunks at most on the other thread in [`TextRun::chunks`].
const AWAY: usize = 3;

/// Blocks a plain-text file is read in.
const TEXT_BLOCK: usize = 256 * 1024;

/// Blocks queued for the head thread of [`TextRun::two_threads`]: enough to
/// keep it busy while the tail catches up, few enough to bound memory.
const TEXT_QUEUE: usize = 4;

/// One plain-text document on its way through the passes: where the
/// output goes and what was counted.
struct TextRun<'a, 'w> {
    name: &'a str,
    output: &'w mut dyn Write,
    /// Keep the output (corpus dedup decides on it at the end).
    hold: bool,
    out: String,
    sum: crate::Summary,
    progress: &'a mut dyn FnMut(&Progress),
}

/// What the head thread of [`TextRun::two_threads`] hands over.
enum Handed {
    /// The head's output and where each piece of it ends (see
    /// [`Stream::split`]).
    Text(String, Vec<usize>),
    /// The head's audit and the framer's replacement count, after its
    /// finish.
    Done(Box<Collect>, u64),
}

impl TextRun<'_, '_> {
    fn located(&self, e: Error) -> Error {
        e.with_source(self.name.to_string())
    }

    /// Writes what is decided, unless held.
    fn write_out(&mut self) -> Result<(), Error> {
        if !self.hold {
            self.output.write_all(self.out.as_bytes())?;
            self.sum.bytes_out += self.out.len() as u64;
            self.out.clear();
        }
        Ok(())
    }

    /// Reads the input to its end in blocks, handing each to `take`;
    /// counts the bytes and reports progress after each.
    fn read<R: Read>(
        &mut self,
        input: R,
        mut take: impl FnMut(&mut Self, &[u8]) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let name = self.name;
        let read_err = |e: io::Error| Error::from(e).with_source(name.to_string());
        crate::pipeline::read_blocks(input, TEXT_BLOCK, read_err, |block| {
            self.sum.bytes_in += block.len() as u64;
            take(self, block)?;
            (self.progress)(&Progress { records: 0, bytes: self.sum.bytes_in });
            Ok(())
        })
    }

    /// Runs the whole stream on this thread. Returns the document's audit;
    /// the output of the finish stays in `out`.
    fn one_thread<R: Read>(&mut self, mut stream: Stream, input: R, mut log: Collect) -> Result<Collect, Error> {
        let name = self.name;
        let located = move |e: Error| e.with_source(name.to_string());
        self.read(input, |this, block| {
            stream.push_audited(block, &mut this.out, &mut log).and_then(|()| log.check()).map_err(located)?;
            this.write_out()
        })?;
        self.sum.replaced = stream.replaced();
        stream.finish_audited(&mut self.out, &mut log).and_then(|()| log.check()).map_err(located)?;
        Ok(log)
    }

    /// [`TextRun::one_thread`] with the passes cut in two at `at`: a
    /// thread runs the framer and the head passes, this one reads, runs
    /// the tail passes on what the head hands over, and writes. A plain
    /// text file is one document, which the JSONL workers cannot share
    /// out; this gets it most of two cores. Output and audit are the same
    /// as on one thread (see [`Stream::split`]).
    fn two_threads<R: Read>(
        &mut self,
        stream: Stream,
        at: usize,
        input: R,
        new_log: &dyn Fn() -> Collect,
    ) -> Result<Collect, Error> {
        let name = self.name;
        let located = move |e: Error| e.with_source(name.to_string());
        let (head, mut tail) = stream.split(at);
        let mut log = new_log();
        let head_log = new_log();
        let mut head_done = None;
        std::thread::scope(|scope| -> Result<(), Error> {
            // Blocks in (None: the input ended); text out. The text channel
            // holds at most what the queued blocks give, because this thread
            // takes all there is after each block it queues.
            let (block_tx, block_rx) = mpsc::sync_channel::<Option<Vec<u8>>>(TEXT_QUEUE);
            let (text_tx, text_rx) = mpsc::channel::<Result<Handed, Error>>();
            scope.spawn(move || run_head(head, head_log, &block_rx, &text_tx));
            self.read(input, |this, block| {
                if block_tx.send(Some(block.to_vec())).is_err() {
                    // The head stopped on an error, which waits in the channel.
                    for msg in text_rx.iter() {
                        this.take_over(&mut tail, &mut log, msg, &mut head_done)?;
                    }
                    return Err(io::Error::other("the head thread stopped").into());
                }
                for msg in text_rx.try_iter() {
                    this.take_over(&mut tail, &mut log, msg, &mut head_done)?;
                }
                Ok(())
            })?;
            // The head ends its channel after its last text and audit.
            // (A failed send: it stopped on an error, which waits there.)
            let _ = block_tx.send(None);
            for msg in text_rx.iter() {
                self.take_over(&mut tail, &mut log, msg, &mut head_done)?;
            }
            Ok(())
        })?;
        let Some((mut head_log, replaced)) = head_done else {
            return Err(io::Error::other("the head thread stopped").into());
        };
        self.sum.replaced = replaced;
        tail.finish_audited(&mut self.out, &mut log).and_then(|()| log.check()).map_err(located)?;
        head_log.absorb(log);
        head_log.check().map_err(located)?;
        Ok(*head_log)
    }

    /// Conversion alone on two threads: the framer runs here, and the text
    /// is cut at line ends ([`conversion_cut`]) into chunks of at least
    /// `size` bytes, each converted from a fresh start, most of them on
    /// the other thread (this one also reads and writes); outputs are
    /// written in order. Output, stats and caps are those of one thread.
    /// Text with no place to cut for `8 * size` bytes goes on in one
    /// converter to the end, on this thread.
    fn chunks<R: Read>(
        &mut self,
        cleaner: &Cleaner,
        size: usize,
        input: R,
        new_log: &(dyn Fn() -> Collect + Sync),
    ) -> Result<Collect, Error> {
        let name = self.name;
        let located = move |e: Error| e.with_source(name.to_string());
        let size = size.max(1);
        let (mut framer, _) = cleaner.stream().split(0);
        let mut log = new_log();
        // Framed text not yet cut, and where it starts in the document.
        let mut pending = String::new();
        let mut pending_at = 0u64;
        // After text with no place to cut: one converter to the end.
        let mut rest: Option<Tail> = None;
        // One converter per chunk, into `out`; a chunk's cap offsets move
        // to the document's.
        let convert = |chunk: &str, at: u64, out: &mut String| -> Result<Collect, Error> {
            let (_, mut tail) = cleaner.stream().split(0);
            let mut chunk_log = new_log();
            out.clear();
            tail.push_audited(chunk, out, &mut chunk_log)?;
            tail.finish_audited(out, &mut chunk_log)?;
            for hit in &mut chunk_log.log.caps {
                hit.byte += at;
            }
            Ok(chunk_log)
        };
        std::thread::scope(|scope| -> Result<(), Error> {
            // Buffers travel with the jobs and come back: fresh megabyte
            // buffers cost page faults that ate the second thread's gain.
            type Done = (Result<Collect, Error>, String, String);
            type Queue = std::collections::VecDeque<Option<(Result<Collect, Error>, String)>>;
            let (job_tx, job_rx) = mpsc::sync_channel::<(String, u64, String)>(AWAY);
            let (done_tx, done_rx) = mpsc::sync_channel::<Done>(AWAY);
            let convert = &convert;
            scope.spawn(move || {
                for (chunk, at, mut out) in job_rx {
                    let log = convert(&chunk, at, &mut out);
                    if done_tx.send((log, chunk, out)).is_err() {
                        return;
                    }
                }
            });
            let stopped = || Error::from(io::Error::other("the converter thread stopped"));
            // Chunks in order: None is away on the other thread (which
            // answers in order), Some converted here.
            let mut queue = Queue::new();
            let mut spare: Vec<String> = Vec::new();
            // Writes the chunks at the front that are done; with `wait`,
            // all of them.
            let flush = |this: &mut Self, log: &mut Collect, queue: &mut Queue, spare: &mut Vec<String>, wait: bool| {
                while let Some(front) = queue.front_mut() {
                    let (done, out) = match front.take() {
                        Some(mine) => mine,
                        None => {
                            let answer = if wait || queue.len() > AWAY + 1 {
                                done_rx.recv().map_err(|_| stopped())?
                            } else {
                                match done_rx.try_recv() {
                                    Ok(answer) => answer,
                                    Err(_) => return Ok::<(), Error>(()),
                                }
                            };
                            spare.push(answer.1);
                            (answer.0, answer.2)
                        }
                    };
                    queue.pop_front();
                    log.absorb(done.map_err(located)?);
                    log.check().map_err(located)?;
                    if this.hold {
                        this.out.push_str(&out);
                    } else {
                        this.output.write_all(out.as_bytes())?;
                        this.sum.bytes_out += out.len() as u64;
                    }
                    spare.push(out);
                }
                Ok(())
            };
            // Cuts what `pending` allows into chunks, gives each to the
            // other thread or, when it has enough, converts it here; with
            // `last`, all of it, and waits for everything.
            let mut cut =
                |this: &mut Self, log: &mut Collect, pending: &mut String, pending_at: &mut u64, last: bool| {
                    loop {
                        let at =
                            if last { Some(pending.len()).filter(|&n| n > 0) } else { conversion_cut(pending, size) };
                        let Some(at) = at else {
                            return flush(this, log, &mut queue, &mut spare, last);
                        };
                        // The chunk keeps the pending buffer; the rest (less
                        // than a block and a chunk's slack) moves to a spare.
                        let mut next = spare.pop().unwrap_or_default();
                        next.clear();
                        next.push_str(&pending[at..]);
                        let mut chunk = std::mem::replace(pending, next);
                        chunk.truncate(at);
                        let start = *pending_at;
                        *pending_at += chunk.len() as u64;
                        let mut out = spare.pop().unwrap_or_default();
                        if queue.iter().filter(|q| q.is_none()).count() < AWAY {
                            job_tx.send((chunk, start, out)).map_err(|_| stopped())?;
                            queue.push_back(None);
                        } else {
                            let done = convert(&chunk, start, &mut out);
                            spare.push(chunk);
                            queue.push_back(Some((done, out)));
                        }
                        flush(this, log, &mut queue, &mut spare, false)?;
                    }
                };
            self.read(input, |this, block| {
                framer.push_audited(block, &mut pending, &mut log).map_err(located)?;
                framer.take_ends();
                if let Some(tail) = &mut rest {
                    tail.push_audited(&pending, &mut this.out, &mut log).map_err(located)?;
                    pending.clear();
                    return this.write_out();
                }
                cut(this, &mut log, &mut pending, &mut pending_at, false)?;
                if pending.len() > 8 * size {
                    // No place to cut: write what is away, go on in one.
                    cut(this, &mut log, &mut String::new(), &mut pending_at, true)?;
                    let (_, mut tail) = cleaner.stream().split(0);
                    tail.push_audited(&pending, &mut this.out, &mut log).map_err(located)?;
                    pending.clear();
                    rest = Some(tail);
                    this.write_out()?;
                }
                Ok(())
            })?;
            self.sum.replaced = framer.replaced();
            framer.finish_audited(&mut pending, &mut log).map_err(located)?;
            if let Some(mut tail) = rest.take() {
                tail.push_audited(&pending, &mut self.out, &mut log).map_err(located)?;
                tail.finish_audited(&mut self.out, &mut log).map_err(located)?;
                return log.check().map_err(located);
            }
            cut(self, &mut log, &mut pending, &mut pending_at, true)
        })?;
        Ok(log)
    }

    /// Takes one message from the head: text through the tail passes, or
    /// the head's end.
    fn take_over(
        &mut self,
        tail: &mut Tail,
        log: &mut Collect,
        msg: Result<Handed, Error>,
        head_done: &mut Option<(Box<Collect>, u64)>,
    ) -> Result<(), Error> {
        match msg.map_err(|e| self.located(e))? {
            Handed::Text(text, ends) => {
                let mut start = 0;
                for end in ends.into_iter().chain([text.len()]) {
                    if end > start {
                        let piece = &text[start..end];
                        tail.push_audited(piece, &mut self.out, log)
                            .and_then(|()| log.check())
                            .map_err(|e| self.located(e))?;
                        start = end;
                    }
                }
                self.write_out()
            }
            Handed::Done(head_log, replaced) => {
                *head_done = Some((head_log, replaced));
                Ok(())
            }
        }
    }
}

/// The head thread of [`TextRun::two_threads`]: blocks through the framer
/// and the head passes until the input ends (a `None`), an error, or the
/// other side hangs up.
fn run_head(
    mut head: Stream,
    mut log: Collect,
    blocks: &mpsc::Receiver<Option<Vec<u8>>>,
    text: &mpsc::Sender<Result<Handed, Error>>,
) {
    let mut out = String::new();
    while let Ok(block) = blocks.recv() {
        let Some(block) = block else {
            let replaced = head.replaced();
            let done = head.finish_audited(&mut out, &mut log).and_then(|()| log.check());
            // The other side may have hung up; nothing to tell then.
            let _ = match done {
                Ok(()) => {
                    let ends = head.take_ends();
                    text.send(Ok(Handed::Text(out, ends)))
                        .and_then(|()| text.send(Ok(Handed::Done(Box::new(log), replaced))))
                }
                Err(e) => text.send(Err(e)),
            };
            return;
        };
        if let Err(e) = head.push_audited(&block, &mut out, &mut log).and_then(|()| log.check()) {
            let _ = text.send(Err(e));
            return;
        }
        let ends = head.take_ends();
        if !out.is_empty() && text.send(Ok(Handed::Text(std::mem::take(&mut out), ends))).is_err() {
            return;
        }
    }
}

impl Ctx {
    /// Where a plain-text run on two threads cuts the passes (0: it runs on
    /// one thread): before the duplicate check (or, without it, the first
    /// pass after it: punctuation, paragraphs), or else before the last
    /// pass. Where the cost lies depends on the text: on 40 MB of news
    /// whose paragraphs are mostly new (`scripts/gen_news_corpus.py`, as
    /// real news is), the duplicate check and punctuation take about what
    /// everything before them does, and this cut ran in 0.28 s against 0.47
    /// s on one thread (cutting before captions: 0.35 s). On text that
    /// repeats itself so much that the duplicate check removes most of it,
    /// cutting before captions was best (0.19 s against 0.26 s here).
    /// Timing the passes on the first megabyte to choose was tried: that
    /// sample misled on the second text (annotated web pages first).
    fn split_point(&self) -> usize {
        const TAIL: [PassId; 3] = [PassId::Dedup, PassId::Punct, PassId::Paragraphs];
        let n = self.passes.len();
        self.passes.iter().position(|p| TAIL.contains(p)).unwrap_or(n.saturating_sub(1)).min(n.saturating_sub(1))
    }

    /// Corpus dedup's audit step in JSONL: after the passes and the JSONL
    /// final-newline step.
    fn dedup_step(&self) -> usize {
        self.pass_names.len() + 1
    }

    fn process(&self, stream: &mut Stream, name: &str, r: Record) -> Outcome {
        let first = r.raw.iter().position(|b| !matches!(b, b' ' | b'\t' | b'\r'));
        if first.is_none() {
            return Outcome::Blank { raw: r.raw };
        }
        let loc = |column: Option<usize>| Location {
            source: Some(name.to_string()),
            line: r.line,
            byte: r.byte + column.unwrap_or(0) as u64,
        };
        let found = match json::locate(&r.raw, &self.opts.field) {
            Ok(f) => f,
            Err(b) => return Outcome::Bad { error: Error::new(ErrorKind::BadRecord, b.message).at(loc(b.column)) },
        };
        let mut text = String::with_capacity(found.text.len() + 16);
        let collect = self.opts.collect_edits;
        let mut sink = Collect::new(collect, self.opts.max_audit_edits);
        let run = stream
            .push_audited(found.text.as_bytes(), &mut text, &mut sink)
            .and_then(|()| stream.finish_audited(&mut text, &mut sink))
            .and_then(|()| sink.check());
        let EditLog { edits: mut log_edits, caps } = sink.log;
        if let Err(e) = run {
            return Outcome::Bad { error: e.with_source(format!("{name}: line {}", r.line)) };
        }
        // A JSONL text field conventionally has no final newline; keep the
        // input's convention rather than the paragraph mode's. When the
        // pipeline added it, its edit goes too; when the '\n' was the
        // input's (the last line was removed), taking it is an edit of its
        // own, the step after the passes.
        let steps = self.pass_names.len();
        let mut tail_edit = None;
        if !found.text.ends_with('\n') && text.ends_with('\n') {
            text.pop();
            match log_edits.iter().rposition(|e| e.after == "\n" && e.reason == FINAL_NEWLINE) {
                Some(i) if log_edits[i].pass == PassId::Paragraphs.name() => {
                    log_edits.remove(i);
                }
                _ => tail_edit = Some(text.len() as u64),
            }
        }
        let mut edits = if collect { crate::audit::map_to_input(&self.pass_names, log_edits) } else { Vec::new() };
        if let (Some(byte), true) = (tail_edit, collect) {
            let input_byte = crate::audit::back_through(&crate::audit::Spans::for_steps(&edits, steps), byte);
            edits.push(MappedEdit {
                step: steps,
                edit: crate::OwnedEdit {
                    pass: JSONL_STEP,
                    byte,
                    before: "\n".into(),
                    after: String::new(),
                    reason: FINAL_NEWLINE,
                },
                input_byte,
            });
        }
        let keys = match &self.keyer {
            Some(k) => k.paragraph_keys(&text),
            None => Vec::new(),
        };
        let mut encoded = Vec::with_capacity(r.raw.len() + 16);
        json::splice(&r.raw, &found.value, &text, &mut encoded);
        encoded.push(b'\n');
        Outcome::Clean(Box::new(Cleaned {
            line: r.line,
            value: found.value,
            id: found.id,
            text_in: found.text.len(),
            text,
            encoded,
            edits,
            keys,
            caps,
            raw: r.raw,
        }))
    }
}

impl State {
    /// Counts the caps a document reached; keeps a message for the first
    /// hit of each setting in the run.
    fn note_caps(&mut self, caps: &[CapHit], name: &str, line: Option<u64>) {
        let mut seen = std::collections::BTreeSet::new();
        for hit in caps {
            // A document counts once per setting (the line cap can be
            // reported by the framer and by the output stage).
            if !seen.insert(hit.setting) {
                continue;
            }
            let n = self.stats.caps.entry(hit.setting).or_insert(0);
            *n += 1;
            if *n == 1 {
                let at = line.map_or(String::new(), |l| format!(" line {l}:"));
                self.cap_notes.push(format!("{name}:{at} {}", hit.message()));
            }
        }
    }

    fn write_batch(
        &mut self,
        ctx: &Ctx,
        name: &str,
        batch: Vec<Outcome>,
        output: &mut dyn Write,
        audit: &mut Option<&mut (dyn Write + '_)>,
        prog: &mut Progress,
    ) -> Result<(), Error> {
        for outcome in batch {
            prog.records += 1;
            match outcome {
                Outcome::Blank { raw } => {
                    self.stats.blank_lines += 1;
                    self.stats.bytes_in += raw.len() as u64 + 1;
                    prog.bytes += raw.len() as u64 + 1;
                    output.write_all(&raw)?;
                    output.write_all(b"\n")?;
                    self.stats.bytes_out += raw.len() as u64 + 1;
                }
                Outcome::Bad { error } => {
                    if !ctx.opts.skip_bad || error.kind() != ErrorKind::BadRecord {
                        return Err(error);
                    }
                    self.stats.bad_records += 1;
                    self.skipped.push(format!("skipped {error}"));
                }
                Outcome::Clean(mut c) => {
                    let len_in = c.raw.len() as u64 + 1;
                    self.stats.bytes_in += len_in;
                    prog.bytes += len_in;
                    if let Some(d) = &mut self.dedup {
                        let removed = d
                            .apply(&mut c.text, &c.keys, ctx.dedup_step(), &mut c.edits)
                            .map_err(|e| e.with_source(format!("{name}: line {}", c.line)))?;
                        if removed {
                            c.encoded.clear();
                            json::splice(&c.raw, &c.value, &c.text, &mut c.encoded);
                            c.encoded.push(b'\n');
                        }
                    }
                    self.note_caps(&c.caps, name, Some(c.line));
                    self.stats.documents += 1;
                    self.stats.text_bytes_in += c.text_in as u64;
                    self.stats.text_bytes_out += c.text.len() as u64;
                    self.stats.emptied_documents += u64::from(c.text.is_empty() && c.text_in > 0);
                    self.stats.bytes_out += c.encoded.len() as u64;
                    output.write_all(&c.encoded)?;
                    audit::count(&mut self.stats.passes, c.edits.iter().map(|m| &m.edit));
                    if let Some(w) = audit.as_deref_mut() {
                        let id = c.id.as_ref().map(|r| &c.raw[r.clone()]);
                        audit::write_records(w, audit::DocId { file: name, line: Some(c.line), id }, &c.edits)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Cuts a shard into batches of records.
struct Batcher<'n, R> {
    input: R,
    name: &'n str,
    line: u64,
    byte: u64,
    cap: usize,
    done: bool,
}

impl<R: BufRead> Batcher<'_, R> {
    fn next_batch(&mut self) -> Result<Option<Vec<Record>>, Error> {
        if self.done {
            return Ok(None);
        }
        let mut batch = Vec::new();
        let mut bytes = 0;
        while batch.len() < BATCH_RECORDS && bytes < BATCH_BYTES {
            let mut raw = Vec::new();
            let n = (&mut self.input)
                .take(self.cap as u64 + 1)
                .read_until(b'\n', &mut raw)
                .map_err(|e| Error::from(e).with_source(self.name.to_string()))?;
            if n == 0 {
                self.done = true;
                break;
            }
            self.line += 1;
            if raw.last() == Some(&b'\n') {
                raw.pop();
            } else if raw.len() > self.cap {
                return Err(Error::cap(format!(
                    "a record is longer than max_record_bytes ({} bytes); raise it with --max-record-bytes",
                    self.cap
                ))
                .at(Location {
                    source: Some(self.name.to_string()),
                    line: self.line,
                    byte: self.byte,
                }));
            }
            bytes += raw.len();
            let byte = self.byte;
            self.byte += n as u64;
            batch.push(Record { line: self.line, byte, raw });
        }
        Ok(if batch.is_empty() { None } else { Some(batch) })
    }
}
