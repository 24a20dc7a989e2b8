//! One label's items in the side panel: a button per listed span, keyed by
//! the span, so that an edit touches only the items it changes (a new span
//! near the top inserts one item; moving the selection re-marks two) and a
//! label whose items did not change is not redrawn at all.

use crate::view_model::clip;
use marginalia_core::span::SpanId;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LabelItemsProps {
    /// The listed spans, in document order, with their text.
    pub items: Rc<Vec<(SpanId, String)>>,
    /// The selected span, when it is one of `items` (otherwise `None`, so
    /// that selecting elsewhere leaves this list alone).
    pub current: Option<SpanId>,
    pub onselect: Callback<SpanId>,
}

#[component]
pub fn LabelItems(props: &LabelItemsProps) -> Html {
    html! {
        <ul>
            { for props.items.iter().map(|(id, quote)| {
                let id = *id;
                html! {
                    <li key={id.0}>
                        <button type="button" class="mg-item" data-span={id.0.to_string()}
                            aria-current={(props.current == Some(id)).then_some("true")}
                            onclick={props.onselect.reform(move |_: MouseEvent| id)}>
                            { clip(quote) }
                        </button>
                    </li>
                }
            }) }
        </ul>
    }
}
