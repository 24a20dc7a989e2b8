//! Marginalia's own record (see `docs/FORMAT.md`): nothing is lost, and many
//! documents concatenate to JSON Lines.

use super::Exported;
use crate::label_schema::LabelSchema;
use crate::record::Record;

/// One record on one line.
pub fn export(record: &Record) -> Exported {
    Exported { text: serde_json::to_string(record).expect("a record always serialises"), losses: Vec::new() }
}

/// Reads one record; its label schema is not consulted here — checking a
/// record against a schema is [`Record::load`]'s job.
pub fn import(piece: &str, _schema: &LabelSchema) -> Result<Record, String> {
    Record::parse(piece).map_err(|e| e.to_string())
}
