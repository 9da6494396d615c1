//! Output files: checked before the run, written under a temporary name
//! beside their target and renamed into place when the whole run
//! succeeded.
//!
//! What `-o`, `--stats` and `--audit` do with each kind of path:
//!
//! * a new path, or an existing regular file: written to a temporary file
//!   in the same directory, renamed over the path on success (an existing
//!   file keeps its permissions); on failure the temporary file goes and
//!   the path is untouched;
//! * a symbolic link: followed; its target is written as above (the link
//!   stays a link);
//! * a character device or a FIFO (`/dev/null`, `/dev/stdout`, a named
//!   pipe): opened and written directly, never replaced;
//! * a directory, or any other kind of file: an error before the run.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::Failure;

/// Temporary files are named `.zhclean-PID-N.tmp`: short (any output name
/// that fits the directory fits), and recognisable as this program's.
const TMP_PREFIX: &str = ".zhclean-";

/// An output file being written.
pub(crate) struct Staged {
    path: PathBuf,
    /// The temporary file renamed over `path` on commit; `None` for a file
    /// written directly (a device or a FIFO).
    tmp: Option<PathBuf>,
    /// Renamed into place: nothing to clean up.
    done: bool,
}

/// The directory `p` is in (`.` for a bare file name).
fn dir_of(p: &Path) -> &Path {
    p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Where an output path leads, symbolic links followed.
enum Kind {
    /// A regular file that exists, with its permissions.
    File(fs::Permissions),
    /// Nothing there yet.
    New,
    /// A character device or a FIFO: written in place.
    Special,
}

/// The path an output is written to: `path` with symbolic links followed
/// (a dangling link leads to where its target would be), and what is there.
fn resolve(path: &Path) -> Result<(PathBuf, Kind), Failure> {
    let bad = |why: String| Failure::Usage(format!("{}: {why}", path.display()));
    if path.as_os_str().is_empty() {
        return Err(Failure::Usage("an output path is empty".into()));
    }
    let mut target = path.to_path_buf();
    // Follow links one at a time, so that a dangling one still names where
    // the file is to go (at most 40 hops, like the kernel).
    for _ in 0..40 {
        match fs::symlink_metadata(&target) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = fs::read_link(&target).map_err(|e| bad(format!("cannot read link: {e}")))?;
                target = match target.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            Ok(m) => {
                use std::os::unix::fs::FileTypeExt;
                let t = m.file_type();
                return if t.is_file() {
                    Ok((target, Kind::File(m.permissions())))
                } else if t.is_char_device() || t.is_fifo() {
                    Ok((target, Kind::Special))
                } else if t.is_dir() {
                    Err(bad("is a directory".into()))
                } else {
                    Err(bad("is not a regular file, a character device or a FIFO".into()))
                };
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let dir = dir_of(&target);
                if !dir.is_dir() {
                    return Err(bad(format!("no directory {}", dir.display())));
                }
                if target.file_name().is_none() {
                    return Err(bad("names no file".into()));
                }
                return Ok((target, Kind::New));
            }
            Err(e) => return Err(bad(format!("cannot look at it: {e}"))),
        }
    }
    Err(bad("too many levels of symbolic links".into()))
}

impl Staged {
    /// Opens `path` for writing (see the module docs for each kind of path).
    pub(crate) fn create(path: &Path) -> Result<(Staged, File), Failure> {
        let (target, kind) = resolve(path)?;
        let io_err = |what: &str, e: io::Error| Failure::Io(format!("{}: {what}: {e}", path.display()));
        let perms = match kind {
            Kind::Special => {
                let file = OpenOptions::new().write(true).open(&target).map_err(|e| io_err("cannot open", e))?;
                return Ok((Staged { path: target, tmp: None, done: false }, file));
            }
            Kind::File(p) => Some(p),
            Kind::New => None,
        };
        let (tmp, file) =
            create_tmp(dir_of(&target)).map_err(|e| io_err("cannot create a temporary file beside it", e))?;
        if let Some(p) = perms {
            // Keep an existing file's mode (a 0600 output stays 0600).
            if let Err(e) = file.set_permissions(p) {
                let _ = fs::remove_file(&tmp);
                return Err(io_err("cannot set the temporary file's permissions", e));
            }
        }
        Ok((Staged { path: target, tmp: Some(tmp), done: false }, file))
    }

    /// Renames the temporary file into place.
    pub(crate) fn commit(mut self) -> Result<(), Failure> {
        if let Some(tmp) = &self.tmp {
            fs::rename(tmp, &self.path)
                .map_err(|e| Failure::Io(format!("{}: cannot rename temporary file: {e}", self.path.display())))?;
            forget_tmp(tmp);
        }
        self.done = true;
        Ok(())
    }
}

/// The temporary files of this run not yet renamed or removed: what a
/// SIGINT or SIGTERM handler removes before the process exits.
static TEMPORARIES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn forget_tmp(tmp: &Path) {
    if let Ok(mut t) = TEMPORARIES.lock() {
        t.retain(|p| p != tmp);
    }
}

/// Installs what makes an interrupted run leave no temporary file: on
/// SIGINT, SIGTERM or SIGHUP the temporaries are removed and the process
/// exits with 128 + the signal; SIGXFSZ (a file-size limit reached) is
/// caught, so the write fails with an error naming the file and the normal
/// error path removes them. SIGKILL cannot be caught: a later run reports
/// what it left (see [`check_outputs`]).
pub(crate) fn clean_up_on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGXFSZ};
    let _ = signal_hook::flag::register(SIGXFSZ, std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)));
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else { return };
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            if let Ok(t) = TEMPORARIES.lock() {
                for p in t.iter() {
                    let _ = fs::remove_file(p);
                }
            }
            std::process::exit(128 + sig);
        }
    });
}

/// A new temporary file in `dir`, created exclusively.
fn create_tmp(dir: &Path) -> io::Result<(PathBuf, File)> {
    let pid = std::process::id();
    for n in 0.. {
        let tmp = dir.join(format!("{TMP_PREFIX}{pid}-{n}.tmp"));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => {
                if let Ok(mut t) = TEMPORARIES.lock() {
                    t.push(tmp.clone());
                }
                return Ok((tmp, f));
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1000 => continue,
            Err(e) => return Err(e),
        }
    }
    unreachable!("the loop returns")
}

/// A staged file not committed is removed however the run ends: with an
/// error, or a panic in a worker thread unwinding through `clean`.
impl Drop for Staged {
    fn drop(&mut self) {
        if let (false, Some(tmp)) = (self.done, &self.tmp) {
            let _ = fs::remove_file(tmp);
            forget_tmp(tmp);
        }
    }
}

pub(crate) fn write_err(path: &str) -> impl Fn(io::Error) -> Failure + '_ {
    move |e| Failure::Io(format!("{path}: write failed: {e}"))
}

/// What a side output holds, to recognise one this program wrote.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Stats,
    Audit,
}

/// The outputs of a run, checked before it starts: no two name the same
/// file; `--stats` and `--audit` name no input (`-o` may: cleaning a file
/// in place works, through the temporary file); and a side output replaces
/// an existing file only when it is empty or one this program wrote
/// (stats JSON, audit JSON lines), unless `force`.
pub(crate) fn check_outputs(
    inputs: &[PathBuf],
    output: Option<&Path>,
    sides: &[(Side, &Path)],
    force: bool,
) -> Result<(), Failure> {
    let same_file = |a: &Path, b: &Path| -> bool {
        use std::os::unix::fs::MetadataExt;
        match (fs::metadata(a), fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => absolute(a) == absolute(b),
        }
    };
    let mut outs: Vec<(&str, &Path)> = Vec::new();
    if let Some(o) = output {
        outs.push(("-o", o));
    }
    for (side, p) in sides {
        outs.push((if *side == Side::Stats { "--stats" } else { "--audit" }, p));
    }
    for (i, (a_flag, a)) in outs.iter().enumerate() {
        let (target, _) = resolve(a)?;
        report_stale(dir_of(&target));
        for (b_flag, b) in &outs[i + 1..] {
            if same_file(a, b) {
                return Err(Failure::Usage(format!(
                    "{a_flag} and {b_flag} name the same file ({}); give each output its own path",
                    a.display()
                )));
            }
        }
    }
    for (side, p) in sides {
        let flag = if *side == Side::Stats { "--stats" } else { "--audit" };
        if let Some(input) = inputs.iter().find(|i| i.as_os_str() != "-" && same_file(i, p)) {
            return Err(Failure::Usage(format!(
                "{flag} names the input {}: it would be overwritten; name another file for the {}",
                input.display(),
                if *side == Side::Stats { "stats" } else { "audit" }
            )));
        }
        if !force && fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() > 0) && !written_by_us(p, *side) {
            return Err(Failure::Usage(format!(
                "{flag} {}: the file exists and is not a zhclean {} file (an input? {flag} takes a file name); \
                 remove it, name another, or pass --force",
                p.display(),
                if *side == Side::Stats { "stats" } else { "audit" }
            )));
        }
    }
    Ok(())
}

/// The absolute form of `p` for comparing paths of files that do not
/// exist yet: the parent directory resolved, the name kept.
fn absolute(p: &Path) -> PathBuf {
    match (fs::canonicalize(dir_of(p)), p.file_name()) {
        (Ok(d), Some(name)) => d.join(name),
        _ => p.to_path_buf(),
    }
}

/// Whether the start of `p` (decompressed by its extension) is a stats
/// document or audit records as this program writes them.
fn written_by_us(p: &Path, side: Side) -> bool {
    let Ok(reader) = zhclean::corpus::compress::open(p) else { return false };
    let mut head = Vec::new();
    if reader.take(4096).read_to_end(&mut head).is_err() {
        return false;
    }
    let head = String::from_utf8_lossy(&head);
    match side {
        Side::Stats => head.trim_start().starts_with('{') && head.contains("\"documents\""),
        Side::Audit => head.starts_with("{\"file\":") && head.contains("\"pass\":"),
    }
}

/// Says which temporary files in `dir` an earlier run left (killed before
/// it could remove them): named by this program, their process gone.
fn report_stale(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(TMP_PREFIX)).and_then(|n| n.strip_suffix(".tmp"))
        else {
            continue;
        };
        let Some(pid) = rest.split_once('-').and_then(|(p, _)| p.parse::<u32>().ok()) else { continue };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            eprintln!(
                "zhclean: warning: {} was left by an earlier run that was killed (process {pid}); remove it",
                e.path().display()
            );
        }
    }
}
