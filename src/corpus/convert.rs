//! Conversion alone (the `convert` command) on two threads: the text cut
//! at places where a fresh converter gives what one converter would, and
//! the chunks converted side by side.

use std::io::{self, Read};
use std::sync::mpsc;

use super::collect::Collect;
use super::text::TextRun;
use crate::error::Error;
use crate::pipeline::{Cleaner, Tail};

/// Chunks at most on the other thread in [`TextRun::chunks`].
const AWAY: usize = 3;

impl TextRun<'_, '_> {
    /// Conversion alone on two threads: the framer runs here, and the text
    /// is cut at line ends ([`safe_cut`](crate::dict::opencc::safe_cut)) into chunks of at least
    /// `size` bytes, each converted from a fresh start, most of them on
    /// the other thread (this one also reads and writes); outputs are
    /// written in order. Output, stats and caps are those of one thread.
    /// Text with no place to cut for `8 * size` bytes goes on in one
    /// converter to the end, on this thread.
    pub(super) fn chunks<R: Read>(
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
                    this.deliver(&out)?;
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
                        let at = if last {
                            Some(pending.len()).filter(|&n| n > 0)
                        } else {
                            crate::dict::opencc::safe_cut(pending, size)
                        };
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
}
