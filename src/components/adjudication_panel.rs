//! The review of several annotators' saves: the agreement figures (the same
//! code as `marginalia agree`), each item where they differ with every
//! annotator's version, and the reviewer's choice — accept a version or
//! reject them all. The gold version is what the article shows meanwhile.

use crate::adjudication_view::Adjudication;
use crate::host::use_host;
use crate::view_model::clip;
use marginalia_core::adjudication::{Decision, Item, ItemKind};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AdjudicationPanelProps {
    pub adjudication: Rc<Adjudication>,
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

#[component]
pub fn AdjudicationPanel(props: &AdjudicationPanelProps) -> Html {
    let host = use_host();
    let gold = &props.adjudication.gold;
    let review = gold.review();
    let article = review.article();
    let agreement = review.agreement();
    let version_text = |item: &Item, annotator: &str| -> String {
        let spans: Vec<String> = item
            .versions
            .iter()
            .find(|v| v.annotator == annotator)
            .map(|v| v.spans.iter().map(|s| format!("{} “{}”", s.label, clip(article.slice(s.start, s.end)))).collect())
            .unwrap_or_default();
        if spans.is_empty() { "nothing".into() } else { spans.join(", ") }
    };
    html! {
        <section class="mg-adjudication" aria-labelledby={host.id("adjudication-title")}>
            <h3 id={host.id("adjudication-title")}>{ format!("Review: {}", review.annotators().join(", ")) }</h3>
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
            <ol class="mg-items">
                { for review.disagreements().map(|item| {
                    let id = item.id;
                    let decided = gold.is_decided(id);
                    let now: Vec<String> = gold.item_spans(id).iter().map(|s| format!("{} “{}”", s.label, clip(article.slice(s.start, s.end)))).collect();
                    html! {
                        <li class={classes!("mg-item-review", decided.then_some("mg-decided"))} data-item={id.to_string()}>
                            <p><strong>{ format!("“{}”", clip(article.slice(item.start, item.end))) }</strong>{ format!(" — {}", kind_text(&item.kind)) }</p>
                            <ul>
                                { for review.annotators().into_iter().map(|a| html! { <li>{ format!("{a}: {}", version_text(item, a)) }</li> }) }
                            </ul>
                            <div class="mg-row">
                                { for review.annotators().into_iter().map(|a| {
                                    let annotator = a.to_string();
                                    let onclick = props.ondecide.reform(move |_: MouseEvent| Decision::Accept { item: id, annotator: annotator.clone() });
                                    html! { <button type="button" class="mg-button" {onclick}>{ format!("Accept {a}'s") }</button> }
                                }) }
                                <button type="button" class="mg-button" onclick={props.ondecide.reform(move |_: MouseEvent| Decision::Reject { item: id })}>{ "Reject" }</button>
                                <button type="button" class="mg-button" title="Label the text over this item as it should be, then take that as the decision"
                                    onclick={props.onedit.reform(move |_: MouseEvent| id)}>{ "Use my edit" }</button>
                            </div>
                            if decided {
                                <p class="mg-hint">{ format!("Gold: {}", if now.is_empty() { "nothing".to_string() } else { now.join(", ") }) }</p>
                            }
                        </li>
                    }
                }) }
            </ol>
            <div class="mg-row">
                <button type="button" class="mg-button" id={host.id("undo-decision")} onclick={props.onundo.reform(|_: MouseEvent| ())} disabled={gold.decisions().is_empty()}>{ "Undo decision" }</button>
                <button type="button" class="mg-button mg-primary" id={host.id("save-gold")} onclick={props.onsave.reform(|_: MouseEvent| ())}>{ "Save gold version" }</button>
                <button type="button" class="mg-button" onclick={props.onleave.reform(|_: MouseEvent| ())}>{ "Leave review" }</button>
            </div>
        </section>
    }
}
