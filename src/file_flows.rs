//! The toolbar's asynchronous flows — a file to open, a label schema,
//! patterns, saves to review, a model's suggestions, pasted text — as
//! callbacks over the state's handle. Each reads what it needs, then ends
//! in actions (or in `document_session` for a new document); nothing here
//! changes the state another way. A failure is said in a notice that
//! names what stayed unchanged.

use crate::adjudication_view::start_review;
use crate::document_session;
use crate::file_open::{open_bytes, open_pasted, Opened};
use crate::file_read;
use crate::model_suggest::ModelCalls;
use crate::opening::{Announce, Given, Request};
use crate::state::{Action, AppState, Notice, NoticeKind};
use crate::storage;
use marginalia_core::article::{megabytes, Article, MAX_TEXT_BYTES};
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::patterns::PatternSet;
use marginalia_core::suggestion::{from_model_answer, Source, Suggestion};
use std::rc::Rc;
use web_sys::{DragEvent, File};
use yew::prelude::*;

type State = UseReducerHandle<AppState>;

/// An error notice.
pub fn error(text: String) -> Action {
    Action::Notify(Notice { kind: NoticeKind::Error, text, offer: None })
}

/// A file's bytes as UTF-8 text, or why not.
async fn read_text(file: &File) -> Result<String, String> {
    let name = file.name();
    file_read::read_bytes(file).await.and_then(|b| String::from_utf8(b).map_err(|_| format!("“{name}” is not UTF-8 text")))
}

/// A chosen or dropped file: an article (a new document), or a save,
/// annotations or a notice for the one open (`file_open.rs`).
pub fn open_file(state: &State) -> Callback<File> {
    let state = state.clone();
    Callback::from(move |file: File| {
        let state = state.clone();
        let d = state.dispatcher();
        wasm_bindgen_futures::spawn_local(async move {
            let name = file.name();
            match file_read::read_bytes(&file).await {
                Ok(bytes) => match open_bytes(&name, &bytes, state.article(), state.editor.schema()) {
                    Opened::Article(article) => document_session::open(&state, &d, Request::new(article, Given::Nothing, Announce::Opened)),
                    Opened::Act(action) => d.dispatch(action),
                },
                Err(e) => d.dispatch(error(format!("{e}. Your work is unchanged."))),
            }
        });
    })
}

/// A file dropped on the app goes where a chosen one does.
pub fn on_drop(open_file: Callback<File>) -> Callback<DragEvent> {
    Callback::from(move |e: DragEvent| {
        e.prevent_default();
        if let Some(file) = e.data_transfer().and_then(|t| t.files()).and_then(|f| f.get(0)) {
            open_file.emit(file);
        }
    })
}

/// A label schema file: used, and kept in this browser for the next start.
pub fn open_schema(d: &UseReducerDispatcher<AppState>) -> Callback<File> {
    let d = d.clone();
    Callback::from(move |file: File| {
        let d = d.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let name = file.name();
            let parsed = read_text(&file).await.and_then(|json| LabelSchema::from_json(&json).map_err(|e| format!("“{name}”: {e}")));
            match parsed {
                Ok(schema) => {
                    let _ = storage::save_schema(&schema);
                    d.dispatch(Action::SetSchema(schema));
                }
                Err(e) => d.dispatch(error(format!("{e}. The labels are unchanged."))),
            }
        });
    })
}

/// A patterns file: its matches on this article become suggestions.
pub fn open_patterns(state: &State) -> Callback<File> {
    let state = state.clone();
    Callback::from(move |file: File| {
        let state = state.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let name = file.name();
            let d = state.dispatcher();
            let text = match read_text(&file).await {
                Ok(t) => t,
                Err(e) => return d.dispatch(error(format!("{e}. Nothing was suggested."))),
            };
            match PatternSet::from_jsonl(&text) {
                Ok(patterns) => {
                    let (items, left_out) = pattern_suggestions(&patterns, state.article(), state.editor.schema());
                    d.dispatch(Action::Suggest { source: Source::Pattern, items });
                    // After the suggestions, so this message stays on screen.
                    if !left_out.is_empty() {
                        d.dispatch(error(format!("“{name}”: {}.", left_out.join("; "))));
                    }
                }
                Err(e) => d.dispatch(error(format!("“{name}” was not used: {e}. Nothing was suggested."))),
            }
        });
    })
}

/// The patterns' matches with a label of `schema` as suggestions, and what
/// was left out: capped in the core (a file that matches too much suggests
/// its first matches and says what it left out), and labels the schema
/// does not have.
fn pattern_suggestions(patterns: &PatternSet, article: &Article, schema: &LabelSchema) -> (Vec<Suggestion>, Vec<String>) {
    let found = patterns.all_matches(article);
    let mut left_out = found.notices(patterns);
    let (known, unknown): (Vec<_>, Vec<_>) = found.matches.into_iter().partition(|m| schema.label(&m.label).is_some());
    let items = known
        .into_iter()
        .map(|m| Suggestion { start: m.start, end: m.end, label: m.label, source: Source::Pattern, score: None })
        .collect();
    if !unknown.is_empty() {
        let mut labels: Vec<_> = unknown.iter().map(|m| m.label.clone()).collect();
        labels.dedup();
        left_out.push(format!(
            "{} match(es) with labels this schema does not have ({}) were left out",
            unknown.len(),
            labels.join(", ")
        ));
    }
    (items, left_out)
}

/// A model's suggestions scoring at least the minimum given, from the
/// configured endpoint (`endpoint`; nothing happens without one).
pub fn ask_model(state: &State, endpoint: Option<String>, limit_ms: u32, calls: ModelCalls) -> Callback<f64> {
    let state = state.clone();
    Callback::from(move |min_score: f64| {
        let (state, endpoint, calls) = (state.clone(), endpoint.clone(), calls.clone());
        let Some(url) = endpoint else { return };
        wasm_bindgen_futures::spawn_local(async move {
            let d = state.dispatcher();
            let article = state.article().clone();
            let Some(answer) = calls.ask(&url, article.text(), &article.id, limit_ms).await else { return };
            match answer.and_then(|json| from_model_answer(&json, article.len_chars(), min_score)) {
                // The article may have changed while the model thought.
                Ok(_) if state.article().sha256() != article.sha256() => {}
                Ok(items) => d.dispatch(Action::Suggest { source: Source::Model, items }),
                Err(e) => d.dispatch(error(format!("No model suggestions: {e}."))),
            }
        });
    })
}

/// Several annotators' saves of one text: a review, building a gold
/// version (the current work written through first).
pub fn open_review(state: &State) -> Callback<Vec<File>> {
    let state = state.clone();
    Callback::from(move |files: Vec<File>| {
        let state = state.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let d = state.dispatcher();
            let mut read = Vec::new();
            for file in files {
                match read_text(&file).await {
                    Ok(text) => read.push((file.name(), text)),
                    Err(e) => return d.dispatch(error(format!("{e}. No review was started; your work is unchanged."))),
                }
            }
            let reviewer = state.save_info.annotator.clone().unwrap_or_else(|| "reviewer".into());
            document_session::persist_before_switch(&state, &d);
            match start_review(&read, state.editor.schema(), &reviewer, None) {
                Ok(adjudication) => d.dispatch(Action::StartAdjudication(Rc::new(adjudication))),
                Err(e) => d.dispatch(error(format!("No review was started: {e}. Your work is unchanged."))),
            }
        });
    })
}

/// Pasted text: an article (the dialog closes), or a save for the open one
/// (`file_open.rs`); a text over the size limit is refused.
pub fn open_paste(state: &State, paste_open: &UseStateHandle<bool>) -> Callback<String> {
    let (state, paste_open) = (state.clone(), paste_open.clone());
    Callback::from(move |text: String| {
        let d = state.dispatcher();
        if text.len() > MAX_TEXT_BYTES {
            d.dispatch(error(format!(
                "The pasted text was not opened: it is too large ({}); Marginalia opens texts up to {}. Your work is unchanged.",
                megabytes(text.len()),
                megabytes(MAX_TEXT_BYTES)
            )));
            return;
        }
        match open_pasted(text) {
            Opened::Article(article) => {
                paste_open.set(false);
                document_session::open(&state, &d, Request::new(article, Given::Nothing, Announce::Opened));
            }
            Opened::Act(action) => d.dispatch(action),
        }
    })
}

/// The notice's offer accepted: the save it offers opens (`opening.rs`'s
/// chosen save).
pub fn accept_offer(state: &State) -> Callback<()> {
    let state = state.clone();
    Callback::from(move |_: ()| {
        if let Some(loaded) = state.notice.as_ref().and_then(|n| n.offer.clone()) {
            document_session::open(&state, &state.dispatcher(), document_session::chosen_save(&loaded));
        }
    })
}
