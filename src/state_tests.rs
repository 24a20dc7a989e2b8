//! Native unit tests of the reducer: selection, labelling, undo, Escape,
//! read-only, and the transitions of the focus (caret, pending selection,
//! chooser, link picking, suggestions) and of the mode (review,
//! adjudication), on a small article (offsets are code points).

use super::{Action, AppState, Focus, Mode, ScrollTarget};
use crate::adjudication_view::start_review;
use crate::reanchoring::reanchor_onto;
use marginalia_core::article::Article;
use marginalia_core::caret::Motion;
use marginalia_core::editor::Editor;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::{Record, SaveInfo};
use marginalia_core::relation::Target;
use marginalia_core::span::SpanId;
use marginalia_core::suggestion::{Source, Suggestion};
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

/// A claim over "Ada 👩‍💻 met Ümit" with the entity "Ümit" (PERSON) inside
/// it; the claim is selected. Returns the state and (claim, entity).
fn claim_and_entity() -> (Rc<AppState>, SpanId, SpanId) {
    let (start, _) = range_of("Ada");
    let (ent_start, end) = range_of("Ümit");
    let s = apply(state(), vec![Action::AddSpan { start: ent_start, end, label: "PERSON".into() }]);
    let entity = s.focus.selected().unwrap();
    let s = s.reduce(Action::AddSpan { start, end, label: "CLAIM".into() });
    let claim = s.focus.selected().unwrap();
    assert_ne!(claim, entity);
    (s, claim, entity)
}

fn relations(s: &AppState) -> Vec<(SpanId, Target, String)> {
    s.editor.annotations().relations().map(|r| (r.from, r.to.clone(), r.label.clone())).collect()
}

#[test]
fn a_link_being_picked_ends_on_the_entity_clicked_and_the_claim_stays_selected() {
    let (s, claim, entity) = claim_and_entity();
    let s = s.reduce(Action::StartLinking { label: "about".into() });
    assert_eq!(s.focus, Focus::Linking { from: claim, label: "about".into() });
    assert_eq!(s.focus.selected(), Some(claim), "the claim stays selected while its link is picked");
    // Focus moving over another tag does not change what is linked from.
    let s = s.reduce(Action::SelectSpan { id: entity, scroll: false });
    assert_eq!(s.focus.linking(), Some((claim, "about")));
    // The click lands on both: the innermost span that is no claim is the target.
    let s = s.reduce(Action::ClickSpans { spans: vec![claim, entity], x: 0, y: 0 });
    assert_eq!(relations(&s), vec![(claim, Target::Span(entity), "about".to_string())]);
    assert_eq!(s.focus, Focus::Selected(claim));
    assert!(s.focus.chooser().is_none(), "a pick must not open the chooser");
}

#[test]
fn selecting_text_while_a_link_is_picked_gives_the_pick_up() {
    let (s, _, entity) = claim_and_entity();
    let s = s.reduce(Action::StartLinking { label: "about".into() });
    let (start, end) = range_of("東京");
    let s = s.reduce(Action::Select { anchor: start, focus: end, character: false });
    assert_eq!(s.focus.pending(), Some((start, end)));
    assert_eq!((s.focus.linking(), s.focus.selected()), (None, None), "a pending selection and a link cannot coexist");
    // A later click on the entity selects it: no link from a claim no longer in hand.
    let s = s.reduce(Action::ClickSpans { spans: vec![entity], x: 0, y: 0 });
    assert!(relations(&s).is_empty());
    assert_eq!(s.focus, Focus::Selected(entity));
}

#[test]
fn deleting_the_claim_a_link_is_picked_from_leaves_nothing_in_hand() {
    let (s, claim, _) = claim_and_entity();
    let s = apply(s, vec![Action::StartLinking { label: "about".into() }, Action::DeleteSelected]);
    assert!(s.editor.annotations().get(claim).is_none());
    assert_eq!(s.focus, Focus::Nothing, "no link left pointing from a deleted span");
}

#[test]
fn opening_another_article_clears_the_focus_and_the_mode() {
    let (s, claim, _) = claim_and_entity();
    let s = s.reduce(Action::StartLinking { label: "claimed_by".into() });
    assert_eq!(s.focus.selected(), Some(claim));
    let article = Article::new("other", "Other", "Zoë wrote.").unwrap();
    let s = s.reduce(open_action(article));
    assert_eq!((s.focus.clone(), s.mode.clone()), (Focus::Nothing, Mode::Annotate));
    assert!(spans(&s).is_empty());
}

#[test]
fn the_chooser_keeps_the_span_selected_before_it_and_escape_goes_back_to_it() {
    let (s, claim, entity) = claim_and_entity();
    let s = s.reduce(Action::ClickSpans { spans: vec![claim, entity], x: 3, y: 4 });
    assert_eq!(s.focus.chooser().map(|c| c.spans.clone()), Some(vec![claim, entity]));
    assert_eq!(s.focus.selected(), Some(claim), "the span selected before stays selected");
    let s = s.reduce(Action::Escape);
    assert_eq!(s.focus, Focus::Selected(claim));
    // Choosing one closes the chooser.
    let s = apply(s, vec![Action::ClickSpans { spans: vec![claim, entity], x: 3, y: 4 }, Action::SelectSpan { id: entity, scroll: false }]);
    assert_eq!(s.focus, Focus::Selected(entity));
    // A selection of text closes it too.
    let (start, end) = range_of("in");
    let s = apply(s, vec![Action::ClickSpans { spans: vec![claim, entity], x: 3, y: 4 }, Action::Select { anchor: start, focus: end, character: false }]);
    assert_eq!(s.focus.pending(), Some((start, end)));
    assert!(s.focus.chooser().is_none());
}

#[test]
fn arrows_after_a_selection_of_no_word_go_on_from_the_caret() {
    let (start, end) = range_of("met");
    let s = state().reduce(Action::Select { anchor: start, focus: end, character: false });
    let caret = s.focus.caret().unwrap();
    // Only a space: nothing snaps; the selection goes, its caret stays.
    let s = s.reduce(Action::Select { anchor: end, focus: end + 1, character: false });
    assert_eq!((s.focus.pending(), s.focus.caret()), (None, Some(caret)));
    let s = s.reduce(Action::MoveCaret { motion: Motion::NextToken, extend: false });
    assert_eq!(s.focus.pending(), Some(range_of("Ümit")));
}

#[test]
fn the_first_arrow_after_labelling_moves_on_from_the_new_span() {
    let (start, end) = range_of("met");
    let s = apply(state(), vec![Action::Select { anchor: start, focus: end, character: false }, Action::ApplyLabel("PERSON".into())]);
    assert!(s.focus.selected().is_some(), "the new span is selected");
    let right = s.clone().reduce(Action::MoveCaret { motion: Motion::Right, extend: false });
    assert_eq!(right.focus.pending(), Some(range_of("Ümit")), "→ goes to the word after the span");
    let left = s.reduce(Action::MoveCaret { motion: Motion::Left, extend: true });
    let (before, _) = left.focus.pending().unwrap();
    assert!(before < start, "Shift+← extends before the span: {:?}", left.focus.pending());
}

#[test]
fn j_moves_to_a_suggestion_and_any_other_action_takes_the_focus_off_it() {
    let (ada_start, ada_end) = range_of("Ada");
    let (start, end) = range_of("東京");
    let suggestion = Suggestion { start, end, label: "LOC".into(), source: Source::Propagated, score: None };
    let s = apply(
        state(),
        vec![
            Action::AddSpan { start: ada_start, end: ada_end, label: "PERSON".into() },
            Action::Escape,
            Action::Suggest { source: Source::Propagated, items: vec![suggestion] },
            Action::SelectAdjacent { forward: true },
        ],
    );
    assert_eq!(s.focus.selected().map(|id| s.editor.annotations().get(id).unwrap().start), Some(ada_start));
    let s = s.reduce(Action::SelectAdjacent { forward: true });
    assert_eq!(s.focus, Focus::Suggestion(0));
    assert_eq!(s.scroll_to, Some(ScrollTarget::Suggestion(0)));
    let s = s.reduce(Action::ShowParagraphs { first: 0, last: 1 });
    assert_eq!(s.focus.suggestion(), Some(0), "scrolling keeps it");
    // K goes back from the suggestion, not from the start.
    let back = s.clone().reduce(Action::SelectAdjacent { forward: false });
    assert_eq!(back.focus.selected().map(|id| back.editor.annotations().get(id).unwrap().start), Some(ada_start));
    let s = s.reduce(Action::TogglePrecision);
    assert_eq!(s.focus, Focus::Nothing);
}

/// "Bob" labelled in an earlier version of the text finds no place in TEXT:
/// re-anchored, it is listed for review.
fn reanchored_onto_text(s: &AppState) -> Action {
    // Here, as in the page, re-anchored work reaches the reducer once its part is installed.
    crate::on_demand::anchoring::install_here();
    reanchored_action(s)
}

/// [`reanchored_onto_text`]'s action, re-anchoring's part left as it is.
fn reanchored_action(s: &AppState) -> Action {
    let old = Article::new("doc", "Title", "Bob met Ada.").unwrap();
    let mut editor = Editor::new(Arc::new(old), s.editor.schema().clone());
    editor.add_span(0, 3, "PERSON").unwrap();
    let record = Record::from_editor(&editor, &SaveInfo::default(), true);
    let (loaded, review) = reanchor_onto(&record, s.article(), s.editor.schema()).unwrap();
    assert!(!review.items.is_empty(), "an orphaned span is listed");
    Action::ApplyReanchored { loaded: Rc::new(loaded), review: Rc::new(review) }
}

#[test]
fn a_review_list_opens_and_is_dismissed_and_another_article_closes_it() {
    let s = state();
    let s = s.clone().reduce(reanchored_onto_text(&s));
    assert!(matches!(s.mode, Mode::Review(_)), "{:?}", s.mode);
    assert!(s.clone().reduce(Action::DismissReview).mode == Mode::Annotate);
    let article = Article::new("other", "Other", "Zoë wrote.").unwrap();
    let s = s.reduce(open_action(article));
    assert_eq!(s.mode, Mode::Annotate);
}

/// Without re-anchoring's part (each test runs on a thread of its own, where
/// nothing installed it) re-anchored work is refused, said, and changes nothing.
#[test]
fn reanchored_work_without_its_part_changes_nothing_and_says_so() {
    let s = state();
    let after = s.clone().reduce(reanchored_action(&s));
    assert_eq!(after.editor.annotations().len(), s.editor.annotations().len());
    assert_eq!(after.mode, Mode::Annotate);
    let notice = after.notice.as_ref().expect("a notice");
    assert!(notice.text.contains("re-anchoring could not be loaded"), "{}", notice.text);
}

/// `annotator`'s save of the test text with "Ümit" labelled `label`, as a
/// file (name, contents) opened for review.
fn save_of(annotator: &str, label: &str) -> (String, String) {
    let article = Article::new("doc", "Title", TEXT).unwrap();
    let mut editor = Editor::new(Arc::new(article), Arc::new(LabelSchema::news_default()));
    let (start, end) = range_of("Ümit");
    editor.add_span(start, end, label).unwrap();
    let info = SaveInfo { annotator: Some(annotator.into()), ..SaveInfo::default() };
    (format!("{annotator}.json"), Record::from_editor(&editor, &info, true).to_json())
}

#[test]
fn a_review_list_opened_during_an_adjudication_outlives_it() {
    let files = [save_of("ana", "PERSON"), save_of("ben", "ORG")];
    let s = state();
    let adjudication = start_review(&files, s.editor.schema(), "rev", None).unwrap();
    let s = s.reduce(Action::StartAdjudication(Rc::new(adjudication)));
    assert!(s.mode.adjudication().is_some() && s.mode.review().is_none(), "{:?}", s.notice);
    let s = s.clone().reduce(reanchored_onto_text(&s));
    assert!(s.mode.adjudication().is_some() && s.mode.review().is_some(), "both are open");
    let s = s.reduce(Action::LeaveAdjudication);
    assert!(matches!(s.mode, Mode::Review(_)), "{:?}", s.mode);
}

#[test]
fn a_review_can_start_from_one_save_such_as_an_earlier_gold() {
    let files = [save_of("ana", "PERSON"), save_of("earlier gold", "ORG")];
    let schema = LabelSchema::news_default();
    let labels = |start_from| {
        let adjudication = start_review(&files, &schema, "rev", start_from).unwrap();
        adjudication.gold.record(&SaveInfo::default()).spans.iter().map(|s| s.label.clone()).collect::<Vec<_>>()
    };
    assert_eq!(labels(None), Vec::<String>::new(), "undecided: nothing in the gold yet");
    assert_eq!(labels(Some("earlier gold")), ["ORG"], "the earlier gold's decision stands until changed");
    assert!(start_review(&files, &schema, "rev", Some("nobody")).unwrap_err().contains("nobody"));
}

/// Opening `article` with nothing stored and nothing given, as a host would.
fn open_action(article: Article) -> Action {
    use crate::opening::{decide, Announce, Given, Request};
    let opening = decide(Request::new(article, Given::Nothing, Announce::Quiet), crate::stored_work::StoredWork::Nothing);
    Action::OpenDocument(Rc::new(opening))
}

#[test]
fn undoing_an_accept_all_offers_the_suggestions_again() {
    let items: Vec<Suggestion> = ["Ada", "Ümit", "東京"]
        .iter()
        .map(|w| {
            let (start, end) = range_of(w);
            Suggestion { start, end, label: "PERSON".into(), source: Source::Pattern, score: None }
        })
        .collect();
    let s = apply(state(), vec![Action::Suggest { source: Source::Pattern, items: items.clone() }, Action::AcceptSuggestions(vec![0, 1, 2])]);
    assert!(s.suggestions.is_empty());
    assert_eq!(s.editor.annotations().len(), 3);
    let s = s.reduce(Action::Undo);
    assert_eq!(s.editor.annotations().len(), 0);
    assert_eq!(*s.suggestions, items, "the three are offered again");
    let s = s.reduce(Action::Redo);
    assert_eq!((s.editor.annotations().len(), s.suggestions.len()), (3, 0), "redo takes them in again");
    // An unrelated undo (a span labelled by hand) offers nothing back.
    let (start, end) = range_of("met");
    let s = apply(s, vec![Action::Select { anchor: start, focus: end, character: false }, Action::ApplyLabel("MISC".into()), Action::Undo]);
    assert!(s.suggestions.is_empty(), "{:?}", s.suggestions);
}

#[test]
fn taps_select_a_word_grow_the_selection_and_a_tap_inside_lets_it_go() {
    let s = state();
    let (u, u_end) = range_of("Ümit");
    // A tap inside "Ümit" (on its second code point) selects the word.
    let s = s.reduce(Action::Tap { at: u + 1 });
    assert_eq!(s.focus.pending(), Some((u, u_end)));
    // A tap on 東京 (CJK: a token per character) grows it to take 東 in.
    let (t, _) = range_of("東京");
    let s = s.reduce(Action::Tap { at: t });
    assert_eq!(s.focus.pending(), Some((u, t + 1)));
    // A tap on "Ada", before it, grows it backwards.
    let (a, _) = range_of("Ada");
    let s = s.reduce(Action::Tap { at: a });
    assert_eq!(s.focus.pending(), Some((a, t + 1)));
    // A label key then labels what the taps chose.
    let s = s.reduce(Action::ApplyLabel("PERSON".into()));
    let span = s.editor.annotations().iter().next().map(|s| (s.start, s.end));
    assert_eq!(span, Some((a, t + 1)));
    // A tap inside a pending selection lets it go; a tap on a space does nothing.
    let s = s.reduce(Action::Tap { at: u }).reduce(Action::Tap { at: u + 2 });
    assert_eq!(s.focus.pending(), None);
    let space = TEXT.chars().position(|c| c == ' ').unwrap();
    assert_eq!(s.reduce(Action::Tap { at: space }).focus.pending(), None);
}
