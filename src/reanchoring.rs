//! Annotations made on an earlier version of the article: re-anchored onto
//! the text open now by the core (`marginalia_core::anchor`), summarised for
//! the annotator, with the spans they should look at listed for review —
//! a span is never silently attached to different words.

use crate::percent::percent;
use marginalia_core::anchor::{reanchor, Doubt, Outcome};
use marginalia_core::article::{sha256_hex, Article};
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::{LoadedRecord, Record, RecordError};
use marginalia_core::span::SpanId;

/// One span the annotator should check: where it landed (if anywhere), and why.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewItem {
    /// The span in the document now; `None` when it found no place.
    pub id: Option<SpanId>,
    pub label: String,
    /// Its words in the earlier version.
    pub quote: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AnchorReview {
    pub summary: String,
    pub items: Vec<ReviewItem>,
}

/// Re-anchors `record` onto `article` and loads the result against `schema`.
/// A record whose text does not match its own `text_sha256` was edited or
/// damaged: its offsets cannot be trusted, so it is refused, not moved.
pub fn reanchor_onto(record: &Record, article: &Article, schema: &LabelSchema) -> Result<(LoadedRecord, AnchorReview), String> {
    if record.text_sha256.as_ref().is_some_and(|h| *h != sha256_hex(&record.text)) {
        return Err(RecordError::HashMismatch.to_string());
    }
    let moved = reanchor(record, article.text()).map_err(|e| e.to_string())?;
    let mut new = moved.record;
    new.meta.doc_id = article.id.clone();
    new.meta.title = article.title.clone();
    let loaded = new.load(schema).map_err(|e| format!("the re-anchored annotations do not load: {e}"))?;
    let report = moved.report;
    let items = report
        .spans
        .iter()
        .filter(|s| s.needs_review())
        .map(|s| {
            let reason = match (s.outcome, s.doubt) {
                (Outcome::Orphaned, _) => "its words are no longer in the text: it was left out".to_string(),
                (_, Some(Doubt::QuoteEdited)) => format!(
                    "its words were edited: now “{}” ({} sure)",
                    s.new_text.clone().unwrap_or_default(),
                    percent(s.confidence())
                ),
                (_, Some(Doubt::ContextChanged)) => format!("the text around it changed ({} sure)", percent(s.confidence())),
                (_, Some(Doubt::Ambiguous { places })) => format!("its words fit {places} places equally well"),
                (_, Some(Doubt::SharedTarget)) => "another annotation landed on the same words".to_string(),
                _ => format!("re-anchored with {} confidence", percent(s.confidence())),
            };
            let placed = !matches!(s.outcome, Outcome::Orphaned);
            ReviewItem { id: s.id.filter(|_| placed), label: s.label.clone(), quote: s.selector.exact.clone(), reason }
        })
        .collect::<Vec<_>>();
    let mut parts = vec![format!("{} unchanged", report.unchanged), format!("{} moved", report.moved)];
    if report.fuzzy > 0 {
        parts.push(format!("{} re-anchored with less than full confidence", report.fuzzy));
    }
    if report.orphaned > 0 {
        parts.push(format!("{} orphaned", report.orphaned));
    }
    let mut summary = format!("The article changed since these annotations were made; they were re-anchored: {}.", parts.join(", "));
    if !report.dropped_relations.is_empty() {
        summary.push_str(&format!(" {} link(s) to orphaned annotations were left out.", report.dropped_relations.len()));
    }
    if !items.is_empty() {
        summary.push_str(&format!(" {} to review in the side panel.", items.len()));
    }
    Ok((loaded, AnchorReview { summary, items }))
}
