//! Switching documents in a running instance, the one way every entry
//! point does it (`setArticle`, `setDocument`, the iframe `marginalia:load`,
//! a file, a paste, a save offered as its own document, the CMS's copy):
//! write the current work through, look up the work stored for the new
//! article, apply the rule of `opening.rs`, set aside what it asks, and hand
//! the [`Opening`] to the reducer. The instance's first document (`mount`,
//! the standalone page and its links) goes through [`opening_for`] too.

use crate::opening::{decide, Announce, Given, Opening, Request, Work};
use crate::on_demand;
use crate::anchoring::{self, IfAbsent};
use crate::reanchoring::AnchorReview;
use crate::state::{Action, AppState};
use crate::stored_work::stored_work_for;
use crate::{storage, tab_sync};
use marginalia_core::article::Article;
use marginalia_core::formats::detect::detect;
use marginalia_core::formats::Format;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::{LoadedRecord, Record};
use std::rc::Rc;
use yew::{AttrValue, UseReducerDispatcher, UseReducerHandle};

/// Writes the work on the article open now when there is no later chance:
/// the flush when the page is hidden, and before anything replaces the
/// article ([`persist_before_switch`]). What another tab stored meanwhile is
/// merged first (`tab_sync.rs`).
pub fn persist(state: &AppState) -> Result<tab_sync::Stored, AttrValue> {
    tab_sync::store_leaving(state).map_err(AttrValue::from)
}

/// [`persist`] before another article (or a review) replaces this one: the
/// delayed write reads the state when it fires, so a switch within the delay
/// would otherwise drop the old article's last changes (a script's `addSpan`
/// then `setDocument` does). Skipped when there is nothing to keep: no
/// annotations, no document labels or status, and nothing done since it
/// opened (a host that opens its document right after start-up should not
/// wait for the untouched default article to be written).
///
/// What it stored becomes the tab's base at once (dispatched before the
/// switch): a save applied to this same text would otherwise be compared
/// with an older base by its first write, taken for another tab's work and
/// merged, renaming its ids.
pub fn persist_before_switch(state: &AppState, dispatch: &UseReducerDispatcher<AppState>) {
    let editor = &state.editor;
    let annotations = editor.annotations();
    let untouched = !editor.history().can_undo() && !editor.history().can_redo();
    let empty = annotations.is_empty() && annotations.document_labels().is_empty() && annotations.status().is_none();
    if untouched && empty {
        return;
    }
    if let Ok(tab_sync::Stored::Wrote(copy) | tab_sync::Stored::Behind(copy)) = persist(state) {
        dispatch.dispatch(Action::TabStored(Rc::new(copy)));
    }
}

/// Why a request opened nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum NotOpened {
    /// Said to the annotator: the work stored could not be set aside.
    Refused(String),
    /// The stored work needs re-anchoring, whose part is not here: nothing
    /// was changed, the request is given back ([`opening_after_anchoring`]).
    AwaitingAnchoring(Box<Request>),
}

/// The opening for a request: the work stored in this browser looked up,
/// the rule applied, and stored work a chosen save replaces set aside.
pub fn opening_for(request: Request, schema: &LabelSchema, if_absent: IfAbsent) -> Result<Opening, NotOpened> {
    let Ok(stored) = stored_work_for(&request.article, schema, if_absent) else {
        return Err(NotOpened::AwaitingAnchoring(Box::new(request)));
    };
    let opening = decide(request, stored);
    if opening.set_stored_aside {
        let article = &opening.article;
        storage::keep_aside(&article.id, article.sha256()).map_err(|e| {
            NotOpened::Refused(format!(
                "“{}” was not opened: the work stored on this device for it could not be set aside ({e}). Your work is unchanged.",
                article.title
            ))
        })?;
    }
    Ok(opening)
}

/// [`opening_for`] once re-anchoring's part is fetched; if it cannot be,
/// the stored work that needs it is said to be unusable for now (it stays
/// stored) and the document opens without it. `Err` as for `Refused`.
pub async fn opening_after_anchoring(request: Request, schema: &LabelSchema) -> Result<Opening, String> {
    let if_absent = match on_demand::anchoring::ready().await {
        Ok(()) => IfAbsent::Wait,
        Err(_) => IfAbsent::GiveUp,
    };
    let retry = |n| match n {
        NotOpened::Refused(e) => Err(e),
        NotOpened::AwaitingAnchoring(request) => opening_for(*request, schema, IfAbsent::GiveUp).map_err(|_| anchoring::unavailable()),
    };
    opening_for(request, schema, if_absent).or_else(retry)
}

type State = UseReducerHandle<AppState>;

/// Opens a document in a running instance: the work open now is written
/// through first, then the opening is dispatched (or why it could not be).
pub fn open(state: &State, request: Request) {
    open_in(state, request, state.editor.schema());
}

/// [`open`] under `schema`, which the instance takes at the same time (a
/// `marginalia:load` with a schema): stored work is read with it. When that
/// work needs re-anchoring and its part is not here, the document opens
/// once the part is — unless another document was opened meanwhile.
pub fn open_in(state: &State, request: Request, schema: &LabelSchema) {
    persist_before_switch(state, &state.dispatcher());
    match opening_for(request, schema, IfAbsent::Wait) {
        Ok(opening) => state.dispatch(Action::OpenDocument(Rc::new(opening))),
        Err(NotOpened::Refused(e)) => state.dispatch(Action::error(e)),
        Err(NotOpened::AwaitingAnchoring(request)) => {
            let (state, schema) = (state.clone(), schema.clone());
            let open_at_request = state.article().clone();
            wasm_bindgen_futures::spawn_local(async move {
                let opened = opening_after_anchoring(*request, &schema).await;
                if !std::sync::Arc::ptr_eq(state.article(), &open_at_request) {
                    return; // another document was opened meanwhile
                }
                persist_before_switch(&state, &state.dispatcher());
                state.dispatch(match opened {
                    Ok(opening) => Action::OpenDocument(Rc::new(opening)),
                    Err(e) => Action::error(e),
                });
            });
        }
    }
}


/// A save opened as a document of its own (the offer of a save for
/// another text, the CMS's copy for another text): the save wins.
pub fn chosen_save(loaded: &LoadedRecord) -> Request {
    Request {
        note: marginalia_core::formats::answers::opened_warning(&loaded.record).map(|w| w.trim_start().to_string()),
        ..Request::new(loaded.article.clone(), Given::Chosen(Work::of(loaded)), Announce::Opened)
    }
}

/// A host's annotations (`setAnnotations`, the `annotations` option, a
/// `marginalia:load` message) read, in any format Marginalia reads: one
/// Marginalia record here, anything else by the readers of other tools'
/// formats, fetched on first use (which also give a broken record's
/// messages, as the core's `read_documents` does).
pub async fn read_annotations(json: &str, schema: &LabelSchema) -> Result<Vec<Record>, String> {
    if detect(json) == Some(Format::Marginalia) {
        if let Ok(record) = Record::parse(json) {
            return Ok(vec![record]);
        }
    }
    on_demand::formats::read_documents(json, schema).await.map_err(|unavailable| unavailable.message())?
}

/// The host's annotations (read by [`read_annotations`]) for `article`,
/// checked against it and the schema. Annotations made on another version
/// of the text are re-anchored onto it, with the review the annotator
/// should see.
pub fn annotations_for(mut records: Vec<Record>, article: &Article, schema: &LabelSchema) -> Result<(LoadedRecord, Option<AnchorReview>), String> {
    // The same text (compared, not hashed: two SHA-256 passes over a long
    // article at every start).
    match records.iter().position(|r| r.text == article.text()) {
        Some(i) => records.swap_remove(i).load(schema).map(|l| (l, None)).map_err(|e| e.to_string()),
        None => {
            let first = records.first().ok_or("the annotations hold no document")?;
            let (loaded, review) = anchoring::reanchor_onto(first, article, schema)?;
            Ok((loaded, Some(review)))
        }
    }
}

/// The host's annotations for an article being opened, as [`Work`].
pub fn host_work(records: Vec<Record>, article: &Article, schema: &LabelSchema) -> Result<Work, String> {
    Ok(match annotations_for(records, article, schema)? {
        (loaded, None) => Work::of(&loaded),
        (loaded, Some(review)) => Work::Reanchored { loaded: Rc::new(loaded), review: Rc::new(review) },
    })
}

/// The host's annotations applied to the article open now (`setAnnotations`,
/// a `marginalia:load` without an article): one undo step.
pub fn apply_to_open(records: Vec<Record>, state: &AppState, schema: &LabelSchema) -> Result<Action, String> {
    Ok(match annotations_for(records, state.article(), schema)? {
        (loaded, None) => Action::ApplyRecord(Rc::new(loaded), None),
        (loaded, Some(review)) => Action::ApplyReanchored { loaded: Rc::new(loaded), review: Rc::new(review) },
    })
}
