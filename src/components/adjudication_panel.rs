//! The review of several annotators' saves: the agreement figures (the same
//! code as `marginalia agree`), each item where they differ with every
//! annotator's version in full (label, bounds, each attribute and the
//! relations that leave from it), each relation they made differently, and
//! the reviewer's choice — accept a version, reject them all, or take the
//! reviewer's own edit of the text (offered only once there is one). The
//! gold version is what the article shows meanwhile; the disputed versions
//! are marked under the text, one mark style per annotator (the legend is
//! here). After each decision the focus moves to the next undecided item,
//! so a review runs from the keyboard: Tab to a choice, Enter, and on.

use crate::adjudication_view::Adjudication;
use crate::host::use_host;
use crate::view_model::clip;
use marginalia_core::adjudication::{Decision, EndKey, Item, ItemKind, RelationItem, Source, SpanKey};
use marginalia_core::article::Article;
use marginalia_core::relation::Target;
use marginalia_core::span::Span;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AdjudicationPanelProps {
    pub adjudication: Rc<Adjudication>,
    /// Items whose text the reviewer has labelled differently from the gold.
    pub edited: Rc<Vec<usize>>,
    pub ondecide: Callback<Decision>,
    /// Takes the spans the reviewer drew in the text over an item as its decision.
    pub onedit: Callback<usize>,
    pub onundo: Callback<()>,
    pub onsave: Callback<()>,
    pub onleave: Callback<()>,
}

fn kind_text(kind: &ItemKind) -> String {
    match kind {
        ItemKind::Agree => "all agree".into(),
        ItemKind::Missing { absent } => format!("missing for {}", absent.join(", ")),
        ItemKind::Extra { present } => format!("only {} marked it", present.join(", ")),
        ItemKind::DifferentLabel => "different labels".into(),
        ItemKind::DifferentBoundaries => "different boundaries".into(),
        ItemKind::DifferentAttributes(diffs) => {
            let keys: Vec<&str> = diffs.iter().map(|d| d.key.as_str()).collect();
            format!("different {}", keys.join(", "))
        }
    }
}

fn percent(x: Option<f64>) -> String {
    x.map_or("–".into(), crate::percent::percent)
}

/// An attribute's value as the reviewer reads it (strings unquoted).
fn value_text(value: Option<&serde_json::Value>) -> String {
    match value {
        None | Some(serde_json::Value::Null) => "unset".into(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// One span of a version in full: label, quote, offsets, attributes, and
/// the relations this annotator drew from it.
fn span_text(article: &Article, s: &Span, relations: &[String]) -> String {
    let mut out = format!("{} “{}” ({}–{})", s.label, clip(article.slice(s.start, s.end)), s.start, s.end);
    for (key, value) in &s.attributes {
        out.push_str(&format!(" · {key}: {}", value_text(Some(value))));
    }
    for r in relations {
        out.push_str(&format!(" · {r}"));
    }
    out
}

/// What an end of a relation is, quoted.
fn end_text(article: &Article, end: &EndKey) -> String {
    match end {
        EndKey::Span(key) => key_text(article, key),
        EndKey::Text(text) => format!("“{}” (free text)", clip(text)),
    }
}

fn key_text(article: &Article, key: &SpanKey) -> String {
    format!("{} “{}”", key.label, clip(article.slice(key.start, key.end)))
}

#[component]
pub fn AdjudicationPanel(props: &AdjudicationPanelProps) -> Html {
    let host = use_host();
    let adjudication = &props.adjudication;
    let gold = &adjudication.gold;
    let review = gold.review();
    let agreement = review.agreement();
    let section = host.id("adjudication");
    use_focus_after_decision(&section, std::sync::Arc::as_ptr(review) as usize, gold.decisions().len());
    let items: Vec<&Item> = review.disagreements().collect();
    let decided = items.iter().filter(|i| gold.is_decided(i.id)).count();
    let relations: Vec<&RelationItem> =
        review.relations().iter().filter(|r| r.kind != ItemKind::Agree || !gold.has_relation(r.id)).collect();
    html! {
        <section id={section} class="mg-adjudication" aria-labelledby={host.id("adjudication-title")}>
            <h3 id={host.id("adjudication-title")}>{ format!("Review: {}", review.annotators().join(", ")) }</h3>
            <p class="mg-review-legend">
                { "Marked under the text: " }
                { for review.annotators().into_iter().enumerate().map(|(by, a)| html! {
                    <span class="mg-legend-entry"><span class={classes!("mg-mark-key", format!("mg-by-{}", by % 4))} aria-hidden="true"></span>{ a.to_string() }</span>
                }) }
            </p>
            <ul class="mg-agreement">
                { for agreement.pairs.iter().map(|p| {
                    let all = p.labels.iter().find(|l| l.label == "(all)");
                    html! {
                        <li>
                            { format!("{} ↔ {}: exact F1 {}, partial F1 {}", p.a, p.b,
                                percent(all.and_then(|l| l.exact.f1)), percent(all.and_then(|l| l.partial.f1))) }
                            <ul class="mg-agreement-labels">
                                { for p.labels.iter().filter(|l| l.label != "(all)").map(|l| html! {
                                    <li data-label={l.label.clone()}>{ format!("{}: exact F1 {}, partial F1 {} ({} / {} spans)",
                                        l.label, percent(l.exact.f1), percent(l.partial.f1), l.spans_a, l.spans_b) }</li>
                                }) }
                            </ul>
                        </li>
                    }
                }) }
            </ul>
            <p class="mg-hint" id={host.id("review-progress")}>{ format!("{decided} of {} items decided", items.len()) }</p>
            <ol class="mg-items">
                { for items.iter().map(|item| item_view(props, &host, item)) }
            </ol>
            if !relations.is_empty() {
                <h4>{ "Relations that differ" }</h4>
                <ol class="mg-relation-items">
                    { for relations.iter().map(|r| relation_view(props, r)) }
                </ol>
            }
            <div class="mg-row">
                <button type="button" class="mg-button" id={host.id("undo-decision")} onclick={props.onundo.reform(|_: MouseEvent| ())} disabled={!adjudication.can_undo()}>{ "Undo decision" }</button>
                <button type="button" class="mg-button mg-primary" id={host.id("save-gold")} onclick={props.onsave.reform(|_: MouseEvent| ())}>{ "Save gold version" }</button>
                <button type="button" class="mg-button" onclick={props.onleave.reform(|_: MouseEvent| ())}>{ "Leave review" }</button>
            </div>
        </section>
    }
}

/// One disputed item: what it is, each annotator's version, the
/// attributes that differ side by side, the choices, and the gold now.
fn item_view(props: &AdjudicationPanelProps, host: &crate::host::HostRef, item: &Item) -> Html {
    let gold = &props.adjudication.gold;
    let review = gold.review();
    let article = review.article();
    let id = item.id;
    let decided = gold.is_decided(id);
    let edited = props.edited.contains(&id);
    let title = host.id(&format!("item-{id}"));
    let hint = host.id(&format!("item-{id}-edit"));
    let now: Vec<String> = gold.item_spans(id).iter().map(|s| format!("{} “{}”", s.label, clip(article.slice(s.start, s.end)))).collect();
    html! {
        <li class={classes!("mg-item-review", decided.then_some("mg-decided"))} data-item={id.to_string()} tabindex="-1" aria-labelledby={title.clone()}>
            <p id={title}><strong>{ format!("“{}”", clip(article.slice(item.start, item.end))) }</strong>{ format!(" — {}", kind_text(&item.kind)) }</p>
            <ul class="mg-versions">
                { for item.versions.iter().enumerate().map(|(by, v)| {
                    let source = review.source(&v.annotator);
                    let described: Vec<String> = v.spans.iter().map(|s| {
                        let links: Vec<String> = source.map(|src| relations_from(article, src, s)).unwrap_or_default();
                        span_text(article, s, &links)
                    }).collect();
                    html! {
                        <li data-annotator={v.annotator.clone()}>
                            <span class={classes!("mg-mark-key", format!("mg-by-{}", by % 4))} aria-hidden="true"></span>
                            <strong>{ v.annotator.clone() }</strong>
                            { format!(": {}", if described.is_empty() { "nothing".to_string() } else { described.join("; ") }) }
                        </li>
                    }
                }) }
            </ul>
            if let ItemKind::DifferentAttributes(diffs) = &item.kind {
                <ul class="mg-differences">
                    { for diffs.iter().map(|d| {
                        let sides: Vec<String> = d.values.iter().map(|(a, v)| format!("{a}: {}", value_text(v.as_ref()))).collect();
                        html! { <li data-key={d.key.clone()}>{ format!("{} of {} “{}” — {}", d.key, d.label, clip(article.slice(d.start, d.end)), sides.join(" · ")) }</li> }
                    }) }
                </ul>
            }
            <div class="mg-row">
                { for review.annotators().into_iter().map(|a| {
                    let annotator = a.to_string();
                    let onclick = props.ondecide.reform(move |_: MouseEvent| Decision::Accept { item: id, annotator: annotator.clone() });
                    html! { <button type="button" class="mg-button" {onclick}>{ format!("Accept {a}'s") }</button> }
                }) }
                <button type="button" class="mg-button" onclick={props.ondecide.reform(move |_: MouseEvent| Decision::Reject { item: id })}>{ "Reject" }</button>
                <button type="button" class="mg-button" disabled={!edited} aria-describedby={(!edited).then(|| hint.clone())}
                    onclick={props.onedit.reform(move |_: MouseEvent| id)}>{ "Use my edit" }</button>
            </div>
            if !edited {
                <p class="mg-hint" id={hint}>{ "To use your own version, label this text in the article first." }</p>
            }
            if decided {
                <p class="mg-hint mg-gold-now">{ format!("Gold: {}", if now.is_empty() { "nothing".to_string() } else { now.join(", ") }) }</p>
            }
        </li>
    }
}

/// The relations `source`'s annotator drew from `span`, as "label → end".
fn relations_from(article: &Article, source: &Source, span: &Span) -> Vec<String> {
    source
        .relations
        .iter()
        .filter(|r| r.from == span.id)
        .map(|r| {
            let to = match &r.to {
                Target::Span(id) => source.spans.iter().find(|s| s.id == *id).map_or(String::new(), |s| format!("{} “{}”", s.label, clip(article.slice(s.start, s.end)))),
                Target::Text(text) => format!("“{}”", clip(text)),
            };
            format!("{} → {to}", r.label)
        })
        .collect()
}

/// One relation the annotators made differently: who made it, and the choice.
fn relation_view(props: &AdjudicationPanelProps, r: &RelationItem) -> Html {
    let gold = &props.adjudication.gold;
    let article = gold.review().article();
    let id = r.id;
    let status = match (gold.relation_decision(id), gold.has_relation(id)) {
        (_, true) => "In the gold",
        (Some(true), false) => "Accepted, but an end is not in the gold",
        (Some(false), _) => "Rejected",
        (None, false) => "Not decided",
    };
    let made: Vec<String> = r.versions.iter().map(|(a, v)| format!("{a}: {}", if v.is_some() { "made it" } else { "did not" })).collect();
    html! {
        <li class={classes!("mg-relation-review", gold.relation_decision(id).is_some().then_some("mg-decided"))} data-relation={id.to_string()}>
            <p>
                <strong>{ key_text(article, &r.from) }</strong>{ format!(" {} → ", r.label) }<strong>{ end_text(article, &r.to) }</strong>
                { format!(" — {}", kind_text(&r.kind)) }
            </p>
            <p class="mg-hint">{ made.join(" · ") }</p>
            <div class="mg-row">
                <button type="button" class="mg-button" onclick={props.ondecide.reform(move |_: MouseEvent| Decision::AcceptRelation { relation: id })}>{ "Accept relation" }</button>
                <button type="button" class="mg-button" onclick={props.ondecide.reform(move |_: MouseEvent| Decision::RejectRelation { relation: id })}>{ "Reject relation" }</button>
                <span class="mg-hint mg-relation-status">{ status }</span>
            </div>
        </li>
    }
}

thread_local! {
    /// The review (by its address) and how many decisions it had when the
    /// panel last drew it. Kept outside the component: a decision can
    /// redraw the side panel from scratch, and the move must still happen.
    static SEEN: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
}

/// After a decision taken from the panel, the focus goes to the first
/// undecided item's first choice (or to "Save gold version" when none is
/// left): the reviewer's next stop.
#[hook]
fn use_focus_after_decision(section: &str, review: usize, decisions: usize) {
    let section = section.to_string();
    use_effect_with((review, decisions), move |&(review, now)| {
        let (seen_review, before) = SEEN.with(|s| s.replace((review, now)));
        if seen_review != review || before == now {
            return;
        }
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        let Some(panel) = document.get_element_by_id(&section) else { return };
        // Only when the reviewer is working in the panel (not labelling in the text).
        let in_panel = match document.active_element() {
            None => true,
            Some(a) => panel.contains(Some(&a)) || document.body().is_some_and(|b| b.is_same_node(Some(&a))),
        };
        if !in_panel {
            return;
        }
        let next = panel
            .query_selector(".mg-item-review:not(.mg-decided) button:not([disabled])")
            .ok()
            .flatten()
            .or_else(|| panel.query_selector(".mg-primary").ok().flatten());
        if let Some(button) = next.and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = button.focus();
        }
    });
}
