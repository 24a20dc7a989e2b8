//! Opening a review of several annotators' saves: reading them (any
//! format), aligning them and starting the gold version
//! (`adjudication_view.rs`).

use crate::adjudication_view::{self, Adjudication};
use marginalia_core::label_schema::LabelSchema;

on_demand!(review;
    /// [`adjudication_view::start_review`], fetched on first use.
    pub fn start_review(files: &[(String, String)], schema: &LabelSchema, reviewer: &str, start_from: Option<&str>) -> Result<Adjudication, String> {
        adjudication_view::start_review(files, schema, reviewer, start_from)
    }
);
