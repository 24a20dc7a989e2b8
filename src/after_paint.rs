//! Runs something once an instance's first frame is painted: what the
//! instance does once it has started (its API, the `ready` event).
//!
//! The watch starts when the instance is created, before its first render,
//! so that it sees the frame that render is painted in. Started from an
//! effect, it would wait for a second frame whenever Yew runs the effects
//! after that paint (it yields to the browser after 16 ms of rendering).
//! A hidden tab paints no frames, so a timer stands in after a short while.

use gloo::render::{request_animation_frame, AnimationFrame};
use gloo::timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::{Rc, Weak};

/// When no frame comes (a tab opened in the background).
const NO_FRAME_MS: u32 = 200;

type Job = Rc<RefCell<Option<Box<dyn FnOnce()>>>>;

struct Inner {
    painted: bool,
    /// The jobs waiting for the paint.
    jobs: Vec<Job>,
    /// The timer the frame set (kept here: a timer must not be dropped
    /// while its own callback runs).
    after_frame: Option<Timeout>,
    /// The tasks of the jobs after the first (see [`painted`]).
    later: Vec<Timeout>,
}

/// Whether the instance's first frame is painted, and what waits for it.
pub struct FirstPaint {
    inner: Rc<RefCell<Inner>>,
    _frame: AnimationFrame,
    _fallback: Timeout,
}

/// A job given to [`FirstPaint::then`]; dropping it cancels the job if it
/// has not run.
pub struct AfterPaint {
    job: Job,
    _timer: Option<Timeout>,
}

impl Drop for AfterPaint {
    fn drop(&mut self) {
        self.job.borrow_mut().take();
    }
}

fn run(job: &Job) {
    let job = job.borrow_mut().take();
    if let Some(job) = job {
        job();
    }
}

/// Runs `job` in a task of its own (unless cancelled meanwhile).
fn in_a_task(job: Job) -> Timeout {
    Timeout::new(0, move || run(&job))
}

/// Marks the paint and runs the jobs that waited for it, each in a task of
/// its own: the first (`ready`) is not
/// held until the others are done (fetching the parts ahead took 20 ms).
fn painted(inner: &Weak<RefCell<Inner>>) {
    let Some(inner) = inner.upgrade() else { return };
    let jobs = {
        let mut inner = inner.borrow_mut();
        if inner.painted {
            return;
        }
        inner.painted = true;
        std::mem::take(&mut inner.jobs)
    };
    let mut jobs = jobs.into_iter();
    if let Some(first) = jobs.next() {
        run(&first);
    }
    let later = jobs.map(in_a_task).collect();
    inner.borrow_mut().later = later;
}

impl FirstPaint {
    /// Starts watching for the next frame (the first render's).
    pub fn start() -> FirstPaint {
        let inner = Rc::new(RefCell::new(Inner { painted: false, jobs: Vec::new(), after_frame: None, later: Vec::new() }));
        let frame = {
            let weak = Rc::downgrade(&inner);
            request_animation_frame(move |_| {
                // The task after the frame: it has been painted by then.
                let after = {
                    let weak = weak.clone();
                    Timeout::new(0, move || painted(&weak))
                };
                if let Some(inner) = weak.upgrade() {
                    inner.borrow_mut().after_frame = Some(after);
                }
            })
        };
        let fallback = {
            let weak = Rc::downgrade(&inner);
            Timeout::new(NO_FRAME_MS, move || painted(&weak))
        };
        FirstPaint { inner, _frame: frame, _fallback: fallback }
    }

    /// Runs `job` in the task after the first frame is painted (or after
    /// [`NO_FRAME_MS`] if no frame comes): at once in a task of its own if
    /// that has happened already.
    pub fn then(&self, job: impl FnOnce() + 'static) -> AfterPaint {
        let job: Job = Rc::new(RefCell::new(Some(Box::new(job))));
        let mut inner = self.inner.borrow_mut();
        if inner.painted {
            AfterPaint { job: job.clone(), _timer: Some(in_a_task(job)) }
        } else {
            inner.jobs.push(job.clone());
            AfterPaint { job, _timer: None }
        }
    }
}
