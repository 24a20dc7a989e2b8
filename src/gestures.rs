//! Document-level listeners that turn mouse, focus and key gestures into
//! [`Action`]s: one set for the whole article (not one per run), removed
//! when the returned [`Gestures`] is dropped.

use crate::host::{Host, HostRef};
use crate::keymap::{action_for, KeyPress};
use crate::selection_map::{clear_selection, selection_in};
use crate::state::{Action, AppState};
use gloo::events::{EventListener, EventListenerOptions};
use marginalia_core::span::SpanId;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent, MouseEvent};
use yew::UseReducerHandle;

pub struct Gestures {
    _listeners: Vec<EventListener>,
}


fn target_element(e: &web_sys::Event) -> Option<Element> {
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

fn tag_span(el: &Element) -> Option<SpanId> {
    let tag = el.closest(".mg-tag").ok()??;
    tag.get_attribute("data-span")?.parse().ok().map(SpanId)
}

/// Installs the listeners. Every clone of a reducer handle reads the latest
/// state, so the one captured here never goes stale. Each event works on a
/// fresh clone: a handle keeps every state it has dereferenced alive (Yew's
/// deref history), so dereferencing the long-lived one would leak a copy
/// of the annotations per change.
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

pub fn install(state: UseReducerHandle<AppState>, host: HostRef) -> Gestures {
    let document = web_sys::window().and_then(|w| w.document()).expect("a browser document");
    let mut listeners = Vec::new();

    // Selecting text (a drag, a double-click) or clicking on a span.
    {
        let state = state.clone();
        let host = host.clone();
        listeners.push(EventListener::new(&document, "mouseup", move |e| {
            let state = state.clone();
            let Some(root) = host.find("article") else { return };
            let Some(target) = target_element(e) else { return };
            if !is_ours(&host, Some(&target)) {
                return;
            }
            let mouse: &MouseEvent = e.unchecked_ref();
            let article = state.article().clone();
            if let Some((anchor, focus)) = selection_in(&root, article.index()) {
                state.dispatch(Action::Select { anchor, focus, character: mouse.alt_key() });
                clear_selection();
                return;
            }
            if !root.contains(Some(&target)) || tag_span(&target).is_some() {
                return;
            }
            let spans = target
                .closest(".mg-run")
                .ok()
                .flatten()
                .and_then(|run| run.get_attribute("data-spans"))
                .map(|s| s.split(' ').filter_map(|n| n.parse().ok()).map(SpanId).collect())
                .unwrap_or_default();
            state.dispatch(Action::ClickSpans { spans, x: mouse.client_x(), y: mouse.client_y() });
        }));
    }

    // A label tag clicked (which selects its span, or ends a link being
    // made), or reached with Tab (which selects it).
    {
        let state = state.clone();
        let host = host.clone();
        listeners.push(EventListener::new(&document, "click", move |e| {
            let state = state.clone();
            let target = target_element(e).filter(|t| host.element.contains(Some(t)));
            if let Some(i) = target.as_ref().and_then(suggestion_index) {
                state.dispatch(Action::AcceptSuggestions(vec![i]));
                return;
            }
            if let Some(id) = target.as_ref().and_then(tag_span) {
                let mouse: &MouseEvent = e.unchecked_ref();
                state.dispatch(Action::ClickSpans { spans: vec![id], x: mouse.client_x(), y: mouse.client_y() });
            }
        }));
    }
    {
        let state = state.clone();
        let host = host.clone();
        listeners.push(EventListener::new(&document, "focusin", move |e| {
            let state = state.clone();
            let target = target_element(e).filter(|t| host.element.contains(Some(t)));
            if let Some(id) = target.as_ref().and_then(tag_span) {
                state.dispatch(Action::SelectSpan { id, scroll: false });
            }
        }));
    }

    // Keys. Not passive: a handled key must not also scroll or type.
    {
        let options = EventListenerOptions::enable_prevent_default();
        listeners.push(EventListener::new_with_options(&document, "keydown", options, move |e| {
            let state = state.clone();
            let key: &KeyboardEvent = e.unchecked_ref();
            if key.is_composing() {
                return;
            }
            let target = target_element(e);
            if !is_ours(&host, target.as_ref()) {
                return;
            }
            // The claim form is reached from the claim's tag with Enter and
            // left with Escape, back to the tag: Tab from a tag goes on to
            // the next tag (and selects it), so it cannot lead into the form.
            if let Some(t) = &target {
                // X on a suggestion's tag rejects it (Enter clicks the button: accepts).
                if matches!(key.key().as_str(), "x" | "X") && !key.ctrl_key() && !key.meta_key() {
                    if let Some(i) = suggestion_index(t) {
                        e.prevent_default();
                        state.dispatch(Action::RejectSuggestions(vec![i]));
                        return;
                    }
                }
                if key.key() == "Enter" && t.matches(".mg-claim-tag").unwrap_or(false) {
                    if let Some(id) = tag_span(t) {
                        e.prevent_default();
                        state.dispatch(Action::SelectSpan { id, scroll: false });
                        focus_later(&host, "claim-form-first".into());
                        return;
                    }
                }
                // (Escape while a link is being picked cancels the picking.)
                if key.key() == "Escape"
                    && state.focus.linking().is_none()
                    && t.closest(".mg-claim-form").ok().flatten().is_some()
                {
                    if let Some(id) = state.focus.selected() {
                        e.prevent_default();
                        focus_later(&host, format!("tag-{}", id.0));
                        return;
                    }
                }
            }
            // A select or a checkbox chooses with keys but cannot undo; a
            // text field types and has its own undo.
            let in_choice_field = target.as_ref().is_some_and(|t| match t.tag_name().as_str() {
                "SELECT" => true,
                "INPUT" => matches!(t.get_attribute("type").as_deref(), Some("checkbox" | "radio")),
                _ => false,
            });
            let in_text_field = !in_choice_field
                && target.as_ref().is_some_and(|t| {
                    matches!(t.tag_name().as_str(), "INPUT" | "TEXTAREA")
                        || t.dyn_ref::<HtmlElement>().is_some_and(|h| h.is_content_editable())
                });
            let in_article = target.as_ref().is_some_and(|t| t.closest(".mg-article").ok().flatten().is_some());
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
                e.prevent_default();
                state.dispatch(action);
            }
        }));
    }
    Gestures { _listeners: listeners }
}
