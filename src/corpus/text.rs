//! A plain-text file, one document, streamed through the passes on one
//! thread or, cut in two, on two.

use std::io::{self, Read, Write};
use std::sync::mpsc;

use super::audit;
use super::collect::Collect;
use super::{Corpus, Ctx, Progress};
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
        let max = ctx.opts.max_audit_edits;
        // Stats without an audit file only need counts.
        let counting = collect && audit.is_none();
        let new_log = || if counting { Collect::counting() } else { Collect::new(collect, max) };
        let located = |e: Error| e.with_source(name.to_string());
        let mut text = TextRun {
            name,
            output,
            hold,
            out: String::new(),
            sum: crate::Summary::default(),
            progress,
            block: TEXT_BLOCK,
        };
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

/// Blocks a plain-text file is read in.
pub(super) const TEXT_BLOCK: usize = 256 * 1024;

/// Blocks queued for the head thread of [`TextRun::two_threads`]: enough to
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
    /// Bytes read at a time ([`TEXT_BLOCK`]; tests make it small).
    pub(super) block: usize,
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
    pub(super) fn write_out(&mut self) -> Result<(), Error> {
        if !self.hold {
            self.output.write_all(self.out.as_bytes())?;
            self.sum.bytes_out += self.out.len() as u64;
            self.out.clear();
        }
        Ok(())
    }

    /// Reads the input to its end in blocks, handing each to `take`;
    /// counts the bytes and reports progress after each.
    pub(super) fn read<R: Read>(
        &mut self,
        input: R,
        mut take: impl FnMut(&mut Self, &[u8]) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let name = self.name;
        let read_err = |e: io::Error| Error::from(e).with_source(name.to_string());
        crate::pipeline::read_blocks(input, self.block, read_err, |block| {
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
            // Blocks in (None: the input ended); text out, a message for
            // each block. After queueing a block this thread takes one
            // message, if one is there, and goes back to reading: the
            // head's queue is kept full (taking every message there was
            // left the head without a block while the tail caught up),
            // and the messages waiting stay as few as the blocks queued,
            // a message a block.
            let (block_tx, block_rx) = mpsc::sync_channel::<Option<Vec<u8>>>(TEXT_QUEUE);
            let (text_tx, text_rx) = mpsc::channel::<Result<Handed, Error>>();
            scope.spawn(move || run_head(head, head_log, &block_rx, &text_tx));
            self.read(input, |this, block| {
                this.hand(&block_tx, &text_rx, Some(block.to_vec()), &mut tail, &mut log, &mut head_done)?;
                if let Ok(msg) = text_rx.try_recv() {
                    this.take_over(&mut tail, &mut log, msg, &mut head_done)?;
                }
                Ok(())
            })?;
            // The head ends its channel after its last text and audit.
            self.hand(&block_tx, &text_rx, None, &mut tail, &mut log, &mut head_done)?;
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

    /// Queues `block` for the head. While the queue is full, this thread
    /// runs the tail on what the head hands over instead of waiting for
    /// room: waiting there left the head's output unread for as long as
    /// the head took over a block, and the two threads took turns more
    /// than they ran together (1.4 CPUs busy on the bench corpus). The
    /// head sends a message for every block it takes, so one comes while
    /// the queue is full.
    fn hand(
        &mut self,
        blocks: &mpsc::SyncSender<Option<Vec<u8>>>,
        texts: &mpsc::Receiver<Result<Handed, Error>>,
        block: Option<Vec<u8>>,
        tail: &mut Tail,
        log: &mut Collect,
        head_done: &mut Option<(Box<Collect>, u64)>,
    ) -> Result<(), Error> {
        let mut block = block;
        loop {
            match blocks.try_send(block) {
                Ok(()) => return Ok(()),
                Err(mpsc::TrySendError::Full(b)) => {
                    block = b;
                    match texts.recv() {
                        Ok(msg) => self.take_over(tail, log, msg, head_done)?,
                        // The head is gone without a word (a panic, which
                        // the scope passes on).
                        Err(_) => return Err(io::Error::other("the head thread stopped").into()),
                    }
                }
                Err(mpsc::TrySendError::Disconnected(_)) => {
                    // The head stopped on an error, which waits in the
                    // channel.
                    for msg in texts.iter() {
                        self.take_over(tail, log, msg, head_done)?;
                    }
                    return Err(io::Error::other("the head thread stopped").into());
                }
            }
        }
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
    /// pages first).
    fn split_point(&self) -> usize {
        const TAIL: [PassId; 4] = [PassId::Unwrap, PassId::Dedup, PassId::Punct, PassId::Paragraphs];
        let n = self.passes.len();
        self.passes.iter().position(|p| TAIL.contains(p)).unwrap_or(n.saturating_sub(1)).min(n.saturating_sub(1))
    }
}

#[cfg(test)]
mod tests {
    use super::super::collect::Collect;
    use super::super::{Corpus, CorpusOptions, Progress};
    use super::TextRun;
    use crate::{CleanConfig, Cleaner};

    #[test]
    fn two_threads_give_one_threads_output_when_the_heads_queue_fills() {
        // The seeds as one document, read half a kilobyte at a time: far more
        // blocks than the head's queue holds, so the reader finds it full
        // and runs the tail on what the head handed over meanwhile
        // (`TextRun::hand`). Output and audit as on one thread.
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
        let run = |two: bool| {
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
            };
            let new_log = || Collect::new(true, usize::MAX);
            let log = if two {
                run.two_threads(ctx.cleaner.stream(), ctx.split_point(), text.as_bytes(), &new_log)
            } else {
                run.one_thread(ctx.cleaner.stream(), text.as_bytes(), new_log())
            }
            .unwrap();
            let (rest, sum) = (std::mem::take(&mut run.out), run.sum.bytes_in);
            let out = String::from_utf8(written).unwrap() + &rest;
            (out, sum, crate::audit::map_to_input(&ctx.pass_names, log.log.edits))
        };
        let (one, two) = (run(false), run(true));
        assert!(!one.2.is_empty() && one.0.len() > text.len() / 2, "the seeds are cleaned");
        assert!(one == two, "one thread and two differ");
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
