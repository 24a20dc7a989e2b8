//! W3C Web Annotations as any tool writes them — one `Annotation`, an array
//! of them, an `AnnotationPage`, an `AnnotationCollection` with its pages
//! embedded, or the Hypothesis API's `{"rows": [...]}` — reduced to what
//! Marginalia can anchor on a text: per annotation its text selectors, its
//! labels and its notes. Anchoring is `with_text.rs`; this file only reads.
//!
//! Units: positions are kept as the file gives them (whole numbers ≥ 0,
//! checked here); which unit they are in is settled against the text and
//! the quote when anchoring. Every annotation is either read or listed in
//! `not_read` with why — none is dropped in silence.

use super::{has_type, many, str_of};
use crate::span::Attributes;
use serde_json::{Map, Value};

/// How deep a `refinedBy` chain is followed (JSON nesting is already
/// bounded by the parser; this bounds the work per selector).
const MAX_REFINEMENT: usize = 16;

/// What one target says about where its text is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selectors {
    /// `TextQuoteSelector`: `exact`, with its `prefix` and `suffix`.
    pub exact: Option<String>,
    pub prefix: String,
    pub suffix: String,
    /// `TextPositionSelector` on the whole text: `(start, end)`, start < end.
    pub position: Option<(usize, usize)>,
}

/// A label and the layer our own export names for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub value: String,
    pub layer: Option<String>,
}

/// One annotation that targets text.
#[derive(Debug, Clone, PartialEq)]
pub struct Foreign {
    /// The annotation's `id`, or `items[n]` when it has none.
    pub name: String,
    pub id: Option<String>,
    pub labels: Vec<Label>,
    /// Comments (`note`) and our own named attributes.
    pub attributes: Attributes,
    /// One entry per target with text selectors.
    pub targets: Vec<Selectors>,
    /// It had no tag: its label is its motivation, or [`UNTAGGED`].
    pub untagged: bool,
}

/// The label of an annotation with neither a tag nor a motivation: the W3C
/// motivation of a bare selection of text.
pub const UNTAGGED: &str = "highlighting";

/// A `linking` annotation: Recogito's (two targets) or ours (a target and a
/// `SpecificResource` body); ends are annotation ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub name: String,
    pub label: String,
    pub from: String,
    pub to: Option<String>,
    pub to_text: Option<String>,
}

/// An annotation that is not read, with its id, its quote if any, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotRead {
    pub name: String,
    pub quote: Option<String>,
    pub why: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Collected {
    pub annotations: Vec<Foreign>,
    pub links: Vec<Link>,
    pub not_read: Vec<NotRead>,
    /// Our own export's whole-text classifying annotation.
    pub document_labels: Map<String, Value>,
    /// Things read differently from what the file says, for the report.
    pub notices: Vec<String>,
    /// The distinct `source` IRIs the text targets name.
    pub sources: Vec<String>,
    /// The items found, read or not.
    pub total: usize,
}

/// The annotations of `root`, in order: the shapes listed in the header.
fn items_of(root: &Value) -> Result<Vec<&Value>, String> {
    if let Value::Array(items) = root {
        return Ok(items.iter().collect());
    }
    if !root.is_object() {
        return Err("a W3C annotation file holds an object or an array".into());
    }
    if let Some(rows) = root.get("rows").filter(|r| r.is_array()) {
        return Ok(many(Some(rows)));
    }
    if has_type(root, "AnnotationPage") {
        return Ok(pages(root));
    }
    if has_type(root, "AnnotationCollection") {
        return match root.get("first") {
            Some(first) if first.is_object() => Ok(pages(first)),
            Some(_) => Err("the collection's pages are not embedded (\"first\" is only a link): download the pages and open them".into()),
            None => Ok(Vec::new()),
        };
    }
    if has_type(root, "Annotation") || root.get("target").is_some() {
        return Ok(vec![root]);
    }
    Err("this JSON is not a W3C Web Annotation, an array of them, an AnnotationPage or an AnnotationCollection".into())
}

/// The items of a page and of the pages embedded after it (`next`).
fn pages(first: &Value) -> Vec<&Value> {
    let mut items = Vec::new();
    let mut page = Some(first);
    while let Some(p) = page {
        items.extend(many(p.get("items")));
        page = p.get("next").filter(|n| n.is_object());
    }
    items
}

/// Reads every annotation of a W3C file.
pub fn collect(json: &str) -> Result<Collected, String> {
    let root: Value = serde_json::from_str(json).map_err(|e| format!("the W3C annotation file is not valid JSON: {e}"))?;
    let items = items_of(&root)?;
    let mut out = Collected { total: items.len(), ..Collected::default() };
    for (n, item) in items.into_iter().enumerate() {
        let id = str_of(item, "id").map(String::from);
        let name = id.clone().unwrap_or_else(|| format!("items[{n}]"));
        let not_read = |why: String, quote: Option<String>| NotRead { name: name.clone(), quote, why };
        if !item.is_object() {
            out.not_read.push(not_read("it is not an annotation (a JSON object)".into(), None));
            continue;
        }
        let motivations = many(item.get("motivation"));
        if motivations.iter().any(|m| m.as_str() == Some("linking")) {
            match read_link(item, &name) {
                Ok(link) => out.links.push(link),
                Err(why) => out.not_read.push(not_read(why, None)),
            }
            continue;
        }
        let targets = many(item.get("target"));
        if targets.is_empty() {
            out.not_read.push(not_read("it has no target".into(), None));
            continue;
        }
        let mut selectors = Vec::new();
        let mut other_kinds = Vec::new();
        let mut problems = Vec::new();
        for target in &targets {
            if let Some(source) = target.as_str().or_else(|| str_of(target, "source")).or_else(|| target.get("source").and_then(|s| str_of(s, "id"))) {
                if !out.sources.iter().any(|s| s == source) {
                    out.sources.push(source.to_string());
                }
            }
            match read_target(target, &mut other_kinds, &mut problems) {
                Some(s) => selectors.push(s),
                None => continue,
            }
        }
        let quote = selectors.iter().find_map(|s| s.exact.clone());
        if selectors.is_empty() {
            if let Some(labels) = document_labels(item) {
                out.document_labels.extend(labels);
                continue;
            }
            let why = match (problems.first(), other_kinds.is_empty()) {
                (Some(problem), _) => problem.clone(),
                (None, true) => "its target has no TextQuoteSelector or TextPositionSelector (it annotates a whole resource): Marginalia reads annotations of text passages".into(),
                (None, false) => format!("its target is selected by {} only: Marginalia reads text selectors (TextQuoteSelector, TextPositionSelector)", other_kinds.join(", ")),
            };
            out.not_read.push(not_read(why, quote));
            continue;
        }
        for problem in problems {
            out.notices.push(format!("{name}: {problem}"));
        }
        let (mut labels, attributes) = read_bodies(item, &motivations);
        let untagged = labels.is_empty();
        if untagged {
            // Most annotations tools write carry no tag (a highlight, a
            // comment): labelled by what the W3C model says they are.
            let motivation = motivations.iter().find_map(|m| m.as_str()).unwrap_or(UNTAGGED);
            labels.push(Label { value: motivation.to_string(), layer: None });
        }
        out.annotations.push(Foreign { name, id, labels, attributes, targets: selectors, untagged });
    }
    Ok(out)
}

/// The text selectors of one target; `None` (with the other selector
/// kinds or the problem noted) when it has none that can be used.
fn read_target(target: &Value, other_kinds: &mut Vec<String>, problems: &mut Vec<String>) -> Option<Selectors> {
    let mut found = Selectors::default();
    let mut any = false;
    for selector in many(target.get("selector")) {
        // A selector refined by others: the first is on the whole text, the
        // ones after it inside what the one before selects.
        let mut chain = Some(selector);
        let mut depth = 0;
        let mut whole_text = true;
        while let Some(s) = chain.filter(|_| depth < MAX_REFINEMENT) {
            if has_type(s, "TextQuoteSelector") && found.exact.is_none() {
                match str_of(s, "exact") {
                    Some(exact) if !exact.is_empty() => {
                        found.exact = Some(exact.to_string());
                        found.prefix = str_of(s, "prefix").unwrap_or_default().to_string();
                        found.suffix = str_of(s, "suffix").unwrap_or_default().to_string();
                        any = true;
                    }
                    _ => problems.push("its TextQuoteSelector has no \"exact\" text".into()),
                }
            } else if has_type(s, "TextPositionSelector") && found.position.is_none() {
                if !whole_text {
                    problems.push("its TextPositionSelector counts inside another selector's part of the page, which plain text cannot locate; it was ignored".into());
                } else {
                    match position(s) {
                        Ok(p) => {
                            found.position = Some(p);
                            any = true;
                        }
                        Err(why) => problems.push(why),
                    }
                }
            } else if !has_type(s, "TextQuoteSelector") && !has_type(s, "TextPositionSelector") {
                let kind = str_of(s, "type").unwrap_or("an untyped selector").to_string();
                if !other_kinds.contains(&kind) {
                    other_kinds.push(kind);
                }
                whole_text = false;
            }
            chain = s.get("refinedBy").filter(|r| r.is_object());
            depth += 1;
        }
    }
    any.then_some(found)
}

/// `start` and `end` of a `TextPositionSelector`: whole numbers, start
/// before end; anything else is refused with the number in the message.
fn position(s: &Value) -> Result<(usize, usize), String> {
    let number = |key: &str| -> Result<usize, String> {
        let v = s.get(key).ok_or_else(|| format!("its TextPositionSelector has no \"{key}\""))?;
        v.as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| format!("its TextPositionSelector's {key} is {v}, not a whole number of characters ≥ 0"))
    };
    let (start, end) = (number("start")?, number("end")?);
    if start >= end {
        return Err(format!("its TextPositionSelector starts at {start} and ends at {end}: an empty or reversed range"));
    }
    Ok((start, end))
}

/// Labels and notes from the bodies. The purpose of a body without its own
/// is the annotation's motivation (the W3C model's rule).
fn read_bodies(item: &Value, motivations: &[&Value]) -> (Vec<Label>, Attributes) {
    let motivation = motivations.first().and_then(|m| m.as_str());
    let mut labels: Vec<Label> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut attributes = Attributes::new();
    let mut label = |value: &str, layer: Option<&str>| {
        let value = value.trim();
        if !value.is_empty() && !labels.iter().any(|l| l.value == value) {
            labels.push(Label { value: value.to_string(), layer: layer.map(String::from) });
        }
    };
    for body in many(item.get("body")) {
        let purpose = str_of(body, "purpose").or(motivation);
        let tags = matches!(purpose, Some("tagging" | "classifying" | "identifying"));
        if let Some(iri) = body.as_str() {
            // A body elsewhere: only its address is here; it names a class
            // when the annotation tags or classifies.
            if tags {
                label(iri, None);
            }
            continue;
        }
        if has_type(body, "SpecificResource") || (body.get("source").is_some() && body.get("value").is_none()) {
            let source = body.get("source");
            let name = source.and_then(|s| s.as_str().or_else(|| str_of(s, "label")).or_else(|| str_of(s, "id")));
            if let (true, Some(name)) = (tags, name) {
                label(name, None);
            }
            continue;
        }
        let Some(value) = body.get("value") else { continue };
        match (purpose, str_of(body, "attribute")) {
            (Some("classifying"), Some(attribute)) => {
                attributes.insert(attribute.to_string(), value.clone());
            }
            (Some("tagging" | "classifying" | "identifying"), None) => {
                if let Some(v) = value.as_str() {
                    label(v, str_of(body, "layer"));
                }
            }
            _ => {
                if let Some(v) = value.as_str().filter(|v| !v.trim().is_empty()) {
                    notes.push(v.to_string());
                }
            }
        }
    }
    if let Some(v) = str_of(item, "bodyValue").filter(|v| !v.trim().is_empty()) {
        notes.push(v.to_string());
    }
    // The Hypothesis API's own fields.
    for tag in many(item.get("tags")) {
        if let Some(t) = tag.as_str() {
            label(t, None);
        }
    }
    if let Some(t) = str_of(item, "text").filter(|t| !t.trim().is_empty()) {
        notes.push(t.to_string());
    }
    if !notes.is_empty() && !attributes.contains_key("note") {
        attributes.insert("note".into(), Value::String(notes.join("\n\n")));
    }
    (labels, attributes)
}

/// Our own export's document labels: a whole-text target and only
/// `classifying` bodies naming their attribute.
fn document_labels(item: &Value) -> Option<Map<String, Value>> {
    let bodies = many(item.get("body"));
    let mut out = Map::new();
    for body in &bodies {
        let attribute = str_of(body, "attribute")?;
        (str_of(body, "purpose") == Some("classifying")).then_some(())?;
        out.insert(attribute.to_string(), body.get("value").or_else(|| body.get("jsonValue"))?.clone());
    }
    (!out.is_empty()).then_some(out)
}

/// A `linking` annotation: its label (a tagging body) and its two ends.
fn read_link(item: &Value, name: &str) -> Result<Link, String> {
    let iri = |v: &Value| v.as_str().or_else(|| str_of(v, "id")).or_else(|| str_of(v, "source")).map(String::from);
    let targets: Vec<String> = many(item.get("target")).into_iter().filter_map(iri).collect();
    let mut label = None;
    let mut to = targets.get(1).cloned();
    let mut to_text = None;
    for body in many(item.get("body")) {
        match str_of(body, "purpose") {
            Some("tagging") => label = str_of(body, "value").map(String::from),
            Some("linking") if has_type(body, "TextualBody") => to_text = str_of(body, "value").map(String::from),
            _ => {
                if let Some(end) = iri(body).filter(|_| body.get("value").is_none()) {
                    to = Some(end);
                }
            }
        }
    }
    let from = targets.first().cloned().ok_or("a link with no target annotation")?;
    let label = label.ok_or("a link with no tagging body naming it")?;
    if to.is_none() && to_text.is_none() {
        return Err("a link to nothing".into());
    }
    Ok(Link { name: name.to_string(), label, from, to: if to_text.is_some() { None } else { to }, to_text })
}

/// Whether `json` holds W3C annotations that target a text elsewhere (a
/// page, by IRI) — one annotation, an array, a page, a collection without
/// our embedded `document`, Hypothesis API rows — and so need the text to
/// be given. Our own export (the text embedded) answers no.
pub fn needs_text(json: &str) -> bool {
    let Ok(root) = serde_json::from_str::<Value>(json) else { return false };
    let annotation = |v: &Value| v.is_object() && (has_type(v, "Annotation") || v.get("target").is_some());
    match &root {
        Value::Array(items) => items.first().is_some_and(annotation),
        Value::Object(o) if o.contains_key("rows") => root["rows"].as_array().is_some_and(|rows| rows.first().is_some_and(annotation)),
        Value::Object(o) if has_type(&root, "AnnotationCollection") => o.get("document").is_none_or(|d| d.get("value").is_none()),
        Value::Object(_) => has_type(&root, "AnnotationPage") || annotation(&root),
        _ => false,
    }
}
