//! `marginalia`: the command-line tool over Marginalia's core. This file is
//! the argument tree and the dispatch; each subcommand lives in its own
//! module, and every rule and format lives in `marginalia-core`.
//!
//! Exit codes: 0 success; 1 the data has problems or a file could not be
//! read or written; 2 the command line is wrong (clap's own code); 101 an
//! internal error (a panic: the release build unwinds, so the document at
//! fault is reported and skipped, and the run goes on to the end).

mod agree;
mod backup;
mod convert;
mod decoding;
mod fault;
mod grouping;
mod import;
mod input;
mod losses;
mod merge;
mod output;
mod progress;
mod serve;
mod split;
mod stats;
mod validate;

use clap::{Args, Parser, Subcommand};
use marginalia_core::formats::Format;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the panic hook: the run ends with exit 101 whatever else happened.
static INTERNAL_ERROR: AtomicBool = AtomicBool::new(false);

/// The documented exit code of an internal error (Rust's own for a panic).
const INTERNAL_ERROR_CODE: u8 = 101;

#[derive(Parser)]
#[command(
    name = "marginalia",
    version,
    about = "Validate, convert, merge, split and measure Marginalia annotation datasets; run the team server"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check saves: JSON, text hash, offsets, quoted text, labels, attributes, relations, forbidden overlaps
    Validate(validate::ValidateArgs),
    /// Convert documents from one format to another, one document in memory at a time
    Convert(convert::ConvertArgs),
    /// Merge many saves into one JSONL, grouped by text, one record per annotator per task (each Prodigy decision kept)
    Merge(merge::MergeArgs),
    /// Inter-annotator agreement: span P/R/F1, token-label kappa, claim-attribute agreement
    Agree(agree::AgreeArgs),
    /// Deterministic train/dev/test split by text (all records of a text land in one split)
    Split(split::SplitArgs),
    /// Count documents, spans per label and layer, annotators and claim attribute values
    Stats(stats::StatsArgs),
    /// Run the team server: projects, a work queue, every save kept (SQLite by default, PostgreSQL with --database)
    Serve(serve::ServeArgs),
    /// Send articles and annotations to a project on a team server
    Import(import::ImportArgs),
    /// Copy a running server's SQLite database consistently
    Backup(backup::BackupArgs),
}

/// The input files and how to read them; shared by every subcommand.
#[derive(Args, Debug, Clone)]
pub struct InputArgs {
    /// Input files: JSON, JSONL, JSON arrays, brat `.ann` files or directories of them; `-` reads standard input
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Format of the inputs (default: by extension — `.ann` and directories brat, `.jsonld` w3c, anything else marginalia)
    #[arg(long, value_name = "F", value_parser = parse_readable_format)]
    pub format: Option<Format>,
    /// Label schema JSON (default: each record's own `label_schema`, else the news schema)
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,
    /// The annotation tool's own configuration: Label Studio's labelling config (XML; its `<Text value="$key">` names the task field holding the text) or doccano's label file (JSON, Labels → Export; names a 1.0–1.2 export's numeric label ids)
    #[arg(long, value_name = "FILE")]
    pub label_config: Option<PathBuf>,
    /// The text W3C annotations target (Hypothesis, Recogito, any tool): the inputs are read as W3C annotations and anchored on it, with a report of what needs review or was not read
    #[arg(long, value_name = "FILE")]
    pub text: Option<PathBuf>,
}

/// Every format name, for messages.
pub fn format_names() -> String {
    Format::ALL
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn readable_format_names() -> String {
    Format::ALL
        .iter()
        .filter(|f| f.can_read())
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A format name as clap parses it, with the known names in the error.
pub fn parse_format(name: &str) -> Result<Format, String> {
    Format::from_name(name)
        .ok_or_else(|| format!("unknown format {name:?}; known formats: {}", format_names()))
}

/// A format that can be read; export-only formats are refused here, before any file is opened.
pub fn parse_readable_format(name: &str) -> Result<Format, String> {
    let format = parse_format(name)?;
    if !format.can_read() {
        return Err(format!(
            "{} ({}) is export-only and cannot be read; readable formats: {}",
            format.name(),
            format.title(),
            readable_format_names()
        ));
    }
    Ok(format)
}

/// A failure that ends a subcommand: printed as `marginalia: error: …`, exit 1.
pub type Failure = String;

fn main() -> ExitCode {
    // A panic is a bug, never an answer to bad input: say so in one line
    // instead of a backtrace hint, and keep the exit code distinct (101).
    std::panic::set_hook(Box::new(|info| {
        INTERNAL_ERROR.store(true, Ordering::SeqCst);
        eprintln!("marginalia: internal error (please report it): {info}");
    }));
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Validate(args) => validate::run(args),
        Command::Convert(args) => convert::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Agree(args) => agree::run(args),
        Command::Split(args) => split::run(args),
        Command::Stats(args) => stats::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Import(args) => import::run(args),
        Command::Backup(args) => backup::run(args),
    };
    let code = match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("marginalia: error: {message}");
            ExitCode::FAILURE
        }
    };
    if INTERNAL_ERROR.load(Ordering::SeqCst) {
        return ExitCode::from(INTERNAL_ERROR_CODE);
    }
    code
}
