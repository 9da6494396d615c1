#![no_main]
//! One pass of the registry alone on any bytes (lossy decoding; see
//! harness.rs): the first byte picks the pass, in `PassId::ALL` order, the
//! rest is the harness's input. `script` converts with `t2s`.

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use zhclean::passes::{Compiled, PassId};
use zhclean::{CleanConfig, Stream};

#[path = "harness.rs"]
mod harness;

static PASSES: LazyLock<(CleanConfig, Compiled)> = LazyLock::new(|| {
    let cfg = CleanConfig::default();
    let compiled = Compiled::new(&cfg).unwrap();
    (cfg, compiled)
});

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let id = PassId::ALL[pick as usize % PassId::ALL.len()];
    let (cfg, compiled) = &*PASSES;
    harness::check(rest, |cap| Stream::from_passes(vec![id.build(cfg, compiled).unwrap()], cap, true), true);
});
