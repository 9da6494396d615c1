//! The `zhclean` command: a thin shell over the library. Arguments become a
//! `CleanConfig` and `CorpusOptions`; plain files are documents cleaned by
//! `Corpus::run_text`, JSONL shards go through `Corpus::run_jsonl`. No
//! cleaning logic lives here: only argument parsing, files, progress and
//! messages.

use std::fs::{self, File};
use std::io::{self, BufRead, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use zhclean::corpus::compress::{self, Compression};
use zhclean::corpus::dedup::CorpusDedupConfig;
use zhclean::corpus::{audit, Corpus, CorpusOptions, Progress};
use zhclean::{CleanConfig, Cleaner, EditLog, ErrorKind, ScriptConfig};

const HELP: &str = "\
zhclean: repair Chinese text from newspaper/magazine OCR and web crawls

USAGE:
    zhclean [OPTIONS] [FILE...]
    zhclean convert -c CONFIG [OPTIONS] [FILE...]   script conversion only
    zhclean explain [OPTIONS] FILE [--line N]       one document's edits
    zhclean presets [NAME]                          the presets, as TOML

Each plain FILE (or stdin when none is given, or for '-') is one document.
A JSONL file (.jsonl, .jsonl.gz, .jsonl.zst, or any input with --jsonl)
holds one document per line; its text field is cleaned and every other
field is written back byte for byte. .gz and .zst inputs are decompressed;
-o FILE.gz / FILE.zst compresses. Output: one paragraph per line.

OPTIONS:
    -o, --output FILE        Write to FILE, through a temporary file renamed
                             on success: an error never leaves a partial FILE.
    -p, --preset NAME        default, ocr-news, web or minimal [default: default]
        --config FILE        TOML settings over a preset (see `zhclean presets`)
    -c, --to CONFIG          Script conversion, an OpenCC config name (t2s, s2t,
                             s2tw, tw2s, s2twp, tw2sp, s2hk, hk2s, s2hkp, hk2sp,
                             t2tw, tw2t, t2hk, hk2t, t2jp, jp2t) or none
                             [default: t2s]. Output is exactly OpenCC 1.4.2's.
        --no-tofu-risk       Leave out OpenCC's may_output_tofu dictionaries,
                             as OpenCC's own `opencc` command does by default
        --lossy              Replace invalid UTF-8 with U+FFFD instead of
                             failing; the count is reported on stderr.
        --max-line-bytes N   Cut lines longer than N bytes at a safe point
                             (bounds memory) [default: 1048576]
        --strict-caps        Stop with exit code 4 when a pass reaches a cap
                             (dedup.max_windows, rejoin.max_paragraph_bytes,
                             caption.max_held_bytes, script.max_ids_hold_bytes,
                             max_line_bytes). Without it the pass goes on with
                             less context, nothing is lost, and a warning
                             names the cap and how to raise it.
CORPUS MODE:
        --jsonl              Treat every input as JSONL
        --field NAME         The JSONL field to clean [default: text]
    -j, --threads N          Worker threads; output is identical for any N
                             (plain text uses two at most) [default: all cores]
        --skip-bad           Skip (and count) records that are not JSON objects
                             with a string field, instead of stopping
        --max-record-bytes N Cap on one JSONL record [default: 268435456]
        --dedup MODE         corpus: drop paragraphs (>= 20 characters) seen
                             in an earlier document, first kept, in input
                             order; none [default: none]
        --dedup-min-chars N  Shorter paragraphs are never dropped [default: 20]
        --dedup-max-keys N   Cap on distinct paragraphs remembered (about 18
                             bytes each) [default: 100000000]
        --stats FILE         Write counts as JSON: documents, bytes, edits by
                             pass and reason, wall time
        --audit FILE         Write every edit as JSONL: file, line, id, pass,
                             reason, byte (in the input text), removed,
                             inserted. Output plus audit rebuild the input.
        --max-audit-edits N  Cap on one document's edits held for --audit
                             (a plain-text file is one document; about 300
                             bytes an edit) [default: 4000000]
    -q, --quiet              No progress bar (it is shown only on a terminal)
    -h, --help               Print this help.
    -V, --version            Print the version.

EXAMPLES:
    zhclean page.txt                          clean one file to stdout
    zhclean convert -c s2twp < in.txt         OpenCC conversion only
    zhclean -p web -o clean.txt a.txt b.txt
    zhclean -j 8 --dedup corpus --stats s.json -o out.jsonl.zst shard-*.jsonl.gz
    zhclean explain --line 3 shard.jsonl      why record 3 changed
    zhclean presets ocr-news > my.toml; zhclean --config my.toml in.txt

EXIT CODES:
    0  success (also when the reader of stdout goes away, as with `| head`)
    1  bad input: invalid UTF-8 or a bad JSONL record (the message names
       file, line and byte)
    2  usage error: unknown option, preset or setting, bad value
    3  I/O error: a file could not be read or written
    4  a cap was reached (the message names it and the option that raises it)
";

enum Command {
    Clean,
    Explain { line: u64 },
    Presets,
}

struct Args {
    command: Command,
    files: Vec<PathBuf>,
    output: Option<PathBuf>,
    config: CleanConfig,
    corpus: CorpusOptions,
    jsonl: bool,
    stats: Option<PathBuf>,
    audit: Option<PathBuf>,
    quiet: bool,
}

enum Failure {
    Usage(String),
    Input(String),
    Io(String),
    Cap(String),
}

fn parse_args() -> Result<Option<Args>, Failure> {
    use lexopt::prelude::*;
    let mut p = lexopt::Parser::from_env();
    let usage = |e: lexopt::Error| Failure::Usage(e.to_string());
    let mut files = Vec::new();
    let (mut output, mut stats, mut audit, mut config_file) = (None, None, None, None);
    let mut preset: Option<String> = None;
    let (mut lossy, mut no_tofu, mut jsonl, mut quiet, mut strict) = (false, false, false, false, false);
    let mut max_line = None;
    let mut to: Option<String> = None;
    let mut subcommand: Option<String> = None;
    let mut line = 1u64;
    let mut corpus = CorpusOptions::default();
    let mut dedup = CorpusDedupConfig::default();
    let mut dedup_on = false;
    while let Some(arg) = p.next().map_err(usage)? {
        match arg {
            Short('h') | Long("help") => {
                print!("{HELP}");
                return Ok(None);
            }
            Short('V') | Long("version") => {
                println!("zhclean {}", env!("CARGO_PKG_VERSION"));
                return Ok(None);
            }
            Short('o') | Long("output") => output = Some(PathBuf::from(p.value().map_err(usage)?)),
            Short('p') | Long("preset") => preset = Some(p.value().map_err(usage)?.string().map_err(usage)?),
            Long("config") => config_file = Some(PathBuf::from(p.value().map_err(usage)?)),
            Long("lossy") => lossy = true,
            Long("strict-caps") => strict = true,
            Short('c') | Long("to") => to = Some(p.value().map_err(usage)?.string().map_err(usage)?),
            Long("no-tofu-risk") => no_tofu = true,
            Long("max-line-bytes") => max_line = Some(p.value().map_err(usage)?.parse::<usize>().map_err(usage)?),
            Long("jsonl") => jsonl = true,
            Long("field") => corpus.field = p.value().map_err(usage)?.string().map_err(usage)?,
            Short('j') | Long("threads") => corpus.threads = p.value().map_err(usage)?.parse().map_err(usage)?,
            Long("skip-bad") => corpus.skip_bad = true,
            Long("max-record-bytes") => corpus.max_record_bytes = p.value().map_err(usage)?.parse().map_err(usage)?,
            Long("dedup") => match p.value().map_err(usage)?.string().map_err(usage)?.as_str() {
                "corpus" => dedup_on = true,
                "none" => dedup_on = false,
                other => return Err(Failure::Usage(format!("unknown --dedup mode {other:?}; valid: corpus, none"))),
            },
            Long("dedup-min-chars") => dedup.min_chars = p.value().map_err(usage)?.parse().map_err(usage)?,
            Long("dedup-max-keys") => dedup.max_keys = p.value().map_err(usage)?.parse().map_err(usage)?,
            Long("stats") => stats = Some(PathBuf::from(p.value().map_err(usage)?)),
            Long("audit") => audit = Some(PathBuf::from(p.value().map_err(usage)?)),
            Long("max-audit-edits") => corpus.max_audit_edits = p.value().map_err(usage)?.parse().map_err(usage)?,
            Short('q') | Long("quiet") => quiet = true,
            Long("line") => line = p.value().map_err(usage)?.parse().map_err(usage)?,
            Value(v)
                if subcommand.is_none()
                    && files.is_empty()
                    && ["convert", "explain", "presets"].contains(&v.to_str().unwrap_or("")) =>
            {
                subcommand = v.into_string().ok();
            }
            Value(v) => files.push(PathBuf::from(v)),
            _ => return Err(Failure::Usage(arg.unexpected().to_string())),
        }
    }
    let convert_only = subcommand.as_deref() == Some("convert");
    let mut config = if convert_only {
        if to.is_none() {
            return Err(Failure::Usage("convert needs -c CONFIG (for example -c t2s)".into()));
        }
        CleanConfig::identity()
    } else if let Some(path) = &config_file {
        let text =
            fs::read_to_string(path).map_err(|e| Failure::Io(format!("{}: cannot read: {e}", path.display())))?;
        // -p overrides the file's own preset line.
        CleanConfig::from_toml_over(&text, preset.as_deref())
            .map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?
    } else {
        CleanConfig::preset(preset.as_deref().unwrap_or("default")).map_err(|e| Failure::Usage(e.to_string()))?
    };
    match to.as_deref() {
        Some("none") => config.script = None,
        // The config file's other script settings stay.
        Some(name) => config.script.get_or_insert_with(|| ScriptConfig::new(name)).config = name.to_string(),
        None => {}
    }
    if no_tofu {
        if let Some(s) = &mut config.script {
            s.include_tofu_risk = false;
        }
    }
    config.lossy |= lossy;
    config.strict_caps |= strict;
    if let Some(n) = max_line {
        config.max_line_bytes = n;
    }
    corpus.dedup = dedup_on.then_some(dedup);
    let command = match subcommand.as_deref() {
        Some("explain") => {
            if files.len() != 1 {
                return Err(Failure::Usage("explain takes exactly one FILE".into()));
            }
            Command::Explain { line }
        }
        Some("presets") => Command::Presets,
        _ => Command::Clean,
    };
    corpus.collect_edits = stats.is_some() || audit.is_some() || matches!(command, Command::Explain { .. });
    Ok(Some(Args { command, files, output, config, corpus, jsonl, stats, audit, quiet }))
}

fn describe(e: zhclean::Error) -> Failure {
    match e.kind() {
        ErrorKind::Io => Failure::Io(e.to_string()),
        ErrorKind::Config => Failure::Usage(e.to_string()),
        ErrorKind::Cap => Failure::Cap(e.to_string()),
        _ => Failure::Input(e.to_string()),
    }
}

fn is_broken_pipe(e: &zhclean::Error) -> bool {
    e.io_error().is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
}

/// Counts the bytes read from a file (compressed), for the progress bar.
struct Counting<R> {
    inner: R,
    n: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let k = self.inner.read(buf)?;
        self.n.fetch_add(k as u64, Ordering::Relaxed);
        Ok(k)
    }
}

/// A one-line progress bar on stderr, redrawn at most five times a second.
struct Bar {
    on: bool,
    total: u64,
    done_files: u64,
    read: Arc<AtomicU64>,
    docs: u64,
    start: Instant,
    last: Instant,
}

impl Bar {
    fn draw(&mut self, p: &Progress, force: bool) {
        if !self.on || (!force && self.last.elapsed().as_millis() < 200) {
            return;
        }
        self.last = Instant::now();
        let done = self.done_files + self.read.load(Ordering::Relaxed);
        let secs = self.start.elapsed().as_secs_f64().max(1e-3);
        let rate = done as f64 / secs;
        let mb = |b: f64| b / 1e6;
        let mut line = format!(
            "\r{:.1}/{:.1} MB  {} docs  {:.1} MB/s",
            mb(done as f64),
            mb(self.total as f64),
            self.docs + p.records,
            mb(rate)
        );
        if self.total > done && rate > 0.0 {
            line.push_str(&format!("  ETA {:.0} s", (self.total - done) as f64 / rate));
        }
        eprint!("{line}\x1b[K");
    }

    fn file_done(&mut self, p: &Progress) {
        self.docs += p.records;
        self.done_files += self.read.swap(0, Ordering::Relaxed);
    }

    fn clear(&self) {
        if self.on {
            eprint!("\r\x1b[K");
        }
    }
}

fn is_jsonl(args: &Args, path: &Path) -> bool {
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
    let total = files.iter().filter_map(|f| fs::metadata(f).ok()).map(|m| m.len()).sum();
    let read = Arc::new(AtomicU64::new(0));
    let mut bar = Bar {
        on: !args.quiet && io::stderr().is_terminal(),
        total,
        done_files: 0,
        read: read.clone(),
        docs: 0,
        start: Instant::now(),
        last: Instant::now(),
    };
    for f in files {
        let stdin = f.as_os_str() == "-";
        let name = if stdin { "<stdin>".to_string() } else { f.display().to_string() };
        let raw: Box<dyn Read + Send> = if stdin {
            Box::new(io::stdin())
        } else {
            Box::new(File::open(f).map_err(|e| Failure::Io(format!("{name}: cannot open: {e}")))?)
        };
        let input = compress::decoder(Counting { inner: raw, n: read.clone() }, Compression::from_path(f))
            .map_err(|e| Failure::Input(format!("{name}: {e}")))?;
        let mut last = Progress::default();
        let mut tick = |p: &Progress| {
            last = *p;
            bar.draw(p, false);
        };
        let result = if is_jsonl(args, f) {
            corpus.run_jsonl(&name, input, out, audit.as_deref_mut(), &mut tick).map(|()| 0)
        } else {
            corpus.run_text(&name, input, out, audit.as_deref_mut(), &mut tick).map(|s| s.replaced)
        };
        bar.file_done(&last);
        let skipped = corpus.take_skipped();
        if !skipped.is_empty() {
            bar.clear();
            for m in skipped.iter().take(20) {
                eprintln!("zhclean: {m}");
            }
            if skipped.len() > 20 {
                eprintln!("zhclean: {name}: … and {} more skipped records", skipped.len() - 20);
            }
        }
        // A cap reached changes what a pass could judge, never loses text;
        // say so once per setting (the stats count every document).
        let notes = corpus.take_cap_notes();
        if !notes.is_empty() && !args.quiet {
            bar.clear();
            for m in &notes {
                eprintln!("zhclean: warning: {m}");
            }
        }
        match result {
            Ok(replaced) if replaced > 0 => {
                bar.clear();
                eprintln!("zhclean: {name}: replaced {replaced} invalid UTF-8 sequence(s) with U+FFFD");
            }
            Ok(_) => {}
            Err(e) if is_broken_pipe(&e) => return Ok(()),
            Err(e) => {
                bar.clear();
                return Err(describe(e));
            }
        }
    }
    bar.draw(&Progress::default(), true);
    bar.clear();
    Ok(())
}

/// A file written under a temporary name and renamed on success.
struct Staged {
    path: PathBuf,
    tmp: PathBuf,
    /// Renamed into place: nothing to clean up.
    done: bool,
}

impl Staged {
    fn create(path: &Path) -> Result<(Staged, File), Failure> {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
        let tmp = dir.join(format!(".{name}.zhclean-{}.tmp", std::process::id()));
        let file = File::create(&tmp)
            .map_err(|e| Failure::Io(format!("{}: cannot create temporary file: {e}", path.display())))?;
        Ok((Staged { path: path.to_path_buf(), tmp, done: false }, file))
    }

    fn commit(mut self) -> Result<(), Failure> {
        fs::rename(&self.tmp, &self.path)
            .map_err(|e| Failure::Io(format!("{}: cannot rename temporary file: {e}", self.path.display())))?;
        self.done = true;
        Ok(())
    }
}

/// A staged file not committed is removed however the run ends: with an
/// error, or a panic in a worker thread unwinding through `clean`.
impl Drop for Staged {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

fn write_err(path: &str) -> impl Fn(io::Error) -> Failure + '_ {
    move |e| Failure::Io(format!("{path}: write failed: {e}"))
}

fn clean(args: &Args) -> Result<(), Failure> {
    let start = Instant::now();
    let cleaner = Cleaner::new(args.config.clone()).map_err(|e| Failure::Usage(e.to_string()))?;
    let mut corpus = Corpus::new(cleaner, args.corpus.clone());
    let mut staged = Vec::new();
    let result = (|| {
        let mut audit_w = match &args.audit {
            Some(p) => {
                let (s, f) = Staged::create(p)?;
                staged.push(s);
                Some(compress::encoder(BufWriter::with_capacity(1 << 20, f), Compression::from_path(p)))
            }
            None => None,
        };
        let audit_dyn = audit_w.as_mut().map(|w| w as &mut (dyn Write + '_));
        match &args.output {
            Some(p) => {
                let (s, f) = Staged::create(p)?;
                staged.push(s);
                let mut w = compress::encoder(BufWriter::with_capacity(1 << 20, f), Compression::from_path(p));
                run_into(args, &mut corpus, &mut w, audit_dyn)?;
                let name = p.display().to_string();
                w.finish().and_then(|mut b| b.flush()).map_err(write_err(&name))?;
            }
            None => {
                let mut w = BufWriter::with_capacity(1 << 16, io::stdout().lock());
                run_into(args, &mut corpus, &mut w, audit_dyn)?;
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
        if let Some(p) = &args.stats {
            let (s, f) = Staged::create(p)?;
            staged.push(s);
            let mut v = serde_json::to_value(corpus.stats()).expect("stats serialize");
            v["wall_seconds"] = serde_json::json!(start.elapsed().as_secs_f64());
            v["threads"] = serde_json::json!(args.corpus.thread_count());
            v["files"] = serde_json::json!(args.files.len().max(1));
            if let Some(d) = corpus.dedup_keys() {
                v["corpus_dedup"] = serde_json::json!({
                    "key_version": zhclean::corpus::dedup::KEY_VERSION,
                    "distinct_keys": d.len(),
                    "memory_bytes": d.memory_bytes(),
                });
            }
            let mut w = BufWriter::new(f);
            serde_json::to_writer_pretty(&mut w, &v)
                .map_err(io::Error::from)
                .and_then(|()| w.write_all(b"\n"))
                .and_then(|()| w.flush())
                .map_err(write_err(&p.display().to_string()))?;
        }
        Ok(())
    })();
    // On an error the staged files are dropped uncommitted, which removes
    // them.
    result?;
    staged.into_iter().try_for_each(Staged::commit)
}

/// `zhclean explain`: one document's edits, with context, coloured on a
/// terminal.
fn explain(args: &Args, line: u64) -> Result<(), Failure> {
    let path = &args.files[0];
    let name = path.display().to_string();
    let cleaner = Cleaner::new(args.config.clone()).map_err(|e| Failure::Usage(e.to_string()))?;
    let read_err = |e: io::Error| Failure::Io(format!("{name}: cannot read: {e}"));
    let mut reader = compress::open(path).map_err(read_err)?;
    let (text, label) = if is_jsonl(args, path) {
        // Only the wanted record is kept: a shard can be any size.
        let mut rec = Vec::new();
        for n in 1..=line.max(1) {
            rec.clear();
            if reader.read_until(b'\n', &mut rec).map_err(read_err)? == 0 {
                return Err(Failure::Usage(format!("{name} has no line {line}")));
            }
            if n == line.max(1) {
                break;
            }
        }
        let rec = rec.strip_suffix(b"\n").unwrap_or(&rec);
        let rec = rec.strip_suffix(b"\r").unwrap_or(rec);
        let t = zhclean::corpus::record_text(rec, &args.corpus.field)
            .map_err(|e| Failure::Input(format!("{name}: line {line}: {e}")))?;
        (t, format!("{name}, line {line}"))
    } else {
        // A plain-text file is one document, shown whole.
        let mut raw = Vec::new();
        reader.read_to_end(&mut raw).map_err(read_err)?;
        let input = String::from_utf8(raw).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            Failure::Input(format!("{name}: line {line}, byte {at}: invalid UTF-8"))
        })?;
        (input, name.clone())
    };
    let mut stream = cleaner.stream();
    let (mut out, mut log) = (String::new(), EditLog::default());
    stream.push_audited(text.as_bytes(), &mut out, &mut log).map_err(describe)?;
    stream.finish_audited(&mut out, &mut log).map_err(describe)?;
    let mut edits = zhclean::audit::map_to_input(&stream.pass_names(), log.edits);
    // In document order (the trail itself is in pass order).
    edits.sort_by_key(|m| (m.input_byte, m.step));
    let color = io::stdout().is_terminal();
    let (red, green, dim, off) =
        if color { ("\x1b[31;9m", "\x1b[32m", "\x1b[2m", "\x1b[0m") } else { ("[-", "{+", "", "") };
    let (red_end, green_end) = if color { (off, off) } else { ("-]", "+}") };
    let mut o = String::new();
    o.push_str(&format!("{label}: {} edits, {} -> {} bytes\n", edits.len(), text.len(), out.len()));
    let show = |s: &str| s.replace('\n', "⏎");
    // Blank lines dropped between paragraphs are counted in the summary,
    // not listed: they would drown the edits worth reading.
    for m in edits.iter().filter(|m| m.edit.reason != zhclean::passes::paragraphs::BLANK_LINE) {
        let at = (m.input_byte as usize).min(text.len());
        let at = (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        let line_no = text[..at].matches('\n').count() + 1;
        let before_ctx: String = text[..at].chars().rev().take(12).collect::<Vec<_>>().into_iter().rev().collect();
        let skip = m.edit.before.len().min(text.len() - at);
        let after_at = (at + skip..=text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(text.len());
        let after_ctx: String = text[after_at..].chars().take(12).collect();
        o.push_str(&format!(
            "{dim}{line_no:>5}  {:<12} {:<26}{off} {dim}{}{off}{red}{}{red_end}{green}{}{green_end}{dim}{}{off}\n",
            m.edit.pass,
            m.edit.reason,
            show(&before_ctx),
            show(&m.edit.before),
            show(&m.edit.after),
            show(&after_ctx),
        ));
    }
    let mut counts = zhclean::corpus::audit::PassCounts::default();
    audit::count(&mut counts, edits.iter().map(|m| &m.edit));
    o.push_str("summary:\n");
    for (pass, reasons) in &counts {
        for (reason, c) in reasons {
            o.push_str(&format!("  {pass:<12} {reason:<26} {:>6}\n", c.edits));
        }
    }
    let mut w = io::stdout().lock();
    match w.write_all(o.as_bytes()).and_then(|()| w.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(write_err("<stdout>")(e)),
        _ => Ok(()),
    }
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
    let result = parse_args().and_then(|args| {
        let Some(args) = args else { return Ok(()) };
        match args.command {
            Command::Clean => clean(&args),
            Command::Explain { line } => explain(&args, line),
            Command::Presets => presets(&args.files),
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
