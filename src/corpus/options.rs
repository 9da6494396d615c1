//! What a corpus run is told ([`CorpusOptions`]) and what it reports
//! ([`CorpusStats`], [`Progress`]).

use std::collections::BTreeMap;

use serde::Serialize;

use super::audit::PassCounts;
use super::dedup::CorpusDedupConfig;
#[cfg(doc)]
use super::Corpus;

/// The most worker threads a run starts, whatever it is asked for: the
/// output is the same for any number, and each thread costs a stack and
/// its batches in flight.
pub const MAX_THREADS: usize = 256;

/// How a corpus run reads and reports.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorpusOptions {
    /// The JSONL field that is cleaned; every other field is written back
    /// byte for byte.
    pub field: String,
    /// Worker threads; 0 means one per available core. JSONL records are
    /// shared out among them; a plain-text file, one document, runs on two
    /// when this is 2 or more (see [`Corpus::run_text`]). Output is the
    /// same for every value.
    pub threads: usize,
    /// Skip records that are not valid JSON objects with a string field
    /// (counted in the stats and reported on the progress callback)
    /// instead of stopping with an error.
    pub skip_bad: bool,
    /// Cap on one JSONL record's size in bytes. A longer record is an
    /// error naming the cap (or skipped with `skip_bad`).
    pub max_record_bytes: usize,
    /// Collect the edits (needed for an audit file and for per-pass
    /// counts; costs some speed).
    pub collect_edits: bool,
    /// Cap on the edits of one document held for the audit file (a
    /// document's edits are mapped back to its input when it ends; a
    /// plain-text file is one document of any size). Past it the run stops
    /// with an error naming the cap. About 300 bytes an edit; default 4M.
    /// Stats alone only count, and hold nothing.
    pub max_audit_edits: usize,
    /// Corpus-wide duplicate paragraph removal.
    pub dedup: Option<CorpusDedupConfig>,
    /// A plain-text file that is only converted (the `convert` command)
    /// on two threads: the least size of the chunks converted side by
    /// side, cut at line ends. Default 1 MiB. Output is the same for every
    /// value.
    pub text_chunk_bytes: usize,
    /// A plain-text file is read this much at a time, and one no longer
    /// than that is cleaned on one thread whatever `threads` says: it
    /// would go through the threads' stages one after the other, and
    /// starting them costs more than cleaning it. Default 256 KiB. Output
    /// is the same for every value.
    pub text_block_bytes: usize,
}

impl Default for CorpusOptions {
    fn default() -> CorpusOptions {
        CorpusOptions {
            field: "text".into(),
            threads: 0,
            skip_bad: false,
            max_record_bytes: 256 << 20,
            collect_edits: false,
            max_audit_edits: 4_000_000,
            dedup: None,
            text_chunk_bytes: 1 << 20,
            text_block_bytes: 256 << 10,
        }
    }
}

impl CorpusOptions {
    /// Sets [`CorpusOptions::field`].
    pub fn field(mut self, name: &str) -> Self {
        self.field = name.to_string();
        self
    }
    /// Sets [`CorpusOptions::text_chunk_bytes`].
    pub fn text_chunk_bytes(mut self, n: usize) -> Self {
        self.text_chunk_bytes = n;
        self
    }
    /// Sets [`CorpusOptions::text_block_bytes`] (at least 1).
    pub fn text_block_bytes(mut self, n: usize) -> Self {
        self.text_block_bytes = n.max(1);
        self
    }
    /// Sets [`CorpusOptions::threads`].
    pub fn threads(mut self, n: usize) -> Self {
        self.threads = n;
        self
    }
    /// Sets [`CorpusOptions::skip_bad`].
    pub fn skip_bad(mut self, on: bool) -> Self {
        self.skip_bad = on;
        self
    }
    /// Sets [`CorpusOptions::collect_edits`].
    pub fn collect_edits(mut self, on: bool) -> Self {
        self.collect_edits = on;
        self
    }
    /// Sets [`CorpusOptions::dedup`].
    pub fn dedup(mut self, cfg: Option<CorpusDedupConfig>) -> Self {
        self.dedup = cfg;
        self
    }

    /// The worker threads a run uses: [`CorpusOptions::threads`], or the
    /// available cores when it is 0, at most [`MAX_THREADS`].
    pub fn thread_count(&self) -> usize {
        match self.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        }
        .min(MAX_THREADS)
    }
}

/// What a run did, summed over every shard so far.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CorpusStats {
    /// Records cleaned.
    pub documents: u64,
    /// Records skipped as bad (`skip_bad`).
    pub bad_records: u64,
    /// Blank lines between records (written back unchanged).
    pub blank_lines: u64,
    /// Bytes of JSONL read (after decompression).
    pub bytes_in: u64,
    /// Bytes of JSONL written (before compression).
    pub bytes_out: u64,
    /// Bytes of the text field before cleaning.
    pub text_bytes_in: u64,
    /// Bytes of the text field after cleaning.
    pub text_bytes_out: u64,
    /// Records whose text came out empty (kept, with an empty field).
    pub emptied_documents: u64,
    /// Invalid UTF-8 sequences replaced by U+FFFD in JSONL records (with
    /// [`CleanConfig::lossy`](crate::CleanConfig::lossy)).
    pub invalid_utf8_replaced: u64,
    /// Edits by pass and reason (when edits are collected; corpus dedup is
    /// always counted).
    pub passes: PassCounts,
    /// Documents that reached each cap, by setting (`dedup.max_windows`,
    /// …; see [`CapHit`](crate::CapHit)). Always counted.
    pub caps: BTreeMap<&'static str, u64>,
}

/// Progress, reported after each batch is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Records (good, bad and blank) done in this shard.
    pub records: u64,
    /// JSONL bytes done in this shard (after decompression).
    pub bytes: u64,
}
