//! Native unit tests of the reducer: selection, labelling, undo, Escape
//! and read-only, on a small article (offsets are code points).

use super::{Action, AppState, Focus};
use marginalia_core::article::Article;
use marginalia_core::editor::Editor;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::SaveInfo;
use std::rc::Rc;
use std::sync::Arc;
use yew::Reducible;

/// "Ada 👩‍💻 met Ümit in 東京." — an emoji ZWJ sequence and CJK before the
/// words labelled, so code points and bytes differ.
const TEXT: &str = "Ada 👩‍💻 met Ümit in 東京.";

fn state() -> Rc<AppState> {
    let article = Article::new("doc", "Title", TEXT).unwrap();
    let editor = Editor::new(Arc::new(article), Arc::new(LabelSchema::news_default()));
    Rc::new(AppState::new(editor, SaveInfo::default()))
}

fn apply(s: Rc<AppState>, actions: Vec<Action>) -> Rc<AppState> {
    actions.into_iter().fold(s, |s, a| s.reduce(a))
}

/// Code-point offsets of `word` in TEXT.
fn range_of(word: &str) -> (usize, usize) {
    let byte = TEXT.find(word).unwrap();
    let start = TEXT[..byte].chars().count();
    (start, start + word.chars().count())
}

fn spans(s: &AppState) -> Vec<(usize, usize, String)> {
    s.editor.annotations().in_document_order().iter().map(|sp| (sp.start, sp.end, sp.label.clone())).collect()
}

#[test]
fn select_then_label_adds_a_span_in_code_points_and_selects_it() {
    let (start, end) = range_of("Ümit");
    let s = apply(state(), vec![Action::Select { anchor: start, focus: end, character: false }]);
    assert_eq!(s.focus.pending(), Some((start, end)));
    let s = s.reduce(Action::ApplyLabel("PERSON".into()));
    assert_eq!(spans(&s), vec![(start, end, "PERSON".to_string())]);
    assert_eq!(s.focus.pending(), None);
    assert!(s.focus.selected().is_some());
    assert!(s.revision > 0);
}

#[test]
fn undo_takes_the_label_back_and_redo_restores_it() {
    let (start, end) = range_of("東京");
    let s = apply(
        state(),
        vec![Action::Select { anchor: start, focus: end, character: false }, Action::ApplyLabel("LOC".into())],
    );
    assert_eq!(spans(&s).len(), 1, "{:?}", spans(&s));
    let s = s.reduce(Action::Undo);
    assert!(spans(&s).is_empty());
    let s = s.reduce(Action::Redo);
    assert_eq!(spans(&s), vec![(start, end, "LOC".to_string())]);
}

#[test]
fn relabelling_the_selected_span_keeps_one_span() {
    let (start, end) = range_of("Ada");
    let s = apply(
        state(),
        vec![
            Action::AddSpan { start, end, label: "PERSON".into() },
            Action::ApplyLabel("ORG".into()),
        ],
    );
    assert_eq!(spans(&s), vec![(start, end, "ORG".to_string())]);
}

#[test]
fn escape_clears_the_selection_and_the_caret() {
    let (start, end) = range_of("met");
    let s = apply(state(), vec![Action::Select { anchor: start, focus: end, character: false }]);
    assert!(s.focus.pending().is_some() && s.focus.caret().is_some());
    let s = s.reduce(Action::Escape);
    assert_eq!(s.focus, Focus::Nothing);

    let s = apply(s, vec![Action::AddSpan { start, end, label: "PERSON".into() }]);
    assert!(s.focus.selected().is_some());
    let s = s.reduce(Action::Escape);
    assert_eq!(s.focus.selected(), None);
}

#[test]
fn escape_cancels_linking_before_it_clears_the_selection() {
    let (start, end) = range_of("met");
    let s = apply(
        state(),
        vec![Action::AddSpan { start, end, label: "CLAIM".into() }, Action::StartLinking { label: "supports".into() }],
    );
    let selected = s.focus.selected();
    assert!(s.focus.linking().is_some());
    let s = s.reduce(Action::Escape);
    assert!(s.focus.linking().is_none());
    assert_eq!(s.focus.selected(), selected, "the first Escape only cancels the link");
}

#[test]
fn read_only_refuses_labels_deletes_and_undo_but_allows_selecting() {
    let (start, end) = range_of("Ada");
    let mut s = (*apply(state(), vec![Action::AddSpan { start, end, label: "PERSON".into() }])).clone();
    s.read_only = true;
    let s = Rc::new(s);
    let before = spans(&s);
    let revision = s.revision;
    for action in [
        Action::ApplyLabel("ORG".into()),
        Action::DeleteSelected,
        Action::Undo,
        Action::AddSpan { start: 0, end: 1, label: "LOC".into() },
    ] {
        let after = s.clone().reduce(action);
        assert_eq!(spans(&after), before);
        assert_eq!(after.revision, revision);
        assert!(after.notice.is_some(), "a refused change says why");
    }
    let (ms, me) = range_of("met");
    let after = s.reduce(Action::Select { anchor: ms, focus: me, character: false });
    assert_eq!(after.focus.pending(), Some((ms, me)), "selecting still works read-only");
}

#[test]
fn read_only_refuses_deleting_a_reanchored_span_and_adjudication_undo() {
    let (start, end) = range_of("Ada");
    let mut s = (*apply(state(), vec![Action::AddSpan { start, end, label: "PERSON".into() }])).clone();
    let id = s.focus.selected().unwrap();
    s.read_only = true;
    let s = Rc::new(s);
    assert!(Action::UndoDecision.changes_annotations());
    let after = s.clone().reduce(Action::DeleteReanchored(id));
    assert_eq!(spans(&after), spans(&s), "a re-anchored span stays read-only");
    assert!(after.notice.is_some());
    let after = s.clone().reduce(Action::UndoDecision);
    assert!(after.notice.is_some(), "undoing a decision is refused, not silently ignored");
    assert!(!Action::Escape.changes_annotations());
}
