//! The word lists of `data/patterns/captions.txt`, read once: caption
//! markers, photographers' role words, page-jump verbs, connectives,
//! news-lead openings, and the agencies and openings of a dateline.

use std::sync::LazyLock;

/// The lists, by kind (see the data file's header for each kind's use).
#[derive(Debug)]
pub(crate) struct Patterns {
    pub(crate) markers: Vec<&'static str>,
    pub(crate) roles: Vec<&'static str>,
    pub(crate) jumps: Vec<&'static str>,
    pub(crate) connectives: Vec<&'static str>,
    pub(crate) leads: Vec<&'static str>,
    /// News agencies whose dateline (`…日电`, `…日讯`) opens a lead.
    pub(crate) agencies: Vec<&'static str>,
    /// Openings that make a lead by themselves (`本报讯`).
    pub(crate) openings: Vec<&'static str>,
    /// `agencies` and `openings` by their first character (as `(first,
    /// agencies, openings)`, sorted by it): most lines are ruled out by
    /// their first character alone, and a line is then tried against the
    /// words that open with it.
    pub(crate) datelines_by_first: Vec<(char, Vec<&'static str>, Vec<&'static str>)>,
}

pub(crate) static PATTERNS: LazyLock<Patterns> = LazyLock::new(|| {
    let mut p = Patterns {
        markers: Vec::new(),
        roles: Vec::new(),
        jumps: Vec::new(),
        connectives: Vec::new(),
        leads: Vec::new(),
        agencies: Vec::new(),
        openings: Vec::new(),
        datelines_by_first: Vec::new(),
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
            "agency" => p.agencies.push(text),
            "opening" => p.openings.push(text),
            k => panic!("captions.txt line {}: unknown kind {k}", n + 1),
        }
    }
    let mut firsts: Vec<char> = p.agencies.iter().chain(&p.openings).filter_map(|w| w.chars().next()).collect();
    firsts.sort_unstable();
    firsts.dedup();
    let opening_with = |words: &[&'static str], c: char| words.iter().copied().filter(|w| w.starts_with(c)).collect();
    p.datelines_by_first =
        firsts.iter().map(|&c| (c, opening_with(&p.agencies, c), opening_with(&p.openings, c))).collect();
    p
});
