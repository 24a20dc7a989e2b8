//! Every request the widget makes has a deadline: `fetch` with an
//! `AbortController` that a timer aborts after `limit_ms`, and that the
//! request's owner may abort too (an instance going away). The deadline
//! covers the body as well: a server that sends its headers and then stalls
//! is given up like one that never answers. The deadlines themselves are
//! options (`marginalia_core::embed::Timeouts`).
//!
//! The request is described in plain Rust ([`Outgoing`]) and made here, in
//! the first load: code in a part (the CMS saver, the model's flow) must
//! not call the browser's request API itself — wasm-bindgen rewrites the
//! signatures of the imports only the first load calls, and a part calling
//! one the first load does not fails with "function signature mismatch".

use gloo::timers::callback::Timeout;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen::JsValue;
use web_sys::{AbortController, Headers, RequestCache, RequestInit, Response};

/// Why a request got no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Nothing came before the deadline; the request was aborted.
    TimedOut,
    /// Its owner aborted it (the instance is going away).
    Cancelled,
    /// No HTTP response at all: offline, refused, a closed connection.
    Network,
}

/// A request to make: its method, headers and body.
#[derive(Debug, Clone, Default)]
pub struct Outgoing {
    /// `GET` when empty.
    pub method: &'static str,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    /// Past every cache (`cache: "no-store"`): the server's copy as it is now.
    pub no_store: bool,
}

impl Outgoing {
    fn init(&self) -> Option<RequestInit> {
        let init = RequestInit::new();
        if !self.method.is_empty() {
            init.set_method(self.method);
        }
        let headers = Headers::new().ok()?;
        for (name, value) in &self.headers {
            headers.set(name, value).ok()?;
        }
        init.set_headers(&headers);
        if let Some(body) = &self.body {
            init.set_body(&JsValue::from_str(body));
        }
        if self.no_store {
            init.set_cache(RequestCache::NoStore);
        }
        Some(init)
    }
}

/// A response, its body read in full.
pub struct Answer {
    pub status: u16,
    pub status_text: String,
    pub headers: Headers,
    pub body: String,
}

impl Answer {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).ok().flatten()
    }
}

/// `fetch(url, …)` of `outgoing` and its body within `limit_ms`;
/// `controller` aborts it (keep a clone to cancel it from elsewhere).
/// Headers the browser refuses are a network failure.
#[inline(never)]
pub async fn fetch(url: &str, outgoing: &Outgoing, limit_ms: u32, controller: &AbortController) -> Result<Answer, Failure> {
    let init = outgoing.init().ok_or(Failure::Network)?;
    let signal = controller.signal();
    init.set_signal(Some(&signal));
    let expired = Rc::new(Cell::new(false));
    // Dropped (and so cleared) when this function returns.
    let _deadline = {
        let (controller, expired) = (controller.clone(), expired.clone());
        Timeout::new(limit_ms, move || {
            expired.set(true);
            controller.abort();
        })
    };
    let failure = || match (expired.get(), signal.aborted()) {
        (true, _) => Failure::TimedOut,
        (false, true) => Failure::Cancelled,
        (false, false) => Failure::Network,
    };
    let window = web_sys::window().ok_or(Failure::Network)?;
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init)).await.map_err(|_| failure())?;
    let response: Response = response.dyn_into().map_err(|_| Failure::Network)?;
    let body = JsFuture::from(response.text().map_err(|_| failure())?).await.map_err(|_| failure())?;
    Ok(Answer {
        status: response.status(),
        status_text: response.status_text(),
        headers: response.headers(),
        body: body.as_string().unwrap_or_default(),
    })
}
