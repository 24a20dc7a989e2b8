//! One line of status: what is selected, what a key would do, whether the
//! work is kept — in this browser, and in the CMS when a save endpoint is set.

use crate::host::use_host;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StatusBarProps {
    pub spans: usize,
    pub selection: Option<AttrValue>,
    pub stored: Result<(), AttrValue>,
    /// The remote save's status line and its kind (`saved`, `offline`…).
    #[prop_or_default]
    pub remote: Option<(AttrValue, &'static str)>,
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
            // Always in the page, so screen readers announce each change.
            <span id={host.id("remote")} aria-live="polite" data-state={props.remote.as_ref().map(|r| r.1)} hidden={props.remote.is_none()}>
                { props.remote.as_ref().map(|r| format!("CMS: {}", r.0)) }
            </span>
        </footer>
    }
}
