//! The chooser that opens where several spans overlap under a click: one
//! button per span, outermost first.

use crate::host::use_host;
use crate::state::Chooser;
use crate::view_model::clip;
use marginalia_core::editor::Editor;
use marginalia_core::span::SpanId;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ChooserProps {
    pub chooser: Chooser,
    /// (id, label, quote) of each span offered.
    pub items: Vec<(SpanId, String, String)>,
    pub onchoose: Callback<SpanId>,
    pub onclose: Callback<()>,
}

/// The items a chooser lists, from the editor.
pub fn chooser_items(editor: &Editor, chooser: &Chooser) -> Vec<(SpanId, String, String)> {
    chooser
        .spans
        .iter()
        .filter_map(|id| editor.annotations().get(*id))
        .map(|s| (s.id, s.label.clone(), editor.article().slice(s.start, s.end).to_string()))
        .collect()
}

#[component]
pub fn ChooserMenu(props: &ChooserProps) -> Html {
    let host = use_host();
    // Placed through the style object, not a style attribute, which a
    // strict Content-Security-Policy blocks.
    let menu = use_node_ref();
    {
        let (menu, x, y) = (menu.clone(), props.chooser.x, props.chooser.y);
        use_effect_with((x, y), move |_| {
            if let Some(el) = menu.cast::<web_sys::HtmlElement>() {
                let _ = el.style().set_property("left", &format!("{x}px"));
                let _ = el.style().set_property("top", &format!("{y}px"));
            }
        });
    }
    let close = props.onclose.reform(|_: MouseEvent| ());
    html! {
        <div ref={menu} id={host.id("chooser")} class="mg-chooser" role="group" aria-label="Choose one of the overlapping annotations">
            { for props.items.iter().map(|(id, label, quote)| {
                let id = *id;
                let onclick = props.onchoose.reform(move |_: MouseEvent| id);
                html! {
                    <button type="button" data-span={id.0.to_string()} {onclick} autofocus=true>
                        <strong>{ label.clone() }</strong>{ format!(" {}", clip(quote)) }
                    </button>
                }
            }) }
            <button type="button" class="mg-chooser-close" onclick={close}>{ "Cancel" }</button>
        </div>
    }
}
