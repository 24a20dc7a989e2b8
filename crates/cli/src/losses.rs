//! What a conversion could not carry over, counted per kind: every export
//! names its losses (`"2 relations (brat has no free-text targets)"`), and
//! the tool sums them instead of printing one line per document. Tasks left
//! out whole for their answer (`formats::answers`) are counted per answer:
//! `12 tasks answered reject (…)`.

use marginalia_core::formats::answers::left_out_sentence;
use marginalia_core::formats::Format;
use std::collections::BTreeMap;

#[derive(Default)]
pub struct LossTally {
    /// kind → (how many, in how many documents, the first document's id)
    kinds: BTreeMap<String, (u64, u64, String)>,
    /// answer → (tasks left out, the first one's document id), and the
    /// format that could not hold them.
    left_out: BTreeMap<String, (u64, String)>,
    format: Option<Format>,
}

impl LossTally {
    pub fn add(&mut self, doc_id: &str, loss: &str) {
        let (count, kind) = split_count(loss);
        let entry = self
            .kinds
            .entry(kind.to_string())
            .or_insert_with(|| (0, 0, doc_id.to_string()));
        entry.0 += count;
        entry.1 += 1;
    }

    /// A task (one document) not written to `format` for its `answer`.
    pub fn leave_out(&mut self, doc_id: &str, answer: &str, format: Format) {
        self.format = Some(format);
        let entry = self
            .left_out
            .entry(answer.to_string())
            .or_insert_with(|| (0, doc_id.to_string()));
        entry.0 += 1;
    }

    /// How many tasks were left out for their answer.
    pub fn tasks_left_out(&self) -> u64 {
        self.left_out.values().map(|(n, _)| n).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty() && self.left_out.is_empty()
    }

    /// One line per answer left out, then per kind, e.g. `12 tasks answered
    /// reject (…) (first: doc-3)`, `12 relations (…) in 5 documents (first: doc-1)`.
    pub fn lines(&self) -> Vec<String> {
        let tasks = self.format.into_iter().flat_map(|format| {
            self.left_out.iter().map(move |(answer, (count, first))| {
                format!(
                    "{} (first: {first})",
                    left_out_sentence(*count, answer, format)
                )
            })
        });
        let kinds = self.kinds.iter().map(|(kind, (count, docs, first))| {
            let docs_word = if *docs == 1 { "document" } else { "documents" };
            format!("{count} {kind} in {docs} {docs_word} (first: {first})")
        });
        tasks.chain(kinds).collect()
    }
}

/// `"2 relations (…)"` → `(2, "relations (…)")`; a loss without a leading count counts once.
fn split_count(loss: &str) -> (u64, &str) {
    let digits = loss.len() - loss.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    match (
        loss[..digits].parse::<u64>(),
        loss[digits..].strip_prefix(' '),
    ) {
        (Ok(n), Some(rest)) if !rest.is_empty() => (n, rest),
        _ => (1, loss),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn losses_are_summed_per_kind() {
        let mut tally = LossTally::default();
        tally.add("d1", "2 relations (no free text)");
        tally.add("d2", "3 relations (no free text)");
        tally.add("d2", "document labels (not held)");
        assert_eq!(
            tally.lines(),
            vec![
                "1 document labels (not held) in 1 document (first: d2)".to_string(),
                "5 relations (no free text) in 2 documents (first: d1)".to_string(),
            ]
        );
    }

    #[test]
    fn tasks_left_out_are_counted_per_answer_before_other_losses() {
        let mut tally = LossTally::default();
        assert!(tally.is_empty());
        for (doc, answer) in [("d1", "reject"), ("d2", "ignore"), ("d3", "reject")] {
            tally.leave_out(doc, answer, Format::Iob2);
        }
        tally.add("d4", "1 relation (no free text)");
        assert_eq!(tally.tasks_left_out(), 3);
        assert_eq!(
            tally.lines(),
            vec![
                "1 task answered ignore (CoNLL IOB2 (entities) holds accepted annotations only) (first: d2)".to_string(),
                "2 tasks answered reject (CoNLL IOB2 (entities) holds accepted annotations only) (first: d1)".to_string(),
                "1 relation (no free text) in 1 document (first: d4)".to_string(),
            ]
        );
    }
}
