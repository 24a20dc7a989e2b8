//! One line of status: what is selected, what a key would do, whether the
//! work is kept.

use crate::host::use_host;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StatusBarProps {
    pub spans: usize,
    pub selection: Option<AttrValue>,
    pub stored: Result<(), AttrValue>,
}

#[component]
pub fn StatusBar(props: &StatusBarProps) -> Html {
    let host = use_host();
    let stored = match &props.stored {
        Ok(()) => "Saved in this browser".to_string(),
        Err(e) => format!("Not saved in this browser: {e}"),
    };
    html! {
        <footer class="mg-status">
            <span>{ format!("{} annotation{}", props.spans, if props.spans == 1 { "" } else { "s" }) }</span>
            <span id={host.id("selection-status")}>
                { match &props.selection {
                    Some(q) => format!("Selected text: “{q}” — press a label key to label it"),
                    None => "Select text with the mouse, or focus the article and use the arrow keys (Shift extends)".to_string(),
                } }
            </span>
            <span id={host.id("stored")} data-ok={props.stored.is_ok().to_string()}>{ stored }</span>
        </footer>
    }
}
