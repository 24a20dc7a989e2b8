//! What a conversion could not carry over, counted per kind: every export
//! names its losses (`"2 relations (brat has no free-text targets)"`), and
//! the tool sums them instead of printing one line per document.

use std::collections::BTreeMap;

#[derive(Default)]
pub struct LossTally {
    /// kind → (how many, in how many documents, the first document's id)
    kinds: BTreeMap<String, (u64, u64, String)>,
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

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// One line per kind, e.g. `12 relations (…) in 5 documents (first: doc-1)`.
    pub fn lines(&self) -> Vec<String> {
        self.kinds
            .iter()
            .map(|(kind, (count, docs, first))| {
                let docs_word = if *docs == 1 { "document" } else { "documents" };
                format!("{count} {kind} in {docs} {docs_word} (first: {first})")
            })
            .collect()
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
}
