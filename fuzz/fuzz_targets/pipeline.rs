#![no_main]
//! The default pipeline on any bytes, strict and lossy, with small line
//! caps too (see harness.rs for the checks).

use std::cell::RefCell;
use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use zhclean::Cleaner;

#[path = "harness.rs"]
mod harness;

thread_local! {
    static CLEANERS: RefCell<HashMap<(bool, usize), Cleaner>> = RefCell::new(HashMap::new());
}

fuzz_target!(|data: &[u8]| {
    let lossy = data.first().is_some_and(|b| b & 0x40 != 0);
    harness::check(
        data,
        |cap| {
            CLEANERS.with(|c| {
                c.borrow_mut()
                    .entry((lossy, cap))
                    .or_insert_with(|| Cleaner::builder().lossy(lossy).max_line_bytes(cap).build().unwrap())
                    .stream()
            })
        },
        false,
    );
});
