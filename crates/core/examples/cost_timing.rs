//! One timed run of each pathological input of issue 16 (case 6), for a
//! quick before/after: the criterion benches (`cargo bench -p
//! marginalia-core --bench cost`) need ten samples, too many for inputs
//! that take seconds. `cargo run --release -p marginalia-core --example cost_timing`

#[path = "../benches/cost_inputs.rs"]
mod cost_inputs;

use cost_inputs::*;
use marginalia_core::anchor::reanchor;
use marginalia_core::article::Article;
use marginalia_core::formats::w3c;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::layout::{layout_paragraph, spans_by_paragraph};
use marginalia_core::patterns::PatternSet;
use std::time::Instant;

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = f();
    println!("{what}: {:.3} s", started.elapsed().as_secs_f64());
    out
}

fn main() {
    let only: Vec<String> = std::env::args().skip(1).collect();
    let wanted = |name: &str| only.is_empty() || only.iter().any(|o| o == name);

    if wanted("patterns") {
        let article = Article::new("d", "d", DEFAULT_ARTICLE).unwrap();
        article.tokens();
        for (name, jsonl) in [("match-all [{OP: +}]", MATCH_ALL), ("[{IS_TITLE: false, OP: +}]", MATCH_MOST)] {
            match PatternSet::from_jsonl(jsonl) {
                Ok(set) => {
                    let n = timed(&format!("patterns {name} on the default article, all_matches"), || set.all_matches(&article).matches.len());
                    println!("  {n} matches");
                }
                Err(e) => println!("patterns {name}: refused: {e}"),
            }
        }
    }
    if wanted("long-line") {
        let text = one_line_text();
        println!("one line of {} bytes", text.len());
        let article = timed("long line: Article::new", || Article::new("l", "l", text).unwrap());
        println!("  {} paragraphs", article.paragraphs().len());
        timed("long line: tokens", || article.tokens().len());
        timed("long line: layout of the first 64 paragraphs", || {
            let buckets = spans_by_paragraph(&article, std::iter::empty());
            article.paragraphs().iter().zip(&buckets).take(64).map(|(p, s)| layout_paragraph(*p, s, None, &[]).runs.len()).sum::<usize>()
        });
    }
    if wanted("reanchor") {
        let (record, edited) = every_paragraph_edited();
        println!("{} paragraphs edited, {} spans", edited.split("\n\n").count(), record.spans.len());
        let out = timed("re-anchor after every paragraph changed", || reanchor(&record, &edited).unwrap());
        let r = out.report;
        println!("  {} unchanged, {} moved, {} fuzzy, {} orphaned", r.unchanged, r.moved, r.fuzzy, r.orphaned);
    }
    if wanted("w3c") {
        let json = repetitive_w3c(5_000);
        let schema = LabelSchema::news_default();
        let record = timed("W3C import, 5,000 quote selectors on repetitive text", || w3c::import(&json, &schema));
        println!("  {:?}", record.map(|r| r.spans.len()));
    }
    if wanted("schema") {
        let json = many_labels(50_000);
        let schema = timed("schema with 50,000 labels: from_json (parse + validate)", || LabelSchema::from_json(&json));
        println!("  {:?}", schema.map(|s| s.labels.len()));
    }
}
