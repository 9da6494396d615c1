//! `zhclean report`: the page is drawn from the audit's own records (each
//! shown document's input is rebuilt from what the page embeds), hostile
//! text is escaped, the sample is deterministic.

#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};
use std::process::Command;

use zhclean::audit::{rebuild, MappedEdit};
use zhclean::OwnedEdit;

const BIN: &str = env!("CARGO_BIN_EXE_zhclean");

/// A fresh scratch directory under the target dir.
fn scratch(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn report(args: &[&str], page: &Path) -> String {
    let out = Command::new(BIN).arg("report").args(args).arg("-o").arg(page).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::read_to_string(page).unwrap()
}

/// The documents the page embeds, as JSON.
fn embedded(html: &str) -> Vec<serde_json::Value> {
    let open = "<script type=\"application/json\" class=\"data\">";
    html.split(open)
        .skip(1)
        .map(|s| serde_json::from_str(&s[..s.find("</script>").expect("closed")]).expect("valid JSON"))
        .collect()
}

/// The input the embedded output and edits give back.
fn rebuilt(doc: &serde_json::Value) -> String {
    let edits: Vec<MappedEdit> = doc["edits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let leak =
                |v: &serde_json::Value| -> &'static str { Box::leak(v.as_str().unwrap().to_string().into_boxed_str()) };
            MappedEdit {
                step: e[0].as_u64().unwrap() as usize,
                edit: OwnedEdit {
                    pass: leak(&e[1]),
                    reason: leak(&e[2]),
                    byte: e[3].as_u64().unwrap(),
                    before: e[4].as_str().unwrap().into(),
                    after: e[5].as_str().unwrap().into(),
                },
                input_byte: 0,
            }
        })
        .collect();
    rebuild(doc["output"].as_str().unwrap(), &edits).expect("the trail explains the output")
}

fn root(p: &str) -> String {
    format!("{}/{p}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_shown_document_rebuilds_to_its_input() {
    let dir = scratch("report_rebuild");
    let seeds: Vec<String> = std::fs::read_dir(root("tests/data/seeds"))
        .unwrap()
        .map(|f| f.unwrap().path().display().to_string())
        .filter(|p| p.ends_with(".input.txt"))
        .collect();
    // Plain files and JSONL records of the layout eval pages.
    let jsonl = dir.join("pages.jsonl");
    let mut lines = String::new();
    let mut pages = Vec::new();
    for f in std::fs::read_dir(root("tests/data/layout/pages")).unwrap() {
        let p = f.unwrap().path();
        if p.display().to_string().ends_with(".input.txt") {
            pages.push(std::fs::read_to_string(&p).unwrap());
        }
    }
    pages.sort();
    for t in &pages {
        lines.push_str(&serde_json::json!({ "text": t }).to_string());
        lines.push('\n');
    }
    std::fs::write(&jsonl, lines).unwrap();
    let mut args: Vec<&str> = seeds.iter().map(String::as_str).collect();
    let j = jsonl.display().to_string();
    args.extend(["--sample", "8", "--most-edited", "4", &j]);
    let html = report(&args, &dir.join("r.html"));
    let docs = embedded(&html);
    assert!(docs.len() >= 8, "{}", docs.len());
    for d in &docs {
        let file = d["file"].as_str().unwrap();
        let input = match d["line"].as_u64() {
            Some(n) => pages[n as usize - 1].clone(),
            None => std::fs::read_to_string(file).unwrap(),
        };
        assert_eq!(rebuilt(d), input, "{file} line {:?}", d["line"]);
    }
    // The summary counts the same edits a cleaning run's --stats does.
    let stats = dir.join("s.json");
    let mut run = Command::new(BIN);
    run.args(&args[..seeds.len()]).arg(&jsonl).arg("--stats").arg(&stats).arg("-o").arg(dir.join("out"));
    assert!(run.status().unwrap().success());
    let s: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&stats).unwrap()).unwrap();
    let total: u64 = s["passes"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|r| r.as_object().unwrap().values())
        .map(|c| c["edits"].as_u64().unwrap())
        .sum();
    assert!(html.contains(&format!("<tr><th>edits</th><td>{total}</td></tr>")), "{total}");
    assert!(html.contains(&format!("<tr><th>documents</th><td>{}</td></tr>", seeds.len() + pages.len())));
    // Self-contained: nothing is fetched when the page is viewed.
    for fetch in ["src=", "href=\"http", "@import", "url("] {
        assert!(!html.contains(fetch), "{fetch}");
    }
}

#[test]
fn hostile_text_is_escaped_and_still_rebuilds() {
    let dir = scratch("report_hostile");
    let hostile = "标题</div><script>alert('x')</script>\n\
                   正文\u{202E}倒序\u{202C}，\"引号\" & <b>粗</b> </script><!-- 注释。\n\
                   当前位置：首页 > <img src=x onerror=alert(1)>\n";
    let f = dir.join("hostile.txt");
    std::fs::write(&f, hostile).unwrap();
    let html = report(&[f.to_str().unwrap()], &dir.join("r.html"));
    for raw in ["<script>alert", "</div><script>", "<b>", "<img", "<!--", "\u{202E}", "\u{202C}"] {
        assert!(!html.contains(raw), "{raw:?} left unescaped");
    }
    assert!(html.contains("标题&lt;/div&gt;&lt;script&gt;alert(&#39;x&#39;)"), "shown as text");
    // Only the page's own script elements open and close.
    assert_eq!(html.matches("<script").count(), html.matches("</script>").count());
    assert_eq!(html.matches("<script").count(), 2, "one data block and the page's script");
    assert!(html.contains("⟨U+202E⟩"), "a bidi override is shown, not obeyed");
    let docs = embedded(&html);
    assert_eq!(rebuilt(&docs[0]), hostile);
}

#[test]
fn the_sample_is_drawn_by_the_seed() {
    let dir = scratch("report_seed");
    let jsonl = dir.join("docs.jsonl");
    let text: String = (0..200)
        .map(|i| serde_json::json!({ "text": format!("第{i}篇：今天天气很好,我们去公园散步。\n") }).to_string() + "\n")
        .collect();
    std::fs::write(&jsonl, text).unwrap();
    let j = jsonl.to_str().unwrap();
    let lines = |html: &str| embedded(html).iter().map(|d| d["line"].as_u64().unwrap()).collect::<Vec<_>>();
    let a = report(&[j, "--sample", "5", "--most-edited", "0", "--seed", "1"], &dir.join("a.html"));
    let b = report(&[j, "--sample", "5", "--most-edited", "0", "--seed", "1"], &dir.join("b.html"));
    let c = report(&[j, "--sample", "5", "--most-edited", "0", "--seed", "2"], &dir.join("c.html"));
    assert_eq!(a, b, "same corpus, same seed, same page");
    let one = report(&[j, "--sample", "5", "--most-edited", "0", "--seed", "1", "-j", "1"], &dir.join("j1.html"));
    assert_eq!(one, a, "the same page on one thread");
    assert_eq!(lines(&a).len(), 5);
    assert_ne!(lines(&a), lines(&c), "another seed draws another sample");
    // Each document links back to the command that shows it again.
    assert!(a.contains(&format!("zhclean explain --line {} {j}", lines(&a)[0])));
}

#[test]
fn a_finished_run_is_reviewed_from_its_audit_without_cleaning_again() {
    let dir = scratch("report_from_audit");
    let jsonl = dir.join("docs.jsonl");
    let seeds: String = std::fs::read_dir(root("tests/data/seeds"))
        .unwrap()
        .map(|f| f.unwrap().path())
        .filter(|p| p.display().to_string().ends_with(".input.txt"))
        .map(|p| serde_json::json!({ "text": std::fs::read_to_string(p).unwrap() }).to_string() + "\n")
        .collect();
    std::fs::write(&jsonl, seeds).unwrap();
    let (audit, stats) = (dir.join("audit.jsonl.gz"), dir.join("stats.json"));
    let run = Command::new(BIN)
        .arg(&jsonl)
        .args(["-p", "web", "--audit"])
        .arg(&audit)
        .arg("--stats")
        .arg(&stats)
        .arg("-o")
        .arg(dir.join("out.jsonl"))
        .status()
        .unwrap();
    assert!(run.success());
    let j = jsonl.to_str().unwrap();
    let cleaned = report(&[j, "-p", "web"], &dir.join("a.html"));
    let (a, s) = (audit.to_str().unwrap(), stats.to_str().unwrap());
    let reviewed = report(&[j, "-p", "web", "--from-audit", a, "--from-stats", s], &dir.join("b.html"));
    assert_eq!(reviewed, cleaned, "the audit gives the page a cleaning gives");
    // An audit of other inputs is refused, naming the document.
    let other = dir.join("other.txt");
    std::fs::write(&other, "别的文字。\n").unwrap();
    let out = Command::new(BIN)
        .args(["report", "--from-audit", a])
        .arg(&other)
        .arg("-o")
        .arg(dir.join("c.html"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("docs.jsonl line 1") && err.contains("not among the inputs"), "{err}");
    assert!(!dir.join("c.html").exists(), "no page is left behind on an error");
}

#[test]
fn documents_with_a_cap_hit_are_shown_up_to_the_limit_and_all_counted() {
    let dir = scratch("report_caps");
    let jsonl = dir.join("caps.jsonl");
    let text: String = (0..5)
        .map(|i| {
            let long = format!("第{i}篇{}。\n", "很长的一行没有换行".repeat(40));
            serde_json::json!({ "text": long }).to_string() + "\n"
        })
        .collect();
    std::fs::write(&jsonl, text).unwrap();
    let j = jsonl.to_str().unwrap();
    let base = [j, "--max-line-bytes", "256", "--sample", "0", "--most-edited", "0"];
    let three = report(&[&base[..], &["--cap-documents", "3"]].concat(), &dir.join("a.html"));
    assert_eq!(embedded(&three).len(), 3);
    assert!(three.contains("<tr><td>max_line_bytes</td><td>5</td></tr>"), "every hit counted");
    assert!(three.contains("cap reached"));
    let all = report(&base, &dir.join("b.html"));
    assert_eq!(embedded(&all).len(), 5, "the default shows up to 20");
}
