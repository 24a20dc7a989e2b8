//! Reads a user-chosen file into bytes, refusing oversized files before
//! reading them.

use marginalia_core::article::{megabytes, MAX_TEXT_BYTES};
use wasm_bindgen_futures::JsFuture;
use web_sys::File;

/// The largest file Marginalia reads: a text at the article limit, or its
/// save (the text plus its tokens and spans, several times the text).
pub const MAX_FILE_BYTES: usize = MAX_TEXT_BYTES * 8;

pub async fn read_bytes(file: &File) -> Result<Vec<u8>, String> {
    let size = file.size() as usize;
    if size > MAX_FILE_BYTES {
        return Err(format!(
            "“{}” is too large ({}); Marginalia opens files up to {}",
            file.name(),
            megabytes(size),
            megabytes(MAX_FILE_BYTES)
        ));
    }
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| format!("“{}” could not be read", file.name()))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
