//! The side panel's parts that depend on what is open: the document's
//! status and labels, the selected claim's form, a review's panel, and the
//! open suggestions (an adjudication's panel comes with the review's part:
//! `on_demand::review`). Their callbacks are
//! made with each render, as the panels show and go.

use crate::components::attribute_field::{attribute_field, span_fields};
use crate::components::claim_form::{claim_data, AttributeField, ClaimForm};
use crate::components::document_form::DocumentForm;
use crate::components::review_panel::ReviewPanel;
use crate::components::status_form::StatusForm;
use crate::components::suggestion_panel::SuggestionPanel;
use crate::host::HostRef;
use crate::state::{Action, AppState};
use crate::viewport;
use marginalia_core::document_status::DocumentStatus;
use marginalia_core::label_schema::CLAIM_LAYER;
use yew::prelude::*;

type State = UseReducerHandle<AppState>;

/// A callback that dispatches the action `make` makes.
pub fn act(state: &State, make: fn() -> Action) -> Callback<()> {
    let d = state.dispatcher();
    Callback::from(move |_: ()| d.dispatch(make()))
}

/// The document's status and its document labels.
pub fn document_form(
    state: &State,
    on_status: Callback<Option<DocumentStatus>>,
    on_document_label: Callback<(String, Option<serde_json::Value>)>,
) -> Html {
    let editor = &state.editor;
    let fields: Vec<AttributeField> = editor
        .schema()
        .document_labels
        .iter()
        .map(|def| AttributeField { def: def.clone(), value: editor.annotations().document_labels().get(&def.name).cloned(), default: None, unset_choice: false })
        .collect();
    html! {
        <>
        <StatusForm status={editor.annotations().status().cloned()}
            onchange={on_status} />
        <DocumentForm {fields}
            onchange={on_document_label} />
        </>
    }
}

/// The selected claim's attributes and links, if a claim is selected.
pub fn claim_form(state: &State) -> Html {
    let Some(data) = state.focus.selected().and_then(|id| claim_data(&state.editor, id)) else { return html! {} };
    let id = data.id;
    let d = state.dispatcher();
    html! {
        <ClaimForm
            {data}
            linking={state.focus.linking().map(|(_, l)| l.to_string())}
            onattribute={{ let d = d.clone(); Callback::from(move |(key, value)| d.dispatch(Action::SetAttribute { id, key, value })) }}
            onlink={{ let d = d.clone(); Callback::from(move |(label, to)| d.dispatch(Action::AddRelation { from: id, to, label })) }}
            onunlink={{ let d = d.clone(); Callback::from(move |rid| d.dispatch(Action::RemoveRelation(rid))) }}
            onpick={{ let d = d.clone(); Callback::from(move |label| d.dispatch(Action::StartLinking { label })) }}
            onerror={{ let d = d.clone(); Callback::from(move |text| d.dispatch(Action::error(format!("No link made: {text}.")))) }}
        />
    }
}

/// The selected span's own fields when it is no claim (the claim form has
/// its own): its layer's attributes, which always include a comment.
pub fn span_form(state: &State, host: &HostRef) -> Html {
    let editor = &state.editor;
    let Some(span) = state.focus.selected().and_then(|id| editor.annotations().get(id)).filter(|s| s.layer != CLAIM_LAYER) else {
        return html! {};
    };
    let id = span.id;
    let d = state.dispatcher();
    let on = Callback::from(move |(key, value)| d.dispatch(Action::SetAttribute { id, key, value }));
    let fields = span_fields(editor.schema(), span);
    html! {
        <section class="mg-span-form" aria-label={format!("{} details", span.label)}>
            // Keyed by span: another span's field starts from its own text.
            <div key={id.0.to_string()}>
                { for fields.iter().map(|f| attribute_field(f, &on, &host.id(&format!("span-{}", f.def.name)))) }
            </div>
        </section>
    }
}

/// The re-anchored spans to check, while the review list is open.
pub fn review_panel(state: &State) -> Html {
    let Some(review) = state.mode.review() else { return html! {} };
    let d = state.dispatcher();
    html! {
        <ReviewPanel review={review.clone()}
            onshow={{ let d = d.clone(); Callback::from(move |id| d.dispatch(Action::SelectSpan { id, scroll: true })) }}
            onkeep={{ let d = d.clone(); Callback::from(move |id| d.dispatch(Action::KeepReanchored(id))) }}
            ondelete={Callback::from(move |id| d.dispatch(Action::DeleteReanchored(id)))}
            ondismiss={act(state, || Action::DismissReview)} />
    }
}

/// The open suggestions, if any.
pub fn suggestion_panel(state: &State, host: &HostRef) -> Html {
    if state.suggestions.is_empty() {
        return html! {};
    }
    let d = state.dispatcher();
    html! {
        <SuggestionPanel suggestions={state.suggestions.clone()}
            onaccept={{ let d = d.clone(); Callback::from(move |ids| d.dispatch(Action::AcceptSuggestions(ids))) }}
            onreject={Callback::from(move |ids| d.dispatch(Action::RejectSuggestions(ids)))}
            onaccept_in_view={accept_in_view(state, host)} />
    }
}

/// Accepts the suggestions on the paragraphs on screen, measured at the
/// click.
fn accept_in_view(state: &State, host: &HostRef) -> Callback<()> {
    let (state, host) = (state.clone(), host.clone());
    Callback::from(move |_: ()| {
        let Some((first, last)) = viewport::visible_paragraphs(&host, state.article()) else { return };
        let paragraphs = state.article().paragraphs();
        let (from, to) = (paragraphs[first].start, paragraphs[last.saturating_sub(1).max(first)].end);
        let ids = state.suggestions.iter().enumerate().filter(|(_, s)| s.start < to && from < s.end).map(|(i, _)| i).collect();
        state.dispatch(Action::AcceptSuggestions(ids));
    })
}
