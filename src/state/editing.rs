//! Editing the annotations: spans, labels, links, attributes, document
//! labels and status, undo and redo. Each edit is one transaction of the
//! core `Editor`; a refused edit changes nothing and says why.
//!
//! Units: code points into the open article, end exclusive. Invariant:
//! every edit that succeeds bumps `revision` (`changed`), which is what the
//! app persists on.

use super::{AppState, Focus};
use marginalia_core::document_status::DocumentStatus;
use marginalia_core::relation::{RelationId, Target};
use marginalia_core::span::SpanId;

impl AppState {
    /// Labels exactly `[start, end)`, as a script asks, and selects it.
    pub(super) fn add_span(&mut self, start: usize, end: usize, label: &str) {
        match self.editor.add_span(start, end, label) {
            Ok(id) => {
                self.focus = Focus::Selected(id);
                self.changed();
            }
            Err(e) => self.error(format!("Could not add the span: {e}.")),
        }
    }

    /// Labels the pending selection, or relabels the selected span.
    pub(super) fn apply_label(&mut self, label: String) {
        if let Some((start, end)) = self.focus.pending() {
            match self.editor.add_span(start, end, &label) {
                Ok(id) => {
                    self.focus = Focus::Selected(id);
                    self.changed();
                }
                Err(e) => self.error(format!("Could not label “{}”: {e}.", self.article().slice(start, end))),
            }
        } else if let Some(id) = self.focus.selected() {
            match self.editor.set_label(id, &label) {
                Ok(()) => self.changed(),
                Err(e) => self.error(format!("Could not change the label: {e}.")),
            }
        } else {
            self.info(format!("Select some text first, then press a label key to label it {label}."));
        }
    }

    /// Deletes the selected span and its links (one undo step).
    pub(super) fn delete_selected(&mut self) {
        if let Some(id) = self.focus.selected() {
            self.delete_span(id);
        }
    }

    /// Deletes span `id` and its links (one undo step); it is no longer
    /// selected, whatever else is in focus stays.
    /// The host's remove-by-id: an id with no span is said, never taken
    /// for whatever is selected.
    pub(super) fn delete_span_by_id(&mut self, id: SpanId) {
        if self.editor.annotations().get(id).is_none() {
            return self.error(format!("Could not delete: there is no span {id}."));
        }
        // `changed` lets go of a selection or a link picked from it.
        self.delete_span(id);
        self.mode.reviewed(id);
    }

    pub(super) fn delete_span(&mut self, id: SpanId) {
        let links = self.editor.annotations().relations_of(id).count();
        match self.editor.remove_span(id) {
            Ok(()) => {
                // `changed` lets go of the span if it was selected.
                self.changed();
                if links > 0 {
                    self.info(format!(
                        "Deleted the annotation and its {links} link{}; Ctrl+Z brings them back.",
                        if links == 1 { "" } else { "s" }
                    ));
                }
            }
            Err(e) => self.error(format!("Could not delete: {e}.")),
        }
    }

    pub(super) fn undo(&mut self) {
        let taken_in = self.accepted_in_place();
        if self.editor.undo() {
            self.offer_again(&taken_in);
            self.changed();
        }
    }

    pub(super) fn redo(&mut self) {
        if self.editor.redo() {
            self.drop_annotated_suggestions();
            self.changed();
        }
    }

    /// Links `from` to `to`; `from` is then selected (a link being picked
    /// from it goes on).
    pub(super) fn link_to(&mut self, to: Target, label: String, from: SpanId) {
        match self.editor.add_relation(from, to, &label) {
            Ok(_) => {
                if self.focus.linking().is_none_or(|(f, _)| f != from) {
                    self.focus = Focus::Selected(from);
                }
                self.changed();
            }
            Err(e) => self.error(format!("Could not link: {e}.")),
        }
    }

    /// The next span clicked becomes the target of a `label` link from the
    /// selected span.
    pub(super) fn start_linking(&mut self, label: String) {
        let Some(from) = self.focus.selected() else { return };
        let title = self.editor.schema().relation(&label).map_or(label.clone(), |r| r.title.clone());
        self.focus = Focus::Linking { from, label };
        self.info(format!("{title}: click the entity in the text (Escape cancels)."));
    }

    pub(super) fn remove_relation(&mut self, id: RelationId) {
        match self.editor.remove_relation(id) {
            Ok(()) => self.changed(),
            Err(e) => self.error(format!("Could not remove the link: {e}.")),
        }
    }

    pub(super) fn set_attribute(&mut self, id: SpanId, key: &str, value: Option<serde_json::Value>) {
        match self.editor.set_attribute(id, key, value) {
            Ok(()) => self.changed(),
            Err(e) => self.error(format!("Could not set {key}: {e}.")),
        }
    }

    pub(super) fn set_document_label(&mut self, key: &str, value: Option<serde_json::Value>) {
        match self.editor.set_document_label(key, value) {
            Ok(()) => self.changed(),
            Err(e) => self.error(format!("Could not set {key}: {e}.")),
        }
    }

    pub(super) fn set_status(&mut self, status: Option<DocumentStatus>) {
        match self.editor.set_status(status) {
            Ok(()) => self.changed(),
            Err(e) => self.error(format!("The status was not set: {e}.")),
        }
    }

    /// Shows or hides the spans of these labels; a hidden span is no
    /// longer selected.
    pub(super) fn set_labels_visible(&mut self, labels: Vec<String>, visible: bool) {
        let mut hidden = (*self.hidden).clone();
        for l in labels {
            if visible {
                hidden.remove(&l);
            } else {
                hidden.insert(l);
            }
        }
        self.hidden = std::rc::Rc::new(hidden);
        let selected = self.focus.selected().and_then(|id| self.editor.annotations().get(id));
        if selected.is_some_and(|sp| self.hidden.contains(&sp.label)) {
            self.focus.deselect();
        }
    }
}
