//! Asks a suggestion endpoint (a model server) for spans: `POST` the
//! article as `{"text", "doc_id"}`, read the answer as text for the core
//! (`suggestion::from_model_answer`) to check. A call has a deadline (the
//! `timeouts.suggest` option); asking again replaces the call in flight, and
//! the instance going away aborts it.

use crate::deadline::{self, Failure};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use web_sys::AbortController;
use yew::prelude::*;

/// One instance's model calls: at most one in flight.
#[derive(Clone, Default)]
pub struct ModelCalls {
    live: Rc<RefCell<Option<AbortController>>>,
    gone: Rc<Cell<bool>>,
}

/// The instance's [`ModelCalls`], aborted when it unmounts.
#[hook]
pub fn use_model_calls() -> ModelCalls {
    let calls = (*use_memo((), |_| ModelCalls::default())).clone();
    {
        let calls = calls.clone();
        use_effect_with((), move |_| {
            move || {
                calls.gone.set(true);
                if let Some(call) = calls.live.take() {
                    call.abort();
                }
            }
        });
    }
    calls
}

impl ModelCalls {
    /// The model's answer, or why there is none; `None` when the call was
    /// replaced by a newer one or the instance went (nothing to say).
    pub async fn ask(&self, url: &str, text: &str, doc_id: &str, limit_ms: u32) -> Option<Result<String, String>> {
        let controller = AbortController::new().ok()?;
        if let Some(previous) = self.live.replace(Some(controller.clone())) {
            previous.abort();
        }
        let outgoing = deadline::Outgoing {
            method: "POST",
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: Some(serde_json::json!({ "text": text, "doc_id": doc_id }).to_string()),
            no_store: false,
        };
        let answer = deadline::fetch(url, &outgoing, limit_ms, &controller).await;
        let current = self.live.borrow().as_ref() == Some(&controller);
        if current {
            self.live.take();
        }
        let answer = match answer {
            Ok(answer) if answer.ok() => Ok(answer.body),
            Ok(answer) => Err(format!("the suggestion service answered {} {}", answer.status, answer.status_text)),
            Err(Failure::TimedOut) => Err(format!(
                "the suggestion service at {url} did not answer within {}; your work is unchanged",
                marginalia_core::embed::duration_text(limit_ms.into())
            )),
            Err(Failure::Cancelled) => return None,
            Err(Failure::Network) => Err(format!("the suggestion service at {url} cannot be reached")),
        };
        (current && !self.gone.get()).then_some(answer)
    }
}
