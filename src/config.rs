//! Configuration as plain data, with presets.
//!
//! A [`CleanConfig`] says which passes run and how. Each pass owns its
//! config struct (in its module: public fields, `Default`, chained
//! by-value setters); this module gathers them, one `Option` per pass (a
//! pass set to `None` does not run), and holds the presets. Presets are named starting
//! points; change fields on top of them.
//!
//! ```
//! use zhclean::{CleanConfig, OutputMode};
//!
//! let mut cfg = CleanConfig::preset("web").unwrap();
//! cfg.output = OutputMode::Lines;
//! cfg.punct = None; // no punctuation or spacing changes
//! assert!(cfg.unicode.is_some());
//! ```

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::passes::caption::CaptionConfig;
use crate::passes::chrome::ChromeConfig;
use crate::passes::dedup::DedupConfig;
use crate::passes::pinyin::PinyinConfig;
use crate::passes::punct::PunctConfig;
use crate::passes::rejoin::RejoinConfig;
use crate::passes::script::ScriptConfig;
use crate::passes::unicode::UnicodeConfig;
use crate::passes::unwrap::UnwrapConfig;

/// The names [`CleanConfig::preset`] accepts.
pub const PRESETS: &[&str] = &["default", "ocr-news", "web", "minimal"];

/// The smallest accepted [`CleanConfig::max_line_bytes`].
pub const MIN_LINE_BYTES: usize = 16;

/// Which passes run, their settings, and how input and output are framed.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CleanConfig {
    /// Unicode cleanup ([`crate::passes::unicode`]); `None` to skip.
    #[serde(with = "pass_switch")]
    pub unicode: Option<UnicodeConfig>,
    /// Pinyin-annotation stripping ([`crate::passes::pinyin`]); `None` to
    /// skip.
    #[serde(with = "switch")]
    pub pinyin: Option<PinyinConfig>,
    /// Script conversion ([`crate::passes::script`]); `None` to skip.
    #[serde(with = "pass_switch")]
    pub script: Option<ScriptConfig>,
    /// Web chrome removal ([`crate::passes::chrome`]); `None` to skip.
    #[serde(with = "switch")]
    pub chrome: Option<ChromeConfig>,
    /// Photo captions, credits and page-jump markers
    /// ([`crate::passes::caption`]); `None` to skip.
    #[serde(with = "pass_switch")]
    pub caption: Option<CaptionConfig>,
    /// Hard-wrapped lines back into paragraphs, running heads and feet out
    /// ([`crate::passes::unwrap`]); `None` to skip.
    #[serde(with = "pass_switch")]
    pub unwrap: Option<UnwrapConfig>,
    /// Paragraphs cut by a column or page end put back together
    /// ([`crate::passes::rejoin`]); `None` to skip.
    #[serde(with = "pass_switch")]
    pub rejoin: Option<RejoinConfig>,
    /// Repeated paragraphs and spans within a document
    /// ([`crate::passes::dedup`]); `None` to skip.
    #[serde(with = "pass_switch")]
    pub dedup: Option<DedupConfig>,
    /// Punctuation and spacing ([`crate::passes::punct`]); `None` to skip.
    #[serde(with = "pass_switch")]
    pub punct: Option<PunctConfig>,
    /// How paragraphs are laid out in the output.
    pub output: OutputMode,
    /// Lines longer than this many bytes are cut into pieces at a safe
    /// point (see [`crate::stream`]); memory use is bounded by it. Default
    /// 1 MiB, minimum [`MIN_LINE_BYTES`].
    pub max_line_bytes: usize,
    /// Replace invalid UTF-8 with U+FFFD (and count it) instead of failing.
    pub lossy: bool,
    /// Make reaching any cap an [`ErrorKind::Cap`](crate::ErrorKind::Cap)
    /// error naming it, instead of going on with less context. Default off:
    /// every cap bounds how far a pass looks (see
    /// [`CapHit`](crate::CapHit)), reaching one loses nothing, and it
    /// is still reported to the audit and by the CLI.
    pub strict_caps: bool,
}

/// How paragraphs come out.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputMode {
    /// One paragraph per line: blank lines dropped, each line trimmed,
    /// every line ends in `'\n'`.
    Paragraphs,
    /// Lines as the passes left them (blank lines and indentation kept).
    Lines,
}

impl Default for CleanConfig {
    fn default() -> CleanConfig {
        CleanConfig {
            unicode: Some(UnicodeConfig::default()),
            pinyin: Some(PinyinConfig::default()),
            script: Some(ScriptConfig::default()),
            chrome: Some(ChromeConfig::default()),
            caption: Some(Default::default()),
            unwrap: Some(Default::default()),
            rejoin: Some(Default::default()),
            dedup: Some(Default::default()),
            punct: Some(PunctConfig::default()),
            output: OutputMode::Paragraphs,
            max_line_bytes: 1 << 20,
            lossy: false,
            strict_caps: false,
        }
    }
}

impl CleanConfig {
    /// A named preset: `default`, `ocr-news` (newspaper and magazine OCR),
    /// `web` (crawled pages) or `minimal` (Unicode cleanup only, lines kept).
    ///
    /// `default` and `ocr-news` run every pass: each acts only on what it
    /// recognizes (chrome lines do not occur in OCR text), so mixed corpora
    /// get one treatment. `web` leaves out unwrapping and rejoining: in text extracted
    /// from a page a line break is the page's own block boundary, never a
    /// column's wrap, and a block that ends without punctuation (a user's
    /// comment, a list item) followed by another would be joined to it.
    ///
    /// # Errors
    /// An unknown name is an [`ErrorKind::Config`](crate::ErrorKind) error
    /// that lists the valid ones.
    ///
    /// ```
    /// use zhclean::{CleanConfig, Cleaner};
    /// // Under a heading, two user comments, one per line, the first
    /// // without a full stop.
    /// let text = "读者评论\n\
    ///             也延续了松本清张的灰色基调，破碎的，不甘的，真实的，残忍的\n\
    ///             这虽然是一本05年出的书，但其中的几篇文章依然值得思考。\n";
    /// let ocr = Cleaner::new(CleanConfig::preset("ocr-news")?)?;
    /// assert_eq!(ocr.clean(text).lines().count(), 2, "a column wrap, for OCR");
    /// let web = Cleaner::new(CleanConfig::preset("web")?)?;
    /// assert_eq!(web.clean(text), text);
    /// assert!(CleanConfig::preset("nope").unwrap_err().to_string().contains("minimal"));
    /// # Ok::<(), zhclean::Error>(())
    /// ```
    pub fn preset(name: &str) -> Result<CleanConfig, Error> {
        match name {
            "default" | "ocr-news" => Ok(CleanConfig::default()),
            "web" => Ok(CleanConfig { unwrap: None, rejoin: None, ..CleanConfig::default() }),
            "minimal" => Ok(CleanConfig::minimal()),
            _ => Err(Error::config(format!("unknown preset {name:?}; valid presets: {}", PRESETS.join(", ")))),
        }
    }

    /// Unicode cleanup only, lines kept as they are.
    pub fn minimal() -> CleanConfig {
        CleanConfig {
            pinyin: None,
            script: None,
            chrome: None,
            caption: None,
            unwrap: None,
            rejoin: None,
            dedup: None,
            punct: None,
            output: OutputMode::Lines,
            ..CleanConfig::default()
        }
    }

    /// No pass at all and lines kept: output equals input. The baseline the
    /// benches measure framing and copying with.
    pub fn identity() -> CleanConfig {
        CleanConfig {
            unicode: None,
            pinyin: None,
            script: None,
            chrome: None,
            caption: None,
            unwrap: None,
            rejoin: None,
            dedup: None,
            punct: None,
            output: OutputMode::Lines,
            ..CleanConfig::default()
        }
    }

    /// Checks values that cannot be expressed in the types.
    ///
    /// # Errors
    /// [`ErrorKind::Config`](crate::ErrorKind) naming the bad field.
    pub fn validate(&self) -> Result<(), Error> {
        if let Some(s) = &self.script {
            if !crate::dict::opencc::CONFIG_NAMES.contains(&s.config.as_str()) {
                return Err(Error::config(format!(
                    "unknown conversion {:?}; valid: {}",
                    s.config,
                    crate::dict::opencc::CONFIG_NAMES.join(", ")
                )));
            }
        }
        if self.max_line_bytes < MIN_LINE_BYTES {
            return Err(Error::config(format!(
                "max_line_bytes is {}, below the minimum of {MIN_LINE_BYTES}",
                self.max_line_bytes
            )));
        }
        Ok(())
    }
}

#[cfg(feature = "config-file")]
impl CleanConfig {
    /// The configuration as TOML, every setting written out.
    ///
    /// ```
    /// let text = zhclean::CleanConfig::preset("minimal").unwrap().to_toml();
    /// assert!(text.contains("script = false"));
    /// assert_eq!(zhclean::CleanConfig::from_toml(&text).unwrap(), zhclean::CleanConfig::minimal());
    /// ```
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a CleanConfig serializes to TOML")
    }

    /// Reads a configuration file: an optional `preset = "name"` (default
    /// `"default"`), then any settings, which replace the preset's one by
    /// one (a table merges into the preset's table). A pass is turned off
    /// with `name = false` and on with its defaults with `name = true`.
    ///
    /// ```
    /// let cfg = zhclean::CleanConfig::from_toml(r#"
    ///     preset = "ocr-news"
    ///     chrome = false
    ///     [script]
    ///     config = "s2twp"
    ///     [punct]
    ///     quotes = false
    /// "#).unwrap();
    /// assert_eq!(cfg.script.unwrap().config, "s2twp");
    /// assert!(cfg.chrome.is_none() && !cfg.punct.unwrap().quotes);
    /// ```
    ///
    /// # Errors
    /// Invalid TOML, an unknown preset or setting (the message names it
    /// and its line), or an invalid value ([`CleanConfig::validate`]).
    pub fn from_toml(text: &str) -> Result<CleanConfig, Error> {
        CleanConfig::from_toml_over(text, None)
    }

    /// [`CleanConfig::from_toml`], with `preset` (when given) replacing
    /// the file's own `preset` line: what `zhclean -p NAME --config FILE`
    /// does.
    ///
    /// ```
    /// let cfg = zhclean::CleanConfig::from_toml_over("preset = \"default\"\n", Some("minimal")).unwrap();
    /// assert_eq!(cfg, zhclean::CleanConfig::minimal());
    /// ```
    ///
    /// # Errors
    /// As [`CleanConfig::from_toml`].
    pub fn from_toml_over(text: &str, preset: Option<&str>) -> Result<CleanConfig, Error> {
        let mut user: toml::Table = text.parse().map_err(|e| Error::config(format!("config: {e}")))?;
        let own = match user.remove("preset") {
            None => "default".to_string(),
            Some(toml::Value::String(s)) => s,
            Some(v) => return Err(Error::config(format!("config: preset must be a string, not {v}"))),
        };
        let preset = preset.map_or(own, str::to_string);
        let mut table =
            toml::Table::try_from(CleanConfig::preset(&preset)?).map_err(|e| Error::config(format!("config: {e}")))?;
        merge(&mut table, user);
        let cfg: CleanConfig = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| Error::config(format!("config: {}", e.message())))?;
        cfg.validate()?;
        Ok(cfg)
    }
}

#[cfg(feature = "config-file")]
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// Serde for an optional pass: `false` when off, its settings table when
/// on (`true` means on with default settings). TOML has no null, and
/// `false` reads better in a config file than a missing table.
mod pass_switch {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(t) => t.serialize(s),
            None => s.serialize_bool(false),
        }
    }

    struct SwitchVisitor<T>(std::marker::PhantomData<T>);

    impl<'de, T: Deserialize<'de> + Default> serde::de::Visitor<'de> for SwitchVisitor<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("false, true, or a table of the pass's settings")
        }

        fn visit_bool<E: serde::de::Error>(self, on: bool) -> Result<Option<T>, E> {
            Ok(on.then(T::default))
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Option<T>, A::Error> {
            // Deserializing the map directly keeps the settings' own error
            // messages (an unknown field names itself).
            T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Some)
        }
    }

    pub fn deserialize<'de, T: Deserialize<'de> + Default, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_any(SwitchVisitor(std::marker::PhantomData))
    }
}

/// Serde for a pass with no settings: `true` when on, `false` when off
/// (read as [`pass_switch`] reads, so a table is accepted too).
mod switch {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(v.is_some())
    }

    pub fn deserialize<'de, T: Deserialize<'de> + Default, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
        super::pass_switch::deserialize(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_preset_builds_and_validates() {
        for name in PRESETS {
            CleanConfig::preset(name).unwrap().validate().unwrap();
        }
    }

    #[cfg(feature = "config-file")]
    #[test]
    fn every_preset_round_trips_through_toml() {
        for name in PRESETS {
            let cfg = CleanConfig::preset(name).unwrap();
            let text = format!("preset = \"{name}\"\n{}", cfg.to_toml());
            assert_eq!(CleanConfig::from_toml(&text).unwrap(), cfg, "{name}");
            // And from the default preset, the full table alone is enough.
            assert_eq!(CleanConfig::from_toml(&cfg.to_toml()).unwrap(), cfg, "{name}");
        }
    }

    #[cfg(feature = "config-file")]
    #[test]
    fn config_file_errors_name_the_setting() {
        let e = CleanConfig::from_toml("[punct]\nquote = false\n").unwrap_err().to_string();
        assert!(e.contains("quote"), "{e}");
        let e = CleanConfig::from_toml("preset = \"news\"").unwrap_err().to_string();
        assert!(e.contains("unknown preset"), "{e}");
        let e = CleanConfig::from_toml("[script]\nconfig = \"t2x\"").unwrap_err().to_string();
        assert!(e.contains("t2x"), "{e}");
        let e = CleanConfig::from_toml("rejoin = 3").unwrap_err().to_string();
        assert!(e.contains("rejoin") || e.contains("false, true, or a table"), "{e}");
    }

    #[test]
    fn tiny_line_cap_is_rejected_with_its_name() {
        let cfg = CleanConfig { max_line_bytes: 3, ..CleanConfig::default() };
        assert!(cfg.validate().unwrap_err().to_string().contains("max_line_bytes"));
    }
}
