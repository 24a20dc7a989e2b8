//! `marginalia convert`: any readable format to any format, one document in
//! memory at a time. Documents that cannot be read, or whose offsets do not
//! fit their text, are reported with `file:line` and skipped (exit 1); what
//! the target format cannot hold is counted per kind on standard error.

use crate::input::{self, for_each_document, io_message};
use crate::losses::LossTally;
use crate::output;
use crate::progress::Progress;
use crate::{Failure, InputArgs};
use clap::Args;
use marginalia_core::formats::stream::StreamWriter;
use marginalia_core::formats::{doc_id_of, export_document, Format};
use marginalia_core::record::Record;
use marginalia_core::validate::check_alignment;
use std::collections::HashSet;
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
pub struct ConvertArgs {
    /// Format of the inputs (alias of --format; default: by extension)
    #[arg(long, value_name = "F", value_parser = crate::parse_readable_format)]
    pub from: Option<Format>,
    /// Format to write
    #[arg(long, value_name = "F", value_parser = crate::parse_format)]
    pub to: Format,
    /// Output file, `-` for standard output; for brat, a directory of `<doc_id>.txt` and `.ann`
    #[arg(short, long, value_name = "OUT")]
    pub output: PathBuf,
    #[command(flatten)]
    pub input: InputArgs,
    /// Report progress on standard error (default: only when it is a terminal)
    #[arg(long)]
    pub progress: bool,
}

/// Where converted documents go: one stream, or a brat directory.
enum Sink {
    Stream(StreamWriter<Box<dyn Write>>),
    Brat(BratDirectory),
}

pub fn run(mut args: ConvertArgs) -> Result<ExitCode, Failure> {
    if args.from.is_some() && args.input.format.is_some() && args.from != args.input.format {
        return Err("--from and --format name different formats; give one".into());
    }
    args.input.format = args.input.format.or(args.from);
    let schema = input::import_schema(&input::schema_option(&args.input)?);
    let mut sink = if args.to == Format::Brat {
        if output::is_stdout(&args.output) {
            return Err(
                "brat output is a directory of .txt and .ann files: give -o DIR, not -".into(),
            );
        }
        Sink::Brat(BratDirectory::create(&args.output)?)
    } else {
        Sink::Stream(StreamWriter::new(args.to, output::open(&args.output)?)?)
    };

    let mut progress = Progress::new("convert", args.progress);
    let mut losses = LossTally::default();
    let (mut written, mut skipped) = (0usize, 0usize);
    for_each_document(&args.input, &schema, |doc| {
        let place = doc.place();
        let record = match doc.record.and_then(|r| check_alignment(&r).map(|()| r)) {
            Ok(record) => record,
            Err(e) => {
                eprintln!("{place}: skipped: {e}");
                skipped += 1;
                return Ok(());
            }
        };
        write(&mut sink, &record, args.to, &args.output, &mut losses)
            .map_err(|e| format!("{place}: {e}"))?;
        written += 1;
        progress.tick(written, doc.bytes_read);
        Ok(())
    })?;
    progress.finish();
    match sink {
        Sink::Stream(writer) => {
            writer
                .finish()
                .map_err(|e| output::write_error(&args.output, e))?;
        }
        Sink::Brat(_) => {}
    }

    eprintln!(
        "converted {written} document(s) to {} ({})",
        args.to.name(),
        args.output.display()
    );
    if !losses.is_empty() {
        eprintln!(
            "{} cannot hold everything; not carried over:",
            args.to.title()
        );
        for line in losses.lines() {
            eprintln!("  {line}");
        }
    }
    if skipped > 0 {
        eprintln!("{skipped} document(s) or file(s) could not be converted (see above)");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn write(
    sink: &mut Sink,
    record: &Record,
    to: Format,
    out: &Path,
    losses: &mut LossTally,
) -> Result<(), Failure> {
    // An exporter that panics is a bug in it; report it as this document's
    // failure and stop, rather than abort without saying where.
    let result = catch_unwind(AssertUnwindSafe(|| match sink {
        Sink::Stream(writer) => {
            let written = writer
                .write(record)
                .map_err(|e| output::write_error(out, e));
            for (id, loss) in writer.losses.drain(..) {
                losses.add(&id, &loss);
            }
            written
        }
        Sink::Brat(dir) => {
            let piece = export_document(Format::Brat, record);
            let id = doc_id_of(record);
            for loss in &piece.losses {
                losses.add(&id, loss);
            }
            dir.write(&id, &record.text, &piece.text)
        }
    }));
    result.unwrap_or_else(|_| {
        Err(format!(
            "the {to} exporter failed on this document (an internal error, reported above)"
        ))
    })
}

/// A brat output directory: `<doc_id>.txt` and `<doc_id>.ann` per
/// document, with ids made safe as file names and kept unique.
struct BratDirectory {
    dir: PathBuf,
    /// Lowercased stems already written (case-insensitive file systems).
    used: HashSet<String>,
}

impl BratDirectory {
    fn create(dir: &Path) -> Result<Self, Failure> {
        std::fs::create_dir_all(dir).map_err(|e| {
            format!(
                "{}: cannot create the directory: {}",
                dir.display(),
                io_message(&e)
            )
        })?;
        Ok(BratDirectory {
            dir: dir.to_path_buf(),
            used: HashSet::new(),
        })
    }

    fn write(&mut self, doc_id: &str, text: &str, ann: &str) -> Result<(), Failure> {
        let base = safe_file_stem(doc_id);
        let mut stem = base.clone();
        let mut n = 1;
        while !self.used.insert(stem.to_lowercase()) {
            n += 1;
            stem = format!("{base}-{n}");
        }
        for (ext, content) in [("txt", text), ("ann", ann)] {
            let path = self.dir.join(format!("{stem}.{ext}"));
            std::fs::write(&path, content).map_err(|e| output::write_error(&path, e))?;
        }
        Ok(())
    }
}

/// A document id as a portable file name: letters, digits, `-`, `_` and
/// `.` kept, anything else (path separators, `..`, spaces, control
/// characters) replaced by `_`, no leading dot, at most 100 characters.
pub fn safe_file_stem(doc_id: &str) -> String {
    let mut stem: String = doc_id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    while stem.starts_with('.') {
        stem.replace_range(..1, "_");
    }
    if stem.is_empty() {
        stem = "document".into();
    }
    stem
}

#[cfg(test)]
mod tests {
    use super::safe_file_stem;

    #[test]
    fn document_ids_become_safe_file_names() {
        assert_eq!(
            safe_file_stem("../../etc/passwd"),
            "_._.._etc_passwd",
            "no separator, no leading dot"
        );
        assert_eq!(safe_file_stem("a b/c\\d:e"), "a_b_c_d_e");
        assert_eq!(safe_file_stem(""), "document");
        assert_eq!(safe_file_stem("Zoë-國"), "Zoë-國");
        assert_eq!(safe_file_stem(&"x".repeat(300)).len(), 100);
    }
}
