//! Work done in slices while the page is idle (`requestIdleCallback`), so
//! that none of it delays a frame the annotator is waiting for. Browsers
//! without it (Safari) get short timer slices instead. Dropping the work
//! cancels what is left.

use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::IdleDeadline;

/// How long a slice may run when the browser does not say (no idle
/// callbacks): well under a frame.
const TIMER_SLICE_MS: f64 = 8.0;

type Slice = Box<dyn FnMut(&dyn Fn() -> f64) -> bool>;

struct Inner {
    slice: Slice,
    /// The pending callback: (idle, id) for an idle callback, or a timer.
    pending: Option<(bool, i32)>,
    callback: Option<Closure<dyn FnMut(JsValue)>>,
}

pub struct IdleWork {
    inner: Rc<RefCell<Inner>>,
}

impl IdleWork {
    /// Calls `slice` in idle moments until it returns true (done). It is
    /// given the milliseconds left in the moment and should stop soon after
    /// they run out.
    pub fn start(slice: impl FnMut(&dyn Fn() -> f64) -> bool + 'static) -> IdleWork {
        let inner = Rc::new(RefCell::new(Inner { slice: Box::new(slice), pending: None, callback: None }));
        let weak = Rc::downgrade(&inner);
        let callback = Closure::<dyn FnMut(JsValue)>::new(move |deadline: JsValue| {
            let Some(inner) = weak.upgrade() else { return };
            let done = {
                let mut inner = inner.borrow_mut();
                inner.pending = None;
                let started = now();
                // A timer passes no deadline.
                let left = move || match deadline.is_undefined() {
                    false => deadline.unchecked_ref::<IdleDeadline>().time_remaining(),
                    true => TIMER_SLICE_MS - (now() - started),
                };
                (inner.slice)(&left)
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
    js_sys::Date::now()
}

fn schedule(inner: &Rc<RefCell<Inner>>) {
    let Some(window) = web_sys::window() else { return };
    let mut inner = inner.borrow_mut();
    let Some(callback) = inner.callback.as_ref() else { return };
    let function = callback.as_ref().unchecked_ref();
    let idle = js_sys::Reflect::has(&window, &JsValue::from_str("requestIdleCallback")).unwrap_or(false);
    let pending = if idle {
        window.request_idle_callback(function).ok().map(|id| (true, id as i32))
    } else {
        window.set_timeout_with_callback_and_timeout_and_arguments_0(function, 0).ok().map(|id| (false, id))
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
