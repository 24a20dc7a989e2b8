//! Which save endpoint an instance uses: the host's `endpoints.save` option
//! first; on the standalone page, else the page URL's `?save=<url>`.
//! Relative URLs resolve against the page. A `?save=` URL must be on the
//! page's origin or one of the options' `allowedOrigins` (a link must not
//! make the app send the work elsewhere); a host's own option is trusted as
//! given (the host page wrote it).

use crate::host::Host;
use marginalia_core::embed::origin_allowed;
use web_sys::Url;

/// The absolute endpoint URL, or `None` (none given, malformed, or a
/// `?save=` on a foreign origin — that one is reported on the console).
pub fn save_endpoint(host: &Host) -> Option<String> {
    let page = web_sys::window()?.location().href().ok()?;
    if let Some(url) = &host.options.endpoints.save {
        return Url::new_with_base(url, &page).ok().map(|u| u.href());
    }
    if !host.standalone {
        return None;
    }
    let raw = Url::new(&page).ok()?.search_params().get("save")?;
    allowed_url(&raw, &page, &host.options.allowed_origins)
}

/// `raw` resolved against `page`, when its origin is allowed.
fn allowed_url(raw: &str, page: &str, allowed: &[String]) -> Option<String> {
    let page_origin = Url::new(page).ok()?.origin();
    let url = Url::new_with_base(raw, page).ok()?;
    if !origin_allowed(&url.origin(), &page_origin, allowed) {
        web_sys::console::warn_1(&format!("Marginalia: ignoring the save endpoint {raw}: its origin is not allowed").into());
        return None;
    }
    Some(url.href())
}
