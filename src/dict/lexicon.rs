//! OpenCC's text dictionary format, and the dictionaries OpenCC derives at
//! build time.
//!
//! A line is `key<TAB>value value …`; lines that are empty or start with
//! `#` are skipped; a BOM and CR line ends are ignored. The first value is
//! the one conversion uses. This follows OpenCC 1.4.2's
//! `Lexicon::ParseLexiconFromBuffer` and `ParseKeyValues`.

use std::collections::HashMap;
use std::sync::Arc;

use crate::error::Error;

/// One dictionary entry: a key and its values (the first is the default).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    pub key: String,
    pub values: Vec<String>,
}

/// A leaf dictionary's keys and first values, as a trie is built from
/// them (by the library, and by the build script for the tries it
/// freezes).
pub(crate) enum Leaf<'t> {
    /// Borrowed from a dictionary file's text (see [`first_values`]).
    Raw(Vec<(&'t str, &'t str)>),
    /// A dictionary OpenCC generates; no file of that name ships.
    Derived(Arc<Vec<Entry>>),
}

impl Leaf<'_> {
    /// Calls `f` with each key and its first value, in the leaf's order.
    pub(crate) fn for_each_pair<'s>(&'s self, mut f: impl FnMut(&'s str, &'s str)) {
        match self {
            Leaf::Raw(pairs) => pairs.iter().for_each(|&(k, v)| f(k, v)),
            Leaf::Derived(entries) => entries.iter().for_each(|e| f(&e.key, &e.values[0])),
        }
    }
}

/// The entry lines of a text dictionary: (line number, key, values), by
/// OpenCC's line rules (see the module docs).
///
/// # Errors
/// A line without a tab, naming the file and line.
fn records<'n, 't>(
    name: &'n str,
    text: &'t str,
) -> impl Iterator<Item = Result<(usize, &'t str, &'t str), Error>> + use<'n, 't> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    crate::text::lines_inclusive(text).enumerate().filter_map(move |(i, line)| {
        let line = line.strip_suffix('\n').unwrap_or(line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        Some(match memchr::memchr(b'\t', line.as_bytes()) {
            Some(tab) => Ok((i + 1, &line[..tab], &line[tab + 1..])),
            None => Err(Error::config(format!("{name}: line {}: no tab between key and values", i + 1))),
        })
    })
}

/// Parses a text dictionary. `name` is used in error messages.
///
/// # Errors
/// A line without a tab, or a duplicated key, naming the file and line.
pub(crate) fn parse(name: &str, text: &str) -> Result<Vec<Entry>, Error> {
    let mut entries = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for record in records(name, text) {
        let (line, key, rest) = record?;
        if let Some(first) = seen.insert(key, line) {
            return Err(Error::config(format!("{name}: line {line}: duplicate key {key:?} (first at line {first})")));
        }
        let values: Vec<String> = rest.split(' ').map(String::from).collect();
        entries.push(Entry { key: key.to_string(), values });
    }
    Ok(entries)
}

/// The keys and first values of a text dictionary, borrowed from it: what
/// building a converter needs, without an allocation per entry. Applies
/// the line rules of [`parse`] except the duplicate-key check (the
/// shipped dictionaries are checked by [`parse`] in the tests; the trie
/// keeps the first of a duplicated key, as OpenCC would have refused it).
///
/// # Errors
/// A line without a tab, naming the file and line.
pub(crate) fn first_values<'t>(name: &str, text: &'t str) -> Result<Vec<(&'t str, &'t str)>, Error> {
    // One byte loop finds each line's end, tab and first space: three
    // `memchr` calls a line of ~25 bytes cost more in their setup than
    // the scan (a fifth of building s2t's converter).
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len() / 16);
    let (mut i, mut line) = (0, 0);
    while i < b.len() {
        line += 1;
        let start = i;
        let (mut tab, mut space) = (usize::MAX, usize::MAX);
        while i < b.len() && b[i] != b'\n' {
            if b[i] == b'\t' && tab == usize::MAX {
                tab = i;
            } else if b[i] == b' ' && tab != usize::MAX && space == usize::MAX {
                space = i;
            }
            i += 1;
        }
        let mut end = i;
        i += 1;
        if end > start && b[end - 1] == b'\r' {
            end -= 1;
        }
        if end == start || b[start] == b'#' {
            continue;
        }
        if tab >= end {
            return Err(Error::config(format!("{name}: line {line}: no tab between key and values")));
        }
        out.push((&text[start..tab], &text[tab + 1..space.min(end)]));
    }
    Ok(out)
}

/// `extract_tofu_risk.py`: the mapping after each `# @tofu-risk:` line,
/// minus the identity value.
///
/// # Errors
/// A marker not followed by a mapping with a non-identity value.
pub(crate) fn extract_tofu_risk(name: &str, text: &str) -> Result<Vec<Entry>, Error> {
    const PREFIX: &str = "# @tofu-risk:";
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if !line.starts_with(PREFIX) {
            continue;
        }
        let bad = || Error::config(format!("{name}: line {}: {PREFIX} without a mapping after it", i + 1));
        let mapping = lines.get(i + 1).ok_or_else(bad)?;
        if mapping.trim().is_empty() || mapping.starts_with('#') {
            return Err(bad());
        }
        let (key, values) = mapping.trim_end_matches('\n').split_once('\t').ok_or_else(bad)?;
        let mut values: Vec<String> = values.split_whitespace().map(String::from).collect();
        if values.first().map(String::as_str) == Some(key) {
            values.remove(0);
        }
        if values.is_empty() {
            return Err(bad());
        }
        out.push(Entry { key: key.to_string(), values });
    }
    Ok(out)
}

/// `reverse.py`: values become keys (with every key that had them as
/// values, in file order), `# @reverse-prefer: KEY VALUE` lines move a
/// preferred value first, and the result is sorted by key (code point
/// order, as Python sorts strings).
///
/// # Errors
/// A reverse preference that names no existing mapping.
pub(crate) fn reverse(name: &str, text: &str) -> Result<Vec<Entry>, Error> {
    const PREFER: &str = "# @reverse-prefer:";
    let mut prefs: Vec<(String, String, usize)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(rest) = line.strip_prefix(PREFER) {
            let f: Vec<&str> = rest.split_whitespace().collect();
            if f.is_empty() || f.len() > 2 {
                return Err(Error::config(format!("{name}: line {}: invalid reverse preference", i + 1)));
            }
            prefs.push((f[0].to_string(), f[f.len() - 1].to_string(), i + 1));
        }
    }
    let mut order: Vec<String> = Vec::new();
    let mut swapped: HashMap<String, Vec<String>> = HashMap::new();
    for e in parse(name, text)? {
        for v in e.values {
            swapped
                .entry(v.clone())
                .or_insert_with(|| {
                    order.push(v);
                    Vec::new()
                })
                .push(e.key.clone());
        }
    }
    for (key, preferred, line) in prefs {
        let values = swapped.get_mut(&key);
        let pos = values.as_ref().and_then(|v| v.iter().position(|x| *x == preferred));
        match (values, pos) {
            (Some(values), Some(p)) => {
                let v = values.remove(p);
                values.insert(0, v);
            }
            _ => {
                return Err(Error::config(format!(
                    "{name}: line {line}: reverse preference {key} -> {preferred} has no matching mapping"
                )))
            }
        }
    }
    let mut out: Vec<Entry> =
        order.into_iter().map(|k| Entry { values: swapped.remove(&k).unwrap_or_default(), key: k }).collect();
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}

/// `generate_st_phrases_from_regional_phrases.py`: the keys of the
/// regional phrase dictionaries, converted with `t2s` (tofu-risk
/// dictionaries included), mapped back to the original key when the
/// converted key has at least 3 characters.
///
/// # Errors
/// Two different original keys projecting onto the same converted key.
pub(crate) fn st_phrases_from_regional(
    inputs: &[(&str, &str)],
    t2s: &dyn Fn(&str) -> String,
) -> Result<Vec<Entry>, Error> {
    let mut order: Vec<String> = Vec::new();
    let mut collisions: HashMap<String, Vec<String>> = HashMap::new();
    for (name, text) in inputs {
        for e in parse(name, text)? {
            let converted = t2s(&e.key);
            if converted.chars().count() < 3 {
                continue;
            }
            collisions
                .entry(converted.clone())
                .or_insert_with(|| {
                    order.push(converted);
                    Vec::new()
                })
                .push(e.key);
        }
    }
    let mut out = Vec::new();
    for key in order {
        let values = collisions.remove(&key).unwrap_or_default();
        if values.iter().any(|v| *v != values[0]) {
            return Err(Error::config(format!(
                "conflicting regional phrase projections for {key}: {}",
                values.join(" ")
            )));
        }
        out.push(Entry { key, values: vec![values[0].clone()] });
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_follows_opencc_rules() {
        let e = parse("t", "\u{feff}# comment\n\na\tb c\r\nd\te  f\n").unwrap();
        assert_eq!(e[0], Entry { key: "a".into(), values: vec!["b".into(), "c".into()] });
        assert_eq!(e[1].values, vec!["e", "", "f"]);
        assert!(parse("t", "a b\n").unwrap_err().to_string().contains("t: line 1"));
        assert!(parse("t", "a\tb\na\tc\n").unwrap_err().to_string().contains("duplicate"));
    }

    #[test]
    fn first_values_read_lines_as_parse_does() {
        let text = "\u{feff}# comment\n\na\tb c\r\nd\te  f\n#x\ty\ng\th\r\n\r\ni\tj k\tl\nm\tn";
        let full = parse("t", text).unwrap();
        let first = first_values("t", text).unwrap();
        let want: Vec<(&str, &str)> = full.iter().map(|e| (e.key.as_str(), e.values[0].as_str())).collect();
        assert_eq!(first, want);
        assert_eq!(first, [("a", "b"), ("d", "e"), ("g", "h"), ("i", "j"), ("m", "n")]);
        let e = first_values("t", "a\tb\n\nc d\n").unwrap_err().to_string();
        assert!(e.contains("t: line 3") && e.contains("no tab"), "{e}");
        // A tab only after the line's end is not this line's.
        assert!(first_values("t", "a b\r\n\tc\n").unwrap_err().to_string().contains("line 1"));
    }

    #[test]
    fn tofu_risk_extraction_drops_the_identity() {
        let src = "# @tofu-risk: note\n㑮\t㑮 𫝈\n㑯\t㑔\n";
        let e = extract_tofu_risk("t", src).unwrap();
        assert_eq!(e, vec![Entry { key: "㑮".into(), values: vec!["𫝈".into()] }]);
    }

    #[test]
    fn reverse_swaps_sorts_and_honours_preferences() {
        let src = "# @reverse-prefer: x b\na\tx\nb\tx y\n";
        let e = reverse("t", src).unwrap();
        assert_eq!(e[0], Entry { key: "x".into(), values: vec!["b".into(), "a".into()] });
        assert_eq!(e[1], Entry { key: "y".into(), values: vec!["b".into()] });
    }
}
