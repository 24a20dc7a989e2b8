//! Suggestions: spans proposed by a patterns file, by "label all
//! occurrences" or by a model, shown apart from the annotations and never
//! saved as annotations until the annotator accepts them — then they
//! become spans that record where they came from.

use crate::command::Annotations;
use crate::editor::NewSpan;

/// Where a suggestion comes from (saved as the accepted span's `source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    Pattern,
    Propagated,
    Model,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Pattern => "pattern",
            Source::Propagated => "propagated",
            Source::Model => "model",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub source: Source,
    /// A model's confidence, when it gave one.
    pub score: Option<f64>,
}

impl Suggestion {
    pub fn as_new_span(&self) -> NewSpan<'_> {
        NewSpan { start: self.start, end: self.end, label: &self.label, source: Some(self.source.name()) }
    }
}

/// `proposed` without what is already annotated (a span with the same
/// offsets and label) and without duplicates, in document order.
pub fn open_suggestions(mut proposed: Vec<Suggestion>, annotations: &Annotations) -> Vec<Suggestion> {
    proposed.retain(|s| !annotations.iter().any(|a| a.start == s.start && a.end == s.end && a.label == s.label));
    proposed.sort_by(|a, b| (a.start, std::cmp::Reverse(a.end), &a.label).cmp(&(b.start, std::cmp::Reverse(b.end), &b.label)));
    proposed.dedup_by(|a, b| a.start == b.start && a.end == b.end && a.label == b.label);
    proposed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::Article;
    use crate::editor::Editor;
    use crate::label_schema::LabelSchema;
    use std::sync::Arc;

    fn s(start: usize, end: usize, label: &str) -> Suggestion {
        Suggestion { start, end, label: label.into(), source: Source::Pattern, score: None }
    }

    #[test]
    fn what_is_annotated_or_repeated_is_not_suggested_again() {
        let article = Arc::new(Article::new("t", "t", "Wagner in Mali; Wagner in Bamako.").unwrap());
        let mut e = Editor::new(article, Arc::new(LabelSchema::news_default()));
        e.add_span(0, 6, "ORG").unwrap();
        let open = open_suggestions(vec![s(16, 22, "ORG"), s(0, 6, "ORG"), s(0, 6, "MISC"), s(16, 22, "ORG"), s(10, 14, "GPE")], e.annotations());
        assert_eq!(open, vec![s(0, 6, "MISC"), s(10, 14, "GPE"), s(16, 22, "ORG")]);
        assert_eq!(open[2].as_new_span().source, Some("pattern"));
    }
}
