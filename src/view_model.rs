//! What a paragraph component draws, derived from the core's run layout and
//! the label schema: text, colours, tags. Plain data with `PartialEq`, so an
//! unchanged paragraph is recognised and not rendered again.

use marginalia_core::editor::Editor;
use marginalia_core::layout::{layout_paragraph, spans_by_paragraph};
use marginalia_core::span::SpanId;

#[derive(Debug, Clone, PartialEq)]
pub struct ParagraphView {
    pub start: usize,
    pub runs: Vec<RunView>,
}

#[derive(Debug, Clone, PartialEq)]
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
    /// Label tags of the spans that end after this run.
    pub tags: Vec<TagView>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TagView {
    pub id: SpanId,
    pub label: String,
    pub color: String,
    pub text_color: &'static str,
    /// The span's text, for the tag's accessible name.
    pub quote: String,
    pub selected: bool,
}

/// Underline thickness per track, in px.
const TRACK_PX: usize = 3;

pub fn build_paragraph_views(editor: &Editor, pending: Option<(usize, usize)>, selected: Option<SpanId>) -> Vec<ParagraphView> {
    let article = editor.article();
    let schema = editor.schema();
    let buckets = spans_by_paragraph(article, editor.annotations().iter());
    let color_of = |label: &str| schema.label(label).map_or("#4b5563".to_string(), |l| l.color.clone());
    article
        .paragraphs()
        .iter()
        .zip(buckets.iter())
        .map(|(par, spans)| {
            let layout = layout_paragraph(*par, spans, pending);
            let runs = layout
                .runs
                .iter()
                .map(|run| {
                    let style = (!run.spans.is_empty()).then(|| {
                        let mut shadows = Vec::with_capacity(run.spans.len());
                        let mut deepest = 0;
                        for id in &run.spans {
                            let span = editor.annotations().get(*id).expect("layout spans exist");
                            let track = layout.track(*id) as usize;
                            deepest = deepest.max(track + 1);
                            shadows.push((track, color_of(&span.label)));
                        }
                        // The first shadow paints on top: track 0 (thinnest)
                        // first, so each deeper track shows as its own band.
                        shadows.sort_by_key(|(t, _)| *t);
                        let inner = shadows.last().map(|(_, c)| c.clone()).unwrap_or_default();
                        let list: Vec<String> = shadows
                            .iter()
                            .map(|(t, c)| format!("inset 0 -{}px 0 0 {c}", (t + 1) * TRACK_PX))
                            .collect();
                        format!(
                            "box-shadow:{};padding-bottom:{}px;background-color:color-mix(in srgb, {inner} 14%, transparent)",
                            list.join(","),
                            deepest * TRACK_PX
                        )
                    });
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
                            }
                        })
                        .collect();
                    RunView {
                        start: run.start,
                        end: run.end,
                        text: article.slice(run.start, run.end).to_string(),
                        selected: selected.is_some_and(|id| run.spans.contains(&id)),
                        spans: run.spans.clone(),
                        style,
                        pending: run.marks.pending,
                        tags,
                    }
                })
                .collect();
            ParagraphView { start: par.start, runs }
        })
        .collect()
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
