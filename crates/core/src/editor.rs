//! The editor: one article, its label schema, its annotations and their undo
//! history. Every user action goes through [`Editor::execute`] as one
//! transaction, which either applies whole or not at all.

use crate::document_status::DocumentStatus;
use crate::article::Article;
use crate::command::{Annotations, Command, CommandError, Snapshot};
use crate::history::History;
use crate::label_schema::LabelSchema;
use crate::relation::{Relation, RelationId, Target};
use crate::span::{AttributeState, Attributes, Span, SpanId};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// A span to add: where, which label, and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewSpan<'a> {
    pub start: usize,
    pub end: usize,
    pub label: &'a str,
    /// `pattern`, `propagated`, `model`; `None` for the annotator's own.
    pub source: Option<&'a str>,
}

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

    /// A copy that reads as this one does (article, schema, annotations and
    /// revision) without the undo history: what a record worked out later
    /// keeps, so that it holds no edit that can no longer be undone.
    pub fn without_history(&self) -> Editor {
        Editor {
            article: self.article.clone(),
            schema: self.schema.clone(),
            annotations: self.annotations.clone(),
            history: History::default(),
            revision: self.revision,
        }
    }

    /// Applies `commands` as one undoable step; on any error nothing changes.
    pub fn execute(&mut self, commands: Vec<Command>) -> Result<(), CommandError> {
        let inverses = self.apply_all(commands)?;
        self.history.record(inverses);
        Ok(())
    }

    /// Labels `[start, end)` with `label`; the layer comes from the schema,
    /// and the layer's attributes start unset, or at the schema's defaults
    /// recorded as defaults (`Span::defaults`), never as choices.
    pub fn add_span(&mut self, start: usize, end: usize, label: &str) -> Result<SpanId, CommandError> {
        let ids = self.add_spans(&[NewSpan { start, end, label, source: None }])?;
        Ok(ids[0])
    }

    /// Adds several spans as one undo step (accepting a batch of
    /// suggestions); each records its `source`. Nothing is added if one fails.
    pub fn add_spans(&mut self, spans: &[NewSpan<'_>]) -> Result<Vec<SpanId>, CommandError> {
        let mut commands = Vec::with_capacity(spans.len());
        let mut ids = Vec::with_capacity(spans.len());
        for n in spans {
            let def = self.schema.label(n.label).ok_or_else(|| CommandError::UnknownLabel(n.label.to_string()))?;
            let layer = def.layer.clone();
            let defaults: Attributes = crate::sorting::map_of(
                self.schema.attributes_for(&layer).filter_map(|a| a.default.clone().map(|d| (a.name.clone(), d))),
            );
            let id = self.annotations.allocate_id()?;
            let span = Span {
                id,
                start: n.start,
                end: n.end,
                label: n.label.to_string(),
                layer,
                attributes: Attributes::new(),
                defaults,
                source: n.source.map(str::to_string),
            };
            commands.push(Command::AddSpan(span));
            ids.push(id);
        }
        self.execute(commands)?;
        Ok(ids)
    }

    /// Links span `from` to a span or free text with relation `label`,
    /// checking the endpoints' layers against the schema.
    pub fn add_relation(&mut self, from: SpanId, to: Target, label: &str) -> Result<RelationId, CommandError> {
        let def = self.schema.relation(label).ok_or_else(|| CommandError::UnknownLabel(label.to_string()))?;
        let from_span = self.annotations.get(from).ok_or(CommandError::NoSuchSpan(from))?;
        if !def.from.contains(&from_span.layer) {
            return Err(CommandError::InvalidRelation(format!(
                "a {label} link starts from a span in {}, not {}",
                def.from.join(" or "),
                from_span.layer
            )));
        }
        match &to {
            Target::Span(id) => {
                let to_span = self.annotations.get(*id).ok_or(CommandError::NoSuchSpan(*id))?;
                if !def.to.contains(&to_span.layer) {
                    return Err(CommandError::InvalidRelation(format!(
                        "a {label} link ends at a span in {}, not {}",
                        def.to.join(" or "),
                        to_span.layer
                    )));
                }
            }
            Target::Text(_) if !def.free_text => {
                return Err(CommandError::InvalidRelation(format!("a {label} link must end at a span of the text")))
            }
            Target::Text(_) => {}
        }
        let id = self.annotations.allocate_relation_id()?;
        self.execute(vec![Command::AddRelation(Relation { id, from, to, label: label.to_string() })])?;
        Ok(id)
    }

    pub fn remove_relation(&mut self, id: RelationId) -> Result<(), CommandError> {
        self.execute(vec![Command::RemoveRelation(id)])
    }

    /// Chooses (or with `None` clears) an attribute the schema defines for
    /// the span's layer. Choosing is a decision even when the value equals
    /// the schema's default; clearing leaves the attribute unset (not back
    /// at its default: undo does that).
    pub fn set_attribute(&mut self, id: SpanId, key: &str, value: Option<serde_json::Value>) -> Result<(), CommandError> {
        let span = self.annotations.get(id).ok_or(CommandError::NoSuchSpan(id))?;
        let def = self
            .schema
            .attributes_for(&span.layer)
            .find(|a| a.name == key)
            .ok_or_else(|| CommandError::InvalidAttribute(format!("spans in {} have no attribute {key:?}", span.layer)))?;
        if let Some(v) = &value {
            def.check(v).map_err(CommandError::InvalidAttribute)?;
        }
        let value = value.map_or(AttributeState::Unset, AttributeState::Chosen);
        self.execute(vec![Command::SetAttribute { id, key: key.to_string(), value }])
    }

    /// Sets (or clears) a document-level label the schema defines.
    pub fn set_document_label(&mut self, key: &str, value: Option<serde_json::Value>) -> Result<(), CommandError> {
        let def = self
            .schema
            .document_label(key)
            .ok_or_else(|| CommandError::InvalidAttribute(format!("the schema has no document label {key:?}")))?;
        if let Some(v) = &value {
            def.check(v).map_err(CommandError::InvalidAttribute)?;
        }
        self.execute(vec![Command::SetDocumentLabel { key: key.to_string(), value }])
    }

    /// Marks the document done / skipped / flagged with a note, or clears
    /// the mark; one undo step.
    pub fn set_status(&mut self, status: Option<DocumentStatus>) -> Result<(), CommandError> {
        if self.annotations.status() == status.as_ref() {
            return Ok(());
        }
        self.execute(vec![Command::SetStatus(status)])
    }

    pub fn set_label(&mut self, id: SpanId, label: &str) -> Result<(), CommandError> {
        if self.schema.label(label).is_none() {
            return Err(CommandError::UnknownLabel(label.to_string()));
        }
        self.execute(vec![Command::SetLabel { id, label: label.to_string() }])
    }

    /// Removes a span together with the relations from or to it, as one
    /// undoable step.
    pub fn remove_span(&mut self, id: SpanId) -> Result<(), CommandError> {
        let mut commands: Vec<Command> =
            self.annotations.relations_of(id).map(|r| Command::RemoveRelation(r.id)).collect();
        commands.push(Command::RemoveSpan(id));
        self.execute(commands)
    }

    /// Replaces all spans (opening a saved file), as one undoable step.
    pub fn replace_all(&mut self, spans: Vec<Span>) -> Result<(), CommandError> {
        self.replace_snapshot(Snapshot::spans_only(spans))
    }

    /// Replaces all annotations (opening a saved file), as one undoable step.
    pub fn replace_snapshot(&mut self, snapshot: Snapshot) -> Result<(), CommandError> {
        self.execute(vec![Command::ReplaceAll(snapshot)])
    }

    /// Restores spans without an undo step (reloading persisted work).
    pub fn restore(&mut self, spans: Vec<Span>) -> Result<(), CommandError> {
        self.restore_snapshot(Snapshot::spans_only(spans))
    }

    /// Restores all annotations without an undo step.
    pub fn restore_snapshot(&mut self, snapshot: Snapshot) -> Result<(), CommandError> {
        self.apply_all(vec![Command::ReplaceAll(snapshot)]).map(|_| ())
    }

    /// Takes in annotations merged with another tab's (`crate::merge`),
    /// outside the undo history: undo still takes back this tab's own steps
    /// and only those. The history follows this tab's spans the merge
    /// renamed, and ids it alone still knows (spans deleted here) that now
    /// name one of the other tab's spans move out of the way. `base` is the
    /// version the merge started from. On an error nothing changes.
    pub fn adopt_merge(&mut self, merged: &crate::merge::Merged, base: &Snapshot) -> Result<(), CommandError> {
        let before = self.annotations.clone();
        self.restore_snapshot(merged.snapshot.clone())?;
        // Ids as numbers: the maps are compiled once for spans and relations.
        let mut spans: BTreeMap<u32, u32> = crate::sorting::map_of(merged.renamed_spans.iter().map(|(a, b)| (a.0, b.0)));
        let mut relations: BTreeMap<u32, u32> = crate::sorting::map_of(merged.renamed_relations.iter().map(|(a, b)| (a.0, b.0)));
        let mut named_spans = BTreeSet::new();
        let mut named_relations = BTreeSet::new();
        for cmd in self.history.commands_mut() {
            cmd.rename(
                &mut |id| {
                    named_spans.insert(id.0);
                    id
                },
                &mut |id| {
                    named_relations.insert(id.0);
                    id
                },
            );
        }
        for id in named_spans {
            let elsewhere = before.get(SpanId(id)).is_none() && !base.spans.iter().any(|s| s.id.0 == id);
            if elsewhere && self.annotations.get(SpanId(id)).is_some() && !spans.contains_key(&id) {
                match self.annotations.allocate_id() {
                    Ok(fresh) => spans.insert(id, fresh.0),
                    Err(e) => return Err(self.roll_back(before, e)),
                };
            }
        }
        for id in named_relations {
            let elsewhere = before.relation(RelationId(id)).is_none() && !base.relations.iter().any(|r| r.id.0 == id);
            if elsewhere && self.annotations.relation(RelationId(id)).is_some() && !relations.contains_key(&id) {
                match self.annotations.allocate_relation_id() {
                    Ok(fresh) => relations.insert(id, fresh.0),
                    Err(e) => return Err(self.roll_back(before, e)),
                };
            }
        }
        for cmd in self.history.commands_mut() {
            cmd.rename(
                &mut |id| spans.get(&id.0).map_or(id, |&n| SpanId(n)),
                &mut |id| relations.get(&id.0).map_or(id, |&n| RelationId(n)),
            );
        }
        Ok(())
    }

    /// Puts `before` back (a merge that cannot be taken in changes nothing).
    fn roll_back(&mut self, before: Annotations, e: CommandError) -> CommandError {
        self.annotations = before;
        e
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
        let no_overlap = self.schema.no_overlap_layers();
        let mut inverses = Vec::with_capacity(commands.len());
        for cmd in commands {
            match self.annotations.apply(cmd, len, &no_overlap) {
                Ok(inv) => inverses.push(inv),
                Err(e) => {
                    for inv in inverses.into_iter().rev() {
                        self.annotations.apply(inv, len, &[]).expect("an inverse always applies");
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
    fn a_copy_without_history_reads_the_same_and_cannot_undo() {
        let mut e = editor("Zoë 👩🏾‍🍳 met علي in 東京.");
        let zoe = e.add_span(0, 3, "PERSON").unwrap();
        e.add_span(13, 15, "GPE").unwrap();
        e.set_label(zoe, "ORG").unwrap();
        let mut copy = e.without_history();
        assert_eq!(copy.annotations(), e.annotations());
        assert_eq!((copy.revision(), copy.article().text(), copy.schema().labels.len()), (e.revision(), e.article().text(), e.schema().labels.len()));
        assert!(e.history().can_undo());
        assert!(!copy.history().can_undo() && !copy.undo(), "the copy keeps no history");
        assert!(e.undo(), "the original keeps its own");
    }

    #[test]
    fn a_merge_from_another_tab_stays_out_of_undo_which_follows_renamed_spans() {
        use crate::merge::{merge, Side};
        let text = "Mali and Russia met on Monday.";
        let mut a = editor(text);
        let monday = a.add_span(23, 29, "DATE").unwrap();
        let gone = a.add_span(9, 15, "ORG").unwrap();
        a.remove_span(gone).unwrap();
        let mut b = editor(text);
        b.add_span(0, 4, "GPE").unwrap();
        let russia = b.add_span(9, 15, "GPE").unwrap();
        assert_eq!((monday, russia), (SpanId(1), SpanId(2)), "both tabs handed out s1 and s2");

        let base = Snapshot::default();
        let merged = merge(&base, &a.annotations().snapshot(), &b.annotations().snapshot(), Side::Mine);
        a.adopt_merge(&merged, &base).unwrap();
        let labels = |e: &Editor| e.annotations().in_document_order().iter().map(|s| s.label.clone()).collect::<Vec<_>>();
        assert_eq!(labels(&a), ["GPE", "GPE", "DATE"]);
        // Undo takes back this tab's steps only: the deletion of its own
        // s2 (now under another id, since s2 is the other tab's Russia)…
        assert!(a.undo());
        assert_eq!(labels(&a), ["GPE", "GPE", "ORG", "DATE"]);
        assert!(a.undo());
        assert_eq!(labels(&a), ["GPE", "GPE", "DATE"]);
        // …then its own Monday, wherever the merge put it.
        assert!(a.undo());
        assert_eq!(labels(&a), ["GPE", "GPE"]);
        assert!(!a.undo(), "the other tab's spans are not this tab's to undo");
        assert!(a.redo() && a.redo());
        assert_eq!(labels(&a), ["GPE", "GPE", "ORG", "DATE"]);
    }

    #[test]
    fn the_document_status_is_undoable_and_saved() {
        use crate::document_status::{DocumentStatus, StatusState};
        let mut e = editor("Wagner in Mali.");
        let flagged = DocumentStatus { state: StatusState::Flagged, note: "Quote unsourced — ask the desk".into() };
        e.set_status(Some(flagged.clone())).unwrap();
        assert_eq!(e.annotations().status(), Some(&flagged));
        let json = crate::record::Record::from_editor(&e, &Default::default(), false).to_json();
        assert!(json.contains("\"status\": {") && json.contains("\"state\": \"flagged\""), "{json}");
        let back = crate::record::Record::parse(&json).unwrap().load(e.schema()).unwrap();
        assert_eq!(back.snapshot().status, Some(flagged));
        e.set_status(Some(DocumentStatus { state: StatusState::Done, note: String::new() })).unwrap();
        assert!(e.undo());
        assert_eq!(e.annotations().status().map(|s| s.state), Some(StatusState::Flagged));
        assert!(e.undo());
        assert_eq!(e.annotations().status(), None);
    }

    #[test]
    fn a_batch_of_accepted_suggestions_is_one_undo_step_and_keeps_its_source() {
        let text = "Wagner in Mali; Wagner in Bamako.";
        let mut e = editor(text);
        let mine = e.add_span(0, 6, "ORG").unwrap();
        let batch = [
            NewSpan { start: 16, end: 22, label: "ORG", source: Some("propagated") },
            NewSpan { start: 10, end: 14, label: "GPE", source: Some("pattern") },
        ];
        let ids = e.add_spans(&batch).unwrap();
        assert_eq!(e.annotations().len(), 3);
        assert_eq!(e.annotations().get(mine).unwrap().source, None);
        assert_eq!(e.annotations().get(ids[0]).unwrap().source.as_deref(), Some("propagated"));
        // Saved and read back, the source stays.
        let record = crate::record::Record::from_editor(&e, &Default::default(), false);
        let back = crate::record::Record::parse(&record.to_json()).unwrap().load(e.schema()).unwrap();
        let sources: Vec<_> = back.spans.iter().map(|s| s.source.clone()).collect();
        assert_eq!(sources, [None, Some("pattern".to_string()), Some("propagated".to_string())]);
        // One undo takes the whole batch back; a failing batch adds nothing.
        assert!(e.undo());
        assert_eq!(e.annotations().len(), 1);
        let bad = [NewSpan { start: 16, end: 22, label: "ORG", source: None }, NewSpan { start: 0, end: 3, label: "NOPE", source: None }];
        assert!(e.add_spans(&bad).is_err());
        assert_eq!(e.annotations().len(), 1);
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
        Link(usize, usize, bool),
        LinkText(usize),
        Unlink(usize),
        Attribute(usize, usize),
        Document(bool),
        Undo,
        Redo,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0usize..40, 1usize..10, 0usize..9).prop_map(|(s, l, lab)| Op::Add(s, s + l, lab)),
            (0usize..20, 0usize..9).prop_map(|(i, lab)| Op::Relabel(i, lab)),
            (0usize..20).prop_map(Op::Remove),
            (0usize..20, 0usize..20, any::<bool>()).prop_map(|(a, b, about)| Op::Link(a, b, about)),
            (0usize..20).prop_map(Op::LinkText),
            (0usize..20).prop_map(Op::Unlink),
            (0usize..20, 0usize..4).prop_map(|(i, v)| Op::Attribute(i, v)),
            any::<bool>().prop_map(Op::Document),
            Just(Op::Undo),
            Just(Op::Redo),
        ]
    }

    /// Every relation's endpoints exist.
    fn no_dangling(e: &Editor) -> bool {
        e.annotations().relations().all(|r| {
            e.annotations().get(r.from).is_some()
                && match &r.to {
                    Target::Span(id) => e.annotations().get(*id).is_some(),
                    Target::Text(_) => true,
                }
        })
    }

    proptest! {
        /// Any sequence of commands followed by as many undos restores the
        /// original annotations, and redoing them all comes back.
        #[test]
        fn undo_inverts_every_command_sequence(ops in proptest::collection::vec(op(), 0..40)) {
            let mut e = editor("Mali’s foreign minister, Abdallah Diop, on Friday 👩🏾‍🍳 défendu");
            let labels: Vec<String> = e.schema().labels.iter().map(|l| l.name.clone()).collect();
            let start = e.annotations().clone();
            let verdicts = ["unverified", "true", "false", "misleading"];
            for op in ops {
                let ids: Vec<SpanId> = e.annotations().iter().map(|s| s.id).collect();
                let rels: Vec<RelationId> = e.annotations().relations().map(|r| r.id).collect();
                let pick = |i: usize| ids[i % ids.len()];
                let _ = match op {
                    Op::Add(s, t, l) => e.add_span(s, t, &labels[l]).map(|_| ()),
                    Op::Relabel(i, l) if !ids.is_empty() => e.set_label(pick(i), &labels[l]),
                    Op::Remove(i) if !ids.is_empty() => e.remove_span(pick(i)),
                    Op::Link(a, b, about) if !ids.is_empty() => {
                        e.add_relation(pick(a), Target::Span(pick(b)), if about { "about" } else { "claimed_by" }).map(|_| ())
                    }
                    Op::LinkText(a) if !ids.is_empty() => {
                        e.add_relation(pick(a), Target::Text("a spokesman".into()), "claimed_by").map(|_| ())
                    }
                    Op::Unlink(i) if !rels.is_empty() => e.remove_relation(rels[i % rels.len()]),
                    Op::Attribute(i, v) if !ids.is_empty() => {
                        e.set_attribute(pick(i), "verdict", Some(serde_json::json!(verdicts[v])))
                    }
                    Op::Document(b) => e.set_document_label("contains_check_worthy_claims", Some(serde_json::json!(b))),
                    Op::Undo => { e.undo(); Ok(()) }
                    Op::Redo => { e.redo(); Ok(()) }
                    _ => Ok(()),
                };
                prop_assert!(no_dangling(&e), "a relation dangles after {:?}", e.annotations().snapshot());
            }
            let end = e.annotations().snapshot();
            let depth = e.history().undo_depth();
            for _ in 0..depth {
                prop_assert!(e.undo());
                prop_assert!(no_dangling(&e));
            }
            prop_assert_eq!(e.annotations().snapshot(), start.snapshot());
            for _ in 0..depth {
                prop_assert!(e.redo());
                prop_assert!(no_dangling(&e));
            }
            prop_assert_eq!(e.annotations().snapshot(), end);
        }
    }

    #[test]
    fn a_claim_starts_unset_links_and_deletes_with_its_relations_in_one_step() {
        let text = "He described Wagner as “a criminal organization”, said Richard Mills.";
        let mut e = editor(text);
        let claim = e.add_span(13, 49, "CLAIM").unwrap();
        let span = e.annotations().get(claim).unwrap();
        assert_eq!(span.layer, "claim");
        assert!(span.attributes.is_empty() && span.defaults.is_empty(), "nothing chosen, nothing pre-filled: {span:?}");
        let mills = e.add_span(56, 69, "PERSON").unwrap();
        let wagner = e.add_span(13, 19, "ORG").unwrap();
        e.add_relation(claim, Target::Span(mills), "claimed_by").unwrap();
        e.add_relation(claim, Target::Span(wagner), "about").unwrap();
        assert!(matches!(e.add_relation(mills, Target::Span(claim), "about"), Err(CommandError::InvalidRelation(_))));
        assert!(matches!(e.add_relation(claim, Target::Text("x".into()), "about"), Err(CommandError::InvalidRelation(_))));
        e.set_attribute(claim, "verdict", Some(serde_json::json!("misleading"))).unwrap();
        assert!(e.set_attribute(claim, "verdict", Some(serde_json::json!("maybe"))).is_err());
        assert!(e.set_attribute(mills, "verdict", Some(serde_json::json!("true"))).is_err(), "entities have no verdict");
        let depth = e.history().undo_depth();
        e.remove_span(claim).unwrap();
        assert_eq!(e.annotations().relations().count(), 0);
        assert_eq!(e.history().undo_depth(), depth + 1, "one undo step");
        assert!(e.undo());
        assert_eq!(e.annotations().relations().count(), 2);
        assert_eq!(e.annotations().get(claim).unwrap().attributes["verdict"], "misleading");
    }

    #[test]
    fn a_schema_default_is_recorded_as_a_default_until_chosen_and_undo_restores_it() {
        let mut schema = LabelSchema::news_default();
        schema.attributes.iter_mut().find(|a| a.name == "stance").unwrap().default = Some(serde_json::json!("neutral"));
        let article = Arc::new(Article::new("t", "t", "Mills said Mali is safe.").unwrap());
        let mut e = Editor::new(article, Arc::new(schema));
        let claim = e.add_span(0, 24, "CLAIM").unwrap();
        let span = e.annotations().get(claim).unwrap();
        assert_eq!(span.attribute_state("stance"), AttributeState::Default(serde_json::json!("neutral")));
        assert!(span.attributes.is_empty(), "a default is not a choice");
        assert_eq!(span.attribute_state("verdict"), AttributeState::Unset);
        // Choosing the very value the default had is a decision.
        e.set_attribute(claim, "stance", Some(serde_json::json!("neutral"))).unwrap();
        let span = e.annotations().get(claim).unwrap();
        assert_eq!(span.attribute_state("stance"), AttributeState::Chosen(serde_json::json!("neutral")));
        assert!(span.defaults.is_empty(), "one key, one map: {span:?}");
        e.set_attribute(claim, "stance", None).unwrap();
        assert_eq!(e.annotations().get(claim).unwrap().attribute_state("stance"), AttributeState::Unset, "clearing is not a return to the default");
        assert!(e.undo());
        assert_eq!(e.annotations().get(claim).unwrap().attribute_state("stance"), AttributeState::Chosen(serde_json::json!("neutral")));
        assert!(e.undo());
        assert_eq!(e.annotations().get(claim).unwrap().attribute_state("stance"), AttributeState::Default(serde_json::json!("neutral")));
        // Saved and read back, the default stays a default.
        let json = crate::record::Record::from_editor(&e, &Default::default(), false).to_json();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["spans"][0]["defaults"], serde_json::json!({"stance": "neutral"}));
        assert!(v["spans"][0].get("attributes").is_none(), "{json}");
        let loaded = crate::record::Record::parse(&json).unwrap().load(e.schema()).unwrap();
        assert_eq!(loaded.spans[0].attribute_state("stance"), AttributeState::Default(serde_json::json!("neutral")));
    }

    #[test]
    fn a_layer_can_forbid_overlap() {
        let mut schema = LabelSchema::news_default();
        schema.layers.iter_mut().find(|l| l.name == "claim").unwrap().overlap = false;
        let article = Arc::new(Article::new("t", "t", "one two three four").unwrap());
        let mut e = Editor::new(article, Arc::new(schema));
        e.add_span(0, 7, "CLAIM").unwrap();
        assert!(matches!(e.add_span(4, 13, "CLAIM"), Err(CommandError::Overlap { .. })));
        e.add_span(4, 13, "MISC").expect("other layers may still overlap");
    }
}
