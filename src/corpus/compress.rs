//! gzip and zstd by file extension, in pure Rust (flate2 on miniz_oxide,
//! ruzstd): nothing needs a system library.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;

use ruzstd::decoding::errors::{FrameDecoderError, ReadFrameHeaderError};
use ruzstd::decoding::{BlockDecodingStrategy, FrameDecoder};

/// A compression format, chosen by file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// No compression.
    None,
    /// gzip (`.gz`); multi-member files are read whole.
    Gzip,
    /// Zstandard (`.zst`, `.zstd`); multi-frame files are read whole.
    Zstd,
}

impl Compression {
    /// The format a path's extension names.
    pub fn from_path(path: &Path) -> Compression {
        match path.extension().and_then(|e| e.to_str()) {
            Some("gz") => Compression::Gzip,
            Some("zst" | "zstd") => Compression::Zstd,
            _ => Compression::None,
        }
    }
}

/// Whether a path names a JSONL file (`.jsonl`, `.jsonl.gz`, `.jsonl.zst`,
/// `.ndjson` and so on).
pub fn is_jsonl_path(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let stem = match Compression::from_path(path) {
        Compression::None => name,
        _ => name.rsplit_once('.').map_or(name, |(s, _)| s),
    };
    stem.ends_with(".jsonl") || stem.ends_with(".ndjson")
}

/// Wraps `inner` in the decoder `c` calls for.
///
/// # Errors
/// A zstd stream whose first frame header is invalid.
pub fn decoder<'a, R: Read + Send + 'a>(inner: R, c: Compression) -> io::Result<Box<dyn BufRead + Send + 'a>> {
    const BUF: usize = 256 * 1024;
    Ok(match c {
        Compression::None => Box::new(BufReader::with_capacity(BUF, inner)),
        Compression::Gzip => {
            Box::new(BufReader::with_capacity(BUF, flate2::read::MultiGzDecoder::new(BufReader::new(inner))))
        }
        Compression::Zstd => Box::new(BufReader::with_capacity(BUF, ZstdReader::new(inner))),
    })
}

/// Opens a file for reading through the decoder its extension names.
///
/// # Errors
/// The file cannot be opened.
pub fn open(path: &Path) -> io::Result<Box<dyn BufRead + Send>> {
    decoder(File::open(path)?, Compression::from_path(path))
}

/// Wraps `inner` in the encoder `c` calls for. Call
/// [`Encoder::finish`] at the end: it writes the trailer.
pub fn encoder<W: Write>(inner: W, c: Compression) -> Encoder<W> {
    match c {
        Compression::None => Encoder::Plain(inner),
        Compression::Gzip => Encoder::Gzip(flate2::write::GzEncoder::new(inner, flate2::Compression::fast())),
        Compression::Zstd => Encoder::Zstd { inner, buf: Vec::with_capacity(ZSTD_FRAME) },
    }
}

/// Uncompressed bytes per zstd frame. ruzstd compresses whole buffers, so
/// the output is a series of independent frames, which every zstd decoder
/// reads as one stream.
const ZSTD_FRAME: usize = 4 << 20;

/// An output compressor; see [`encoder`].
pub enum Encoder<W: Write> {
    /// Pass-through.
    Plain(W),
    /// gzip.
    Gzip(flate2::write::GzEncoder<W>),
    /// zstd, one frame per 4 MiB of input.
    Zstd {
        /// The file.
        inner: W,
        /// Uncompressed bytes of the next frame.
        buf: Vec<u8>,
    },
}

impl<W: Write> Encoder<W> {
    /// Writes what is buffered and the format's trailer; returns the inner
    /// writer.
    ///
    /// # Errors
    /// Writing failed.
    pub fn finish(mut self) -> io::Result<W> {
        self.flush_frame()?;
        match self {
            Encoder::Plain(w) => Ok(w),
            Encoder::Gzip(g) => g.finish(),
            Encoder::Zstd { inner, .. } => Ok(inner),
        }
    }

    fn flush_frame(&mut self) -> io::Result<()> {
        if let Encoder::Zstd { inner, buf } = self {
            if !buf.is_empty() {
                let frame = ruzstd::encoding::compress_to_vec(&buf[..], ruzstd::encoding::CompressionLevel::Fastest);
                inner.write_all(&frame)?;
                buf.clear();
            }
        }
        Ok(())
    }
}

impl<W: Write> Write for Encoder<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        match self {
            Encoder::Plain(w) => w.write(data),
            Encoder::Gzip(g) => g.write(data),
            Encoder::Zstd { buf, .. } => {
                buf.extend_from_slice(data);
                if buf.len() >= ZSTD_FRAME {
                    self.flush_frame()?;
                }
                Ok(data.len())
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Encoder::Plain(w) => w.flush(),
            Encoder::Gzip(g) => g.flush(),
            Encoder::Zstd { inner, .. } => inner.flush(),
        }
    }
}

/// Reads every frame of a zstd stream (ruzstd's `StreamingDecoder` reads
/// one), skipping skippable frames.
struct ZstdReader<R: Read> {
    source: BufReader<R>,
    decoder: FrameDecoder,
    /// A frame is being decoded.
    in_frame: bool,
}

impl<R: Read> ZstdReader<R> {
    fn new(inner: R) -> Self {
        ZstdReader { source: BufReader::new(inner), decoder: FrameDecoder::new(), in_frame: false }
    }

    /// Starts the next frame; false at the end of the stream.
    fn next_frame(&mut self) -> io::Result<bool> {
        loop {
            if self.source.fill_buf()?.is_empty() {
                return Ok(false);
            }
            match self.decoder.reset(&mut self.source) {
                Ok(()) => return Ok(true),
                Err(FrameDecoderError::ReadFrameHeaderError(ReadFrameHeaderError::SkipFrame { length, .. })) => {
                    io::copy(&mut (&mut self.source).take(u64::from(length)), &mut io::sink())?;
                }
                Err(e) => return Err(io::Error::new(io::ErrorKind::InvalidData, format!("zstd: {e}"))),
            }
        }
    }
}

impl<R: Read> Read for ZstdReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.in_frame {
                if self.decoder.can_collect() > 0 {
                    return self.decoder.read(buf);
                }
                if self.decoder.is_finished() {
                    self.in_frame = false;
                    continue;
                }
                self.decoder
                    .decode_blocks(&mut self.source, BlockDecodingStrategy::UptoBlocks(1))
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("zstd: {e}")))?;
            } else if self.next_frame()? {
                self.in_frame = true;
            } else {
                return Ok(0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(c: Compression, data: &[u8]) -> Vec<u8> {
        let mut enc = encoder(Vec::new(), c);
        // Small writes, to cross frame and buffer boundaries.
        for chunk in data.chunks(1000) {
            enc.write_all(chunk).unwrap();
        }
        let packed = enc.finish().unwrap();
        let mut out = Vec::new();
        decoder(&packed[..], c).unwrap().read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn every_format_round_trips_across_frames() {
        let data: Vec<u8> = "新华社北京3月30日电 {\"text\":\"x\"}\n".repeat(300_000).into_bytes();
        assert!(data.len() > 2 * ZSTD_FRAME);
        for c in [Compression::None, Compression::Gzip, Compression::Zstd] {
            assert_eq!(round_trip(c, &data), data, "{c:?}");
        }
        assert_eq!(round_trip(Compression::Zstd, b""), b"");
    }

    #[test]
    fn formats_follow_the_extension() {
        assert_eq!(Compression::from_path(Path::new("a.jsonl.gz")), Compression::Gzip);
        assert_eq!(Compression::from_path(Path::new("a.jsonl.zst")), Compression::Zstd);
        assert_eq!(Compression::from_path(Path::new("a.txt")), Compression::None);
        assert!(is_jsonl_path(Path::new("dir/shard-001.jsonl.zst")));
        assert!(is_jsonl_path(Path::new("x.ndjson")));
        assert!(!is_jsonl_path(Path::new("x.txt.gz")));
    }

    #[test]
    fn corrupt_zstd_is_an_error_not_a_panic() {
        let mut out = Vec::new();
        let r = decoder(&b"\x28\xb5\x2f\xfd garbage"[..], Compression::Zstd).unwrap().read_to_end(&mut out);
        assert!(r.is_err());
    }
}
