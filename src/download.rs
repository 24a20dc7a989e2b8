//! Downloads a string as a file, through a Blob and an object URL that is
//! revoked as soon as the click has been dispatched; and a record exported
//! in any format as the file(s) that format keeps.

use crate::on_demand::formats::export_file;
use marginalia_core::formats::{doc_id_of, Format};
use marginalia_core::record::Record;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

pub fn download_text(file_name: &str, mime: &str, content: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(content));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(file_name);
    a.click();
    Url::revoke_object_url(&url)
}

/// Downloads `record` in `format`: one file, or for brat standoff the
/// `.txt` and `.ann` pair. Returns what the format could not hold. The
/// writers of other formats are fetched on first use.
pub async fn export(record: &Record, format: Format) -> Result<Vec<String>, String> {
    let id = doc_id_of(record);
    let refused = |_| "The browser refused the download".to_string();
    if format == Format::Marginalia {
        // The same pretty file as "Save JSON": one document reads best so.
        download_text(&format!("{id}.marginalia.json"), "application/json", &record.to_json()).map_err(refused)?;
        return Ok(Vec::new());
    }
    let (content, losses) = export_file(format, record).await.map_err(|u| u.message())??;
    if format == Format::Brat {
        download_text(&format!("{id}.txt"), "text/plain", &record.text).map_err(refused)?;
        download_text(&format!("{id}.ann"), "text/plain", &content).map_err(refused)?;
    } else {
        let name = format!("{id}.{}.{}", format.name(), format.extension());
        download_text(&name, format.media_type(), &content).map_err(refused)?;
    }
    Ok(losses)
}
