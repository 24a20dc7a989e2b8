//! What the CLI test files share: running the built `marginalia`, its output
//! as text, the third-party fixtures, and slicing a text in the units other
//! tools count in (code points as Python does, UTF-16 units as JavaScript).

// Each test binary uses its own part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Runs `marginalia args…` in `dir`, with nothing on standard input.
pub fn marginalia_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

/// Runs `marginalia args…` in the test's working directory (paths absolute).
pub fn marginalia(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_marginalia")).args(args).stdin(Stdio::null()).output().expect("the binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("the tool writes UTF-8")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("the tool writes UTF-8")
}

/// A file of `tests/fixtures/thirdparty/<tool>/`.
pub fn thirdparty(tool: &str, name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/thirdparty").join(tool).join(name)
}

/// Python's `text[start:end]`: code points.
pub fn slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

/// JavaScript's `text.slice(start, end)`: UTF-16 code units.
pub fn slice_utf16(text: &str, start: usize, end: usize) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    String::from_utf16(&units[start..end]).unwrap()
}
