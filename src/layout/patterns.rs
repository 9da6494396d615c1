//! The word lists of `data/patterns/captions.txt`, read once: caption
//! markers, photographers' role words, page-jump verbs, connectives and
//! news-lead openings.

use std::sync::LazyLock;

/// The lists, by kind (see the data file's header for each kind's use).
#[derive(Debug)]
pub(crate) struct Patterns {
    pub(crate) markers: Vec<&'static str>,
    pub(crate) roles: Vec<&'static str>,
    pub(crate) jumps: Vec<&'static str>,
    pub(crate) connectives: Vec<&'static str>,
    pub(crate) leads: Vec<&'static str>,
}

pub(crate) static PATTERNS: LazyLock<Patterns> = LazyLock::new(|| {
    let mut p = Patterns {
        markers: Vec::new(),
        roles: Vec::new(),
        jumps: Vec::new(),
        connectives: Vec::new(),
        leads: Vec::new(),
    };
    for (n, line) in include_str!("../../data/patterns/captions.txt").lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (kind, text) = line.split_once('\t').unwrap_or_else(|| panic!("captions.txt line {}: no tab", n + 1));
        match kind {
            "marker" => p.markers.push(text),
            "role" => p.roles.push(text),
            "jump" => p.jumps.push(text),
            "connective" => p.connectives.push(text),
            "lead" => p.leads.push(text),
            k => panic!("captions.txt line {}: unknown kind {k}", n + 1),
        }
    }
    p
});
