//! Which save endpoint an instance uses: the host's `endpoints.save` option
//! (on the standalone page, `?save=` fills it in, once its origin is checked
//! in `url_params`), resolved against the page.

use crate::host::Host;
use web_sys::Url;

/// The absolute endpoint URL, or `None` when none is given or it is malformed.
pub fn save_endpoint(host: &Host) -> Option<String> {
    let page = web_sys::window()?.location().href().ok()?;
    let url = host.options.endpoints.save.as_ref()?;
    Url::new_with_base(url, &page).ok().map(|u| u.href())
}
