//! zhclean repairs Chinese text that comes out of newspaper and magazine
//! OCR and out of web crawls, so it can go into corpora.
//!
//! # Overview
//!
//! * [`CleanConfig`]: plain data saying which passes run and how, with
//!   presets (`default`, `ocr-news`, `web`, `minimal`).
//! * [`Cleaner`]: the compiled pipeline, built once, cheap to clone and
//!   share across threads.
//! * [`Stream`]: one document's state. Push bytes in any chunking, then
//!   [`Stream::finish`].
//! * [`Pass`]: the small trait every cleaning step implements; the passes
//!   themselves, and [`passes::PassId`], the registry that orders them, are
//!   in [`passes`].
//! * [`Audit`]: receives an [`Edit`] for every change, with its reason;
//!   [`audit`] also undoes a trail of edits and maps it back to the input.
//!
//! ```
//! use zhclean::Cleaner;
//!
//! let cleaner = Cleaner::builder().preset("ocr-news")?.build()?;
//! let page = "强化人才驱动 增强发展动能\n\n\"洛阳探索实施'百名科技人才入企 计划',做法值 得肯定。\"\n";
//! assert_eq!(
//!     cleaner.clean(page),
//!     "强化人才驱动 增强发展动能\n“洛阳探索实施‘百名科技人才入企计划’，做法值得肯定。”\n"
//! );
//! # Ok::<(), zhclean::Error>(())
//! ```
//!
//! # Streaming contract
//!
//! * Input is bytes; it is decoded as UTF-8. A character split across two
//!   pushes is carried (at most 3 bytes). Invalid UTF-8 is an error naming
//!   its byte offset and line, or, with [`CleanConfig::lossy`], a U+FFFD
//!   that is counted.
//! * Pushes may be of any size, including empty and one byte at a time.
//!   **The output is byte-identical for every chunking**; the tests check
//!   this for every pass ([`testing::ChunkTester`]).
//! * Passes see complete lines only (see [`pass`]). A line longer than
//!   [`CleanConfig::max_line_bytes`] is cut at a safe point chosen from its
//!   content alone, so memory stays bounded by that cap plus what each pass
//!   documents that it holds, whatever the input size.
//! * [`Cleaner::clean`] and [`Cleaner::clean_reader`] run the same code as
//!   a [`Stream`]: the whole text is one push.
//! * After `finish` the stream is ready for the next document.
//!
//! # Pass order
//!
//! `unicode` → `pinyin` → `script` → `chrome` → `caption` → `unwrap` → `rejoin` →
//! `dedup` → `punct` → `paragraphs` (output), as [`passes::PassId::ALL`]
//! lists them; a preset or config leaves some out.
//!
//! # Features
//!
//! * `cli` (default): the `zhclean` binary and its dependencies; turns on
//!   the two below. Library users can set `default-features = false`.
//! * `corpus`: [`corpus`] mode (JSONL shards on many threads, gzip and
//!   zstd, corpus-wide duplicate paragraphs, stats and audit files).
//! * `config-file`: [`CleanConfig`] from and to TOML.

#![deny(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

pub mod audit;
mod config;
#[cfg(feature = "corpus")]
pub mod corpus;
pub mod dict;
mod error;
mod han;
mod layout;
pub mod lines;
pub mod pass;
pub mod passes;
mod pipeline;
pub mod stream;
pub mod testing;
mod text;

pub use audit::{Audit, CapHit, Edit, EditLog, NoAudit, OwnedEdit};
pub use config::{CleanConfig, OutputMode, MIN_LINE_BYTES, PRESETS};
pub use dict::opencc::{Opencc, OpenccStream, CONFIG_NAMES};
pub use error::{Error, ErrorKind, Location};
pub use pass::{Out, Pass};
pub use passes::caption::CaptionConfig;
pub use passes::chrome::ChromeConfig;
pub use passes::dedup::DedupConfig;
pub use passes::pinyin::PinyinConfig;
pub use passes::punct::PunctConfig;
pub use passes::rejoin::RejoinConfig;
pub use passes::script::ScriptConfig;
pub use passes::unicode::UnicodeConfig;
pub use passes::unwrap::UnwrapConfig;
pub use pipeline::{Cleaner, CleanerBuilder, Stream, Summary};

/// The README's examples run as doctests (they use corpus mode, so with
/// the default features).
#[cfg(all(doctest, feature = "corpus"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
