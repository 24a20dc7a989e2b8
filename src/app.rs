//! The root component: owns the state, wires the components' callbacks to
//! actions, and runs the side effects a change calls for (persisting,
//! scrolling, downloading, reading files).

use crate::components::article_view::ArticleView;
use crate::components::chooser::{chooser_items, ChooserMenu};
use crate::components::claim_form::{claim_data, AttributeField, ClaimForm};
use crate::components::document_form::DocumentForm;
use crate::components::label_bar::LabelBar;
use crate::components::notice_bar::NoticeBar;
use crate::components::paste_dialog::PasteDialog;
use crate::adjudication_view::start_review;
use marginalia_core::adjudication::{Decision, EditedSpan};
use crate::components::adjudication_panel::AdjudicationPanel;
use crate::components::find_box::FindBox;
use crate::components::review_panel::ReviewPanel;
use crate::components::status_form::StatusForm;
use crate::components::suggestion_panel::SuggestionPanel;
use crate::components::save_conflict::SaveConflict;
use crate::components::tab_conflict::TabConflict;
use marginalia_core::merge::Side;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;
use crate::components::side_panel::{label_groups, SidePanel};
use crate::components::status_bar::StatusBar;
use crate::components::toolbar::Toolbar;
use crate::article_input::article_from;
use crate::document_session;
use crate::file_open::{open_bytes, open_pasted, Opened};
use crate::opening::{Announce, Given, Request};
use crate::host::{Host, HostEvent, HostRef};
use crate::gestures;
use crate::state::{Action, AppState, Notice, NoticeKind, ScrollTarget};
use marginalia_core::formats::Format;
use marginalia_core::patterns::PatternSet;
use marginalia_core::suggestion::{from_model_answer, Source, Suggestion};
use crate::idle::IdleWork;
use crate::{bar_heights, clock, download, file_read, frame_messages, js_api, model_suggest, remote_save, save_param, storage, tab_sync, viewport};
use marginalia_core::article::{megabytes, Article, MAX_TEXT_BYTES};
use marginalia_core::editor::Editor;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::{Record, SaveInfo};
use marginalia_core::snap::Precision;
use marginalia_core::tokenize::TokenizeInSteps;
use std::sync::Arc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{DragEvent, File, HtmlElement, ScrollIntoViewOptions, ScrollLogicalPosition};
use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use yew::prelude::*;

const DEFAULT_ID: &str = "mali-russia-wagner";
const DEFAULT_TITLE: &str = "The foreign minister of Mali confirms the continuation of military cooperation with Russia";
const DEFAULT_TEXT: &str = include_str!("../assets/articles/mali-russia-wagner.txt");

/// The instance's first request: the article its host gives (with the
/// annotations it gives, which work stored in this browser wins over —
/// `opening.rs`), or on the standalone page the document open last in this
/// browser (and the time its work began). Problems are said in a notice.
fn first_request(host: &Host, problems: &mut Vec<String>) -> Option<(Request, Option<String>)> {
    let options = &host.options;
    let request = |article, given| Request {
        read_only: Some(options.read_only),
        annotator: options.annotator.clone(),
        ..Request::new(article, given, Announce::Starting)
    };
    if let Some(input) = &options.article {
        let article = article_from(input).map_err(|e| problems.push(format!("The article given was not opened: {e}"))).ok()?;
        return Some((request(article, Given::Nothing), None));
    }
    if !host.standalone {
        return None;
    }
    let record = storage::load_current()?;
    let article = record.article().ok()?;
    Some((request(article, Given::Nothing), record.created_at))
}

/// The first state of an instance: its first request opened as every later
/// one is (`document_session.rs`), else the default article. Options that
/// cannot be used are said in a notice.
fn init_state(host: &Host) -> AppState {
    let options = &host.options;
    let mut problems: Vec<String> = host.startup_error.iter().cloned().collect();
    let schema = match &options.schema {
        Some(value) => LabelSchema::from_json(&value.to_string()).map_err(|e| problems.push(format!("The label schema given was not used: {e}"))).ok(),
        None if host.standalone => storage::load_schema(),
        None => None,
    };
    let schema = Arc::new(schema.unwrap_or_else(LabelSchema::news_default));
    let default = || Article::new(DEFAULT_ID, DEFAULT_TITLE, DEFAULT_TEXT).expect("the default article is valid");
    let (mut request, created_at) = first_request(host, &mut problems).unwrap_or_else(|| {
        (Request { read_only: Some(options.read_only), ..Request::new(default(), Given::Nothing, Announce::Starting) }, None)
    });
    if let Some(json) = options.annotations.as_ref().filter(|_| options.article.is_some()) {
        match document_session::host_work(&json.to_string(), &request.article, &schema) {
            Ok(work) => request.given = Given::Host(work),
            Err(e) => problems.push(format!("The annotations given were not used: {e}")),
        }
    }
    let info = SaveInfo { annotator: options.annotator.clone(), created_at: created_at.or_else(|| Some(clock::now_iso())), updated_at: None, task: Default::default() };
    let mut state = AppState::new(Editor::new(Arc::new(default()), schema.clone()), info);
    match document_session::opening_for(request, &schema) {
        Ok(opening) => state.open_document(&opening),
        Err(e) => problems.push(e),
    }
    if !problems.is_empty() {
        let said = state.notice.take().map(|n| format!(" {}", n.text)).unwrap_or_default();
        state.notice = Some(Notice { kind: NoticeKind::Error, text: format!("{}{said}", problems.join(" ")), offer: None });
    }
    state
}

/// How long after a change the work is written to local storage.
const PERSIST_DELAY_MS: u32 = 250;

/// Tokens are computed in idle moments, in pieces of about this many bytes
/// (about a millisecond each), while more than this much idle time is left.
const TOKEN_WARM_PIECE_BYTES: usize = 4_096;
const TOKEN_WARM_MARGIN_MS: f64 = 2.0;

fn error(text: String) -> Action {
    Action::Notify(Notice { kind: NoticeKind::Error, text, offer: None })
}

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub host: HostRef,
}

/// The record a host receives with an event: the save without its derived
/// tokens (they can be rebuilt from the text, and events fire often).
fn event_detail(state: &AppState) -> JsValue {
    let record = Record::from_editor(&state.editor, &state.save_info, false);
    js_sys::JSON::parse(&serde_json::to_string(&record).unwrap_or_default()).unwrap_or(JsValue::NULL)
}

#[component]
pub fn App(props: &AppProps) -> Html {
    let host = props.host.clone();
    let state = {
        let host = host.clone();
        use_reducer(move || init_state(&host))
    };
    let paste_open = use_state(|| false);
    let stored = use_state_eq(|| Ok::<(), AttrValue>(()));
    let save_endpoint = {
        let host = host.clone();
        use_memo((), move |_| save_param::save_endpoint(&host))
    };
    let on_remote_saved = {
        let (state, host) = (state.clone(), host.clone());
        Callback::from(move |_: ()| host.emit(HostEvent::Save, &event_detail(&state.clone())))
    };
    // The endpoint names one document: the one open when the instance
    // started. Another article opened meanwhile is not sent there (saving
    // resumes when the CMS's document is open again, re-anchored or not).
    let endpoint_doc = {
        let id = state.article().id.clone();
        use_memo((), move |_| id)
    };
    let endpoint = (*save_endpoint).clone().filter(|_| state.article().id == *endpoint_doc);
    let remote = remote_save::use_remote_save(&state, endpoint, host.options.timeouts.save_ms(), on_remote_saved);

    // Keep the work in this browser: a moment after each change (a burst of
    // labels is written once, off the path of the next frame) and at once
    // when the page is hidden or unloaded.
    {
        let state = state.clone();
        let stored = stored.clone();
        let host = host.clone();
        let timer = use_mut_ref(|| None::<Timeout>);
        let reported = use_mut_ref(|| state.revision);
        use_effect_with(state.revision, move |_| {
            let pending = Timeout::new(PERSIST_DELAY_MS, move || {
                let state = state.clone();
                // Another tab may have stored since: merge that first (the
                // merge is a change, so it is written in turn).
                match tab_sync::store(&state) {
                    Ok(tab_sync::Stored::Wrote(copy)) => {
                        stored.set(Ok(()));
                        state.dispatch(Action::TabStored(Rc::new(copy)));
                    }
                    Ok(tab_sync::Stored::Behind(theirs)) => state.dispatch(Action::TabReceived(Rc::new(theirs))),
                    Ok(tab_sync::Stored::Same | tab_sync::Stored::Held) => stored.set(Ok(())),
                    Err(e) => stored.set(Err(e.into())),
                }
                // The host hears of each settled burst of changes once.
                if *reported.borrow() != state.revision {
                    *reported.borrow_mut() = state.revision;
                    host.emit(HostEvent::Change, &event_detail(&state));
                }
            });
            *timer.borrow_mut() = Some(pending);
        });
    }
    // Another tab on the same document: its writes are merged in. Each
    // article's base is its stored version as it opens.
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            let listener = tab_sync::listen(state);
            move || drop(listener)
        });
    }
    {
        let state = state.clone();
        let article_key = Arc::as_ptr(state.article()) as usize;
        use_effect_with(article_key, move |_| {
            let base = match tab_sync::stored_copy(&state) {
                Some(Ok(copy)) => copy,
                _ => crate::state::TabCopy { sha256: state.article().sha256().to_string(), json: String::new(), snapshot: Default::default() },
            };
            state.dispatch(Action::TabStored(Rc::new(base)));
        });
    }
    // Errors shown in the page are reported to the host too.
    {
        let host = host.clone();
        let error = state.notice.as_ref().filter(|n| n.kind == NoticeKind::Error).map(|n| n.text.clone());
        use_effect_with(error, move |error| {
            if let Some(message) = error {
                let detail = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&detail, &"message".into(), &JsValue::from_str(message));
                host.emit(HostEvent::Error, &detail);
            }
        });
    }
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            let window = web_sys::window().expect("a browser window");
            let document = window.document().expect("a document");
            let flush = {
                let state = state.clone();
                move |_: &web_sys::Event| {
                    let state = state.clone();
                    // Hidden is not gone (another tab came to the front):
                    // what was stored becomes this tab's base.
                    match document_session::persist(&state) {
                        Ok(tab_sync::Stored::Wrote(copy)) => state.dispatch(Action::TabStored(Rc::new(copy))),
                        Ok(tab_sync::Stored::Behind(merged)) => state.dispatch(Action::TabReceived(Rc::new(merged))),
                        _ => {}
                    }
                }
            };
            let listeners = [
                EventListener::new(&window, "pagehide", flush.clone()),
                EventListener::new(&document, "visibilitychange", flush),
            ];
            // Destroyed by its host (`handle.destroy()`): the last changes,
            // still waiting for the delayed write, are written now.
            move || {
                drop(listeners);
                let _ = document_session::persist(&state);
            }
        });
    }

    // Effects for each opened article are keyed by its allocation (its hash
    // is computed on first use).
    let article_key = Arc::as_ptr(state.article()) as usize;

    // Tokens are computed on first use; compute them in idle moments once
    // the article shows, a piece at a time, so that neither the first paint
    // nor the first selection waits for them.
    {
        let article = state.article().clone();
        use_effect_with(article_key, move |_| {
            let mut progress = TokenizeInSteps::new();
            let warm = IdleWork::start(move |time_left| loop {
                if article.warm_tokens(&mut progress, TOKEN_WARM_PIECE_BYTES) {
                    return true;
                }
                if time_left() < TOKEN_WARM_MARGIN_MS {
                    return false;
                }
            });
            move || drop(warm)
        });
    }

    // The side panel sticks between the header and the status line, whose
    // heights change with notices, wrapping and the window's size.
    {
        let host = host.clone();
        use_effect_with((), move |_| {
            let bars = bar_heights::watch(&host);
            move || drop(bars)
        });
    }

    // Bring a chosen span, or the keyboard caret, into view.
    {
        let state = state.clone();
        let host = host.clone();
        use_effect_with(state.scroll_seq, move |_| scroll_into_view(&host, state.scroll_to));
    }

    // Mouse, focus and keyboard gestures, for the app's lifetime.
    {
        let state = state.clone();
        let host = host.clone();
        use_effect_with((), move |_| {
            let gestures = gestures::install(state.clone(), host.clone());
            let viewport = viewport::track(state.clone(), host.clone());
            let frame = frame_messages::listen(state.clone(), host.clone());
            // The API and `ready` once the first frame is painted: the
            // instance has then started, and a document the host opens at
            // once is drawn at once (not after the rest of the start-up
            // and a frame of the default article).
            let api = Rc::new(RefCell::new(None::<js_api::JsApi>));
            let start = {
                let (api, state, host) = (api.clone(), state.clone(), host.clone());
                move || {
                    *api.borrow_mut() = Some(js_api::expose(state.clone(), &host));
                    host.emit(HostEvent::Ready, &event_detail(&state));
                }
            };
            let ready = host.first_paint.then(start);
            move || drop((gestures, viewport, frame, ready, api))
        });
    }

    // Each article opens with a window sized for a common screen: measure
    // the real one once it shows.
    {
        let (state, host) = (state.clone(), host.clone());
        use_effect_with(article_key, move |_| {
            let frame = viewport::measure_next_frame(state, host);
            move || drop(frame)
        });
    }

    let dispatch = state.dispatcher();
    // Callbacks that only dispatch are made once: a fresh closure on every
    // render would make the components they go to render again too.
    let on_find = use_callback(dispatch.clone(), |(query, forward), d| d.dispatch(Action::Find { query, forward }));
    let on_label = use_callback(dispatch.clone(), |label, d| d.dispatch(Action::ApplyLabel(label)));
    let on_status = use_callback(dispatch.clone(), |status, d| d.dispatch(Action::SetStatus(status)));
    let on_document_label =
        use_callback(dispatch.clone(), |(key, value), d| d.dispatch(Action::SetDocumentLabel { key, value }));
    let on_dismiss_notice = use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::DismissNotice));
    let on_undo = use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::Undo));
    let on_redo = use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::Redo));
    let on_precision = use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::TogglePrecision));
    let on_select_item = use_callback(dispatch.clone(), |id, d| d.dispatch(Action::SelectSpan { id, scroll: true }));
    let on_delete_selected = use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::DeleteSelected));
    let on_propagate =
        use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::LabelAllOccurrences { ignore_case: false }));
    let on_visible =
        use_callback(dispatch.clone(), |(labels, visible), d| d.dispatch(Action::SetLabelsVisible { labels, visible }));
    let act = |make: fn() -> Action| {
        let d = dispatch.clone();
        Callback::from(move |_: ()| d.dispatch(make()))
    };

    let open_file = {
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
    };

    let open_schema = {
        let d = dispatch.clone();
        Callback::from(move |file: File| {
            let d = d.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let name = file.name();
                let parsed = file_read::read_bytes(&file)
                    .await
                    .and_then(|b| String::from_utf8(b).map_err(|_| format!("“{name}” is not UTF-8 text")))
                    .and_then(|json| LabelSchema::from_json(&json).map_err(|e| format!("“{name}”: {e}")));
                match parsed {
                    Ok(schema) => {
                        let _ = storage::save_schema(&schema);
                        d.dispatch(Action::SetSchema(schema));
                    }
                    Err(e) => d.dispatch(error(format!("{e}. The labels are unchanged."))),
                }
            });
        })
    };

    // A patterns file: its matches on this article become suggestions.
    let open_patterns = {
        let state = state.clone();
        Callback::from(move |file: File| {
            let state = state.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let name = file.name();
                let d = state.dispatcher();
                let read = file_read::read_bytes(&file)
                    .await
                    .and_then(|b| String::from_utf8(b).map_err(|_| format!("“{name}” is not UTF-8 text")));
                let text = match read {
                    Ok(t) => t,
                    Err(e) => return d.dispatch(error(format!("{e}. Nothing was suggested."))),
                };
                match PatternSet::from_jsonl(&text) {
                    Ok(patterns) => {
                        let schema = state.editor.schema().clone();
                        // Capped in the core: a file that matches too much
                        // suggests its first matches and says what it left out.
                        let found = patterns.all_matches(state.article());
                        let mut left_out = found.notices(&patterns);
                        let (known, unknown): (Vec<_>, Vec<_>) = found.matches.into_iter().partition(|m| schema.label(&m.label).is_some());
                        let items = known
                            .into_iter()
                            .map(|m| Suggestion { start: m.start, end: m.end, label: m.label, source: Source::Pattern, score: None })
                            .collect();
                        d.dispatch(Action::Suggest { source: Source::Pattern, items });
                        if !unknown.is_empty() {
                            let mut labels: Vec<_> = unknown.iter().map(|m| m.label.clone()).collect();
                            labels.dedup();
                            left_out.push(format!(
                                "{} match(es) with labels this schema does not have ({}) were left out",
                                unknown.len(),
                                labels.join(", ")
                            ));
                        }
                        // After the suggestions, so this message stays on screen.
                        if !left_out.is_empty() {
                            d.dispatch(error(format!("“{name}”: {}.", left_out.join("; "))));
                        }
                    }
                    Err(e) => d.dispatch(error(format!("“{name}” was not used: {e}. Nothing was suggested."))),
                }
            });
        })
    };

    // A model's suggestions, from the configured endpoint.
    let suggest_endpoint = host.options.endpoints.suggest.clone();
    let model_calls = model_suggest::use_model_calls();
    let ask_model = {
        let (state, endpoint) = (state.clone(), suggest_endpoint.clone());
        let limit_ms = host.options.timeouts.suggest_ms();
        Callback::from(move |min_score: f64| {
            let (state, endpoint, calls) = (state.clone(), endpoint.clone(), model_calls.clone());
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
    };

    // Several annotators' saves of one text: a review, building a gold version.
    let open_review = {
        let state = state.clone();
        Callback::from(move |files: Vec<File>| {
            let state = state.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let d = state.dispatcher();
                let mut read = Vec::new();
                for file in files {
                    let name = file.name();
                    match file_read::read_bytes(&file).await.and_then(|b| String::from_utf8(b).map_err(|_| format!("“{name}” is not UTF-8 text"))) {
                        Ok(text) => read.push((name, text)),
                        Err(e) => return d.dispatch(error(format!("{e}. No review was started; your work is unchanged."))),
                    }
                }
                let reviewer = state.save_info.annotator.clone().unwrap_or_else(|| "reviewer".into());
                document_session::persist_before_switch(&state, &d);
                match start_review(&read, state.editor.schema(), &reviewer) {
                    Ok(adjudication) => d.dispatch(Action::StartAdjudication(Rc::new(adjudication))),
                    Err(e) => d.dispatch(error(format!("No review was started: {e}. Your work is unchanged."))),
                }
            });
        })
    };

    let save = {
        let state = state.clone();
        let d = dispatch.clone();
        let host = host.clone();
        Callback::from(move |_: ()| {
            let mut info = state.save_info.clone();
            info.updated_at = Some(clock::now_iso());
            if let Some(adjudication) = state.mode.adjudication() {
                // The gold version, with the review's reviewers and sources in its meta.
                let record = adjudication.gold.record(&info);
                let name = format!("{}.gold.marginalia.json", state.article().id);
                if download::download_text(&name, "application/json", &record.to_json()).is_err() {
                    d.dispatch(error("The browser refused the download; the review is still open.".into()));
                }
                return;
            }
            let record = Record::from_editor(&state.editor, &info, true);
            let name = format!("{}.marginalia.json", state.article().id);
            if download::download_text(&name, "application/json", &record.to_json()).is_err() {
                d.dispatch(error("The browser refused the download; your work is still kept in this browser.".into()));
            } else {
                host.emit(HostEvent::Save, &event_detail(&state));
            }
        })
    };

    let export = {
        let state = state.clone();
        let d = dispatch.clone();
        Callback::from(move |format: Format| {
            let mut info = state.save_info.clone();
            info.updated_at = Some(clock::now_iso());
            let record = Record::from_editor(&state.editor, &info, true);
            match download::export(&record, format) {
                Ok(losses) if losses.is_empty() => {}
                Ok(losses) => d.dispatch(Action::Notify(Notice {
                    kind: NoticeKind::Info,
                    text: format!("Exported as {}, which cannot hold everything: {}.", format.title(), losses.join("; ")),
                    offer: None,
                })),
                Err(e) => d.dispatch(error(format!("{e}; your work is still kept in this browser."))),
            }
        })
    };

    let on_paste_open = {
        let d = dispatch.clone();
        let paste_open = paste_open.clone();
        let state = state.clone();
        Callback::from(move |text: String| {
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
    };

    let ondrop = {
        let open_file = open_file.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(file) = e.data_transfer().and_then(|t| t.files()).and_then(|f| f.get(0)) {
                open_file.emit(file);
            }
        })
    };
    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());

    let accept_offer = {
        let d = dispatch.clone();
        let state = state.clone();
        Callback::from(move |_: ()| {
            if let Some(loaded) = state.notice.as_ref().and_then(|n| n.offer.clone()) {
                document_session::open(&state, &d, document_session::chosen_save(&loaded));
            }
        })
    };

    let editor = &state.editor;
    let selected = state.focus.selected().and_then(|id| editor.annotations().get(id)).map(|s| {
        (s.id, s.label.clone(), editor.article().slice(s.start, s.end).to_string())
    });
    // Labels whose every item the annotator asked to see listed.
    let show_all = use_state(BTreeSet::<String>::new);
    // The side panel lists each label's items from the first idle moment
    // after an article opens (its counts show at once): the article's own
    // spans are what the annotator waits for, and a long list of items
    // costs as much to lay out as a screenful of them.
    let listed_for = use_state(|| 0usize);
    let listed = *listed_for == article_key;
    {
        let listed_for = listed_for.clone();
        use_effect_with(article_key, move |&key| {
            let list = IdleWork::start(move |_| {
                listed_for.set(key);
                true
            });
            move || drop(list)
        });
    }
    let groups = {
        let state = state.clone();
        // The editor's revision too: another tab's work can come in without
        // a change of this tab's own to write.
        use_memo((state.revision, state.editor.revision(), (*show_all).clone(), listed), move |(_, _, show_all, listed)| {
            label_groups(&state.editor, show_all, *listed)
        })
    };
    let on_show_all = use_callback(show_all.clone(), |label: String, show_all| {
        let mut labels = (**show_all).clone();
        labels.insert(label);
        show_all.set(labels);
    });
    let document_fields: Vec<AttributeField> = editor
        .schema()
        .document_labels
        .iter()
        .map(|def| AttributeField { def: def.clone(), value: editor.annotations().document_labels().get(&def.name).cloned(), default: None, unset_choice: false })
        .collect();
    let claim = state.focus.selected().and_then(|id| claim_data(editor, id));
    let claim_form = match claim {
        Some(data) => {
            let id = data.id;
            let d = dispatch.clone();
            html! {
                <ClaimForm
                    {data}
                    linking={state.focus.linking().map(|(_, l)| l.to_string())}
                    onattribute={{ let d = d.clone(); Callback::from(move |(key, value)| d.dispatch(Action::SetAttribute { id, key, value })) }}
                    onlink={{ let d = d.clone(); Callback::from(move |(label, to)| d.dispatch(Action::AddRelation { from: id, to, label })) }}
                    onunlink={{ let d = d.clone(); Callback::from(move |rid| d.dispatch(Action::RemoveRelation(rid))) }}
                    onpick={{ let d = d.clone(); Callback::from(move |label| d.dispatch(Action::StartLinking { label })) }}
                    onerror={{ let d = d.clone(); Callback::from(move |text| d.dispatch(error(format!("No link made: {text}.")))) }}
                />
            }
        }
        None => html! {},
    };
    let document_form = html! {
        <>
        <StatusForm status={editor.annotations().status().cloned()}
            onchange={on_status} />
        <DocumentForm fields={document_fields}
            onchange={on_document_label} />
        </>
    };
    let adjudication_panel = match state.mode.adjudication() {
        Some(adjudication) => html! {
            <AdjudicationPanel adjudication={adjudication.clone()}
                ondecide={{ let d = dispatch.clone(); Callback::from(move |decision| d.dispatch(Action::Decide(decision))) }}
                onedit={{
                    let state = state.clone();
                    Callback::from(move |item: usize| {
                        // The reviewer's spans over the item's extent become its version.
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
                }}
                onundo={act(|| Action::UndoDecision)}
                onsave={save.clone()}
                onleave={act(|| Action::LeaveAdjudication)} />
        },
        None => html! {},
    };
    let review_panel = match state.mode.review() {
        Some(review) => html! {
            <ReviewPanel review={review.clone()}
                onshow={{ let d = dispatch.clone(); Callback::from(move |id| d.dispatch(Action::SelectSpan { id, scroll: true })) }}
                onkeep={{ let d = dispatch.clone(); Callback::from(move |id| d.dispatch(Action::KeepReanchored(id))) }}
                ondelete={{ let d = dispatch.clone(); Callback::from(move |id| d.dispatch(Action::DeleteReanchored(id))) }}
                ondismiss={act(|| Action::DismissReview)} />
        },
        None => html! {},
    };
    let suggestion_panel = if state.suggestions.is_empty() {
        html! {}
    } else {
        html! {
            <SuggestionPanel suggestions={state.suggestions.clone()}
                onaccept={{ let d = dispatch.clone(); Callback::from(move |ids| d.dispatch(Action::AcceptSuggestions(ids))) }}
                onreject={{ let d = dispatch.clone(); Callback::from(move |ids| d.dispatch(Action::RejectSuggestions(ids))) }}
                onaccept_in_view={{
                    let (state, host) = (state.clone(), host.clone());
                    Callback::from(move |_: ()| {
                        // Measured at the click: the paragraphs on screen now.
                        let Some((first, last)) = viewport::visible_paragraphs(&host, state.article()) else { return };
                        let paragraphs = state.article().paragraphs();
                        let (from, to) = (paragraphs[first].start, paragraphs[last.saturating_sub(1).max(first)].end);
                        let ids = state.suggestions.iter().enumerate().filter(|(_, s)| s.start < to && from < s.end).map(|(i, _)| i).collect();
                        state.dispatch(Action::AcceptSuggestions(ids));
                    })
                }} />
        }
    };
    let layers = {
        let schema = editor.schema().clone();
        use_memo(schema, |schema| {
            let mut layers: Vec<(String, Vec<String>)> = Vec::new();
            for l in &schema.labels {
                match layers.iter_mut().find(|(name, _)| *name == l.layer) {
                    Some((_, labels)) => labels.push(l.name.clone()),
                    None => layers.push((l.layer.clone(), vec![l.name.clone()])),
                }
            }
            layers
        })
    };
    let claims = editor.annotations().iter().filter(|s| s.layer == marginalia_core::label_schema::CLAIM_LAYER).count();
    let selection_text = state.focus.pending().map(|(s, e)| AttrValue::from(editor.article().slice(s, e).to_string()));

    html! {
        <ContextProvider<HostRef> context={host.clone()}>
        <div class={classes!("mg-app", host.options.theme.class(), state.read_only.then_some("mg-read-only"))} {ondrop} {ondragover}>
            if !host.standalone {
                <div class="mg-crash" role="alert" hidden=true></div>
            }
            <header class="mg-header">
                <div class="mg-brand">
                    <h1>{ "Marginalia" }</h1>
                    <span class="mg-doc" title={state.article().title.clone()}>{ state.article().title.clone() }</span>
                    <FindBox onfind={on_find} />
                </div>
                <Toolbar
                    can_undo={editor.history().can_undo()}
                    can_redo={editor.history().can_redo()}
                    character_precision={state.precision == Precision::Character}
                    paste_open={*paste_open}
                    onopen={open_file}
                    onschema={open_schema}
                    onpatterns={open_patterns}
                    onreview={open_review}
                    model={suggest_endpoint.is_some()}
                    onmodel={ask_model}
                    onsave={save}
                    onexport={export}
                    onundo={on_undo}
                    onredo={on_redo}
                    onprecision={on_precision}
                    onpaste={{ let p = paste_open.clone(); Callback::from(move |_| p.set(!*p)) }}
                />
                <LabelBar schema={editor.schema().clone()} onlabel={on_label} />
                // In the sticky header: a message about a file opened while
                // the article is scrolled must show where the user is looking.
                <NoticeBar notice={state.notice.clone()} onaccept={accept_offer} ondismiss={on_dismiss_notice} />
                if let Some(c) = &state.tab_conflict {
                    <TabConflict
                        conflicts={{
                            let article = state.article().clone();
                            let quote = move |a: usize, b: usize| article.slice(a, b).to_string();
                            c.conflicts.iter().map(|x| AttrValue::from(x.describe(&quote))).collect::<Vec<_>>()
                        }}
                        onkeepmine={{ let d = dispatch.clone(); Callback::from(move |_: ()| d.dispatch(Action::ResolveTabConflict(Side::Mine))) }}
                        ontaketheirs={{
                            let state = state.clone();
                            Callback::from(move |_: ()| {
                                // Never drop the annotator's version unseen: no file, no switch.
                                let record = Record::from_editor(&state.editor, &state.save_info, true);
                                let name = format!("{}.mine.marginalia.json", state.article().id);
                                match download::download_text(&name, "application/json", &record.to_json()) {
                                    Ok(()) => state.dispatch(Action::ResolveTabConflict(Side::Theirs)),
                                    Err(_) => state.dispatch(error("The browser refused to download your version, so the other tab's was not taken.".into())),
                                }
                            })
                        }} />
                }
                if let Some(r) = remote.as_ref().filter(|r| r.view.conflict) {
                    <SaveConflict pending={r.view.pending} onkeepmine={r.keep_mine.clone()} onloadtheirs={r.load_theirs.clone()} />
                }
            </header>
            if *paste_open {
                <PasteDialog onopen={on_paste_open} onclose={{ let p = paste_open.clone(); Callback::from(move |_| p.set(false)) }} />
            }
            <p id={host.id("help")} class="mg-visually-hidden">
                { "Select text with the mouse, or use the arrow keys to move through words and Shift with arrows to extend; then press a label's number key. Tab reaches each annotation; Delete removes the selected one." }
            </p>
            <div class="mg-body">
                <ArticleView title={AttrValue::from(state.article().title.clone())} views={state.views.clone()} />
                <SidePanel
                    {groups}
                    {listed}
                    total={editor.annotations().len()}
                    {selected}
                    onselect={on_select_item}
                    ondelete={on_delete_selected}
                    document={document_form}
                    claim={claim_form}
                    review={html! { <>{ adjudication_panel }{ review_panel }</> }}
                    suggestions={suggestion_panel}
                    onpropagate={on_propagate}
                    hidden={state.hidden.clone()}
                    {layers}
                    onvisible={on_visible}
                    onshowall={on_show_all}
                />
            </div>
            if let Some(chooser) = state.focus.chooser() {
                <ChooserMenu
                    chooser={chooser.clone()}
                    items={chooser_items(editor, chooser)}
                    onchoose={{ let d = dispatch.clone(); Callback::from(move |id| d.dispatch(Action::SelectSpan { id, scroll: false })) }}
                    onclose={act(|| Action::Escape)}
                />
            }
            <StatusBar spans={editor.annotations().len()} {claims} suggestions={state.suggestions.len()}
                status={editor.annotations().status().map(|s| s.state.title())} selection={selection_text} stored={(*stored).clone()}
                remote={remote.as_ref().map(|r| (r.view.text.clone(), r.view.kind))} />
        </div>
        </ContextProvider<HostRef>>
    }
}

fn scroll_into_view(host: &Host, target: Option<ScrollTarget>) {
    let options = ScrollIntoViewOptions::new();
    let element = match target {
        Some(ScrollTarget::Span(id)) => {
            options.set_block(ScrollLogicalPosition::Center);
            host.find(&format!("tag-{}", id.0))
        }
        Some(ScrollTarget::Suggestion(i)) => {
            options.set_block(ScrollLogicalPosition::Center);
            host.element.query_selector(&format!(".mg-suggestion-tag[data-suggestion=\"{i}\"]")).ok().flatten()
        }
        Some(ScrollTarget::Pending) => {
            options.set_block(ScrollLogicalPosition::Nearest);
            host.element.query_selector(".mg-pending").ok().flatten()
        }
        None => None,
    };
    if let Some(el) = element {
        el.scroll_into_view_with_scroll_into_view_options(&options);
        if matches!(target, Some(ScrollTarget::Span(_) | ScrollTarget::Suggestion(_))) {
            if let Some(h) = el.dyn_ref::<HtmlElement>() {
                let _ = h.focus();
            }
        }
    }
}
