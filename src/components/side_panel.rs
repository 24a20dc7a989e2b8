//! The side panel: every annotation grouped by label, with counts, and the
//! selected span's details. Clicking an item selects it and scrolls to it.

use std::collections::BTreeSet;
use crate::style_classes;
use crate::host::use_host;
use crate::markup::escape_text;
use crate::view_model::clip;
use std::fmt::Write;
use web_sys::Element;
use marginalia_core::editor::Editor;
use marginalia_core::span::SpanId;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelGroup {
    pub label: String,
    pub color: String,
    /// How many spans have the label.
    pub total: usize,
    /// The ones listed, in document order, with their text: the first
    /// [`SHOWN_PER_LABEL`], or all once the annotator asked for all.
    pub items: Vec<(SpanId, String)>,
}

/// Groups in schema order, each in document order; empty labels left out.
/// One pass over the spans, however many labels there are; only the
/// listed spans' text is copied.
pub fn label_groups(editor: &Editor, show_all: &BTreeSet<String>) -> Vec<LabelGroup> {
    let schema = editor.schema();
    let mut groups: Vec<LabelGroup> = schema
        .labels
        .iter()
        .map(|l| LabelGroup { label: l.name.clone(), color: l.color.clone(), total: 0, items: Vec::new() })
        .collect();
    let limits: Vec<usize> =
        groups.iter().map(|g| if show_all.contains(&g.label) { usize::MAX } else { SHOWN_PER_LABEL }).collect();
    for s in editor.annotations().in_document_order() {
        if let Some(i) = schema.labels.iter().position(|l| l.name == s.label) {
            let group = &mut groups[i];
            group.total += 1;
            if group.items.len() < limits[i] {
                group.items.push((s.id, editor.article().slice(s.start, s.end).to_string()));
            }
        }
    }
    groups.retain(|g| g.total > 0);
    groups
}

#[derive(Properties, PartialEq)]
pub struct SidePanelProps {
    /// Shared and compared by pointer: rebuilt only when the annotations change.
    pub groups: Rc<Vec<LabelGroup>>,
    pub total: usize,
    pub selected: Option<(SpanId, String, String)>,
    pub onselect: Callback<SpanId>,
    pub ondelete: Callback<()>,
    /// The document's labels, under the title.
    #[prop_or_default]
    pub document: Html,
    /// The selected claim's attributes and links, under its details.
    #[prop_or_default]
    pub claim: Html,
    /// Re-anchored spans to review, at the top.
    #[prop_or_default]
    pub review: Html,
    /// Open suggestions, under the review.
    #[prop_or_default]
    pub suggestions: Html,
    /// Offers the selected span's label on the other occurrences of its text.
    #[prop_or_default]
    pub onpropagate: Callback<()>,
    /// Labels not drawn in the article, and each layer's labels (for the
    /// filter toggles).
    #[prop_or_default]
    pub hidden: Rc<BTreeSet<String>>,
    #[prop_or_default]
    pub layers: Rc<Vec<(String, Vec<String>)>>,
    #[prop_or_default]
    pub onvisible: Callback<(Vec<String>, bool)>,
    /// Asks for all of a label's items to be listed.
    #[prop_or_default]
    pub onshowall: Callback<String>,
}

/// "Entities", "Claims", or the layer's own name.
fn layer_title(layer: &str) -> String {
    match layer {
        "entity" => "Entities".into(),
        "claim" => "Claims".into(),
        other => other.to_string(),
    }
}

/// A label's items as markup, parsed by the browser in one go: a list of
/// hundreds of buttons built node by node was the costliest part of opening
/// a document with many spans. Clicks reach the list's one listener; Enter
/// and Space on a focused item click it, as on any button.
fn items_markup(items: &[(SpanId, String)], selected: Option<SpanId>) -> String {
    let mut html = String::with_capacity(items.iter().map(|(_, q)| q.len() + 90).sum());
    for (id, quote) in items {
        let current = if selected == Some(*id) { r#" aria-current="true""# } else { "" };
        let _ = write!(html, r#"<li><button type="button" class="mg-item" data-span="{}"{current}>"#, id.0);
        escape_text(&clip(quote), &mut html);
        html.push_str("</button></li>");
    }
    html
}

/// Items listed per label before "Show all": thousands of list items would
/// make every change re-render the panel, and nobody reads past a screenful.
pub const SHOWN_PER_LABEL: usize = 30;

#[component]
pub fn SidePanel(props: &SidePanelProps) -> Html {
    let host = use_host();
    let delete = props.ondelete.reform(|_: MouseEvent| ());
    let selected = props.selected.as_ref().map(|(id, _, _)| *id);
    // One listener per list: the items are markup (see `items_markup`).
    let on_item = {
        let onselect = props.onselect.clone();
        Callback::from(move |e: MouseEvent| {
            let item = e.target_dyn_into::<Element>().and_then(|t| t.closest("button.mg-item[data-span]").ok().flatten());
            if let Some(id) = item.and_then(|b| b.get_attribute("data-span")).and_then(|n| n.parse().ok()) {
                onselect.emit(SpanId(id));
            }
        })
    };
    html! {
        <aside id={host.id("panel")} class="mg-panel" aria-labelledby={host.id("panel-title")}>
            <h2 id={host.id("panel-title")}>{ format!("Annotations ({})", props.total) }</h2>
            { props.review.clone() }
            { props.suggestions.clone() }
            { props.document.clone() }
            if let Some((_, label, quote)) = &props.selected {
                <div class="mg-selected-detail" aria-live="polite">
                    <p>{ "Selected: " }<strong>{ label.clone() }</strong>{ format!(" “{}”", clip(quote)) }</p>
                    <p class="mg-hint">{ "Press a label key to change its label, Delete to remove it." }</p>
                    <div class="mg-row">
                        <button type="button" id={host.id("delete")} class="mg-button" onclick={delete}>{ "Delete annotation" }</button>
                        <button type="button" id={host.id("propagate")} class="mg-button" aria-keyshortcuts="A"
                            onclick={props.onpropagate.reform(|_: MouseEvent| ())}>{ "Suggest everywhere (A)" }</button>
                    </div>
                </div>
                { props.claim.clone() }
            }
            if props.layers.len() > 1 {
                <div class="mg-row mg-filter" role="group" aria-label="Show in the article">
                    { for props.layers.iter().map(|(layer, labels)| {
                        let shown = labels.iter().any(|l| !props.hidden.contains(l));
                        let labels = labels.clone();
                        let onclick = props.onvisible.reform(move |_: MouseEvent| (labels.clone(), !shown));
                        html! {
                            <button type="button" class="mg-button" aria-pressed={shown.to_string()} data-layer={layer.clone()} {onclick}>
                                { layer_title(layer) }
                            </button>
                        }
                    }) }
                </div>
            }
            if props.groups.is_empty() {
                <p class="mg-hint">{ "No annotations yet. Select text, then press a label's key or click the label." }</p>
            }
            { for props.groups.iter().map(|g| {
                let n = g.total;
                let shown = g.items.len();
                let show_all = {
                    let label = g.label.clone();
                    props.onshowall.reform(move |_: MouseEvent| label.clone())
                };
                html! {
                    <section class="mg-group" data-label={g.label.clone()} aria-label={format!("{}: {n}", g.label)}>
                        <h3>
                            <span class={classes!("mg-swatch", style_classes::class_for(&format!("background-color:{}", g.color)))} aria-hidden="true"></span>
                            { g.label.clone() }
                            <span class="mg-count">{ n }</span>
                            { {
                                let shown = !props.hidden.contains(&g.label);
                                let label = g.label.clone();
                                let onclick = props.onvisible.reform(move |_: MouseEvent| (vec![label.clone()], !shown));
                                html! {
                                    <button type="button" class="mg-button mg-visibility" aria-pressed={shown.to_string()}
                                        aria-label={format!("Show {} in the article", g.label)} {onclick}>
                                        // The state is aria-pressed; the visible word stays in the name.
                                        { "Show" }
                                    </button>
                                }
                            } }
                        </h3>
                        <ul onclick={on_item.clone()}>
                            { Html::from_html_unchecked(AttrValue::from(items_markup(&g.items, selected))) }
                        </ul>
                        if shown < n {
                            <button type="button" class="mg-button mg-show-all" onclick={show_all}>
                                { format!("Show all {n} {}", g.label) }
                            </button>
                        }
                    </section>
                }
            }) }
        </aside>
    }
}
