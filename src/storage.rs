//! Local persistence: the work on each document is kept in the browser's
//! localStorage, keyed by document id and text hash, and written on every
//! change, so a reload or a closed tab loses nothing. Two tabs on one
//! document share that key: `tab_sync.rs` merges before either writes.
//!
//! Stored values are records without their derived tokens; the text itself
//! is stored once per hash (pasted articles come back too) rather than
//! rewritten with every change. Every failure is a `Result` for the caller
//! to show: storage can be full or disabled.

use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::Record;
use marginalia_core::remote_sync::SyncSnapshot;
use web_sys::Storage;

const PREFIX: &str = "marginalia:v1";

/// Which document was open last.
#[derive(serde::Serialize, serde::Deserialize)]
struct CurrentDoc {
    doc_id: String,
    sha256: String,
}

fn local() -> Result<Storage, String> {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .ok_or_else(|| "this browser does not allow local storage".to_string())
}

fn doc_key(doc_id: &str, sha256: &str) -> String {
    format!("{PREFIX}:doc:{doc_id}:{sha256}")
}

fn text_key(sha256: &str) -> String {
    format!("{PREFIX}:text:{sha256}")
}

const FULL: &str = "the browser's storage is full or disabled";

/// Writes the document's record and remembers it as the one open now;
/// returns the stored JSON (what another tab will read). The record is
/// taken, not copied: it is written without its text (stored once, under
/// its hash), and a copy of thousands of spans at every write cost
/// megabytes of the page's memory.
pub fn save_work(mut record: Record) -> Result<String, String> {
    let storage = local()?;
    let sha = record.text_sha256.clone().unwrap_or_default();
    let text = std::mem::take(&mut record.text);
    if storage.get_item(&text_key(&sha)).ok().flatten().is_none() {
        storage.set_item(&text_key(&sha), &text).map_err(|_| FULL.to_string())?;
    }
    drop(text);
    let json = serde_json::to_string(&record).map_err(|e| e.to_string())?;
    storage.set_item(&doc_key(&record.meta.doc_id, &sha), &json).map_err(|_| FULL.to_string())?;
    let current = serde_json::to_string(&CurrentDoc { doc_id: record.meta.doc_id.clone(), sha256: sha })
        .map_err(|e| e.to_string())?;
    storage.set_item(&format!("{PREFIX}:current"), &current).map_err(|_| FULL.to_string())?;
    Ok(json)
}

/// The stored record of a document as stored: JSON without its text.
pub fn stored_json(doc_id: &str, sha256: &str) -> Option<String> {
    local().ok()?.get_item(&doc_key(doc_id, sha256)).ok()?
}

/// Whether a localStorage key (from a `storage` event) holds this document's record.
pub fn is_doc_key(key: &str, doc_id: &str, sha256: &str) -> bool {
    key == doc_key(doc_id, sha256)
}

/// Moves the stored record of a document aside (see [`put_aside`]) before
/// work the current schema refuses in part is re-anchored: the work stored
/// then is the re-anchored work, and the record as it was stays.
pub fn keep_aside(doc_id: &str, sha256: &str) -> Result<(), String> {
    let storage = local()?;
    let Some(json) = storage.get_item(&doc_key(doc_id, sha256)).ok().flatten() else { return Ok(()) };
    put_aside(doc_id, sha256, &json)?;
    storage.remove_item(&doc_key(doc_id, sha256)).map_err(|_| FULL.to_string())
}

/// Keeps a record of a document under a key of its own that the widget never
/// reads or writes again (`…:aside:<doc>:<hash>:<n>`, the first free `n`;
/// a record already kept is not kept twice): work that cannot stay in the
/// document's own key, kept rather than lost.
pub fn put_aside(doc_id: &str, sha256: &str, json: &str) -> Result<(), String> {
    let storage = local()?;
    let aside = |n: u32| format!("{PREFIX}:aside:{doc_id}:{sha256}:{n}");
    for n in 0.. {
        match storage.get_item(&aside(n)).ok().flatten() {
            Some(kept) if kept == json => return Ok(()),
            Some(_) => {}
            None => return storage.set_item(&aside(n), json).map_err(|_| FULL.to_string()),
        }
    }
    Ok(())
}

/// The stored record of a document, if any.
pub fn load_work(doc_id: &str, sha256: &str) -> Option<Record> {
    work_from(&stored_json(doc_id, sha256)?, sha256)
}

/// The work whose stored JSON is `json` (read by [`stored_json`]), with the
/// text stored for `sha256`.
pub fn work_from(json: &str, sha256: &str) -> Option<Record> {
    let text = local().ok()?.get_item(&text_key(sha256)).ok()??;
    Record::parse_stored(json, text).ok()
}

/// The newest work stored for document `doc_id` on any version of its text
/// (by `updated_at`, else `created_at`): what re-anchoring starts from when
/// the article arrives edited.
pub fn load_latest(doc_id: &str) -> Option<Record> {
    let storage = local().ok()?;
    let prefix = format!("{PREFIX}:doc:{doc_id}:");
    let mut best: Option<Record> = None;
    for i in 0..storage.length().ok()? {
        let Some(key) = storage.key(i).ok().flatten() else { continue };
        let Some(sha) = key.strip_prefix(&prefix) else { continue };
        let Some(record) = load_work(doc_id, sha) else { continue };
        let stamp = |r: &Record| r.updated_at.clone().or_else(|| r.created_at.clone()).unwrap_or_default();
        if best.as_ref().is_none_or(|b| stamp(&record) > stamp(b)) {
            best = Some(record);
        }
    }
    best
}

/// The record of the document that was open last.
pub fn load_current() -> Option<Record> {
    let json = local().ok()?.get_item(&format!("{PREFIX}:current")).ok()??;
    let current: CurrentDoc = serde_json::from_str(&json).ok()?;
    load_work(&current.doc_id, &current.sha256)
}

pub fn save_schema(schema: &LabelSchema) -> Result<(), String> {
    let json = serde_json::to_string(schema).map_err(|e| e.to_string())?;
    local()?.set_item(&format!("{PREFIX}:schema"), &json).map_err(|_| FULL.to_string())
}

pub fn load_schema() -> Option<LabelSchema> {
    let json = local().ok()?.get_item(&format!("{PREFIX}:schema")).ok()??;
    LabelSchema::from_json(&json).ok()
}

fn remote_key(endpoint: &str) -> String {
    format!("{PREFIX}:remote:{endpoint}")
}

/// What the remote save has not yet had acknowledged (and the ETag it was
/// based on), per endpoint: written on every change, before any request, so
/// a reload while the endpoint is down still sends it.
pub fn save_remote_state(endpoint: &str, snapshot: &SyncSnapshot) -> Result<(), String> {
    let json = serde_json::to_string(snapshot).map_err(|e| e.to_string())?;
    local()?.set_item(&remote_key(endpoint), &json).map_err(|_| FULL.to_string())
}

pub fn load_remote_state(endpoint: &str) -> Option<SyncSnapshot> {
    let json = local().ok()?.get_item(&remote_key(endpoint)).ok()??;
    serde_json::from_str(&json).ok()
}
