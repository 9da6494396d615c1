//! A plain-text file, one document, streamed through the passes on one
//! thread or, cut in two, on two.

use std::io::{self, Read, Write};
use std::sync::mpsc;

use super::audit;
use super::collect::Collect;
use super::{Corpus, Ctx, Progress, State};
use crate::error::Error;
use crate::passes::PassId;
use crate::pipeline::{Stream, Tail};

impl Corpus {
    /// Cleans one plain-text document (a whole file) from `input` into
    /// `output`, streaming, with the same stats and audit records as
    /// [`Corpus::run_jsonl`] (with no line number). With corpus dedup on,
    /// the document's output is held until its end. With two threads or
    /// more ([`CorpusOptions::threads`](super::CorpusOptions::threads)) the passes are cut in two and run
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
        // Stats without an audit file only need counts.
        let counting = collect && audit.is_none();
        let new_log = || ctx.new_log(counting);
        let mut text = TextRun {
            name,
            output,
            hold,
            out: String::new(),
            sum: crate::Summary::default(),
            progress,
            block: ctx.opts.text_block_bytes.max(1),
            head: Vec::new(),
            whole: false,
        };
        // A document of one block gains nothing from more threads: the
        // block goes through one stage after the other, and starting them
        // cost more than its passes (2 025 files of 10 KB took 1.9x as long
        // on two threads as on one). Read first to know (see
        // `CorpusOptions::text_block_bytes`).
        let mut input = input;
        (text.head, text.whole) = read_head(name, &mut input, text.block)?;
        let threads = if text.whole { 1 } else { ctx.opts.thread_count() };
        let cuts = ctx.cuts(threads);
        let two = threads >= 2;
        // Conversion alone (the convert command) goes in chunks, when no
        // edits are kept (their offsets would be the chunks') and no cap
        // is to stop the run.
        let chunked =
            two && ctx.passes == [PassId::Script] && !(collect && audit.is_some()) && !ctx.cleaner.config().strict_caps;
        let log = if chunked {
            text.chunks(&ctx.cleaner, ctx.opts.text_chunk_bytes, input, &new_log)
        } else if !cuts.is_empty() {
            text.staged(ctx.cleaner.stream(), &cuts, input, &new_log)
        } else {
            // (A stream is ready for the next document once one finished;
            // after an error it is dropped.)
            let mut stream = ctx.cleaner.spare_stream();
            let log = text.one_thread(&mut stream, input, new_log())?;
            ctx.cleaner.keep_stream(stream);
            Ok(log)
        }?;
        let TextRun { output, out, sum, progress, .. } = text;
        state.write_text(ctx, name, (log, out, sum), output, audit, progress)
    }

    /// Cleans plain-text documents held whole (`docs`: each a file's name
    /// and bytes) on the run's threads, a document on one thread each, and
    /// writes them in order: output, audit, stats and errors as
    /// [`Corpus::run_text`] gives them one after the other (errors named
    /// after their document; the documents before the first error are
    /// written, those after are not). `done` is told each document's place
    /// in `docs` and summary once it is written. A directory of page files
    /// is thousands of documents of a few kilobytes, which the threads of
    /// one document's passes cannot share out.
    ///
    /// # Errors
    /// As [`Corpus::run_text`], for the first document in order that has
    /// one.
    pub fn run_texts(
        &mut self,
        docs: Vec<(String, Vec<u8>)>,
        output: &mut dyn Write,
        mut audit: Option<&mut (dyn Write + '_)>,
        progress: &mut dyn FnMut(&Progress),
        done: &mut dyn FnMut(usize, &crate::Summary),
    ) -> Result<(), Error> {
        let (ctx, state) = (&self.ctx, &mut self.state);
        let counting = ctx.opts.collect_edits && audit.is_none();
        super::side::in_order(
            ctx.opts.thread_count(),
            docs,
            |(_, bytes): &(String, Vec<u8>)| bytes.len(),
            // (The name goes with the result to the writer.)
            |(name, bytes)| {
                let cleaned = ctx.clean_whole(&name, bytes, counting);
                (name, cleaned)
            },
            |i, (name, cleaned)| {
                let sum = state.write_text(ctx, &name, cleaned?, output, audit.as_deref_mut(), progress)?;
                done(i, &sum);
                Ok(())
            },
        )
    }
}

/// The first bytes of an input, up to one past a block (`block` bytes:
/// [`CorpusOptions::text_block_bytes`](super::CorpusOptions::text_block_bytes)),
/// and whether they are all of it (else they are `block + 1` bytes): a
/// caller with many files gathers the whole ones for
/// [`Corpus::run_texts`] (plain text) or [`Corpus::run_shards`] (JSONL),
/// and hands each other one to [`Corpus::run_text`] or
/// [`Corpus::run_jsonl`] with these bytes chained before the rest.
///
/// # Errors
/// A read error, named after `name`.
pub fn read_head<R: Read>(name: &str, input: &mut R, block: usize) -> Result<(Vec<u8>, bool), Error> {
    let mut head = Vec::new();
    let n = input
        .take(block as u64 + 1)
        .read_to_end(&mut head)
        .map_err(|e| Error::from(e).with_source(name.to_string()))?;
    Ok((head, n <= block))
}

/// A plain-text document cleaned: its audit, the output not yet written
/// and what was counted.
type Cleaned = (Collect, String, crate::Summary);

impl Ctx {
    /// A plain-text document's audit: its edits' counts alone when
    /// `counting` (stats without an audit file), else its edits if they
    /// are collected.
    fn new_log(&self, counting: bool) -> Collect {
        if counting {
            Collect::counting()
        } else {
            Collect::new(self.opts.collect_edits, self.opts.max_audit_edits)
        }
    }

    /// Cleans a plain-text document held whole (`bytes`, a file's) on this
    /// thread, through a stream a document before finished (see
    /// `Cleaner::spare_stream`). Its output is held, to be written in
    /// order (see [`Corpus::run_texts`]).
    fn clean_whole(&self, name: &str, bytes: Vec<u8>, counting: bool) -> Result<Cleaned, Error> {
        let log = self.new_log(counting);
        let (mut sink, mut quiet) = (io::sink(), |_: &Progress| {});
        let mut text = TextRun {
            name,
            output: &mut sink,
            hold: true,
            out: String::new(),
            sum: crate::Summary::default(),
            progress: &mut quiet,
            block: bytes.len().max(1),
            head: bytes,
            whole: true,
        };
        let mut stream = self.cleaner.spare_stream();
        let log = text.one_thread(&mut stream, io::empty(), log)?;
        self.cleaner.keep_stream(stream);
        Ok((log, text.out, text.sum))
    }
}

impl State {
    /// Writes a plain-text document cleaned (`cleaned`; its output written
    /// so far, when not held, counted in its summary already), deciding
    /// corpus dedup on it, and counts it. Returns its summary.
    fn write_text(
        &mut self,
        ctx: &Ctx,
        name: &str,
        cleaned: Cleaned,
        output: &mut dyn Write,
        audit: Option<&mut (dyn Write + '_)>,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<crate::Summary, Error> {
        let (log, mut out, mut sum) = cleaned;
        let mut prog = Progress { records: 0, bytes: sum.bytes_in };
        self.note_caps(&log.log.caps, name, None);
        let mut edits = if log.edits { crate::audit::map_to_input(&ctx.pass_names, log.log.edits) } else { Vec::new() };
        if let (Some(d), Some(k)) = (&mut self.dedup, &ctx.keyer) {
            let keys = k.paragraph_keys(&out);
            d.apply(&mut out, &keys, ctx.pass_names.len(), &mut edits).map_err(|e| e.with_source(name.to_string()))?;
        }
        output.write_all(out.as_bytes())?;
        sum.bytes_out += out.len() as u64;
        let st = &mut self.stats;
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

/// Blocks queued for the head thread of [`TextRun::staged`]: enough to
/// keep it busy while the tail catches up, few enough to bound memory.
const TEXT_QUEUE: usize = 4;

/// One plain-text document on its way through the passes: where the
/// output goes and what was counted.
pub(super) struct TextRun<'a, 'w> {
    pub(super) name: &'a str,
    pub(super) output: &'w mut dyn Write,
    /// Keep the output (corpus dedup decides on it at the end).
    pub(super) hold: bool,
    pub(super) out: String,
    pub(super) sum: crate::Summary,
    pub(super) progress: &'a mut dyn FnMut(&Progress),
    /// Bytes read at a time (`CorpusOptions::text_block_bytes`).
    pub(super) block: usize,
    /// The input's first bytes, read already (see [`TextRun::read`]), and
    /// whether they are all of it.
    pub(super) head: Vec<u8>,
    pub(super) whole: bool,
}

/// What a thread of passes in [`TextRun::staged`] hands on.
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

    /// Writes `text` as output, or keeps it in `out` while the output is
    /// held.
    pub(super) fn deliver(&mut self, text: &str) -> Result<(), Error> {
        if self.hold {
            self.out.push_str(text);
        } else {
            self.output.write_all(text.as_bytes())?;
            self.sum.bytes_out += text.len() as u64;
        }
        Ok(())
    }

    /// Writes what is decided, unless held.
    pub(super) fn write_out(&mut self) -> Result<(), Error> {
        if !self.hold {
            self.output.write_all(self.out.as_bytes())?;
            self.sum.bytes_out += self.out.len() as u64;
            self.out.clear();
        }
        Ok(())
    }

    /// Reads the input to its end in blocks, handing each to `take`
    /// (first the bytes read already, `head`; then, unless they were the
    /// whole input, the rest of `input`); counts the bytes and reports
    /// progress after each.
    pub(super) fn read<R: Read>(
        &mut self,
        input: R,
        mut take: impl FnMut(&mut Self, &[u8]) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let mut took = |this: &mut Self, block: &[u8]| {
            this.sum.bytes_in += block.len() as u64;
            take(this, block)?;
            (this.progress)(&Progress { records: 0, bytes: this.sum.bytes_in });
            Ok(())
        };
        let head = std::mem::take(&mut self.head);
        if !head.is_empty() {
            took(self, &head)?;
        }
        // (Not held while the rest is read: up to half a MiB.)
        drop(head);
        if self.whole {
            return Ok(());
        }
        let name = self.name;
        let read_err = |e: io::Error| Error::from(e).with_source(name.to_string());
        crate::pipeline::read_blocks(input, self.block, read_err, |block| took(self, block))
    }

    /// Runs the whole stream on this thread. Returns the document's audit;
    /// the output of the finish stays in `out`.
    fn one_thread<R: Read>(&mut self, stream: &mut Stream, input: R, mut log: Collect) -> Result<Collect, Error> {
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

    /// [`TextRun::one_thread`] with the passes cut at `cuts` (ascending,
    /// none 0): a thread runs the framer and the passes before the first
    /// cut, a thread each the passes between cuts and after the last, on
    /// what the thread before hands over, and this one reads and writes. A
    /// plain text file is one document, which the JSONL workers cannot
    /// share out; this gets it most of two cores (or of as many as there
    /// are stages). Output and audit are the same as on one thread (see
    /// [`Stream::split`]).
    ///
    /// (The passes after the cut ran on this thread before, between reads:
    /// while the head's queue was full the reader waited and the head's
    /// output lay unread, and while it caught up the head ran dry. Reading
    /// and writing take little; threads of passes keep the cores busy.)
    fn staged<R: Read>(
        &mut self,
        stream: Stream,
        cuts: &[usize],
        input: R,
        new_log: &dyn Fn() -> Collect,
    ) -> Result<Collect, Error> {
        let (head, mut rest) = stream.split(cuts[0]);
        let mut tails = Vec::new();
        for w in cuts.windows(2) {
            let (tail, after) = rest.split(w[1] - w[0]);
            tails.push(tail);
            rest = after;
        }
        tails.push(rest);
        // Blocks on their way through the threads of passes at most (read
        // and not yet written back): the head's queue and one in each
        // thread. (Twice the queue was no faster on two threads, and took
        // 4 MB more on a 64 MB line.)
        let max_away = TEXT_QUEUE + 1 + tails.len();
        let head_log = new_log();
        let mut done = None;
        std::thread::scope(|scope| -> Result<(), Error> {
            // Blocks in (None: the input ended); each thread's text to the
            // next, and the last one's back here, a message for each block.
            let (block_tx, block_rx) = mpsc::sync_channel::<Option<Vec<u8>>>(TEXT_QUEUE);
            let (text_tx, mut inbox) = mpsc::channel::<Result<Handed, Error>>();
            scope.spawn(move || run_head(head, head_log, &block_rx, &text_tx));
            for tail in tails {
                let (tx, rx) = mpsc::channel::<Result<Handed, Error>>();
                let from = std::mem::replace(&mut inbox, rx);
                let log = new_log();
                scope.spawn(move || run_stage(tail, log, &from, &tx));
            }
            let outs = inbox;
            let mut away = 0;
            let read = self.read(input, |this, block| {
                this.hand(&block_tx, &outs, Some(block.to_vec()), (max_away, &mut away), &mut done)?;
                while let Ok(msg) = outs.try_recv() {
                    this.take_back(msg, &mut away, &mut done)?;
                }
                Ok(())
            });
            if let Err(e) = read {
                // What was read before a failed read goes through and is
                // written, as on one thread; then the error. (After a
                // pass's error the threads have stopped: nothing comes.)
                while away > 0 {
                    let Ok(msg) = outs.recv() else { break };
                    if self.take_back(msg, &mut away, &mut done).is_err() {
                        break;
                    }
                }
                return Err(e);
            }
            // The last thread ends its channel after its last text and the
            // audit.
            self.hand(&block_tx, &outs, None, (max_away, &mut away), &mut done)?;
            for msg in outs.iter() {
                self.take_back(msg, &mut away, &mut done)?;
            }
            Ok(())
        })?;
        let Some((log, replaced)) = done else {
            return Err(io::Error::other("the passes' threads stopped").into());
        };
        self.sum.replaced = replaced;
        log.check().map_err(|e| self.located(e))?;
        Ok(*log)
    }

    /// Queues `block` for the head once fewer than `max` blocks are on their
    /// way through the passes (`away`) and the head's queue has room;
    /// until then, writes what the last thread hands back (a message a
    /// block, so one comes). Memory stays bounded by the blocks away,
    /// whichever thread is the slowest.
    fn hand(
        &mut self,
        blocks: &mpsc::SyncSender<Option<Vec<u8>>>,
        outs: &mpsc::Receiver<Result<Handed, Error>>,
        block: Option<Vec<u8>>,
        (max, away): (usize, &mut usize),
        done: &mut Option<(Box<Collect>, u64)>,
    ) -> Result<(), Error> {
        let stopped = || Error::from(io::Error::other("the passes' threads stopped"));
        let mut block = block;
        loop {
            if *away < max {
                match blocks.try_send(block) {
                    Ok(()) => {
                        *away += 1;
                        return Ok(());
                    }
                    Err(mpsc::TrySendError::Full(b)) => block = b,
                    Err(mpsc::TrySendError::Disconnected(_)) => {
                        // The head stopped on an error, which the threads
                        // after it pass on.
                        for msg in outs.iter() {
                            self.take_back(msg, away, done)?;
                        }
                        return Err(stopped());
                    }
                }
            }
            // (A thread gone without a word panicked: the scope passes
            // the panic on.)
            let msg = outs.recv().map_err(|_| stopped())?;
            self.take_back(msg, away, done)?;
        }
    }

    /// Takes one message from the last thread: text to write, or the end.
    fn take_back(
        &mut self,
        msg: Result<Handed, Error>,
        away: &mut usize,
        done: &mut Option<(Box<Collect>, u64)>,
    ) -> Result<(), Error> {
        match msg.map_err(|e| self.located(e))? {
            Handed::Text(text, _) => {
                *away = away.saturating_sub(1);
                self.deliver(&text)
            }
            Handed::Done(log, replaced) => {
                *done = Some((log, replaced));
                Ok(())
            }
        }
    }
}

/// Threads of passes a plain-text run uses at most: more stages than this
/// would each hold a pass or two, and the dearest pass alone (`unwrap`,
/// a quarter of the run) bounds the gain.
const MAX_STAGES: usize = 4;

/// A thread of passes after the head in [`TextRun::staged`]: the text the
/// thread before hands over through its passes, a message on for each
/// one, until the head's end, an error, or the other side hangs up.
fn run_stage(
    mut tail: Tail,
    mut log: Collect,
    inbox: &mpsc::Receiver<Result<Handed, Error>>,
    outbox: &mpsc::Sender<Result<Handed, Error>>,
) {
    for msg in inbox {
        let mut out = String::new();
        let result = match msg {
            Ok(Handed::Text(text, ends)) => {
                // Each piece as these passes took it on one thread (see
                // `Stream::split`).
                let mut start = 0;
                let mut pushed = Ok(());
                for end in ends.into_iter().chain([text.len()]) {
                    if end > start && pushed.is_ok() {
                        pushed = tail.push_audited(&text[start..end], &mut out, &mut log).and_then(|()| log.check());
                        start = end;
                    }
                }
                pushed.map(|()| Handed::Text(out, tail.take_ends()))
            }
            Ok(Handed::Done(mut before, replaced)) => {
                let finished = tail.finish_audited(&mut out, &mut log).and_then(|()| log.check());
                let _ = match finished {
                    Ok(()) => outbox.send(Ok(Handed::Text(out, tail.take_ends()))).and_then(|()| {
                        before.absorb(log);
                        outbox.send(Ok(Handed::Done(before, replaced)))
                    }),
                    Err(e) => outbox.send(Err(e)),
                };
                return;
            }
            Err(e) => Err(e),
        };
        let failed = result.is_err();
        if outbox.send(result).is_err() || failed {
            return;
        }
    }
}

/// The head thread of [`TextRun::staged`]: blocks through the framer
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
        // A message for every block, if empty (see `TextRun::hand`).
        let ends = head.take_ends();
        if text.send(Ok(Handed::Text(std::mem::take(&mut out), ends))).is_err() {
            return;
        }
    }
}

impl Ctx {
    /// Where a plain-text run on two threads cuts the passes (0: it runs on
    /// one thread): before the layout stage (`unwrap`) when it runs, else
    /// before the duplicate check (or, without it, the first pass after
    /// it: punctuation, paragraphs), or else before the last pass. Where
    /// the cost lies depends on the text. On the bench corpus
    /// (`scripts/gen_bench_corpus.py`, 20 MB as one plain file) the passes
    /// before the layout stage take 265M of 564M instructions and the
    /// layout stage 156M: cut before the duplicate check, two threads ran
    /// 1.27x one (0.275 s, median of ten); cut before `unwrap`, 0.23 s. On
    /// the 40 MB news text of `scripts/gen_news_corpus.py` the two cuts
    /// took the same (0.385 s). Without the layout stage (the `web`
    /// preset), cutting before captions, which would even the halves'
    /// instructions, was slower (0.17 s against 0.155 s on the bench
    /// corpus, 0.31 s against 0.275 s on the news text): the duplicate
    /// check's time is more than its instructions say (its table misses
    /// the cache). On text that repeats itself so much that the duplicate
    /// check removes most of it, cutting before captions was best (0.19 s
    /// against 0.26 s); timing the passes on the first megabyte to choose
    /// was tried, and that sample misled on the news text (annotated web
    /// pages first). (These figures are from before the tail had a thread
    /// of its own; with it, the cut before `unwrap` stays the best of the
    /// default's: cut before the duplicate check, the bench corpus took
    /// 0.25 s against 0.20 s.)
    fn split_point(&self) -> usize {
        const TAIL: [PassId; 4] = [PassId::Unwrap, PassId::Dedup, PassId::Punct, PassId::Paragraphs];
        let n = self.passes.len();
        self.passes.iter().position(|p| TAIL.contains(p)).unwrap_or(n.saturating_sub(1)).min(n.saturating_sub(1))
    }

    /// Where a plain-text run on `threads` threads cuts the passes (none:
    /// it runs on one): on two, at [`Ctx::split_point`]; on more, into as
    /// many stages as there are threads, up to [`MAX_STAGES`] and one pass
    /// a stage, with the largest stage's cost (by [`stage_cost`]) as small
    /// as it can be.
    pub(super) fn cuts(&self, threads: usize) -> Vec<usize> {
        let stages = threads.min(MAX_STAGES).min(self.passes.len());
        match stages {
            0 | 1 => Vec::new(),
            2 => Some(self.split_point()).filter(|&at| at > 0).into_iter().collect(),
            k => {
                let mut costs: Vec<u32> = self.passes.iter().map(|&p| stage_cost(p)).collect();
                costs[0] += FRAMER_COST;
                balanced_cuts(&costs, k)
            }
        }
    }
}

/// A pass's cost, for cutting the passes into stages: its CPU time in ms
/// on the 20 MB bench corpus (`scripts/bench_pass_time.sh 11 20`,
/// 2026-12-04). Other text weighs the passes otherwise; any cut gives the
/// same output.
fn stage_cost(p: PassId) -> u32 {
    match p {
        PassId::Unicode => 19,
        PassId::Pinyin => 1,
        PassId::Script => 34,
        PassId::Chrome => 30,
        PassId::Caption => 41,
        PassId::Unwrap => 80,
        PassId::Rejoin => 16,
        PassId::Dedup => 52,
        PassId::Punct => 29,
        PassId::Paragraphs => 3,
    }
}

/// The framer's cost on the same scale (it runs with the first stage).
const FRAMER_COST: u32 = 29;

/// The cuts (ascending, in `1..costs.len()`) that make `k` stages of
/// consecutive passes whose dearest costs least (`costs[i]`: pass `i`'s).
/// On a tie, the earliest cuts.
fn balanced_cuts(costs: &[u32], k: usize) -> Vec<usize> {
    let n = costs.len();
    let k = k.clamp(1, n.max(1));
    let sum = |a: usize, b: usize| costs[a..b].iter().sum::<u32>();
    // best[s][i]: the least dearest stage of passes i.. in s stages, and
    // where the first of them ends.
    let mut best = vec![vec![(u32::MAX, n); n + 1]; k + 1];
    for (i, b) in best[1].iter_mut().enumerate().take(n) {
        *b = (sum(i, n), n);
    }
    for s in 2..=k {
        for i in 0..n {
            for j in i + 1..n {
                let rest = best[s - 1][j].0;
                if rest == u32::MAX {
                    continue;
                }
                let cost = sum(i, j).max(rest);
                if cost < best[s][i].0 {
                    best[s][i] = (cost, j);
                }
            }
        }
    }
    let (mut cuts, mut i) = (Vec::new(), 0);
    for s in (2..=k).rev() {
        i = best[s][i].1;
        cuts.push(i);
    }
    cuts
}

#[cfg(test)]
mod tests {
    use super::super::collect::Collect;
    use super::super::{Corpus, CorpusOptions, Progress};
    use super::TextRun;
    use crate::{CleanConfig, Cleaner};

    #[test]
    fn threads_of_passes_give_one_threads_output_when_the_heads_queue_fills() {
        // The seeds as one document, read half a kilobyte at a time: far more
        // blocks than the head's queue holds, so the reader finds it full
        // and takes what the last thread hands back meanwhile
        // (`TextRun::hand`). Output and audit as on one thread, on two,
        // three and four threads of passes.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/seeds");
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(".input.txt"))
            .collect();
        names.sort();
        let text: String = names.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect();
        let block = 512;
        assert!(text.len() > 20 * block * super::TEXT_QUEUE, "{} bytes", text.len());
        let corpus = Corpus::new(Cleaner::new(CleanConfig::default()).unwrap(), CorpusOptions::default());
        let ctx = &corpus.ctx;
        let run = |threads: usize| {
            let mut written = Vec::new();
            let mut progress = |_: &Progress| {};
            let mut run = TextRun {
                name: "seeds",
                output: &mut written,
                hold: false,
                out: String::new(),
                sum: crate::Summary::default(),
                progress: &mut progress,
                block,
                head: Vec::new(),
                whole: false,
            };
            let new_log = || Collect::new(true, usize::MAX);
            let cuts = ctx.cuts(threads);
            assert_eq!(cuts.len() + 1, threads);
            let log = if threads > 1 {
                run.staged(ctx.cleaner.stream(), &cuts, text.as_bytes(), &new_log)
            } else {
                run.one_thread(&mut ctx.cleaner.stream(), text.as_bytes(), new_log())
            }
            .unwrap();
            let (rest, sum) = (std::mem::take(&mut run.out), run.sum.bytes_in);
            let out = String::from_utf8(written).unwrap() + &rest;
            (out, sum, crate::audit::map_to_input(&ctx.pass_names, log.log.edits))
        };
        let one = run(1);
        assert!(!one.2.is_empty() && one.0.len() > text.len() / 2, "the seeds are cleaned");
        for threads in 2..=4 {
            assert!(run(threads) == one, "one thread and {threads} differ");
        }
    }

    #[test]
    fn more_stages_cut_where_the_dearest_costs_least() {
        // Brute force over every cut, against the table's answer.
        let mut rng = crate::testing::Lcg::new(11);
        for _ in 0..300 {
            let n = 1 + rng.below(10);
            let costs: Vec<u32> = (0..n).map(|_| rng.below(100) as u32).collect();
            for k in 1..=n.min(5) {
                let cuts = super::balanced_cuts(&costs, k);
                assert_eq!(cuts.len(), k - 1, "{costs:?} {k}");
                assert!(cuts.windows(2).all(|w| w[0] < w[1]) && cuts.iter().all(|&c| c > 0 && c < n));
                let dearest = |cuts: &[usize]| {
                    let bounds: Vec<usize> = [0].into_iter().chain(cuts.iter().copied()).chain([n]).collect();
                    bounds.windows(2).map(|w| costs[w[0]..w[1]].iter().sum::<u32>()).max().unwrap()
                };
                let mut least = u32::MAX;
                for mask in 0u32..(1 << (n - 1)) {
                    if mask.count_ones() as usize == k - 1 {
                        let all: Vec<usize> = (1..n).filter(|c| mask >> (c - 1) & 1 == 1).collect();
                        least = least.min(dearest(&all));
                    }
                }
                assert_eq!(dearest(&cuts), least, "{costs:?} {k}");
            }
        }
        // The default's passes on three and four threads.
        let ctx = Corpus::new(Cleaner::new(CleanConfig::default()).unwrap(), CorpusOptions::default()).ctx;
        assert_eq!(ctx.cuts(1), Vec::<usize>::new());
        assert_eq!(ctx.cuts(2), vec![5]);
        let names = |cuts: Vec<usize>| cuts.iter().map(|&c| ctx.pass_names[c]).collect::<Vec<_>>();
        assert_eq!(names(ctx.cuts(3)), ["caption", "rejoin"]);
        assert_eq!(names(ctx.cuts(4)), ["chrome", "unwrap", "dedup"]);
        assert_eq!(ctx.cuts(64).len(), super::MAX_STAGES - 1);
    }

    fn split_point(cfg: CleanConfig) -> usize {
        Corpus::new(Cleaner::new(cfg).unwrap(), CorpusOptions::default()).ctx.split_point()
    }

    #[test]
    fn the_passes_are_cut_before_the_layout_stage_or_the_duplicate_check() {
        // unicode, pinyin, script, chrome, caption | unwrap, rejoin, dedup, …
        assert_eq!(split_point(CleanConfig::default()), 5);
        let cfg = CleanConfig { dedup: None, ..CleanConfig::default() };
        assert_eq!(split_point(cfg), 5);
        // Without the layout stage: unicode, …, caption | dedup, punct, …
        assert_eq!(split_point(CleanConfig::preset("web").unwrap()), 5);
        let cfg = CleanConfig { unwrap: None, dedup: None, ..CleanConfig::default() };
        assert_eq!(split_point(cfg), 6, "rejoin stays; punct is next");
        // One pass: nothing to cut.
        assert_eq!(split_point(CleanConfig::preset("minimal").unwrap()), 0);
        // None of the tail passes: before the last.
        let mut cfg = CleanConfig::identity();
        cfg.unicode = Some(Default::default());
        cfg.pinyin = Some(Default::default());
        assert_eq!(split_point(cfg), 1);
    }
}
