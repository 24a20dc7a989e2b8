//! Which paragraphs are on screen: measured on scroll and resize (once per
//! animation frame) by binary search over the paragraphs' positions, and
//! reported as [`Action::ShowParagraphs`] only when the view nears the edge
//! of the decorated window.

use crate::host::{Host, HostRef};
use crate::state::{window_needs_moving, Action, AppState};
use gloo::events::{EventListener, EventListenerOptions};
use gloo::render::{request_animation_frame, AnimationFrame};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use marginalia_core::article::Article;
use web_sys::Element;
use yew::UseReducerHandle;

pub struct Viewport {
    _listeners: Vec<EventListener>,
}

/// Paragraph indices `first..last` that intersect the window's height. The
/// article's children are blocks: decorated paragraphs, and groups of plain
/// paragraphs. The blocks on screen are found first (a group's box is known
/// without laying out its paragraphs), then the paragraphs inside them.
pub fn visible_paragraphs(host: &Host, article: &Article) -> Option<(usize, usize)> {
    let window = web_sys::window()?;
    let height = window.inner_height().ok()?.as_f64()?;
    let blocks = host.find("article")?.children();
    let (first_block, last_block) = on_screen(blocks.length() as usize, height, |i| blocks.item(i as u32))?;
    let first = paragraph_index(article, &on_screen_paragraphs(&blocks.item(first_block as u32)?, height)?.0)?;
    let last = paragraph_index(article, &on_screen_paragraphs(&blocks.item(last_block as u32 - 1)?, height)?.1)?;
    let n = article.paragraphs().len();
    Some((first, (last + 1).max(first + 1).min(n)))
}

/// Items `first..last` (of `n`, in order down the page) that intersect the
/// window's height; at least one.
fn on_screen(n: usize, height: f64, item: impl Fn(usize) -> Option<Element>) -> Option<(usize, usize)> {
    if n == 0 {
        return None;
    }
    let rect = |i: usize| item(i).map(|e| e.get_bounding_client_rect());
    // First item whose bottom is below the top of the screen.
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if rect(mid)?.bottom() < 0.0 {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    let first = lo.min(n - 1);
    let mut last = first + 1;
    while last < n && rect(last)?.top() < height {
        last += 1;
    }
    Some((first, last))
}

/// The first and last paragraph elements of `block` on screen (a decorated
/// paragraph is its own).
fn on_screen_paragraphs(block: &Element, height: f64) -> Option<(Element, Element)> {
    if block.matches(".mg-par").unwrap_or(false) {
        return Some((block.clone(), block.clone()));
    }
    let paragraphs = block.children();
    let (first, last) = on_screen(paragraphs.length() as usize, height, |i| paragraphs.item(i as u32))?;
    Some((paragraphs.item(first as u32)?, paragraphs.item(last as u32 - 1)?))
}

/// A paragraph element's index in the article, from its first code point.
fn paragraph_index(article: &Article, paragraph: &Element) -> Option<usize> {
    let start: usize = paragraph.get_attribute("data-start")?.parse().ok()?;
    let i = article.paragraphs().partition_point(|p| p.start < start);
    (i < article.paragraphs().len()).then_some(i)
}

/// Measures the viewport and moves the decorated window if the view has
/// come near its edge.
fn measure(state: &UseReducerHandle<AppState>, host: &Host) {
    if let Some((first, last)) = visible_paragraphs(host, state.article()) {
        let n = state.article().paragraphs().len();
        if window_needs_moving(&state.decorated, first, last, n) {
            state.dispatch(Action::ShowParagraphs { first, last });
        }
    }
}

/// Measures once in the next frame (unless dropped before). An article
/// opens with a window sized for a common screen; a taller one is then
/// decorated to its bottom.
pub fn measure_next_frame(state: UseReducerHandle<AppState>, host: HostRef) -> AnimationFrame {
    request_animation_frame(move |_| measure(&state.clone(), &host))
}

pub fn track(state: UseReducerHandle<AppState>, host: HostRef) -> Viewport {
    let window = web_sys::window().expect("a browser window");
    let document = window.document().expect("a document");
    let scheduled = Rc::new(Cell::new(false));
    let resized = host.clone();
    let measure = {
        let scheduled = scheduled.clone();
        Rc::new(Closure::<dyn Fn()>::new(move || {
            scheduled.set(false);
            measure(&state.clone(), &host);
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
        EventListener::new_with_options(&window, "resize", EventListenerOptions::default(), move |e| {
            on_change(e);
            if let Some(tell) = resized.on_resize.borrow().as_ref() {
                tell.emit(());
            }
        }),
    ];
    Viewport { _listeners: listeners }
}
