//! Dictionary data compiled into the crate, and what is built from it.
//!
//! * [`opencc`]: OpenCC 1.4.2's dictionaries and configs, and the exact
//!   converter built from them.
//! * [`words`]: a general word list and Mandarin readings.

mod han_keys;
mod lexicon;
pub mod opencc;
mod trie;
pub mod words;
