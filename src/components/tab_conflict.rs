//! A conflict with another tab (or window) of this browser on the same
//! document: both changed the same thing differently. Nothing is written
//! over the other tab's work until the annotator picks one of two choices;
//! every change that did not conflict is merged either way.

use crate::host::use_host;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TabConflictProps {
    /// What differs, one line each ("“Mali”: ORG here, PERSON in the other tab").
    pub conflicts: Vec<AttrValue>,
    pub onkeepmine: Callback<()>,
    pub ontaketheirs: Callback<()>,
}

#[component]
pub fn TabConflict(props: &TabConflictProps) -> Html {
    let host = use_host();
    let n = props.conflicts.len();
    let things = if n == 1 { "1 thing".to_string() } else { format!("{n} things") };
    html! {
        <div id={host.id("tab-conflict")} class="mg-notice mg-notice-error" role="alert">
            <div class="mg-notice-text">
                { format!("Conflict: another tab or window changed {things} on this document differently; nothing is saved here until you choose. Everything else from both is merged.") }
                <ul class="mg-conflict-list">
                    { for props.conflicts.iter().map(|c| html! { <li>{ c.clone() }</li> }) }
                </ul>
            </div>
            <button type="button" id={host.id("tab-take-theirs")} class="mg-button" onclick={props.ontaketheirs.reform(|_: MouseEvent| ())}>
                { "Take the other tab's (download mine first)" }
            </button>
            <button type="button" id={host.id("tab-keep-mine")} class="mg-button" onclick={props.onkeepmine.reform(|_: MouseEvent| ())}>
                { "Keep mine" }
            </button>
        </div>
    }
}
