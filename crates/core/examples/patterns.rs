//! Print pattern matches over a UTF-8 text as JSON, for comparing with spaCy.
//!
//! ```text
//! cargo run -q -p marginalia-core --example patterns -- TEXT PATTERNS.jsonl          # as the entity_ruler keeps them
//! cargo run -q -p marginalia-core --example patterns -- --all TEXT PATTERNS.jsonl    # every match
//! cargo run -q -p marginalia-core --example patterns -- --lexical TEXT               # LOWER, IS_DIGIT, IS_TITLE per token
//! ```
//!
//! Matches: `[{"start", "end", "token_start", "token_end", "label", "id", "pattern"}, ...]`
//! with code-point offsets, in document order. A bad patterns file prints
//! its error (`line N: ...`) and exits with 1. `--lexical` prints, for each
//! token, the attributes the matcher tests, so `tests/interop/test_patterns.py`
//! can compare them with spaCy's.

use std::io::Write;

use marginalia_core::patterns::{python_isdigit, python_istitle, python_lower, PatternSet};
use marginalia_core::tokenize::tokenize;

#[derive(serde::Serialize)]
struct Lexical<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    lower: String,
    is_digit: bool,
    is_title: bool,
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| {
        eprintln!("patterns: {path}: {e}");
        std::process::exit(1);
    })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["--lexical", text_path] => {
            let text = read(text_path);
            let mut byte_of: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
            byte_of.push(text.len());
            let rows: Vec<Lexical> = tokenize(&text)
                .iter()
                .map(|t| {
                    let s = &text[byte_of[t.start]..byte_of[t.end]];
                    Lexical { start: t.start, end: t.end, text: s, lower: python_lower(s), is_digit: python_isdigit(s), is_title: python_istitle(s) }
                })
                .collect();
            serde_json::to_writer(&mut out, &rows).expect("write");
        }
        [ref flags @ .., text_path, patterns_path] if flags.is_empty() || flags == ["--all"] => {
            let text = read(text_path);
            let set = PatternSet::from_jsonl(&read(patterns_path)).unwrap_or_else(|e| {
                eprintln!("{patterns_path}: {e}");
                std::process::exit(1);
            });
            let tokens = tokenize(&text);
            // Every match, as spaCy's matchers give them: no suggestion caps.
            let all = set.matches_in(&text, &tokens, marginalia_core::patterns::MatchLimits::NONE).matches;
            let matches = if flags.is_empty() { marginalia_core::patterns::entity_ruler_filter(all, tokens.len()) } else { all };
            serde_json::to_writer(&mut out, &matches).expect("write");
        }
        _ => {
            eprintln!("usage: patterns [--all] TEXT PATTERNS.jsonl | patterns --lexical TEXT");
            std::process::exit(2);
        }
    }
    writeln!(out).expect("write");
}
