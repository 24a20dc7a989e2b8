//! W3C annotations of any origin placed on a text the user gives (the CLI's
//! `--text`, the article open in the app): read by `foreign.rs`, anchored by
//! the core's anchoring (`anchor::anchor_targets`) so that uncertain spans
//! get the same review as re-anchoring, and reported — every annotation is
//! placed, listed for review, orphaned with why, or not read with why.
//!
//! Units. The W3C model counts code points; browser tools (Hypothesis,
//! Recogito) count UTF-16 code units (JavaScript string offsets). A
//! position is taken in code points when the text there is the quote, in
//! UTF-16 units when that is, and otherwise is only a hint for finding the
//! quote. A position without a quote is taken in code points (the model's
//! unit) and listed for review. Offsets leaving here are code points.

use super::foreign::{collect, Collected, NotRead};
use super::trailing_id;
use crate::anchor::{anchor_targets, AnchorReport, Outcome, Reanchored, TextTarget};
use crate::formats::{layer_of, new_record};
use crate::label_schema::LabelSchema;
use crate::record::{Record, RecordRelation, RecordSpan};
use crate::span::SpanId;
use crate::text_index::TextIndex;

/// The result of placing a file's annotations on a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    /// The record on the text and the anchoring report: one report entry
    /// per span tried (an annotation with two tags is two spans).
    pub anchored: Reanchored,
    /// The annotation each report entry comes from (its id, or `items[n]`).
    pub origins: Vec<String>,
    pub not_read: Vec<NotRead>,
    /// What was read differently from what the file says.
    pub notices: Vec<String>,
    /// Annotations in the file.
    pub total: usize,
}

/// Places the annotations of `json` on `text`. `schema` puts labels in
/// their layers; `settle_with` (the app's editor schema) also orphans what
/// it refuses. Fails when the file is no W3C annotation file, the text is
/// no article, or nothing at all could be placed — the message then says
/// why for each annotation.
pub fn import_with_text(json: &str, text: &str, doc_id: &str, schema: &LabelSchema, settle_with: Option<&LabelSchema>) -> Result<Placed, String> {
    let collected = collect(json)?;
    let index = TextIndex::new(text);
    let chars: Vec<char> = text.chars().collect();
    let mut record = new_record(text.to_string(), doc_id.to_string());
    let Collected { annotations, links, mut not_read, document_labels, mut notices, sources, total } = collected;
    let mut targets = Vec::new();
    let mut origins = Vec::new();
    let mut first_span: Vec<(Option<String>, usize)> = Vec::new();
    let mut utf16 = 0;
    let mut renamed: Vec<(String, String)> = Vec::new();
    let mut untagged = 0;
    for a in &annotations {
        for selectors in &a.targets {
            let target = match to_target(selectors, &chars, &index, &mut utf16) {
                Ok(t) => t,
                Err(why) => {
                    not_read.push(NotRead { name: a.name.clone(), quote: selectors.exact.clone(), why });
                    continue;
                }
            };
            if a.untagged && first_span.last().map(|(id, _)| id) != Some(&a.id) {
                untagged += 1;
            }
            first_span.push((a.id.clone(), record.spans.len()));
            for label in &a.labels {
                let value = label_without_spaces(&label.value, &mut renamed);
                record.spans.push(RecordSpan {
                    id: a.id.as_deref().and_then(|iri| trailing_id(iri, SpanId::parse)),
                    start: 0,
                    end: 0,
                    token_start: None,
                    token_end: None,
                    layer: label.layer.clone().unwrap_or_else(|| layer_of(&value, schema)),
                    label: value,
                    text: None,
                    attributes: a.attributes.clone(),
                    defaults: Default::default(),
                    source: None,
                });
                targets.push(target.clone());
                origins.push(a.name.clone());
            }
        }
    }
    number_spans(&mut record.spans)?;
    record.document_labels = document_labels.into_iter().collect();
    link_spans(&mut record, &links, &first_span, &mut not_read)?;
    if !renamed.is_empty() {
        let pairs: Vec<String> = renamed.iter().map(|(from, to)| format!("“{from}” → “{to}”")).collect();
        notices.push(format!("tags with spaces renamed ({}): a label holds no whitespace (CoNLL and brat separate columns with it)", pairs.join(", ")));
    }
    if untagged > 0 {
        notices.push(format!(
            "{untagged} annotations had no tag (no tagging or classifying body, no Hypothesis tags): each is labelled by its motivation (“commenting”, …), or “{}” when it has none",
            super::foreign::UNTAGGED
        ));
    }
    if utf16 > 0 {
        notices.push(format!("{utf16} position(s) were in UTF-16 code units (as browser tools count), not code points: read as such, since the quote is there"));
    }
    if sources.len() > 1 {
        notices.push(format!("the annotations target {} different sources; all were placed on the one text given", sources.len()));
    }
    if let Some(editor_schema) = settle_with {
        fit_attributes(&mut record.spans, editor_schema, &mut notices);
    }
    let anchored = anchor_targets(&record, &targets, settle_with).map_err(|e| format!("the text cannot be annotated: {e}"))?;
    let placed = Placed { anchored, origins, not_read, notices, total };
    if placed.anchored.record.spans.is_empty() && placed.anchored.record.document_labels.is_empty() {
        return Err(nothing_placed(&placed));
    }
    Ok(placed)
}

/// A tag as a label: each run of whitespace becomes `_`; renamings are
/// collected once each for the report.
fn label_without_spaces(tag: &str, renamed: &mut Vec<(String, String)>) -> String {
    if !tag.chars().any(char::is_whitespace) {
        return tag.to_string();
    }
    let label = tag.split_whitespace().collect::<Vec<_>>().join("_");
    if !renamed.iter().any(|(from, _)| from == tag) {
        renamed.push((tag.to_string(), label.clone()));
    }
    label
}

/// Leaves out the attribute values (a tool's comments as `note`, mostly)
/// that the editor's schema has no place for on a span's layer, with a
/// notice per attribute: a span is not refused for its comment.
fn fit_attributes(spans: &mut [RecordSpan], schema: &LabelSchema, notices: &mut Vec<String>) {
    let mut dropped: Vec<(String, usize)> = Vec::new();
    for span in spans.iter_mut() {
        let refused: Vec<String> = span
            .attributes
            .iter()
            .filter(|(name, value)| !schema.attributes_for(&span.layer).any(|a| &a.name == *name && a.check(value).is_ok()))
            .map(|(name, _)| name.clone())
            .collect();
        for name in refused {
            span.attributes.remove(&name);
            match dropped.iter_mut().find(|(n, _)| *n == name) {
                Some((_, count)) => *count += 1,
                None => dropped.push((name, 1)),
            }
        }
    }
    for (name, count) in dropped {
        notices.push(format!("{count} “{name}” value(s) left out: the label schema has no such attribute for those spans"));
    }
}

/// Span ids from our own annotation ids (`…:s7`); the rest get the next free.
fn number_spans(spans: &mut [RecordSpan]) -> Result<(), String> {
    let wanted: Vec<Option<u32>> = spans.iter().map(|s| s.id.map(|id| id.0)).collect();
    let numbers = crate::id::number_items(&wanted).ok_or("more annotations than span numbers")?;
    for (s, n) in spans.iter_mut().zip(numbers) {
        s.id = Some(SpanId(n));
    }
    Ok(())
}

/// Links between annotations become relations between their first spans;
/// a link whose ends are not read is listed as not read.
fn link_spans(record: &mut Record, links: &[super::foreign::Link], first_span: &[(Option<String>, usize)], not_read: &mut Vec<NotRead>) -> Result<(), String> {
    let span_of = |iri: &str| first_span.iter().find(|(id, _)| id.as_deref() == Some(iri)).map(|&(_, i)| i);
    let mut wanted = Vec::new();
    for link in links {
        let from = span_of(&link.from);
        let to = link.to.as_deref().map(span_of);
        let (Some(from), Some(to)) = (from, to.unwrap_or(Some(usize::MAX))) else {
            not_read.push(NotRead { name: link.name.clone(), quote: None, why: "it links annotations that were not read".into() });
            continue;
        };
        record.relations.push(RecordRelation {
            id: None,
            label: link.label.clone(),
            from: record.spans[from].id,
            to: (to != usize::MAX).then(|| record.spans[to].id).flatten(),
            to_text: link.to_text.clone(),
            head: None,
            child: None,
            head_span: None,
            child_span: None,
        });
        wanted.push(trailing_id(&link.name, crate::relation::RelationId::parse).map(|id| id.0));
    }
    let numbers = crate::id::number_items(&wanted).ok_or("more links than relation numbers")?;
    for (r, n) in record.relations.iter_mut().zip(numbers) {
        r.id = Some(crate::relation::RelationId(n));
    }
    Ok(())
}

/// One target in code points: the unit settled by the quote, whitespace
/// at the quote's edges moved into its context (a span never starts or
/// ends with a space).
fn to_target(s: &super::foreign::Selectors, chars: &[char], index: &TextIndex, utf16: &mut usize) -> Result<TextTarget, String> {
    let len = chars.len();
    let Some(exact) = &s.exact else {
        let (start, end) = s.position.ok_or("it has no text selector")?;
        if end > len {
            return Err(format!("its TextPositionSelector {start}–{end} lies beyond the text ({len} characters), and it has no quote to find it by"));
        }
        return Ok(TextTarget { exact: String::new(), prefix: String::new(), suffix: String::new(), position: Some((start, end)) });
    };
    let quote: Vec<char> = exact.chars().collect();
    let holds = |a: usize, b: usize| a < b && b <= len && chars[a..b] == quote[..];
    let position = s.position.map(|(a, b)| {
        if holds(a, b) {
            return (a, b);
        }
        // The same place counted in UTF-16 units, when both ends fall
        // between characters and the quote is there.
        if b <= index.len_utf16() {
            let (ca, cb) = (index.cp_of_utf16(a), index.cp_of_utf16(b));
            if index.utf16_of(ca) == a && index.utf16_of(cb) == b && holds(ca, cb) {
                *utf16 += 1;
                return (ca, cb);
            }
        }
        (a, b)
    });
    let lead = quote.iter().take_while(|c| c.is_whitespace()).count();
    let trail = quote[lead..].iter().rev().take_while(|c| c.is_whitespace()).count();
    if lead == quote.len() {
        return Err("its quote is only whitespace".into());
    }
    let core: String = quote[lead..quote.len() - trail].iter().collect();
    let prefix: String = s.prefix.chars().chain(quote[..lead].iter().copied()).collect();
    let suffix: String = quote[quote.len() - trail..].iter().copied().chain(s.suffix.chars()).collect();
    let position = position.map(|(a, b)| (a.saturating_add(lead), b.saturating_sub(trail).max(a.saturating_add(lead))));
    Ok(TextTarget { exact: core, prefix, suffix, position: position.filter(|(a, b)| a < b) })
}

/// Why nothing could be placed, annotation by annotation (the first few).
fn nothing_placed(placed: &Placed) -> String {
    let lines = report_lines(placed);
    let shown: Vec<&String> = lines.iter().take(8).collect();
    let more = lines.len().saturating_sub(shown.len());
    let mut message = format!("none of the {} annotations could be placed on the text", placed.total);
    for line in shown {
        message.push_str("; ");
        message.push_str(line);
    }
    if more > 0 {
        message.push_str(&format!("; and {more} more"));
    }
    message
}

/// A one-line summary: placed, to review, orphaned, not read.
pub fn summary(placed: &Placed) -> String {
    let r: &AnchorReport = &placed.anchored.report;
    format!(
        "{} of {} annotations read: {} spans placed exactly, {} placed with doubt, {} not found in the text, {} to review; {} annotations not read",
        placed.total - placed.not_read.len().min(placed.total),
        placed.total,
        r.unchanged + r.moved,
        r.fuzzy,
        r.orphaned,
        r.needs_review,
        placed.not_read.len()
    )
}

/// One line per span to review, span not placed, and annotation not read:
/// its annotation's id, its quote and what happened.
pub fn report_lines(placed: &Placed) -> Vec<String> {
    let mut lines = Vec::new();
    for (entry, origin) in placed.anchored.report.spans.iter().zip(&placed.origins) {
        if !entry.needs_review() {
            continue;
        }
        let quote = if entry.selector.exact.is_empty() { "(no quote)".to_string() } else { format!("“{}”", entry.selector.exact) };
        let what = match (entry.outcome, &entry.orphan_reason, entry.new_start, entry.new_end) {
            (Outcome::Orphaned, Some(reason), _, _) => format!("not placed: {}", orphan_words(reason, &placed.anchored.report)),
            (_, _, Some(s), Some(e)) => format!(
                "placed at {s}–{e} on “{}” with doubt ({}), to review",
                entry.new_text.as_deref().unwrap_or_default(),
                doubt_words(entry)
            ),
            _ => "not placed".into(),
        };
        lines.push(format!("{origin} {} {quote}: {what}", entry.label));
    }
    for n in &placed.not_read {
        let quote = n.quote.as_ref().map(|q| format!(" “{q}”")).unwrap_or_default();
        lines.push(format!("{}{quote}: not read: {}", n.name, n.why));
    }
    for d in &placed.anchored.report.dropped_relations {
        lines.push(format!("link {}: not kept: {}", d.relation.label, d.refused.as_deref().unwrap_or("a span it joins was not placed")));
    }
    lines
}

fn orphan_words(reason: &crate::anchor::OrphanReason, report: &AnchorReport) -> String {
    use crate::anchor::OrphanReason::*;
    let other = |of: &usize| report.spans.get(*of).map(|o| format!("{} “{}”", o.label, o.selector.exact)).unwrap_or_default();
    match reason {
        NotFound => "its words are not in the text".into(),
        Duplicate { of } => format!("the same words with the same label as {}", other(of)),
        Overlap { of, layer } => format!("it overlaps {} and spans in the {layer} layer may not overlap", other(of)),
        Refused { message } => format!("refused: {message}"),
    }
}

fn doubt_words(entry: &crate::anchor::SpanAnchor) -> String {
    use crate::anchor::Doubt::*;
    match entry.doubt {
        Some(QuoteEdited) => "the words differ from the quote".into(),
        Some(ContextChanged) => "the text around it differs".into(),
        Some(Ambiguous { places }) => format!("its words fit {places} places equally well"),
        Some(SharedTarget) => "another annotation landed on the same words".into(),
        Some(PositionOnly) => "placed by its position alone, with no quote to check it".into(),
        None => "confidence below 95%".into(),
    }
}

#[cfg(test)]
#[path = "with_text_tests.rs"]
mod tests;
