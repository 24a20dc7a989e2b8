//! The save endpoint named by the page URL, `?save=<url>`: relative URLs
//! resolve against the page; only the page's own origin is accepted (a link
//! must not make the app send the work elsewhere). Embedding options
//! (`endpoints.save`) name it too; this is the standalone page's way.

use web_sys::Url;

/// The absolute endpoint URL, or `None` (absent, malformed, or another
/// origin — that one is also reported on the console).
pub fn save_endpoint_from_page() -> Option<String> {
    let location = web_sys::window()?.location();
    let page = location.href().ok()?;
    let raw = Url::new(&page).ok()?.search_params().get("save")?;
    same_origin_url(&raw, &page)
}

/// `raw` resolved against `page`, when it stays on the page's origin.
pub fn same_origin_url(raw: &str, page: &str) -> Option<String> {
    let page_origin = Url::new(page).ok()?.origin();
    let url = Url::new_with_base(raw, page).ok()?;
    if url.origin() != page_origin {
        web_sys::console::warn_1(&format!("Marginalia: ignoring the save endpoint {raw}: not on this page's origin").into());
        return None;
    }
    Some(url.href())
}
