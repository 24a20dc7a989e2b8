//! The pathological inputs of issue 16's "bounded cost" (case 6), built the
//! same way for the criterion benches (`benches/cost.rs`) and the one-shot
//! timing example (`examples/cost_timing.rs`).
//!
//! Units: code points, end exclusive.

#![allow(dead_code)] // each user takes what it measures

use marginalia_core::article::Article;
use marginalia_core::editor::Editor;
use marginalia_core::formats::w3c;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::{Record, SaveInfo};
use marginalia_core::workload::generate;
use std::sync::Arc;

/// The app's default article (about 2 KB).
pub const DEFAULT_ARTICLE: &str = include_str!("../../../assets/articles/mali-russia-wagner.txt");

/// A one-line patterns file whose only pattern takes any run of tokens.
pub const MATCH_ALL: &str = r#"{"label": "MISC", "pattern": [{"OP": "+"}]}"#;

/// Almost as greedy, but anchored on a test: every run of lower-case
/// tokens (what a cap, not a refusal, has to stop).
pub const MATCH_MOST: &str = r#"{"label": "MISC", "pattern": [{"IS_TITLE": false, "OP": "+"}]}"#;

/// About 4.9 MB of article text without a single line break.
pub fn one_line_text() -> String {
    let mut text = generate(720_000, 0).text.replace("\n\n", " ");
    let mut cut = 4_900_000.min(text.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text.truncate(cut);
    text
}

/// A record of the 50,000-word workload with 5,000 spans, and the same text
/// with every paragraph edited (a word inserted after its first word).
pub fn every_paragraph_edited() -> (Record, String) {
    let workload = generate(50_000, 5_000);
    let article = Arc::new(Article::new("w", "w", workload.text.clone()).unwrap());
    let mut editor = Editor::new(article, Arc::new(LabelSchema::news_default()));
    for s in &workload.spans {
        let _ = editor.add_span(s.start, s.end, s.label);
    }
    let record = Record::from_editor(&editor, &SaveInfo::default(), false);
    let edited: Vec<String> = workload
        .text
        .split("\n\n")
        .map(|p| match p.split_once(' ') {
            Some((first, rest)) => format!("{first} (edited) {rest}"),
            None => p.to_string(),
        })
        .collect();
    (record, edited.join("\n\n"))
}

/// A W3C annotation collection over a highly repetitive text: `sentences`
/// sentences that differ only in their number, one span per sentence on
/// words that occur twice in every sentence, anchored by a
/// TextQuoteSelector alone (prefix, exact, suffix: no positions).
pub fn repetitive_w3c(sentences: usize) -> String {
    let mut text = String::new();
    let mut spans = Vec::new();
    for i in 0..sentences {
        let sentence = format!("Item {i}: the minister said no, and the minister said no again. ");
        let at = text.chars().count() + sentence.find("the minister").unwrap();
        spans.push((at, at + "the minister said no".len()));
        text += &sentence;
    }
    let mut record = marginalia_core::formats::new_record(text.clone(), "repetitive".into());
    let chars: Vec<char> = text.chars().collect();
    let schema = LabelSchema::news_default();
    for (start, end) in spans {
        record.spans.push(marginalia_core::formats::new_span(&chars, start, end, "PERSON", &schema).unwrap());
    }
    let mut value: serde_json::Value = serde_json::from_str(&w3c::export(&record).text).unwrap();
    for item in value["first"]["items"].as_array_mut().unwrap() {
        if let Some(selectors) = item["target"]["selector"].as_array_mut() {
            selectors.retain(|s| s["type"] == "TextQuoteSelector");
        }
    }
    value.to_string()
}

/// A label schema with `labels` labels (distinct names, no hotkeys).
pub fn many_labels(labels: usize) -> String {
    let labels: Vec<serde_json::Value> = (0..labels)
        .map(|i| serde_json::json!({"name": format!("L{i}"), "color": format!("#{:06x}", (i * 2_654_435_761) % 0xFF_FFFF)}))
        .collect();
    serde_json::json!({"name": "many", "labels": labels}).to_string()
}
