//! A review report: what a cleaning run did to a corpus, as one
//! self-contained HTML page (`zhclean report`).
//!
//! The page is drawn from the same records `--audit` and `--stats` write
//! ([`MappedEdit`]s and [`PassCounts`]): a summary with inline SVG charts,
//! and a bounded sample of documents (a seeded random sample, the most
//! edited, those where a cap was reached), each shown as its cleaned text
//! with every edit in place: removed text struck through, inserted text
//! marked, coloured by pass, the reason on hover. Each sampled document
//! embeds its output and its edits as JSON, from which its input is rebuilt
//! exactly (the audit's guarantee), so the page can be checked against the
//! corpus. Nothing is fetched when the page is viewed: no external script,
//! style or font.
//!
//! ```
//! use zhclean::corpus::report::{Document, Report, ReportOptions};
//! use zhclean::{Cleaner, CleanConfig, EditLog};
//! let cleaner = Cleaner::new(CleanConfig::default()).unwrap();
//! let mut stream = cleaner.stream();
//! let mut report = Report::new(ReportOptions::default(), &stream.pass_names());
//! let input = "当前位置：首页 > 新闻\n本报讯 全市科技创新大会召开,部署了下一阶段任务。\n";
//! let (mut out, mut log) = (String::new(), EditLog::default());
//! stream.push_audited(input.as_bytes(), &mut out, &mut log).unwrap();
//! stream.finish_audited(&mut out, &mut log).unwrap();
//! let edits = zhclean::audit::map_to_input(&stream.pass_names(), log.edits);
//! report.add(Document { file: "a.txt".into(), line: None, input: input.into(), output: out, edits, caps: vec![] });
//! let mut html = Vec::new();
//! report.write_html(&mut html).unwrap();
//! let html = String::from_utf8(html).unwrap();
//! assert!(html.contains("<svg") && html.contains("breadcrumb"));
//! ```

use std::collections::{BTreeMap, BTreeSet, BinaryHeap};
use std::fmt::Write as _;
use std::io::{self, Write};

use super::audit::{count, merge, PassCounts, ReasonCount};
use crate::audit::{Audit, CapHit, Edit, MappedEdit};
use crate::passes::paragraphs::FINAL_NEWLINE;

/// What goes into the report.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportOptions {
    /// Documents drawn at random (by a hash of `seed`, file and line: the
    /// same corpus and seed give the same sample).
    pub sample: usize,
    /// Seed of the random sample.
    pub seed: u64,
    /// The documents with the most edits, shown as well.
    pub most_edited: usize,
    /// Documents where a cap was reached, shown as well (the first ones).
    pub cap_documents: usize,
    /// A document longer than this (input bytes) is listed, not shown:
    /// the page stays a few MB whatever the corpus.
    pub max_document_bytes: usize,
    /// The command that shows one document's edits, as the run was set up
    /// (`zhclean explain -p web`): each document links back with it.
    pub explain_command: String,
    /// The page's title.
    pub title: String,
}

impl Default for ReportOptions {
    fn default() -> ReportOptions {
        ReportOptions {
            sample: 20,
            seed: 0,
            most_edited: 10,
            cap_documents: 20,
            max_document_bytes: 256 * 1024,
            explain_command: "zhclean explain".into(),
            title: "zhclean review report".into(),
        }
    }
}

/// One cleaned document and its trail.
#[derive(Clone, Debug)]
pub struct Document {
    /// The file it came from.
    pub file: String,
    /// Its line, in a JSONL file.
    pub line: Option<u64>,
    /// The text before cleaning.
    pub input: String,
    /// The text after.
    pub output: String,
    /// Its edits, as `audit::map_to_input` gives them.
    pub edits: Vec<MappedEdit>,
    /// The caps reached while cleaning it (`pass.setting`).
    pub caps: Vec<String>,
}

/// What [`Report::tally`] counts of a document.
#[derive(Clone, Copy, Debug)]
pub struct Tally<'a> {
    /// The file it came from.
    pub file: &'a str,
    /// Its line, in a JSONL file.
    pub line: Option<u64>,
    /// The text before cleaning, measured.
    pub input: Measure,
    /// The text after, measured.
    pub output: Measure,
    /// Its edits, counted by pass and reason.
    pub counts: &'a PassCounts,
    /// How many edits.
    pub edits: usize,
    /// The caps reached (`pass.setting`).
    pub caps: &'a [String],
}

/// What the summary's histograms need of a text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Measure {
    /// Bytes.
    pub bytes: usize,
    /// Characters.
    pub chars: usize,
    /// Non-blank lines (paragraphs, once cleaned).
    pub paragraphs: usize,
}

impl Measure {
    /// Measures `text`.
    pub fn of(text: &str) -> Measure {
        Measure {
            bytes: text.len(),
            chars: text.chars().count(),
            paragraphs: text.lines().filter(|l| !l.trim().is_empty()).count(),
        }
    }
}

/// A document's place among those shown (see [`Report::tally`]).
#[derive(Clone, Copy, Debug)]
pub struct Ticket {
    seq: u64,
    sample: Option<u64>,
    edited: Option<u64>,
    capped: bool,
}

/// An [`Audit`] that counts edits by pass and reason and keeps none: what
/// a report needs of the documents it does not show.
#[derive(Clone, Debug, Default)]
pub struct EditCounter {
    /// (pass, reason, count), found by the names' addresses first: a
    /// document's edits come from a dozen reasons, and a map keyed by
    /// string compared strings for each of hundreds of edits.
    seen: Vec<(&'static str, &'static str, ReasonCount)>,
    /// Edits in all.
    pub edits: usize,
    /// Caps reached (`pass.setting`).
    pub caps: Vec<String>,
    /// The pass of the last edit that inserted a final `'\n'`.
    final_newline_by: Option<&'static str>,
}

impl EditCounter {
    fn add(&mut self, pass: &'static str, reason: &'static str, removed: usize, inserted: usize, sign: i64) {
        // By address first (the names are constants); by text when one
        // name is spelled at two addresses.
        let at = self
            .seen
            .iter()
            .position(|(p, r, _)| std::ptr::eq(*p, pass) && std::ptr::eq(*r, reason))
            .or_else(|| self.seen.iter().position(|(p, r, _)| *p == pass && *r == reason));
        let at = at.unwrap_or_else(|| {
            self.seen.push((pass, reason, ReasonCount::default()));
            self.seen.len() - 1
        });
        let c = &mut self.seen[at].2;
        let step = |x: &mut u64, n: usize| *x = x.wrapping_add_signed(sign * n as i64);
        step(&mut c.edits, 1);
        step(&mut c.chars_removed, removed);
        step(&mut c.chars_inserted, inserted);
        self.edits = self.edits.wrapping_add_signed(sign as isize);
    }

    /// The JSONL step on a record's cleaned `text`, as corpus mode takes
    /// it ([`super::finish_record`]), counted.
    pub fn finish_record(&mut self, field_text: &str, text: &mut String) {
        let by_paragraphs = self.final_newline_by == Some(crate::passes::PassId::Paragraphs.name());
        match super::record_tail(field_text, text, by_paragraphs) {
            super::RecordTail::Kept => {}
            super::RecordTail::Undone => {
                let pass = self.final_newline_by.expect("undone only after one");
                self.add(pass, FINAL_NEWLINE, 0, 1, -1);
            }
            super::RecordTail::Taken(_) => self.add(super::JSONL_STEP, FINAL_NEWLINE, 1, 0, 1),
        }
    }

    /// The edits by pass and reason.
    pub fn counts(&self) -> PassCounts {
        let mut counts = PassCounts::new();
        for (pass, reason, c) in self.seen.iter().filter(|e| e.2.edits > 0) {
            let t = counts.entry(*pass).or_default().entry(*reason).or_default();
            t.edits += c.edits;
            t.chars_removed += c.chars_removed;
            t.chars_inserted += c.chars_inserted;
        }
        counts
    }
}

impl Audit for EditCounter {
    fn edit(&mut self, e: &Edit<'_>) {
        self.add(e.pass, e.reason, e.before.chars().count(), e.after.chars().count(), 1);
        if e.after == "\n" && e.reason == FINAL_NEWLINE {
            self.final_newline_by = Some(e.pass);
        }
    }

    fn cap(&mut self, hit: &CapHit) {
        self.caps.push(hit.setting.to_string());
    }
}

/// A document kept for the page, with its place in the run.
#[derive(Clone, Debug)]
struct Kept {
    seq: u64,
    key: u64,
    doc: Document,
}

/// Ordered by `key`, then by `seq` (earlier first among equals).
impl PartialEq for Kept {
    fn eq(&self, o: &Kept) -> bool {
        (self.key, self.seq) == (o.key, o.seq)
    }
}
impl Eq for Kept {}
impl PartialOrd for Kept {
    fn partial_cmp(&self, o: &Kept) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Kept {
    fn cmp(&self, o: &Kept) -> std::cmp::Ordering {
        (self.key, self.seq).cmp(&(o.key, o.seq))
    }
}

/// Bins of a log2 histogram: 0, 1, 2-3, 4-7, … up to 2^30.
const BINS: usize = 32;

fn bin(n: u64) -> usize {
    ((64 - n.leading_zeros()) as usize).min(BINS - 1)
}

/// The report being built: counts of the whole run, and the bounded sets
/// of documents to show.
#[derive(Debug)]
pub struct Report {
    opts: ReportOptions,
    docs: u64,
    files: BTreeSet<String>,
    bytes_in: u64,
    bytes_out: u64,
    counts: PassCounts,
    caps: BTreeMap<String, u64>,
    /// Step of each pass (for colours and filters), in pipeline order.
    passes: BTreeMap<&'static str, usize>,
    chars_hist: [[u64; BINS]; 2],
    paras_hist: [[u64; BINS]; 2],
    /// Max-heap by key: the `sample` smallest hashes.
    sampled: BinaryHeap<Kept>,
    /// Max-heap by key = `u64::MAX - edits`: the most edited.
    edited: BinaryHeap<Kept>,
    with_caps: Vec<Kept>,
    /// Documents too long to show: (file, line, edits).
    too_long: Vec<(String, Option<u64>, usize)>,
}

impl Report {
    /// An empty report of a run through the passes `pass_names` (as
    /// `Stream::pass_names` gives them).
    pub fn new(opts: ReportOptions, pass_names: &[&'static str]) -> Report {
        Report {
            opts,
            docs: 0,
            files: BTreeSet::new(),
            bytes_in: 0,
            bytes_out: 0,
            counts: PassCounts::new(),
            caps: BTreeMap::new(),
            passes: pass_names.iter().enumerate().map(|(i, p)| (*p, i)).collect(),
            chars_hist: [[0; BINS]; 2],
            paras_hist: [[0; BINS]; 2],
            sampled: BinaryHeap::new(),
            edited: BinaryHeap::new(),
            with_caps: Vec::new(),
            too_long: Vec::new(),
        }
    }

    /// Counts a document and keeps it if it is to be shown: [`Report::tally`]
    /// and [`Report::keep`] with the counts of `doc`'s edits.
    pub fn add(&mut self, doc: Document) {
        let mut counts = PassCounts::new();
        count(&mut counts, doc.edits.iter().map(|m| &m.edit));
        let t = Tally {
            file: &doc.file,
            line: doc.line,
            input: Measure::of(&doc.input),
            output: Measure::of(&doc.output),
            counts: &counts,
            edits: doc.edits.len(),
            caps: &doc.caps,
        };
        if let Some(ticket) = self.tally(&t) {
            self.keep(ticket, doc);
        }
    }

    /// Counts a document; `Some` when it is to be shown, then pass it whole
    /// to [`Report::keep`] before the next tally. A run can count every
    /// document with an [`EditCounter`] (no edit kept) and gather the
    /// trail only of the few the page shows.
    pub fn tally(&mut self, t: &Tally<'_>) -> Option<Ticket> {
        let seq = self.docs;
        self.docs += 1;
        if !self.files.contains(t.file) {
            self.files.insert(t.file.to_string());
        }
        self.bytes_in += t.input.bytes as u64;
        self.bytes_out += t.output.bytes as u64;
        merge(&mut self.counts, t.counts.clone());
        for c in t.caps {
            *self.caps.entry(c.clone()).or_default() += 1;
        }
        for (k, m) in [t.input, t.output].into_iter().enumerate() {
            self.chars_hist[k][bin(m.chars as u64)] += 1;
            self.paras_hist[k][bin(m.paragraphs as u64)] += 1;
        }
        if t.input.bytes > self.opts.max_document_bytes {
            if self.too_long.len() < 100 {
                self.too_long.push((t.file.to_string(), t.line, t.edits));
            }
            return None;
        }
        let sample_key = mix(self.opts.seed ^ fnv(t.file.as_bytes()) ^ mix(t.line.unwrap_or(0)));
        let edited_key = u64::MAX - t.edits as u64;
        let capped = !t.caps.is_empty() && self.with_caps.len() < self.opts.cap_documents;
        let wants = |heap: &BinaryHeap<Kept>, n: usize, key: u64| {
            n > 0 && (heap.len() < n || heap.peek().is_some_and(|top| (key, seq) < (top.key, top.seq)))
        };
        let ticket = Ticket {
            seq,
            sample: wants(&self.sampled, self.opts.sample, sample_key).then_some(sample_key),
            edited: (t.edits > 0 && wants(&self.edited, self.opts.most_edited, edited_key)).then_some(edited_key),
            capped,
        };
        (ticket.sample.is_some() || ticket.edited.is_some() || capped).then_some(ticket)
    }

    /// Keeps a document [`Report::tally`] chose, with its whole trail.
    pub fn keep(&mut self, ticket: Ticket, doc: Document) {
        let seq = ticket.seq;
        for (key, heap, n) in [
            (ticket.sample, &mut self.sampled, self.opts.sample),
            (ticket.edited, &mut self.edited, self.opts.most_edited),
        ] {
            if let Some(key) = key {
                heap.push(Kept { seq, key, doc: doc.clone() });
                if heap.len() > n {
                    heap.pop();
                }
            }
        }
        if ticket.capped {
            self.with_caps.push(Kept { seq, key: 0, doc });
        }
    }

    /// Adds caps reached as a run's `--stats` counts them (setting, documents):
    /// a report drawn from a finished run's audit knows them from there.
    pub fn add_caps<'a>(&mut self, caps: impl IntoIterator<Item = (&'a str, u64)>) {
        for (cap, n) in caps {
            *self.caps.entry(cap.to_string()).or_default() += n;
        }
    }

    /// Writes the page.
    ///
    /// # Errors
    /// As `w` fails.
    pub fn write_html(&self, w: &mut dyn Write) -> io::Result<()> {
        let mut h = String::with_capacity(1 << 16);
        self.head(&mut h);
        self.summary(&mut h);
        self.documents(&mut h);
        h.push_str(SCRIPT);
        h.push_str("</body></html>\n");
        w.write_all(h.as_bytes())
    }

    fn colour(&self, pass: &str) -> &'static str {
        let step = self.passes.get(pass).copied().unwrap_or(PALETTE.len() - 1);
        PALETTE[step % PALETTE.len()]
    }

    fn head(&self, h: &mut String) {
        let _ = write!(
            h,
            "<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width\"><title>{}</title><style>{STYLE}",
            esc(&self.opts.title)
        );
        for pass in self.passes.keys() {
            let c = self.colour(pass);
            let _ = write!(
                h,
                ".p-{pass}{{--c:{c}}} body.hide-{pass} span.e.p-{pass}{{display:none}} body.hide-{pass} ins.p-{pass}{{background:none;border:0}}"
            );
        }
        let _ = write!(h, "</style></head><body><h1>{}</h1>", esc(&self.opts.title));
    }

    fn summary(&self, h: &mut String) {
        let (mut edits, mut removed, mut inserted) = (0, 0, 0);
        for c in self.counts.values().flat_map(BTreeMap::values) {
            edits += c.edits;
            removed += c.chars_removed;
            inserted += c.chars_inserted;
        }
        let _ = write!(
            h,
            "<section id=\"summary\"><h2>Summary</h2><table class=\"kv\">\
             <tr><th>files</th><td>{}</td></tr><tr><th>documents</th><td>{}</td></tr>\
             <tr><th>bytes in → out</th><td>{} → {}</td></tr><tr><th>edits</th><td>{edits}</td></tr>\
             <tr><th>characters removed / inserted</th><td>{removed} / {inserted}</td></tr></table>",
            self.files.len(),
            self.docs,
            self.bytes_in,
            self.bytes_out
        );
        h.push_str("<h3>Caps reached</h3>");
        if self.caps.is_empty() {
            h.push_str("<p>none</p>");
        } else {
            h.push_str("<table><tr><th>cap</th><th>documents</th></tr>");
            for (cap, n) in &self.caps {
                let _ = write!(h, "<tr><td>{}</td><td>{n}</td></tr>", esc(cap));
            }
            h.push_str("</table>");
        }
        let mut rows: Vec<(&str, &str, u64, u64, u64)> = self
            .counts
            .iter()
            .flat_map(|(p, rs)| rs.iter().map(move |(r, c)| (*p, *r, c.edits, c.chars_removed, c.chars_inserted)))
            .filter(|r| r.2 > 0)
            .collect();
        rows.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)).then(a.1.cmp(b.1)));
        h.push_str("<h3>Edits by pass and reason</h3>");
        let bars: Vec<(String, u64, &str)> =
            rows.iter().map(|r| (format!("{} · {}", r.0, r.1), r.2, self.colour(r.0))).collect();
        bar_chart(h, &bars);
        h.push_str("<h3>Characters removed and inserted, by reason</h3><table><tr><th>pass</th><th>reason</th><th>edits</th><th>removed</th><th>inserted</th></tr>");
        let mut by_removed = rows.clone();
        by_removed.sort_by(|a, b| b.3.cmp(&a.3).then(b.2.cmp(&a.2)));
        for (p, r, e, rm, ins) in by_removed {
            let _ = write!(
                h,
                "<tr><td><span class=\"sw p-{p}\"></span>{p}</td><td>{r}</td><td>{e}</td><td>{rm}</td><td>{ins}</td></tr>"
            );
        }
        h.push_str("</table><h3>Document length (characters), before and after</h3>");
        histogram(h, &self.chars_hist);
        h.push_str("<h3>Paragraphs (non-blank lines) per document, before and after</h3>");
        histogram(h, &self.paras_hist);
        h.push_str("</section>");
    }

    fn documents(&self, h: &mut String) {
        // Each kept document once, in corpus order, with why it is shown.
        let mut shown: BTreeMap<u64, (&Document, Vec<&str>)> = BTreeMap::new();
        for (set, why) in [
            (self.sampled.iter().collect::<Vec<_>>(), "sampled"),
            (self.edited.iter().collect(), "most edited"),
            (self.with_caps.iter().collect(), "cap reached"),
        ] {
            for k in set {
                shown.entry(k.seq).or_insert((&k.doc, Vec::new())).1.push(why);
            }
        }
        let _ = write!(
            h,
            "<section id=\"documents\"><h2>Documents ({} shown of {})</h2><div id=\"tools\">passes: ",
            shown.len(),
            self.docs
        );
        for pass in self.passes.keys() {
            let _ = write!(
                h,
                "<label class=\"p-{pass}\"><input type=\"checkbox\" checked data-pass=\"{pass}\"><span class=\"sw p-{pass}\"></span>{pass}</label> "
            );
        }
        h.push_str("<select id=\"reason\"><option value=\"\">every reason</option>");
        for (pass, reasons) in &self.counts {
            for reason in reasons.keys() {
                let _ = write!(h, "<option value=\"{reason}\">{pass} · {reason}</option>");
            }
        }
        h.push_str(
            "</select> <button id=\"prev\">↑ previous edit</button> <button id=\"next\">↓ next edit</button> \
             <span id=\"where\"></span></div>",
        );
        for (i, (seq, (doc, why))) in shown.iter().enumerate() {
            self.document(h, i, *seq, doc, why);
        }
        if !self.too_long.is_empty() {
            let _ = write!(h, "<h3>Too long to show here (over {} bytes)</h3><ul>", self.opts.max_document_bytes);
            for (file, line, edits) in &self.too_long {
                let _ = write!(h, "<li><code>{}</code>: {edits} edits</li>", esc(&self.explain_for(file, *line)));
            }
            h.push_str("</ul>");
        }
        h.push_str("</section>");
    }

    fn explain_for(&self, file: &str, line: Option<u64>) -> String {
        let line = line.map_or(String::new(), |n| format!(" --line {n}"));
        format!("{}{line} {}", self.opts.explain_command, shell_quote(file))
    }

    fn document(&self, h: &mut String, i: usize, seq: u64, doc: &Document, why: &[&str]) {
        let place = doc.line.map_or(String::new(), |n| format!(", line {n}"));
        let _ = write!(
            h,
            "<article class=\"doc\" id=\"doc-{i}\"><h3>{}{place} <small>#{} · {}</small></h3>\
             <p class=\"meta\">{} edits · {} → {} bytes{} · <code>{}</code></p><div class=\"text\">",
            esc(&doc.file),
            seq + 1,
            why.join(", "),
            doc.edits.len(),
            doc.input.len(),
            doc.output.len(),
            if doc.caps.is_empty() { String::new() } else { format!(" · caps: {}", esc(&doc.caps.join(", "))) },
            esc(&self.explain_for(&doc.file, doc.line)),
        );
        render(h, doc);
        h.push_str("</div><script type=\"application/json\" class=\"data\">");
        h.push_str(&embed(doc));
        h.push_str("</script></article>");
    }
}

/// One colour per pass step (the pipeline has at most a dozen).
const PALETTE: [&str; 12] = [
    "#7f7f7f", "#9467bd", "#1f77b4", "#8c564b", "#d62728", "#ff7f0e", "#2ca02c", "#17becf", "#e377c2", "#bcbd22",
    "#393b79", "#637939",
];

/// The document's data as embedded JSON: output and edits (step, pass,
/// reason, byte in the pass's input, removed, inserted), from which the
/// input is rebuilt (`audit::rebuild`). `<` is escaped so that no text
/// can close the script element.
fn embed(doc: &Document) -> String {
    let edits: Vec<(usize, &str, &str, u64, &str, &str)> = doc
        .edits
        .iter()
        .map(|m| (m.step, m.edit.pass, m.edit.reason, m.edit.byte, m.edit.before.as_str(), m.edit.after.as_str()))
        .collect();
    let v = serde_json::json!({ "file": doc.file, "line": doc.line, "output": doc.output, "edits": edits });
    let json = serde_json::to_string(&v).expect("JSON of strings and numbers");
    // Outside strings JSON has neither `<` nor these characters, so the
    // escapes only ever land inside strings: the same JSON, and no raw
    // bidirectional control even in the page's source.
    let mut safe = String::with_capacity(json.len());
    for c in json.chars() {
        if c == '<' || invisible(c) {
            let _ = write!(safe, "\\u{:04x}", c as u32);
        } else {
            safe.push(c);
        }
    }
    safe
}

/// Bidirectional controls and other characters that take no room: shown
/// as their code, never as themselves.
fn invisible(c: char) -> bool {
    matches!(c as u32, 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2069 | 0x061C | 0xFEFF)
}

/// Where each edit lands in the document's output (byte offset): its place
/// in its own pass's output, carried forward through the later passes'
/// edits.
fn output_positions(edits: &[MappedEdit]) -> Vec<usize> {
    let steps = edits.iter().map(|m| m.step + 1).max().unwrap_or(0);
    // Per step: (input start, input end, output start, output end), by
    // input start; and each edit's own output start.
    let mut spans: Vec<Vec<(u64, u64, u64, u64)>> = vec![Vec::new(); steps];
    let mut own = vec![0u64; edits.len()];
    for (s, group) in spans.iter_mut().enumerate() {
        let mut idx: Vec<usize> = (0..edits.len()).filter(|&i| edits[i].step == s).collect();
        idx.sort_by_key(|&i| edits[i].edit.byte);
        let mut delta: i64 = 0;
        for i in idx {
            let e = &edits[i].edit;
            let out = (e.byte as i64 + delta) as u64;
            own[i] = out;
            group.push((e.byte, e.byte + e.before.len() as u64, out, out + e.after.len() as u64));
            delta += e.after.len() as i64 - e.before.len() as i64;
        }
    }
    let forward = |group: &[(u64, u64, u64, u64)], x: u64| {
        let i = group.partition_point(|s| s.0 <= x);
        if i == 0 {
            return x;
        }
        let (_, in_end, out_start, out_end) = group[i - 1];
        if x < in_end {
            out_start
        } else {
            x - in_end + out_end
        }
    };
    (0..edits.len()).map(|i| spans[edits[i].step + 1..].iter().fold(own[i], |x, g| forward(g, x)) as usize).collect()
}

/// The output with each edit in place.
fn render(h: &mut String, doc: &Document) {
    let out = &doc.output;
    let pos: Vec<usize> = output_positions(&doc.edits)
        .into_iter()
        .map(|p| (0..=p.min(out.len())).rev().find(|&q| out.is_char_boundary(q)).unwrap_or(0))
        .collect();
    let mut order: Vec<usize> = (0..doc.edits.len()).collect();
    order.sort_by_key(|&i| (pos[i], doc.edits[i].step));
    let points: Vec<usize> = order.iter().map(|&i| pos[i]).collect();
    // An inserted text still in the output, with no other edit inside it and
    // not overlapping one marked before, is marked where it stands.
    let mut marked = vec![false; doc.edits.len()];
    let mut last_end = 0;
    for &i in &order {
        let (p, ins) = (pos[i], doc.edits[i].edit.after.as_str());
        let end = p + ins.len();
        let inside = points.partition_point(|&q| q <= p) < points.partition_point(|&q| q < end);
        if !ins.is_empty() && p >= last_end && out.get(p..end) == Some(ins) && !inside {
            marked[i] = true;
            last_end = end;
        }
    }
    let mut at = 0;
    let mut open: Option<usize> = None;
    for &i in &order {
        let p = pos[i];
        if let Some(end) = open.filter(|&end| end <= p) {
            esc_into(h, &out[at..end], false);
            h.push_str("</ins>");
            at = end;
            open = None;
        }
        esc_into(h, &out[at..p], false);
        at = p;
        let m = &doc.edits[i];
        let e = &m.edit;
        let attrs = format!(
            "class=\"e p-{}\" data-p=\"{}\" data-r=\"{}\" title=\"{} · {}\"",
            e.pass, e.pass, e.reason, e.pass, e.reason
        );
        if !e.before.is_empty() || !marked[i] {
            let _ = write!(h, "<span {attrs}>");
            if !e.before.is_empty() {
                h.push_str("<del>");
                esc_into(h, &e.before, true);
                h.push_str("</del>");
            }
            if !marked[i] && !e.after.is_empty() {
                h.push_str("<i class=\"gone\">→");
                esc_into(h, &e.after, true);
                h.push_str("</i>");
            }
            h.push_str("</span>");
        }
        if marked[i] {
            let class = if e.before.is_empty() { attrs } else { format!("class=\"p-{}\"", e.pass) };
            let _ = write!(h, "<ins {class}>");
            open = Some(p + e.after.len());
        }
    }
    if let Some(end) = open {
        esc_into(h, &out[at..end], false);
        h.push_str("</ins>");
        at = end;
    }
    esc_into(h, &out[at..], false);
}

/// HTML-escapes `s` into `h`. Bidirectional controls and other invisible
/// controls are shown as their code (`⟨U+202E⟩`), so hostile text can
/// neither break the markup nor reorder what the reader sees; with
/// `edit`, line ends are shown as `⏎`.
fn esc_into(h: &mut String, s: &str, edit: bool) {
    for c in s.chars() {
        match c {
            '&' => h.push_str("&amp;"),
            '<' => h.push_str("&lt;"),
            '>' => h.push_str("&gt;"),
            '"' => h.push_str("&quot;"),
            '\'' => h.push_str("&#39;"),
            '\n' if edit => h.push('⏎'),
            '\n' | '\t' => h.push(c),
            c if c.is_control() || invisible(c) => {
                let _ = write!(h, "<span class=\"ctl\">⟨U+{:04X}⟩</span>", c as u32);
            }
            c => h.push(c),
        }
    }
}

fn esc(s: &str) -> String {
    let mut h = String::with_capacity(s.len());
    esc_into(&mut h, s, true);
    h
}

/// A path as a shell argument, quoted when it needs to be.
fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || "-_./".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Horizontal bars, one per row (label, value, colour), as inline SVG.
fn bar_chart(h: &mut String, rows: &[(String, u64, &str)]) {
    let rows = &rows[..rows.len().min(40)];
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let (label_w, bar_w, row_h) = (260.0, 420.0, 18.0);
    let height = row_h * rows.len() as f64 + 4.0;
    let _ = write!(
        h,
        "<svg class=\"chart\" width=\"{}\" height=\"{height}\" role=\"img\" aria-label=\"edits by pass and reason\">",
        label_w + bar_w + 80.0
    );
    for (k, (label, v, colour)) in rows.iter().enumerate() {
        let y = row_h * k as f64 + 2.0;
        let w = bar_w * *v as f64 / max as f64;
        let _ = write!(
            h,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"{colour}\"><title>{}: {v}</title></rect><text x=\"{}\" y=\"{}\">{v}</text>",
            label_w - 6.0,
            y + 12.0,
            esc(label),
            row_h - 4.0,
            esc(label),
            label_w + w + 4.0,
            y + 12.0,
        );
    }
    h.push_str("</svg>");
}

/// Two series (before, after) over log2 bins, as inline SVG.
#[allow(clippy::needless_range_loop)] // one bin of both series per column
fn histogram(h: &mut String, series: &[[u64; BINS]; 2]) {
    let used: Vec<usize> = (0..BINS).filter(|&b| series[0][b] + series[1][b] > 0).collect();
    let (Some(&lo), Some(&hi)) = (used.first(), used.last()) else {
        h.push_str("<p>no documents</p>");
        return;
    };
    let max = series.iter().flat_map(|s| s[lo..=hi].iter()).copied().max().unwrap_or(1).max(1);
    let (col, plot_h) = (34.0, 120.0);
    let width = col * (hi - lo + 1) as f64 + 40.0;
    let _ = write!(h, "<svg class=\"chart\" width=\"{width}\" height=\"{}\" role=\"img\">", plot_h + 40.0);
    for b in lo..=hi {
        let x = 20.0 + col * (b - lo) as f64;
        for (k, colour) in [(0, "#9ecae1"), (1, "#3182bd")] {
            let v = series[k][b];
            let bh = plot_h * v as f64 / max as f64;
            let label = if k == 0 { "before" } else { "after" };
            let _ = write!(
                h,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"14\" height=\"{bh:.1}\" fill=\"{colour}\"><title>{} {label}: {v}</title></rect>",
                x + 15.0 * k as f64,
                plot_h - bh + 4.0,
                bin_label(b),
            );
        }
        let _ = write!(
            h,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" class=\"small\">{}</text>",
            x + 15.0,
            plot_h + 18.0,
            bin_label(b)
        );
    }
    let _ = write!(
        h,
        "<text x=\"20\" y=\"{}\" class=\"small\">■ before <tspan fill=\"#3182bd\">■</tspan> after (log2 bins)</text></svg>",
        plot_h + 36.0
    );
}

fn bin_label(b: usize) -> String {
    match b {
        0 => "0".into(),
        1 => "1".into(),
        b if b < 11 => format!("{}", 1u64 << (b - 1)),
        b if b < 21 => format!("{}k", (1u64 << (b - 1)) / 1024),
        b => format!("{}M", (1u64 << (b - 1)) >> 20),
    }
}

fn fnv(b: &[u8]) -> u64 {
    b.iter().fold(0xcbf2_9ce4_8422_2325, |h, &x| (h ^ u64::from(x)).wrapping_mul(0x100_0000_01b3))
}

/// splitmix64's finaliser.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const STYLE: &str = "body{font:15px/1.6 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:0 16px;color:#222}\
h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;margin-top:2em}\
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:2px 8px;text-align:left}\
table.kv th{background:#f6f6f6}.chart text{font-size:12px}.chart .small{font-size:11px}\
.sw{display:inline-block;width:.8em;height:.8em;margin-right:4px;background:var(--c)}\
#tools{position:sticky;top:0;background:#fff;padding:6px 0;border-bottom:1px solid #ccc;z-index:1}\
#tools label{margin-right:8px;white-space:nowrap}\
.doc{border:1px solid #ddd;border-radius:4px;margin:1em 0;padding:0 12px}.doc h3 small{color:#777;font-weight:normal}\
.meta{color:#555;font-size:13px}.meta code{background:#f3f3f3;padding:1px 4px}\
.text{white-space:pre-wrap;word-break:break-all;unicode-bidi:isolate;direction:ltr;font-size:16px}\
.e del{color:var(--c);text-decoration:line-through;background:#fff3f3}\
.e{border-bottom:2px solid var(--c)}.e.on,ins.on{outline:2px solid #000}\
ins{text-decoration:none;background:#eaffea;border-bottom:2px solid var(--c)}\
.gone{color:var(--c);font-style:normal;font-size:12px}.ctl{color:#b00;font-size:11px}\
body.only span.e:not(.r-on){display:none}body.only ins.e:not(.r-on){background:none;border:0}";

/// Filters by pass and reason, and jumps from edit to edit. Inline: the
/// page fetches nothing.
const SCRIPT: &str = "<script>(function(){\
var b=document.body;\
document.querySelectorAll('#tools input[data-pass]').forEach(function(x){x.addEventListener('change',function(){b.classList.toggle('hide-'+x.dataset.pass,!x.checked);});});\
var sel=document.getElementById('reason');\
sel.addEventListener('change',function(){var r=sel.value;b.classList.toggle('only',r!=='');\
document.querySelectorAll('.e').forEach(function(e){e.classList.toggle('r-on',e.dataset.r===r);});});\
var k=-1;function vis(){return Array.prototype.filter.call(document.querySelectorAll('.e'),function(e){\
return !b.classList.contains('hide-'+e.dataset.p)&&(!b.classList.contains('only')||e.classList.contains('r-on'));});}\
function go(d){var v=vis();if(!v.length)return;document.querySelectorAll('.on').forEach(function(e){e.classList.remove('on');});\
k=(k+d+v.length)%v.length;v[k].classList.add('on');v[k].scrollIntoView({block:'center'});\
document.getElementById('where').textContent=(k+1)+' / '+v.length+' · '+v[k].title;}\
document.getElementById('next').addEventListener('click',function(){go(1);});\
document.getElementById('prev').addEventListener('click',function(){go(-1);});\
})();</script>";
