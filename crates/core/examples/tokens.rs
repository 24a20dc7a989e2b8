//! Print the tokens of a UTF-8 text as JSON, for comparing with spaCy.
//!
//! ```text
//! cargo run -q -p marginalia-core --example tokens -- PATH      # or "-" for stdin
//! cargo run -q -p marginalia-core --example tokens -- --graphemes PATH
//! cargo run -q -p marginalia-core --example tokens -- --unspaced PATH
//! ```
//!
//! Default output: `[{"text": .., "start": .., "end": .., "ws": ..}, ...]`
//! with code-point offsets, one token per line. `--graphemes` prints instead
//! the code-point offsets at which extended grapheme clusters start (plus
//! the text length), which `tests/interop/test_tokens.py` uses to apply the
//! documented grapheme-cluster merge to spaCy's tokens. `--unspaced` prints
//! the code-point offsets of the characters of scripts written without
//! spaces (`unspaced_scripts.rs`), for the documented per-character cut.

use std::io::{Read, Write};

use marginalia_core::tokenize::tokenize;
use marginalia_core::unspaced_scripts::written_without_spaces;
use unicode_segmentation::UnicodeSegmentation;

/// One output row; fields serialise in this order.
#[derive(serde::Serialize)]
struct Row<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    ws: bool,
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().filter(|a| a.starts_with("--")).cloned();
    if mode.is_some() {
        args.remove(0);
    }
    let graphemes = mode.as_deref() == Some("--graphemes");
    let unspaced = mode.as_deref() == Some("--unspaced");
    let known = mode.is_none() || graphemes || unspaced;
    let ([path], true) = (&args[..], known) else {
        eprintln!("usage: tokens [--graphemes|--unspaced] PATH|-");
        std::process::exit(2);
    };
    let text = if path == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .expect("stdin is not UTF-8");
        s
    } else {
        std::fs::read_to_string(path).unwrap_or_else(|e| {
            eprintln!("tokens: {path}: {e}");
            std::process::exit(1);
        })
    };

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if unspaced {
        let at: Vec<usize> = text.chars().enumerate().filter(|(_, c)| written_without_spaces(*c)).map(|(i, _)| i).collect();
        serde_json::to_writer(&mut out, &at).expect("write");
        writeln!(out).expect("write");
        return;
    }
    if graphemes {
        let mut bounds = Vec::new();
        let mut ch = 0;
        for g in text.graphemes(true) {
            bounds.push(ch);
            ch += g.chars().count();
        }
        bounds.push(ch);
        serde_json::to_writer(&mut out, &bounds).expect("write");
        writeln!(out).expect("write");
        return;
    }

    // Offsets are code points; slice the text through a char → byte table.
    let mut byte_of: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    byte_of.push(text.len());
    writeln!(out, "[").expect("write");
    let tokens = tokenize(&text);
    for (i, t) in tokens.iter().enumerate() {
        let row = Row {
            text: &text[byte_of[t.start]..byte_of[t.end]],
            start: t.start,
            end: t.end,
            ws: t.ws,
        };
        let row = serde_json::to_string(&row).expect("serialise");
        let sep = if i + 1 < tokens.len() { "," } else { "" };
        writeln!(out, "{row}{sep}").expect("write");
    }
    writeln!(out, "]").expect("write");
}
