//! Where the annotator leaves the document: done, skipped or flagged, with
//! a note (saved with the annotations, one undo step each).

use crate::host::use_host;
use marginalia_core::document_status::{DocumentStatus, StatusState};
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StatusFormProps {
    pub status: Option<DocumentStatus>,
    pub onchange: Callback<Option<DocumentStatus>>,
}

#[component]
pub fn StatusForm(props: &StatusFormProps) -> Html {
    let host = use_host();
    let note = props.status.as_ref().map(|s| s.note.clone()).unwrap_or_default();
    let note_key = format!("status-note\u{1f}{note}");
    let onstate = {
        let (on, note) = (props.onchange.clone(), note.clone());
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let state = StatusState::from_name(&select.value());
            on.emit(state.map(|state| DocumentStatus { state, note: note.clone() }));
        })
    };
    let onnote = {
        let (on, status) = (props.onchange.clone(), props.status.clone());
        Callback::from(move |e: Event| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            // A note needs a state to belong to: "flagged" by default.
            let state = status.as_ref().map_or(StatusState::Flagged, |s| s.state);
            let note = area.value().trim().to_string();
            on.emit(Some(DocumentStatus { state, note }));
        })
    };
    let current = props.status.as_ref().map(|s| s.state);
    html! {
        <div class="mg-status-form">
            <div class="mg-field">
                <label for={host.id("doc-status")}>{ "Document status" }</label>
                <select id={host.id("doc-status")} onchange={onstate}>
                    <option value="" selected={current.is_none()}>{ "In progress" }</option>
                    { for StatusState::ALL.iter().map(|s| html! {
                        <option value={s.name()} selected={current == Some(*s)}>{ s.title() }</option>
                    }) }
                </select>
            </div>
            <div class="mg-field">
                <label for={host.id("doc-status-note")}>{ "Status note" }</label>
                // A default, not a `value`: see `claim_form::attribute_field`.
                <textarea key={note_key} id={host.id("doc-status-note")} rows="2" defaultvalue={note} onchange={onnote} />
            </div>
        </div>
    }
}
