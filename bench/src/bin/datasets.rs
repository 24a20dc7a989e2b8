//! Dataset throughput of the `marginalia` command-line tool: `convert` to
//! every format and `validate`, on a large generated corpus (JSON Lines of
//! saved records), with wall time, MB/s of input and peak memory (the
//! child's high-water resident set, read from `/proc` while it runs).
//! Results replace the dataset section of BENCHMARKS.md.
//!
//! `cargo run --release -p marginalia-bench --bin datasets -- [--mb 200] [--no-write]`

#[path = "../markers.rs"]
#[allow(dead_code)] // the browser benchmark uses the rest
mod markers;

use marginalia_core::record::RecordSpan;
use marginalia_core::workload;
use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    if let Err(e) = run() {
        eprintln!("datasets: {e}");
        std::process::exit(1);
    }
}

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

fn run() -> Result {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mb: usize = args.iter().position(|a| a == "--mb").and_then(|i| args.get(i + 1)).map_or(Ok(200), |v| v.parse())?;
    let write = !args.iter().any(|a| a == "--no-write");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("bench/ is in the workspace").to_path_buf();
    let cli = build_cli(&root)?;
    let dir = std::env::temp_dir().join(format!("marginalia-datasets-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let corpus = dir.join("corpus.jsonl");
    let (docs, bytes) = write_corpus(&corpus, mb * 1_000_000)?;
    println!("corpus: {docs} documents, {:.1} MB", bytes as f64 / 1e6);

    let mut rows = Vec::new();
    let mut measure = |what: String, args: Vec<String>| -> Result {
        let m = measure(&cli, &args)?;
        println!("{what:<28} {:>7.2} s {:>8.1} MB/s  peak {:>6.1} MB", m.0.as_secs_f64(), bytes as f64 / 1e6 / m.0.as_secs_f64(), m.1 as f64 / 1e6);
        rows.push((what, m.0, m.1));
        Ok(())
    };
    let corpus_arg = corpus.display().to_string();
    measure("validate".into(), vec!["validate".into(), corpus_arg.clone()])?;
    for to in ["marginalia", "spacy", "iob2", "bilou", "brat", "w3c", "label-studio", "doccano"] {
        let out = dir.join(format!("out-{to}"));
        measure(
            format!("convert → {to}"),
            vec!["convert".into(), "--from".into(), "marginalia".into(), "--to".into(), to.into(), corpus_arg.clone(), "-o".into(), out.display().to_string()],
        )?;
        let _ = std::fs::remove_dir_all(&out).or_else(|_| std::fs::remove_file(&out));
    }
    // Reading the other formats back, from the files they wrote.
    for from in ["spacy", "w3c", "label-studio", "doccano"] {
        let input = dir.join(format!("in-{from}"));
        Command::new(&cli).args(["convert", "--from", "marginalia", "--to", from, &corpus_arg, "-o"]).arg(&input).stderr(Stdio::null()).status()?;
        let out = dir.join("back.jsonl");
        measure(
            format!("convert {from} → marginalia"),
            vec!["convert".into(), "--from".into(), from.into(), "--to".into(), "marginalia".into(), input.display().to_string(), "-o".into(), out.display().to_string()],
        )?;
        let _ = std::fs::remove_file(&input);
    }
    let _ = std::fs::remove_dir_all(&dir);

    let mut md = String::new();
    let _ = writeln!(md, "\n- **Date:** {} · **corpus:** {docs} generated documents of 2,000 words and 100 spans each (claims and overlaps included), {:.0} MB of JSON Lines, release build of `marginalia`", today(), bytes as f64 / 1e6);
    let _ = writeln!(md, "- MB/s is megabytes of the Marginalia corpus processed per second (the same input size for every row, so rows compare); peak memory is the process's high-water resident set. Formats that carry tokens (spaCy, CoNLL) run at the speed of the spaCy-compatible tokenizer, which every document without saved tokens goes through; memory stays flat because one document is in memory at a time.\n");
    let _ = writeln!(md, "| command | time | throughput | peak memory |\n|---|---:|---:|---:|");
    for (what, t, peak) in &rows {
        let _ = writeln!(md, "| `{what}` | {:.2} s | {:.1} MB/s | {:.1} MB |", t.as_secs_f64(), bytes as f64 / 1e6 / t.as_secs_f64(), *peak as f64 / 1e6);
    }
    if write {
        let path = root.join("BENCHMARKS.md");
        let previous = std::fs::read_to_string(&path).unwrap_or_default();
        std::fs::write(&path, replace_section(&previous, &md))?;
        println!("wrote the dataset section of {}", path.display());
    } else {
        print!("{md}");
    }
    Ok(())
}

fn replace_section(doc: &str, body: &str) -> String {
    let (start, end) = (markers::DATASETS_START, markers::DATASETS_END);
    match (doc.find(start), doc.find(end)) {
        (Some(i), Some(j)) if i < j => format!("{}{start}{body}{}", &doc[..i], &doc[j..]),
        _ => format!("{doc}\n## Dataset conversion (command line): `cargo run --release -p marginalia-bench --bin datasets`\n\n{start}{body}{end}\n"),
    }
}

fn today() -> String {
    let out = Command::new("date").arg("-u").arg("+%Y-%m-%d").output().ok();
    out.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()).unwrap_or_default()
}

fn build_cli(root: &Path) -> Result<PathBuf> {
    let out = Command::new("cargo")
        .args(["build", "--release", "-q", "-p", "marginalia-cli", "--message-format=json"])
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()?;
    if !out.status.success() {
        return Err("cargo could not build marginalia-cli".into());
    }
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let msg: serde_json::Value = serde_json::from_str(line)?;
        if msg["reason"] == "compiler-artifact" && msg["target"]["name"] == "marginalia" {
            if let Some(exe) = msg["executable"].as_str() {
                return Ok(exe.into());
            }
        }
    }
    Err("cargo built no `marginalia` executable".into())
}

/// Writes generated saves until `target` bytes: each a 2,000-word workload
/// text (varied per document) with 100 spans, one in ten a claim.
fn write_corpus(path: &Path, target: usize) -> Result<(usize, usize)> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    let base = workload::generate(2_000, 100);
    let (mut docs, mut bytes) = (0usize, 0usize);
    while bytes < target {
        let text = format!("Dispatch {docs}. {}", base.text);
        let shift = text.chars().count() - base.text.chars().count();
        let chars: Vec<char> = text.chars().collect();
        let spans = base
            .spans
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let claim = i % 10 == 0;
                let (start, end) = (s.start + shift, s.end + shift);
                RecordSpan {
                    id: Some(marginalia_core::span::SpanId(i as u32 + 1)),
                    start,
                    end,
                    token_start: None,
                    token_end: None,
                    label: if claim { "CLAIM".into() } else { s.label.to_string() },
                    layer: if claim { "claim".into() } else { "entity".into() },
                    text: Some(chars[start..end].iter().collect()),
                    attributes: Default::default(),
                    defaults: Default::default(),
                    source: None,
                }
            })
            .collect();
        let mut record = marginalia_core::formats::new_record(text, format!("doc-{docs}"));
        record.spans = spans;
        record.annotator = Some(["ana", "ben"][docs % 2].into());
        let line = serde_json::to_string(&record)?;
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
        bytes += line.len() + 1;
        docs += 1;
    }
    out.flush()?;
    Ok((docs, bytes))
}

/// Runs the CLI; returns wall time and peak resident memory (VmHWM, polled).
fn measure(cli: &Path, args: &[String]) -> Result<(Duration, u64)> {
    let started = Instant::now();
    let mut child = Command::new(cli).args(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn()?;
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    loop {
        if let Ok(s) = std::fs::read_to_string(&status_path) {
            if let Some(kb) = s.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok()) {
                peak = peak.max(kb * 1024);
            }
        }
        if let Some(status) = child.try_wait()? {
            if !status.success() {
                return Err(format!("marginalia {} failed ({status})", args.join(" ")).into());
            }
            return Ok((started.elapsed(), peak));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}
