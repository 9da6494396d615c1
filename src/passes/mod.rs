//! The cleaning passes, one module each, in pipeline order.
//!
//! | pass | what it does | held bytes |
//! |---|---|---|
//! | [`unicode`] | NFC, radicals, full-width ASCII, invisibles, spaces, newlines | 0 |
//! | [`pinyin`] | pinyin annotations after characters, mangled ones too | 0 |
//! | [`script`] | Traditional ↔ Simplified, exactly OpenCC 1.4.2 | < 16 chars per stage |
//! | [`chrome`] | breadcrumbs, copyright/ICP/备案, contact and support footers | one line (≤ line cap) |
//! | [`caption`] | marked captions, photo credits, page-jump markers | one short line + one line |
//! | [`rejoin`] | paragraphs cut by a column or page end, joined back | the open paragraph (≤ line cap) |
//! | [`dedup`] | paragraphs and long spans printed twice in a document | one line + window hashes (capped) |
//! | [`punct`] | full-width punctuation, paired quotes, body/headline spacing | one line piece (≤ line cap) |
//! | [`paragraphs`] | one paragraph per line (output stage) | ≤ 1 KiB of whitespace |

pub mod caption;
pub mod chrome;
pub mod dedup;
pub mod paragraphs;
pub mod pinyin;
pub mod punct;
pub mod rejoin;
pub mod script;
pub mod unicode;
