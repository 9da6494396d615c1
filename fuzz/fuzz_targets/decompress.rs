#![no_main]
//! The gzip and zstd wrappers on any bytes: no panic, decoding stops at an
//! error or an output bound; and what the encoder writes decodes to the
//! bytes it was given. The first byte picks the format and the zstd window
//! limit.

use std::io::{Read, Write};

use libfuzzer_sys::fuzz_target;
use zhclean::corpus::compress::{decoder_with_window, encoder, Compression};

fuzz_target!(|data: &[u8]| {
    let Some((&ctl, rest)) = data.split_first() else { return };
    let format = if ctl & 1 == 0 { Compression::Gzip } else { Compression::Zstd };
    let window = 1u64 << (10 + (ctl >> 1) % 20);
    // Arbitrary bytes as a compressed stream.
    if let Ok(r) = decoder_with_window(rest, format, window) {
        let mut out = Vec::new();
        let _ = r.take(8 << 20).read_to_end(&mut out);
    }
    // Arbitrary bytes through the encoder and back.
    let mut enc = encoder(Vec::new(), format);
    enc.write_all(rest).unwrap();
    let packed = enc.finish().unwrap();
    let mut back = Vec::new();
    decoder_with_window(&packed[..], format, 128 << 20).unwrap().read_to_end(&mut back).unwrap();
    assert_eq!(back, rest);
});
