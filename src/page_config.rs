//! The standalone page's configuration: the JSON in
//! `<script type="application/json" id="mg-config">` (where a deployment
//! lists the origins allowed to embed it and to serve articles), which a
//! script never runs — it is read as data, so it works under a strict CSP.
//! Without a `theme` there, the page follows the system's light or dark
//! setting.

use marginalia_core::embed::EmbedOptions;

/// The page's options; a broken configuration is reported, never guessed at.
pub fn read() -> Result<EmbedOptions, String> {
    let script = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("mg-config"));
    let json = script.and_then(|s| s.text_content()).filter(|j| !j.trim().is_empty());
    EmbedOptions::for_standalone_page(json.as_deref()).map_err(|e| format!("The page's configuration (#mg-config) was ignored: {e}"))
}
