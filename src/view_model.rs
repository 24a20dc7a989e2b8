//! What a paragraph component draws, derived from the core's run layout and
//! the label schema: text, colours, tags. Each view carries the key it was
//! built from, so an unchanged paragraph is recognised cheaply, keeps its
//! `Rc`, and its memoised component does not render again.

use std::collections::BTreeSet;
use marginalia_core::article::Paragraph;
use marginalia_core::editor::Editor;
use marginalia_core::label_schema::CLAIM_LAYER;
use marginalia_core::layout::{layout_paragraph, spans_by_paragraph, ParagraphLayout};
use marginalia_core::span::{Span, SpanId};
use marginalia_core::suggestion::Suggestion;
use std::ops::Range;
use marginalia_core::text_direction::{paragraph_direction, Direction};
use std::fmt::Write;
use std::rc::Rc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParagraphView {
    pub start: usize,
    /// Drawn right to left (`dir="rtl"`): its first strong character is
    /// Arabic, Hebrew… (`marginalia_core::text_direction`).
    pub right_to_left: bool,
    pub key: ParagraphKey,
    pub runs: Vec<RunView>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunView {
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// Covering spans, outermost first.
    pub spans: Vec<SpanId>,
    /// Inline style drawing one underline per covering span, stacked by
    /// track, and a tint of the innermost span's colour.
    pub style: Option<String>,
    pub pending: bool,
    pub selected: bool,
    /// Covered by a span linked to the selected one.
    pub related: bool,
    /// Label tags of the spans that end after this run.
    pub tags: Vec<TagView>,
    /// Inside an open suggestion (drawn dashed, apart from the spans).
    pub suggested: bool,
    /// Tags of the suggestions that end after this run.
    pub suggestion_tags: Vec<SuggestionTag>,
}

/// An open suggestion's tag: its label as text and a question mark; Enter
/// (or a click) accepts it, X rejects it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuggestionTag {
    /// Index in the state's list of open suggestions.
    pub index: usize,
    pub label: String,
    pub color: String,
    pub quote: String,
    pub source: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagView {
    pub id: SpanId,
    pub label: String,
    pub color: String,
    pub text_color: &'static str,
    /// The span's text, for the tag's accessible name.
    pub quote: String,
    pub selected: bool,
    pub related: bool,
    pub claim: bool,
}

/// Underline thickness per track, in px.
const TRACK_PX: usize = 3;

/// Everything a paragraph's view depends on, cheap to compute and compare:
/// when it is unchanged the old view (and its `Rc`) is kept without
/// building any text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParagraphKey {
    /// Outside the decorated window: text only.
    Plain,
    Decorated {
        /// (id, start, end, label index in the schema) of each span touching it.
        spans: Vec<(SpanId, usize, usize, usize)>,
        pending: Option<(usize, usize)>,
        selected: Option<SpanId>,
        /// Spans linked to the selected one that touch this paragraph.
        related: Vec<SpanId>,
        /// (index, start, end, label index) of the open suggestions in it.
        suggested: Vec<(usize, usize, usize, usize)>,
    },
}

/// Builds the view of every paragraph, reusing `old` views whose key is
/// unchanged. Paragraphs outside `decorated` (a range of paragraph
/// indices) render as plain text: they are off screen, and drawing only what
/// is in view keeps loading and editing fast on long articles, while the
/// text stays in the page for find-in-page and selection.
pub fn build_paragraph_views(
    editor: &Editor,
    pending: Option<(usize, usize)>,
    selected: Option<SpanId>,
    related: &[SpanId],
    decorated: Range<usize>,
    hidden: &BTreeSet<String>,
    suggestions: &[Suggestion],
    old: &[Rc<ParagraphView>],
) -> Vec<Rc<ParagraphView>> {
    let article = editor.article();
    let schema = editor.schema();
    // Only the decorated paragraphs draw spans: the others need none, so
    // spans outside the window are not sorted into paragraphs on every
    // change. Labels the annotator filtered out are not drawn (they stay
    // listed).
    let paragraphs = article.paragraphs();
    let window = match (paragraphs.get(decorated.start), decorated.end.checked_sub(1).and_then(|i| paragraphs.get(i))) {
        (Some(first), Some(last)) if !decorated.is_empty() => first.start..last.end,
        _ => 0..0,
    };
    let drawn = editor.annotations().iter().filter(|s| s.start < window.end && window.start < s.end && !hidden.contains(&s.label));
    let buckets = spans_by_paragraph(article, drawn);
    let label_index = |label: &str| schema.labels.iter().position(|l| l.name == label).unwrap_or(usize::MAX);
    paragraphs
        .iter()
        .zip(buckets.iter())
        .enumerate()
        .map(|(i, (par, spans))| {
            let key = if decorated.contains(&i) {
                let clip = |(s, e): (usize, usize)| (s < par.end && par.start < e).then_some((s.max(par.start), e.min(par.end)));
                ParagraphKey::Decorated {
                    spans: spans.iter().map(|s| (s.id, s.start, s.end, label_index(&s.label))).collect(),
                    pending: pending.and_then(clip),
                    selected: selected.filter(|id| spans.iter().any(|s| s.id == *id)),
                    related: related.iter().copied().filter(|id| spans.iter().any(|s| s.id == *id)).collect(),
                    suggested: suggestions
                        .iter()
                        .enumerate()
                        .filter(|(_, s)| s.start < par.end && par.start < s.end)
                        .map(|(i, s)| (i, s.start, s.end, label_index(&s.label)))
                        .collect(),
                }
            } else {
                ParagraphKey::Plain
            };
            match old.get(i) {
                Some(o) if o.start == par.start && o.key == key => o.clone(),
                _ => Rc::new(match key {
                    ParagraphKey::Plain => plain_view(editor, *par),
                    key => decorated_view(editor, *par, spans, pending, selected, related, suggestions, key),
                }),
            }
        })
        .collect()
}

fn plain_view(editor: &Editor, par: Paragraph) -> ParagraphView {
    let run = RunView {
        start: par.start,
        end: par.end,
        text: editor.article().slice(par.start, par.end).to_string(),
        spans: Vec::new(),
        style: None,
        pending: false,
        selected: false,
        related: false,
        tags: Vec::new(),
        suggested: false,
        suggestion_tags: Vec::new(),
    };
    ParagraphView { start: par.start, right_to_left: right_to_left(editor, par), key: ParagraphKey::Plain, runs: vec![run] }
}

fn decorated_view(
    editor: &Editor,
    par: Paragraph,
    spans: &[&Span],
    pending: Option<(usize, usize)>,
    selected: Option<SpanId>,
    related: &[SpanId],
    suggestions: &[Suggestion],
    key: ParagraphKey,
) -> ParagraphView {
    let article = editor.article();
    let schema = editor.schema();
    let color_of = |label: &str| schema.label(label).map_or("#4b5563".to_string(), |l| l.color.clone());
    let here: Vec<(usize, &Suggestion)> = match &key {
        ParagraphKey::Decorated { suggested, .. } => suggested.iter().map(|(i, ..)| (*i, &suggestions[*i])).collect(),
        ParagraphKey::Plain => Vec::new(),
    };
    let ranges: Vec<(usize, usize)> = here.iter().map(|(_, s)| (s.start, s.end)).collect();
    let layout = layout_paragraph(par, spans, pending, &ranges);
    let runs = layout
        .runs
        .iter()
        .map(|run| {
            let style = (!run.spans.is_empty()).then(|| run_style(editor, &layout, &run.spans));
            let tags = run
                .ending
                .iter()
                .filter_map(|id| editor.annotations().get(*id))
                .map(|span| {
                    let def = schema.label(&span.label);
                    TagView {
                        id: span.id,
                        label: span.label.clone(),
                        color: color_of(&span.label),
                        text_color: def.map_or("#ffffff", |d| d.text_color()),
                        quote: article.slice(span.start, span.end).to_string(),
                        selected: selected == Some(span.id),
                        related: related.contains(&span.id),
                        claim: span.layer == CLAIM_LAYER,
                    }
                })
                .collect();
            RunView {
                start: run.start,
                end: run.end,
                text: article.slice(run.start, run.end).to_string(),
                selected: selected.is_some_and(|id| run.spans.contains(&id)),
                related: run.spans.iter().any(|id| related.contains(id)),
                spans: run.spans.clone(),
                style,
                pending: run.marks.pending,
                tags,
                suggested: run.marks.suggested,
                // A suggestion's tag follows its last run in this paragraph.
                suggestion_tags: here
                    .iter()
                    .filter(|(_, s)| s.end.min(par.end) == run.end)
                    .map(|(i, s)| SuggestionTag {
                        index: *i,
                        label: s.label.clone(),
                        color: color_of(&s.label),
                        quote: article.slice(s.start, s.end).to_string(),
                        source: s.source.name(),
                    })
                    .collect(),
            }
        })
        .collect();
    ParagraphView { start: par.start, right_to_left: right_to_left(editor, par), key, runs }
}

fn right_to_left(editor: &Editor, par: Paragraph) -> bool {
    paragraph_direction(editor.article().slice(par.start, par.end)) == Direction::RightToLeft
}

/// The inline style of a run: one underline per covering entity span,
/// stacked by its rank among them with a hairline of the page's colour
/// between bands, a tint of the innermost one's colour that deepens with
/// each span covering the run, and a dashed overline for a claim — so a
/// claim and the entities inside it stay visible and distinct, and a span
/// nested in another of the same label ("United Nations" in "United
/// Nations mission") reads as nested, not as two spans side by side.
fn run_style(editor: &Editor, layout: &ParagraphLayout, spans: &[SpanId]) -> String {
    let schema = editor.schema();
    let color_of = |label: &str| schema.label(label).map_or("#4b5563", |l| l.color.as_str());
    let mut entities: Vec<(u8, &str)> = Vec::with_capacity(spans.len());
    let mut claim: Option<&str> = None;
    for id in spans {
        let span = editor.annotations().get(*id).expect("layout spans exist");
        if span.layer == CLAIM_LAYER {
            claim = Some(color_of(&span.label));
        } else {
            entities.push((layout.track(*id), color_of(&span.label)));
        }
    }
    // The first shadow paints on top: the thinnest first, so each deeper
    // span shows as its own band.
    marginalia_core::sorting::sort_by_key(&mut entities, |(t, _)| *t);
    let mut style = String::new();
    if !entities.is_empty() {
        const BAND: usize = TRACK_PX + 1;
        style.push_str("box-shadow:");
        for (rank, (_, c)) in entities.iter().enumerate() {
            let depth = rank * BAND + TRACK_PX;
            let comma = if rank == 0 { "" } else { "," };
            let _ = write!(style, "{comma}inset 0 -{depth}px 0 0 {c},inset 0 -{}px 0 0 var(--mg-bg)", depth + 1);
        }
        let inner = entities.last().map_or("", |(_, c)| c);
        let tint = (10 + 8 * (entities.len() - 1)).min(42);
        let _ = write!(
            style,
            ";padding-bottom:{}px;background-color:color-mix(in srgb, {inner} {tint}%, transparent);",
            entities.len() * BAND
        );
    }
    if let Some(c) = claim {
        style.push_str(&format!("text-decoration:overline dashed {c} 2px;"));
    }
    style
}

/// A quote shortened for lists and menus.
pub fn clip(s: &str) -> String {
    const MAX: usize = 48;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(MAX).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use marginalia_core::article::Article;
    use marginalia_core::label_schema::LabelSchema;
    use std::sync::Arc;

    const TEXT: &str = "Ada 👩‍💻 met Ümit.\n\nIn 東京 it rained.";

    fn editor() -> Editor {
        let article = Article::new("doc", "Title", TEXT).unwrap();
        Editor::new(Arc::new(article), Arc::new(LabelSchema::news_default()))
    }

    fn cp(word: &str) -> (usize, usize) {
        let start = TEXT[..TEXT.find(word).unwrap()].chars().count();
        (start, start + word.chars().count())
    }

    fn views(editor: &Editor, decorated: Range<usize>, hidden: &BTreeSet<String>) -> Vec<Rc<ParagraphView>> {
        build_paragraph_views(editor, None, None, &[], decorated, hidden, &[], &[])
    }

    /// Every run's text is the article's text between its code-point offsets,
    /// and the runs of a paragraph tile it.
    fn assert_runs_match_text(views: &[Rc<ParagraphView>]) {
        let chars: Vec<char> = TEXT.chars().collect();
        for p in views {
            let mut at = p.start;
            for r in &p.runs {
                assert_eq!(r.start, at, "runs tile the paragraph");
                assert_eq!(r.text, chars[r.start..r.end].iter().collect::<String>());
                at = r.end;
            }
        }
    }

    #[test]
    fn a_span_splits_its_paragraph_into_runs_in_code_points() {
        let mut editor = editor();
        let (start, end) = cp("Ümit");
        let id = editor.add_span(start, end, "PERSON").unwrap();
        let v = views(&editor, 0..2, &BTreeSet::new());
        assert_eq!(v.len(), 2);
        assert_runs_match_text(&v);
        let covered: Vec<&RunView> = v[0].runs.iter().filter(|r| !r.spans.is_empty()).collect();
        assert_eq!(covered.len(), 1);
        assert_eq!((covered[0].start, covered[0].end, covered[0].text.as_str()), (start, end, "Ümit"));
        assert_eq!(covered[0].spans, vec![id]);
        assert!(covered[0].style.is_some());
    }

    #[test]
    fn hidden_labels_and_paragraphs_outside_the_window_draw_no_spans() {
        let mut editor = editor();
        let (s1, e1) = cp("Ada");
        let (s2, e2) = cp("東京");
        editor.add_span(s1, e1, "PERSON").unwrap();
        editor.add_span(s2, e2, "LOC").unwrap();
        let drawn = |v: &[Rc<ParagraphView>]| -> usize {
            v.iter().flat_map(|p| p.runs.iter()).filter(|r| !r.spans.is_empty()).count()
        };
        assert_eq!(drawn(&views(&editor, 0..2, &BTreeSet::new())), 2);
        let only_first = views(&editor, 0..1, &BTreeSet::new());
        assert_runs_match_text(&only_first);
        assert_eq!(drawn(&only_first), 1, "the second paragraph is plain text");
        let hidden: BTreeSet<String> = ["PERSON".to_string()].into_iter().collect();
        assert_eq!(drawn(&views(&editor, 0..2, &hidden)), 1);
    }

    #[test]
    fn a_span_nested_in_one_of_the_same_label_is_drawn_nested() {
        let mut editor = editor();
        let (outer_start, end) = cp("met Ümit");
        let (inner_start, _) = cp("Ümit");
        editor.add_span(outer_start, end, "ORG").unwrap();
        editor.add_span(inner_start, end, "ORG").unwrap();
        let v = views(&editor, 0..1, &BTreeSet::new());
        let style_of = |text: &str| v[0].runs.iter().find(|r| r.text == text).and_then(|r| r.style.clone()).unwrap();
        let (outer, inner) = (style_of("met "), style_of("Ümit"));
        // One band under the outer part; two under the nested part, apart.
        assert_eq!(outer.matches("inset").count(), 2, "{outer}");
        assert_eq!(inner.matches("inset").count(), 4, "{inner}");
        assert!(inner.contains("inset 0 -3px 0 0 ") && inner.contains("inset 0 -4px 0 0 var(--mg-bg)") && inner.contains("inset 0 -7px 0 0 "), "{inner}");
        // The nested part is tinted deeper than the rest of the outer span.
        assert!(outer.contains(" 10%,") && inner.contains(" 18%,"), "{outer} / {inner}");
        assert!(inner.contains("padding-bottom:8px") && outer.contains("padding-bottom:4px"));
    }

    #[test]
    fn clip_shortens_by_code_points() {
        let long: String = "東".repeat(60);
        let clipped = clip(&long);
        assert_eq!(clipped.chars().count(), 49);
        assert!(clipped.ends_with('…'));
        assert_eq!(clip("👩‍💻 short"), "👩‍💻 short");
    }
}
