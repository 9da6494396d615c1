//! gzip and zstd by file extension, in pure Rust (flate2 on miniz_oxide,
//! ruzstd): nothing needs a system library.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;

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

/// The largest zstd window a frame may declare by default: 128 MiB, what
/// `zstd -d` accepts without `--long`. A decoder holds up to a window of
/// output, so a frame declaring 4 GiB (a 45 KB file can) would take that
/// much memory.
pub const DEFAULT_MAX_ZSTD_WINDOW: u64 = 128 << 20;

/// Wraps `inner` in the decoder `c` calls for, zstd windows limited to
/// [`DEFAULT_MAX_ZSTD_WINDOW`].
///
/// # Errors
/// None today; the signature leaves room for a decoder that checks a
/// header up front.
pub fn decoder<'a, R: Read + Send + 'a>(inner: R, c: Compression) -> io::Result<Box<dyn BufRead + Send + 'a>> {
    decoder_with_window(inner, c, DEFAULT_MAX_ZSTD_WINDOW)
}

/// [`decoder`] with another limit on the zstd window a frame may declare
/// (a frame over it is an error naming `--max-zstd-window`).
///
/// # Errors
/// As [`decoder`].
pub fn decoder_with_window<'a, R: Read + Send + 'a>(
    inner: R,
    c: Compression,
    max_window: u64,
) -> io::Result<Box<dyn BufRead + Send + 'a>> {
    const BUF: usize = 256 * 1024;
    Ok(match c {
        Compression::None => Box::new(BufReader::with_capacity(BUF, inner)),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            BUF,
            GzipReader { inner: flate2::read::MultiGzDecoder::new(BufReader::new(inner)) },
        )),
        Compression::Zstd => Box::new(BufReader::with_capacity(BUF, ZstdReader::new(inner, max_window))),
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

/// flate2's multi-member gzip decoder, with errors that say what is wrong
/// with the file ("unexpected end of file" was all it said of data after
/// the last member).
struct GzipReader<R: Read> {
    inner: R,
}

impl<R: Read> Read for GzipReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            invalid(format!("gzip: {e}: the file is truncated, corrupt, or has data after its last member"))
        })
    }
}

/// Reads every frame of a zstd stream (ruzstd's `StreamingDecoder` reads
/// one), skipping skippable frames. Each frame's header is read here first:
/// its window is checked against the limit before ruzstd sizes a buffer for
/// it, and its checksum flag is kept, so that a frame's content checksum is
/// verified when the frame ends (ruzstd reads it but does not compare).
struct ZstdReader<R: Read> {
    source: BufReader<R>,
    decoder: FrameDecoder,
    /// A frame is being decoded; whether it carries a content checksum.
    in_frame: Option<bool>,
    /// Frames started so far (for messages).
    frames: u64,
    max_window: u64,
}

/// The magic number opening a zstd frame.
const ZSTD_MAGIC: u32 = 0xFD2F_B528;

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

impl<R: Read> ZstdReader<R> {
    fn new(inner: R, max_window: u64) -> Self {
        ZstdReader {
            source: BufReader::new(inner),
            decoder: FrameDecoder::new(),
            in_frame: None,
            frames: 0,
            max_window,
        }
    }

    /// Starts the next frame; false at the end of the stream.
    fn next_frame(&mut self) -> io::Result<bool> {
        loop {
            if self.source.fill_buf()?.is_empty() {
                return Ok(false);
            }
            let frame = self.frames + 1;
            let mut magic = [0u8; 4];
            self.source.read_exact(&mut magic).map_err(|_| invalid(format!("zstd: frame {frame}: truncated")))?;
            match u32::from_le_bytes(magic) {
                ZSTD_MAGIC => {}
                0x184D_2A50..=0x184D_2A5F => {
                    let mut len = [0u8; 4];
                    self.source.read_exact(&mut len)?;
                    let length = u64::from(u32::from_le_bytes(len));
                    let skipped = io::copy(&mut (&mut self.source).take(length), &mut io::sink())?;
                    if skipped < length {
                        return Err(invalid(format!("zstd: skippable frame after frame {}: truncated", self.frames)));
                    }
                    continue;
                }
                _ if frame == 1 => {
                    return Err(invalid("zstd: not a zstd file (no zstd magic number at its start)".into()))
                }
                _ => return Err(invalid(format!("zstd: data after frame {} is not a zstd frame", self.frames))),
            }
            self.frames = frame;
            // The rest of the header: its descriptor says how long it is.
            let mut header = magic.to_vec();
            let mut d = [0u8; 1];
            self.source.read_exact(&mut d).map_err(|_| invalid(format!("zstd: frame {frame}: truncated header")))?;
            let d = d[0];
            let single_segment = d & 0x20 != 0;
            let checksum = d & 0x04 != 0;
            let fcs_len = match d >> 6 {
                0 => usize::from(single_segment),
                1 => 2,
                2 => 4,
                _ => 8,
            };
            let dict_len = [0, 1, 2, 4][usize::from(d & 3)];
            let rest_len = usize::from(!single_segment) + dict_len + fcs_len;
            let mut rest = vec![0u8; rest_len];
            self.source.read_exact(&mut rest).map_err(|_| invalid(format!("zstd: frame {frame}: truncated header")))?;
            let window = if single_segment {
                let fcs = &rest[dict_len..];
                let mut v = [0u8; 8];
                v[..fcs.len()].copy_from_slice(fcs);
                u64::from_le_bytes(v) + if fcs.len() == 2 { 256 } else { 0 }
            } else {
                let wd = rest[0];
                let base = 1u64 << (10 + (wd >> 3));
                base + (base / 8) * u64::from(wd & 7)
            };
            if window > self.max_window {
                return Err(invalid(format!(
                    "zstd: frame {frame} declares a window of {} MiB, more than the limit of {} MiB; \
                     raise it with --max-zstd-window if the file is trusted",
                    window >> 20,
                    self.max_window >> 20
                )));
            }
            header.push(d);
            header.extend_from_slice(&rest);
            // A fresh decoder per frame: ruzstd refuses windows over 100 MiB
            // when reusing one, whatever the frame is allowed.
            self.decoder = FrameDecoder::new();
            self.decoder
                .reset(io::Cursor::new(header))
                .map_err(|e| invalid(format!("zstd: frame {frame}: bad header: {e}")))?;
            self.in_frame = Some(checksum);
            return Ok(true);
        }
    }

    /// At the end of a frame whose content is all read: its checksum.
    fn check_frame(&self, checksum: bool) -> io::Result<()> {
        if !checksum {
            return Ok(());
        }
        let (stored, computed) = (self.decoder.get_checksum_from_data(), self.decoder.get_calculated_checksum());
        match (stored, computed) {
            (Some(a), Some(b)) if a == b => Ok(()),
            _ => Err(invalid(format!("zstd: frame {}: content checksum mismatch: the file is corrupt", self.frames))),
        }
    }
}

impl<R: Read> Read for ZstdReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if let Some(checksum) = self.in_frame {
                if self.decoder.can_collect() > 0 {
                    return self.decoder.read(buf);
                }
                if self.decoder.is_finished() {
                    self.check_frame(checksum)?;
                    self.in_frame = None;
                    continue;
                }
                let frame = self.frames;
                self.decoder
                    .decode_blocks(&mut self.source, BlockDecodingStrategy::UptoBlocks(1))
                    .map_err(|e| invalid(format!("zstd: frame {frame}: corrupt data ({e})")))?;
            } else if self.next_frame()? {
                continue;
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

    /// Bytes no compressor shrinks, so the frame's blocks are stored raw.
    fn noise(n: usize) -> Vec<u8> {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    fn unzstd(data: &[u8], max_window: u64) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        decoder_with_window(data, Compression::Zstd, max_window)?.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn a_flipped_bit_fails_the_content_checksum() {
        let data = noise(50_000);
        let mut enc = encoder(Vec::new(), Compression::Zstd);
        enc.write_all(&data).unwrap();
        let mut packed = enc.finish().unwrap();
        assert_eq!(packed[4] & 0x04, 0x04, "the encoder writes a content checksum");
        assert_eq!(unzstd(&packed, DEFAULT_MAX_ZSTD_WINDOW).unwrap(), data);
        let mid = packed.len() / 2;
        packed[mid] ^= 0x10;
        let e = unzstd(&packed, DEFAULT_MAX_ZSTD_WINDOW).unwrap_err();
        assert!(e.to_string().contains("checksum mismatch"), "{e}");
    }

    /// A frame declaring a window of 2^`log` bytes, holding `content` in
    /// one raw block.
    fn frame_with_window(log: u8, content: &[u8]) -> Vec<u8> {
        let mut f = ZSTD_MAGIC.to_le_bytes().to_vec();
        f.push(0x00); // no single segment, no checksum, no dictionary
        f.push((log - 10) << 3);
        let header = ((content.len() as u32) << 3) | 1; // raw, last block
        f.extend_from_slice(&header.to_le_bytes()[..3]);
        f.extend_from_slice(content);
        f
    }

    #[test]
    fn a_window_over_the_limit_is_refused_in_any_frame() {
        // 4 GiB declared by the first frame (the bomb: it was read, growing
        // to the data's size) and by a second one.
        let bomb = frame_with_window(32, b"x");
        let e = unzstd(&bomb, DEFAULT_MAX_ZSTD_WINDOW).unwrap_err();
        assert!(e.to_string().contains("--max-zstd-window") && e.to_string().contains("frame 1"), "{e}");
        let second = [frame_with_window(20, b"ok"), bomb].concat();
        let e = unzstd(&second, DEFAULT_MAX_ZSTD_WINDOW).unwrap_err();
        assert!(e.to_string().contains("frame 2"), "{e}");
        // 128 MiB windows in two frames are within the default (ruzstd
        // alone refused the second for being over 100 MiB).
        let two = [frame_with_window(27, b"one "), frame_with_window(27, b"two")].concat();
        assert_eq!(unzstd(&two, DEFAULT_MAX_ZSTD_WINDOW).unwrap(), b"one two");
        assert!(unzstd(&two, 1 << 26).is_err(), "a lower limit refuses them");
    }

    #[test]
    fn gzip_errors_say_what_may_be_wrong() {
        let mut enc = encoder(Vec::new(), Compression::Gzip);
        enc.write_all(b"hello").unwrap();
        let packed = enc.finish().unwrap();
        let trailing = [&packed[..], b"GARBAGE!"].concat();
        let truncated = &packed[..packed.len() - 4];
        for bad in [&trailing[..], truncated] {
            let mut out = Vec::new();
            let e = decoder(bad, Compression::Gzip).unwrap().read_to_end(&mut out).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidData);
            assert!(e.to_string().contains("truncated, corrupt, or has data after its last member"), "{e}");
        }
    }

    #[test]
    fn not_zstd_says_so_in_words() {
        let e = unzstd(b"BIG5 is not zstd", DEFAULT_MAX_ZSTD_WINDOW).unwrap_err();
        assert!(e.to_string().contains("not a zstd file"), "{e}");
    }

    #[test]
    fn corrupt_zstd_is_an_error_not_a_panic() {
        let mut out = Vec::new();
        let r = decoder(&b"\x28\xb5\x2f\xfd garbage"[..], Compression::Zstd).unwrap().read_to_end(&mut out);
        assert!(r.is_err());
    }
}
