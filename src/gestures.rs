//! Document-level listeners that turn mouse, focus and key gestures into
//! [`Action`]s: one set for the whole article (not one per run), removed
//! when the returned [`Gestures`] is dropped. Each listener is its own
//! function below; they only read the DOM and dispatch (no state here).
//! Events outside this instance's element are not ours (`is_ours`), except
//! on the standalone page, which owns the whole document.
//!
//! A finger selects differently from a mouse: a tap picks the word under
//! it (a second tap grows the selection, as `Action::Tap` says), and the
//! browser's own selection handles (a long press, then dragging them) are
//! read once they have been still for a moment — a selection read at every
//! move would redraw the text under the handles and lose them.

use crate::host::{Host, HostRef};
use crate::keymap::{action_for, KeyPress};
use crate::selection_map::{clear_selection, cp_at_point, selection_in};
use crate::state::{Action, AppState};
use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::callback::Timeout;
use std::cell::{Cell, RefCell};
use marginalia_core::span::SpanId;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Event, HtmlElement, KeyboardEvent, MouseEvent};
use yew::UseReducerHandle;

/// The installed listeners: dropping it removes them.
pub struct Gestures {
    _listeners: Vec<EventListener>,
}

/// How long the browser's selection handles must be still before the
/// selection is taken.
const HANDLES_STILL_MS: u32 = 500;

thread_local! {
    /// The last pointer pressed was a finger or a pen, not a mouse.
    static BY_TOUCH: Cell<bool> = const { Cell::new(false) };
    /// The wait for the selection handles to be still.
    static HANDLES: RefCell<Option<Timeout>> = const { RefCell::new(None) };
}

/// The element an event happened on (a text node's parent).
fn target_element(e: &Event) -> Option<Element> {
    let t = e.target()?;
    match t.dyn_ref::<Element>() {
        Some(el) => Some(el.clone()),
        None => t.dyn_ref::<web_sys::Node>()?.parent_element(),
    }
}

/// The open suggestion whose tag `el` is (or is inside).
fn suggestion_index(el: &Element) -> Option<usize> {
    el.closest(".mg-suggestion-tag").ok()??.get_attribute("data-suggestion")?.parse().ok()
}

/// The span whose label tag `el` is (or is inside).
fn tag_span(el: &Element) -> Option<SpanId> {
    let tag = el.closest(".mg-tag").ok()??;
    tag.get_attribute("data-span")?.parse().ok().map(SpanId)
}

/// Focuses this instance's element with id `name` once the current render
/// is done.
fn focus_later(host: &HostRef, name: String) {
    let host = host.clone();
    gloo::timers::callback::Timeout::new(0, move || {
        let el = host.find(&name);
        if let Some(h) = el.as_ref().and_then(|e| e.dyn_ref::<HtmlElement>()) {
            let _ = h.focus();
        }
    })
    .forget();
}

/// Whether an event belongs to this instance: its target is inside the
/// instance's element. The standalone page owns the whole document (a key
/// pressed with nothing focused still labels the selection).
fn is_ours(host: &Host, target: Option<&Element>) -> bool {
    match target {
        Some(t) => host.element.contains(Some(t)) || (host.standalone && t.closest(".mg-app").ok().flatten().is_none()),
        None => host.standalone,
    }
}

/// Installs the listeners. Every clone of a reducer handle reads the latest
/// state, so the one captured here never goes stale. Each event works on a
/// fresh clone: a handle keeps every state it has dereferenced alive (Yew's
/// deref history), so dereferencing the long-lived one would leak a copy
/// of the annotations per change.
pub fn install(state: UseReducerHandle<AppState>, host: HostRef) -> Gestures {
    let document = web_sys::window().and_then(|w| w.document()).expect("a browser document");
    // Passive (the default) except for keys: a handled key must not also
    // scroll or type.
    let passive = EventListenerOptions::default;
    let keys = EventListenerOptions::enable_prevent_default();
    let listeners = vec![
        listen(&document, "mouseup", passive(), &state, &host, on_mouseup),
        listen(&document, "click", passive(), &state, &host, on_click),
        listen(&document, "focusin", passive(), &state, &host, on_focusin),
        listen(&document, "keydown", keys, &state, &host, on_keydown),
        listen(&document, "pointerdown", passive(), &state, &host, |_, _, e| {
            let pointer: &web_sys::PointerEvent = e.unchecked_ref();
            BY_TOUCH.with(|t| t.set(pointer.pointer_type() != "mouse"));
        }),
        listen(&document, "selectionchange", passive(), &state, &host, on_selection_change),
    ];
    Gestures { _listeners: listeners }
}

/// One document listener calling `handler` with a fresh clone of the
/// reducer's handle per event (see [`install`]).
fn listen(
    document: &Document,
    event: &'static str,
    options: EventListenerOptions,
    state: &UseReducerHandle<AppState>,
    host: &HostRef,
    handler: impl Fn(UseReducerHandle<AppState>, &HostRef, &Event) + 'static,
) -> EventListener {
    let (state, host) = (state.clone(), host.clone());
    EventListener::new_with_options(document, event, options, move |e| handler(state.clone(), &host, e))
}

/// Selecting text (a drag, a double-click) or clicking on a span's words.
fn on_mouseup(state: UseReducerHandle<AppState>, host: &HostRef, e: &Event) {
    let Some(root) = host.find("article") else { return };
    let Some(target) = target_element(e) else { return };
    if !is_ours(host, Some(&target)) {
        return;
    }
    let mouse: &MouseEvent = e.unchecked_ref();
    let article = state.article().clone();
    if let Some((anchor, focus)) = selection_in(&root, article.index()) {
        state.dispatch(Action::Select { anchor, focus, character: mouse.alt_key() });
        clear_selection();
        return;
    }
    // A tag's click is `on_click`'s; outside the article nothing is a span.
    if !root.contains(Some(&target)) || tag_span(&target).is_some() {
        return;
    }
    let spans = run_spans(&target);
    if spans.is_empty() && BY_TOUCH.with(Cell::get) {
        if let Some(at) = cp_at_point(&root, mouse.client_x(), mouse.client_y(), article.index()) {
            state.dispatch(Action::Tap { at });
            return;
        }
    }
    state.dispatch(Action::ClickSpans { spans, x: mouse.client_x(), y: mouse.client_y() });
}

/// The browser's selection changed under a finger (its handles): taken as
/// the pending selection once still.
fn on_selection_change(state: UseReducerHandle<AppState>, host: &HostRef, _: &Event) {
    if !BY_TOUCH.with(Cell::get) {
        return;
    }
    let host = host.clone();
    let wait = Timeout::new(HANDLES_STILL_MS, move || {
        let Some(root) = host.find("article") else { return };
        if let Some((anchor, focus)) = selection_in(&root, state.article().index()) {
            state.dispatch(Action::Select { anchor, focus, character: false });
            clear_selection();
        }
    });
    // Replacing the wait cancels the one before.
    HANDLES.with(|h| *h.borrow_mut() = Some(wait));
}

/// The spans under the run that `target` is (or is inside): its
/// `data-spans`, space separated; none outside a run.
fn run_spans(target: &Element) -> Vec<SpanId> {
    target
        .closest(".mg-run")
        .ok()
        .flatten()
        .and_then(|run| run.get_attribute("data-spans"))
        .map(|s| s.split(' ').filter_map(|n| n.parse().ok()).map(SpanId).collect())
        .unwrap_or_default()
}

/// A suggestion's tag clicked (accepts it), or a label tag clicked (which
/// selects its span, or ends a link being made).
fn on_click(state: UseReducerHandle<AppState>, host: &HostRef, e: &Event) {
    let target = target_element(e).filter(|t| host.element.contains(Some(t)));
    if let Some(i) = target.as_ref().and_then(suggestion_index) {
        state.dispatch(Action::AcceptSuggestions(vec![i]));
        return;
    }
    if let Some(id) = target.as_ref().and_then(tag_span) {
        let mouse: &MouseEvent = e.unchecked_ref();
        state.dispatch(Action::ClickSpans { spans: vec![id], x: mouse.client_x(), y: mouse.client_y() });
    }
}

/// A label tag reached with Tab selects its span (without scrolling: the
/// focus already brought it into view).
fn on_focusin(state: UseReducerHandle<AppState>, host: &HostRef, e: &Event) {
    let target = target_element(e).filter(|t| host.element.contains(Some(t)));
    if let Some(id) = target.as_ref().and_then(tag_span) {
        state.dispatch(Action::SelectSpan { id, scroll: false });
    }
}

/// A key in this instance: the keys of tags and the claim form first, then
/// the shortcut table. An IME composition's keys are the IME's.
fn on_keydown(state: UseReducerHandle<AppState>, host: &HostRef, e: &Event) {
    let key: &KeyboardEvent = e.unchecked_ref();
    if key.is_composing() {
        return;
    }
    let target = target_element(e);
    if !is_ours(host, target.as_ref()) {
        return;
    }
    if let Some(t) = &target {
        if reject_suggestion_key(&state, key, t) || claim_tag_enter(&state, host, key, t) || claim_form_escape(&state, host, key, t) {
            return;
        }
    }
    shortcut(&state, key, target.as_ref());
}

/// X on a suggestion's tag rejects it (Enter clicks the button: accepts).
/// Whether the key was handled.
fn reject_suggestion_key(state: &UseReducerHandle<AppState>, key: &KeyboardEvent, t: &Element) -> bool {
    if !matches!(key.key().as_str(), "x" | "X") || key.ctrl_key() || key.meta_key() {
        return false;
    }
    let Some(i) = suggestion_index(t) else { return false };
    key.prevent_default();
    state.dispatch(Action::RejectSuggestions(vec![i]));
    true
}

/// The claim form is reached from the claim's tag with Enter and left with
/// Escape, back to the tag: Tab from a tag goes on to the next tag (and
/// selects it), so it cannot lead into the form. Whether the key was handled.
fn claim_tag_enter(state: &UseReducerHandle<AppState>, host: &HostRef, key: &KeyboardEvent, t: &Element) -> bool {
    if key.key() != "Enter" || !t.matches(".mg-claim-tag").unwrap_or(false) {
        return false;
    }
    let Some(id) = tag_span(t) else { return false };
    key.prevent_default();
    state.dispatch(Action::SelectSpan { id, scroll: false });
    focus_later(host, "claim-form-first".into());
    true
}

/// Escape in the claim form goes back to the claim's tag (while a link is
/// being picked, Escape cancels the picking instead: the shortcut table's).
/// Whether the key was handled.
fn claim_form_escape(state: &UseReducerHandle<AppState>, host: &HostRef, key: &KeyboardEvent, t: &Element) -> bool {
    if key.key() != "Escape" || state.focus.linking().is_some() || t.closest(".mg-claim-form").ok().flatten().is_none() {
        return false;
    }
    let Some(id) = state.focus.selected() else { return false };
    key.prevent_default();
    focus_later(host, format!("tag-{}", id.0));
    true
}

/// The shortcut table (`keymap.rs`) for a key pressed on `target`; a key it
/// maps is the app's alone.
fn shortcut(state: &UseReducerHandle<AppState>, key: &KeyboardEvent, target: Option<&Element>) {
    let (in_text_field, in_choice_field) = field_kind(target);
    let in_article = target.is_some_and(|t| t.closest(".mg-article").ok().flatten().is_some());
    let press = KeyPress {
        key: &key.key(),
        ctrl: key.ctrl_key(),
        meta: key.meta_key(),
        shift: key.shift_key(),
        alt: key.alt_key(),
        in_text_field,
        in_choice_field,
        in_article,
    };
    let schema = state.editor.schema().clone();
    if let Some(action) = action_for(&press, &schema) {
        key.prevent_default();
        crate::on_demand::text_search::dispatch(&state.dispatcher(), action);
    }
}

/// (in a text field, in a choice field). A select or a checkbox chooses
/// with keys but cannot undo; a text field types and has its own undo.
fn field_kind(target: Option<&Element>) -> (bool, bool) {
    let in_choice_field = target.is_some_and(|t| match t.tag_name().as_str() {
        "SELECT" => true,
        "INPUT" => matches!(t.get_attribute("type").as_deref(), Some("checkbox" | "radio")),
        _ => false,
    });
    let in_text_field = !in_choice_field
        && target.is_some_and(|t| {
            matches!(t.tag_name().as_str(), "INPUT" | "TEXTAREA")
                || t.dyn_ref::<HtmlElement>().is_some_and(|h| h.is_content_editable())
        });
    (in_text_field, in_choice_field)
}
