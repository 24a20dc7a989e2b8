//! The standalone page's start: its configuration (`page_config.rs`), the
//! articles and annotations its URL names (`url_params.rs`), then its one
//! instance (`mount::standalone`). A host's `mount()` never runs this, so
//! it is a part of its own and the first load every host downloads does
//! not carry it (6.1 KB gzipped). The page asks for the part's files
//! beside the first wasm (preload lines that `cargo xtask build` writes,
//! and `ahead.pack` never holds them), so it waits for no extra round
//! trip. A part that cannot be fetched is said in the page's root.

use crate::on_demand::on_demand;
use marginalia_core::embed::EmbedOptions;
use web_sys::Element;

/// Starts the page in `root` once its part is here.
pub fn start(root: Element) {
    wasm_bindgen_futures::spawn_local(async move {
        match page_start().await {
            Ok(start) => start(root),
            Err(_) => say_unavailable(&root),
        }
    });
}

on_demand!(standalone;
    /// The page's start (its code is this part's).
    fn page_start() -> fn(Element) {
        start_here
    }
);

fn start_here(root: Element) {
    wasm_bindgen_futures::spawn_local(async move {
        let (options, config_error) = match crate::page_config::read() {
            Ok(options) => (options, None),
            Err(e) => (EmbedOptions::for_standalone_page(None).unwrap_or_default(), Some(e)),
        };
        let (options, url_error) = crate::url_params::apply(options).await;
        let problems: Vec<String> = config_error.into_iter().chain(url_error).collect();
        crate::mount::standalone(root, options, (!problems.is_empty()).then(|| problems.join(" ")));
    });
}

/// No instance without the part: the page says why instead of staying
/// blank (the work stored in this browser is untouched).
fn say_unavailable(root: &Element) {
    let Some(document) = root.owner_document() else { return };
    let Ok(alert) = document.create_element("p") else { return };
    let _ = alert.set_attribute("role", "alert");
    alert.set_text_content(Some(
        "Marginalia could not be loaded (is the network there?). The work stored in this browser is kept: reload the page to try again.",
    ));
    let _ = root.append_child(&alert);
}
