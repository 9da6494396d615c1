//! `zhclean report`: cleans the inputs as a run with the same settings
//! would, and writes one self-contained HTML page for reviewing what the
//! cleaning did (`zhclean::corpus::report`).

use std::io::{self, BufRead, Write};

use zhclean::corpus::compress;
use zhclean::corpus::report::{Document, Report, ReportOptions};
use zhclean::{Cleaner, EditLog};

use crate::args::{Args, ReportFlags};
use crate::staged::{check_outputs, write_err, Staged};
use crate::{describe, is_jsonl, read_document, repair, report_replaced, Failure};

/// The options of this command line that `explain` needs to reproduce a
/// document (the preset, config, conversion and input settings), as given.
fn explain_command() -> String {
    const WITH_VALUE: [&str; 8] =
        ["-p", "--preset", "--config", "-c", "--to", "--field", "--max-line-bytes", "--max-zstd-window"];
    const FLAGS: [&str; 3] = ["--jsonl", "--lossy", "--no-tofu-risk"];
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut cmd = String::from("zhclean explain");
    let mut i = 0;
    while i < argv.len() {
        let a = &argv[i];
        let name = a.split_once('=').map_or(a.as_str(), |(n, _)| n);
        if WITH_VALUE.contains(&name) {
            cmd.push(' ');
            cmd.push_str(a);
            if !a.contains('=') && i + 1 < argv.len() {
                cmd.push(' ');
                cmd.push_str(&argv[i + 1]);
                i += 1;
            }
        } else if FLAGS.contains(&name) {
            cmd.push(' ');
            cmd.push_str(a);
        }
        i += 1;
    }
    cmd
}

/// `zhclean report`.
pub(crate) fn report(args: &Args, flags: &ReportFlags) -> Result<(), Failure> {
    check_outputs(&args.files, args.output.as_deref(), &[], args.force)?;
    let cleaner = Cleaner::new(args.config.clone()).map_err(|e| Failure::Usage(e.to_string()))?;
    let mut opts = ReportOptions::default();
    opts.sample = flags.sample;
    opts.seed = flags.seed;
    opts.most_edited = flags.most_edited;
    opts.explain_command = explain_command();
    let mut report = Report::new(opts);
    let staged = args.output.as_deref().map(Staged::create).transpose()?;
    let threads = args.corpus.thread_count();
    let mut streams: Vec<zhclean::Stream> = (0..threads).map(|_| cleaner.stream()).collect();
    let names = streams[0].pass_names();
    // Records are cleaned a batch at a time, the batch cut among the
    // threads in order, and added to the report in corpus order: the same
    // page for any thread count.
    let mut batch: Vec<(String, Option<u64>, String)> = Vec::new();
    let mut batch_bytes = 0usize;
    let mut flush = |batch: &mut Vec<(String, Option<u64>, String)>, report: &mut Report| -> Result<(), Failure> {
        let per = batch.len().div_ceil(threads).max(1);
        let mut chunks: Vec<Vec<(String, Option<u64>, String)>> = Vec::new();
        let mut records = batch.drain(..);
        loop {
            let chunk: Vec<_> = records.by_ref().take(per).collect();
            if chunk.is_empty() {
                break;
            }
            chunks.push(chunk);
        }
        let results: Vec<Result<Vec<Document>, Failure>> = std::thread::scope(|scope| {
            let handles: Vec<_> = chunks
                .into_iter()
                .zip(streams.iter_mut())
                .map(|(chunk, stream)| {
                    let names = &names;
                    scope.spawn(move || {
                        chunk
                            .into_iter()
                            .map(|(file, line, input)| {
                                let (mut out, mut log) = (String::new(), EditLog::default());
                                stream.push_audited(input.as_bytes(), &mut out, &mut log).map_err(describe)?;
                                stream.finish_audited(&mut out, &mut log).map_err(describe)?;
                                let caps = log.caps.iter().map(|c| c.setting.to_string()).collect();
                                let edits = zhclean::audit::map_to_input(names, log.edits);
                                Ok(Document { file, line, input, output: out, edits, caps })
                            })
                            .collect()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("a cleaning thread panicked")).collect()
        });
        for docs in results {
            for d in docs? {
                report.add(d);
            }
        }
        Ok(())
    };
    const BATCH_BYTES: usize = 4 << 20;
    let mut skipped = 0u64;
    for path in &args.files {
        let name = path.display().to_string();
        let read_err = |e: io::Error| Failure::Io(format!("{name}: cannot read: {e}"));
        let file = std::fs::File::open(path).map_err(read_err)?;
        let mut reader =
            compress::decoder_with_window(file, compress::Compression::from_path(path), args.max_zstd_window)
                .map_err(read_err)?;
        if is_jsonl(args, path) {
            let mut rec = Vec::new();
            let mut n = 0u64;
            loop {
                rec.clear();
                if reader.read_until(b'\n', &mut rec).map_err(read_err)? == 0 {
                    break;
                }
                n += 1;
                let r = rec.strip_suffix(b"\n").unwrap_or(&rec);
                let r = r.strip_suffix(b"\r").unwrap_or(r);
                if r.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let (r, replaced) = repair(r.to_vec(), args.config.lossy);
                if replaced > 0 {
                    report_replaced(&format!("{name}: line {n}"), replaced);
                }
                match zhclean::corpus::record_text(&r, &args.corpus.field) {
                    Ok(text) => {
                        batch_bytes += text.len();
                        batch.push((name.clone(), Some(n), text));
                    }
                    Err(_) if args.corpus.skip_bad => skipped += 1,
                    Err(e) => return Err(Failure::Input(format!("{name}: line {n}: {e}"))),
                }
                if batch_bytes >= BATCH_BYTES {
                    flush(&mut batch, &mut report)?;
                    batch_bytes = 0;
                }
            }
        } else {
            let input = read_document(&name, &mut reader, args.config.lossy)?;
            batch_bytes += input.len();
            batch.push((name.clone(), None, input));
            if batch_bytes >= BATCH_BYTES {
                flush(&mut batch, &mut report)?;
                batch_bytes = 0;
            }
        }
    }
    flush(&mut batch, &mut report)?;
    if skipped > 0 {
        eprintln!("zhclean: {skipped} records skipped (not JSON objects with a string field {:?})", args.corpus.field);
    }
    match staged {
        Some((staged, file)) => {
            let path = args.output.as_ref().expect("staged only with -o").display().to_string();
            let mut w = io::BufWriter::new(file);
            report.write_html(&mut w).and_then(|()| w.flush()).map_err(write_err(&path))?;
            drop(w);
            staged.commit()
        }
        None => {
            let mut w = io::BufWriter::new(io::stdout().lock());
            match report.write_html(&mut w).and_then(|()| w.flush()) {
                Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(write_err("<stdout>")(e)),
                _ => Ok(()),
            }
        }
    }
}
