//! The `zhclean` command: a thin shell over the library. Arguments become a
//! `CleanConfig` and `CorpusOptions`; plain files are documents cleaned by
//! `Corpus::run_text`, JSONL shards go through `Corpus::run_jsonl`, and
//! small ones of either, gathered, through `Corpus::run_texts` and
//! `Corpus::run_shards`. No
//! cleaning logic lives here: only argument parsing, files, progress and
//! messages.

mod args;
mod explain;
mod progress;
mod report;
mod staged;

use std::cell::RefCell;
use std::fs::{self, File};
use std::io::{self, BufRead, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Instant;

use zhclean::corpus::compress::{self, Compression};
use zhclean::corpus::{Corpus, Progress, ShardDone};
use zhclean::{CleanConfig, Cleaner, ErrorKind};

use args::{Args, Command};
use progress::{Bar, Counting};
use staged::{check_outputs, write_err, Side, Staged};

/// Why a run failed, by exit code.
pub(crate) enum Failure {
    Usage(String),
    Input(String),
    Io(String),
    Cap(String),
}

/// Says how many invalid UTF-8 sequences a lossy run replaced in `name`.
pub(crate) fn report_replaced(name: &str, replaced: u64) {
    if replaced > 0 {
        eprintln!("zhclean: {name}: replaced {replaced} invalid UTF-8 sequence(s) with U+FFFD");
    }
}

pub(crate) fn describe(e: zhclean::Error) -> Failure {
    // A compressed input that does not decode is bad input, not a failed
    // read or write.
    let corrupt = e.io_error().is_some_and(|io| io.kind() == io::ErrorKind::InvalidData);
    match e.kind() {
        ErrorKind::Io if !corrupt => Failure::Io(e.to_string()),
        ErrorKind::Config => Failure::Usage(e.to_string()),
        ErrorKind::Cap => Failure::Cap(e.to_string()),
        _ => Failure::Input(e.to_string()),
    }
}

fn is_broken_pipe(e: &zhclean::Error) -> bool {
    e.io_error().is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
}

/// With `lossy`, `bytes` with invalid UTF-8 replaced (and how many).
pub(crate) fn repair(bytes: Vec<u8>, lossy: bool) -> (Vec<u8>, u64) {
    if lossy {
        zhclean::corpus::repair_utf8(bytes)
    } else {
        (bytes, 0)
    }
}

/// A plain-text file read whole as one document: with `lossy`, invalid
/// UTF-8 replaced (and reported), else an error naming its line and byte.
pub(crate) fn read_document(name: &str, reader: &mut dyn Read, lossy: bool) -> Result<String, Failure> {
    let mut raw = Vec::new();
    reader.read_to_end(&mut raw).map_err(|e| Failure::Io(format!("{name}: cannot read: {e}")))?;
    let (raw, replaced) = repair(raw, lossy);
    report_replaced(name, replaced);
    String::from_utf8(raw).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        Failure::Input(format!("{name}: line {line}, byte {at}: invalid UTF-8"))
    })
}

pub(crate) fn is_jsonl(args: &Args, path: &Path) -> bool {
    args.jsonl || compress::is_jsonl_path(path)
}

/// Cleans every input into `out`, audit records into `audit`.
fn run_into(
    args: &Args,
    corpus: &mut Corpus,
    out: &mut dyn Write,
    mut audit: Option<&mut (dyn Write + '_)>,
) -> Result<(), Failure> {
    let stdin_only = [PathBuf::from("-")];
    let files = if args.files.is_empty() { &stdin_only[..] } else { &args.files[..] };
    // (Each file's size asked once: the bar's total, and whether a file is
    // longer than a block.)
    let sizes: Vec<Option<u64>> = files.iter().map(|f| fs::metadata(f).ok().map(|m| m.len())).collect();
    let total = sizes.iter().flatten().sum();
    let read = Arc::new(AtomicU64::new(0));
    let mut bar = Bar::new(!args.quiet && io::stderr().is_terminal(), total, read.clone());
    // Files of one block each (page files, small shards) are gathered and
    // cleaned side by side on the threads; the others go one at a time.
    // Then a thread opens the files, and reads a small one whole, while
    // the files before are cleaned.
    let gather = args.corpus.thread_count() >= 2 && files.len() >= 2;
    let mut clean_one = |next: Input| -> Result<bool, Failure> {
        let Opened { name, path: f, input, head } = match next {
            Input::Pages(docs, false) => return run_pages(corpus, docs, out, &mut audit, &mut bar),
            Input::Pages(docs, true) => return run_shards(corpus, docs, out, &mut audit, &mut bar),
            Input::One(opened) => opened,
        };
        let mut input = input?;
        if let Some(head) = head {
            let (head, _) = head.map_err(|e| {
                bar.clear();
                describe(e)
            })?;
            input = Box::new(io::Cursor::new(head).chain(input));
        }
        let mut last = Progress::default();
        let mut tick = |p: &Progress| {
            last = *p;
            bar.draw(p, false);
        };
        let result = if is_jsonl(args, f) {
            let before = corpus.stats().invalid_utf8_replaced;
            let done = corpus.run_jsonl(&name, input, out, audit.as_deref_mut(), &mut tick);
            done.map(|()| corpus.stats().invalid_utf8_replaced - before)
        } else {
            corpus.run_text(&name, input, out, audit.as_deref_mut(), &mut tick).map(|s| s.replaced)
        };
        bar.file_done(&last);
        report_skipped(&name, corpus.take_skipped(), &bar);
        let Some(replaced) = ran(corpus, &mut bar, result)? else { return Ok(false) };
        say_replaced(&name, replaced, &bar);
        Ok(true)
    };
    let went_on = if gather {
        let block = args.corpus.text_block_bytes;
        std::thread::scope(|scope| -> Result<bool, Failure> {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Input>(INPUTS_AHEAD);
            let read = &read;
            let sizes = &sizes;
            scope.spawn(move || open_inputs(args, files, sizes, read, Some(block), |next| tx.send(next).is_ok()));
            for next in rx {
                if !clean_one(next)? {
                    return Ok(false);
                }
            }
            Ok(true)
        })?
    } else {
        let mut failed = None;
        open_inputs(args, files, &sizes, &read, None, |next| match clean_one(next) {
            Ok(go_on) => go_on,
            Err(e) => {
                failed = Some(e);
                false
            }
        });
        failed.map_or(Ok(()), Err)?;
        true
    };
    if went_on {
        bar.draw(&Progress::default(), true);
    }
    bar.clear();
    Ok(())
}

/// Says how many invalid UTF-8 sequences a lossy run replaced in the input
/// `name`, if any, below the progress bar.
fn say_replaced(name: &str, replaced: u64, bar: &Bar) {
    if replaced > 0 {
        bar.clear();
        report_replaced(name, replaced);
    }
}

/// Says what was skipped in the input `name` (see
/// [`Corpus::take_skipped`]).
fn report_skipped(name: &str, (skipped, unlisted): (Vec<String>, u64), bar: &Bar) {
    if !skipped.is_empty() {
        bar.clear();
        for m in &skipped {
            eprintln!("zhclean: {m}");
        }
        if unlisted > 0 {
            eprintln!("zhclean: {name}: … and {unlisted} more skipped records");
        }
    }
}

/// Opens the inputs `files` (of `sizes`, where known) in order, handing
/// each to `next` (which says whether to go on): a file whose first block
/// (`block`, when given) is all of it gathered with the next ones of its
/// kind (plain or JSONL; see [`Pages`]), any other input alone, after what
/// was gathered before it. Stops after an input that could not be opened
/// or read.
fn open_inputs<'a>(
    args: &Args,
    files: &'a [PathBuf],
    sizes: &[Option<u64>],
    read: &Arc<AtomicU64>,
    block: Option<usize>,
    mut next: impl FnMut(Input<'a>) -> bool,
) {
    let mut pages = Pages::default();
    for (f, &size) in files.iter().zip(sizes) {
        let mut opened = Opened::open(args, f, size, read, block);
        match opened.head.take() {
            Some(Ok((head, true))) => {
                let jsonl = is_jsonl(args, opened.path);
                if !pages.is_empty() && pages.jsonl != jsonl && !next(pages.take()) {
                    return;
                }
                pages.jsonl = jsonl;
                if pages.add(opened.name, head) && !next(pages.take()) {
                    return;
                }
                continue;
            }
            head => opened.head = head,
        }
        // (What was gathered before goes first: its output and errors
        // come before this file's.)
        let failed = opened.input.is_err() || opened.head.as_ref().is_some_and(|h| h.is_err());
        if !pages.is_empty() && !next(pages.take()) {
            return;
        }
        if !next(Input::One(opened)) || failed {
            return;
        }
    }
    if !pages.is_empty() {
        next(pages.take());
    }
}

/// Inputs opened (a plain file's first bytes read) or gathered ahead of
/// the one cleaned, at most: open files and memory stay bounded.
const INPUTS_AHEAD: usize = 2;

/// An input opened, ahead of its turn (see `run_into`).
struct Opened<'a> {
    name: String,
    path: &'a Path,
    /// The input, decompressed.
    input: Result<Box<dyn BufRead + Send>, Failure>,
    /// A file's first bytes and whether they are all of it (see
    /// [`zhclean::corpus::read_head`]), when read ahead: with `block`
    /// given, for a file (not stdin, which is read in its turn alone).
    head: Option<Result<(Vec<u8>, bool), zhclean::Error>>,
}

impl<'a> Opened<'a> {
    fn open(args: &Args, f: &'a Path, size: Option<u64>, read: &Arc<AtomicU64>, block: Option<usize>) -> Opened<'a> {
        let stdin = f.as_os_str() == "-";
        let name = if stdin { "<stdin>".to_string() } else { f.display().to_string() };
        let raw = if stdin {
            Ok(Box::new(io::stdin()) as Box<dyn Read + Send>)
        } else {
            File::open(f).map(|f| Box::new(f) as Box<dyn Read + Send>)
        };
        let input = raw.map_err(|e| Failure::Io(format!("{name}: cannot open: {e}"))).and_then(|raw| {
            compress::decoder_with_window(
                Counting::new(raw, read.clone()),
                Compression::from_path(f),
                args.max_zstd_window,
            )
            .map_err(|e| Failure::Input(format!("{name}: {e}")))
        });
        let mut opened = Opened { name, path: f, input, head: None };
        // (Not a file longer than a block, as its size says unless it is
        // compressed: its first bytes would be held, chained before the
        // rest, for the whole run.)
        let long = |block: usize| {
            matches!(Compression::from_path(f), Compression::None) && size.is_some_and(|n| n > block as u64)
        };
        if let (Some(block), Ok(input)) = (block, &mut opened.input) {
            if !stdin && !long(block) {
                // A read that fails (a truncated .gz) fails where it would
                // have in the file's turn, after the bytes before it: a
                // shard's records before it are written, as on one thread.
                let mut deferred = Deferred { inner: input, error: None };
                let head = zhclean::corpus::read_head(&opened.name, &mut deferred, block);
                opened.head = Some(match deferred.error {
                    Some(e) => {
                        let partial = head.map_or_else(|_| Vec::new(), |(h, _)| h);
                        opened.input = Ok(Box::new(io::BufReader::new(Failed(Some(e)))));
                        Ok((partial, false))
                    }
                    None => head,
                });
            }
        }
        opened
    }
}

/// A reader whose first failure (not an interruption) is kept, and reads
/// as the input's end: the bytes read before it are handed on whole.
struct Deferred<R> {
    inner: R,
    error: Option<io::Error>,
}

impl<R: Read> Read for Deferred<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.error.is_some() {
            return Ok(0);
        }
        match self.inner.read(buf) {
            Err(e) if e.kind() != io::ErrorKind::Interrupted => {
                self.error = Some(e);
                Ok(0)
            }
            r => r,
        }
    }
}

/// An input that fails with its error, kept by [`Deferred`], when read.
struct Failed(Option<io::Error>);

impl Read for Failed {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        self.0.take().map_or(Ok(0), Err)
    }
}

/// What the thread opening the inputs hands on, in order: files read
/// whole, gathered to be cleaned side by side (plain ones by
/// [`Corpus::run_texts`], JSONL shards, when `true`, by
/// [`Corpus::run_shards`]), or an input to clean alone.
enum Input<'a> {
    Pages(Vec<(String, Vec<u8>)>, bool),
    One(Opened<'a>),
}

/// Files read whole, gathered: plain ones, or JSONL shards when `jsonl`.
#[derive(Default)]
struct Pages {
    docs: Vec<(String, Vec<u8>)>,
    bytes: usize,
    jsonl: bool,
}

/// The most files gathered at once, and of bytes: what waits to be
/// cleaned and then written in order is bounded, and the next files are
/// read while these are cleaned.
const MAX_PAGES: usize = 1024;
const MAX_PAGE_BYTES: usize = 2 << 20;

impl Pages {
    /// Gathers a file: whether enough are gathered to hand them on.
    fn add(&mut self, name: String, bytes: Vec<u8>) -> bool {
        self.bytes += bytes.len();
        self.docs.push((name, bytes));
        self.docs.len() >= MAX_PAGES || self.bytes >= MAX_PAGE_BYTES
    }

    fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The files gathered, to hand on; none left.
    fn take(&mut self) -> Input<'static> {
        self.bytes = 0;
        Input::Pages(std::mem::take(&mut self.docs), self.jsonl)
    }
}

/// Cleans plain files read whole (`docs`) into `out`, with the messages
/// and progress `run_into` gives each file: whether the run goes on (not
/// when the reader of the output went away).
fn run_pages(
    corpus: &mut Corpus,
    docs: Vec<(String, Vec<u8>)>,
    out: &mut dyn Write,
    audit: &mut Option<&mut (dyn Write + '_)>,
    bar: &mut Bar,
) -> Result<bool, Failure> {
    let names: Vec<String> = docs.iter().map(|(n, _)| n.clone()).collect();
    // (Drawn and told each file's end as it is written: both on this
    // thread, one after the other.)
    let bar = RefCell::new(bar);
    let mut drawn = |p: &Progress| bar.borrow_mut().draw(p, false);
    let mut done = |i: usize, sum: &zhclean::Summary| {
        let mut bar = bar.borrow_mut();
        bar.file_done(&Progress { records: 1, bytes: sum.bytes_in });
        say_replaced(&names[i], sum.replaced, &bar);
    };
    let result = corpus.run_texts(docs, out, audit.as_deref_mut(), &mut drawn, &mut done);
    Ok(ran(corpus, bar.into_inner(), result)?.is_some())
}

/// Cleans JSONL shards read whole (`shards`) into `out`, with the
/// messages and progress `run_into` gives each shard: whether the run goes
/// on (not when the reader of the output went away).
fn run_shards(
    corpus: &mut Corpus,
    shards: Vec<(String, Vec<u8>)>,
    out: &mut dyn Write,
    audit: &mut Option<&mut (dyn Write + '_)>,
    bar: &mut Bar,
) -> Result<bool, Failure> {
    let names: Vec<String> = shards.iter().map(|(n, _)| n.clone()).collect();
    // (As in `run_pages`.)
    let (bar, mut written) = (RefCell::new(bar), 0);
    let mut drawn = |p: &Progress| bar.borrow_mut().draw(p, false);
    let mut done = |i: usize, end: ShardDone| {
        let mut bar = bar.borrow_mut();
        bar.file_done(&end.progress);
        report_skipped(&names[i], end.skipped, &bar);
        say_replaced(&names[i], end.replaced, &bar);
        written = i + 1;
    };
    let result = corpus.run_shards(shards, out, audit.as_deref_mut(), &mut drawn, &mut done);
    let bar = bar.into_inner();
    // (The shard that stopped the run: what it skipped before.)
    if let (Err(_), Some(name)) = (&result, names.get(written)) {
        report_skipped(name, corpus.take_skipped(), bar);
    }
    Ok(ran(corpus, bar, result)?.is_some())
}

/// After an input ran (or the files gathered): says each cap reached for
/// the first time in the run, and gives the run's result, `None` when the
/// reader of the output went away (the run stops, with no error). A cap
/// reached changes what a pass could judge, never loses text; it is said
/// once per setting (the stats count every document), with or without
/// -q, which only turns the progress bar off.
fn ran<T>(corpus: &mut Corpus, bar: &mut Bar, result: Result<T, zhclean::Error>) -> Result<Option<T>, Failure> {
    let notes = corpus.take_cap_notes();
    if !notes.is_empty() {
        bar.clear();
        for m in &notes {
            eprintln!("zhclean: warning: {m}");
        }
    }
    match result {
        Ok(t) => Ok(Some(t)),
        Err(e) if is_broken_pipe(&e) => Ok(None),
        Err(e) => {
            bar.clear();
            Err(describe(e))
        }
    }
}

fn clean(args: &Args) -> Result<(), Failure> {
    let start = Instant::now();
    let mut sides = Vec::new();
    if let Some(p) = &args.stats {
        sides.push((Side::Stats, p.as_path()));
    }
    if let Some(p) = &args.audit {
        sides.push((Side::Audit, p.as_path()));
    }
    check_outputs(&args.files, args.output.as_deref(), &sides, args.force)?;
    let cleaner = Cleaner::new(args.config.clone()).map_err(|e| Failure::Usage(e.to_string()))?;
    let mut corpus = Corpus::new(cleaner, args.corpus.clone());
    // Every output file is opened before the run, so that one that cannot
    // be written fails now rather than after the work, and the files are
    // committed together at the end (on an error they are dropped
    // uncommitted, which removes them).
    let open = |p: &Option<PathBuf>| p.as_deref().map(Staged::create).transpose();
    let (audit_file, stats_file, out_file) = (open(&args.audit)?, open(&args.stats)?, open(&args.output)?);
    let mut staged = Vec::new();
    let mut audit_w = audit_file.map(|(s, f)| {
        staged.push(s);
        let p = args.audit.as_deref().expect("opened for --audit");
        compress::encoder(BufWriter::with_capacity(1 << 20, f), Compression::from_path(p))
    });
    let audit_name = args.audit.as_deref().map(|p| p.display().to_string()).unwrap_or_default();
    let mut audit_named = audit_w.as_mut().map(|w| Named { inner: w, name: &audit_name });
    let audit_dyn = audit_named.as_mut().map(|w| w as &mut (dyn Write + '_));
    match (out_file, &args.output) {
        (Some((s, f)), Some(p)) => {
            staged.push(s);
            let mut w = compress::encoder(BufWriter::with_capacity(1 << 20, f), Compression::from_path(p));
            let name = p.display().to_string();
            run_into(args, &mut corpus, &mut Named { inner: &mut w, name: &name }, audit_dyn)?;
            w.finish().and_then(|mut b| b.flush()).map_err(write_err(&name))?;
        }
        _ => {
            let mut w = BufWriter::with_capacity(1 << 16, io::stdout().lock());
            run_into(args, &mut corpus, &mut Named { inner: &mut w, name: "<stdout>" }, audit_dyn)?;
            match w.flush() {
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
                r => r.map_err(write_err("<stdout>"))?,
            }
        }
    }
    if let (Some(w), Some(p)) = (audit_w, &args.audit) {
        let name = p.display().to_string();
        w.finish().and_then(|mut b| b.flush()).map_err(write_err(&name))?;
    }
    if let (Some((s, f)), Some(p)) = (stats_file, &args.stats) {
        staged.push(s);
        let v = stats_json(&corpus, args, start.elapsed().as_secs_f64());
        let mut w = BufWriter::new(f);
        serde_json::to_writer_pretty(&mut w, &v)
            .map_err(io::Error::from)
            .and_then(|()| w.write_all(b"\n"))
            .and_then(|()| w.flush())
            .map_err(write_err(&p.display().to_string()))?;
    }
    staged.into_iter().try_for_each(Staged::commit)
}

/// A writer whose errors name the file it writes (a full disk said
/// "No space left on device" and no more).
struct Named<'n, W: Write> {
    inner: W,
    name: &'n str,
}

impl<W: Write> Write for Named<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf).map_err(|e| self.named(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().map_err(|e| self.named(e))
    }
}

impl<W: Write> Named<'_, W> {
    fn named(&self, e: io::Error) -> io::Error {
        // A closed pipe keeps its kind: `| head` ends the run quietly.
        io::Error::new(e.kind(), format!("{}: write failed: {e}", self.name))
    }
}

/// The `--stats` document: the corpus's counts, then what only the run
/// knows (time, threads, files) and the corpus dedup set's size.
fn stats_json(corpus: &Corpus, args: &Args, wall_seconds: f64) -> serde_json::Value {
    let mut v = serde_json::to_value(corpus.stats()).expect("stats serialize");
    v["wall_seconds"] = serde_json::json!(wall_seconds);
    v["threads"] = serde_json::json!(args.corpus.thread_count());
    v["files"] = serde_json::json!(args.files.len().max(1));
    if let Some(d) = corpus.dedup_keys() {
        v["corpus_dedup"] = serde_json::json!({
            "key_version": zhclean::corpus::dedup::KEY_VERSION,
            "distinct_keys": d.len(),
            "memory_bytes": d.memory_bytes(),
        });
    }
    v
}

/// Every preset, or the one named (a file `--config` reads as it is).
fn presets(files: &[PathBuf]) -> Result<(), Failure> {
    let mut o = String::new();
    let names: Vec<String> = match files {
        [] => zhclean::PRESETS.iter().map(|s| s.to_string()).collect(),
        [one] => vec![one.display().to_string()],
        _ => return Err(Failure::Usage("presets takes at most one NAME".into())),
    };
    for name in &names {
        let cfg = CleanConfig::preset(name).map_err(|e| Failure::Usage(e.to_string()))?;
        o.push_str(&format!("# ---- preset {name} ----\npreset = {name:?}\n{}\n", cfg.to_toml()));
    }
    io::stdout().write_all(o.as_bytes()).map_err(write_err("<stdout>"))
}

fn main() -> ExitCode {
    staged::clean_up_on_signals();
    let result = args::parse_args().and_then(|args| {
        let Some(args) = args else { return Ok(()) };
        match args.command {
            Command::Clean => clean(&args),
            Command::Explain { line } => explain::explain(&args, line),
            Command::Presets => presets(&args.files),
            Command::Report(ref flags) => report::report(&args, flags),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(m)) => {
            eprintln!("zhclean: {m}");
            ExitCode::from(1)
        }
        Err(Failure::Usage(m)) => {
            eprintln!("zhclean: {m}\nTry 'zhclean --help'.");
            ExitCode::from(2)
        }
        Err(Failure::Io(m)) => {
            eprintln!("zhclean: {m}");
            ExitCode::from(3)
        }
        Err(Failure::Cap(m)) => {
            eprintln!("zhclean: {m}");
            ExitCode::from(4)
        }
    }
}
