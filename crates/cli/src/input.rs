//! Reading documents from the files named on the command line, one at a
//! time (constant memory), each with the file and line it starts on, through
//! the core's generic format API — so a format works here as soon as its
//! core module does.

use crate::decoding::Decoding;
use crate::{Failure, InputArgs};
use marginalia_core::text_encoding::decode;
use marginalia_core::formats::stream::JsonPieces;
use marginalia_core::formats::doccano::LabelMap;
use marginalia_core::formats::label_studio_config::LabelConfig;
use marginalia_core::formats::{brat, import_records, w3c, Format, ToolConfig};
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::Record;
use std::cell::Cell;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// One document of the input, or why it (or its whole file) could not be read.
pub struct Document {
    pub file: String,
    /// 1-based line where the document starts; 0 for a problem with the whole file.
    pub line: usize,
    pub record: Result<Record, String>,
    /// Input bytes read so far, over all files (for progress).
    pub bytes_read: u64,
    /// A problem with a whole file (cannot open, holds no document), not
    /// one document of it.
    pub whole_file: bool,
}

impl Document {
    /// `file:line` as messages start (just `file` for whole-file problems and brat pairs).
    pub fn place(&self) -> String {
        place(&self.file, self.line)
    }
}

pub fn place(file: &str, line: usize) -> String {
    if line == 0 {
        file.to_string()
    } else {
        format!("{file}:{line}")
    }
}

/// The schema `--schema` names, or none.
pub fn schema_option(args: &InputArgs) -> Result<Option<LabelSchema>, Failure> {
    let Some(path) = &args.schema else {
        return Ok(None);
    };
    let json = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the label schema: {e}", path.display()))?;
    LabelSchema::from_json(&json)
        .map(Some)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The tool configuration `--label-config` names: Label Studio's labelling
/// config when the file starts with `<` (XML), else doccano's label file.
pub fn tool_config(args: &InputArgs) -> Result<ToolConfig, Failure> {
    let Some(path) = &args.label_config else {
        return Ok(ToolConfig::default());
    };
    let bytes = std::fs::read(path)
        .map_err(|e| format!("{}: cannot read the label config: {}", path.display(), io_message(&e)))?;
    let text = decode(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    let text = text.trim_start_matches('\u{feff}');
    if text.trim_start().starts_with('<') {
        let config = LabelConfig::from_xml(text)
            .map_err(|e| format!("{}: Label Studio labelling config: {e}", path.display()))?;
        Ok(ToolConfig { label_studio: Some(config), ..ToolConfig::default() })
    } else {
        let labels = LabelMap::from_json(text)
            .map_err(|e| format!("{}: doccano label file: {e}", path.display()))?;
        Ok(ToolConfig { doccano_labels: Some(labels), ..ToolConfig::default() })
    }
}

/// The schema importers consult to put a foreign label in its layer.
pub fn import_schema(explicit: &Option<LabelSchema>) -> LabelSchema {
    explicit.clone().unwrap_or_else(LabelSchema::news_default)
}

/// The format of `path`: the explicit one, else by extension.
fn format_of(path: &Path, explicit: Option<Format>) -> Format {
    if let Some(f) = explicit {
        return f;
    }
    if path.is_dir() {
        return Format::Brat;
    }
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("ann") => Format::Brat,
        Some("jsonld") => Format::W3c,
        _ => Format::Marginalia,
    }
}

/// Whether a file is JSON Lines by its name (`.jsonl`, `.ndjson`).
fn is_json_lines(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("jsonl" | "ndjson")
    )
}

/// Counts the bytes read from a file, for progress reports.
struct Counting<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// Calls `visit` with every document of every input, in order. `visit`
/// returning an error stops everything (an output that cannot be written).
pub fn for_each_document(
    args: &InputArgs,
    schema: &LabelSchema,
    mut visit: impl FnMut(Document) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let config = tool_config(args)?;
    let count = Rc::new(Cell::new(0u64));
    let given_text = given_text(args)?;
    for path in &args.files {
        let name = path.display().to_string();
        if let Some((text, doc_id)) = &given_text {
            let records = guarded(|| read_w3c_on_text(path, &name, text, doc_id, schema, &count).map(|r| vec![r]));
            for record in each(records) {
                visit(Document { file: name.clone(), line: 0, record, bytes_read: count.get(), whole_file: false })?;
            }
            continue;
        }
        let format = format_of(path, args.format);
        let whole_file_error = |message: String| Document {
            file: name.clone(),
            line: 0,
            record: Err(message),
            bytes_read: count.get(),
            whole_file: true,
        };
        if format == Format::Brat {
            let anns = match brat_files(path) {
                Ok(anns) => anns,
                Err(e) => {
                    visit(whole_file_error(e))?;
                    continue;
                }
            };
            for ann in anns {
                let record = guarded(|| read_brat(&ann, schema, &count).map(|r| vec![r]))
                    .map(|mut records| records.remove(0));
                visit(Document {
                    file: ann.display().to_string(),
                    line: 0,
                    record,
                    bytes_read: count.get(),
                    whole_file: false,
                })?;
            }
            continue;
        }
        if path.is_dir() {
            visit(whole_file_error(format!("is a directory; only brat input (.ann files) is read from directories, not {format}")))?;
            continue;
        }
        let reader: Box<dyn Read> = if path.as_os_str() == "-" {
            Box::new(io::stdin().lock())
        } else {
            match File::open(path) {
                Ok(f) => Box::new(f),
                Err(e) => {
                    visit(whole_file_error(format!("cannot open: {}", io_message(&e))))?;
                    continue;
                }
            }
        };
        // Progress counts the bytes of the file; the readers get UTF-8.
        let mut reader = BufReader::with_capacity(
            256 * 1024,
            Decoding::new(Counting {
                inner: reader,
                count: count.clone(),
            }),
        );
        let mut any = false;
        if is_json_lines(path) {
            // JSON Lines: one document per line. Read by lines rather than by
            // brackets so that one broken line (an unclosed `[`) cannot
            // swallow every document after it.
            let mut line = String::new();
            let mut number = 0;
            loop {
                line.clear();
                number += 1;
                match reader.read_line(&mut line) {
                    Ok(0) => break,
                    Ok(_) if line.trim().is_empty() => continue,
                    Ok(_) => {
                        any = true;
                        let records = guarded(|| {
                            import_records(format, line.trim_start_matches('\u{feff}'), schema, &config)
                        })
                        .map_err(|e| explain_w3c(&line, e));
                        for record in each(records) {
                            visit(Document {
                                file: name.clone(),
                                line: number,
                                record,
                                bytes_read: count.get(),
                                whole_file: false,
                            })?;
                        }
                    }
                    Err(e) => {
                        any = true;
                        let message = if e.kind() == io::ErrorKind::InvalidData {
                            // A UTF-16 file's decoding error says where; a
                            // UTF-8 one comes from read_line, without a cause.
                            e.get_ref()
                                .map_or("is not valid UTF-8".to_string(), |cause| cause.to_string())
                        } else {
                            format!("cannot read: {e}")
                        };
                        visit(Document {
                            file: name.clone(),
                            line: number,
                            record: Err(message),
                            bytes_read: count.get(),
                            whole_file: false,
                        })?;
                        break;
                    }
                }
            }
        } else {
            // JSON, pretty-printed concatenations, or one array of documents.
            for piece in JsonPieces::new(reader) {
                any = true;
                let (line, records) = match piece {
                    Ok(piece) => (
                        piece.line,
                        guarded(|| import_records(format, &piece.text, schema, &config))
                            .map_err(|e| explain_w3c(&piece.text, e)),
                    ),
                    Err(e) => (e.line, Err(e.message)),
                };
                for record in each(records) {
                    visit(Document {
                        file: name.clone(),
                        line,
                        record,
                        bytes_read: count.get(),
                        whole_file: false,
                    })?;
                }
            }
        }
        if !any {
            visit(whole_file_error("holds no document".into()))?;
        }
    }
    Ok(())
}

/// The records one document's piece holds (one per annotator for a doccano
/// 1.x example or a Label Studio task with several annotations), or its
/// error, one at a time.
fn each(records: Result<Vec<Record>, String>) -> Vec<Result<Record, String>> {
    match records {
        Ok(records) => records.into_iter().map(Ok).collect(),
        Err(e) => vec![Err(e)],
    }
}

/// A reader's refusal of a W3C annotation of a page that is not in the
/// file says how to give that page's text.
fn explain_w3c(piece: &str, message: String) -> String {
    if w3c::foreign::needs_text(piece) {
        format!("{message} — this is a W3C Web Annotation of a page whose text is not in the file: give the text with --text FILE")
    } else {
        message
    }
}

/// The text `--text` names, decoded, with the document id its file name
/// gives; `--text` reads W3C annotations only.
fn given_text(args: &InputArgs) -> Result<Option<(String, String)>, Failure> {
    let Some(path) = &args.text else {
        return Ok(None);
    };
    if let Some(format) = args.format.filter(|f| *f != Format::W3c) {
        return Err(format!(
            "--text gives the text that W3C annotations target; it cannot be used with --format {}",
            format.name()
        ));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| format!("{}: cannot read the text given with --text: {}", path.display(), io_message(&e)))?;
    let text = decode(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Some((text, file_stem(&path.display().to_string()))))
}

/// One W3C annotation file (one annotation, an array, a page or a
/// collection) anchored on the text given: the report of what was placed
/// with doubt, not placed or not read goes to standard error, each line
/// with the annotation's id and quote.
fn read_w3c_on_text(path: &Path, name: &str, text: &str, doc_id: &str, schema: &LabelSchema, count: &Cell<u64>) -> Result<Record, String> {
    let bytes = if path.as_os_str() == "-" {
        let mut buffer = Vec::new();
        io::stdin().lock().read_to_end(&mut buffer).map_err(|e| format!("cannot read: {e}"))?;
        buffer
    } else {
        std::fs::read(path).map_err(|e| format!("cannot open: {}", io_message(&e)))?
    };
    count.set(count.get() + bytes.len() as u64);
    let json = decode(&bytes).map_err(|e| format!("{e}"))?;
    let placed = w3c::import_with_text(&json, text, doc_id, schema, None)?;
    eprintln!("{name}: {}", w3c::summary(&placed));
    for notice in &placed.notices {
        eprintln!("{name}: note: {notice}");
    }
    for line in w3c::report_lines(&placed) {
        eprintln!("{name}: {line}");
    }
    Ok(placed.anchored.record)
}

/// Runs a reader on one document; a panic in it (a bug, reported by the
/// panic hook, which also makes the exit code 101) becomes this document's
/// error, so every other document is still read.
fn guarded(read: impl FnOnce() -> Result<Vec<Record>, String>) -> Result<Vec<Record>, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let records = read()?;
        if let Some(record) = records.first() {
            crate::fault::inject("reading", &record.text);
        }
        Ok(records)
    }))
    .unwrap_or_else(|_| {
        Err("internal error while reading this document (reported above); it was left out".into())
    })
}

/// The `.ann` files a brat input names: the file itself, or every `.ann`
/// under a directory (sorted, so runs are reproducible).
fn brat_files(path: &Path) -> Result<Vec<PathBuf>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot open: {}", io_message(&e)))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut found = Vec::new();
    let mut pending = vec![path.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir)
            .map_err(|e| format!("{}: cannot list: {}", dir.display(), io_message(&e)))?;
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                pending.push(p);
            } else if p.extension().is_some_and(|e| e == "ann") {
                found.push(p);
            }
        }
    }
    found.sort();
    if found.is_empty() {
        return Err("holds no brat .ann file".into());
    }
    Ok(found)
}

/// One brat document: the `.ann` and its sibling `.txt`; the id is the file stem.
fn read_brat(ann_path: &Path, schema: &LabelSchema, count: &Cell<u64>) -> Result<Record, String> {
    let txt_path = ann_path.with_extension("txt");
    let ann = std::fs::read(ann_path).map_err(|e| format!("cannot read: {}", io_message(&e)))?;
    let text = std::fs::read(&txt_path).map_err(|e| {
        format!(
            "cannot read its text {}: {}",
            txt_path.display(),
            io_message(&e)
        )
    })?;
    count.set(count.get() + (ann.len() + text.len()) as u64);
    // brat offsets count from the first character of the file as saved; a
    // byte order mark is not a character of the text.
    let ann = decode(&ann).map_err(|e| format!("{e}"))?;
    let text = decode(&text).map_err(|e| format!("its text {}: {e}", txt_path.display()))?;
    let doc_id = ann_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    brat::import(&text, &ann, &doc_id, schema)
}

/// An I/O error without Rust's `(os error 2)` tail.
pub fn io_message(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// The file's name without directory and extension (an annotator's name
/// when the record names none).
pub fn file_stem(file: &str) -> String {
    let path = Path::new(file);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    // `alice.marginalia.json` names alice.
    stem.split('.')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or(&stem)
        .to_string()
}
