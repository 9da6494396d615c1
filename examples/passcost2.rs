use zhclean::{CleanConfig, Cleaner};
fn main() {
    let data = std::fs::read_to_string("/tmp/news.jsonl").unwrap();
    let docs: Vec<String> = data
        .lines()
        .take(100)
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["text"].as_str().unwrap().to_string())
        .collect();
    let full = Cleaner::new(CleanConfig::default()).unwrap();
    let mut n = 0;
    for d in &docs {
        n += full.clean(d).len();
    }
    println!("{n}");
}
