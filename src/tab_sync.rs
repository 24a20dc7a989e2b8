//! Two tabs (or windows) of this browser on one document: each notices what
//! the other stores and merges it in (`marginalia_core::merge`), so neither
//! overwrites the other and both show the work of both.
//!
//! The other tab is heard through the `storage` event, not a
//! `BroadcastChannel`: what must be merged *is* the write to localStorage,
//! and the event is raised in every other tab of the origin once that write
//! can be read there, naming the key. A channel message is a second signal
//! beside the write that can arrive before the write is visible (tabs live
//! in separate processes), and would cost a message per write.
//!
//! Each tab keeps its base, the version it last stored or received
//! (`AppState::tab_base`). Before it writes, it checks that the stored
//! record is still that base; if the other tab wrote meanwhile (its event
//! not handled yet), it merges first — so even a missed event loses
//! nothing. While a conflict waits for the annotator's choice, nothing is
//! written over the other tab's work.

use crate::state::{Action, AppState, TabCopy};
use crate::storage;
use gloo::events::EventListener;
use marginalia_core::editor::Editor;
use crate::merging::{self, merger};
use crate::on_demand;
use marginalia_core::merge::Side;
use marginalia_core::record::Record;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::UseReducerHandle;

/// The open document's record as stored in this browser, if any. It is
/// read with the label schema it was stored with (the other tab may have
/// another); `Err` when it cannot be read at all.
pub fn stored_copy(state: &AppState) -> Option<Result<TabCopy, String>> {
    let article = state.article();
    let json = storage::stored_json(&article.id, article.sha256())?;
    Some(copy_of(state, json))
}

/// The open document's record stored as `json`, read.
fn copy_of(state: &AppState, json: String) -> Result<TabCopy, String> {
    let article = state.article();
    // With the text as stored beside it (its hash is the one the record names).
    let read = storage::work_from(&json, article.sha256())
        .ok_or(marginalia_core::record::RecordError::NotARecord("its text is missing".into()))
        .and_then(|record| {
            let schema = record.label_schema.clone().unwrap_or_else(|| (**state.editor.schema()).clone());
            record.load(&schema)
        });
    let sha256 = article.sha256().to_string();
    read.map(|loaded| TabCopy { sha256, json, snapshot: loaded.snapshot() }).map_err(|e| e.to_string())
}

/// What [`store`] did.
pub enum Stored {
    /// Wrote this tab's work: the new base.
    Wrote(TabCopy),
    /// The stored record is already this tab's work.
    Same,
    /// The other tab stored since this tab's base: merge this first.
    Behind(TabCopy),
    /// A conflict waits for the annotator: nothing written.
    Held,
}

/// Writes this tab's work on the open document, unless the other tab stored
/// since this tab's base, or a conflict waits.
pub fn store(state: &AppState) -> Result<Stored, String> {
    if state.tab_conflict.is_some() {
        return Ok(Stored::Held);
    }
    let base = state.tab_base.as_ref().map(|b| b.json.as_str());
    // Read only when another tab wrote since: what this tab stored last
    // is its base, and reading the record again at every write took as
    // long as writing it (and megabytes of memory at 5,000 spans).
    let article = state.article();
    if let Some(stored) = storage::stored_json(&article.id, article.sha256()).filter(|stored| Some(stored.as_str()) != base) {
        return match copy_of(state, stored) {
            Ok(stored) => Ok(Stored::Behind(stored)),
            Err(e) => Err(format!("another tab stored work on this document that cannot be read here ({e}), so it was not written over")),
        };
    }
    let record = Record::from_editor(&state.editor, &state.save_info, false);
    let json = storage::save_work(record)?;
    if Some(json.as_str()) == base {
        return Ok(Stored::Same);
    }
    let sha256 = state.article().sha256().to_string();
    Ok(Stored::Wrote(TabCopy { sha256, json, snapshot: state.editor.annotations().snapshot() }))
}

/// Writes the work as the page is hidden or closed, or before another
/// article replaces this one: there is no later chance to merge, so what
/// the other tab stored is merged now; a conflict keeps the other tab's
/// version (its work is not written over without the annotator's choice;
/// the changes here that did not conflict are kept, and this tab's whole
/// record is put aside in storage, so its side of the conflict is not lost). Returns what the state
/// should take in if the page goes on: `Wrote` (the new base) or `Behind`
/// (the merge just stored, to merge in).
pub fn store_leaving(state: &AppState) -> Result<Stored, String> {
    let theirs = match store(state)? {
        Stored::Held => match &state.tab_conflict {
            Some(c) => {
                // This tab's side of the conflict is not written over the
                // other tab's work, but kept aside whole, not lost.
                put_aside_mine(state)?;
                c.theirs.clone()
            }
            None => return Ok(Stored::Held),
        },
        Stored::Behind(theirs) if merger().is_none() => {
            // No merge yet: this tab's record is kept aside whole, as for a
            // conflict, and the other tab's stays.
            put_aside_mine(state)?;
            return Ok(Stored::Behind(theirs));
        }
        Stored::Behind(theirs) => Rc::new(theirs),
        done => return Ok(done),
    };
    let base = state.tab_conflict.as_ref().map(|c| c.base.clone()).or_else(|| state.tab_base.clone());
    let base = base.map(|b| b.snapshot.clone()).unwrap_or_default();
    let merge = merger().ok_or(merging::UNAVAILABLE)?;
    let merged = merge(&base, &state.editor.annotations().snapshot(), &theirs.snapshot, Side::Theirs);
    let mut editor = Editor::new(state.article().clone(), state.editor.schema().clone());
    editor.restore_snapshot(merged.snapshot).map_err(|e| e.to_string())?;
    let json = storage::save_work(Record::from_editor(&editor, &state.save_info, false))?;
    let sha256 = state.article().sha256().to_string();
    Ok(Stored::Behind(TabCopy { sha256, json, snapshot: editor.annotations().snapshot() }))
}

/// This tab's whole record kept aside in storage (without its text, as
/// every stored record: the text is stored once per hash).
fn put_aside_mine(state: &AppState) -> Result<(), String> {
    let mine = Record { text: String::new(), ..Record::from_editor(&state.editor, &state.save_info, false) };
    storage::put_aside(&mine.meta.doc_id, state.article().sha256(), &serde_json::to_string(&mine).map_err(|e| e.to_string())?)
}

/// Listens for the other tab's writes to the open document, for the app's
/// lifetime, and hands each to the state to merge.
pub fn listen(state: UseReducerHandle<AppState>) -> EventListener {
    let window = web_sys::window().expect("a browser window");
    EventListener::new(&window, "storage", move |event| {
        let Some(event) = event.dyn_ref::<web_sys::StorageEvent>() else { return };
        let app = state.clone();
        let article = app.article();
        if !event.key().is_some_and(|k| storage::is_doc_key(&k, &article.id, article.sha256())) {
            return;
        }
        received(&app);
    })
}

/// The stored record, merged in if it is not this tab's base (compared as
/// stored, before anything is read: reading 5,000 spans takes a while).
pub fn received(state: &UseReducerHandle<AppState>) {
    let article = state.article();
    let Some(stored) = storage::stored_json(&article.id, article.sha256()) else { return };
    if state.tab_base.as_ref().is_some_and(|base| base.json == stored) {
        return;
    }
    match copy_of(state, stored) {
        Ok(copy) => on_demand::merging::dispatch_when_ready(state, Action::TabReceived(Rc::new(copy))),
        Err(e) => state.dispatch(Action::error(format!(
            "Another tab stored work on this document that cannot be read here ({e}); this tab will not write over it."
        ))),
    }
}
