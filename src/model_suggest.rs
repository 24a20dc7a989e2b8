//! Asks a suggestion endpoint (a model server) for spans: `POST` the
//! article as `{"text", "doc_id"}`, read the answer as text for the core
//! (`suggestion::from_model_answer`) to check.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

pub async fn ask(url: &str, text: &str, doc_id: &str) -> Result<String, String> {
    let body = serde_json::json!({ "text": text, "doc_id": doc_id }).to_string();
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&body.into());
    let request = Request::new_with_str_and_init(url, &init).map_err(|_| format!("{url} is not a URL"))?;
    request.headers().set("Content-Type", "application/json").map_err(|_| "cannot set a header".to_string())?;
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| format!("the suggestion service at {url} cannot be reached"))?;
    let response: Response = response.dyn_into().map_err(|_| "not a response".to_string())?;
    if !response.ok() {
        return Err(format!("the suggestion service answered {} {}", response.status(), response.status_text()));
    }
    let text = JsFuture::from(response.text().map_err(|_| "no body".to_string())?)
        .await
        .map_err(|_| "the suggestion service's answer could not be read".to_string())?;
    Ok(text.as_string().unwrap_or_default())
}
