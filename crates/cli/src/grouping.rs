//! Saves grouped by text: one record per annotator per text, the newest
//! (by `updated_at`) when an annotator saved the same text twice. `merge`
//! writes the groups; `agree` compares within them.

use crate::input::{file_stem, for_each_document, place, Document};
use crate::{Failure, InputArgs};
use marginalia_core::article::sha256_hex;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::Record;
use std::collections::{BTreeMap, HashMap};

/// A record with where it came from.
pub struct Save {
    pub record: Record,
    pub place: String,
}

/// Every annotator's save of one text.
pub struct TextGroup {
    /// annotator → their save, in name order.
    pub saves: BTreeMap<String, Save>,
}

#[derive(Default)]
pub struct Groups {
    /// In order of each text's first appearance, so output follows input.
    pub texts: Vec<TextGroup>,
    index: HashMap<String, usize>,
    /// One sentence per save dropped for a newer one.
    pub replaced: Vec<String>,
}

/// The annotator: the record's `annotator`, else the file's name.
pub fn annotator_of(record: &Record, file: &str) -> String {
    match record.annotator.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => name.to_string(),
        _ => file_stem(file),
    }
}

impl Groups {
    /// Adds a readable document. The text's hash is computed from the text
    /// (not trusted from the file), so one text is always one group.
    /// The record's `annotator` is filled in, so that merged output keeps
    /// annotators apart even when they were only named by their files.
    pub fn add(&mut self, doc: &Document, mut record: Record) {
        let annotator = annotator_of(&record, &doc.file);
        record.annotator = Some(annotator.clone());
        let sha = sha256_hex(&record.text);
        record.text_sha256 = Some(sha.clone());
        let at = *self.index.entry(sha).or_insert_with(|| {
            self.texts.push(TextGroup {
                saves: BTreeMap::new(),
            });
            self.texts.len() - 1
        });
        let here = place(&doc.file, doc.line);
        let saves = &mut self.texts[at].saves;
        let new = Save {
            record,
            place: here,
        };
        match saves.get(&annotator) {
            None => {
                saves.insert(annotator, new);
            }
            Some(old) => {
                // ISO 8601 UTC timestamps compare as strings; a save without
                // one is the oldest; on a tie the later input wins.
                let newer = new.record.updated_at >= old.record.updated_at;
                let (kept, dropped) = if newer { (&new, old) } else { (old, &new) };
                self.replaced.push(format!(
                    "{}: {annotator} already saved this text (document {}) at {}: kept the save updated {} ({}), dropped the one updated {} ({})",
                    new.place,
                    marginalia_core::formats::doc_id_of(&new.record),
                    old.place,
                    kept.record.updated_at.as_deref().unwrap_or("at an unknown time"),
                    kept.place,
                    dropped.record.updated_at.as_deref().unwrap_or("at an unknown time"),
                    dropped.place,
                ));
                if newer {
                    saves.insert(annotator, new);
                }
            }
        }
    }

    pub fn annotators(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .texts
            .iter()
            .flat_map(|t| t.saves.keys().map(String::as_str))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    pub fn saves(&self) -> usize {
        self.texts.iter().map(|t| t.saves.len()).sum()
    }
}

/// Reads every input into groups; unreadable documents are reported on
/// standard error and counted.
pub fn collect(args: &InputArgs, schema: &LabelSchema) -> Result<(Groups, usize), Failure> {
    let mut groups = Groups::default();
    let mut unreadable = 0;
    for_each_document(args, schema, |mut doc| {
        match std::mem::replace(&mut doc.record, Err(String::new())) {
            Ok(record) => groups.add(&doc, record),
            Err(e) => {
                eprintln!("{}: {e}", doc.place());
                unreadable += 1;
            }
        }
        Ok(())
    })?;
    Ok((groups, unreadable))
}
