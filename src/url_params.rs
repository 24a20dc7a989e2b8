//! "Annotate this article" links: the standalone page reads `?article=`,
//! `?schema=`, `?annotations=`, `?save=` and `?suggest=` URLs. Each must be on the page's
//! own origin or on one the page's configuration allows (`allowedOrigins`);
//! anything else is refused with a message, never fetched. Each fetch has
//! a deadline (`timeouts.load`); `?timeout=<ms>` sets every deadline of the
//! page (for slow networks, and for tests).

use crate::deadline::{self, Failure};
use marginalia_core::embed::{duration_text, origin_allowed, ArticleInput, EmbedOptions, Timeouts};
use web_sys::{AbortController, Url, UrlSearchParams};

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

/// The body and content type at `url`, within `limit_ms`.
async fn fetch_text(url: &str, limit_ms: u32) -> Result<(String, String), String> {
    let controller = AbortController::new().map_err(|_| format!("{url} could not be fetched"))?;
    let answer = deadline::fetch(url, &deadline::Outgoing::default(), limit_ms, &controller).await.map_err(|failure| match failure {
        Failure::TimedOut => format!("{url} did not answer within {}", duration_text(limit_ms.into())),
        Failure::Cancelled | Failure::Network => format!("{url} could not be fetched"),
    })?;
    if !answer.ok() {
        return Err(format!("{url} answered {} {}", answer.status, answer.status_text));
    }
    let kind = answer.header("content-type").unwrap_or_default();
    Ok((answer.body, kind))
}

/// Adds what the page's URL asks for to `options`; the problems come back
/// as one message (the rest of the options still apply).
pub async fn apply(mut options: EmbedOptions) -> (EmbedOptions, Option<String>) {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    let Ok(params) = UrlSearchParams::new_with_str(&search) else { return (options, None) };
    let mut problems = Vec::new();
    if let Some(raw) = params.get("timeout") {
        match raw.parse::<u32>() {
            Ok(ms) => options.timeouts = Timeouts::all(ms),
            Err(_) => problems.push(format!("?timeout= is not a number of milliseconds: {raw:?}.")),
        }
    }
    let limit_ms = options.timeouts.load_ms();
    if let Some(raw) = params.get("article") {
        match allowed_url(&raw, &options, "article") {
            Ok(url) => match fetch_text(&url, limit_ms).await {
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
            Ok(url) => fetch_text(&url, limit_ms).await,
            Err(e) => Err(e),
        };
        let not_json = |e: serde_json::Error| format!("it is not JSON: {e}");
        let read = fetched.and_then(|(text, _)| {
            if slot == 0 {
                options.schema = Some(serde_json::from_str(&text).map_err(not_json)?);
            } else {
                // Kept as the text fetched (a string is the annotations' JSON
                // text, `EmbedOptions::annotations_json`): read into a tree of
                // JSON values, 5,000 spans took megabytes a page never gives back.
                serde_json::from_str::<serde::de::IgnoredAny>(&text).map_err(not_json)?;
                options.annotations = Some(serde_json::Value::String(text));
            }
            Ok(())
        });
        if let Err(e) = read {
            problems.push(format!("{what}: {e}."));
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
