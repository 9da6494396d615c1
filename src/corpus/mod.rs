//! Corpus mode: JSONL shards cleaned in parallel, in input order, with
//! stats and a complete audit trail.
//!
//! A [`Corpus`] owns a [`Cleaner`] and the state that spans documents
//! (counts, and the corpus-wide duplicate set when enabled). Each
//! [`Corpus::run_jsonl`] call reads one shard: a reader thread cuts it into
//! batches of records, worker threads clean them, and the calling thread
//! writes the results back in input order. A bounded number of batches is
//! in flight, so memory does not grow with the shard; and because every
//! decision that depends on earlier documents is taken by the one writer,
//! in input order, the output bytes are the same for any thread count.
//!
//! ```
//! use zhclean::corpus::{Corpus, CorpusOptions};
//!
//! let cleaner = zhclean::Cleaner::new(Default::default()).unwrap();
//! let mut corpus = Corpus::new(cleaner, CorpusOptions::default());
//! let shard = "{\"id\":1,\"text\":\"當前位置 活動在 洛陽開幕。\",\"url\":\"u\"}\n";
//! let mut out = Vec::new();
//! corpus.run_jsonl("shard.jsonl", shard.as_bytes(), &mut out, None, &mut |_| {}).unwrap();
//! assert_eq!(String::from_utf8(out).unwrap(), "{\"id\":1,\"text\":\"当前位置活动在洛阳开幕。\",\"url\":\"u\"}\n");
//! assert_eq!(corpus.stats().documents, 1);
//! ```

pub mod audit;
mod collect;
pub mod compress;
mod convert;
pub mod dedup;
mod inflight;
mod json;
mod jsonl;
mod options;
pub mod report;
mod side;
mod text;

pub use jsonl::{finish_record, record_tail, RecordTail, ShardDone, JSONL_STEP};
pub use options::{CorpusOptions, CorpusStats, Progress, MAX_THREADS};
pub use text::read_head;

use crate::audit::CapHit;
use crate::error::{Error, ErrorKind};
use crate::passes::PassId;
use crate::pipeline::Cleaner;
use dedup::CorpusDedup;

/// The text field of one JSONL record, decoded by the rules corpus mode
/// applies (a JSON object, the field present once, a string, no lone
/// surrogate escapes).
///
/// ```
/// let t = zhclean::corpus::record_text(r#"{"id": 7, "text": "\u4e2d文"}"#.as_bytes(), "text").unwrap();
/// assert_eq!(t, "中文");
/// assert!(zhclean::corpus::record_text(br#"{"text": 3}"#, "text").is_err());
/// ```
///
/// # Errors
/// A [`ErrorKind::BadRecord`] saying what is wrong.
pub fn record_text(record: &[u8], field: &str) -> Result<String, Error> {
    json::locate(record, field).map(|l| l.text).map_err(|b| Error::new(ErrorKind::BadRecord, b.message))
}

/// `record` with its text field set to `text`, the rest of its bytes as
/// they were: how a corpus run writes a cleaned record (without the
/// `'\n'`). With [`record_text`], the building block for changing a
/// record's text outside a corpus run (corpus dedup in a Spark job).
///
/// ```
/// let r = r#"{"id": 7, "text": "\u4e2d文", "url": "u"}"#;
/// let out = zhclean::corpus::replace_record_text(r.as_bytes(), "text", "中文\n新").unwrap();
/// assert_eq!(String::from_utf8(out).unwrap(), r#"{"id": 7, "text": "中文\n新", "url": "u"}"#);
/// ```
///
/// # Errors
/// A [`ErrorKind::BadRecord`] saying what is wrong, as [`record_text`].
pub fn replace_record_text(record: &[u8], field: &str, text: &str) -> Result<Vec<u8>, Error> {
    let found = json::locate(record, field).map_err(|b| Error::new(ErrorKind::BadRecord, b.message))?;
    let mut out = Vec::with_capacity(record.len() + text.len());
    json::splice(record, &found.value, text, &mut out);
    Ok(out)
}

/// `bytes` with every invalid UTF-8 sequence replaced by U+FFFD, as
/// `String::from_utf8_lossy` does, and how many were replaced: what a
/// lossy run does to a JSONL record before reading it.
///
/// ```
/// let (fixed, n) = zhclean::corpus::repair_utf8(b"a\xffb\xe4\xb8".to_vec());
/// assert_eq!((String::from_utf8(fixed).unwrap().as_str(), n), ("a\u{fffd}b\u{fffd}", 2));
/// ```
pub fn repair_utf8(bytes: Vec<u8>) -> (Vec<u8>, u64) {
    if simdutf8::basic::from_utf8(&bytes).is_ok() {
        return (bytes, 0);
    }
    let bad = bytes.utf8_chunks().filter(|c| !c.invalid().is_empty()).count() as u64;
    (String::from_utf8_lossy(&bytes).into_owned().into_bytes(), bad)
}

/// Messages kept about skipped records between two
/// [`Corpus::take_skipped`] calls; more are only counted.
pub const MAX_SKIP_MESSAGES: usize = 20;

/// A corpus run; see the module docs.
pub struct Corpus {
    ctx: Ctx,
    state: State,
}

/// What the workers share (read-only).
struct Ctx {
    cleaner: Cleaner,
    /// The cleaner's passes, in order: the audit's steps.
    passes: Vec<PassId>,
    /// Their names, as the audit mapping takes them.
    pass_names: Vec<&'static str>,
    opts: CorpusOptions,
    keyer: Option<dedup::Keyer>,
}

/// What the writer owns: everything that depends on earlier documents.
struct State {
    stats: CorpusStats,
    dedup: Option<CorpusDedup>,
    /// Messages about skipped records, for the caller to show: at most
    /// [`MAX_SKIP_MESSAGES`] since the last take; the rest are counted.
    skipped: Vec<String>,
    /// Records skipped since the last take beyond those with a message.
    skipped_unlisted: u64,
    /// The first hit of each cap setting in this run, with where, for the
    /// caller to show once.
    cap_notes: Vec<String>,
    /// The JSONL record being written (see `State::write_batch`).
    encoded: Vec<u8>,
}

impl Corpus {
    /// A run over shards to come.
    pub fn new(cleaner: Cleaner, opts: CorpusOptions) -> Corpus {
        let dedup = opts.dedup.clone().map(CorpusDedup::new);
        let keyer = opts.dedup.as_ref().map(dedup::Keyer::new);
        let passes = PassId::enabled_in(cleaner.config());
        let pass_names = passes.iter().map(|p| p.name()).collect();
        Corpus {
            ctx: Ctx { cleaner, passes, pass_names, opts, keyer },
            state: State {
                stats: CorpusStats::default(),
                dedup,
                skipped: Vec::new(),
                skipped_unlisted: 0,
                cap_notes: Vec::new(),
                encoded: Vec::new(),
            },
        }
    }

    /// Counts so far.
    pub fn stats(&self) -> &CorpusStats {
        &self.state.stats
    }

    /// The corpus dedup key set, when corpus dedup is on.
    pub fn dedup_keys(&self) -> Option<&dedup::KeySet> {
        self.state.dedup.as_ref().map(|d| d.keys())
    }

    /// Messages for records skipped since the last call (with `skip_bad`):
    /// the first [`MAX_SKIP_MESSAGES`], and how many more were skipped
    /// (counted, not kept: a shard of millions of bad lines must not hold a
    /// message for each). Every skipped record is in
    /// [`CorpusStats::bad_records`].
    pub fn take_skipped(&mut self) -> (Vec<String>, u64) {
        (std::mem::take(&mut self.state.skipped), std::mem::take(&mut self.state.skipped_unlisted))
    }

    /// Messages for caps reached for the first time in this run since the
    /// last call: one per setting, naming the file (and line) of the first
    /// document that reached it, what the pass gave up and how to raise it.
    /// Every document that reaches a cap is counted in
    /// [`CorpusStats::caps`].
    pub fn take_cap_notes(&mut self) -> Vec<String> {
        std::mem::take(&mut self.state.cap_notes)
    }
}

impl State {
    /// Counts the caps a document reached; keeps a message for the first
    /// hit of each setting in the run.
    fn note_caps(&mut self, caps: &[CapHit], name: &str, line: Option<u64>) {
        let mut seen = std::collections::BTreeSet::new();
        for hit in caps {
            // A document counts once per setting (the line cap can be
            // reported by the framer and by the output stage).
            if !seen.insert(hit.setting) {
                continue;
            }
            let n = self.stats.caps.entry(hit.setting).or_insert(0);
            *n += 1;
            if *n == 1 {
                let at = line.map_or(String::new(), |l| format!(" line {l}:"));
                self.cap_notes.push(format!("{name}:{at} {}", hit.message()));
            }
        }
    }
}
