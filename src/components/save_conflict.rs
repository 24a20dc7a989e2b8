//! A conflict with the CMS: someone else saved the document since our last
//! save. Nothing more is sent until the user picks one of two choices.

use crate::host::use_host;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SaveConflictProps {
    /// Our changes the CMS has not got.
    pub pending: u64,
    pub onkeepmine: Callback<()>,
    pub onloadtheirs: Callback<()>,
}

#[component]
pub fn SaveConflict(props: &SaveConflictProps) -> Html {
    let host = use_host();
    let n = props.pending;
    let changes = format!("{n} change{}", if n == 1 { "" } else { "s" });
    html! {
        <div id={host.id("conflict")} class="mg-notice mg-notice-error" role="alert">
            <span class="mg-notice-text">
                { format!("Conflict: someone else saved this document in the CMS since your last save; your {changes} are not saved there (they are kept in this browser).") }
            </span>
            <button type="button" id={host.id("load-theirs")} class="mg-button" onclick={props.onloadtheirs.reform(|_: MouseEvent| ())}>
                { "Load theirs (download mine first)" }
            </button>
            <button type="button" id={host.id("keep-mine")} class="mg-button" onclick={props.onkeepmine.reform(|_: MouseEvent| ())}>
                { "Keep mine (overwrite theirs)" }
            </button>
        </div>
    }
}
