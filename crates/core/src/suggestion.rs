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

/// `proposed` without what is already annotated — a span with the same
/// label over the same text or around it ("Diop" PERSON inside "Abdallah
/// Diop" PERSON says nothing new) — and without duplicates, in document
/// order.
pub fn open_suggestions(mut proposed: Vec<Suggestion>, annotations: &Annotations) -> Vec<Suggestion> {
    proposed.retain(|s| !annotations.iter().any(|a| a.start <= s.start && s.end <= a.end && a.label == s.label));
    crate::sorting::sort_by(&mut proposed, |a, b| (a.start, std::cmp::Reverse(a.end), &a.label).cmp(&(b.start, std::cmp::Reverse(b.end), &b.label)));
    proposed.dedup_by(|a, b| a.start == b.start && a.end == b.end && a.label == b.label);
    proposed
}

/// True when `s` is annotated exactly (same offsets, same label).
pub fn is_annotated(s: &Suggestion, annotations: &Annotations) -> bool {
    annotations.iter().any(|a| a.start == s.start && a.end == s.end && a.label == s.label)
}

/// True when every one of `batch` is annotated exactly (the state right
/// after they were accepted).
pub fn all_annotated(batch: &[Suggestion], annotations: &Annotations) -> bool {
    batch.iter().all(|s| is_annotated(s, annotations))
}

/// A span in a model's answer: Marginalia's / Prodigy's `spans` or
/// spaCy's `ents`, offsets in code points, an optional `score`.
#[derive(serde::Deserialize)]
struct ModelSpan {
    start: usize,
    end: usize,
    label: String,
    #[serde(default)]
    score: Option<f64>,
}

/// `{"spans": [...]}` or `{"ents": [...]}` (`spans` wins when both are
/// there); a bare list is read apart. Not an untagged enum: serde reads those
/// by buffering the whole answer first (its private `Content` type), which
/// costs the bundle a few KB.
#[derive(serde::Deserialize)]
struct ModelAnswer {
    #[serde(default)]
    spans: Option<Vec<ModelSpan>>,
    #[serde(default)]
    ents: Option<Vec<ModelSpan>>,
}

/// Reads a suggestion endpoint's answer for a text of `len` code points,
/// keeping the spans scored at least `min_score` (spans without a score
/// are kept). Offsets outside the text are an error, never clipped.
pub fn from_model_answer(json: &str, len: usize, min_score: f64) -> Result<Vec<Suggestion>, String> {
    let shape = |e: &dyn std::fmt::Display| format!("the answer is not {{\"spans\": [...]}} or {{\"ents\": [...]}} with start, end and label: {e}");
    let spans = if json.trim_start().starts_with('[') {
        serde_json::from_str::<Vec<ModelSpan>>(json).map_err(|e| shape(&e))?
    } else {
        let answer: ModelAnswer = serde_json::from_str(json).map_err(|e| shape(&e))?;
        answer.spans.or(answer.ents).ok_or_else(|| shape(&"it has neither"))?
    };
    let mut out = Vec::with_capacity(spans.len());
    for (i, s) in spans.into_iter().enumerate() {
        if s.start >= s.end || s.end > len {
            return Err(format!("span {i}: offsets {}–{} are not a range inside the text ({len} characters)", s.start, s.end));
        }
        if s.score.is_none_or(|score| score >= min_score) {
            out.push(Suggestion { start: s.start, end: s.end, label: s.label, source: Source::Model, score: s.score });
        }
    }
    Ok(out)
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
    fn a_model_answer_in_any_shape_is_filtered_by_score() {
        let spans = r#"{"spans": [{"start": 0, "end": 4, "label": "GPE", "score": 0.9}, {"start": 5, "end": 11, "label": "ORG", "score": 0.3}, {"start": 12, "end": 14, "label": "MISC"}]}"#;
        let got = from_model_answer(spans, 20, 0.5).unwrap();
        assert_eq!(got.iter().map(|s| (s.start, s.label.as_str())).collect::<Vec<_>>(), [(0, "GPE"), (12, "MISC")]);
        assert!(got.iter().all(|s| s.source == Source::Model));
        let ents = r#"{"ents": [{"start": 5, "end": 11, "label": "ORG", "score": 0.3}]}"#;
        assert_eq!(from_model_answer(ents, 20, 0.2).unwrap().len(), 1);
        assert_eq!(from_model_answer(r#"[{"start": 1, "end": 2, "label": "X"}]"#, 20, 0.9).unwrap().len(), 1);
        let outside = from_model_answer(r#"{"spans": [{"start": 18, "end": 25, "label": "X"}]}"#, 20, 0.0).unwrap_err();
        assert!(outside.contains("span 0") && outside.contains("18–25"), "{outside}");
        assert!(from_model_answer("{\"labels\": []}", 20, 0.0).is_err());
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

    #[test]
    fn a_suggestion_inside_a_span_of_its_label_is_not_offered() {
        let text = "Abdallah Diop met Diop in Bamako.";
        let article = Arc::new(Article::new("t", "t", text).unwrap());
        let mut e = Editor::new(article, Arc::new(LabelSchema::news_default()));
        e.add_span(0, 13, "PERSON").unwrap();
        // "Diop" inside "Abdallah Diop" PERSON: nothing new. As ORG it is a
        // disagreement worth showing; the other "Diop" is not covered.
        let open = open_suggestions(vec![s(9, 13, "PERSON"), s(9, 13, "ORG"), s(18, 22, "PERSON"), s(0, 13, "PERSON")], e.annotations());
        assert_eq!(open, vec![s(9, 13, "ORG"), s(18, 22, "PERSON")]);
        // A suggestion around a span is offered: it says the span is short.
        assert_eq!(open_suggestions(vec![s(0, 17, "PERSON")], e.annotations()).len(), 1);
        assert!(all_annotated(&[s(0, 13, "PERSON")], e.annotations()));
        assert!(!all_annotated(&[s(0, 13, "PERSON"), s(18, 22, "PERSON")], e.annotations()));
    }
}
