//! `marginalia merge`: many saves into one JSONL, grouped by text (all
//! annotators' records of a text next to each other, annotators in name
//! order), one record per annotator per task (`grouping`): a task that
//! carries its own decision (Prodigy's `_task_hash`, or a rejected or
//! ignored task's spans) is never dropped for another decision on the same
//! text. Every record is written as read, with its answer.

use crate::grouping::collect;
use crate::input;
use crate::output;
use crate::{Failure, InputArgs};
use clap::Args;
use marginalia_core::formats::stream::StreamWriter;
use marginalia_core::formats::Format;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct MergeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output JSONL file, `-` for standard output
    #[arg(short, long, value_name = "OUT")]
    pub output: PathBuf,
}

pub fn run(args: MergeArgs) -> Result<ExitCode, Failure> {
    let schema = input::import_schema(&input::schema_option(&args.input)?);
    let (groups, unreadable) = collect(&args.input, &schema)?;
    for message in &groups.replaced {
        eprintln!("{message}");
    }
    let mut writer = StreamWriter::new(Format::Marginalia, output::open(&args.output)?)?;
    for text in &groups.texts {
        for save in text.saves.values() {
            writer
                .write(&save.record)
                .map_err(|e| output::write_error(&args.output, e))?;
        }
    }
    if groups.saves() == 0 {
        // An empty file would look like a merge that found nothing wrong.
        eprintln!("no save could be read: {} not written", args.output.display());
        return Ok(ExitCode::FAILURE);
    }
    writer
        .finish()
        .and_then(output::Output::commit)
        .map_err(|e| output::write_error(&args.output, e))?;
    eprintln!(
        "merged {} save(s) or task(s) of {} text(s) by {} annotator(s) into {}; {} older duplicate(s) dropped",
        groups.saves(),
        groups.texts.len(),
        groups.annotators().len(),
        args.output.display(),
        groups.replaced.len()
    );
    if unreadable > 0 {
        eprintln!("{unreadable} document(s) or file(s) could not be read (see above) and are not in the output");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
