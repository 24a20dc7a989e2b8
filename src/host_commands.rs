//! Executes what a host asks (a [`HostCommand`], read and checked by the
//! core) in one place, for both ways in: the handle's methods (`js_api.rs`,
//! an `Err` thrown as an `Error`) and the parent frame's messages
//! (`frame_messages.rs`, an `Err` answered with `marginalia:error`).
//!
//! Commands go through the same actions as the UI, so what they do is
//! undoable, persisted and refused when read-only like a gesture. An error
//! is the message the page shows; a command the reducer refuses as
//! read-only (`AppState::refuses`) is an error too, whichever it is, so a
//! host never takes a refused change for a done one. Commands that open or
//! switch documents each have one small function here (`set_document`,
//! `set_article`, `review`, `load`): they hand the document to
//! `document_session.rs`, which writes the work open now through and opens
//! the new one by the rule of `opening.rs`.

use crate::article_input::{article_from, article_now};
use crate::document_session;
use crate::opening::{Announce, Given, Request, Work};
use crate::state::{Action, AppState};
use marginalia_core::embed::EmbedOptions;
use crate::on_demand::formats::export_file;
use marginalia_core::formats::Format;
use marginalia_core::host_command::{DocumentInput, HostCommand};
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::{spans_from_record, Record};
use marginalia_core::span::SpanId;
use marginalia_core::{article::Article, command::Snapshot};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use yew::UseReducerHandle;

/// What a command answers.
#[derive(Debug, PartialEq)]
pub enum Reply {
    Nothing,
    /// A record as JSON text (*Save JSON*'s, with tokens).
    Record(String),
    /// The id of a span added.
    Span(SpanId),
    /// An export: the file's text and what it could not keep.
    Export { text: String, losses: Vec<String> },
    /// The size of the WebAssembly memory, in bytes.
    Bytes(f64),
}

/// The app's state as commands see it: the reducer's handle, or a plain
/// state in the tests.
pub trait Reducer {
    /// Reads the state as it is now (after any dispatch).
    fn read<R>(&self, f: impl FnOnce(&AppState) -> R) -> R;
    fn dispatch(&self, action: Action);
}

impl Reducer for UseReducerHandle<AppState> {
    fn read<R>(&self, f: impl FnOnce(&AppState) -> R) -> R {
        f(self)
    }

    fn dispatch(&self, action: Action) {
        UseReducerHandle::dispatch(self, action)
    }
}

/// A command's answer: at once, or later for the commands that may need
/// code fetched on first use (`src/on_demand/`): `export`, `setAnnotations`,
/// `review` and the frame's `marginalia:load` always answer later (a
/// Promise on the handle), whatever they are given, so a host writes one
/// way of calling each.
pub enum Run {
    Now(Result<Reply, String>),
    Later(Pin<Box<dyn Future<Output = Result<Reply, String>>>>),
}

/// Runs `command` on the instance. `state` should be a fresh clone of the
/// reducer's handle (see `gestures::install`).
pub fn execute(state: &UseReducerHandle<AppState>, command: HostCommand) -> Run {
    let state = state.clone();
    match command {
        HostCommand::SetDocument(input) => Run::Now(set_document(&state, input)),
        // An article given as text opens at once; HTML is read by a part.
        HostCommand::SetArticle(input) => match article_now(&input) {
            Some(article) => Run::Now(article.map(|a| set_article(&state, a))),
            None => Run::Later(Box::pin(async move { article_from(&input).await.map(|a| set_article(&state, a)) })),
        },
        HostCommand::MemoryBytes => Run::Now(Ok(Reply::Bytes(memory_bytes()))),
        HostCommand::Review { saves, start_from } => Run::Later(Box::pin(async move { review(&state, &saves, start_from.as_deref()).await })),
        HostCommand::Load(options) => Run::Later(Box::pin(async move { load(&state, &options).await })),
        HostCommand::SetAnnotations(json) => Run::Later(Box::pin(async move { set_annotations(&state, &json).await })),
        HostCommand::Export(format) => Run::Later(Box::pin(async move { export(&state, format).await })),
        other => Run::Now(edit(&state, other)),
    }
}

/// The commands that stay on the document open now and answer at once.
pub fn edit(r: &impl Reducer, command: HostCommand) -> Result<Reply, String> {
    match command {
        HostCommand::GetAnnotations { .. } => Ok(Reply::Record(r.read(|s| Record::from_editor(&s.editor, &s.save_info, true).to_json()))),
        HostCommand::AddSpan { start, end, label } => add_span(r, start, end, label),
        HostCommand::RemoveSpan(id) => remove_span(r, id),
        HostCommand::Undo => dispatched(r, Action::Undo),
        HostCommand::Redo => dispatched(r, Action::Redo),
        // Not formatted with `Debug`: that would compile every payload's
        // `Debug` (the options, spans…) into the bundle.
        _ => Err("this command answers later: it runs through `execute`".to_string()),
    }
}

/// Dispatches `action`. Refused (read-only and it would change the
/// annotations), the error is the refusal as the page shows it, as for
/// `addSpan`: a host learns of it the same way from every call.
fn dispatched(r: &impl Reducer, action: Action) -> Result<Reply, String> {
    let refused = r.read(|s| s.refuses(&action));
    r.dispatch(action);
    if refused {
        return Err(r.read(last_error));
    }
    Ok(Reply::Nothing)
}

/// The message the page shows for the refusal just made.
fn last_error(state: &AppState) -> String {
    state.notice.as_ref().map_or("the action was refused".to_string(), |n| n.text.clone())
}

fn add_span(r: &impl Reducer, start: usize, end: usize, label: String) -> Result<Reply, String> {
    let before = r.read(|s| s.editor.annotations().len());
    r.dispatch(Action::AddSpan { start, end, label });
    r.read(|s| match s.focus.selected() {
        Some(id) if s.editor.annotations().len() > before => Ok(Reply::Span(id)),
        _ => Err(last_error(s)),
    })
}

/// By id ([`Action::DeleteSpan`]): never through the selection, which a
/// link being picked holds on to.
fn remove_span(r: &impl Reducer, id: SpanId) -> Result<Reply, String> {
    let existed = r.read(|s| s.editor.annotations().get(id).is_some());
    r.dispatch(Action::DeleteSpan(id));
    r.read(|s| match s.editor.annotations().get(id) {
        None if existed => Ok(Reply::Nothing),
        _ => Err(last_error(s)),
    })
}

/// The document open now in `format` (the writers are fetched on first
/// use); the record is taken at the call.
async fn export(r: &impl Reducer, format: Format) -> Result<Reply, String> {
    let record = r.read(|s| Record::from_editor(&s.editor, &s.save_info, true));
    let (text, losses) = export_file(format, &record).await.map_err(|unavailable| unavailable.message())??;
    Ok(Reply::Export { text, losses })
}

#[cfg(target_arch = "wasm32")]
fn memory_bytes() -> f64 {
    use wasm_bindgen::JsCast;
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    memory.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length() as f64
}

#[cfg(not(target_arch = "wasm32"))]
fn memory_bytes() -> f64 {
    0.0
}

/// `setAnnotations`: the host's annotations on the text open now (one undo
/// step; re-anchored when made on an earlier version of it).
async fn set_annotations(r: &impl Reducer, json: &str) -> Result<Reply, String> {
    let (schema, article) = r.read(|s| (s.editor.schema().clone(), s.article().clone()));
    let records = document_session::read_annotations(json, &schema).await?;
    crate::on_demand::anchoring::ready_for(&records, article.text()).await;
    if r.read(|s| s.article().sha256() != article.sha256()) {
        return Err("another article was opened before the annotations were read: they were not applied".into());
    }
    let action = r.read(|s| document_session::apply_to_open(records, s, &schema))?;
    dispatched(r, action)
}

/// `setDocument`: the host's text with the host's spans (work stored in
/// this browser wins over them, as everywhere).
fn set_document(state: &UseReducerHandle<AppState>, doc: DocumentInput) -> Result<Reply, String> {
    let id = doc.id.unwrap_or_else(|| marginalia_core::record::default_doc_id(&doc.text));
    let title = doc.title.unwrap_or_else(|| id.clone());
    let article = Article::new(id, title, doc.text).map_err(|e| e.to_string())?;
    let spans = spans_from_record(&doc.spans, &article, state.editor.schema()).map_err(|e| e.to_string())?;
    let given = Given::Host(Work::Placed { snapshot: Snapshot::spans_only(spans), task: Default::default() });
    document_session::open(state, Request::new(article, given, Announce::Quiet));
    Ok(Reply::Nothing)
}

/// `setArticle`: an article with the work stored for it in this browser.
fn set_article(state: &UseReducerHandle<AppState>, article: Article) -> Reply {
    document_session::open(state, Request::new(article, Given::Nothing, Announce::Quiet));
    Reply::Nothing
}

/// `review`: several annotators' saves of one text. Not only a view: it
/// opens their gold version as the document's annotations, which are then
/// stored (and sent to a save endpoint), so read-only refuses it.
async fn review(state: &UseReducerHandle<AppState>, saves: &[String], start_from: Option<&str>) -> Result<Reply, String> {
    let files: Vec<(String, String)> = saves.iter().enumerate().map(|(i, s)| (format!("save-{}", i + 1), s.clone())).collect();
    let reviewer = state.save_info.annotator.clone().unwrap_or_else(|| "reviewer".into());
    let schema = state.editor.schema().clone();
    let adjudication = crate::on_demand::review::start_review(&files, &schema, &reviewer, start_from).await.map_err(|unavailable| unavailable.message())??;
    let action = Action::StartAdjudication(Rc::new(adjudication));
    // Refused, nothing is switched: the work open now stays as it is.
    if !state.refuses(&action) {
        document_session::persist_before_switch(state, &state.dispatcher());
    }
    dispatched(state, action)
}

/// The frame's `marginalia:load`: a schema, an article (with the given
/// annotations, else the work stored for it), or annotations for the
/// article open now.
async fn load(state: &UseReducerHandle<AppState>, options: &EmbedOptions) -> Result<Reply, String> {
    let schema = match &options.schema {
        Some(v) => std::sync::Arc::new(LabelSchema::from_json(&v.to_string()).map_err(|e| e.to_string())?),
        None => state.editor.schema().clone(),
    };
    let Some(input) = &options.article else {
        if options.schema.is_some() {
            state.dispatch(Action::SetSchema((*schema).clone()));
        }
        return match options.annotations_json() {
            Some(json) => set_annotations(state, &json).await,
            None => Ok(Reply::Nothing),
        };
    };
    let article = article_from(input).await?;
    let given = match options.annotations_json() {
        Some(json) => {
            let records = document_session::read_annotations(&json, &schema).await?;
            crate::on_demand::anchoring::ready_for(&records, article.text()).await;
            Given::Host(document_session::host_work(records, &article, &schema)?)
        }
        None => Given::Nothing,
    };
    if options.schema.is_some() {
        state.dispatch(Action::SetSchema((*schema).clone()));
    }
    // The same shape as mount's options, and the same rule.
    let request = Request { read_only: Some(options.read_only), annotator: options.annotator.clone(), ..Request::new(article, given, Announce::Quiet) };
    document_session::open_in(state, request, &schema);
    Ok(Reply::Nothing)
}

/// A state held in a cell, reduced in place: the reducer without Yew.
#[cfg(test)]
struct Plain(std::cell::RefCell<Rc<AppState>>);

#[cfg(test)]
impl Reducer for Plain {
    fn read<R>(&self, f: impl FnOnce(&AppState) -> R) -> R {
        f(&self.0.borrow())
    }

    fn dispatch(&self, action: Action) {
        use yew::Reducible;
        let s = self.0.borrow().clone();
        *self.0.borrow_mut() = s.reduce(action);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use marginalia_core::editor::Editor;
    use marginalia_core::record::SaveInfo;
    use std::sync::Arc;

    /// A claim about an entity, after an emoji ZWJ sequence and CJK (code
    /// points and bytes differ).
    const TEXT: &str = "👩‍💻 東京: Wagner is a criminal group, said Mills.";

    /// A command as the handle runs it; one that answers later is awaited
    /// (natively nothing is fetched, so it is ready at its first poll).
    fn run(r: &Plain, command: HostCommand) -> Result<Reply, String> {
        match command {
            HostCommand::SetAnnotations(json) => ready(set_annotations(r, &json)),
            HostCommand::Export(format) => ready(export(r, format)),
            other => edit(r, other),
        }
    }

    fn ready<T>(future: impl Future<Output = T>) -> T {
        let mut future = std::pin::pin!(future);
        match future.as_mut().poll(&mut std::task::Context::from_waker(std::task::Waker::noop())) {
            std::task::Poll::Ready(out) => out,
            std::task::Poll::Pending => panic!("a command waited for something natively"),
        }
    }

    fn range_of(word: &str) -> (usize, usize) {
        let start = TEXT[..TEXT.find(word).unwrap()].chars().count();
        (start, start + word.chars().count())
    }

    fn plain() -> Plain {
        let article = Article::new("doc", "Title", TEXT).unwrap();
        let editor = Editor::new(Arc::new(article), Arc::new(LabelSchema::news_default()));
        Plain(std::cell::RefCell::new(Rc::new(AppState::new(editor, SaveInfo::default()))))
    }

    fn add(r: &Plain, word: &str, label: &str) -> SpanId {
        let (start, end) = range_of(word);
        match edit(r, HostCommand::AddSpan { start, end, label: label.into() }) {
            Ok(Reply::Span(id)) => id,
            other => panic!("{other:?}"),
        }
    }

    fn labels(r: &Plain) -> Vec<String> {
        r.read(|s| s.editor.annotations().in_document_order().iter().map(|sp| sp.label.clone()).collect())
    }

    #[test]
    fn remove_span_while_a_link_is_picked_removes_that_span_not_the_claim() {
        let r = plain();
        let wagner = add(&r, "Wagner", "ORG");
        let claim = add(&r, "Wagner is a criminal group", "CLAIM");
        r.dispatch(Action::StartLinking { label: "about".into() });
        assert_eq!(r.read(|s| s.focus.linking().map(|(f, l)| (f, l.to_string()))), Some((claim, "about".to_string())));

        assert_eq!(edit(&r, HostCommand::RemoveSpan(wagner)), Ok(Reply::Nothing));
        assert_eq!(labels(&r), ["CLAIM"], "the entity went, the claim stayed");
        assert_eq!(r.read(|s| s.focus.linking().map(|(f, l)| (f, l.to_string()))), Some((claim, "about".to_string())), "still picking");
        // Removing the claim being linked from ends the picking.
        assert_eq!(edit(&r, HostCommand::RemoveSpan(claim)), Ok(Reply::Nothing));
        assert!(labels(&r).is_empty());
        assert_eq!(r.read(|s| (s.focus.linking().map(|(f, l)| (f, l.to_string())), s.focus.selected())), (None, None));
        // One undo step each.
        r.dispatch(Action::Undo);
        assert_eq!(labels(&r), ["CLAIM"]);
    }

    #[test]
    fn remove_span_with_an_unknown_id_is_an_error_and_changes_nothing() {
        let r = plain();
        let mills = add(&r, "Mills", "PERSON");
        assert_eq!(r.read(|s| s.focus.selected()), Some(mills), "selected, as the old select-then-delete would use");
        let revision = r.read(|s| s.revision);
        let e = edit(&r, HostCommand::RemoveSpan(SpanId(99))).unwrap_err();
        assert_eq!(e, "Could not delete: there is no span s99.");
        assert_eq!(labels(&r), ["PERSON"]);
        assert_eq!(r.read(|s| (s.revision, s.focus.selected())), (revision, Some(mills)));
    }

    fn make_read_only(r: &Plain) {
        let mut s = r.read(AppState::clone);
        s.read_only = true;
        *r.0.borrow_mut() = Rc::new(s);
    }

    #[test]
    fn read_only_refuses_add_and_remove_with_the_notice() {
        let r = plain();
        let mills = add(&r, "Mills", "PERSON");
        make_read_only(&r);
        let e = edit(&r, HostCommand::RemoveSpan(mills)).unwrap_err();
        assert!(e.contains("read-only"), "{e}");
        let (start, end) = range_of("Wagner");
        let e = edit(&r, HostCommand::AddSpan { start, end, label: "ORG".into() }).unwrap_err();
        assert!(e.contains("read-only"), "{e}");
        assert_eq!(labels(&r), ["PERSON"]);
    }

    /// Undo, redo and setAnnotations (for this text, and for an earlier
    /// version of it, re-anchored) are errors with the page's notice, as
    /// addSpan and removeSpan are, and change nothing: not the spans, not
    /// the history, not the revision that persisting follows.
    #[test]
    fn read_only_refuses_undo_redo_and_set_annotations_as_errors() {
        let r = plain();
        add(&r, "Mills", "PERSON");
        add(&r, "Wagner", "ORG");
        r.dispatch(Action::Undo);
        make_read_only(&r);
        let now = |r: &Plain| r.read(|s| (labels(r), s.revision, s.editor.history().can_undo(), s.editor.history().can_redo()));
        let before = now(&r);
        assert_eq!(before.0, ["PERSON"]);
        assert!(before.2 && before.3, "there is a step to undo and one to redo");
        let (start, end) = range_of("東京");
        let here = serde_json::json!({ "text": TEXT, "spans": [{ "start": start, "end": end, "label": "LOC" }] }).to_string();
        let earlier = serde_json::json!({ "text": "東京: Wagner is a criminal group.", "spans": [{ "start": 4, "end": 10, "label": "ORG" }] }).to_string();
        let commands = [
            ("undo", HostCommand::Undo),
            ("redo", HostCommand::Redo),
            ("setAnnotations", HostCommand::SetAnnotations(here)),
            ("setAnnotations (re-anchored)", HostCommand::SetAnnotations(earlier)),
        ];
        for (name, command) in commands {
            let e = run(&r, command).expect_err(name);
            assert!(e.contains("read-only"), "{name}: {e}");
            assert_eq!(Some(e), r.read(|s| s.notice.as_ref().map(|n| n.text.clone())), "{name}: the error is the notice");
            assert_eq!(now(&r), before, "{name} changed a read-only document");
        }
    }

    #[test]
    fn set_annotations_applies_to_the_open_text_as_one_undo_step() {
        let r = plain();
        add(&r, "Mills", "PERSON");
        let (start, end) = range_of("東京");
        let json = serde_json::json!({ "text": TEXT, "spans": [{ "start": start, "end": end, "label": "LOC" }] }).to_string();
        assert_eq!(run(&r, HostCommand::SetAnnotations(json)), Ok(Reply::Nothing));
        assert_eq!(labels(&r), ["LOC"]);
        r.dispatch(Action::Undo);
        assert_eq!(labels(&r), ["PERSON"]);
        let e = run(&r, HostCommand::SetAnnotations("{\"spans\": 3}".into())).unwrap_err();
        assert!(!e.is_empty());
        assert_eq!(labels(&r), ["PERSON"]);
    }

    #[test]
    fn add_span_out_of_the_text_and_exports_answer() {
        let r = plain();
        let len = TEXT.chars().count();
        let e = edit(&r, HostCommand::AddSpan { start: len - 2, end: len + 5, label: "ORG".into() }).unwrap_err();
        assert!(e.starts_with("Could not add the span"), "{e}");
        add(&r, "東京", "LOC");
        let Ok(Reply::Record(json)) = edit(&r, HostCommand::GetAnnotations { request_id: None }) else { panic!() };
        let record: serde_json::Value = serde_json::from_str(&json).unwrap();
        // After the three code points of 👩‍💻 and a space.
        assert_eq!(range_of("東京"), (4, 6));
        assert_eq!((record["spans"][0]["start"].as_u64(), record["spans"][0]["text"].as_str()), (Some(4), Some("東京")));
        let Ok(Reply::Export { text, .. }) = run(&r, HostCommand::Export(Format::Brat)) else { panic!() };
        assert!(text.contains("LOC") && text.contains("東京"), "{text}");
    }
}
