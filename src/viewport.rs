//! Which paragraphs are on screen: measured on scroll and resize (once per
//! animation frame) by binary search over the paragraphs' positions, and
//! reported as [`Action::ShowParagraphs`] only when the view nears the edge
//! of the decorated window.

use crate::host::{Host, HostRef};
use crate::state::{window_needs_moving, Action, AppState};
use gloo::events::{EventListener, EventListenerOptions};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::UseReducerHandle;

pub struct Viewport {
    _listeners: Vec<EventListener>,
}

/// Paragraph indices `first..last` that intersect the window's height.
pub fn visible_paragraphs(host: &Host) -> Option<(usize, usize)> {
    let window = web_sys::window()?;
    let height = window.inner_height().ok()?.as_f64()?;
    let article = host.find("article")?;
    let paragraphs = article.children();
    let n = paragraphs.length() as usize;
    let rect = |i: usize| paragraphs.item(i as u32).map(|p: Element| p.get_bounding_client_rect());
    // First paragraph whose bottom is below the top of the screen.
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if rect(mid)?.bottom() < 0.0 {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    let first = lo;
    let mut last = first;
    while last < n && rect(last)?.top() < height {
        last += 1;
    }
    Some((first, last.max(first + 1).min(n)))
}

pub fn track(state: UseReducerHandle<AppState>, host: HostRef) -> Viewport {
    let window = web_sys::window().expect("a browser window");
    let document = window.document().expect("a document");
    let scheduled = Rc::new(Cell::new(false));
    let measure = {
        let state = state.clone();
        let scheduled = scheduled.clone();
        Rc::new(Closure::<dyn Fn()>::new(move || {
            let state = state.clone();
            scheduled.set(false);
            if let Some((first, last)) = visible_paragraphs(&host) {
                let n = state.article().paragraphs().len();
                if window_needs_moving(&state.decorated, first, last, n) {
                    state.dispatch(Action::ShowParagraphs { first, last });
                }
            }
        }))
    };
    let on_change = move |_: &web_sys::Event| {
        if !scheduled.replace(true) {
            if let Some(w) = web_sys::window() {
                let _ = w.request_animation_frame(measure.as_ref().as_ref().unchecked_ref());
            }
        }
    };
    let on_change = Rc::new(on_change);
    // Scrolling is caught in the capture phase on the document, so that a
    // host page that scrolls the widget inside its own container counts too.
    let on_scroll = on_change.clone();
    let listeners = vec![
        EventListener::new_with_options(&document, "scroll", EventListenerOptions::run_in_capture_phase(), move |e| on_scroll(e)),
        EventListener::new_with_options(&window, "resize", EventListenerOptions::default(), move |e| on_change(e)),
    ];
    Viewport { _listeners: listeners }
}
