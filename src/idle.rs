//! Work done in slices while the page is idle (`requestIdleCallback`), so
//! that none of it delays a frame the annotator is waiting for. Browsers
//! without it (Safari) get short timer slices instead. Dropping the work
//! cancels what is left.
//!
//! The work begins once the page has settled: in an idle period long enough
//! to show that no frame is due (browsers grant up to 50 ms then, and only
//! the time left before the next frame while one is). Between the frames of
//! an article's first paint, a slice would push the second frame back.

use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::IdleDeadline;

/// How long a slice may run: well under a frame, so that a key pressed
/// meanwhile waits little (idle periods can last 50 ms).
const SLICE_MS: f64 = 8.0;

/// An idle period at least this long means that no frame is due.
const SETTLED_IDLE_MS: f64 = 30.0;

/// Without idle callbacks: the first slice after this delay, the others at
/// once.
const SETTLE_TIMER_MS: i32 = 200;

/// A page that never settles (a host animating all the time) gets the work
/// anyway after this long, in whatever idle moments it has.
const SETTLE_AT_MOST_MS: f64 = 1_000.0;

/// A page with no idle moment at all still gets each slice after this long
/// (`requestIdleCallback`'s `timeout`): headless Chromium was seen giving
/// none for seconds after a burst of edits, and the side panel's list
/// waited on it.
const IDLE_AT_MOST_MS: u32 = 1_000;

type Slice = Box<dyn FnMut(&dyn Fn() -> f64) -> bool>;

struct Inner {
    slice: Slice,
    /// The pending callback: (idle, id) for an idle callback, or a timer.
    pending: Option<(bool, i32)>,
    callback: Option<Closure<dyn FnMut(JsValue)>>,
    /// Whether a slice has run (the page had settled).
    begun: bool,
    /// When the work was started.
    created: f64,
}

pub struct IdleWork {
    inner: Rc<RefCell<Inner>>,
}

impl IdleWork {
    /// Calls `slice` in idle moments, once the page has settled, until it
    /// returns true (done). It is given the milliseconds left in the moment
    /// and should stop soon after they run out.
    pub fn start(slice: impl FnMut(&dyn Fn() -> f64) -> bool + 'static) -> IdleWork {
        let inner = Rc::new(RefCell::new(Inner { slice: Box::new(slice), pending: None, callback: None, begun: false, created: now() }));
        let weak = Rc::downgrade(&inner);
        let callback = Closure::<dyn FnMut(JsValue)>::new(move |deadline: JsValue| {
            let Some(inner) = weak.upgrade() else { return };
            let done = {
                let mut inner = inner.borrow_mut();
                inner.pending = None;
                let started = now();
                // A timer passes no deadline.
                let deadline = deadline.dyn_into::<IdleDeadline>().ok();
                let idle = deadline.as_ref().map(|d| d.time_remaining());
                let waited = started - inner.created;
                if !inner.begun && idle.is_some_and(|ms| ms < SETTLED_IDLE_MS) && waited < SETTLE_AT_MOST_MS {
                    false
                } else {
                    inner.begun = true;
                    let left = move || {
                        let slice = SLICE_MS - (now() - started);
                        deadline.as_ref().map_or(slice, |d| d.time_remaining().min(slice))
                    };
                    (inner.slice)(&left)
                }
            };
            if !done {
                schedule(&inner);
            }
        });
        inner.borrow_mut().callback = Some(callback);
        schedule(&inner);
        IdleWork { inner }
    }
}

fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or_else(js_sys::Date::now, |p| p.now())
}

fn schedule(inner: &Rc<RefCell<Inner>>) {
    let Some(window) = web_sys::window() else { return };
    let mut inner = inner.borrow_mut();
    let Some(callback) = inner.callback.as_ref() else { return };
    let function = callback.as_ref().unchecked_ref();
    let idle = js_sys::Reflect::has(&window, &JsValue::from_str("requestIdleCallback")).unwrap_or(false);
    let pending = if idle {
        let options = web_sys::IdleRequestOptions::new();
        options.set_timeout(IDLE_AT_MOST_MS);
        window.request_idle_callback_with_options(function, &options).ok().map(|id| (true, id as i32))
    } else {
        let delay = if inner.begun { 0 } else { SETTLE_TIMER_MS };
        window.set_timeout_with_callback_and_timeout_and_arguments_0(function, delay).ok().map(|id| (false, id))
    };
    inner.pending = pending;
}

impl Drop for IdleWork {
    fn drop(&mut self) {
        let mut inner = self.inner.borrow_mut();
        if let (Some((idle, id)), Some(window)) = (inner.pending.take(), web_sys::window()) {
            if idle {
                window.cancel_idle_callback(id as u32);
            } else {
                window.clear_timeout_with_handle(id);
            }
        }
        inner.callback = None;
    }
}
