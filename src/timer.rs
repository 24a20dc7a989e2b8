//! A timer for code in a part. A part cannot make a browser callback of
//! its own: wasm-bindgen binds only the first load's, and a callback first
//! made in a part fails at run time ("function signature mismatch"). So
//! parts set their timers through this one instance, over a boxed
//! closure, which the first load uses too (the delayed local write) and so
//! keeps.

use gloo::timers::callback::Timeout;

/// Runs `f` once after `ms` milliseconds, unless the timer is dropped first.
#[inline(never)]
pub fn after(ms: u32, f: Box<dyn FnOnce()>) -> Timeout {
    Timeout::new(ms, f)
}
