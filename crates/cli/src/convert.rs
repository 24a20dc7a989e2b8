//! `marginalia convert`: any readable format to any format, one document in
//! memory at a time. Documents that cannot be read, or whose offsets do not
//! fit their text, are reported with `file:line` and skipped (exit 1), and
//! so is a document an exporter fails on (a bug: exit 101); what the target
//! format cannot hold is counted per kind on standard error. A format that
//! holds only positive annotations takes accepted tasks only unless
//! `--answers all` (`formats::answers`); the tasks left out are counted per
//! answer with the losses. The output file appears only once complete, and
//! only if a document was converted.

use crate::input::{self, for_each_document, io_message};
use crate::losses::LossTally;
use crate::output;
use crate::progress::Progress;
use crate::{Failure, InputArgs};
use clap::Args;
use marginalia_core::formats::answers::{left_out, Answers};
use marginalia_core::formats::stream::StreamWriter;
use marginalia_core::formats::{doc_id_of, export_document, Format};
use marginalia_core::record::Record;
use marginalia_core::validate::check_alignment;
use std::collections::HashSet;
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
    /// Which tasks a format that holds only positive annotations (iob2, bilou, brat, w3c, label-studio, doccano) takes: `accept` (tasks answered accept, as Prodigy's data-to-spacy does) or `all` (rejected and ignored tasks too, their spans written as annotations). marginalia and spacy keep every task with its answer.
    #[arg(long, value_name = "WHICH", default_value = "accept", value_parser = parse_answers)]
    pub answers: Answers,
    /// Report progress on standard error (default: only when it is a terminal)
    #[arg(long)]
    pub progress: bool,
}

fn parse_answers(name: &str) -> Result<Answers, String> {
    Answers::from_name(name).ok_or_else(|| format!("unknown answers {name:?}; give accept or all"))
}

/// Where converted documents go: one stream, or a brat directory.
enum Sink {
    Stream(StreamWriter<output::Output>),
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
        if let Some(answer) = left_out(args.to, &record, args.answers) {
            losses.leave_out(&doc_id_of(&record), answer, args.to);
            progress.tick(written, doc.bytes_read);
            return Ok(());
        }
        if let Err(e) = write(&mut sink, &record, args.to, &args.output, &mut losses)
            .map_err(|e| format!("{place}: {e}"))?
        {
            eprintln!("{place}: skipped: {e}");
            skipped += 1;
            return Ok(());
        }
        written += 1;
        progress.tick(written, doc.bytes_read);
        Ok(())
    })?;
    progress.finish();
    if written == 0 {
        // An empty output would pass for a conversion of nothing.
        if let Sink::Brat(dir) = sink {
            dir.remove_if_created();
        }
        eprintln!(
            "no document was converted: {} not written",
            args.output.display()
        );
        for line in losses.lines() {
            eprintln!("  {line}");
        }
        if losses.tasks_left_out() > 0 {
            eprintln!("  --answers all writes tasks whatever their answer");
        }
        return Ok(ExitCode::FAILURE);
    }
    match sink {
        Sink::Stream(writer) => {
            writer
                .finish()
                .and_then(output::Output::commit)
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
        if losses.tasks_left_out() > 0 {
            eprintln!("  --answers all writes tasks whatever their answer");
        }
    }
    if skipped > 0 {
        eprintln!("{skipped} document(s) or file(s) could not be converted (see above)");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes one document. The outer error stops the run (the output cannot
/// be written); the inner one skips this document: an exporter that
/// panics is a bug in it, reported (by the panic hook, then here) as this
/// document's failure. Exporters build the whole piece before writing, so
/// a failed document leaves nothing of itself in the output.
fn write(
    sink: &mut Sink,
    record: &Record,
    to: Format,
    out: &Path,
    losses: &mut LossTally,
) -> Result<Result<(), String>, Failure> {
    let result = catch_unwind(AssertUnwindSafe(|| match sink {
        Sink::Stream(writer) => {
            crate::fault::inject("writing", &record.text);
            let written = writer
                .write(record)
                .map_err(|e| output::write_error(out, e));
            for (id, loss) in writer.losses.drain(..) {
                losses.add(&id, &loss);
            }
            written
        }
        Sink::Brat(dir) => {
            crate::fault::inject("writing", &record.text);
            let piece = export_document(Format::Brat, record);
            let id = doc_id_of(record);
            for loss in &piece.losses {
                losses.add(&id, loss);
            }
            dir.write(&id, &record.text, &piece.text)
        }
    }));
    match result {
        Ok(written) => written.map(Ok),
        Err(_) => Ok(Err(format!(
            "the {to} exporter failed on this document (an internal error, reported above)"
        ))),
    }
}

/// A brat output directory: `<doc_id>.txt` and `<doc_id>.ann` per
/// document, with ids made safe as file names and kept unique.
struct BratDirectory {
    dir: PathBuf,
    /// Whether this run created the directory (then it may remove it).
    created: bool,
    /// Lowercased stems already written (case-insensitive file systems).
    used: HashSet<String>,
}

impl BratDirectory {
    fn create(dir: &Path) -> Result<Self, Failure> {
        let created = !dir.exists();
        std::fs::create_dir_all(dir).map_err(|e| {
            format!(
                "{}: cannot create the directory: {}",
                dir.display(),
                io_message(&e)
            )
        })?;
        Ok(BratDirectory {
            dir: dir.to_path_buf(),
            created,
            used: HashSet::new(),
        })
    }

    /// Takes back a directory this run created and left empty.
    fn remove_if_created(self) {
        if self.created {
            let _ = std::fs::remove_dir(&self.dir);
        }
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
