//! Shows a bug visibly instead of leaving a dead page: the panic message
//! goes into the `#mg-crash` banner (and the console), and says that the
//! work up to the last change is safe in local storage.

use std::panic;

pub fn install() {
    panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
        if let Some(banner) = doc.get_element_by_id("mg-crash") {
            banner.set_text_content(Some(&format!(
                "Marginalia hit a bug and stopped ({info}). Your work up to the last change is kept in this browser: reload the page to continue."
            )));
            let _ = banner.remove_attribute("hidden");
        }
    }));
}
