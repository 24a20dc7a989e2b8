//! Saves grouped by text, then by annotator and task: one record per
//! annotator per task, the newest (by `updated_at`) when an annotator saved
//! the same task twice. `merge` writes the groups; `agree` compares within
//! them.
//!
//! A task is what one record decides about a text. A record with Prodigy's
//! `_task_hash` is the task of that hash, so two binary decisions on one
//! sentence (`ner.teach` asks about each suggested span in turn) are two
//! tasks. A record without one that is not answered `accept` is a decision
//! about its spans: a different answer or different spans is another task.
//! Any other record (a Marginalia save, a hand-made task) is the
//! annotator's work on the text: a later save of it replaces the earlier.

use crate::input::{file_stem, for_each_document, place, Document};
use crate::{Failure, InputArgs};
use marginalia_core::article::sha256_hex;
use marginalia_core::formats::answers::is_accepted;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::Record;
use std::collections::{BTreeMap, HashMap};

/// A record with where it came from.
pub struct Save {
    pub record: Record,
    pub place: String,
}

/// Which task of a text a record is (see the module's header).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Task {
    /// The annotator's work on the text: one per annotator.
    Work,
    /// Prodigy's `_task_hash`.
    Hash(i64),
    /// A decision without a hash: its answer and its spans (start, end, label).
    Decision(String, Vec<(usize, usize, String)>),
}

impl Task {
    pub fn of(record: &Record) -> Task {
        if let Some(hash) = record.task_hash {
            return Task::Hash(hash);
        }
        if is_accepted(record) {
            return Task::Work;
        }
        let mut spans: Vec<(usize, usize, String)> = record
            .spans
            .iter()
            .map(|s| (s.start, s.end, s.label.clone()))
            .collect();
        spans.sort_unstable();
        Task::Decision(record.answer.clone(), spans)
    }

    /// How a message names it, after "already saved".
    fn describe(&self) -> String {
        match self {
            Task::Work => "this text".to_string(),
            Task::Hash(hash) => format!("this task (_task_hash {hash})"),
            Task::Decision(answer, _) => format!("the same spans of this text, answered {answer}"),
        }
    }
}

/// Every annotator's saves of one text.
pub struct TextGroup {
    /// (annotator, task) → the save, in annotator name order, then task order.
    pub saves: BTreeMap<(String, Task), Save>,
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
        let key = (annotator, Task::of(&record));
        let new = Save {
            record,
            place: here,
        };
        match saves.get(&key) {
            None => {
                saves.insert(key, new);
            }
            Some(old) => {
                // ISO 8601 UTC timestamps compare as strings; a save without
                // one is the oldest; on a tie the later input wins.
                let newer = new.record.updated_at >= old.record.updated_at;
                let (kept, dropped) = if newer { (&new, old) } else { (old, &new) };
                self.replaced.push(format!(
                    "{}: {} already saved {} (document {}) at {}: kept the save updated {} ({}), dropped the one updated {} ({})",
                    new.place,
                    key.0,
                    key.1.describe(),
                    marginalia_core::formats::doc_id_of(&new.record),
                    old.place,
                    kept.record.updated_at.as_deref().unwrap_or("at an unknown time"),
                    kept.place,
                    dropped.record.updated_at.as_deref().unwrap_or("at an unknown time"),
                    dropped.place,
                ));
                if newer {
                    saves.insert(key, new);
                }
            }
        }
    }

    pub fn annotators(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .texts
            .iter()
            .flat_map(|t| t.saves.keys().map(|(name, _)| name.as_str()))
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
