//! Review and adjudication: two or more annotators' saves of one text,
//! aligned into items that say where they agree and how they differ, with
//! the agreement figures of `marginalia agree`, and a gold version built
//! from the reviewer's decisions (see [`gold`]).
//!
//! `docs/ADJUDICATION.md` documents the item kinds, the alignment rules, the
//! decisions and the gold record's `meta.adjudication`.

mod alignment;
pub mod gold;
#[cfg(test)]
mod tests;

pub use alignment::{AttributeDifference, EndKey, Item, ItemKind, RelationItem, SpanKey, Version};
pub use gold::{Decision, EditedSpan, Gold, GoldError, Start};

use crate::agreement::{agreement, AgreementReport};
use crate::article::{sha256_hex, Article};
use crate::command::CommandError;
use crate::editor::Editor;
use crate::label_schema::LabelSchema;
use crate::record::{Record, RecordError};
use crate::relation::Relation;
use crate::span::{Attributes, Span};
use std::fmt;
use std::sync::Arc;

/// One annotator's save as handed to the review.
#[derive(Debug, Clone)]
pub struct Save {
    pub record: Record,
    /// The annotator's name when the record names none (e.g. the file's stem).
    pub fallback_name: String,
}

/// A save that loaded: who made it, and what it annotates.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub annotator: String,
    /// The save as given (its `updated_at` and `meta` go into the gold's meta).
    pub record: Record,
    pub spans: Vec<Span>,
    pub relations: Vec<Relation>,
    pub document: Attributes,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReviewError {
    TooFewSaves(usize),
    Unnamed { index: usize },
    SameAnnotator(String),
    OtherText { annotator: String, reference: String },
    Unreadable { annotator: String, error: RecordError },
    Inconsistent { annotator: String, error: CommandError },
}

impl fmt::Display for ReviewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReviewError::TooFewSaves(n) => write!(f, "a review compares two or more saves of one text; {n} given"),
            ReviewError::Unnamed { index } => write!(f, "save {} names no annotator and was given no name", index + 1),
            ReviewError::SameAnnotator(name) => {
                write!(f, "two saves are by {name}: a review compares different annotators (rename one)")
            }
            ReviewError::OtherText { annotator, reference } => write!(
                f,
                "{annotator}'s save is of a different text than {reference}'s (their text_sha256 differ): only saves of the same text can be compared"
            ),
            ReviewError::Unreadable { annotator, error } => write!(f, "{annotator}'s save cannot be opened: {error}"),
            ReviewError::Inconsistent { annotator, error } => write!(f, "{annotator}'s save cannot be opened: {error}"),
        }
    }
}

impl std::error::Error for ReviewError {}

/// Several annotators' work on one text, aligned.
#[derive(Debug, Clone)]
pub struct Review {
    article: Arc<Article>,
    schema: Arc<LabelSchema>,
    /// In the order given; the first is the reference for Missing/Extra.
    sources: Vec<Source>,
    items: Vec<Item>,
    relations: Vec<RelationItem>,
}

/// The annotator's name as `marginalia agree` takes it: the record's
/// `annotator`, else the name given.
fn annotator_of(save: &Save) -> Option<String> {
    [save.record.annotator.as_deref(), Some(save.fallback_name.as_str())]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|n| !n.is_empty())
        .map(String::from)
}

impl Review {
    /// Loads every save under `schema` (refusing what the editor would
    /// refuse), checks they are of one text by different annotators, and
    /// aligns them.
    pub fn new(saves: Vec<Save>, schema: &LabelSchema) -> Result<Review, ReviewError> {
        if saves.len() < 2 {
            return Err(ReviewError::TooFewSaves(saves.len()));
        }
        let schema = Arc::new(schema.clone());
        let mut article: Option<Arc<Article>> = None;
        let mut sources: Vec<Source> = Vec::with_capacity(saves.len());
        for (index, save) in saves.into_iter().enumerate() {
            let annotator = annotator_of(&save).ok_or(ReviewError::Unnamed { index })?;
            if sources.iter().any(|s| s.annotator == annotator) {
                return Err(ReviewError::SameAnnotator(annotator));
            }
            // The hash of the text itself, not the file's claim (load checks that claim).
            if let Some(first) = sources.first() {
                if sha256_hex(&save.record.text) != sha256_hex(&first.record.text) {
                    return Err(ReviewError::OtherText { annotator, reference: first.annotator.clone() });
                }
            }
            let loaded = save
                .record
                .clone()
                .load(&schema)
                .map_err(|error| ReviewError::Unreadable { annotator: annotator.clone(), error })?;
            // The editor's own checks (duplicate spans, relation rules), so
            // that any mix of versions the gold takes is one it can open.
            let shared = article.get_or_insert_with(|| Arc::new(loaded.article.clone())).clone();
            Editor::new(shared, schema.clone())
                .replace_snapshot(loaded.snapshot())
                .map_err(|error| ReviewError::Inconsistent { annotator: annotator.clone(), error })?;
            sources.push(Source {
                annotator,
                record: save.record,
                spans: loaded.spans,
                relations: loaded.relations,
                document: loaded.document,
            });
        }
        let items = alignment::align_spans(&sources);
        let relations = alignment::align_relations(&sources);
        Ok(Review { article: article.expect("two or more saves"), schema, sources, items, relations })
    }

    pub fn article(&self) -> &Arc<Article> {
        &self.article
    }
    pub fn schema(&self) -> &Arc<LabelSchema> {
        &self.schema
    }
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }
    pub fn annotators(&self) -> Vec<&str> {
        self.sources.iter().map(|s| s.annotator.as_str()).collect()
    }
    pub fn source(&self, annotator: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.annotator == annotator)
    }
    /// Span items, in document order.
    pub fn items(&self) -> &[Item] {
        &self.items
    }
    /// Relation items, by their `from` span in document order.
    pub fn relations(&self) -> &[RelationItem] {
        &self.relations
    }
    /// Items on which the annotators do not all agree.
    pub fn disagreements(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|i| i.kind != ItemKind::Agree)
    }

    /// Per-label, token and attribute agreement between every pair of
    /// annotators: the very computation `marginalia agree` runs.
    pub fn agreement(&self) -> AgreementReport {
        let text: Vec<(&str, &Record)> = self.sources.iter().map(|s| (s.annotator.as_str(), &s.record)).collect();
        agreement(&[text])
    }
}
