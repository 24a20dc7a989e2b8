//! Messages: errors (announced at once) and information, with an optional
//! action (open a save for another text as its own document).

use crate::host::use_host;
use crate::state::{Notice, NoticeKind};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NoticeBarProps {
    pub notice: Option<Notice>,
    pub onaccept: Callback<()>,
    pub ondismiss: Callback<()>,
}

#[component]
pub fn NoticeBar(props: &NoticeBarProps) -> Html {
    let host = use_host();
    // The live regions stay in the page so screen readers announce changes.
    let Some(n) = &props.notice else {
        return html! { <div id={host.id("notice")} class="mg-notice" role="status" hidden=true></div> };
    };
    let (kind, role) = match n.kind {
        NoticeKind::Error => ("error", "alert"),
        NoticeKind::Warning => ("warning", "status"),
        NoticeKind::Info => ("info", "status"),
    };
    let accept = props.onaccept.reform(|_: MouseEvent| ());
    let dismiss = props.ondismiss.reform(|_: MouseEvent| ());
    html! {
        <div id={host.id("notice")} class={classes!("mg-notice", format!("mg-notice-{kind}"))} {role} data-kind={kind}>
            <span class="mg-notice-text">{ n.text.clone() }</span>
            if n.offer.is_some() {
                <button type="button" class="mg-button" onclick={accept}>{ "Open the save as its own document" }</button>
            }
            <button type="button" class="mg-button mg-dismiss" aria-label="Dismiss message" onclick={dismiss}>{ "×" }</button>
        </div>
    }
}
