//! brat standoff. (Being written.)
use super::Exported;
use crate::label_schema::LabelSchema;
use crate::record::Record;

/// The `.ann` file of the record (its `.txt` is the record's text).
pub fn export(_record: &Record) -> Exported {
    unimplemented!("brat export")
}

/// Reads a `.ann` file against its `.txt` text.
pub fn import(_text: &str, _ann: &str, _doc_id: &str, _schema: &LabelSchema) -> Result<Record, String> {
    Err("not yet".into())
}
