//! A review of several annotators' saves: opening it (reading the saves in
//! any format, aligning them, starting the gold version:
//! `adjudication_view.rs`), deciding on it (the gold's table of operations,
//! `adjudication_view::GoldOps`) and its panel, all in one part fetched
//! when the first review opens. The panel is drawn through a function
//! pointer that part installs, so the first load holds none of its code.

use crate::adjudication_view::{self, Adjudication};
use crate::components::adjudication_panel::AdjudicationPanel;
use crate::state::{Action, AppState};
use marginalia_core::adjudication::{Decision, EditedSpan};
use marginalia_core::label_schema::LabelSchema;
use std::cell::Cell;
use yew::prelude::*;

type State = UseReducerHandle<AppState>;
type Panel = fn(&State, &Callback<()>) -> Html;

thread_local! {
    /// The panel's code, once the review's part has arrived.
    static PANEL: Cell<Option<Panel>> = const { Cell::new(None) };
}

on_demand!(review;
    /// [`adjudication_view::start_review`], with the panel installed.
    pub fn start_review(files: &[(String, String)], schema: &LabelSchema, reviewer: &str, start_from: Option<&str>) -> Result<Adjudication, String> {
        PANEL.with(|p| p.set(Some(panel)));
        adjudication_view::start_review(files, schema, reviewer, start_from)
    }
);

/// An adjudication's differences and decisions, while one is open (its
/// part is there: no review opens without it).
pub fn adjudication_panel(state: &State, save: &Callback<()>) -> Html {
    match (state.mode.adjudication(), PANEL.with(Cell::get)) {
        (Some(_), Some(panel)) => panel(state, save),
        _ => html! {},
    }
}

fn panel(state: &State, save: &Callback<()>) -> Html {
    let Some(adjudication) = state.mode.adjudication() else { return html! {} };
    let d = state.dispatcher();
    let act = |make: fn() -> Action| {
        let d = state.dispatcher();
        Callback::from(move |_: ()| d.dispatch(make()))
    };
    html! {
        <AdjudicationPanel adjudication={adjudication.clone()}
            ondecide={Callback::from(move |decision| d.dispatch(Action::Decide(decision)))}
            onedit={edit_decision(state)}
            onundo={act(|| Action::UndoDecision)}
            onsave={save.clone()}
            onleave={act(|| Action::LeaveAdjudication)} />
    }
}

/// An item edited by hand: the reviewer's spans over its extent become its
/// version.
fn edit_decision(state: &State) -> Callback<usize> {
    let state = state.clone();
    Callback::from(move |item: usize| {
        let Some(adjudication) = state.mode.adjudication() else { return };
        let Some(it) = adjudication.gold.review().items().get(item) else { return };
        let spans = state
            .editor
            .annotations()
            .in_document_order()
            .into_iter()
            .filter(|s| s.layer == it.layer && s.start < it.end && it.start < s.end)
            .map(|s| EditedSpan { start: s.start, end: s.end, label: s.label.clone(), attributes: s.attributes.clone() })
            .collect();
        state.dispatch(Action::Decide(Decision::Edit { item, spans }));
    })
}
