//! One line of status: what is selected, what a key would do, whether the
//! work is kept — in this browser, and in the CMS when a save endpoint is set.

use crate::host::use_host;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StatusBarProps {
    pub spans: usize,
    /// How many of the spans are claims.
    #[prop_or_default]
    pub claims: usize,
    /// Suggestions not yet accepted or rejected.
    #[prop_or_default]
    pub suggestions: usize,
    /// "Done", "Skipped", "Flagged", or none while in progress.
    #[prop_or_default]
    pub status: Option<&'static str>,
    pub selection: Option<AttrValue>,
    pub stored: Result<(), AttrValue>,
    /// The remote save's status line and its kind (`saved`, `offline`…).
    #[prop_or_default]
    pub remote: Option<(AttrValue, &'static str)>,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The document's progress: "5 annotations: 4 entities, 1 claim; 3 suggestions open".
fn progress(spans: usize, claims: usize, suggestions: usize) -> String {
    let mut line = plural(spans, "annotation", "annotations");
    if spans > 0 {
        line.push_str(&format!(": {}, {}", plural(spans - claims, "entity", "entities"), plural(claims, "claim", "claims")));
    }
    if suggestions > 0 {
        line.push_str(&format!("; {} open", plural(suggestions, "suggestion", "suggestions")));
    }
    line
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
            <span class="mg-progress">{ progress(props.spans, props.claims, props.suggestions) }</span>
            if let Some(status) = props.status {
                <span class="mg-doc-status">{ format!("Document: {status}") }</span>
            }
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
