//! Find in the article: type, Enter finds the next occurrence (Shift+Enter
//! the previous), which becomes the selection, and moves the focus to
//! "Find next" — where a label's key labels the match and Enter finds the
//! next one.

use crate::host::use_host;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FindBoxProps {
    /// (query, forward)
    pub onfind: Callback<(String, bool)>,
}

#[component]
pub fn FindBox(props: &FindBoxProps) -> Html {
    let host = use_host();
    let input = use_node_ref();
    let button = use_node_ref();
    let onkeydown = {
        let (on, input, button) = (props.onfind.clone(), input.clone(), button.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                if let Some(i) = input.cast::<HtmlInputElement>() {
                    on.emit((i.value(), !e.shift_key()));
                }
                if let Some(b) = button.cast::<web_sys::HtmlElement>() {
                    let _ = b.focus();
                }
            }
        })
    };
    let next = {
        let (on, input) = (props.onfind.clone(), input.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(i) = input.cast::<HtmlInputElement>() {
                on.emit((i.value(), true));
            }
        })
    };
    html! {
        <span class="mg-export" role="search">
            <label for={host.id("find")} class="mg-visually-hidden">{ "Find in the article" }</label>
            <input ref={input} id={host.id("find")} class="mg-select mg-find" type="search" placeholder="Find…" {onkeydown} />
            <button ref={button} type="button" class="mg-button" id={host.id("find-next")} onclick={next}>{ "Find next" }</button>
        </span>
    }
}
