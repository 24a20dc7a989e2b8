//! Shows a bug visibly instead of leaving a dead page: the panic message
//! goes into every `.mg-crash` banner (the standalone page's, and one in
//! each mounted instance) and the console, and says that the work up to the
//! last change is safe in local storage.

use std::panic;
use wasm_bindgen::JsCast;

pub fn install() {
    panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
        let Ok(banners) = doc.query_selector_all(".mg-crash") else { return };
        for i in 0..banners.length() {
            let Some(banner) = banners.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) else { continue };
            banner.set_text_content(Some(&format!(
                "Marginalia hit a bug and stopped ({info}). Your work up to the last change is kept in this browser: reload the page to continue."
            )));
            let _ = banner.remove_attribute("hidden");
        }
    }));
}
