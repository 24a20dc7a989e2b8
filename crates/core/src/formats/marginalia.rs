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
/// record against a schema is [`Record::load`]'s job. A record with nothing
/// annotated but another tool's annotations under a key it does not read
/// (`annotations`, `entities`, `label`…) is refused, never read as empty.
pub fn import(piece: &str, _schema: &LabelSchema) -> Result<Record, String> {
    let record = Record::parse(piece).map_err(|e| e.to_string())?;
    if record.spans.is_empty() && record.relations.is_empty() && record.document_labels.is_empty() {
        super::unread::unread_in_piece(piece, &["spans", "relations"], "Marginalia JSON")?;
    }
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_under_a_key_no_reader_reads_are_refused_not_read_as_empty() {
        let schema = LabelSchema::news_default();
        let doccano_1x = r#"{"text":"Diop met Guterres","spans":[],"annotations":[{"label":3,"start_offset":0,"end_offset":4,"user":1}]}"#;
        let why = import(doccano_1x, &schema).unwrap_err();
        assert!(why.contains("annotations"), "{why}");
        let spacy_entities = r#"{"text":"Diop met Guterres","spans":[],"entities":[[0,4,"PERSON"]]}"#;
        assert!(super::super::spacy::import(spacy_entities, &schema).unwrap_err().contains("entities"));
        // Read annotations, or an empty key, pass.
        assert!(import(r#"{"text":"Diop","spans":[],"annotations":[]}"#, &schema).is_ok());
        assert!(super::super::spacy::import(r#"{"text":"Diop","spans":[{"start":0,"end":4,"label":"PERSON"}],"entities":[[0,4,"X"]]}"#, &schema).is_ok());
    }
}
