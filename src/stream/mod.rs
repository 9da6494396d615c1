//! Framing: turning bytes into the complete UTF-8 lines passes consume.
//!
//! See [`Stream`](crate::Stream) for the public streaming API; this module
//! holds the framer, which is the only code that deals with chunk
//! boundaries.

pub(crate) mod framer;

pub use framer::LOOKAHEAD;
