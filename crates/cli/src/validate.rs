//! `marginalia validate`: every problem of every document as
//! `file:line: what is wrong` on standard output, then a summary; exit 1 if
//! anything is wrong.

use crate::input::{self, for_each_document};
use crate::progress::Progress;
use crate::{Failure, InputArgs};
use clap::Args;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::validate::check;
use std::collections::BTreeSet;
use std::io::Write;
use std::process::ExitCode;

#[derive(Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Report progress on standard error (default: only when it is a terminal)
    #[arg(long)]
    pub progress: bool,
}

pub fn run(args: ValidateArgs) -> Result<ExitCode, Failure> {
    let explicit = input::schema_option(&args.input)?;
    let import_schema = input::import_schema(&explicit);
    let news = LabelSchema::news_default();
    let mut progress = Progress::new("validate", args.progress);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let (mut documents, mut bad_documents, mut problems) = (0usize, 0usize, 0usize);
    let mut files_with_problems = BTreeSet::new();

    for_each_document(&args.input, &import_schema, |doc| {
        let place = doc.place();
        // A document that could not be read is one of the documents too.
        documents += usize::from(!doc.whole_file);
        let found: Vec<String> = match doc.record {
            Err(e) => vec![e],
            Ok(record) => {
                // The schema the record is checked against: --schema, else its own, else the news default.
                let own = match (&explicit, &record.label_schema) {
                    (Some(_), _) | (None, None) => Ok(None),
                    (None, Some(own)) => own
                        .validate()
                        .map(|()| Some(own.clone()))
                        .map_err(|e| format!("label_schema: {e}")),
                };
                match own {
                    Err(e) => vec![e],
                    Ok(own) => {
                        let schema = explicit.as_ref().or(own.as_ref()).unwrap_or(&news);
                        check(record, schema)
                    }
                }
            }
        };
        if !found.is_empty() {
            bad_documents += 1;
            problems += found.len();
            files_with_problems.insert(doc.file.clone());
        }
        for problem in found {
            writeln!(out, "{place}: {problem}").map_err(|e| format!("cannot write: {e}"))?;
        }
        progress.tick(documents, doc.bytes_read);
        Ok(())
    })?;
    progress.finish();

    let files = args.input.files.len();
    if problems == 0 {
        let _ = writeln!(out, "{documents} documents in {files} file(s): all valid");
        Ok(ExitCode::SUCCESS)
    } else {
        let _ = writeln!(
            out,
            "{documents} documents in {files} file(s): {problems} problem(s) in {bad_documents} document(s), in {} file(s)",
            files_with_problems.len()
        );
        Ok(ExitCode::FAILURE)
    }
}
