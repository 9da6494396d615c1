//! Output files written under a temporary name and renamed into place
//! when the whole run succeeded.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use crate::Failure;

/// A file written under a temporary name and renamed on success.
pub(crate) struct Staged {
    path: PathBuf,
    tmp: PathBuf,
    /// Renamed into place: nothing to clean up.
    done: bool,
}

impl Staged {
    pub(crate) fn create(path: &Path) -> Result<(Staged, File), Failure> {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
        let tmp = dir.join(format!(".{name}.zhclean-{}.tmp", std::process::id()));
        let file = File::create(&tmp)
            .map_err(|e| Failure::Io(format!("{}: cannot create temporary file: {e}", path.display())))?;
        Ok((Staged { path: path.to_path_buf(), tmp, done: false }, file))
    }

    pub(crate) fn commit(mut self) -> Result<(), Failure> {
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

pub(crate) fn write_err(path: &str) -> impl Fn(io::Error) -> Failure + '_ {
    move |e| Failure::Io(format!("{path}: write failed: {e}"))
}
