//! A reference suggestion endpoint for the examples and the tests, std
//! only: `POST /api/suggest` with `{"text": …}` answers
//! `{"spans": [{"start", "end", "label", "score"}]}` (code points), as a
//! model server would — here from a fixed gazetteer with fixed scores, so
//! that what a threshold keeps is known. Not a model.
//!
//! A model that never answers: `POST /api/suggest/__hang?mode=hold` holds
//! every request open with no answer; `mode=off` answers again (the held
//! connections are closed unanswered).

use crate::save_endpoint::Gate;
use crate::static_server::{HttpRequest, HttpResponse};

/// The hang switch (one per process: tests that use it have a binary of
/// their own).
static HANG: Gate = Gate::new();

/// (word, label, score): whole-word, case-sensitive.
const GAZETTEER: &[(&str, &str, f64)] =
    &[("Mali", "GPE", 0.92), ("Russia", "GPE", 0.88), ("Bamako", "GPE", 0.81), ("Kremlin", "ORG", 0.64), ("Wagner", "ORG", 0.35)];

pub fn handle(req: &HttpRequest) -> Option<HttpResponse> {
    handle_with(req, &HANG)
}

/// [`handle`] with the hang switch `hang`.
fn handle_with(req: &HttpRequest, hang: &Gate) -> Option<HttpResponse> {
    if req.path() == "/api/suggest/__hang" {
        return Some(match (req.method.as_str(), req.query("mode")) {
            ("POST", Some("hold")) => {
                hang.set(true);
                HttpResponse::new(200, "text/plain", "suggestions now hang\n")
            }
            ("POST", Some("off")) => {
                hang.set(false);
                HttpResponse::new(200, "text/plain", "suggestions answer again\n")
            }
            _ => HttpResponse::new(400, "text/plain", "usage: POST /api/suggest/__hang?mode=hold|off\n"),
        });
    }
    if req.path() != "/api/suggest" {
        return None;
    }
    if hang.is_on() {
        hang.wait();
        return Some(HttpResponse { status: 0, headers: Vec::new(), body: Vec::new() });
    }
    if req.method != "POST" {
        return Some(HttpResponse::new(405, "text/plain", "POST {\"text\": …}"));
    }
    let text = match std::str::from_utf8(&req.body).ok().and_then(text_of) {
        Some(t) => t,
        None => return Some(HttpResponse::new(400, "text/plain", "expected JSON {\"text\": \"…\"}")),
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
    Some(HttpResponse::new(200, "application/json", format!("{{\"spans\":[{}]}}", spans.join(","))))
}

/// The `text` string of a JSON object, decoded (std only: escapes included).
fn text_of(body: &str) -> Option<String> {
    let at = body.find("\"text\"")? + 6;
    let rest = body[at..].trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    let unit = u16::from_str_radix(&hex, 16).ok()?;
                    if (0xD800..0xDC00).contains(&unit) {
                        // A surrogate pair: \uD83D\uDC4D.
                        let (b, u) = (chars.next()?, chars.next()?);
                        if (b, u) != ('\\', 'u') {
                            return None;
                        }
                        let low: String = chars.by_ref().take(4).collect();
                        let low = u16::from_str_radix(&low, 16).ok()?;
                        out.push(char::decode_utf16([unit, low]).next()?.ok()?);
                    } else {
                        out.push(char::from_u32(unit as u32)?);
                    }
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(body: &str) -> HttpResponse {
        let req = HttpRequest { method: "POST".into(), target: "/api/suggest".into(), headers: vec![], body: body.as_bytes().to_vec() };
        handle(&req).expect("handled")
    }

    #[test]
    fn whole_words_in_code_points_with_their_scores() {
        let r = post(r#"{"text": "\ud83c\uddf2\ud83c\uddf1 Mali, Malian; \"Wagner\"\nRussia"}"#);
        let body = String::from_utf8(r.body).unwrap();
        // The flag is 2 code points: "Mali" starts at 3; "Malian" is not a match.
        assert!(body.contains(r#"{"start":3,"end":7,"label":"GPE","score":0.92}"#), "{body}");
        assert!(body.contains(r#""start":18,"end":24,"label":"ORG","score":0.35"#), "{body}");
        assert!(body.contains(r#""start":26,"end":32,"label":"GPE""#), "{body}");
        assert_eq!(body.matches("\"start\"").count(), 3);
        assert_eq!(post("not json").status, 400);
    }

    #[test]
    fn a_hang_holds_requests_until_lifted() {
        // A gate of its own: the process's switch is shared by the tests.
        static GATE: Gate = Gate::new();
        let request = |target: &str, body: &str| HttpRequest {
            method: "POST".into(),
            target: target.into(),
            headers: vec![],
            body: body.as_bytes().to_vec(),
        };
        let control = |mode: &str| handle_with(&request(&format!("/api/suggest/__hang?mode={mode}"), ""), &GATE).unwrap().status;
        let post = move |body: &str| handle_with(&request("/api/suggest", body), &GATE).unwrap();
        assert_eq!(control("hold"), 200);
        let held = std::thread::spawn(move || post(r#"{"text": "Mali"}"#).status);
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert!(!held.is_finished(), "no answer while the hang lasts");
        assert_eq!(control("off"), 200);
        assert_eq!(held.join().unwrap(), 0, "closed with no answer");
        assert_eq!(post(r#"{"text": "Mali"}"#).status, 200);
        assert_eq!(control("sometimes"), 400);
    }
}
