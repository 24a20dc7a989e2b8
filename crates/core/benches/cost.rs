//! Bounded cost (issue 16, case 6): the inputs that used to take seconds to
//! minutes, each as a criterion bench. `cargo bench -p marginalia-core
//! --bench cost`; results in BENCHMARKS.md, "Bounded cost". The inputs are
//! built in `cost_inputs.rs`, shared with `examples/cost_timing.rs` (one
//! timed run each, for measuring the code before these fixes).

mod cost_inputs;

use cost_inputs::*;
use criterion::{criterion_group, criterion_main, Criterion};
use marginalia_core::anchor::reanchor;
use marginalia_core::article::Article;
use marginalia_core::formats::w3c;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::layout::{layout_paragraph, spans_by_paragraph};
use marginalia_core::patterns::PatternSet;
use marginalia_core::tokenize::TokenizeInSteps;
use std::hint::black_box;

fn patterns(c: &mut Criterion) {
    let mut g = c.benchmark_group("cost_patterns");
    let article = Article::new("d", "d", DEFAULT_ARTICLE).unwrap();
    article.tokens();
    g.bench_function("match_all_refused", |b| b.iter(|| PatternSet::from_jsonl(black_box(MATCH_ALL)).is_err()));
    let most = PatternSet::from_jsonl(MATCH_MOST).unwrap();
    g.bench_function("match_most_capped_on_default_article", |b| b.iter(|| most.all_matches(&article).matches.len()));
    g.finish();
}

fn long_line(c: &mut Criterion) {
    let mut g = c.benchmark_group("cost_long_line");
    g.sample_size(10);
    let text = one_line_text();
    // What opening it costs before the first paint: the article (index,
    // display blocks) and the layout of the blocks the page decorates first.
    g.bench_function("open_4_9_mb_one_line_and_lay_out_first_window", |b| {
        b.iter(|| {
            let article = Article::new("l", "l", black_box(text.clone())).unwrap();
            let first: Vec<_> = article.paragraphs().iter().take(8).copied().collect();
            let buckets = spans_by_paragraph(&article, std::iter::empty());
            first.iter().zip(&buckets).map(|(p, s)| layout_paragraph(*p, s, None, &[]).runs.len()).sum::<usize>()
        })
    });
    // One idle slice of token warming (the app asks for 4 KB at a time;
    // without a line break the slice was the whole text).
    let article = Article::new("l", "l", text.clone()).unwrap();
    g.bench_function("first_4_kb_step_of_token_warming", |b| {
        b.iter(|| {
            let mut steps = TokenizeInSteps::new();
            article.warm_tokens(&mut steps, 4_096)
        })
    });
    g.finish();
}

fn reanchoring(c: &mut Criterion) {
    let mut g = c.benchmark_group("cost_reanchor");
    g.sample_size(10);
    let (record, edited) = every_paragraph_edited();
    g.bench_function("every_paragraph_edited_50k_words_5000_spans", |b| b.iter(|| reanchor(&record, black_box(&edited)).unwrap().report.moved));
    g.finish();
}

fn w3c_quotes(c: &mut Criterion) {
    let mut g = c.benchmark_group("cost_w3c");
    g.sample_size(10);
    let json = repetitive_w3c(5_000);
    let schema = LabelSchema::news_default();
    g.bench_function("import_5000_quote_selectors_on_repetitive_text", |b| b.iter(|| w3c::import(black_box(&json), &schema).unwrap().spans.len()));
    g.finish();
}

fn schema(c: &mut Criterion) {
    let mut g = c.benchmark_group("cost_schema");
    g.sample_size(10);
    let json = many_labels(50_000);
    g.bench_function("load_and_validate_50000_labels", |b| b.iter(|| LabelSchema::from_json(black_box(&json)).unwrap().labels.len()));
    g.finish();
}

criterion_group!(benches, patterns, long_line, reanchoring, w3c_quotes, schema);
criterion_main!(benches);
