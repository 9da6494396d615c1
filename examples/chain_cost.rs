//! What a pass costs for being in the chain: the default pipeline over a
//! plain-text file, with `K` line passes that keep every line inserted
//! after the conversion. `scripts/bench_instructions.sh` counts this with
//! `K` = 0 and 4 under callgrind; the difference over `K` is what any line
//! pass pays before its rules run (splitting its input into lines, the
//! copy of each line it keeps, the hand-over between passes).
//!
//! ```text
//! cargo run --release --example chain_cost -- FILE K > /dev/null
//! ```
use zhclean::lines::{LineBuffer, Seg};
use zhclean::passes::Compiled;
use zhclean::{CleanConfig, Error, Out, Pass, Stream};

/// A line pass that keeps every line as it came.
#[derive(Default)]
struct Keep {
    lines: LineBuffer,
}

fn keep(line: &str, _at: u64, _seg: Seg, out: &mut Out<'_>) {
    out.text().push_str(line);
}

impl Pass for Keep {
    fn name(&self) -> &'static str {
        "keep"
    }

    fn push(&mut self, input: &str, out: &mut Out<'_>) -> Result<(), Error> {
        self.lines.push(input, out, &mut keep);
        Ok(())
    }

    fn finish(&mut self, out: &mut Out<'_>) -> Result<(), Error> {
        self.lines.finish(out, &mut keep);
        Ok(())
    }

    fn held_bytes(&self) -> usize {
        self.lines.held_bytes()
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(k)) = (args.next(), args.next()) else {
        return Err("usage: chain_cost FILE K".into());
    };
    let k: usize = k.parse()?;
    let cfg = CleanConfig::default();
    let mut passes = Compiled::new(&cfg)?.chain(&cfg);
    // After `script`, where the conversion's output goes on.
    let at = passes.iter().position(|p| p.name() == "script").map_or(0, |i| i + 1);
    for _ in 0..k {
        passes.insert(at, Box::new(Keep::default()));
    }
    let mut stream = Stream::from_passes(passes, cfg.max_line_bytes, false);
    let text = std::fs::read(&path)?;
    let mut out = String::new();
    stream.push(&text, &mut out)?;
    stream.finish(&mut out)?;
    use std::io::Write;
    std::io::stdout().write_all(out.as_bytes())?;
    Ok(())
}
