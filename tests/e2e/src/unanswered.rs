//! Requests left without an answer, as a server that hangs or a network
//! that fails does to the widget: a [`Gate`] holds requests open until it
//! is lifted, and [`no_answer`] then closes their connection without a
//! response. Test-only, for the stand-ins (`save_stand_in.rs`,
//! `suggest_stand_in.rs`); never in a production build.

use axum::body::Body;
use axum::response::Response;
use std::time::Duration;
use tokio::sync::watch;

/// The longest a request is held (then its connection is closed
/// unanswered), so that a forgotten hang does not hold connections forever.
pub const HOLD_LIMIT: Duration = Duration::from_secs(300);

/// Holds requests while it is on.
pub struct Gate {
    on: watch::Sender<bool>,
}

impl Default for Gate {
    fn default() -> Gate {
        Gate::new()
    }
}

impl Gate {
    pub fn new() -> Gate {
        Gate { on: watch::Sender::new(false) }
    }

    pub fn set(&self, on: bool) {
        self.on.send_replace(on);
    }

    pub fn is_on(&self) -> bool {
        *self.on.borrow()
    }

    /// Waits while the gate is on (at most [`HOLD_LIMIT`]).
    pub async fn wait(&self) {
        let mut lifted = self.on.subscribe();
        let _ = tokio::time::timeout(HOLD_LIMIT, lifted.wait_for(|on| !*on)).await;
    }
}

/// A response that never comes: its body fails before a byte is sent, so
/// hyper drops the connection without writing the buffered head, and the
/// client sees the connection closed with no answer (a network failure).
pub fn no_answer() -> Response {
    let failing = futures_util::stream::once(async { Err::<axum::body::Bytes, std::io::Error>(std::io::Error::other("closed with no answer")) });
    Response::new(Body::from_stream(failing))
}
