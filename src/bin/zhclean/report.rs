//! `zhclean report`: cleans the inputs as a run with the same settings
//! would, and writes one self-contained HTML page for reviewing what the
//! cleaning did (`zhclean::corpus::report`).

use std::collections::HashMap;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use zhclean::audit::MappedEdit;
use zhclean::corpus::compress;
use zhclean::corpus::report::{Document, EditCounter, Measure, Report, ReportOptions, Tally};
use zhclean::{Cleaner, EditLog, OwnedEdit};

use crate::args::{Args, ReportFlags};
use crate::staged::{check_outputs, write_err, Staged};
use crate::{describe, is_jsonl, read_document, repair, report_replaced, Failure};

/// The options of this command line that `explain` needs to reproduce a
/// document (the preset, config, conversion and input settings), as given.
fn explain_command() -> String {
    const WITH_VALUE: [&str; 8] =
        ["-p", "--preset", "--config", "-c", "--to", "--field", "--max-line-bytes", "--max-zstd-window"];
    const FLAGS: [&str; 3] = ["--jsonl", "--lossy", "--no-tofu-risk"];
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut cmd = String::from("zhclean explain");
    let mut i = 0;
    while i < argv.len() {
        let a = &argv[i];
        let name = a.split_once('=').map_or(a.as_str(), |(n, _)| n);
        if WITH_VALUE.contains(&name) {
            cmd.push(' ');
            cmd.push_str(a);
            if !a.contains('=') && i + 1 < argv.len() {
                cmd.push(' ');
                cmd.push_str(&argv[i + 1]);
                i += 1;
            }
        } else if FLAGS.contains(&name) {
            cmd.push(' ');
            cmd.push_str(a);
        }
        i += 1;
    }
    cmd
}

/// `zhclean report`.
pub(crate) fn report(args: &Args, flags: &ReportFlags) -> Result<(), Failure> {
    let mut reads: Vec<PathBuf> = args.files.clone();
    reads.extend(flags.from_audit.iter().chain(&flags.from_stats).cloned());
    check_outputs(&reads, args.output.as_deref(), &[], args.force)?;
    let cleaner = Cleaner::new(args.config.clone()).map_err(|e| Failure::Usage(e.to_string()))?;
    let mut opts = ReportOptions::default();
    opts.sample = flags.sample;
    opts.seed = flags.seed;
    opts.most_edited = flags.most_edited;
    opts.cap_documents = flags.cap_documents;
    opts.explain_command = explain_command();
    let staged = args.output.as_deref().map(Staged::create).transpose()?;
    let mut report = match &flags.from_audit {
        Some(audit) => from_audit(args, &cleaner, opts, audit, flags.from_stats.as_deref())?,
        None => by_cleaning(args, &cleaner, opts)?,
    };
    write_page(args, staged, &mut report)
}

/// Every input document, read in order: JSONL records undecoded (the
/// workers decode them), plain files whole.
fn read_inputs(args: &Args, mut each: impl FnMut(Pending, usize) -> Result<(), Failure>) -> Result<(), Failure> {
    for path in &args.files {
        let name: Arc<str> = path.display().to_string().into();
        let read_err = |e: io::Error| Failure::Io(format!("{name}: cannot read: {e}"));
        let file = std::fs::File::open(path).map_err(read_err)?;
        let mut reader =
            compress::decoder_with_window(file, compress::Compression::from_path(path), args.max_zstd_window)
                .map_err(read_err)?;
        if is_jsonl(args, path) {
            let mut n = 0u64;
            loop {
                let mut rec = Vec::new();
                if reader.read_until(b'\n', &mut rec).map_err(read_err)? == 0 {
                    break;
                }
                n += 1;
                let len = rec.len();
                each(Pending::Record(name.clone(), n, rec), len)?;
            }
        } else {
            let input = read_document(&name, &mut reader, args.config.lossy)?;
            let len = input.len();
            each(Pending::Text(name.clone(), input), len)?;
        }
    }
    Ok(())
}

/// Cleans the inputs, counting every document and keeping the trail of
/// the ones the page shows.
fn by_cleaning(args: &Args, cleaner: &Cleaner, opts: ReportOptions) -> Result<Report, Failure> {
    let threads = args.corpus.thread_count();
    let mut streams: Vec<zhclean::Stream> = (0..threads).map(|_| cleaner.stream()).collect();
    // The few documents the page shows are cleaned again with their whole
    // trail; the others are only counted.
    let mut again = cleaner.stream();
    let names = again.pass_names();
    let mut report = Report::new(opts, &names);
    // Records are read here and decoded, cleaned and measured a batch at a
    // time on the worker threads, and added to the report in corpus order:
    // the same page for any thread count.
    let (field, lossy, skip_bad) = (args.corpus.field.as_str(), args.config.lossy, args.corpus.skip_bad);
    let mut batch: Vec<Pending> = Vec::new();
    let mut batch_bytes = 0usize;
    let mut skipped = 0u64;
    let mut flush = |batch: &mut Vec<Pending>, report: &mut Report, skipped: &mut u64| -> Result<(), Failure> {
        // The threads take the batch's documents one at a time (their
        // costs differ tenfold between a web page and an OCR page), and
        // the results are put back in corpus order.
        let slots: Vec<std::sync::Mutex<Option<Pending>>> =
            batch.drain(..).map(|p| std::sync::Mutex::new(Some(p))).collect();
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut results: Vec<(usize, Result<Outcome, Failure>)> = std::thread::scope(|scope| {
            let handles: Vec<_> = streams
                .iter_mut()
                .map(|stream| {
                    let (slots, next) = (&slots, &next);
                    scope.spawn(move || {
                        let mut done = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(slot) = slots.get(i) else { break };
                            let p = slot.lock().expect("a slot is taken once").take().expect("each slot once");
                            done.push((i, decode(p, field, lossy, skip_bad).and_then(|d| count_one(stream, d))));
                        }
                        done
                    })
                })
                .collect();
            handles.into_iter().flat_map(|h| h.join().expect("a cleaning thread panicked")).collect()
        });
        results.sort_by_key(|r| r.0);
        for (_, outcome) in results {
            let outcome = outcome?;
            let Counted { file, line, input, output, counter: c, measures } = match outcome {
                Outcome::Counted(counted) => *counted,
                Outcome::Blank => continue,
                Outcome::Skipped => {
                    *skipped += 1;
                    continue;
                }
            };
            let counts = c.counts();
            let tally = Tally {
                file: &file,
                line,
                input: measures.0,
                output: measures.1,
                counts: &counts,
                edits: c.edits,
                caps: &c.caps,
            };
            let Some(ticket) = report.tally(&tally) else { continue };
            let (mut out, mut log) = (String::new(), EditLog::default());
            again.push_audited(input.as_bytes(), &mut out, &mut log).map_err(describe)?;
            again.finish_audited(&mut out, &mut log).map_err(describe)?;
            let edits = if line.is_some() {
                zhclean::corpus::finish_record(&input, &mut out, log.edits, &names, true)
            } else {
                zhclean::audit::map_to_input(&names, log.edits)
            };
            debug_assert_eq!(out, output, "a second cleaning of one input gives the same output");
            report.keep(ticket, Document { file, line, input, output, edits, caps: c.caps });
        }
        Ok(())
    };
    const BATCH_BYTES: usize = 4 << 20;
    read_inputs(args, |p, len| {
        batch.push(p);
        batch_bytes += len;
        if batch_bytes >= BATCH_BYTES {
            flush(&mut batch, &mut report, &mut skipped)?;
            batch_bytes = 0;
        }
        Ok(())
    })?;
    flush(&mut batch, &mut report, &mut skipped)?;
    note_skipped(args, skipped);
    Ok(report)
}

fn note_skipped(args: &Args, skipped: u64) {
    if skipped > 0 {
        eprintln!("zhclean: {skipped} records skipped (not JSON objects with a string field {:?})", args.corpus.field);
    }
}

/// One line of an `--audit` file.
#[derive(serde::Deserialize)]
struct AuditRecord {
    file: String,
    #[serde(default)]
    line: Option<u64>,
    step: usize,
    pass: String,
    reason: String,
    byte: u64,
    pass_byte: u64,
    removed: String,
    inserted: String,
}

/// Pass and reason names read from an audit, each kept once.
struct Names {
    known: HashMap<String, &'static str>,
}

impl Names {
    /// Most distinct names an audit may hold: the pipeline has a few dozen.
    const MAX: usize = 4096;

    fn get(&mut self, s: String, audit: &str) -> Result<&'static str, Failure> {
        if let Some(&v) = self.known.get(&s) {
            return Ok(v);
        }
        if self.known.len() >= Self::MAX {
            return Err(Failure::Input(format!(
                "{audit}: more than {} pass and reason names: not an audit",
                Self::MAX
            )));
        }
        let v: &'static str = Box::leak(s.clone().into_boxed_str());
        self.known.insert(s, v);
        Ok(v)
    }
}

/// Draws the report from a finished run's `--audit` (and `--stats`),
/// reading its inputs again: each document's output is its input with the
/// audit's edits applied, which must match (an audit of another input is
/// an error naming the document).
fn from_audit(
    args: &Args,
    cleaner: &Cleaner,
    opts: ReportOptions,
    audit: &Path,
    stats: Option<&Path>,
) -> Result<Report, Failure> {
    let names = cleaner.stream().pass_names();
    let mut report = Report::new(opts, &names);
    let audit_name = audit.display().to_string();
    let read_err = |e: io::Error| Failure::Io(format!("{audit_name}: cannot read: {e}"));
    let file = std::fs::File::open(audit).map_err(read_err)?;
    let mut reader = compress::decoder_with_window(file, compress::Compression::from_path(audit), args.max_zstd_window)
        .map_err(read_err)?;
    let mut interned = Names { known: names.iter().map(|n| (n.to_string(), *n)).collect() };
    let mut audit_line = 0u64;
    let mut next_record = |audit_line: &mut u64| -> Result<Option<AuditRecord>, Failure> {
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).map_err(read_err)? == 0 {
                return Ok(None);
            }
            *audit_line += 1;
            if !line.trim().is_empty() {
                break;
            }
        }
        serde_json::from_str(&line)
            .map(Some)
            .map_err(|e| Failure::Input(format!("{audit_name}: line {audit_line}: not an audit record: {e}")))
    };
    let mut peeked = next_record(&mut audit_line)?;
    let (field, lossy, skip_bad) = (args.corpus.field.as_str(), args.config.lossy, args.corpus.skip_bad);
    let mut skipped = 0u64;
    read_inputs(args, |p, _| {
        let (file, line, input) = match decode(p, field, lossy, skip_bad)? {
            Decoded::Doc(file, line, input) => (file, line, input),
            Decoded::Blank => return Ok(()),
            Decoded::Skipped => {
                skipped += 1;
                return Ok(());
            }
        };
        let mut edits = Vec::new();
        while let Some(r) = peeked.take_if(|r| *r.file == *file && r.line == line) {
            let edit = OwnedEdit {
                pass: interned.get(r.pass, &audit_name)?,
                reason: interned.get(r.reason, &audit_name)?,
                byte: r.pass_byte,
                before: r.removed,
                after: r.inserted,
            };
            edits.push(MappedEdit { step: r.step, edit, input_byte: r.byte });
            peeked = next_record(&mut audit_line)?;
        }
        let place = line.map_or(String::new(), |n| format!(" line {n}"));
        let output = zhclean::audit::apply(&input, &edits).map_err(|e| {
            Failure::Input(format!(
                "{audit_name}: {file}{place}: {e}; is the audit of this input, with these settings?"
            ))
        })?;
        report.add(Document { file: file.to_string(), line, input, output, edits, caps: Vec::new() });
        Ok(())
    })?;
    if let Some(r) = peeked {
        let place = r.line.map_or(String::new(), |n| format!(" line {n}"));
        return Err(Failure::Input(format!(
            "{audit_name}: line {audit_line}: an edit of {}{place}, not among the inputs read (give the run's inputs, in its order)",
            r.file
        )));
    }
    note_skipped(args, skipped);
    if let Some(stats) = stats {
        let name = stats.display().to_string();
        let text = std::fs::read_to_string(stats).map_err(|e| Failure::Io(format!("{name}: cannot read: {e}")))?;
        let v: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| Failure::Input(format!("{name}: not a --stats file: {e}")))?;
        if let Some(caps) = v.get("caps").and_then(|c| c.as_object()) {
            report.add_caps(caps.iter().filter_map(|(k, n)| Some((k.as_str(), n.as_u64()?))));
        }
    }
    Ok(report)
}

/// Writes the page to `-o` (through a temporary file) or stdout.
fn write_page(args: &Args, staged: Option<(Staged, std::fs::File)>, report: &mut Report) -> Result<(), Failure> {
    match staged {
        Some((staged, file)) => {
            let path = args.output.as_ref().expect("staged only with -o").display().to_string();
            let mut w = io::BufWriter::new(file);
            report.write_html(&mut w).and_then(|()| w.flush()).map_err(write_err(&path))?;
            drop(w);
            staged.commit()
        }
        None => {
            let mut w = io::BufWriter::new(io::stdout().lock());
            match report.write_html(&mut w).and_then(|()| w.flush()) {
                Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(write_err("<stdout>")(e)),
                _ => Ok(()),
            }
        }
    }
}

/// A document read and not yet cleaned: a JSONL record (file, line, its
/// bytes) or a plain file's text.
enum Pending {
    Record(Arc<str>, u64, Vec<u8>),
    Text(Arc<str>, String),
}

/// A record decoded.
enum Decoded {
    Doc(Arc<str>, Option<u64>, String),
    /// A blank line, which holds no record.
    Blank,
    /// A bad record, skipped with `--skip-bad`.
    Skipped,
}

/// A document's text from what was read.
fn decode(p: Pending, field: &str, lossy: bool, skip_bad: bool) -> Result<Decoded, Failure> {
    match p {
        Pending::Text(name, text) => Ok(Decoded::Doc(name, None, text)),
        Pending::Record(name, n, rec) => {
            let r = rec.strip_suffix(b"\n").unwrap_or(&rec);
            let r = r.strip_suffix(b"\r").unwrap_or(r);
            if r.iter().all(u8::is_ascii_whitespace) {
                return Ok(Decoded::Blank);
            }
            let (r, replaced) = repair(r.to_vec(), lossy);
            if replaced > 0 {
                report_replaced(&format!("{name}: line {n}"), replaced);
            }
            match zhclean::corpus::record_text(&r, field) {
                Ok(text) => Ok(Decoded::Doc(name, Some(n), text)),
                Err(_) if skip_bad => Ok(Decoded::Skipped),
                Err(e) => Err(Failure::Input(format!("{name}: line {n}: {e}"))),
            }
        }
    }
}

/// A document cleaned and counted, not yet in the report.
struct Counted {
    file: String,
    line: Option<u64>,
    input: String,
    output: String,
    counter: EditCounter,
    measures: (Measure, Measure),
}

/// What became of a record.
enum Outcome {
    Counted(Box<Counted>),
    Blank,
    Skipped,
}

/// Cleans and counts one decoded document.
fn count_one(stream: &mut zhclean::Stream, d: Decoded) -> Result<Outcome, Failure> {
    let (file, line, input) = match d {
        Decoded::Doc(file, line, input) => (file, line, input),
        Decoded::Blank => return Ok(Outcome::Blank),
        Decoded::Skipped => return Ok(Outcome::Skipped),
    };
    let (mut output, mut counter) = (String::new(), EditCounter::default());
    stream.push_audited(input.as_bytes(), &mut output, &mut counter).map_err(describe)?;
    stream.finish_audited(&mut output, &mut counter).map_err(describe)?;
    if line.is_some() {
        // A JSONL record's text, as corpus mode writes it.
        counter.finish_record(&input, &mut output);
    }
    let measures = (Measure::of(&input), Measure::of(&output));
    Ok(Outcome::Counted(Box::new(Counted { file: file.to_string(), line, input, output, counter, measures })))
}
