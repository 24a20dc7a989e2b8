//! Reads a user-chosen file into bytes, refusing oversized files before
//! reading them.

use marginalia_core::article::MAX_TEXT_BYTES;
use wasm_bindgen_futures::JsFuture;
use web_sys::File;

/// The largest file Marginalia reads: a text at the article limit, or its
/// save (the text plus its tokens and spans, several times the text).
pub const MAX_FILE_BYTES: f64 = (MAX_TEXT_BYTES * 8) as f64;

pub async fn read_bytes(file: &File) -> Result<Vec<u8>, String> {
    if file.size() > MAX_FILE_BYTES {
        return Err(format!(
            "“{}” is too large ({:.1} MB); Marginalia opens files up to {} MB",
            file.name(),
            file.size() / 1_048_576.0,
            MAX_FILE_BYTES as usize / 1_048_576
        ));
    }
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| format!("“{}” could not be read", file.name()))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
