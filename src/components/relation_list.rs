//! "Who claims what": every claim (and any other span that relations
//! leave from) in document order, with what it links to — who made it,
//! what it is about — each a button that brings that span into view; and
//! the switch that draws every relation over the article, not only the
//! selected span's.

use crate::host::use_host;
use crate::view_model::clip;
use marginalia_core::editor::Editor;
use marginalia_core::label_schema::CLAIM_LAYER;
use marginalia_core::relation::{Relation, Target};
use std::collections::BTreeMap;
use marginalia_core::span::SpanId;
use std::rc::Rc;
use yew::prelude::*;

/// One span and where its relations go.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkedSpan {
    pub id: SpanId,
    pub label: String,
    /// Code points, end exclusive.
    pub start: usize,
    pub end: usize,
    pub quote: String,
    pub links: Vec<LinkEntry>,
}

/// One relation from a listed span: its title, and its target's text
/// (with the span, unless the target is free text).
#[derive(Debug, Clone, PartialEq)]
pub struct LinkEntry {
    pub relation: String,
    pub target: String,
    /// The target span and its offsets.
    pub span: Option<(SpanId, usize, usize)>,
}

/// Claims, and every other span some relation starts from, in document
/// order, each with its relations in the schema's order of relations.
pub fn linked_spans(editor: &Editor) -> Vec<LinkedSpan> {
    let annotations = editor.annotations();
    let schema = editor.schema();
    let title_of = |name: &str| {
        schema.relations.iter().find(|r| r.name == name).map_or(name.to_string(), |r| {
            if r.title.is_empty() { r.name.clone() } else { r.title.clone() }
        })
    };
    let rank = |name: &str| schema.relations.iter().position(|r| r.name == name).unwrap_or(usize::MAX);
    // Each span's relations, in one pass over them.
    let mut from: BTreeMap<SpanId, Vec<&Relation>> = BTreeMap::new();
    for r in annotations.relations() {
        from.entry(r.from).or_default().push(r);
    }
    let mut out = Vec::new();
    for span in annotations.in_document_order() {
        let mut relations = from.remove(&span.id).unwrap_or_default();
        if relations.is_empty() && span.layer != CLAIM_LAYER {
            continue;
        }
        marginalia_core::sorting::sort_by(&mut relations, |a, b| (rank(&a.label), a.id).cmp(&(rank(&b.label), b.id)));
        let links = relations
            .into_iter()
            .map(|r| match &r.to {
                Target::Span(to) => {
                    let target = annotations.get(*to);
                    LinkEntry {
                        relation: title_of(&r.label),
                        target: target.map_or(String::new(), |t| editor.article().slice(t.start, t.end).to_string()),
                        span: target.map(|t| (t.id, t.start, t.end)),
                    }
                }
                Target::Text(text) => LinkEntry { relation: title_of(&r.label), target: text.clone(), span: None },
            })
            .collect();
        out.push(LinkedSpan { id: span.id, label: span.label.clone(), start: span.start, end: span.end, quote: editor.article().slice(span.start, span.end).to_string(), links });
    }
    out
}

#[derive(Properties, PartialEq)]
pub struct RelationListProps {
    pub spans: Rc<Vec<LinkedSpan>>,
    /// Whether every relation is drawn over the article.
    pub all_drawn: bool,
    pub ondraw: Callback<bool>,
    pub onselect: Callback<SpanId>,
}

#[component]
pub fn RelationList(props: &RelationListProps) -> Html {
    let host = use_host();
    if props.spans.is_empty() {
        return html! {};
    }
    let all = props.all_drawn;
    let title = host.id("relations-title");
    html! {
        <section class="mg-relations" aria-labelledby={title.clone()}>
            <h3 id={title}>{ "Who claims what" }<span class="mg-count">{ props.spans.len() }</span></h3>
            <button type="button" class="mg-button" id={host.id("draw-relations")} aria-pressed={all.to_string()}
                onclick={props.ondraw.reform(move |_: MouseEvent| !all)}>{ "Draw all relations" }</button>
            <ul>
                { for props.spans.iter().map(|s| {
                    let id = s.id;
                    html! {
                        <li data-span={id.0.to_string()}>
                            <button type="button" class="mg-item" onclick={props.onselect.reform(move |_: MouseEvent| id)}
                                aria-label={format!("{} “{}”", s.label, clip(&s.quote))}>
                                <strong>{ s.label.clone() }</strong>{ format!(" “{}”", clip(&s.quote)) }
                            </button>
                            if s.links.is_empty() {
                                <p class="mg-hint">{ "Not linked yet" }</p>
                            } else {
                                <ul class="mg-links">
                                    { for s.links.iter().map(|l| link(l, &props.onselect)) }
                                </ul>
                            }
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

fn link(l: &LinkEntry, onselect: &Callback<SpanId>) -> Html {
    let text = format!("{}: {}", l.relation, clip(&l.target));
    match l.span {
        Some((id, _, _)) => html! {
            <li><button type="button" class="mg-item mg-link-target" onclick={onselect.reform(move |_: MouseEvent| id)}>{ text }</button></li>
        },
        None => html! { <li class="mg-link-target">{ text }</li> },
    }
}
