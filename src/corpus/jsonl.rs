//! JSONL shards: records read in batches, cleaned by worker threads, and
//! written back in input order by one writer, which takes every decision
//! that depends on earlier documents (corpus dedup, stats, audit).

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::ops::Range;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use super::audit;
use super::collect::Collect;
use super::inflight::{InFlight, IN_FLIGHT_BYTES};
use super::json;
use super::{Corpus, Ctx, Progress, State};
use crate::audit::{CapHit, EditLog, MappedEdit};
use crate::error::{Error, ErrorKind, Location};
use crate::passes::paragraphs::FINAL_NEWLINE;
use crate::passes::PassId;
use crate::pipeline::Stream;

/// The audit's name for corpus mode's own step after the passes: taking
/// off a final `'\n'` that a JSONL text field did not have.
pub const JSONL_STEP: &str = "jsonl";

/// What the JSONL step does to a record's cleaned text (see
/// [`finish_record`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordTail {
    /// Nothing.
    Kept,
    /// The final `'\n'` the `paragraphs` pass added is taken off again:
    /// its edit goes.
    Undone,
    /// The input's own final `'\n'` is taken off, at this byte of the
    /// passes' output: an edit of the JSONL step.
    Taken(u64),
}

/// The JSONL step on a record's cleaned `text`: a JSONL text field
/// conventionally has no final newline, so the input's convention is kept
/// rather than the paragraph mode's. `added_by_paragraphs`: the last edit
/// that inserted a final `'\n'` was the `paragraphs` pass's.
pub fn record_tail(field_text: &str, text: &mut String, added_by_paragraphs: bool) -> RecordTail {
    if field_text.ends_with('\n') || !text.ends_with('\n') {
        return RecordTail::Kept;
    }
    text.pop();
    if added_by_paragraphs {
        RecordTail::Undone
    } else {
        RecordTail::Taken(text.len() as u64)
    }
}

/// The JSONL step on a record's cleaned `text` and its pass edits (in
/// arrival order), as corpus mode writes them: the edits mapped to the
/// input (when `collect`), with the step's own edit last.
pub fn finish_record(
    field_text: &str,
    text: &mut String,
    mut log_edits: Vec<crate::OwnedEdit>,
    pass_names: &[&'static str],
    collect: bool,
) -> Vec<MappedEdit> {
    let last_nl = log_edits.iter().rposition(|e| e.after == "\n" && e.reason == FINAL_NEWLINE);
    let by_paragraphs = last_nl.is_some_and(|i| log_edits[i].pass == PassId::Paragraphs.name());
    let tail = record_tail(field_text, text, by_paragraphs);
    if let (RecordTail::Undone, Some(i)) = (tail, last_nl) {
        log_edits.remove(i);
    }
    if !collect {
        return Vec::new();
    }
    let steps = pass_names.len();
    let mut edits = crate::audit::map_to_input(pass_names, log_edits);
    if let RecordTail::Taken(byte) = tail {
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
    edits
}

/// Records per batch, at most; a batch also ends after [`BATCH_BYTES`].
const BATCH_RECORDS: usize = 512;
/// A quarter of a MiB: a shard's last batch runs while the other workers
/// have nothing left, and its first is read before any worker starts. At
/// 1 MiB a 20 MB shard was twenty batches, and two threads spent up to a
/// twentieth of the run on one core; a batch's own cost (a channel message,
/// a vector) stays small next to a quarter MiB of cleaning.
const BATCH_BYTES: usize = 1 << 18;

/// Output strings of records written, kept for the next records' output.
/// A string allocated per record and freed once it was written (on the
/// writer's thread, where workers clean) cost 3.5% of the instructions of
/// a run of one-line records. At most [`MAX_SPARE_BYTES`] of them (each at
/// most [`MAX_SPARE_TEXT`]): a long record's string is not kept.
#[derive(Debug, Default)]
struct Spares {
    texts: Vec<String>,
    /// Their capacities' sum.
    bytes: usize,
}

/// Most capacity [`Spares`] keeps, all strings together.
const MAX_SPARE_BYTES: usize = BATCH_BYTES;

/// Most capacity of a string [`Spares`] keeps.
const MAX_SPARE_TEXT: usize = 16 << 10;

impl Spares {
    /// An empty string, a kept one if there is.
    fn take(&mut self) -> String {
        let s = self.texts.pop().unwrap_or_default();
        self.bytes -= s.capacity();
        s
    }

    /// Keeps `s`, emptied, if there is room.
    fn give(&mut self, mut s: String) {
        let c = s.capacity();
        if c > 0 && c <= MAX_SPARE_TEXT && self.bytes + c <= MAX_SPARE_BYTES {
            s.clear();
            self.bytes += c;
            self.texts.push(s);
        }
    }

    /// Moves up to `n` strings of `from` here.
    fn take_from(&mut self, from: &mut Spares, n: usize) {
        for s in from.texts.drain(from.texts.len().saturating_sub(n)..) {
            from.bytes -= s.capacity();
            self.give(s);
        }
    }
}

struct Record {
    line: u64,
    /// Offset of the line in the (decompressed) shard.
    byte: u64,
    /// The record's bytes in its batch's (its newline left out).
    span: Range<usize>,
}

/// Records read together, their bytes in one buffer, each record's
/// followed by its newline (the last one's, when the shard ends without
/// one, by nothing): the buffer is then UTF-8 exactly when every record
/// is, and one SIMD pass over it validates them all. (A vector a record
/// cost an allocation, a free and the standard library's validation of
/// each record under 64 bytes: 3% of the time of one-line documents.)
struct Batch {
    bytes: Vec<u8>,
    records: Vec<Record>,
}

/// A record's bytes as written back: its span of the batch's bytes, or
/// its repaired copy (a lossy run's record with invalid UTF-8).
struct Raw {
    span: Range<usize>,
    repaired: Option<Vec<u8>>,
}

impl Raw {
    fn of<'a>(&'a self, batch: &'a [u8]) -> &'a [u8] {
        self.repaired.as_deref().unwrap_or(&batch[self.span.clone()])
    }
}

// Most outcomes of a batch are `Clean`: boxed, each record cost an
// allocation more.
#[allow(clippy::large_enum_variant)]
enum Outcome {
    Blank { raw: Raw },
    Bad { error: Error },
    Clean(Cleaned),
}

struct Cleaned {
    line: u64,
    raw: Raw,
    value: Range<usize>,
    id: Option<Range<usize>>,
    text_in: usize,
    text: String,
    /// The edits, mapped, when collected.
    edits: Vec<MappedEdit>,
    /// Keys of the paragraphs of `text`, when corpus dedup is on.
    keys: Vec<(u128, Range<usize>)>,
    /// Caps the document reached.
    caps: Vec<CapHit>,
    /// Invalid UTF-8 sequences replaced by U+FFFD (lossy runs).
    replaced: u64,
}

impl Corpus {
    /// Cleans one JSONL shard from `input` into `output`; `name` is used in
    /// errors and audit records. Audit records (see
    /// [`audit::write_records`]) go to `audit` when given, which needs
    /// [`CorpusOptions::collect_edits`](super::CorpusOptions::collect_edits).
    ///
    /// # Errors
    /// I/O errors; a bad record (unless `skip_bad`), naming the file, line
    /// and byte; a record over the size cap; the corpus dedup cap.
    pub fn run_jsonl<R: BufRead + Send>(
        &mut self,
        name: &str,
        input: R,
        output: &mut dyn Write,
        audit: Option<&mut (dyn Write + '_)>,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<(), Error> {
        self.run_jsonl_at(name, input, (0, 0), output, audit, progress)
    }

    /// [`Corpus::run_jsonl`] over a piece of a shard that starts after
    /// `at.0` lines and `at.1` bytes of it: errors and audit records name
    /// the lines and bytes of the whole shard (a Spark task cleaning a
    /// shard batch by batch). A byte-order mark is only looked for at the
    /// shard's start.
    ///
    /// # Errors
    /// As [`Corpus::run_jsonl`].
    pub fn run_jsonl_at<R: BufRead + Send>(
        &mut self,
        name: &str,
        input: R,
        at: (u64, u64),
        output: &mut dyn Write,
        mut audit: Option<&mut (dyn Write + '_)>,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<(), Error> {
        let threads = self.ctx.opts.thread_count();
        let (line, byte) = at;
        let mut reader = Batcher { input, name, line, byte, cap: self.ctx.opts.max_record_bytes, done: false, hint: 0 };
        let mut prog = Progress::default();
        let (ctx, state) = (&self.ctx, &mut self.state);
        // A shard of one batch gains nothing from the workers: its batch
        // goes to one of them while the others wait, and starting them cost
        // more than its records (1 506 shards of 10 KB took 1.8x as long on
        // two threads as on one). Its first batch is read to know. On this
        // thread, the stream the shard before finished goes on.
        let first = reader.next_batch()?;
        if threads <= 1 || reader.done {
            let mut stream = ctx.cleaner.spare_stream();
            let mut spares = Spares::default();
            let mut next = first;
            while let Some(batch) = next {
                let (results, bytes) = ctx.clean_batch(&mut stream, name, batch, &mut spares);
                state.write_batch(ctx, name, results, &bytes, output, &mut audit, &mut prog, &mut spares)?;
                progress(&prog);
                next = reader.next_batch()?;
            }
            ctx.cleaner.keep_stream(stream);
            return Ok(());
        }
        // Batches in flight at most: one per worker, a queue of one per
        // worker, and as many again of slack for the reorder buffer; and at
        // most IN_FLIGHT_BYTES of records, whatever their size (one batch
        // always goes, so a record larger than that still runs, alone).
        let budget = InFlight::new(3 * threads, IN_FLIGHT_BYTES);
        let (job_tx, job_rx) = mpsc::sync_channel::<(u64, usize, Batch)>(threads);
        // Owned by the workers alone: when the last one exits (the writer
        // stopped on an error, so their results have nowhere to go), the
        // job channel closes and a reader blocked on a full queue wakes
        // with an error instead of waiting forever.
        let job_rx = Arc::new(Mutex::new(job_rx));
        let (res_tx, res_rx) = mpsc::channel::<(u64, usize, Vec<Outcome>, Vec<u8>)>();
        // The strings the writer is done with, for the workers (taken and
        // given a batch's at a time).
        let pool = Mutex::new(Spares::default());
        let pool = &pool;
        std::thread::scope(|s| -> Result<(), Error> {
            // Fewer workers than asked give the same output: when the
            // system refuses a thread, the run goes on with those it has.
            let mut workers = 0;
            for _ in 0..threads {
                let res_tx = res_tx.clone();
                let job_rx = Arc::clone(&job_rx);
                let spawned = std::thread::Builder::new().spawn_scoped(s, move || {
                    let mut stream = ctx.cleaner.stream();
                    let mut spares = Spares::default();
                    loop {
                        let job = match job_rx.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => break,
                        };
                        let Ok((id, bytes, batch)) = job else { break };
                        if let Ok(mut p) = pool.lock() {
                            spares.take_from(&mut p, batch.records.len());
                        }
                        let (out, raw) = ctx.clean_batch(&mut stream, name, batch, &mut spares);
                        if res_tx.send((id, bytes, out, raw)).is_err() {
                            break;
                        }
                    }
                });
                match spawned {
                    Ok(_) => workers += 1,
                    Err(_) if workers > 0 => break,
                    Err(e) => return Err(Error::from(e).with_source(format!("{name}: cannot start a worker thread"))),
                }
            }
            drop((res_tx, job_rx));
            let budget = &budget;
            let read = s.spawn(move || -> Result<(), Error> {
                let (mut id, mut first) = (0, first);
                while let Some(batch) = first.take().map_or_else(|| reader.next_batch(), |b| Ok(Some(b)))? {
                    let bytes = batch.records.iter().map(|r| r.span.len()).sum();
                    if !budget.acquire(bytes) || job_tx.send((id, bytes, batch)).is_err() {
                        break;
                    }
                    id += 1;
                }
                Ok(())
            });
            // The writer: results in input order. Returning early drops the
            // receivers, which stops the reader and the workers.
            let mut pending: BTreeMap<u64, (usize, Vec<Outcome>, Vec<u8>)> = BTreeMap::new();
            let mut next = 0;
            let mut done = Spares::default();
            let written = (|| -> Result<(), Error> {
                for (id, bytes, out, raw) in res_rx {
                    pending.insert(id, (bytes, out, raw));
                    while let Some((bytes, batch, raw)) = pending.remove(&next) {
                        let n = batch.len();
                        state.write_batch(ctx, name, batch, &raw, output, &mut audit, &mut prog, &mut done)?;
                        if let Ok(mut p) = pool.lock() {
                            p.take_from(&mut done, n);
                        }
                        progress(&prog);
                        next += 1;
                        budget.release(bytes);
                    }
                }
                Ok(())
            })();
            // The reader may be waiting for room: there will be none.
            budget.close();
            let read = read.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
            // An error in an earlier record wins over a read error after it.
            written.and(read)
        })
    }
}

/// What [`Corpus::run_shards`] tells of a shard once it is written: what
/// [`Corpus::run_jsonl`]'s caller learns at a shard's end.
#[derive(Clone, Debug, Default)]
pub struct ShardDone {
    /// Its records and bytes, as `run_jsonl`'s last progress call gives
    /// them.
    pub progress: Progress,
    /// Invalid UTF-8 sequences it had replaced (lossy runs).
    pub replaced: u64,
    /// Messages for its skipped records, and how many more were skipped,
    /// as [`Corpus::take_skipped`] would give them after it.
    pub skipped: (Vec<String>, u64),
}

impl Corpus {
    /// Cleans JSONL shards held whole (`shards`: each a file's name and
    /// bytes) on the run's threads, a shard on one thread each, and
    /// writes them in order: output, audit, stats and errors as
    /// [`Corpus::run_jsonl`] gives them one after the other (the shards
    /// before the first error are written, and the records of its shard
    /// before the error; none after). `done` is told each shard's place in
    /// `shards` and what it came to once it is written. A crawl cut into
    /// thousands of files of a few records is work one shard's workers
    /// cannot share out: its batches are its records, on one thread.
    ///
    /// # Errors
    /// As [`Corpus::run_jsonl`], for the first shard in order that has
    /// one.
    pub fn run_shards(
        &mut self,
        shards: Vec<(String, Vec<u8>)>,
        output: &mut dyn Write,
        mut audit: Option<&mut (dyn Write + '_)>,
        progress: &mut dyn FnMut(&Progress),
        done: &mut dyn FnMut(usize, ShardDone),
    ) -> Result<(), Error> {
        let (ctx, state) = (&self.ctx, &mut self.state);
        // The strings written, for the next shards' records (see
        // `run_jsonl_at`).
        let pool = Mutex::new(Spares::default());
        let mut written = Spares::default();
        super::side::in_order(
            ctx.opts.thread_count(),
            shards,
            |(_, bytes): &(String, Vec<u8>)| bytes.len(),
            |(name, bytes)| {
                let mut spares = Spares::default();
                if let Ok(mut p) = pool.lock() {
                    spares.take_from(&mut p, BATCH_RECORDS);
                }
                let cleaned = ctx.clean_shard(&name, &bytes, &mut spares);
                // (The name goes with the result to the writer.)
                (name, cleaned)
            },
            |i, (name, (batches, read)): (String, ShardCleaned)| {
                let name = name.as_str();
                let replaced = state.stats.invalid_utf8_replaced;
                let mut prog = Progress::default();
                for (outcomes, bytes) in batches {
                    let n = outcomes.len();
                    state.write_batch(ctx, name, outcomes, &bytes, output, &mut audit, &mut prog, &mut written)?;
                    if let Ok(mut p) = pool.lock() {
                        p.take_from(&mut written, n);
                    }
                    progress(&prog);
                }
                read?;
                let replaced = state.stats.invalid_utf8_replaced - replaced;
                let skipped = (std::mem::take(&mut state.skipped), std::mem::take(&mut state.skipped_unlisted));
                done(i, ShardDone { progress: prog, replaced, skipped });
                Ok(())
            },
        )
    }
}

/// A shard held whole, cleaned: its batches' outcomes and bytes, and the
/// error that stopped its reading after them, if one did.
type ShardCleaned = (Vec<(Vec<Outcome>, Vec<u8>)>, Result<(), Error>);

/// A record's text is pushed through the passes this much at a time.
const RECORD_PIECE: usize = 256 * 1024;

/// `text` in pieces of about `size` bytes (a character longer than the
/// rest of a piece goes whole into it), each ending on a character's end.
fn str_pieces(text: &str, size: usize) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut end = size.max(1).min(rest.len());
        while !rest.is_char_boundary(end) {
            end += 1;
        }
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some(piece)
    })
}

impl Ctx {
    /// Corpus dedup's audit step in JSONL: after the passes and the JSONL
    /// final-newline step.
    fn dedup_step(&self) -> usize {
        self.pass_names.len() + 1
    }

    /// Cleans a shard held whole (`bytes`) on this thread, batch by batch
    /// as [`Corpus::run_jsonl`] reads it, through a stream a document
    /// before finished: its batches' outcomes and bytes, and the error
    /// that stopped the reading, if one did (after those batches).
    fn clean_shard(&self, name: &str, bytes: &[u8], spares: &mut Spares) -> ShardCleaned {
        let mut reader =
            Batcher { input: bytes, name, line: 0, byte: 0, cap: self.opts.max_record_bytes, done: false, hint: 0 };
        let mut stream = self.cleaner.spare_stream();
        let mut batches = Vec::new();
        loop {
            match reader.next_batch() {
                Ok(Some(batch)) => batches.push(self.clean_batch(&mut stream, name, batch, spares)),
                Ok(None) => break,
                Err(e) => return (batches, Err(e)),
            }
        }
        self.cleaner.keep_stream(stream);
        (batches, Ok(()))
    }

    /// Cleans a batch's records; hands back its bytes, which the
    /// outcomes' spans index.
    /// (`spares`: strings for the records' output.)
    fn clean_batch(
        &self,
        stream: &mut Stream,
        name: &str,
        batch: Batch,
        spares: &mut Spares,
    ) -> (Vec<Outcome>, Vec<u8>) {
        let Batch { bytes, records } = batch;
        let valid = simdutf8::basic::from_utf8(&bytes).ok();
        // One string each record's text is decoded into in turn.
        let mut spare = String::new();
        let out =
            records.into_iter().map(|r| self.process(stream, name, r, &bytes, valid, &mut spare, spares)).collect();
        (out, bytes)
    }

    /// Cleans record `r` of a batch whose bytes are `bytes` (`valid`: the
    /// same as text, when they are all UTF-8). The record's text is decoded
    /// into `spare`, and left there for the next record's.
    fn process(
        &self,
        stream: &mut Stream,
        name: &str,
        r: Record,
        bytes: &[u8],
        valid: Option<&str>,
        spare: &mut String,
        spares: &mut Spares,
    ) -> Outcome {
        // A lossy run repairs the record's bytes before reading it, as the
        // framer does for plain text (offsets after a repair move by what
        // the replacements added).
        let mut replaced = 0;
        let mut raw = Raw { span: r.span.clone(), repaired: None };
        // The record as text: its part of the batch's when the batch is
        // UTF-8, else the record validated alone (most records of a batch
        // that failed are UTF-8; only one that is not is copied, to be
        // repaired, or read by `json::locate` for the error's column).
        let own = &bytes[r.span.clone()];
        let own_text = match valid {
            Some(text) => Some(&text[r.span.clone()]),
            None => simdutf8::basic::from_utf8(own).ok(),
        };
        if own_text.is_none() && self.cleaner.config().lossy {
            let (fixed, n) = super::repair_utf8(own.to_vec());
            (raw.repaired, replaced) = (Some(fixed), n);
        }
        let record = raw.of(bytes);
        let first = record.iter().position(|b| !matches!(b, b' ' | b'\t' | b'\r'));
        if first.is_none() {
            return Outcome::Blank { raw };
        }
        let loc = |column: Option<usize>| Location {
            source: Some(name.to_string()),
            line: r.line,
            byte: r.byte + column.unwrap_or(0) as u64,
        };
        let located = match own_text {
            Some(text) => json::locate_str_in(text, &self.opts.field, std::mem::take(spare)),
            None => json::locate(record, &self.opts.field),
        };
        let found = match located {
            Ok(f) => f,
            Err(b) => return Outcome::Bad { error: Error::new(ErrorKind::BadRecord, b.message).at(loc(b.column)) },
        };
        let mut text = spares.take();
        text.reserve(found.text.len() + 16);
        let collect = self.opts.collect_edits;
        let mut sink = Collect::new(collect, self.opts.max_audit_edits);
        // In pieces: the output is the same for any chunking, and the
        // buffers between passes then hold a piece, not the whole text
        // once per pass (a 25 MB record took 9 times its size).
        // (The field was validated with the record: pushed as text, it is
        // not validated again.)
        let run = str_pieces(&found.text, RECORD_PIECE)
            .try_for_each(|piece| stream.push_str_audited(piece, &mut text, &mut sink))
            .and_then(|()| stream.finish_audited(&mut text, &mut sink))
            .and_then(|()| sink.check());
        let EditLog { edits: log_edits, caps } = sink.log;
        if let Err(e) = run {
            return Outcome::Bad { error: e.with_source(format!("{name}: line {}", r.line)) };
        }
        let edits = finish_record(found.text.as_str(), &mut text, log_edits, &self.pass_names, collect);
        let keys = match &self.keyer {
            Some(k) => k.paragraph_keys(&text),
            None => Vec::new(),
        };
        let text_in = found.text.len();
        *spare = found.text;
        Outcome::Clean(Cleaned {
            line: r.line,
            value: found.value,
            id: found.id,
            text_in,
            text,
            edits,
            keys,
            caps,
            raw,
            replaced,
        })
    }
}

impl State {
    /// Writes a batch's outcomes (`bytes`: the batch's, which their spans
    /// index).
    #[allow(clippy::too_many_arguments)]
    fn write_batch(
        &mut self,
        ctx: &Ctx,
        name: &str,
        batch: Vec<Outcome>,
        bytes: &[u8],
        output: &mut dyn Write,
        audit: &mut Option<&mut (dyn Write + '_)>,
        prog: &mut Progress,
        spares: &mut Spares,
    ) -> Result<(), Error> {
        for outcome in batch {
            prog.records += 1;
            match outcome {
                Outcome::Blank { raw } => {
                    let raw = raw.of(bytes);
                    self.stats.blank_lines += 1;
                    self.stats.bytes_in += raw.len() as u64 + 1;
                    prog.bytes += raw.len() as u64 + 1;
                    output.write_all(raw)?;
                    output.write_all(b"\n")?;
                    self.stats.bytes_out += raw.len() as u64 + 1;
                }
                Outcome::Bad { error } => {
                    if !ctx.opts.skip_bad || error.kind() != ErrorKind::BadRecord {
                        return Err(error);
                    }
                    self.stats.bad_records += 1;
                    if self.skipped.len() < super::MAX_SKIP_MESSAGES {
                        self.skipped.push(format!("skipped {error}"));
                    } else {
                        self.skipped_unlisted += 1;
                    }
                }
                Outcome::Clean(mut c) => {
                    let raw = c.raw.of(bytes);
                    self.stats.invalid_utf8_replaced += c.replaced;
                    let len_in = raw.len() as u64 + 1;
                    self.stats.bytes_in += len_in;
                    prog.bytes += len_in;
                    if let Some(d) = &mut self.dedup {
                        d.apply(&mut c.text, &c.keys, ctx.dedup_step(), &mut c.edits)
                            .map_err(|e| e.with_source(format!("{name}: line {}", c.line)))?;
                    }
                    // The record with the field replaced, newline-terminated,
                    // in a buffer the run keeps (spliced in the worker, each
                    // record cost an allocation more).
                    self.encoded.clear();
                    json::splice(raw, &c.value, &c.text, &mut self.encoded);
                    self.encoded.push(b'\n');
                    self.note_caps(&c.caps, name, Some(c.line));
                    self.stats.documents += 1;
                    self.stats.text_bytes_in += c.text_in as u64;
                    self.stats.text_bytes_out += c.text.len() as u64;
                    self.stats.emptied_documents += u64::from(c.text.is_empty() && c.text_in > 0);
                    self.stats.bytes_out += self.encoded.len() as u64;
                    output.write_all(&self.encoded)?;
                    // (Not the largest record's size for the rest of the run.)
                    self.encoded.shrink_to(KEEP_ENCODED_BYTES);
                    audit::count(&mut self.stats.passes, c.edits.iter().map(|m| &m.edit));
                    if let Some(w) = audit.as_deref_mut() {
                        let id = c.id.as_ref().map(|r| &raw[r.clone()]);
                        audit::write_records(w, audit::DocId { file: name, line: Some(c.line), id }, &c.edits)?;
                    }
                    spares.give(c.text);
                }
            }
        }
        Ok(())
    }
}

/// Most room the buffer of the record being written keeps.
const KEEP_ENCODED_BYTES: usize = 1 << 20;

/// The UTF-8 encoding of U+FEFF.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Cuts a shard into batches of records.
struct Batcher<'n, R> {
    input: R,
    name: &'n str,
    line: u64,
    byte: u64,
    cap: usize,
    done: bool,
    /// The last batch's bytes (at most twice [`BATCH_BYTES`]): the next
    /// one's buffer is sized to it, not grown by doublings that copy it.
    hint: usize,
}

impl<R: BufRead> Batcher<'_, R> {
    fn next_batch(&mut self) -> Result<Option<Batch>, Error> {
        if self.done {
            return Ok(None);
        }
        let (mut bytes, mut records) = (Vec::with_capacity(self.hint), Vec::new());
        let mut total = 0;
        while records.len() < BATCH_RECORDS && total < BATCH_BYTES {
            let start = bytes.len();
            let n = read_record(&mut self.input, self.cap + 1, &mut bytes)
                .map_err(|e| Error::from(e).with_source(self.name.to_string()))?;
            if n == 0 {
                self.done = true;
                break;
            }
            self.line += 1;
            // A UTF-8 byte-order mark opening the file is no part of the
            // first record (plain text drops it too).
            let bom = if self.line == 1 && self.byte == 0 && bytes[start..].starts_with(BOM) {
                bytes.drain(start..start + BOM.len());
                BOM.len() as u64
            } else {
                0
            };
            // (The newline stays in the buffer, after the record's span.)
            let end = if bytes.last() == Some(&b'\n') {
                bytes.len() - 1
            } else if bytes.len() - start > self.cap {
                return Err(Error::cap(format!(
                    "a record is longer than max_record_bytes ({} bytes); raise it with --max-record-bytes",
                    self.cap
                ))
                .at(Location {
                    source: Some(self.name.to_string()),
                    line: self.line,
                    byte: self.byte,
                }));
            } else {
                bytes.len()
            };
            total += end - start;
            let byte = self.byte + bom;
            self.byte += n as u64;
            records.push(Record { line: self.line, byte, span: start..end });
        }
        self.hint = bytes.len().min(2 * BATCH_BYTES);
        Ok(if records.is_empty() { None } else { Some(Batch { bytes, records }) })
    }
}

/// `input.take(limit).read_until(b'\n', raw)`: appends to `raw` up to and
/// including the next `'\n'`, or to the end of the input, or `limit`
/// bytes, whichever comes first; returns how many. The newline is found by
/// memchr's SIMD search (`read_until`'s byte search took a tenth of the
/// framing's instructions).
fn read_record(input: &mut impl BufRead, limit: usize, raw: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut n = 0;
    while n < limit {
        let buf = match input.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            break;
        }
        let avail = &buf[..buf.len().min(limit - n)];
        let (used, found) = memchr::memchr(b'\n', avail).map_or((avail.len(), false), |i| (i + 1, true));
        raw.extend_from_slice(&avail[..used]);
        input.consume(used);
        n += used;
        if found {
            break;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spares_are_empty_strings_of_bounded_room() {
        let sum = |s: &Spares| s.texts.iter().map(String::capacity).sum::<usize>();
        let mut rng = crate::testing::Lcg::new(7);
        let (mut a, mut b) = (Spares::default(), Spares::default());
        for round in 0..3000 {
            // Strings of any size, some over the one-string bound, given
            // and taken in turn, and moved between two sets.
            let n = [0, 5, 100, 3000, MAX_SPARE_TEXT, MAX_SPARE_TEXT + 1][rng.below(6)];
            let mut s = String::with_capacity(n);
            s.push_str(&"字".repeat(n / 3));
            match round % 4 {
                0 | 1 => a.give(s),
                2 => b.take_from(&mut a, rng.below(40)),
                _ => {
                    let t = if rng.below(2) == 0 { a.take() } else { b.take() };
                    assert!(t.is_empty());
                }
            }
            for set in [&a, &b] {
                assert_eq!(set.bytes, sum(set));
                assert!(set.bytes <= MAX_SPARE_BYTES);
                assert!(set.texts.iter().all(|t| t.is_empty() && t.capacity() <= MAX_SPARE_TEXT));
            }
        }
        // A string kept is handed out again.
        let mut c = Spares::default();
        c.give(String::with_capacity(64));
        assert!(c.take().capacity() >= 64);
        assert_eq!((c.texts.len(), c.bytes), (0, 0));
    }
    use crate::corpus::{CorpusOptions, MAX_SKIP_MESSAGES};
    use crate::Cleaner;

    #[test]
    fn str_pieces_cut_only_between_characters() {
        let text = "a中文，b𠀀c\n".repeat(7);
        for size in 0..12 {
            let pieces: Vec<&str> = str_pieces(&text, size).collect();
            assert_eq!(pieces.concat(), text, "size {size}");
            for p in &pieces {
                assert!(!p.is_empty() && p.len() < size.max(1) + 4, "size {size}: {p:?}");
            }
            // Every piece but the last is as long as a character boundary
            // at or after `size` lets it be.
            for p in &pieces[..pieces.len() - 1] {
                assert!(p.len() >= size.max(1), "size {size}: {p:?}");
            }
        }
        assert_eq!(str_pieces("", 4).count(), 0);
    }

    #[test]
    fn read_record_is_a_limited_read_until() {
        // Lines of every length around the limits and the buffer sizes,
        // read through buffers of one byte up, with and without a final
        // newline: the same pieces as `take(limit).read_until(b'\n')`.
        use std::io::{BufReader, Read};
        let mut rng = crate::testing::Lcg::new(9);
        for _ in 0..300 {
            let data: Vec<u8> = (0..rng.below(60)).map(|_| if rng.below(6) == 0 { b'\n' } else { b'a' }).collect();
            for (cap, limit) in [(1, 1), (1, 4), (2, 3), (3, 100), (7, 5), (64, 2), (64, 64)] {
                let (mut ours, mut std) =
                    (BufReader::with_capacity(cap, &data[..]), BufReader::with_capacity(cap, &data[..]));
                loop {
                    let (mut a, mut b) = (Vec::new(), Vec::new());
                    let n = read_record(&mut ours, limit, &mut a).unwrap();
                    let m = (&mut std).take(limit as u64).read_until(b'\n', &mut b).unwrap();
                    assert_eq!((n, &a), (m, &b), "{data:?} cap {cap} limit {limit}");
                    if n == 0 {
                        break;
                    }
                }
            }
        }
    }

    #[test]
    fn a_record_of_invalid_utf8_in_a_batch_of_good_ones_is_judged_alone() {
        // A batch is validated whole; a record cut inside a character must
        // not be read as whole because the next one holds the rest of it
        // (`中` is E4 B8 AD), and the good records of a batch holding a bad
        // one are cleaned as they are alone.
        let good = "{\"text\":\"強化人才驅動,增強發展動能\"}\n".as_bytes();
        let bad: [&[u8]; 2] = [b"{\"text\":\"a\xe4\"}\n", b"{\"text\":\"\xb8\xadb\"}\n"];
        let shard = [good, bad[0], bad[1], good].concat();
        let run = |shard: &[u8], lossy: bool, skip_bad: bool, threads: usize| {
            let cleaner = Cleaner::builder().lossy(lossy).build().unwrap();
            let mut corpus = Corpus::new(cleaner, CorpusOptions { skip_bad, threads, ..CorpusOptions::default() });
            let mut out = Vec::new();
            let r = corpus.run_jsonl("s.jsonl", shard, &mut out, None, &mut |_| {});
            (r.map_err(|e| e.to_string()), out, corpus.stats().clone())
        };
        let alone = |record: &[u8], lossy: bool| run(record, lossy, false, 1).1;
        for threads in [1, 2] {
            let err = run(&shard, false, false, threads).0.unwrap_err();
            assert!(err.starts_with("s.jsonl: line 2, byte ") && err.contains("invalid UTF-8"), "{err}");
            let (ok, out, stats) = run(&shard, false, true, threads);
            ok.unwrap();
            assert_eq!(out, [alone(good, false), alone(good, false)].concat(), "{threads} threads");
            assert_eq!(stats.bad_records, 2);
            // Lossy: each bad record repaired on its own.
            let (ok, out, stats) = run(&shard, true, false, threads);
            ok.unwrap();
            let want: Vec<u8> = [good, bad[0], bad[1], good].iter().flat_map(|r| alone(r, true)).collect();
            assert_eq!(String::from_utf8(out).unwrap(), String::from_utf8(want).unwrap());
            let replaced: u64 = bad.iter().map(|r| super::super::repair_utf8(r.to_vec()).1).sum();
            assert_eq!((stats.invalid_utf8_replaced, replaced > 2), (replaced, true));
            // A character cut by the line end: its halves are two bad
            // records (the newline between them is no continuation byte).
            let cut = [good, b"{\"text\":\"a\xe4\n\xb8\xadb\"}\n", good].concat();
            let (ok, out, stats) = run(&cut, false, true, threads);
            ok.unwrap();
            assert_eq!((out, stats.bad_records), ([alone(good, false), alone(good, false)].concat(), 2));
        }
    }

    #[test]
    fn a_piece_of_a_shard_names_the_shards_lines() {
        let cleaner = Cleaner::new(Default::default()).unwrap();
        let mut corpus = Corpus::new(cleaner, CorpusOptions::default());
        let piece = "{\"text\":\"好\"}\nnot json\n";
        let e = corpus.run_jsonl_at("s.jsonl", piece.as_bytes(), (40, 1000), &mut Vec::new(), None, &mut |_| {});
        let msg = e.unwrap_err().to_string();
        assert!(msg.starts_with("s.jsonl: line 42, byte 1016"), "{msg}");
        // A mark at a piece's start is text of that record, not the file's.
        let bom = "\u{feff}{\"text\":\"好\"}\n";
        assert!(corpus.run_jsonl_at("s", bom.as_bytes(), (3, 60), &mut Vec::new(), None, &mut |_| {}).is_err());
        let mut out = Vec::new();
        corpus.run_jsonl("s", bom.as_bytes(), &mut out, None, &mut |_| {}).unwrap();
        assert_eq!(out, "{\"text\":\"好\"}\n".as_bytes());
    }

    #[test]
    fn skipped_records_keep_a_bounded_number_of_messages() {
        let cleaner = Cleaner::new(Default::default()).unwrap();
        let mut corpus = Corpus::new(cleaner, CorpusOptions::default().threads(2).skip_bad(true));
        let shard = "not json\n".repeat(1000) + "{\"text\":\"好\"}\n";
        let mut out = Vec::new();
        corpus.run_jsonl("s.jsonl", shard.as_bytes(), &mut out, None, &mut |_| {}).unwrap();
        let (messages, unlisted) = corpus.take_skipped();
        assert_eq!(messages.len(), MAX_SKIP_MESSAGES);
        assert!(messages[0].contains("s.jsonl: line 1"), "{}", messages[0]);
        assert_eq!(unlisted, 1000 - MAX_SKIP_MESSAGES as u64);
        assert_eq!(corpus.stats().bad_records, 1000);
        assert_eq!(String::from_utf8(out).unwrap(), "{\"text\":\"好\"}\n");
        assert_eq!(corpus.take_skipped(), (Vec::new(), 0));
    }
}
