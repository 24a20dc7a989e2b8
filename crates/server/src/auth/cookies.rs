//! The two cookies of a signed-in browser. `mg_session` carries the session
//! secret: `HttpOnly` (no script reads it) and `SameSite=Strict` (no other
//! site's page sends it). `mg_csrf` carries the session's CSRF token, which
//! the page's scripts read and send back in `X-CSRF-Token` with every
//! request that changes something (double submit: another site can make a
//! browser send the cookie, never read it into a header).

use axum::http::{header, HeaderMap, HeaderValue};

pub const SESSION: &str = "mg_session";
pub const CSRF: &str = "mg_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// `Set-Cookie` values that start a session lasting `max_age_s` seconds.
/// `secure` adds `Secure` (the server is reached over HTTPS).
pub fn start(secret: &str, csrf: &str, max_age_s: i64, secure: bool) -> [HeaderValue; 2] {
    let secure = if secure { "; Secure" } else { "" };
    [
        value(format!("{SESSION}={secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_s}{secure}")),
        value(format!("{CSRF}={csrf}; Path=/; SameSite=Strict; Max-Age={max_age_s}{secure}")),
    ]
}

/// `Set-Cookie` values that end the session in this browser.
pub fn end(secure: bool) -> [HeaderValue; 2] {
    start("", "", 0, secure)
}

fn value(text: String) -> HeaderValue {
    HeaderValue::from_str(&text).expect("cookie values are hex digits")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=1; mg_session=abc"));
        headers.append(header::COOKIE, HeaderValue::from_static("mg_csrf=def"));
        assert_eq!(read(&headers, SESSION).as_deref(), Some("abc"));
        assert_eq!(read(&headers, CSRF).as_deref(), Some("def"));
        assert_eq!(read(&headers, "mg"), None);
        let [session, csrf] = start("s", "c", 60, true);
        assert!(session.to_str().unwrap().contains("HttpOnly; SameSite=Strict; Max-Age=60; Secure"));
        assert!(!csrf.to_str().unwrap().contains("HttpOnly"));
    }
}
