//! Host benchmarks of the core: tokenising, run layout for paragraphs with
//! many overlapping spans, save and load. `cargo bench -p marginalia-core`;
//! results go in BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use marginalia_core::article::{Article, Paragraph};
use marginalia_core::editor::Editor;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::layout::{layout_paragraph, spans_by_paragraph};
use marginalia_core::occurrences::{other_occurrences, CaseMatching};
use marginalia_core::patterns::PatternSet;
use marginalia_core::record::{Record, SaveInfo};
use marginalia_core::span::{Attributes, Span, SpanId};
use marginalia_core::tokenize::tokenize;
use marginalia_core::workload::generate;
use std::hint::black_box;
use std::sync::Arc;

const SIZES: &[(usize, usize)] = &[(2_000, 100), (20_000, 1_000), (50_000, 5_000)];

fn editor(words: usize, spans: usize) -> Editor {
    let w = generate(words, spans);
    let article = Arc::new(Article::new("bench", "bench", w.text).unwrap());
    let mut e = Editor::new(article, Arc::new(LabelSchema::news_default()));
    for s in w.spans {
        e.add_span(s.start, s.end, s.label).unwrap();
    }
    e
}

fn tokenising(c: &mut Criterion) {
    let mut g = c.benchmark_group("tokenize");
    for &(words, _) in SIZES {
        let text = generate(words, 0).text;
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(words), &text, |b, t| b.iter(|| tokenize(black_box(t))));
    }
    // Unbroken runs that would expose a quadratic affix or infix loop (the
    // tests check their tokens; their speed is measured here, not asserted).
    for (name, unit) in [("parens", "("), ("dots", "."), ("infix_hyphens", "a-"), ("at_signs", "a@"), ("combining", "\u{301}")] {
        let text = unit.repeat(200_000 / unit.len());
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::new("unbroken_200k", name), &text, |b, t| b.iter(|| tokenize(black_box(t))));
    }
    g.finish();
}

fn article_load(c: &mut Criterion) {
    let mut g = c.benchmark_group("article_new");
    for &(words, _) in SIZES {
        let text = generate(words, 0).text;
        g.bench_with_input(BenchmarkId::from_parameter(words), &text, |b, t| {
            b.iter(|| Article::new("a", "a", black_box(t.clone())).unwrap())
        });
    }
    g.finish();
}

fn layout(c: &mut Criterion) {
    let mut g = c.benchmark_group("layout");
    // One paragraph of 2,000 characters under 200 spans, a third nested.
    let par = Paragraph { start: 0, end: 2_000 };
    let spans: Vec<Span> = (0..200u32)
        .map(|i| {
            let start = (i as usize * 10) % 1_990;
            let end = start + if i % 3 == 0 { 40 } else { 6 };
            Span { id: SpanId(i + 1), start, end: end.min(2_000), label: "X".into(), layer: "entity".into(), attributes: Attributes::new(), defaults: Attributes::new(), source: None }
        })
        .collect();
    let mut refs: Vec<&Span> = spans.iter().collect();
    refs.sort_by_key(|s| s.order_key());
    g.bench_function("paragraph_200_overlapping_spans", |b| b.iter(|| layout_paragraph(par, black_box(&refs), Some((100, 120)), &[])));
    for &(words, n) in SIZES {
        let e = editor(words, n);
        g.bench_with_input(BenchmarkId::new("whole_article", format!("{words}w_{n}s")), &e, |b, e| {
            b.iter(|| {
                let buckets = spans_by_paragraph(e.article(), e.annotations().iter());
                e.article().paragraphs().iter().zip(&buckets).map(|(p, s)| layout_paragraph(*p, s, None, &[]).runs.len()).sum::<usize>()
            })
        });
    }
    g.finish();
}

fn save_load(c: &mut Criterion) {
    let mut g = c.benchmark_group("record");
    g.sample_size(20);
    for &(words, n) in SIZES {
        let e = editor(words, n);
        let schema = LabelSchema::news_default();
        g.bench_with_input(BenchmarkId::new("save", format!("{words}w_{n}s")), &e, |b, e| {
            b.iter(|| Record::from_editor(e, &SaveInfo::default(), true).to_json())
        });
        let json = Record::from_editor(&e, &SaveInfo::default(), true).to_json();
        g.bench_with_input(BenchmarkId::new("load", format!("{words}w_{n}s")), &json, |b, j| {
            b.iter(|| Record::parse(black_box(j)).unwrap().load(&schema).unwrap())
        });
    }
    g.finish();
}

fn add_span(c: &mut Criterion) {
    let mut g = c.benchmark_group("command");
    let e = editor(50_000, 5_000);
    g.bench_function("add_then_undo_at_50k_5000", |b| {
        let mut e = e.clone();
        b.iter(|| {
            e.add_span(10, 20, "MISC").ok();
            e.undo();
        })
    });
    g.finish();
}

/// A suggestions workload: the news fixture plus `phrases` phrase patterns
/// taken from the article's own word pairs (so they match), and `tokens`
/// token patterns with LOWER, `?`, `+` and IS_TITLE.
fn bench_patterns(article: &Article, phrases: usize, tokens: usize) -> PatternSet {
    let mut jsonl = include_str!("../../../tests/fixtures/patterns/news.patterns.jsonl").to_string();
    let words: Vec<&str> = article.text().split_whitespace().filter(|w| w.chars().all(char::is_alphabetic)).collect();
    let mut seen = std::collections::HashSet::new();
    for pair in words.windows(2).filter(|p| seen.insert((p[0], p[1]))).take(phrases) {
        jsonl += &serde_json::json!({"label": "PHRASE", "pattern": format!("{} {}", pair[0], pair[1])}).to_string();
        jsonl.push('\n');
    }
    for w in words.iter().step_by(7).take(tokens) {
        let p = serde_json::json!({"label": "TOKEN", "pattern": [
            {"LOWER": w.to_lowercase()}, {"IS_TITLE": true, "OP": "+"}, {"LOWER": "of", "OP": "?"}]});
        jsonl += &p.to_string();
        jsonl.push('\n');
    }
    PatternSet::from_jsonl(&jsonl).unwrap()
}

fn suggestions(c: &mut Criterion) {
    let mut g = c.benchmark_group("suggestions");
    for &(words, _) in SIZES {
        let article = Article::new("a", "a", generate(words, 0).text).unwrap();
        article.tokens();
        let set = bench_patterns(&article, 400, 100);
        g.bench_with_input(BenchmarkId::new("all_matches_500_patterns", words), &article, |b, a| b.iter(|| set.all_matches(a).matches.len()));
        g.bench_with_input(BenchmarkId::new("as_entity_ruler_500_patterns", words), &article, |b, a| b.iter(|| set.as_entity_ruler(a).len()));
        let first = article.tokens().iter().find(|t| article.slice(t.start, t.end) == "Mali").unwrap();
        g.bench_with_input(BenchmarkId::new("other_occurrences_of_mali", words), &article, |b, a| {
            b.iter(|| other_occurrences(a, first.start, first.end, "GPE", &[], CaseMatching::Insensitive).len())
        });
    }
    g.finish();
}

criterion_group!(benches, tokenising, article_load, layout, save_load, add_span, suggestions);
criterion_main!(benches);
