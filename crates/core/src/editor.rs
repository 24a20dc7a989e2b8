//! The editor: one article, its label schema, its annotations and their undo
//! history. Every user action goes through [`Editor::execute`] as one
//! transaction, which either applies whole or not at all.

use crate::article::Article;
use crate::command::{Annotations, Command, CommandError};
use crate::history::History;
use crate::label_schema::LabelSchema;
use crate::span::{Attributes, Span, SpanId};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Editor {
    article: Arc<Article>,
    schema: Arc<LabelSchema>,
    annotations: Annotations,
    history: History,
    /// Bumped on every change, so views can tell cheaply that something moved.
    revision: u64,
}

impl Editor {
    pub fn new(article: Arc<Article>, schema: Arc<LabelSchema>) -> Self {
        Self { article, schema, annotations: Annotations::default(), history: History::default(), revision: 0 }
    }

    pub fn article(&self) -> &Arc<Article> {
        &self.article
    }
    pub fn schema(&self) -> &Arc<LabelSchema> {
        &self.schema
    }
    pub fn annotations(&self) -> &Annotations {
        &self.annotations
    }
    pub fn history(&self) -> &History {
        &self.history
    }
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Applies `commands` as one undoable step; on any error nothing changes.
    pub fn execute(&mut self, commands: Vec<Command>) -> Result<(), CommandError> {
        let inverses = self.apply_all(commands)?;
        self.history.record(inverses);
        Ok(())
    }

    /// Labels `[start, end)` with `label`; the layer comes from the schema.
    pub fn add_span(&mut self, start: usize, end: usize, label: &str) -> Result<SpanId, CommandError> {
        let def = self.schema.label(label).ok_or_else(|| CommandError::UnknownLabel(label.to_string()))?;
        let layer = def.layer.clone();
        let id = self.annotations.allocate_id();
        let span = Span { id, start, end, label: label.to_string(), layer, attributes: Attributes::new() };
        self.execute(vec![Command::AddSpan(span)])?;
        Ok(id)
    }

    pub fn set_label(&mut self, id: SpanId, label: &str) -> Result<(), CommandError> {
        if self.schema.label(label).is_none() {
            return Err(CommandError::UnknownLabel(label.to_string()));
        }
        self.execute(vec![Command::SetLabel { id, label: label.to_string() }])
    }

    pub fn remove_span(&mut self, id: SpanId) -> Result<(), CommandError> {
        self.execute(vec![Command::RemoveSpan(id)])
    }

    /// Replaces all spans (opening a saved file), as one undoable step.
    pub fn replace_all(&mut self, spans: Vec<Span>) -> Result<(), CommandError> {
        self.execute(vec![Command::ReplaceAll(spans)])
    }

    /// Restores spans without an undo step (reloading persisted work).
    pub fn restore(&mut self, spans: Vec<Span>) -> Result<(), CommandError> {
        self.apply_all(vec![Command::ReplaceAll(spans)]).map(|_| ())
    }

    pub fn undo(&mut self) -> bool {
        let Some(t) = self.history.pop_undo() else { return false };
        match self.apply_all(t.iter().rev().cloned().collect()) {
            Ok(redo) => {
                self.history.push_redo(redo);
                true
            }
            Err(_) => {
                self.history.push_undo(t);
                false
            }
        }
    }

    pub fn redo(&mut self) -> bool {
        let Some(t) = self.history.pop_redo() else { return false };
        match self.apply_all(t.iter().rev().cloned().collect()) {
            Ok(undo) => {
                self.history.push_undo(undo);
                true
            }
            Err(_) => {
                self.history.push_redo(t);
                false
            }
        }
    }

    /// Applies in order, rolling back on the first failure; returns the
    /// inverses in application order.
    fn apply_all(&mut self, commands: Vec<Command>) -> Result<Vec<Command>, CommandError> {
        let len = self.article.len_chars();
        let mut inverses = Vec::with_capacity(commands.len());
        for cmd in commands {
            match self.annotations.apply(cmd, len) {
                Ok(inv) => inverses.push(inv),
                Err(e) => {
                    for inv in inverses.into_iter().rev() {
                        self.annotations.apply(inv, len).expect("an inverse always applies");
                    }
                    return Err(e);
                }
            }
        }
        if !inverses.is_empty() {
            self.revision += 1;
        }
        Ok(inverses)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn editor(text: &str) -> Editor {
        let article = Arc::new(Article::new("t", "t", text).unwrap());
        Editor::new(article, Arc::new(LabelSchema::news_default()))
    }

    #[test]
    fn add_relabel_delete_and_undo_all() {
        let mut e = editor("Abdallah Diop met Antonio Guterres.");
        let a = e.add_span(0, 13, "PERSON").unwrap();
        e.set_label(a, "ORG").unwrap();
        let b = e.add_span(0, 8, "PERSON").unwrap();
        assert_ne!(a, b);
        e.remove_span(a).unwrap();
        assert_eq!(e.annotations().len(), 1);
        assert!(e.undo() && e.undo() && e.undo() && e.undo());
        assert!(e.annotations().is_empty());
        assert!(!e.undo());
        assert!(e.redo() && e.redo());
        assert_eq!(e.annotations().get(a).unwrap().label, "ORG");
    }

    #[test]
    fn rejects_unknown_label_duplicates_and_bad_ranges() {
        let mut e = editor("Mali and Russia");
        assert_eq!(e.add_span(0, 4, "FOO"), Err(CommandError::UnknownLabel("FOO".into())));
        e.add_span(0, 4, "GPE").unwrap();
        assert!(matches!(e.add_span(0, 4, "GPE"), Err(CommandError::Duplicate { .. })));
        assert_eq!(e.add_span(3, 3, "GPE"), Err(CommandError::EmptyRange));
        assert!(matches!(e.add_span(0, 99, "GPE"), Err(CommandError::OutOfBounds { .. })));
        assert_eq!(e.history().undo_depth(), 1, "failed commands leave no history");
    }

    #[test]
    fn ids_are_never_reused_after_undo() {
        let mut e = editor("Mali and Russia");
        let a = e.add_span(0, 4, "GPE").unwrap();
        e.undo();
        let b = e.add_span(9, 15, "GPE").unwrap();
        assert_ne!(a, b);
    }

    #[derive(Debug, Clone)]
    enum Op {
        Add(usize, usize, usize),
        Relabel(usize, usize),
        Remove(usize),
        Undo,
        Redo,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0usize..40, 1usize..10, 0usize..8).prop_map(|(s, l, lab)| Op::Add(s, s + l, lab)),
            (0usize..20, 0usize..8).prop_map(|(i, lab)| Op::Relabel(i, lab)),
            (0usize..20).prop_map(Op::Remove),
            Just(Op::Undo),
            Just(Op::Redo),
        ]
    }

    proptest! {
        /// Any sequence of commands followed by as many undos restores the
        /// original annotations, and redoing them all comes back.
        #[test]
        fn undo_inverts_every_command_sequence(ops in proptest::collection::vec(op(), 0..40)) {
            let mut e = editor("Mali’s foreign minister, Abdallah Diop, on Friday 👩🏾‍🍳 défendu");
            let labels: Vec<String> = e.schema().labels.iter().map(|l| l.name.clone()).collect();
            let start = e.annotations().clone();
            for op in ops {
                let ids: Vec<SpanId> = e.annotations().iter().map(|s| s.id).collect();
                let _ = match op {
                    Op::Add(s, t, l) => e.add_span(s, t, &labels[l]).map(|_| ()),
                    Op::Relabel(i, l) if !ids.is_empty() => e.set_label(ids[i % ids.len()], &labels[l]),
                    Op::Remove(i) if !ids.is_empty() => e.remove_span(ids[i % ids.len()]),
                    Op::Undo => { e.undo(); Ok(()) }
                    Op::Redo => { e.redo(); Ok(()) }
                    _ => Ok(()),
                };
            }
            let end = e.annotations().clone();
            let depth = e.history().undo_depth();
            for _ in 0..depth { prop_assert!(e.undo()); }
            prop_assert_eq!(spans(&e), spans_of(&start));
            for _ in 0..depth { prop_assert!(e.redo()); }
            prop_assert_eq!(spans(&e), spans_of(&end));
        }
    }

    fn spans(e: &Editor) -> Vec<Span> {
        spans_of(e.annotations())
    }
    fn spans_of(a: &Annotations) -> Vec<Span> {
        a.iter().cloned().collect()
    }
}
