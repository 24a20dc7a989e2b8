//! Where output goes: a file, or standard output for `-`.
//!
//! A file is written under a temporary name in its own directory and
//! renamed into place by [`Output::commit`] once it is complete, so a run
//! that fails (an error, a panic — the CLI unwinds) leaves no empty or
//! half-written file behind, and never clobbers an older one.

use crate::input::io_message;
use crate::Failure;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A buffered output; a file's content appears under its name only on
/// [`Output::commit`], and its temporary file is removed if dropped before.
pub struct Output {
    writer: BufWriter<Box<dyn Write>>,
    /// `(temporary, final)` paths of a file not committed yet.
    pending: Option<(PathBuf, PathBuf)>,
}

/// A writer to `path`, or to standard output when `path` is `-`.
pub fn open(path: &Path) -> Result<Output, Failure> {
    if is_stdout(path) {
        return Ok(Output {
            writer: BufWriter::new(Box::new(io::stdout().lock())),
            pending: None,
        });
    }
    let temp = temporary_path(path);
    let file = File::create(&temp)
        .map_err(|e| format!("{}: cannot create: {}", path.display(), io_message(&e)))?;
    Ok(Output {
        writer: BufWriter::with_capacity(256 * 1024, Box::new(file)),
        pending: Some((temp, path.to_path_buf())),
    })
}

/// `dir/.name.partial-<pid>`: in the same directory (a rename within one
/// file system is atomic), hidden, and unique to this process.
fn temporary_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    path.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

impl Output {
    /// Flushes and puts the file in place under its name.
    pub fn commit(mut self) -> io::Result<()> {
        self.writer.flush()?;
        if let Some((temp, path)) = self.pending.take() {
            if let Err(e) = std::fs::rename(&temp, &path) {
                let _ = std::fs::remove_file(&temp);
                return Err(e);
            }
        }
        Ok(())
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Some((temp, _)) = self.pending.take() {
            let _ = std::fs::remove_file(temp);
        }
    }
}

pub fn write_error(path: &Path, e: io::Error) -> Failure {
    format!("{}: cannot write: {}", path.display(), io_message(&e))
}

/// Whether the output is standard output (summaries then stay off it).
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}
