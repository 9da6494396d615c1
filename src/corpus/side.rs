//! Inputs held whole (page files, small shards) cleaned side by side on
//! the run's threads, an input a thread, and written in input order: a
//! directory of thousands of small files is work the threads of one
//! input's run cannot share out (see [`Corpus::run_texts`](super::Corpus::run_texts),
//! [`Corpus::run_shards`](super::Corpus::run_shards)).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex};

use crate::error::Error;

/// Items a thread takes at once: up to this many bytes' worth (by the
/// caller's `weight`), one item at least. A thread took one item at a
/// time before, and its result woke the writer: 1 506 shards of 10 KB
/// made 3 585 context switches on two threads, and 64 KiB at a time was
/// 4-8% faster on them and on page files (32 KiB alike, 128 KiB no
/// better); the last chunk of a group, which one thread runs while the
/// other waits, stays a millisecond's work.
const CHUNK_BYTES: usize = 64 << 10;

/// Cleans `items` with `clean` on up to `threads` threads (each takes the
/// next items, about [`CHUNK_BYTES`] of them by `weight`, when it is done
/// with the ones before) and hands each result to `write` in the items'
/// order, with the item's place. Stops at the first error `write`
/// returns, and returns it: the items before it were written, none after;
/// the threads stop at their next chunk.
pub(super) fn in_order<I: Send, T: Send>(
    threads: usize,
    items: Vec<I>,
    weight: impl Fn(&I) -> usize + Sync,
    clean: impl Fn(I) -> T + Sync,
    mut write: impl FnMut(usize, T) -> Result<(), Error>,
) -> Result<(), Error> {
    let threads = threads.min(items.len());
    if threads <= 1 {
        return items.into_iter().enumerate().try_for_each(|(i, item)| write(i, clean(item)));
    }
    let queue = Mutex::new(items.into_iter().enumerate());
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<Vec<(usize, T)>>();
    std::thread::scope(|scope| -> Result<(), Error> {
        for _ in 0..threads {
            let (queue, stop, tx, clean, weight) = (&queue, &stop, tx.clone(), &clean, &weight);
            scope.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let Ok(next) = queue.lock().map(|mut q| chunk(&mut *q, weight)) else { break };
                    if next.is_empty() {
                        break;
                    }
                    let done: Vec<(usize, T)> = next.into_iter().map(|(i, item)| (i, clean(item))).collect();
                    if tx.send(done).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        // In order: results that come early wait for those before.
        let mut waiting = BTreeMap::new();
        let mut next = 0;
        let written = (|| -> Result<(), Error> {
            for chunk in &rx {
                for (i, cleaned) in chunk {
                    waiting.insert(i, cleaned);
                }
                while let Some(cleaned) = waiting.remove(&next) {
                    write(next, cleaned)?;
                    next += 1;
                }
            }
            Ok(())
        })();
        stop.store(true, Ordering::Relaxed);
        written
    })
}

/// The next items of `queue`, [`CHUNK_BYTES`] of them by `weight` or the
/// one item past it (none at the queue's end).
fn chunk<I>(queue: &mut impl Iterator<Item = (usize, I)>, weight: impl Fn(&I) -> usize) -> Vec<(usize, I)> {
    let (mut taken, mut bytes) = (Vec::new(), 0);
    while bytes < CHUNK_BYTES {
        let Some((i, item)) = queue.next() else { break };
        bytes += weight(&item);
        taken.push((i, item));
    }
    taken
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn results_are_written_in_order_up_to_the_first_error() {
        let mut rng = crate::testing::Lcg::new(11);
        let work = |spin: usize| (0..spin).fold(spin as u64, |a, b| a.wrapping_mul(31).wrapping_add(b as u64));
        for threads in 1..=4 {
            for round in 0..20 {
                let n = rng.below(40);
                // Items that take longer or shorter, so that results come
                // out of order on many threads.
                let items: Vec<usize> = (0..n).map(|_| rng.below(3000)).collect();
                let fail_at = if round % 3 == 0 && n > 0 { Some(rng.below(n)) } else { None };
                let mut seen = Vec::new();
                // (Items of 0 to 150 KB by their weight: chunks of one
                // item to dozens.)
                let got = in_order(
                    threads,
                    items.clone(),
                    |&spin| spin * 50,
                    work,
                    |i, v| {
                        if Some(i) == fail_at {
                            return Err(Error::new(ErrorKind::BadRecord, format!("item {i}")));
                        }
                        seen.push((i, v));
                        Ok(())
                    },
                );
                let upto = fail_at.unwrap_or(n);
                let want: Vec<(usize, u64)> = items[..upto].iter().map(|&spin| work(spin)).enumerate().collect();
                assert_eq!(seen, want, "threads {threads} round {round}");
                match fail_at {
                    Some(i) => assert_eq!(got.unwrap_err().to_string(), format!("item {i}")),
                    None => assert!(got.is_ok()),
                }
            }
        }
    }
}
