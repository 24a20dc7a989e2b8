//! The HTTP side of the saver: `GET` of the server's copy and `PUT` of the
//! work, each one `fetch` to the endpoint within the machine's deadline
//! (milliseconds, `SyncConfig::request_timeout_ms`, capped to what a timer
//! takes). Every answer becomes one `Outcome` for the machine: a `GET`
//! without an ETag, or a `PUT` answered 2xx without one, is a broken
//! endpoint (no write could be guarded), never a success. The request in
//! flight is the one the shared `AbortController` slot holds; an answer
//! clears the slot only when it still holds that request's controller.

use super::saver::Saver;
use crate::clock;
use crate::deadline::{self, Answer, Failure, Outgoing};
use marginalia_core::record::{Record, SaveInfo};
use marginalia_core::remote_sync::{Outcome, Precondition};
use web_sys::AbortController;

impl Saver {
    /// The server's copy: (`Loaded`, its body) or a failure.
    pub(super) async fn get(&self) -> (Outcome, Option<String>) {
        let get = Outgoing { method: "GET", headers: self.host_headers(), body: None, no_store: true };
        let response = match self.fetch(&get).await {
            Ok(r) => r,
            Err(outcome) => return (outcome, None),
        };
        match (response.status, response.header("ETag")) {
            (404, _) => (Outcome::Loaded { etag: None }, None),
            (200, Some(etag)) => (Outcome::Loaded { etag: Some(etag) }, Some(response.body)),
            // Without an ETag no write could be guarded: a broken endpoint.
            (status, _) => (Outcome::ServerError { status }, None),
        }
    }

    /// `PUT`s the work as it is now, which is `revision` (sent along in
    /// `X-Marginalia-Revision`, so a server can see it never gets one twice);
    /// the outcome, and the body sent. The body is the light record: no
    /// `tokens` key (they are derived from `text`, and would multiply the
    /// size of every save of a long article; docs/EMBEDDING.md says how a
    /// CMS gets them).
    pub(super) async fn put(&self, precondition: Precondition, revision: u64) -> (Outcome, String) {
        let body = {
            let app = self.app();
            let info = SaveInfo { updated_at: Some(clock::now_iso()), ..app.save_info.clone() };
            Record::from_editor(&app.editor, &info, false).to_json()
        };
        let mut headers = self.host_headers();
        headers.push(("Content-Type".into(), "application/json".into()));
        headers.push(("X-Marginalia-Revision".into(), revision.to_string()));
        headers.push(match &precondition {
            Precondition::IfMatch(tag) => ("If-Match".into(), tag.clone()),
            Precondition::IfNoneMatchAny => ("If-None-Match".into(), "*".into()),
        });
        let put = Outgoing { method: "PUT", headers, body: Some(body), no_store: false };
        let outcome = match self.fetch(&put).await {
            Ok(response) => match (response.status, response.header("ETag")) {
                (200..=299, Some(etag)) => Outcome::Saved { etag },
                (409 | 412, _) => Outcome::Conflict,
                (status, _) => Outcome::ServerError { status },
            },
            Err(outcome) => outcome,
        };
        (outcome, put.body.unwrap_or_default())
    }

    /// The host's headers for the endpoint (checked when the options were
    /// read: none of them is one the contract sets).
    fn host_headers(&self) -> Vec<(String, String)> {
        self.headers.0.iter().map(|(name, value)| (name.clone(), value.clone())).collect()
    }

    /// One request to the endpoint, within the machine's deadline.
    async fn fetch(&self, outgoing: &Outgoing) -> Result<Answer, Outcome> {
        let controller = AbortController::new().map_err(|_| Outcome::NetworkError)?;
        *self.request.borrow_mut() = Some(controller.clone());
        let limit = self.machine.borrow().request_timeout_ms().min(u32::MAX.into()) as u32;
        let answer = deadline::fetch(&self.endpoint, outgoing, limit, &controller).await;
        let ours = self.request.borrow().as_ref() == Some(&controller);
        if ours {
            self.request.take();
        }
        answer.map_err(|failure| match failure {
            Failure::TimedOut => Outcome::TimedOut,
            // Cancelled: the instance went; its saver is retired.
            Failure::Cancelled | Failure::Network => Outcome::NetworkError,
        })
    }
}
