//! The side panel: every annotation grouped by label, with counts, and the
//! selected span's details. Clicking an item selects it and scrolls to it.

use std::collections::BTreeSet;
use crate::components::label_items::LabelItems;
use crate::style_classes;
use crate::host::use_host;
use crate::view_model::clip;
use marginalia_core::editor::Editor;
use marginalia_core::span::{Span, SpanId};
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
    pub items: Rc<Vec<(SpanId, String)>>,
}

/// Groups in schema order, each in document order; empty labels left out.
/// One pass over the spans, however many labels there are; only the
/// listed spans' text is copied. Without `with_items`, only the counts
/// (and no sorting).
pub fn label_groups(editor: &Editor, show_all: &BTreeSet<String>, with_items: bool) -> Vec<LabelGroup> {
    let schema = editor.schema();
    let mut groups: Vec<LabelGroup> = schema
        .labels
        .iter()
        .map(|l| LabelGroup { label: l.name.clone(), color: l.color.clone(), total: 0, items: Rc::default() })
        .collect();
    let limit = |label: &str| match (with_items, show_all.contains(label)) {
        (false, _) => 0,
        (true, true) => usize::MAX,
        (true, false) => SHOWN_PER_LABEL,
    };
    let limits: Vec<usize> = groups.iter().map(|g| limit(&g.label)).collect();
    let annotations = editor.annotations();
    let spans: Vec<&Span> = if with_items { annotations.in_document_order() } else { annotations.iter().collect() };
    for s in spans {
        if let Some(i) = schema.labels.iter().position(|l| l.name == s.label) {
            let group = &mut groups[i];
            group.total += 1;
            if group.items.len() < limits[i] {
                Rc::make_mut(&mut group.items).push((s.id, editor.article().slice(s.start, s.end).to_string()));
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
    /// Whether the groups list their items yet (see `App`: an article's
    /// own spans are drawn first, the lists in the next idle moment).
    #[prop_or(true)]
    pub listed: bool,
    pub total: usize,
    pub selected: Option<(SpanId, String, String)>,
    pub onselect: Callback<SpanId>,
    pub ondelete: Callback<()>,
    /// Lets the selected span go (on a phone: closes the sheet).
    #[prop_or_default]
    pub onclose: Callback<()>,
    /// The document's labels, under the title.
    #[prop_or_default]
    pub document: Html,
    /// The selected claim's attributes and links, under its details.
    #[prop_or_default]
    pub claim: Html,
    /// The guidelines panel (`?`) while it is open, at the panel's top.
    pub guidelines: Html,
    /// Re-anchored spans to review, at the top.
    #[prop_or_default]
    pub review: Html,
    /// Who claims what (and the relations drawn over the article), under
    /// the selected span.
    #[prop_or_default]
    pub relations: Html,
    /// The annotations' revision: Yew compares the `Html` props above by
    /// component type only, so a change they show (a link made) must
    /// redraw the panel through this.
    #[prop_or_default]
    pub revision: u64,
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

/// Items listed per label before "Show all": thousands of list items would
/// make every change re-render the panel, and nobody reads past a screenful.
pub const SHOWN_PER_LABEL: usize = 30;

#[component]
pub fn SidePanel(props: &SidePanelProps) -> Html {
    let host = use_host();
    let delete = props.ondelete.reform(|_: MouseEvent| ());
    let selected = props.selected.as_ref().map(|(id, _, _)| *id);
    use_clear_of_the_sheet(&host, selected);
    html! {
        <aside id={host.id("panel")} class="mg-panel" aria-labelledby={host.id("panel-title")}>
            { props.guidelines.clone() }
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
                        // Shown where the panel is a sheet over the text (a phone).
                        <button type="button" id={host.id("close-sheet")} class="mg-button mg-sheet-close"
                            onclick={props.onclose.reform(|_: MouseEvent| ())}>{ "Done" }</button>
                    </div>
                </div>
                { props.claim.clone() }
            }
            { props.relations.clone() }
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
                                // The button says what it will do (and its name
                                // holds the visible word).
                                let action = if shown { "Hide" } else { "Show" };
                                html! {
                                    <button type="button" class="mg-button mg-visibility" data-shown={shown.to_string()}
                                        aria-label={format!("{action} {} in the article", g.label)} {onclick}>
                                        { action }
                                    </button>
                                }
                            } }
                        </h3>
                        if props.listed {
                            <LabelItems items={g.items.clone()} onselect={props.onselect.clone()}
                                current={selected.filter(|id| g.items.iter().any(|(i, _)| i == id))} />
                        }
                        if props.listed && shown < n {
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

/// On a phone the panel is a sheet over the lower half of the text: the
/// span just selected is brought above it (its tag's `scroll-margin-bottom`
/// is the sheet's height there), so the annotator sees what the form is about.
#[hook]
fn use_clear_of_the_sheet(host: &crate::host::HostRef, selected: Option<SpanId>) {
    let host = host.clone();
    use_effect_with(selected, move |selected| {
        let phone = web_sys::window().and_then(|w| w.inner_width().ok()).and_then(|w| w.as_f64()).is_some_and(|w| w <= 640.0);
        if let (true, Some(id)) = (phone, selected) {
            if let Some(tag) = host.find(&format!("tag-{}", id.0)) {
                let options = web_sys::ScrollIntoViewOptions::new();
                options.set_block(web_sys::ScrollLogicalPosition::Nearest);
                tag.scroll_into_view_with_scroll_into_view_options(&options);
            }
        }
    });
}
