//! "Annotate this article" links: the standalone page reads `?article=`,
//! `?schema=`, `?annotations=`, `?save=` and `?suggest=` URLs. Each must be on the page's
//! own origin or on one the page's configuration allows (`allowedOrigins`);
//! anything else is refused with a message, never fetched.

use marginalia_core::embed::{origin_allowed, ArticleInput, EmbedOptions};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Response, Url, UrlSearchParams};

/// The page's own origin (`https://app.example`).
pub fn page_origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// `raw` resolved against the page, if its origin may be used.
fn allowed_url(raw: &str, options: &EmbedOptions, param: &str) -> Result<String, String> {
    let base = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
    let url = Url::new_with_base(raw, &base).map_err(|_| format!("?{param}= is not a URL: {raw:?}"))?;
    if !origin_allowed(&url.origin(), &page_origin(), &options.allowed_origins) {
        return Err(format!(
            "?{param}= points to {}, which is neither this page's origin nor one its configuration allows",
            url.origin()
        ));
    }
    Ok(url.href())
}

async fn fetch_text(url: &str) -> Result<(String, String), String> {
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str(url)).await.map_err(|_| format!("{url} could not be fetched"))?;
    let response: Response = response.dyn_into().map_err(|_| "not a response".to_string())?;
    if !response.ok() {
        return Err(format!("{url} answered {} {}", response.status(), response.status_text()));
    }
    let kind = response.headers().get("content-type").ok().flatten().unwrap_or_default();
    let text = JsFuture::from(response.text().map_err(|_| "no body".to_string())?).await.map_err(|_| format!("{url} could not be read"))?;
    Ok((text.as_string().unwrap_or_default(), kind))
}

/// Adds what the page's URL asks for to `options`; the problems come back
/// as one message (the rest of the options still apply).
pub async fn apply(mut options: EmbedOptions) -> (EmbedOptions, Option<String>) {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    let Ok(params) = UrlSearchParams::new_with_str(&search) else { return (options, None) };
    let mut problems = Vec::new();
    if let Some(raw) = params.get("article") {
        match allowed_url(&raw, &options, "article") {
            Ok(url) => match fetch_text(&url).await {
                Ok((text, kind)) => {
                    let html = kind.contains("html") || url.ends_with(".html") || url.ends_with(".htm");
                    let id = url.rsplit('/').next().and_then(|n| n.split('.').next()).filter(|n| !n.is_empty()).map(str::to_string);
                    options.article = Some(ArticleInput {
                        id,
                        url: Some(url),
                        text: (!html).then(|| text.clone()),
                        html: html.then_some(text),
                        ..Default::default()
                    });
                }
                Err(e) => problems.push(format!("The article was not opened: {e}.")),
            },
            Err(e) => problems.push(format!("The article was not opened: {e}.")),
        }
    }
    for (param, slot, what) in [("schema", 0, "The label schema was not used"), ("annotations", 1, "The annotations were not used")] {
        let Some(raw) = params.get(param) else { continue };
        let fetched = match allowed_url(&raw, &options, param) {
            Ok(url) => fetch_text(&url).await,
            Err(e) => Err(e),
        };
        match fetched.and_then(|(text, _)| serde_json::from_str::<serde_json::Value>(&text).map_err(|e| format!("it is not JSON: {e}"))) {
            Ok(value) if slot == 0 => options.schema = Some(value),
            Ok(value) => options.annotations = Some(value),
            Err(e) => problems.push(format!("{what}: {e}.")),
        }
    }
    if let Some(raw) = params.get("suggest") {
        match allowed_url(&raw, &options, "suggest") {
            Ok(url) => options.endpoints.suggest = Some(url),
            Err(e) => problems.push(format!("Model suggestions are off: {e}.")),
        }
    }
    if let Some(raw) = params.get("save") {
        match allowed_url(&raw, &options, "save") {
            Ok(url) => options.endpoints.save = Some(url),
            Err(e) => problems.push(format!("Saving to the server is off: {e}.")),
        }
    }
    let problems = (!problems.is_empty()).then(|| problems.join(" "));
    (options, problems)
}
