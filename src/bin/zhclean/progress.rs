//! Progress on a terminal: bytes read against the inputs' total size.

use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use zhclean::corpus::Progress;

/// Counts the bytes read from a file (compressed), for the progress bar.
pub(crate) struct Counting<R> {
    inner: R,
    n: Arc<AtomicU64>,
}

impl<R> Counting<R> {
    /// Counts what is read from `inner` into `n`.
    pub(crate) fn new(inner: R, n: Arc<AtomicU64>) -> Counting<R> {
        Counting { inner, n }
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let k = self.inner.read(buf)?;
        self.n.fetch_add(k as u64, Ordering::Relaxed);
        Ok(k)
    }
}

/// A one-line progress bar on stderr, redrawn at most five times a second.
pub(crate) struct Bar {
    on: bool,
    total: u64,
    done_files: u64,
    read: Arc<AtomicU64>,
    docs: u64,
    start: Instant,
    last: Instant,
}

impl Bar {
    /// A bar over inputs of `total` bytes, drawn only when `on`; `read`
    /// counts the bytes read so far.
    pub(crate) fn new(on: bool, total: u64, read: Arc<AtomicU64>) -> Bar {
        let now = Instant::now();
        Bar { on, total, done_files: 0, read, docs: 0, start: now, last: now }
    }

    pub(crate) fn draw(&mut self, p: &Progress, force: bool) {
        if !self.on || (!force && self.last.elapsed().as_millis() < 200) {
            return;
        }
        self.last = Instant::now();
        let done = self.done_files + self.read.load(Ordering::Relaxed);
        let secs = self.start.elapsed().as_secs_f64().max(1e-3);
        let rate = done as f64 / secs;
        let mb = |b: f64| b / 1e6;
        let mut line = format!(
            "\r{:.1}/{:.1} MB  {} docs  {:.1} MB/s",
            mb(done as f64),
            mb(self.total as f64),
            self.docs + p.records,
            mb(rate)
        );
        if self.total > done && rate > 0.0 {
            line.push_str(&format!("  ETA {:.0} s", (self.total - done) as f64 / rate));
        }
        eprint!("{line}\x1b[K");
    }

    pub(crate) fn file_done(&mut self, p: &Progress) {
        self.docs += p.records;
        self.done_files += self.read.swap(0, Ordering::Relaxed);
    }

    pub(crate) fn clear(&self) {
        if self.on {
            eprint!("\r\x1b[K");
        }
    }
}
