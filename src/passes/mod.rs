//! The cleaning passes, one module each, and [`PassId`]: the one place
//! that says which passes exist, their order and how each is built.
//!
//! | pass | what it does | held bytes |
//! |---|---|---|
//! | [`unicode`] | NFC, radicals, full-width ASCII, invisibles, spaces, newlines | 0 |
//! | [`pinyin`] | pinyin annotations after characters, mangled ones too | 0 |
//! | [`script`] | Traditional ↔ Simplified, exactly OpenCC 1.4.2 | < 16 chars per stage |
//! | [`chrome`] | breadcrumbs, copyright/ICP/备案, contact and support footers | one line (≤ line cap); a push's text places (≤ 1.5 MiB) |
//! | [`caption`] | marked captions, photo credits, page-jump markers | one short line + one line |
//! | [`unwrap`] | hard-wrapped lines back into paragraphs; running heads and feet | a run of short lines (≤ 256) |
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
pub mod unwrap;

use crate::config::{CleanConfig, OutputMode};
use crate::error::Error;
use crate::pass::Pass;
use crate::Opencc;

/// Every pass, in pipeline order. The pipeline, the property tests, the
/// benches, the fuzz targets and corpus mode all take the order and the
/// names from here: adding a pass means a module, a variant here, its
/// config field, and a line in [`PassId::build`].
///
/// ```
/// use zhclean::passes::PassId;
/// let names: Vec<_> = PassId::ALL.iter().map(|p| p.name()).collect();
/// assert_eq!(names[0], "unicode");
/// assert_eq!(PassId::from_name("dedup"), Some(PassId::Dedup));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PassId {
    /// [`unicode`]
    Unicode,
    /// [`pinyin`]
    Pinyin,
    /// [`script`]
    Script,
    /// [`chrome`]
    Chrome,
    /// [`caption`]
    Caption,
    /// [`unwrap`]
    Unwrap,
    /// [`rejoin`]
    Rejoin,
    /// [`dedup`]
    Dedup,
    /// [`punct`]
    Punct,
    /// [`paragraphs`]
    Paragraphs,
}

impl PassId {
    /// Every pass, in the order they run.
    pub const ALL: [PassId; 10] = [
        PassId::Unicode,
        PassId::Pinyin,
        PassId::Script,
        PassId::Chrome,
        PassId::Caption,
        PassId::Unwrap,
        PassId::Rejoin,
        PassId::Dedup,
        PassId::Punct,
        PassId::Paragraphs,
    ];

    /// The stable snake_case name shared by config, CLI, stats and audit
    /// records (and returned by the pass's [`Pass::name`]).
    pub const fn name(self) -> &'static str {
        match self {
            PassId::Unicode => "unicode",
            PassId::Pinyin => "pinyin",
            PassId::Script => "script",
            PassId::Chrome => "chrome",
            PassId::Unwrap => "unwrap",
            PassId::Caption => "caption",
            PassId::Rejoin => "rejoin",
            PassId::Dedup => "dedup",
            PassId::Punct => "punct",
            PassId::Paragraphs => "paragraphs",
        }
    }

    /// The pass of that name.
    pub fn from_name(name: &str) -> Option<PassId> {
        PassId::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Whether `cfg` runs this pass.
    pub fn enabled(self, cfg: &CleanConfig) -> bool {
        match self {
            PassId::Unicode => cfg.unicode.is_some(),
            PassId::Pinyin => cfg.pinyin.is_some(),
            PassId::Script => cfg.script.is_some(),
            PassId::Chrome => cfg.chrome.is_some(),
            PassId::Unwrap => cfg.unwrap.is_some(),
            PassId::Caption => cfg.caption.is_some(),
            PassId::Rejoin => cfg.rejoin.is_some(),
            PassId::Dedup => cfg.dedup.is_some(),
            PassId::Punct => cfg.punct.is_some(),
            PassId::Paragraphs => cfg.output == OutputMode::Paragraphs,
        }
    }

    /// The passes `cfg` runs, in order.
    pub fn enabled_in(cfg: &CleanConfig) -> Vec<PassId> {
        PassId::ALL.into_iter().filter(|p| p.enabled(cfg)).collect()
    }

    /// A fresh instance with `cfg`'s settings, or `None` when `cfg` does
    /// not run this pass.
    pub fn build(self, cfg: &CleanConfig, compiled: &Compiled) -> Option<Box<dyn Pass>> {
        if !self.enabled(cfg) {
            return None;
        }
        Some(match self {
            PassId::Unicode => Box::new(unicode::UnicodePass::new(cfg.unicode.clone()?)),
            PassId::Pinyin => Box::new(pinyin::PinyinPass::new()),
            PassId::Script => {
                let max = cfg.script.as_ref()?.max_ids_hold_bytes;
                Box::new(script::ScriptPass::new(compiled.opencc.as_ref()?).max_ids_hold(max))
            }
            PassId::Chrome => Box::new(chrome::ChromePass::new()),
            PassId::Unwrap => Box::new(unwrap::UnwrapPass::new(cfg.unwrap.clone()?).with_rejoin(cfg.rejoin.clone())),
            PassId::Caption => Box::new(caption::CaptionPass::with_config(cfg.caption.clone()?)),
            PassId::Rejoin => Box::new(rejoin::RejoinPass::new(cfg.rejoin.clone()?)),
            // Dedup asks the caption and chrome rules only when those passes
            // run (see `dedup::DedupPass::after_passes`).
            PassId::Dedup => Box::new(
                dedup::DedupPass::new(cfg.dedup.clone()?)
                    .after_passes(PassId::Caption.enabled(cfg), PassId::Chrome.enabled(cfg))
                    .after_pinyin(PassId::Pinyin.enabled(cfg))
                    .after_rejoin(cfg.rejoin.as_ref().map(|r| r.min_body_chars))
                    .after_heads(cfg.unwrap.as_ref().is_some_and(|u| u.running_heads)),
            ),
            PassId::Punct => Box::new(punct::PunctPass::new(cfg.punct.clone()?)),
            PassId::Paragraphs => Box::new(paragraphs::ParagraphsPass::new().max_held(cfg.max_line_bytes)),
        })
    }
}

/// The data passes compile once and share across documents and threads
/// (the converter's dictionaries). Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct Compiled {
    opencc: Option<Opencc>,
}

impl Compiled {
    /// Compiles what `cfg`'s passes need.
    ///
    /// # Errors
    /// A conversion config that does not load.
    pub fn new(cfg: &CleanConfig) -> Result<Compiled, Error> {
        let opencc = match &cfg.script {
            Some(s) => Some(Opencc::with_options(&s.config, s.include_tofu_risk)?),
            None => None,
        };
        // After the unicode pass's NFC, which runs before the script pass,
        // the converter's normalization (compatibility ideographs) has
        // nothing left to match: its stages are left out.
        let nfc = cfg.unicode.as_ref().is_some_and(|u| u.nfc);
        let opencc = opencc.map(|c| if nfc { c.for_nfc_text() } else { c });
        Ok(Compiled { opencc })
    }

    /// Every pass `cfg` runs, fresh, in order.
    pub fn chain(&self, cfg: &CleanConfig) -> Vec<Box<dyn Pass>> {
        PassId::ALL.into_iter().filter_map(|p| p.build(cfg, self)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pass_names_itself_as_the_registry_does() {
        let cfg = CleanConfig::default();
        let compiled = Compiled::new(&cfg).unwrap();
        for id in PassId::ALL {
            let pass = id.build(&cfg, &compiled).expect("the default runs every pass");
            assert_eq!(pass.name(), id.name());
            assert_eq!(PassId::from_name(id.name()), Some(id));
        }
        assert_eq!(PassId::from_name("framer"), None);
    }

    #[test]
    fn compatibility_ideographs_are_mapped_with_nfc_on_or_off() {
        // NFC maps U+F92C to U+90CE; the script pass, which then leaves out
        // the converter's normalization, maps it itself when NFC is off.
        let text = "\u{F92C}君說\n";
        for nfc in [true, false] {
            let mut cfg = CleanConfig::default();
            cfg.unicode = cfg.unicode.map(|u| u.nfc(nfc));
            assert_eq!(crate::Cleaner::new(cfg).unwrap().clean(text), "郎君说\n", "nfc {nfc}");
        }
        let cfg = CleanConfig { unicode: None, ..CleanConfig::default() };
        assert_eq!(crate::Cleaner::new(cfg).unwrap().clean(text), "郎君说\n", "without the unicode pass");
    }

    #[test]
    fn a_pass_left_out_is_not_built() {
        let cfg = CleanConfig::preset("minimal").unwrap();
        let compiled = Compiled::new(&cfg).unwrap();
        assert_eq!(PassId::enabled_in(&cfg), vec![PassId::Unicode]);
        assert_eq!(compiled.chain(&cfg).len(), 1);
        assert!(PassId::Script.build(&cfg, &compiled).is_none());
    }
}
