//! Bringing a chosen span, a suggestion or the keyboard caret into view
//! each time the reducer asks (`scroll_seq`), focusing a span's or a
//! suggestion's tag.

use super::lifetime::use_keyed;
use crate::host::{Host, HostRef};
use crate::state::{AppState, ScrollTarget};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, ScrollIntoViewOptions, ScrollLogicalPosition};
use yew::prelude::*;

/// Scrolls to `scroll_to` when `scroll_seq` changes.
#[hook]
pub fn use_scrolling(state: &UseReducerHandle<AppState>, host: &HostRef) {
    use_keyed(state, host, state.scroll_seq, |state, host| {
        scroll_into_view(host, state.scroll_to);
        Box::new(())
    });
}

fn scroll_into_view(host: &Host, target: Option<ScrollTarget>) {
    let options = ScrollIntoViewOptions::new();
    let element = match target {
        Some(ScrollTarget::Span(id)) => {
            options.set_block(ScrollLogicalPosition::Center);
            host.find(&format!("tag-{}", id.0))
        }
        Some(ScrollTarget::Suggestion(i)) => {
            options.set_block(ScrollLogicalPosition::Center);
            host.element.query_selector(&format!(".mg-suggestion-tag[data-suggestion=\"{i}\"]")).ok().flatten()
        }
        Some(ScrollTarget::Pending) => {
            options.set_block(ScrollLogicalPosition::Nearest);
            host.element.query_selector(".mg-pending").ok().flatten()
        }
        None => None,
    };
    if let Some(el) = element {
        el.scroll_into_view_with_scroll_into_view_options(&options);
        if matches!(target, Some(ScrollTarget::Span(_) | ScrollTarget::Suggestion(_))) {
            if let Some(h) = el.dyn_ref::<HtmlElement>() {
                let _ = h.focus();
            }
        }
    }
}
