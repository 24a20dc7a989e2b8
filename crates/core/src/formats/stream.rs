//! Files of many documents: framing exported pieces into one file, and
//! splitting a file back into pieces, in constant memory (one document at a
//! time), so that a multi-gigabyte JSONL converts without being loaded.
//!
//! JSON formats are read from JSON Lines, from concatenated (even
//! pretty-printed) JSON values, or from one JSON array of documents — the
//! splitter finds each top-level value by its brackets, so all three work
//! for every JSON format.

use super::{import_document, Format};
use crate::label_schema::LabelSchema;
use crate::record::Record;
use std::fmt;
use std::io::{self, BufRead, Write};

/// A document that could not be read, with the line where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// 1-based line of the input where the document starts.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.line, self.message)
    }
}

impl std::error::Error for FormatError {}

/// Writes documents of one format into one output.
pub struct StreamWriter<W: Write> {
    format: Format,
    out: W,
    written: usize,
    /// `(doc_id, what was lost)` for every document written so far.
    pub losses: Vec<(String, String)>,
}

impl<W: Write> StreamWriter<W> {
    /// brat keeps each document in its own pair of files, so it has no
    /// single-file form: the caller writes [`super::brat`] files itself.
    pub fn new(format: Format, out: W) -> Result<Self, String> {
        if format == Format::Brat {
            return Err("brat standoff keeps each document in its own .txt and .ann files: write to a directory".into());
        }
        Ok(Self { format, out, written: 0, losses: Vec::new() })
    }

    pub fn written(&self) -> usize {
        self.written
    }

    /// The output so far (a server streaming an export takes it in chunks).
    pub fn get_ref(&self) -> &W {
        &self.out
    }

    pub fn get_mut(&mut self) -> &mut W {
        &mut self.out
    }

    pub fn write(&mut self, record: &Record) -> io::Result<()> {
        let piece = super::export_document(self.format, record);
        if !piece.losses.is_empty() {
            let id = super::doc_id_of(record);
            self.losses.extend(piece.losses.into_iter().map(|l| (id.clone(), l)));
        }
        match self.format {
            Format::LabelStudio => {
                self.out.write_all(if self.written == 0 { b"[\n" } else { b",\n" })?;
                self.out.write_all(piece.text.as_bytes())?;
            }
            Format::Iob2 | Format::Bilou => self.out.write_all(piece.text.as_bytes())?,
            _ => {
                self.out.write_all(piece.text.as_bytes())?;
                self.out.write_all(b"\n")?;
            }
        }
        self.written += 1;
        Ok(())
    }

    /// Closes the framing (the JSON array) and hands the output back.
    pub fn finish(mut self) -> io::Result<W> {
        if self.format == Format::LabelStudio {
            self.out.write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Exports one document as a whole file (the web app's download). A task
/// not accepted is refused in a format that holds accepted annotations only
/// ([`super::answers::refused_export`]), as the command line leaves it out.
pub fn export_file(format: Format, record: &Record) -> Result<(String, Vec<String>), String> {
    if let Some(why) = super::answers::refused_export(format, record) {
        return Err(why);
    }
    if format == Format::Brat {
        let piece = super::brat::export(record);
        return Ok((piece.text, piece.losses));
    }
    let mut writer = StreamWriter::new(format, Vec::new())?;
    writer.write(record).map_err(|e| e.to_string())?;
    let losses = writer.losses.iter().map(|(_, l)| l.clone()).collect();
    let bytes = writer.finish().map_err(|e| e.to_string())?;
    Ok((String::from_utf8(bytes).expect("exports are UTF-8"), losses))
}

/// One document's text as found in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    /// 1-based line where it starts.
    pub line: usize,
}

/// Splits JSON input into its top-level documents: JSON Lines,
/// concatenated values, or the elements of one top-level array.
pub struct JsonPieces<R: BufRead> {
    input: R,
    line: usize,
    /// Inside a top-level array of documents.
    in_array: bool,
    started: bool,
    done: bool,
    pending: Option<u8>,
}

impl<R: BufRead> JsonPieces<R> {
    pub fn new(input: R) -> Self {
        Self { input, line: 1, in_array: false, started: false, done: false, pending: None }
    }

    fn next_byte(&mut self) -> io::Result<Option<u8>> {
        if let Some(b) = self.pending.take() {
            return Ok(Some(b));
        }
        let buf = self.input.fill_buf()?;
        let Some(&b) = buf.first() else { return Ok(None) };
        self.input.consume(1);
        if b == b'\n' {
            self.line += 1;
        }
        Ok(Some(b))
    }

    fn fail(&mut self, line: usize, message: impl Into<String>) -> Option<Result<Piece, FormatError>> {
        self.done = true;
        Some(Err(FormatError { line, message: message.into() }))
    }
}

impl<R: BufRead> Iterator for JsonPieces<R> {
    type Item = Result<Piece, FormatError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        // Find the start of the next document.
        let first = loop {
            match self.next_byte() {
                Err(e) => return self.fail(self.line, format!("cannot read the input: {e}")),
                Ok(None) if self.in_array => return self.fail(self.line, "the JSON array of documents is not closed (missing `]`)"),
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Ok(Some(b' ' | b'\t' | b'\r' | b'\n')) => {}
                Ok(Some(0xEF)) if !self.started => {
                    // A UTF-8 byte order mark.
                    let _ = self.next_byte();
                    let _ = self.next_byte();
                }
                Ok(Some(b'[')) if !self.started => {
                    self.started = true;
                    self.in_array = true;
                }
                Ok(Some(b',')) if self.in_array => {}
                Ok(Some(b']')) if self.in_array => {
                    self.in_array = false;
                }
                Ok(Some(b)) => break b,
            }
        };
        self.started = true;
        let line = self.line;
        if first != b'{' {
            return self.fail(line, format!("expected a JSON object (a document), found `{}`", first as char));
        }
        let mut bytes = vec![first];
        // The closers owed, innermost last: a wrong one is broken JSON, and
        // saying so beats reading on to the end of the file.
        let mut owed = vec![b'}'];
        let (mut in_string, mut escaped) = (false, false);
        while !owed.is_empty() {
            let b = match self.next_byte() {
                Err(e) => return self.fail(self.line, format!("cannot read the input: {e}")),
                Ok(None) => return self.fail(line, "the document is cut short: the file ends inside it"),
                Ok(Some(b)) => b,
            };
            bytes.push(b);
            if in_string {
                match b {
                    _ if escaped => escaped = false,
                    b'\\' => escaped = true,
                    b'"' => in_string = false,
                    _ => {}
                }
            } else {
                match b {
                    b'"' => in_string = true,
                    b'{' => owed.push(b'}'),
                    b'[' => owed.push(b']'),
                    b'}' | b']' if owed.last() == Some(&b) => {
                        owed.pop();
                    }
                    b'}' | b']' => {
                        let expected = *owed.last().expect("inside a value") as char;
                        return self.fail(self.line, format!("the file is not valid JSON: `{}` where `{expected}` was expected", b as char));
                    }
                    _ => {}
                }
            }
        }
        match String::from_utf8(bytes) {
            Ok(text) => Some(Ok(Piece { text, line })),
            Err(_) => self.fail(line, "the document is not valid UTF-8"),
        }
    }
}

/// Reads every document of a JSON format from `input`, one at a time.
pub fn read_documents<'s, R: BufRead + 's>(
    format: Format,
    input: R,
    schema: &'s LabelSchema,
) -> Result<impl Iterator<Item = Result<Record, FormatError>> + 's, String> {
    if !format.can_read() || format == Format::Brat {
        return Err(match format {
            Format::Brat => "a brat .ann file is read together with its .txt file".to_string(),
            _ => format!("{} is an export-only format", format.title()),
        });
    }
    Ok(JsonPieces::new(input).map(move |piece| {
        let piece = piece?;
        import_document(format, &piece.text, schema).map_err(|message| FormatError { line: piece.line, message })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(input: &str) -> Vec<Result<(usize, String), FormatError>> {
        JsonPieces::new(input.as_bytes()).map(|p| p.map(|p| (p.line, p.text))).collect()
    }

    #[test]
    fn splits_lines_pretty_values_and_arrays_alike() {
        let lines = "{\"a\":1}\n{\"b\":\"}{\\\"\"}\n\n";
        assert_eq!(pieces(lines), vec![Ok((1, "{\"a\":1}".into())), Ok((2, "{\"b\":\"}{\\\"\"}".into()))]);
        let pretty = "{\n  \"a\": [1, {\"c\": 2}]\n}\n{\n \"b\": 2\n}";
        let got = pieces(pretty);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].as_ref().unwrap().0, 4);
        let array = "[\n {\"a\": 1},\n {\"b\": [2]}\n]\n";
        assert_eq!(pieces(array), vec![Ok((2, "{\"a\": 1}".into())), Ok((3, "{\"b\": [2]}".into()))]);
        assert_eq!(pieces("[]"), vec![]);
    }

    #[test]
    fn cut_and_foreign_input_is_reported_with_its_line() {
        let cut = pieces("{\"a\":1}\n{\"b\": \"x");
        assert_eq!(cut[1], Err(FormatError { line: 2, message: "the document is cut short: the file ends inside it".into() }));
        assert_eq!(cut.len(), 2, "no piece after an error");
        assert!(matches!(&pieces("\n\n42")[0], Err(FormatError { line: 3, .. })));
        assert!(matches!(&pieces("[{\"a\":1}")[1], Err(FormatError { message, .. }) if message.contains("not closed")));
    }
}
