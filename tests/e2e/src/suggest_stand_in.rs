//! A stand-in for a model server's suggestion endpoint. Test-only — the
//! end-to-end harness mounts it beside the CMS stand-in (`servers.rs`);
//! never in a production build. `POST /api/suggest` with `{"text": …}`
//! answers `{"spans": [{"start", "end", "label", "score"}]}` (code points),
//! as a model server would — here from a fixed gazetteer with fixed scores,
//! so that what a threshold keeps is known. Not a model.
//!
//! A model that never answers: `POST /api/suggest/__hang?mode=hold` holds
//! every request open with no answer; `mode=off` answers again (the held
//! connections are closed unanswered).

use crate::reply::Reply;
use crate::save_stand_in::param;
use crate::unanswered::{self, Gate};
use axum::body::Body;
use axum::http::{Method, Request};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use std::sync::{Arc, LazyLock};

/// The largest request body read (the text of a long article fits easily).
const MAX_BODY: usize = 32 * 1024 * 1024;

/// (word, label, score): whole-word, case-sensitive.
const GAZETTEER: &[(&str, &str, f64)] =
    &[("Mali", "GPE", 0.92), ("Russia", "GPE", 0.88), ("Bamako", "GPE", 0.81), ("Kremlin", "ORG", 0.64), ("Wagner", "ORG", 0.35)];

/// The hang switch (one per process: tests that use it have a binary of
/// their own).
static HANG: LazyLock<Arc<Gate>> = LazyLock::new(Default::default);

/// The endpoint's routes, with the process's hang switch.
pub fn routes() -> Router {
    with_gate(HANG.clone())
}

/// The routes with the hang switch `gate`.
fn with_gate(gate: Arc<Gate>) -> Router {
    let switch = gate.clone();
    Router::new()
        .route("/api/suggest/__hang", any(move |request: Request<Body>| async move { hang_control(&switch, request.method(), request.uri().query()) }))
        .route("/api/suggest", any(move |request: Request<Body>| answer(gate, request)))
}

fn hang_control(gate: &Gate, method: &Method, query: Option<&str>) -> Reply {
    match (method.as_str(), param(query, "mode")) {
        ("POST", Some("hold")) => {
            gate.set(true);
            Reply::text(200, "suggestions now hang")
        }
        ("POST", Some("off")) => {
            gate.set(false);
            Reply::text(200, "suggestions answer again")
        }
        _ => Reply::text(400, "usage: POST /api/suggest/__hang?mode=hold|off"),
    }
}

async fn answer(gate: Arc<Gate>, request: Request<Body>) -> Response {
    if gate.is_on() {
        gate.wait().await;
        return unanswered::no_answer();
    }
    if request.method() != "POST" {
        return Reply::text(405, "POST {\"text\": …}").into_response();
    }
    match axum::body::to_bytes(request.into_body(), MAX_BODY).await {
        Ok(body) => suggest(&body).into_response(),
        Err(_) => Reply::text(413, "too large").into_response(),
    }
}

/// The gazetteer's spans in the `text` of a JSON body.
pub fn suggest(body: &[u8]) -> Reply {
    let text = serde_json::from_slice::<serde_json::Value>(body).ok().and_then(|v| v["text"].as_str().map(str::to_string));
    let Some(text) = text else {
        return Reply::text(400, "expected JSON {\"text\": \"…\"}");
    };
    let mut spans = Vec::new();
    for (word, label, score) in GAZETTEER {
        for (byte, _) in text.match_indices(word) {
            let before = text[..byte].chars().next_back();
            let after = text[byte + word.len()..].chars().next();
            if before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric) {
                continue;
            }
            let start = text[..byte].chars().count();
            let end = start + word.chars().count();
            spans.push(format!("{{\"start\":{start},\"end\":{end},\"label\":\"{label}\",\"score\":{score}}}"));
        }
    }
    Reply::new(200, "application/json", format!("{{\"spans\":[{}]}}", spans.join(",")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_in_code_points_with_their_scores() {
        let r = suggest(br#"{"text": "\ud83c\uddf2\ud83c\uddf1 Mali, Malian; \"Wagner\"\nRussia"}"#);
        let body = String::from_utf8(r.body).unwrap();
        // The flag is 2 code points: "Mali" starts at 3; "Malian" is not a match.
        assert!(body.contains(r#"{"start":3,"end":7,"label":"GPE","score":0.92}"#), "{body}");
        assert!(body.contains(r#""start":18,"end":24,"label":"ORG","score":0.35"#), "{body}");
        assert!(body.contains(r#""start":26,"end":32,"label":"GPE""#), "{body}");
        assert_eq!(body.matches("\"start\"").count(), 3);
        assert_eq!(suggest(b"not json").status, 400);
    }

    #[test]
    fn the_switch_holds_and_releases() {
        let gate = Gate::new();
        assert_eq!(hang_control(&gate, &Method::POST, Some("mode=hold")).status, 200);
        assert!(gate.is_on());
        assert_eq!(hang_control(&gate, &Method::GET, Some("mode=off")).status, 400, "POST only");
        assert_eq!(hang_control(&gate, &Method::POST, Some("mode=off")).status, 200);
        assert!(!gate.is_on());
        assert_eq!(hang_control(&gate, &Method::POST, Some("mode=sometimes")).status, 400);
    }
}
