//! The `zhclean` command: a thin shell over the library. Arguments become a
//! `CleanConfig`; every file (or stdin) is one document cleaned by
//! `Cleaner::clean_reader`. No cleaning logic lives here.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use zhclean::{CleanConfig, Cleaner, ErrorKind, ScriptConfig};

const HELP: &str = "\
zhclean: repair Chinese text from newspaper/magazine OCR and web crawls

USAGE:
    zhclean [OPTIONS] [FILE...]
    zhclean convert -c CONFIG [OPTIONS] [FILE...]   (script conversion only)

Each FILE (or stdin when none is given, or for '-') is one document.
Output goes to stdout, or to -o FILE, one paragraph per line.

OPTIONS:
    -o, --output FILE        Write to FILE. The output is written to a
                             temporary file that is renamed on success, so
                             an error never leaves a partial FILE.
    -p, --preset NAME        default, ocr-news, web or minimal [default: default]
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
    -h, --help               Print this help.
    -V, --version            Print the version.

EXAMPLES:
    zhclean page.txt                      clean one file to stdout
    zhclean convert -c s2twp < in.txt     OpenCC conversion only
    zhclean -p web -o clean.txt a.txt b.txt
    cat scan.txt | zhclean --lossy > out.txt

EXIT CODES:
    0  success (also when the reader of stdout goes away, as with `| head`)
    1  bad input: invalid UTF-8 (the message names file, line and byte)
    2  usage error: unknown option or preset, bad value
    3  I/O error: a file could not be read or written
";

struct Args {
    files: Vec<PathBuf>,
    output: Option<PathBuf>,
    config: CleanConfig,
}

enum Failure {
    Usage(String),
    Input(String),
    Io(String),
}

fn parse_args() -> Result<Option<Args>, Failure> {
    use lexopt::prelude::*;
    let mut p = lexopt::Parser::from_env();
    let mut files = Vec::new();
    let mut output = None;
    let mut preset = "default".to_string();
    let mut lossy = false;
    let mut max_line = None;
    let mut to: Option<String> = None;
    let mut no_tofu = false;
    let mut convert_only = false;
    let usage = |e: lexopt::Error| Failure::Usage(e.to_string());
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
            Short('p') | Long("preset") => preset = p.value().map_err(usage)?.string().map_err(usage)?,
            Long("lossy") => lossy = true,
            Short('c') | Long("to") => to = Some(p.value().map_err(usage)?.string().map_err(usage)?),
            Long("no-tofu-risk") => no_tofu = true,
            Value(v) if v == "convert" && files.is_empty() && !convert_only => convert_only = true,
            Long("max-line-bytes") => max_line = Some(p.value().map_err(usage)?.parse::<usize>().map_err(usage)?),
            Value(v) => files.push(PathBuf::from(v)),
            _ => return Err(Failure::Usage(arg.unexpected().to_string())),
        }
    }
    let mut config = if convert_only {
        if to.is_none() {
            return Err(Failure::Usage("convert needs -c CONFIG (for example -c t2s)".into()));
        }
        CleanConfig::identity()
    } else {
        CleanConfig::preset(&preset).map_err(|e| Failure::Usage(e.to_string()))?
    };
    match to.as_deref() {
        Some("none") => config.script = None,
        Some(name) => config.script = Some(ScriptConfig::new(name)),
        None => {}
    }
    if let Some(s) = &mut config.script {
        s.include_tofu_risk = !no_tofu;
    }
    config.lossy = lossy;
    if let Some(n) = max_line {
        config.max_line_bytes = n;
    }
    Ok(Some(Args { files, output, config }))
}

fn describe(e: zhclean::Error, source: &str) -> Failure {
    let e = e.with_source(source);
    match e.kind() {
        ErrorKind::Io => Failure::Io(e.to_string()),
        ErrorKind::Config => Failure::Usage(e.to_string()),
        _ => Failure::Input(e.to_string()),
    }
}

fn is_broken_pipe(e: &zhclean::Error) -> bool {
    e.io_error().is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
}

/// Cleans every input into `out`.
fn run_into(cleaner: &Cleaner, files: &[PathBuf], out: &mut dyn Write) -> Result<(), Failure> {
    let stdin_only = [PathBuf::from("-")];
    let files = if files.is_empty() { &stdin_only[..] } else { files };
    for f in files {
        let name = f.display().to_string();
        let result = if f.as_os_str() == "-" {
            cleaner.clean_reader(io::stdin().lock(), &mut *out)
        } else {
            let file = File::open(f).map_err(|e| Failure::Io(format!("{name}: cannot open: {e}")))?;
            cleaner.clean_reader(file, &mut *out)
        };
        match result {
            Ok(sum) if sum.replaced > 0 => {
                eprintln!("zhclean: {name}: replaced {} invalid UTF-8 sequence(s) with U+FFFD", sum.replaced);
            }
            Ok(_) => {}
            Err(e) if is_broken_pipe(&e) => return Ok(()),
            Err(e) => return Err(describe(e, if f.as_os_str() == "-" { "<stdin>" } else { &name })),
        }
    }
    Ok(())
}

/// Writes to a temporary file beside `path`, renamed over it on success.
fn run_to_file(cleaner: &Cleaner, files: &[PathBuf], path: &Path) -> Result<(), Failure> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.zhclean-{}.tmp", std::process::id()));
    let io_err = |what: &str, e: io::Error| Failure::Io(format!("{}: {what}: {e}", path.display()));
    let file = File::create(&tmp).map_err(|e| io_err("cannot create temporary file", e))?;
    let mut w = BufWriter::new(file);
    let result = run_into(cleaner, files, &mut w)
        .and_then(|()| w.flush().map_err(|e| io_err("write failed", e)))
        .and_then(|()| fs::rename(&tmp, path).map_err(|e| io_err("cannot rename temporary file", e)));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn main() -> ExitCode {
    let result = parse_args().and_then(|args| {
        let Some(args) = args else { return Ok(()) };
        let cleaner = Cleaner::new(args.config).map_err(|e| Failure::Usage(e.to_string()))?;
        match &args.output {
            Some(path) => run_to_file(&cleaner, &args.files, path),
            None => {
                let stdout = io::stdout().lock();
                let mut w = BufWriter::with_capacity(64 * 1024, stdout);
                run_into(&cleaner, &args.files, &mut w)?;
                match w.flush() {
                    Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                    r => r.map_err(|e| Failure::Io(format!("<stdout>: write failed: {e}"))),
                }
            }
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
    }
}
