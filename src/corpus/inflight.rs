//! The bound on what a JSONL run has in flight: batches and their bytes.

use std::sync::{Condvar, Mutex};

/// Records' bytes in flight at most in a JSONL run on many threads (read,
/// queued, being cleaned or waiting to be written in order). Memory is
/// about this times the cost of cleaning a record (its text, the cleaned
/// text, its JSON), or one record when a record is larger.
pub(super) const IN_FLIGHT_BYTES: usize = 64 << 20;

/// What a JSONL run has in flight: batches and their bytes, both bounded.
/// The reader acquires room for each batch it read; the writer releases it
/// once the batch is written. One batch always fits when nothing else is in
/// flight, so a batch larger than the byte bound still goes.
pub(super) struct InFlight {
    /// (batches, bytes) in flight, and whether the run is over.
    state: Mutex<(usize, usize, bool)>,
    room: Condvar,
    max_batches: usize,
    max_bytes: usize,
}

impl InFlight {
    pub(super) fn new(max_batches: usize, max_bytes: usize) -> InFlight {
        InFlight { state: Mutex::new((0, 0, false)), room: Condvar::new(), max_batches, max_bytes }
    }

    /// Waits for room for a batch of `bytes`; false when the run is over.
    pub(super) fn acquire(&self, bytes: usize) -> bool {
        let Ok(mut st) = self.state.lock() else { return false };
        loop {
            let (batches, held, closed) = *st;
            if closed {
                return false;
            }
            if batches == 0 || (batches < self.max_batches && held + bytes <= self.max_bytes) {
                *st = (batches + 1, held + bytes, false);
                return true;
            }
            st = match self.room.wait(st) {
                Ok(st) => st,
                Err(_) => return false,
            };
        }
    }

    /// A batch of `bytes` is written.
    pub(super) fn release(&self, bytes: usize) {
        if let Ok(mut st) = self.state.lock() {
            st.0 -= 1;
            st.1 -= bytes;
        }
        self.room.notify_all();
    }

    /// The run is over: a waiting reader gives up.
    pub(super) fn close(&self) {
        if let Ok(mut st) = self.state.lock() {
            st.2 = true;
        }
        self.room.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_flight_bytes_are_bounded_but_one_batch_always_goes() {
        let b = InFlight::new(4, 100);
        assert!(b.acquire(500), "a batch larger than the bound goes when nothing else is in flight");
        let b = std::sync::Arc::new(b);
        let waiter = {
            let b = std::sync::Arc::clone(&b);
            std::thread::spawn(move || b.acquire(1))
        };
        // The waiter can only get room once the big batch is written.
        b.release(500);
        assert!(waiter.join().unwrap());
        assert!(
            b.acquire(99)
                && !{
                    // Full by bytes now (1 + 99): a third batch waits, and closing
                    // the run wakes it with a refusal.
                    let b2 = std::sync::Arc::clone(&b);
                    let t = std::thread::spawn(move || b2.acquire(1));
                    b.close();
                    t.join().unwrap()
                }
        );
        let counted = InFlight::new(2, usize::MAX);
        assert!(counted.acquire(1) && counted.acquire(1));
        counted.close();
        assert!(!counted.acquire(1), "the batch bound holds too");
    }
}
