//! Runs something once the page has painted its next frame: what the
//! instance does once it has started (its API, the `ready` event). A hidden
//! tab paints no frames, so a timer stands in after a short while.

use gloo::render::{request_animation_frame, AnimationFrame};
use gloo::timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::Rc;

/// When no frame comes (a tab opened in the background).
const NO_FRAME_MS: u32 = 200;

type Job = Rc<RefCell<Option<Box<dyn FnOnce()>>>>;

/// Dropping it cancels the job if it has not run: the frame request, the
/// fallback timer and the timer the frame set are dropped with it.
pub struct AfterPaint {
    _frame: AnimationFrame,
    _fallback: Timeout,
    _after_frame: Rc<RefCell<Option<Timeout>>>,
}

/// Runs `job` in the task after the next frame (so the frame is painted
/// first), or after [`NO_FRAME_MS`] if no frame comes: whichever is first.
pub fn after_next_paint(job: impl FnOnce() + 'static) -> AfterPaint {
    let job: Job = Rc::new(RefCell::new(Some(Box::new(job))));
    let run = |job: &Job| {
        let job = job.borrow_mut().take();
        if let Some(job) = job {
            job();
        }
    };
    let after_frame = Rc::new(RefCell::new(None));
    let frame = {
        let (job, after_frame) = (job.clone(), after_frame.clone());
        request_animation_frame(move |_| {
            *after_frame.borrow_mut() = Some(Timeout::new(0, move || run(&job)));
        })
    };
    let fallback = Timeout::new(NO_FRAME_MS, move || run(&job));
    AfterPaint { _frame: frame, _fallback: fallback, _after_frame: after_frame }
}
