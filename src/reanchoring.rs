//! Annotations made on an earlier version of the article: re-anchored onto
//! the text open now by the core (`marginalia_core::anchor`), summarised for
//! the annotator, with the spans they should look at listed for review —
//! a span is never silently attached to different words. Everything here
//! is written from the core's report as it is (units: spans and items are
//! counted, never measured); nothing is decided here.

use crate::percent::percent;
use marginalia_core::anchor::{reanchor_for, AnchorReport, Doubt, OrphanReason, Outcome, SpanAnchor};
use marginalia_core::article::{sha256_hex, Article};
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::{LoadedRecord, Record, RecordError};
use marginalia_core::formats::w3c;
use marginalia_core::span::SpanId;
use std::rc::Rc;

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

/// Where the spans under review come from.
#[derive(Debug, Clone, PartialEq)]
pub enum ReviewOrigin {
    /// Annotations of an earlier version of the article.
    Reanchored,
    /// Another tool's W3C annotations of this article, from file `file`.
    Imported { file: String, total: usize, not_read: Vec<ReviewItem>, notices: Vec<String> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct AnchorReview {
    /// What the core reported, from which the rest is written.
    pub report: AnchorReport,
    pub origin: Rc<ReviewOrigin>,
    pub summary: String,
    /// Something was refused by the label schema or the editor (the spans
    /// are listed as orphaned): the summary is shown as an error.
    pub refused: bool,
    pub items: Vec<ReviewItem>,
}

/// Re-anchors `record` onto `article` and loads the result against `schema`.
/// A record whose text does not match its own `text_sha256` was edited or
/// damaged: its offsets cannot be trusted, so it is refused, not moved.
/// Everything else is placed or listed: spans that would collide, or that
/// the schema refuses, come back orphaned in the review with the reason.
pub fn reanchor_onto(record: &Record, article: &Article, schema: &LabelSchema) -> Result<(LoadedRecord, AnchorReview), String> {
    if record.text_sha256.as_ref().is_some_and(|h| *h != sha256_hex(&record.text)) {
        return Err(RecordError::HashMismatch.to_string());
    }
    let moved = reanchor_for(record, article.text(), schema).map_err(|e| e.to_string())?;
    let mut new = moved.record;
    new.meta.doc_id = article.id.clone();
    new.meta.title = article.title.clone();
    let loaded = new.load(schema).map_err(|e| format!("the re-anchored annotations do not load: {e}"))?;
    Ok((loaded, AnchorReview::of(moved.report)))
}

/// Another tool's W3C annotations (`json`, from file `file`) placed on
/// `article` by the core's anchoring under `schema`, loaded, with the review:
/// uncertain spans as for re-anchoring, and every annotation not read.
pub fn w3c_onto(file: &str, json: &str, article: &Article, schema: &LabelSchema) -> Result<(LoadedRecord, AnchorReview), String> {
    let placed = w3c::import_with_text(json, article.text(), &article.id, schema, Some(schema))?;
    let mut record = placed.anchored.record;
    record.meta.title = article.title.clone();
    let loaded = record.load(schema).map_err(|e| format!("the placed annotations do not load: {e}"))?;
    let not_read = placed
        .not_read
        .into_iter()
        .map(|n| ReviewItem { id: None, label: n.name, quote: n.quote.unwrap_or_default(), reason: format!("not read: {}", n.why) })
        .collect();
    let origin = ReviewOrigin::Imported { file: file.to_string(), total: placed.total, not_read, notices: placed.notices };
    Ok((loaded, AnchorReview::with_origin(placed.anchored.report, Rc::new(origin))))
}

/// Why a span is listed, in words.
fn reason(s: &SpanAnchor, report: &AnchorReport) -> String {
    let other = |of: usize| report.spans.get(of).map_or_else(String::new, |o| format!("{} “{}”", o.label, crate::view_model::clip(&o.selector.exact)));
    match (&s.orphan_reason, s.doubt) {
        (Some(OrphanReason::Duplicate { of }), _) => {
            format!("it landed on the same words as {}, which fits them better: it was left out", other(*of))
        }
        (Some(OrphanReason::Overlap { of, layer }), _) => {
            format!("it landed overlapping {}, and spans in the {layer} layer may not overlap: it was left out", other(*of))
        }
        (Some(OrphanReason::Refused { message }), _) => format!("it could not be placed ({message}): it was left out"),
        (Some(OrphanReason::NotFound), _) => "its words are no longer in the text: it was left out".to_string(),
        (None, Some(Doubt::QuoteEdited)) => format!(
            "its words were edited: now “{}” ({} sure)",
            s.new_text.clone().unwrap_or_default(),
            percent(s.confidence())
        ),
        (None, Some(Doubt::ContextChanged)) => format!("the text around it changed ({} sure)", percent(s.confidence())),
        (None, Some(Doubt::Ambiguous { places })) => format!("its words fit {places} places equally well"),
        (None, Some(Doubt::SharedTarget)) => "another annotation landed on the same words".to_string(),
        (None, Some(Doubt::PositionOnly)) => "placed by its position alone: the file gave no quote to check it".to_string(),
        _ => format!("re-anchored with {} confidence", percent(s.confidence())),
    }
}

impl AnchorReview {
    /// The summary and the list to review, from the core's report.
    pub fn of(report: AnchorReport) -> AnchorReview {
        AnchorReview::with_origin(report, Rc::new(ReviewOrigin::Reanchored))
    }

    /// The same review written again from `report` (as the editor applied it).
    pub fn again(&self, report: AnchorReport) -> AnchorReview {
        AnchorReview::with_origin(report, self.origin.clone())
    }

    /// The review panel's heading.
    pub fn heading(&self) -> &'static str {
        match *self.origin {
            ReviewOrigin::Reanchored => "Re-anchored",
            ReviewOrigin::Imported { .. } => "Imported",
        }
    }

    fn with_origin(report: AnchorReport, origin: Rc<ReviewOrigin>) -> AnchorReview {
        let mut items = review_items(&report);
        let refusals = refusals(&report);
        let distinct = distinct(&refusals);
        let summary = match &*origin {
            ReviewOrigin::Imported { file, total, not_read, notices } => {
                items.extend(not_read.iter().cloned());
                let read = ImportRead { file, total: *total, not_read: not_read.len(), notices };
                imported_summary(&report, &read, &distinct, items.len())
            }
            ReviewOrigin::Reanchored => reanchored_summary(&report, refusals.len(), &distinct, items.len()),
        };
        AnchorReview { refused: !refusals.is_empty(), report, origin, summary, items }
    }
}

/// The spans to check, in the report's order; an orphan has no place now.
fn review_items(report: &AnchorReport) -> Vec<ReviewItem> {
    report
        .spans
        .iter()
        .filter(|s| s.needs_review())
        .map(|s| {
            let placed = !matches!(s.outcome, Outcome::Orphaned);
            ReviewItem { id: s.id.filter(|_| placed), label: s.label.clone(), quote: s.selector.exact.clone(), reason: reason(s, report) }
        })
        .collect()
}

/// Every refusal's message (by the schema or the editor): of spans, then
/// of links, then of document labels; one per item left out, repeats kept.
fn refusals(report: &AnchorReport) -> Vec<&str> {
    report
        .spans
        .iter()
        .filter_map(|s| match &s.orphan_reason {
            Some(OrphanReason::Refused { message }) => Some(message.as_str()),
            _ => None,
        })
        .chain(report.dropped_relations.iter().filter_map(|d| d.refused.as_deref()))
        .chain(report.dropped_document_labels.iter().map(String::as_str))
        .collect()
}

/// The messages once each, in the order first met (the summary names each
/// reason once; `refusals` keeps the count).
fn distinct<'a>(messages: &[&'a str]) -> Vec<&'a str> {
    let mut distinct: Vec<&str> = Vec::new();
    for m in messages {
        if !distinct.contains(m) {
            distinct.push(m);
        }
    }
    distinct
}

/// How many spans stayed, moved, moved with doubt, and found no place
/// (with why), as phrases.
fn counts(report: &AnchorReport) -> Vec<String> {
    let mut parts = vec![format!("{} unchanged", report.unchanged), format!("{} moved", report.moved)];
    if report.fuzzy > 0 {
        parts.push(format!("{} re-anchored with less than full confidence", report.fuzzy));
    }
    if report.orphaned > 0 {
        let collided = report.spans.iter().filter(|s| matches!(s.orphan_reason, Some(OrphanReason::Duplicate { .. } | OrphanReason::Overlap { .. }))).count();
        let gone = report.spans.iter().filter(|s| s.orphan_reason == Some(OrphanReason::NotFound)).count();
        let refused = report.orphaned - collided - gone;
        let why: Vec<String> = [(gone, "whose words are gone"), (collided, "that landed where a better-anchored annotation was kept"), (refused, "refused")]
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}"))
            .collect();
        parts.push(format!("{} orphaned ({})", report.orphaned, why.join(", ")));
    }
    parts
}

/// What an imported file held beyond the placed spans.
struct ImportRead<'a> {
    file: &'a str,
    total: usize,
    not_read: usize,
    notices: &'a [String],
}

/// The summary of another tool's annotations placed on this article.
fn imported_summary(report: &AnchorReport, read: &ImportRead, distinct: &[&str], to_review: usize) -> String {
    let placed = report.spans.len() - report.orphaned;
    let mut summary = format!(
        "“{}”: {placed} span(s) from the {} annotation(s) in the file applied to this article ({} placed exactly, {} with doubt), replacing its annotations (Ctrl+Z brings them back).",
        read.file,
        read.total,
        report.unchanged + report.moved,
        report.fuzzy
    );
    if report.orphaned > 0 {
        summary.push_str(&format!(" {} not placed.", report.orphaned));
    }
    if read.not_read > 0 {
        summary.push_str(&format!(" {} not read.", read.not_read));
    }
    if !distinct.is_empty() {
        summary.push_str(&format!(" Left out: {}.", distinct.join("; ")));
    }
    for n in read.notices {
        summary.push_str(&format!(" Note: {n}."));
    }
    if to_review > 0 {
        summary.push_str(&format!(" {to_review} to review in the side panel."));
    }
    summary
}

/// The summary of annotations of an earlier version moved onto this one;
/// `refused` items were left out, with the `distinct` reasons.
fn reanchored_summary(report: &AnchorReport, refused: usize, distinct: &[&str], to_review: usize) -> String {
    let parts = counts(report);
    let mut summary = if refused == 0 {
        format!("The article changed since these annotations were made; they were re-anchored: {}.", parts.join(", "))
    } else {
        format!(
            "The article changed since these annotations were made. Not everything could be placed again: {} ({}). Re-anchored: {}.",
            distinct.join("; "),
            if refused == 1 { "1 item left out".to_string() } else { format!("{refused} items left out") },
            parts.join(", ")
        )
    };
    let lost_links = report.dropped_relations.iter().filter(|d| d.refused.is_none()).count();
    if lost_links > 0 {
        summary.push_str(&format!(" {lost_links} link(s) to orphaned annotations were left out."));
    }
    if to_review > 0 {
        summary.push_str(&format!(" {to_review} to review in the side panel."));
    }
    summary
}
