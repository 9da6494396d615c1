//! Inputs held whole (page files, small shards) cleaned side by side on
//! the run's threads, an input a thread, and written in input order: a
//! directory of thousands of small files is work the threads of one
//! input's run cannot share out (see [`Corpus::run_texts`](super::Corpus::run_texts),
//! [`Corpus::run_shards`](super::Corpus::run_shards)).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex};

use crate::error::Error;

/// Cleans `items` with `clean` on up to `threads` threads (each takes the
/// next item when it is done with one) and hands each result to `write`
/// in the items' order, with the item's place. Stops at the first error
/// `write` returns, and returns it: the items before it were written, none
/// after; the threads stop at their next item.
pub(super) fn in_order<I: Send, T: Send>(
    threads: usize,
    items: Vec<I>,
    clean: impl Fn(I) -> T + Sync,
    mut write: impl FnMut(usize, T) -> Result<(), Error>,
) -> Result<(), Error> {
    let threads = threads.min(items.len());
    if threads <= 1 {
        return items.into_iter().enumerate().try_for_each(|(i, item)| write(i, clean(item)));
    }
    let queue = Mutex::new(items.into_iter().enumerate());
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<(usize, T)>();
    std::thread::scope(|scope| -> Result<(), Error> {
        for _ in 0..threads {
            let (queue, stop, tx, clean) = (&queue, &stop, tx.clone(), &clean);
            scope.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let next = queue.lock().map(|mut q| q.next());
                    let Ok(Some((i, item))) = next else { break };
                    if tx.send((i, clean(item))).is_err() {
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
            for (i, cleaned) in &rx {
                waiting.insert(i, cleaned);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn results_are_written_in_order_up_to_the_first_error() {
        let mut rng = crate::testing::Lcg::new(11);
        for threads in 1..=4 {
            for round in 0..20 {
                let n = rng.below(40);
                // Items that take longer or shorter, so that results come
                // out of order on many threads.
                let items: Vec<usize> = (0..n).map(|_| rng.below(3000)).collect();
                let fail_at = if round % 3 == 0 && n > 0 { Some(rng.below(n)) } else { None };
                let mut seen = Vec::new();
                let got = in_order(
                    threads,
                    items.clone(),
                    |spin| (0..spin).fold(spin as u64, |a, b| a.wrapping_mul(31).wrapping_add(b as u64)),
                    |i, v| {
                        if Some(i) == fail_at {
                            return Err(Error::new(ErrorKind::BadRecord, format!("item {i}")));
                        }
                        seen.push((i, v));
                        Ok(())
                    },
                );
                let upto = fail_at.unwrap_or(n);
                let want: Vec<(usize, u64)> = items[..upto]
                    .iter()
                    .enumerate()
                    .map(|(i, &spin)| {
                        (i, (0..spin).fold(spin as u64, |a, b| a.wrapping_mul(31).wrapping_add(b as u64)))
                    })
                    .collect();
                assert_eq!(seen, want, "threads {threads} round {round}");
                match fail_at {
                    Some(i) => assert_eq!(got.unwrap_err().to_string(), format!("item {i}")),
                    None => assert!(got.is_ok()),
                }
            }
        }
    }
}
