use std::time::Instant;
use zhclean::{CleanConfig, Cleaner, Stream};
fn main() {
    let data = std::fs::read_to_string("/tmp/news.jsonl").unwrap();
    let docs: Vec<String> = data
        .lines()
        .take(800)
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["text"].as_str().unwrap().to_string())
        .collect();
    let bytes: usize = docs.iter().map(|d| d.len()).sum();
    let full = Cleaner::new(CleanConfig::default()).unwrap();
    let names = full.stream().pass_names();
    let run = |mk: &dyn Fn() -> Stream| {
        let t = Instant::now();
        let mut n = 0;
        for d in &docs {
            let mut s = mk();
            let mut o = String::new();
            s.push(d.as_bytes(), &mut o).unwrap();
            s.finish(&mut o).unwrap();
            n += o.len();
        }
        (t.elapsed().as_secs_f64(), n)
    };
    let id = Cleaner::new(CleanConfig::identity()).unwrap();
    let (t0, _) = run(&|| id.stream());
    println!("identity {:.1} MB/s", bytes as f64 / t0 / 1e6);
    let (tf, _) = run(&|| full.stream());
    println!("full {:.1} MB/s  ({:.3}s)", bytes as f64 / tf / 1e6, tf);
    // Drop one pass at a time: its marginal cost.
    for skip in &names {
        let mut cfg = CleanConfig::default();
        match *skip {
            "unicode" => cfg.unicode = None,
            "pinyin" => cfg.pinyin = false,
            "script" => cfg.script = None,
            "chrome" => cfg.chrome = false,
            "caption" => cfg.caption = false,
            "rejoin" => cfg.rejoin = None,
            "dedup" => cfg.dedup = None,
            "punct" => cfg.punct = None,
            "paragraphs" => cfg.output = zhclean::OutputMode::Lines,
            _ => {}
        }
        let c = Cleaner::new(cfg).unwrap();
        let (t, _) = run(&|| c.stream());
        println!("without {skip:<10} saves {:5.1}%", 100.0 * (tf - t) / tf);
    }
}
