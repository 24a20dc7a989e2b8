//! `marginalia split`: a deterministic train/dev/test split by text. Each
//! record's split is decided by a hash of the seed and its text's SHA-256,
//! so every record of one text (every annotator's) lands in the same split,
//! the same seed always gives the same split, and the input streams through
//! in constant memory.

use crate::input::{self, for_each_document};
use crate::output;
use crate::progress::Progress;
use crate::{Failure, InputArgs};
use clap::Args;
use marginalia_core::article::sha256_hex;
use marginalia_core::formats::stream::StreamWriter;
use marginalia_core::formats::Format;
use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

pub const SPLITS: [&str; 3] = ["train", "dev", "test"];

#[derive(Args)]
pub struct SplitArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Shares of train, dev and test, e.g. 0.8,0.1,0.1 (scaled to sum to 1, so 8,1,1 works too)
    #[arg(long, value_name = "T,D,T", default_value = "0.8,0.1,0.1", value_parser = parse_ratio)]
    pub ratio: Ratio,
    /// Seed: another seed gives another split of the same data
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,
    /// Directory for train.jsonl, dev.jsonl and test.jsonl (created if missing)
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Report progress on standard error (default: only when it is a terminal)
    #[arg(long)]
    pub progress: bool,
}

/// Cumulative upper bounds of each split in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ratio {
    shares: [f64; 3],
}

pub fn parse_ratio(s: &str) -> Result<Ratio, String> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    if parts.len() != 3 {
        return Err(format!(
            "{s:?}: give three shares, train,dev,test, e.g. 0.8,0.1,0.1"
        ));
    }
    let mut shares = [0.0; 3];
    for (slot, part) in shares.iter_mut().zip(&parts) {
        *slot = match part.parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => x,
            _ => return Err(format!("{part:?} is not a share (a number of 0 or more)")),
        };
    }
    let sum: f64 = shares.iter().sum();
    if sum <= 0.0 {
        return Err("the shares add up to 0: nothing would be written".into());
    }
    Ok(Ratio {
        shares: shares.map(|x| x / sum),
    })
}

impl Ratio {
    /// The split of a text, from a position in [0, 1) drawn from its hash.
    pub fn pick(&self, x: f64) -> usize {
        let mut bound = 0.0;
        let mut last = 0;
        for (i, share) in self.shares.iter().enumerate() {
            if *share == 0.0 {
                continue;
            }
            bound += share;
            last = i;
            if x < bound {
                return i;
            }
        }
        // Rounding can leave the sum a hair under 1.
        last
    }
}

/// A position in [0, 1) from the seed and the text: SHA-256, so it is the
/// same on every machine and every version of Rust.
pub fn position(seed: u64, text_sha256: &str) -> f64 {
    let digest = sha256_hex(&format!("{seed}:{text_sha256}"));
    let top = u64::from_str_radix(&digest[..16], 16).expect("hex digest");
    (top >> 11) as f64 / (1u64 << 53) as f64
}

pub fn run(args: SplitArgs) -> Result<ExitCode, Failure> {
    let schema = input::import_schema(&input::schema_option(&args.input)?);
    std::fs::create_dir_all(&args.output).map_err(|e| {
        format!(
            "{}: cannot create the directory: {}",
            args.output.display(),
            input::io_message(&e)
        )
    })?;
    let paths: Vec<PathBuf> = SPLITS
        .iter()
        .map(|name| args.output.join(format!("{name}.jsonl")))
        .collect();
    let mut writers = Vec::new();
    for path in &paths {
        writers.push(StreamWriter::new(Format::Marginalia, output::open(path)?)?);
    }
    let mut documents = [0usize; 3];
    // Texts seen per split, by a 64-bit prefix of their hash (small, and
    // collisions only blur a count, never the split).
    let mut texts: [HashSet<u64>; 3] = Default::default();
    let mut unreadable = 0;
    let mut progress = Progress::new("split", args.progress);
    for_each_document(&args.input, &schema, |doc| {
        let place = doc.place();
        let record = match doc.record {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{place}: {e}");
                unreadable += 1;
                return Ok(());
            }
        };
        let sha = sha256_hex(&record.text);
        let which = args.ratio.pick(position(args.seed, &sha));
        writers[which]
            .write(&record)
            .map_err(|e| output::write_error(&paths[which], e))?;
        documents[which] += 1;
        texts[which].insert(u64::from_str_radix(&sha[..16], 16).expect("hex digest"));
        progress.tick(documents.iter().sum(), doc.bytes_read);
        Ok(())
    })?;
    progress.finish();
    if documents.iter().sum::<usize>() == 0 {
        eprintln!("no document could be read: nothing written to {}", args.output.display());
        return Ok(ExitCode::FAILURE);
    }
    for (writer, path) in writers.into_iter().zip(&paths) {
        writer
            .finish()
            .and_then(output::Output::commit)
            .map_err(|e| output::write_error(path, e))?;
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for i in 0..3 {
        let _ = writeln!(
            out,
            "{:<5} {:>8} document(s) {:>8} text(s)  {}",
            SPLITS[i],
            documents[i],
            texts[i].len(),
            paths[i].display()
        );
    }
    if unreadable > 0 {
        eprintln!(
            "{unreadable} document(s) or file(s) could not be read (see above) and are in no split"
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_parse_scale_and_pick() {
        let r = parse_ratio("8,1,1").unwrap();
        assert_eq!(r, parse_ratio("0.8, 0.1, 0.1").unwrap());
        assert_eq!(
            (
                r.pick(0.0),
                r.pick(0.79),
                r.pick(0.85),
                r.pick(0.95),
                r.pick(0.999_999_999)
            ),
            (0, 0, 1, 2, 2)
        );
        let no_dev = parse_ratio("0.5,0,0.5").unwrap();
        assert_eq!((no_dev.pick(0.49), no_dev.pick(0.5)), (0, 2));
        assert!(parse_ratio("0.8,0.2").is_err());
        assert!(parse_ratio("0,0,0").is_err());
        assert!(parse_ratio("a,1,1").unwrap_err().contains("\"a\""));
        assert!(parse_ratio("-1,1,1").is_err());
    }

    #[test]
    fn positions_are_in_the_unit_interval_and_depend_on_the_seed() {
        let x = position(1, "abc");
        assert!((0.0..1.0).contains(&x));
        assert_eq!(x, position(1, "abc"));
        assert_ne!(x, position(2, "abc"));
    }
}
