//! The command line: read as given ([`Flags`]), then checked and turned
//! into the library's configuration ([`Args`]).

use std::fs;
use std::path::PathBuf;

use zhclean::corpus::dedup::CorpusDedupConfig;
use zhclean::corpus::CorpusOptions;
use zhclean::{CleanConfig, ScriptConfig};

use crate::Failure;

pub(crate) const HELP: &str = "\
zhclean: repair Chinese text from newspaper/magazine OCR and web crawls

USAGE:
    zhclean [OPTIONS] [FILE...]
    zhclean convert -c CONFIG [OPTIONS] [FILE...]   script conversion only
    zhclean explain [OPTIONS] FILE [--line N]       one document's edits
    zhclean presets [NAME]                          the presets, as TOML
    zhclean report [OPTIONS] FILE... [-o PAGE]      an HTML page to review a run

Each plain FILE (or stdin when none is given, or for '-') is one document.
A JSONL file (.jsonl, .jsonl.gz, .jsonl.zst, or any input with --jsonl)
holds one document per line; its text field is cleaned and every other
field is written back byte for byte. .gz and .zst inputs are decompressed;
-o FILE.gz / FILE.zst compresses. Output: one paragraph per line.

OPTIONS:
    -o, --output FILE        Write to FILE, through a temporary file renamed
                             on success: an error never leaves a partial FILE.
                             A device or FIFO (/dev/null) is written directly;
                             a symlink's target is written, the link kept.
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
    -j, --threads N          Worker threads; output is identical for any N.
                             JSONL records, and files of up to 256 KiB each
                             (plain or JSONL), are shared out; a longer plain
                             file uses four at most [default: all cores]
        --skip-bad           Skip (and count) records that are not JSON objects
                             with a string field, instead of stopping
        --max-record-bytes N Cap on one JSONL record [default: 268435456]
        --max-zstd-window N  Largest window a .zst input frame may declare, in
                             bytes (memory held while decoding it)
                             [default: 134217728, as zstd -d]
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
    -f, --force              Let --stats and --audit replace an existing file
                             that is not an earlier zhclean stats or audit
                             file (never an input)
        --max-audit-edits N  Cap on one document's edits held for --audit
                             (a plain-text file is one document; about 300
                             bytes an edit) [default: 4000000]
    -q, --quiet              No progress bar (it is shown only on a terminal)
    -h, --help               Print this help.
    -V, --version            Print the version.

REPORT:
        --sample N           Documents drawn at random for the page [default: 20]
        --seed N             Seed of that draw (same corpus, same seed, same
                             sample) [default: 0]
        --most-edited N      The N most edited documents, shown too [default: 10]
        --cap-documents N    Documents where a cap was reached, shown too (the
                             first N; all are counted) [default: 20]
        --from-audit FILE    Review a finished run without cleaning again: its
                             --audit file (the FILEs are its inputs, read again)
        --from-stats FILE    With --from-audit: the run's --stats (caps reached)

EXAMPLES:
    zhclean page.txt                          clean one file to stdout
    zhclean convert -c s2twp < in.txt         OpenCC conversion only
    zhclean -p web -o clean.txt a.txt b.txt
    zhclean -j 8 --dedup corpus --stats s.json -o out.jsonl.zst shard-*.jsonl.gz
    zhclean explain --line 3 shard.jsonl      why record 3 changed
    zhclean report -o review.html shard.jsonl  a page to review the cleaning
    zhclean presets ocr-news > my.toml; zhclean --config my.toml in.txt

EXIT CODES:
    0  success (also when the reader of stdout goes away, as with `| head`)
    1  bad input: invalid UTF-8 or a bad JSONL record (the message names
       file, line and byte)
    2  usage error: unknown option, preset or setting, bad value
    3  I/O error: a file could not be read or written
    4  a cap was reached (the message names it and the option that raises it)
";

/// What to do.
pub(crate) enum Command {
    Clean,
    Explain { line: u64 },
    Presets,
    Report(ReportFlags),
}

/// `zhclean report`'s own settings.
pub(crate) struct ReportFlags {
    pub(crate) sample: usize,
    pub(crate) seed: u64,
    pub(crate) most_edited: usize,
    pub(crate) cap_documents: usize,
    /// Review a finished run: its audit (and stats) instead of cleaning.
    pub(crate) from_audit: Option<PathBuf>,
    pub(crate) from_stats: Option<PathBuf>,
}

/// The validated arguments.
pub(crate) struct Args {
    pub(crate) command: Command,
    pub(crate) files: Vec<PathBuf>,
    pub(crate) output: Option<PathBuf>,
    pub(crate) config: CleanConfig,
    pub(crate) corpus: CorpusOptions,
    pub(crate) jsonl: bool,
    pub(crate) stats: Option<PathBuf>,
    pub(crate) audit: Option<PathBuf>,
    pub(crate) quiet: bool,
    /// Let `--stats` and `--audit` replace a file this program did not write.
    pub(crate) force: bool,
    /// The largest zstd window an input frame may declare, in bytes.
    pub(crate) max_zstd_window: u64,
}

/// Reads the command line into [`Flags`]; `None` when it asked for help
/// or the version, which are printed.
pub(crate) fn parse_args() -> Result<Option<Args>, Failure> {
    match lex(lexopt::Parser::from_env())? {
        Some(flags) => validate(flags).map(Some),
        None => Ok(None),
    }
}

/// The arguments as given, before any is checked against another.
struct Flags {
    subcommand: Option<String>,
    files: Vec<PathBuf>,
    output: Option<PathBuf>,
    stats: Option<PathBuf>,
    audit: Option<PathBuf>,
    config_file: Option<PathBuf>,
    preset: Option<String>,
    to: Option<String>,
    lossy: bool,
    no_tofu: bool,
    jsonl: bool,
    quiet: bool,
    force: bool,
    max_zstd_window: u64,
    strict: bool,
    max_line: Option<usize>,
    line: u64,
    corpus: CorpusOptions,
    dedup: CorpusDedupConfig,
    dedup_on: bool,
    report: ReportFlags,
}

fn lex(mut p: lexopt::Parser) -> Result<Option<Flags>, Failure> {
    use lexopt::prelude::*;
    let usage = |e: lexopt::Error| Failure::Usage(e.to_string());
    let mut files = Vec::new();
    let (mut output, mut stats, mut audit, mut config_file) = (None, None, None, None);
    let mut preset: Option<String> = None;
    let (mut lossy, mut no_tofu, mut jsonl, mut quiet, mut strict) = (false, false, false, false, false);
    let mut force = false;
    let mut max_zstd_window = zhclean::corpus::compress::DEFAULT_MAX_ZSTD_WINDOW;
    let mut max_line = None;
    let mut to: Option<String> = None;
    let mut subcommand: Option<String> = None;
    let mut line = 1u64;
    let mut corpus = CorpusOptions::default();
    let mut dedup = CorpusDedupConfig::default();
    let mut dedup_on = false;
    let mut report =
        ReportFlags { sample: 20, seed: 0, most_edited: 10, cap_documents: 20, from_audit: None, from_stats: None };
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
            Long("max-zstd-window") => {
                max_zstd_window = p.value().map_err(usage)?.parse().map_err(usage)?;
            }
            Long("max-audit-edits") => corpus.max_audit_edits = p.value().map_err(usage)?.parse().map_err(usage)?,
            Short('q') | Long("quiet") => quiet = true,
            Short('f') | Long("force") => force = true,
            Long("line") => line = p.value().map_err(usage)?.parse().map_err(usage)?,
            Long("sample") => report.sample = p.value().map_err(usage)?.parse().map_err(usage)?,
            Long("seed") => report.seed = p.value().map_err(usage)?.parse().map_err(usage)?,
            Long("most-edited") => report.most_edited = p.value().map_err(usage)?.parse().map_err(usage)?,
            Long("cap-documents") => report.cap_documents = p.value().map_err(usage)?.parse().map_err(usage)?,
            Long("from-audit") => report.from_audit = Some(PathBuf::from(p.value().map_err(usage)?)),
            Long("from-stats") => report.from_stats = Some(PathBuf::from(p.value().map_err(usage)?)),
            Value(v)
                if subcommand.is_none()
                    && files.is_empty()
                    && ["convert", "explain", "presets", "report"].contains(&v.to_str().unwrap_or("")) =>
            {
                subcommand = v.into_string().ok();
            }
            Value(v) => files.push(PathBuf::from(v)),
            _ => return Err(Failure::Usage(arg.unexpected().to_string())),
        }
    }
    Ok(Some(Flags {
        subcommand,
        files,
        output,
        stats,
        audit,
        config_file,
        preset,
        to,
        lossy,
        no_tofu,
        jsonl,
        quiet,
        force,
        max_zstd_window,
        strict,
        max_line,
        line,
        corpus,
        dedup,
        dedup_on,
        report,
    }))
}

/// Checks the flags against each other and builds the library's
/// configuration from them.
fn validate(f: Flags) -> Result<Args, Failure> {
    let Flags {
        subcommand,
        files,
        output,
        stats,
        audit,
        config_file,
        preset,
        to,
        lossy,
        no_tofu,
        jsonl,
        quiet,
        force,
        max_zstd_window,
        strict,
        max_line,
        line,
        mut corpus,
        dedup,
        dedup_on,
        report,
    } = f;
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
    if corpus.threads > zhclean::corpus::MAX_THREADS {
        return Err(Failure::Usage(format!(
            "--threads {} is more than {}; output is the same for any number, so use at most the cores you have",
            corpus.threads,
            zhclean::corpus::MAX_THREADS
        )));
    }
    let command = match subcommand.as_deref() {
        Some("explain") => {
            if files.len() != 1 {
                return Err(Failure::Usage("explain takes exactly one FILE".into()));
            }
            Command::Explain { line }
        }
        Some("presets") => Command::Presets,
        Some("report") => {
            if files.is_empty() {
                return Err(Failure::Usage("report takes one or more FILEs".into()));
            }
            if corpus.dedup.is_some() {
                return Err(Failure::Usage(
                    "report does not run corpus dedup (--dedup corpus): review a run without it".into(),
                ));
            }
            if report.from_stats.is_some() && report.from_audit.is_none() {
                return Err(Failure::Usage("--from-stats goes with --from-audit (the run's edits)".into()));
            }
            Command::Report(report)
        }
        _ => Command::Clean,
    };
    corpus.collect_edits = stats.is_some() || audit.is_some() || matches!(command, Command::Explain { .. });
    Ok(Args { command, files, output, config, corpus, jsonl, stats, audit, quiet, force, max_zstd_window })
}
