//! Work stored in this browser for an article being opened.
//!
//! Restored as it is when the current label schema takes it; otherwise
//! (another schema refuses a label, or the work is for an earlier version of
//! the text) it goes through re-anchoring, which places what it can and lists
//! the rest for review with the reason. Never an empty article in silence:
//! stored work the schema refuses is first moved aside (`storage::keep_aside`),
//! so the next write of the document cannot destroy it.
//!
//! Re-anchoring is a part fetched on first use (`on_demand/anchoring.rs`):
//! when it is needed and not here, nothing is changed and the caller is
//! told ([`Absent`]), to fetch it and look again.

use crate::anchoring::{self, Absent, IfAbsent};
use crate::reanchoring::AnchorReview;
use crate::storage;
use marginalia_core::article::Article;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::{LoadedRecord, Record};

pub enum StoredWork {
    /// Nothing is stored for this document: no spans, no document labels, no status.
    Nothing,
    /// Stored for this text, and the schema takes all of it.
    Restored(LoadedRecord),
    /// Placed through re-anchoring: what could not be placed is in the review.
    Reanchored(LoadedRecord, AnchorReview),
    /// Stored, but not usable at all: the message says why.
    Unusable(String),
}

/// The stored work for `article`: for its own text first, else the newest
/// work on an earlier version of it. [`Absent`] (with [`IfAbsent::Wait`])
/// when that work needs re-anchoring and its part is not here: nothing was
/// changed.
pub fn stored_work_for(article: &Article, schema: &LabelSchema, if_absent: IfAbsent) -> Result<StoredWork, Absent> {
    let must_wait = || if_absent == IfAbsent::Wait && anchoring::installed().is_none();
    if let Some(record) = storage::load_work(&article.id, article.sha256()).filter(holds_work) {
        return match record.clone().load(schema) {
            Ok(loaded) => Ok(StoredWork::Restored(loaded)),
            Err(_) if must_wait() => Err(Absent),
            // Not re-anchored unless the record as it was is safe first.
            Err(e) => Ok(match storage::keep_aside(&article.id, article.sha256()) {
                Ok(()) => reanchored(&record, article, schema),
                Err(full) => StoredWork::Unusable(format!(
                    "The work stored in this browser for “{}” could not be opened ({e}), and could not be set aside ({full}). It stays stored; the article opened without it.",
                    article.title
                )),
            }),
        };
    }
    match storage::load_latest(&article.id).filter(holds_work) {
        Some(_) if must_wait() => Err(Absent),
        Some(record) => Ok(reanchored(&record, article, schema)),
        None => Ok(StoredWork::Nothing),
    }
}

/// Whether a stored record holds anything the annotator did: a record with
/// only document labels or a status is work too, not to be written over.
fn holds_work(record: &Record) -> bool {
    !record.spans.is_empty() || !record.document_labels.is_empty() || record.status.is_some()
}

fn reanchored(record: &Record, article: &Article, schema: &LabelSchema) -> StoredWork {
    match anchoring::reanchor_onto(record, article, schema) {
        Ok((loaded, review)) => StoredWork::Reanchored(loaded, review),
        Err(e) => StoredWork::Unusable(format!(
            "The work stored in this browser for “{}” could not be opened: {e}. It stays stored; the article opened without it.",
            article.title
        )),
    }
}
