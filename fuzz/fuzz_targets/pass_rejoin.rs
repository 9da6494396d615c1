#![no_main]
//! The `rejoin` pass alone on any bytes (lossy decoding; see harness.rs).

use libfuzzer_sys::fuzz_target;
use zhclean::Stream;

#[path = "harness.rs"]
mod harness;

#[allow(dead_code)]
static OPENCC: std::sync::LazyLock<zhclean::Opencc> = std::sync::LazyLock::new(|| zhclean::Opencc::new("t2s").unwrap());

fuzz_target!(|data: &[u8]| {
    harness::check(data, |cap| Stream::from_passes(vec![Box::new(zhclean::passes::rejoin::RejoinPass::new(Default::default()))], cap, true), true);
});
