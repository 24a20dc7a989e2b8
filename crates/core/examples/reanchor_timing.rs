//! How long re-anchoring a long article takes: 50,000 words, 2,000 spans,
//! four edits spread through the text.
//! `cargo run --release -p marginalia-core --example reanchor_timing`

use marginalia_core::anchor::reanchor;
use marginalia_core::article::Article;
use marginalia_core::editor::Editor;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::{Record, SaveInfo};
use marginalia_core::workload::generate;
use std::sync::Arc;

fn main() {
    let workload = generate(50_000, 2_000);
    let article = Arc::new(Article::new("w", "w", workload.text.clone()).unwrap());
    let mut editor = Editor::new(article, Arc::new(LabelSchema::news_default()));
    for s in &workload.spans {
        let _ = editor.add_span(s.start, s.end, s.label);
    }
    let record = Record::from_editor(&editor, &SaveInfo::default(), false);
    let mut new = workload.text.clone();
    for (i, at) in [1_000usize, 50_000, 120_000, 200_000].into_iter().enumerate() {
        let byte = |text: &str, cp: usize| text.char_indices().nth(cp).unwrap().0;
        if i % 2 == 0 {
            new.insert_str(byte(&new, at), " inserted words here ");
        }
        let (from, to) = (byte(&new, at + 40), byte(&new, at + 60));
        new.replace_range(from..to, "");
    }
    let started = std::time::Instant::now();
    let out = reanchor(&record, &new).unwrap();
    let r = out.report;
    println!(
        "{} code points, {} spans in {:?}: {} unchanged, {} moved, {} fuzzy, {} orphaned",
        new.chars().count(),
        record.spans.len(),
        started.elapsed(),
        r.unchanged,
        r.moved,
        r.fuzzy,
        r.orphaned
    );
}
