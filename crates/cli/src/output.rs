//! Where output goes: a file, or standard output for `-`.

use crate::input::io_message;
use crate::Failure;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// A buffered writer to `path`, or to standard output when `path` is `-`.
pub fn open(path: &Path) -> Result<Box<dyn Write>, Failure> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(BufWriter::new(io::stdout().lock())));
    }
    let file = File::create(path)
        .map_err(|e| format!("{}: cannot create: {}", path.display(), io_message(&e)))?;
    Ok(Box::new(BufWriter::with_capacity(256 * 1024, file)))
}

pub fn write_error(path: &Path, e: io::Error) -> Failure {
    format!("{}: cannot write: {}", path.display(), io_message(&e))
}

/// Whether the output is standard output (summaries then stay off it).
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}
