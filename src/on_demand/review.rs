//! A review of several annotators' saves: opening it (reading the saves in
//! any format, aligning them, starting the gold version:
//! `adjudication_view.rs`), deciding on it (the gold's table of operations,
//! `adjudication_view::GoldOps`) and its panel, all in one part fetched
//! when the first review opens. The panel and the article's marks of the
//! disputed items are drawn through function pointers that part installs,
//! so the first load holds none of their code.

use crate::adjudication_view::{self, Adjudication};
use crate::components::adjudication_panel::AdjudicationPanel;
use crate::components::article_overlay::Mark;
use crate::state::{Action, AppState};
use crate::view_model::clip;
use marginalia_core::adjudication::{Decision, EditedSpan};
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::span::{Attributes, Span};
use std::cell::Cell;
use std::rc::Rc;
use yew::prelude::*;

type State = UseReducerHandle<AppState>;
type Panel = fn(&State, &Callback<()>) -> Html;
type Marks = fn(&AppState) -> Vec<Mark>;

thread_local! {
    /// The panel's code, once the review's part has arrived.
    static PANEL: Cell<Option<Panel>> = const { Cell::new(None) };
    /// What the article marks during a review (the same part's code).
    static MARKS: Cell<Option<Marks>> = const { Cell::new(None) };
}

on_demand!(review;
    /// [`adjudication_view::start_review`], with the panel installed.
    pub fn start_review(files: &[(String, String)], schema: &LabelSchema, reviewer: &str, start_from: Option<&str>) -> Result<Adjudication, String> {
        PANEL.with(|p| p.set(Some(panel)));
        MARKS.with(|m| m.set(Some(marks)));
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

/// Each annotator's version of every item still undecided, to mark in the
/// article (nothing outside a review).
pub fn disputed_marks(state: &AppState) -> Rc<Vec<Mark>> {
    match (state.mode.adjudication(), MARKS.with(Cell::get)) {
        (Some(_), Some(marks)) => Rc::new(marks(state)),
        _ => Rc::default(),
    }
}

fn marks(state: &AppState) -> Vec<Mark> {
    let Some(adjudication) = state.mode.adjudication() else { return Vec::new() };
    let gold = &adjudication.gold;
    let article = gold.review().article();
    let mut out = Vec::new();
    for item in gold.review().disagreements().filter(|i| !gold.is_decided(i.id)) {
        for (by, version) in item.versions.iter().enumerate() {
            for s in &version.spans {
                let title = format!("{}: {} “{}”", version.annotator, s.label, clip(article.slice(s.start, s.end)));
                out.push(Mark { start: s.start, end: s.end, by, title });
            }
        }
    }
    out
}

/// What "the same span" means when the reviewer's text is compared with
/// the gold: bounds, label and attributes (borrowed: this runs on every
/// render of the panel).
fn shape(s: &Span) -> (usize, usize, &str, &Attributes) {
    (s.start, s.end, &s.label, &s.attributes)
}

/// The items whose text the reviewer labelled differently from the gold
/// (what "Use my edit" would take).
fn edited_items(state: &AppState, adjudication: &Adjudication) -> Vec<usize> {
    let gold = &adjudication.gold;
    let gold_spans = gold.spans();
    let editor = state.editor.annotations().in_document_order();
    gold.review()
        .disagreements()
        .filter(|item| {
            let over = |s: &&Span| s.layer == item.layer && s.start < item.end && item.start < s.end;
            let mine: Vec<_> = editor.iter().copied().filter(over).map(shape).collect();
            let theirs: Vec<_> = gold_spans.iter().filter(over).map(shape).collect();
            mine != theirs
        })
        .map(|item| item.id)
        .collect()
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
            edited={Rc::new(edited_items(state, adjudication))}
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
