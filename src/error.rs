//! The one error type of the crate.
//!
//! An [`Error`] is opaque: match on [`Error::kind`], read the
//! [`Location`] it carries, and print it with `Display`, which names the
//! source, line and byte. New kinds can be added without breaking callers
//! because [`ErrorKind`] is `#[non_exhaustive]`.

use std::fmt;
use std::io;

/// Where in the input an error happened.
///
/// `line` is 1-based; `byte` is the 0-based offset of the offending byte
/// from the start of the document (or file) that was being read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    /// The file path or document id, when the caller named one.
    pub source: Option<String>,
    /// 1-based line number.
    pub line: u64,
    /// 0-based byte offset from the start of the input.
    pub byte: u64,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Line 0: no place in the input (lines count from 1), only a source.
        match (&self.source, self.line) {
            (Some(src), 0) => write!(f, "{src}"),
            (Some(src), _) => write!(f, "{src}: line {}, byte {}", self.line, self.byte),
            (None, _) => write!(f, "line {}, byte {}", self.line, self.byte),
        }
    }
}

/// What went wrong.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Reading or writing failed.
    Io,
    /// The input is not valid UTF-8 (and the lossy policy was not chosen).
    InvalidUtf8,
    /// The configuration is invalid (unknown preset, bad value).
    Config,
    /// A JSONL record is not valid JSON, is not an object, lacks the text
    /// field, or its field is not a string (corpus mode).
    BadRecord,
    /// A configured cap was reached (the message names the cap and how to
    /// raise it).
    Cap,
}

/// The error returned by every fallible operation in this crate.
///
/// (Boxed: a `Result<(), Error>` is then one word, returned in a register.
/// Every pass returns one at every push and finish, and unboxed, 80 bytes
/// were copied out at each call and at each `?`: a hundredth of a one-line
/// document's instructions.)
pub struct Error(Box<Inner>);

struct Inner {
    kind: ErrorKind,
    message: String,
    location: Option<Location>,
    source: Option<io::Error>,
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Inner { kind, message, location, source } = &*self.0;
        f.debug_struct("Error")
            .field("kind", kind)
            .field("message", message)
            .field("location", location)
            .field("source", source)
            .finish()
    }
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error(Box::new(Inner { kind, message: message.into(), location: None, source: None }))
    }

    pub(crate) fn cap(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Cap, message)
    }

    pub(crate) fn config(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Config, message)
    }

    pub(crate) fn at(mut self, location: Location) -> Error {
        self.0.location = Some(location);
        self
    }

    /// Names the file or document the error happened in, keeping the line
    /// and byte already recorded. Used by callers that know the path.
    #[must_use]
    pub fn with_source(mut self, source: impl Into<String>) -> Error {
        let loc = self.0.location.get_or_insert_with(Location::default);
        loc.source = Some(source.into());
        self
    }

    /// The kind of error.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// Where it happened, when the error is tied to a place in the input.
    pub fn location(&self) -> Option<&Location> {
        self.0.location.as_ref()
    }

    /// The underlying I/O error, for [`ErrorKind::Io`].
    pub fn io_error(&self) -> Option<&io::Error> {
        self.0.source.as_ref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = &self.0.location {
            write!(f, "{loc}: ")?;
        }
        f.write_str(&self.0.message)?;
        if let Some(e) = &self.0.source {
            write!(f, ": {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source.as_ref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        Error(Box::new(Inner { kind: ErrorKind::Io, message: "I/O error".into(), location: None, source: Some(e) }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_source_line_and_byte() {
        let e = Error::new(ErrorKind::InvalidUtf8, "invalid UTF-8")
            .at(Location { source: None, line: 3, byte: 17 })
            .with_source("a.txt");
        assert_eq!(e.to_string(), "a.txt: line 3, byte 17: invalid UTF-8");
        assert_eq!(e.kind(), ErrorKind::InvalidUtf8);
        // Without a place in the input, only the source.
        assert_eq!(Error::cap("too many").with_source("a.txt").to_string(), "a.txt: too many");
    }

    #[test]
    fn a_result_of_nothing_or_an_error_is_one_word() {
        // Every pass returns one at every call: it must come back in a
        // register, not be copied out through memory.
        assert_eq!(std::mem::size_of::<Result<(), Error>>(), std::mem::size_of::<usize>());
        // Its Debug form is the struct's, as before the box.
        let e = Error::cap("too many");
        assert_eq!(format!("{e:?}"), r#"Error { kind: Cap, message: "too many", location: None, source: None }"#);
    }

    #[test]
    fn io_error_keeps_its_source() {
        let e: Error = io::Error::new(io::ErrorKind::NotFound, "gone").into();
        assert_eq!(e.kind(), ErrorKind::Io);
        assert!(std::error::Error::source(&e).is_some());
        assert!(e.to_string().contains("gone"));
    }
}
