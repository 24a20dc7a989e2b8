//! The standalone page's configuration: the JSON in
//! `<script type="application/json" id="mg-config">` (where a deployment
//! lists the origins allowed to embed it and to serve articles), which a
//! script never runs — it is read as data, so it works under a strict CSP.

use marginalia_core::embed::EmbedOptions;

/// The page's options; a broken configuration is reported, never guessed at.
pub fn read() -> Result<EmbedOptions, String> {
    let Some(script) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("mg-config")) else {
        return Ok(EmbedOptions::default());
    };
    let json = script.text_content().unwrap_or_default();
    if json.trim().is_empty() {
        return Ok(EmbedOptions::default());
    }
    EmbedOptions::from_json(&json).map_err(|e| format!("The page's configuration (#mg-config) was ignored: {e}"))
}
