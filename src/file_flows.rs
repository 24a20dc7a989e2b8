//! The toolbar's asynchronous flows — a file to open, a label schema,
//! patterns, saves to review, a model's suggestions, pasted text, an
//! export — as functions of the page's [`FlowContext`]. Each reads what it
//! needs, then ends in actions (or in `document_session` for a new
//! document); nothing here changes the state another way. A failure is
//! said in a notice that names what stayed unchanged.
//!
//! They are a part (`flows`), fetched when the first of them is used or
//! once the first frame is painted: the toolbar's buttons reach them
//! through `app/flows.rs`, which holds only the table of them.

use crate::document_session;
use crate::file_open::{open_pasted, Opened};
use crate::file_read;
use crate::flow_context::FlowContext;
use crate::on_demand::anchoring;
use crate::on_demand::formats::read_file;
use crate::on_demand::patterns::{ask_model_for_suggestions, suggest_from_patterns};
use crate::on_demand::review::start_review;
use crate::opening::{Announce, Given, Request};
use crate::state::{Action, AppState, Notice, NoticeKind};
use crate::storage;
use marginalia_core::article::{megabytes, MAX_TEXT_BYTES};
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::suggestion::Source;
use std::rc::Rc;
use web_sys::File;
use yew::prelude::*;

type State = UseReducerHandle<AppState>;


/// A warning notice: done, with part of the input left out.
fn warning(text: String) -> Action {
    Action::Notify(Notice { kind: NoticeKind::Warning, text, offer: None })
}

/// A file's bytes as UTF-8 text, or why not.
async fn read_text(file: &File) -> Result<String, String> {
    let name = file.name();
    file_read::read_bytes(file).await.and_then(|b| String::from_utf8(b).map_err(|_| format!("“{name}” is not UTF-8 text")))
}

/// A chosen or dropped file: an article (a new document), or a save,
/// annotations or a notice for the one open (`file_open.rs`).
pub fn open_file(cx: &FlowContext, file: File) {
    let state = cx.state.clone();
    let d = state.dispatcher();
    wasm_bindgen_futures::spawn_local(async move {
        let name = file.name();
        match file_read::read_bytes(&file).await {
            Ok(bytes) => match read_file(&name, &bytes, state.article(), state.editor.schema()).await {
                Ok(Opened::Article(article)) => document_session::open(&state, Request::new(article, Given::Nothing, Announce::Opened)),
                Ok(Opened::Act(action)) => anchoring::dispatch(&d, action).await,
                Err(unavailable) => d.dispatch(Action::error(format!("“{name}” was not opened: {}", unavailable.message()))),
            },
            Err(e) => d.dispatch(Action::error(format!("{e}. Your work is unchanged."))),
        }
    });
}

/// A label schema file: used, and kept in this browser for the next start.
pub fn open_schema(cx: &FlowContext, file: File) {
    let d = cx.state.dispatcher();
    wasm_bindgen_futures::spawn_local(async move {
        let name = file.name();
        let parsed = read_text(&file).await.and_then(|json| LabelSchema::from_json(&json).map_err(|e| format!("“{name}”: {e}")));
        match parsed {
            Ok(schema) => {
                let _ = storage::save_schema(&schema);
                d.dispatch(Action::SetSchema(schema));
            }
            Err(e) => d.dispatch(Action::error(format!("{e}. The labels are unchanged."))),
        }
    });
}

/// A patterns file: its matches on this article become suggestions.
pub fn open_patterns(cx: &FlowContext, file: File) {
    let state = cx.state.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let name = file.name();
        let d = state.dispatcher();
        let text = match read_text(&file).await {
            Ok(t) => t,
            Err(e) => return d.dispatch(Action::error(format!("{e}. Nothing was suggested."))),
        };
        let found = match suggest_from_patterns(&text, state.article(), state.editor.schema()).await {
            Ok(found) => found,
            Err(unavailable) => return d.dispatch(Action::error(unavailable.message())),
        };
        match found {
            Ok((items, left_out)) => {
                d.dispatch(Action::Suggest { source: Source::Pattern, items });
                // After the suggestions, so this message stays on screen.
                if !left_out.is_empty() {
                    d.dispatch(warning(format!("“{name}”: {}.", left_out.join("; "))));
                }
            }
            Err(e) => d.dispatch(Action::error(format!("“{name}” was not used: {e}. Nothing was suggested."))),
        }
    });
}

/// A model's suggestions scoring at least `min_score`, from the configured
/// endpoint (nothing happens without one). The asking and the reading are
/// the patterns part's (`on_demand::patterns`).
pub fn ask_model(cx: &FlowContext, min_score: f64) {
    let (state, calls) = (cx.state.clone(), cx.model_calls.clone());
    let Some(url) = cx.host.options.endpoints.suggest.clone() else { return };
    let limit_ms = cx.host.options.timeouts.suggest_ms();
    wasm_bindgen_futures::spawn_local(async move {
    if let Err(unavailable) = ask_model_for_suggestions(state.clone(), url, limit_ms, calls, min_score).await {
        state.dispatch(Action::error(unavailable.message()));
    }
    });
}

/// Several annotators' saves of one text: a review, building a gold
/// version (the current work written through first).
pub fn open_review(cx: &FlowContext, files: Vec<File>) {
    let state = cx.state.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let d = state.dispatcher();
        let mut read = Vec::new();
        for file in files {
            match read_text(&file).await {
                Ok(text) => read.push((file.name(), text)),
                Err(e) => return d.dispatch(Action::error(format!("{e}. No review was started; your work is unchanged."))),
            }
        }
        let reviewer = state.save_info.annotator.clone().unwrap_or_else(|| "reviewer".into());
        document_session::persist_before_switch(&state, &d);
        match start_review(&read, state.editor.schema(), &reviewer, None).await {
            Ok(Ok(adjudication)) => d.dispatch(Action::StartAdjudication(Rc::new(adjudication))),
            Ok(Err(e)) => d.dispatch(Action::error(format!("No review was started: {e}. Your work is unchanged."))),
            Err(unavailable) => d.dispatch(Action::error(format!("No review was started: {}", unavailable.message()))),
        }
    });
}

/// Pasted text: an article (the dialog closes), or a save for the open one
/// (`file_open.rs`); a text over the size limit is refused.
pub fn open_paste(cx: &FlowContext, text: String) {
    let (state, paste_open) = (&cx.state, &cx.paste_open);
    let d = state.dispatcher();
    if text.len() > MAX_TEXT_BYTES {
        d.dispatch(Action::error(format!(
            "The pasted text was not opened: it is too large ({}); Marginalia opens texts up to {}. Your work is unchanged.",
            megabytes(text.len()),
            megabytes(MAX_TEXT_BYTES)
        )));
        return;
    }
    match open_pasted(text) {
        Opened::Article(article) => {
            paste_open.set(false);
            document_session::open(state, Request::new(article, Given::Nothing, Announce::Opened));
        }
        Opened::Act(action) => {
            let d = d.clone();
            wasm_bindgen_futures::spawn_local(async move { anchoring::dispatch(&d, action).await });
        }
    }
}

/// The notice's offer accepted: the save it offers opens (`opening.rs`'s
/// chosen save).
pub fn accept_offer(state: &State) -> Callback<()> {
    let state = state.clone();
    Callback::from(move |_: ()| {
        if let Some(loaded) = state.notice.as_ref().and_then(|n| n.offer.clone()) {
            document_session::open(&state, document_session::chosen_save(&loaded));
        }
    })
}
