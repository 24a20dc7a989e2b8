//! Native unit tests of the opening rule (`opening.rs`) and of the reducer
//! applying it, on text with an emoji ZWJ sequence and CJK (offsets are
//! code points).

use super::{decide, Announce, Given, Request, Said, Work};
use crate::reanchoring::reanchor_onto;
use crate::state::AppState;
use crate::stored_work::StoredWork;
use marginalia_core::article::Article;
use marginalia_core::editor::Editor;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::{LoadedRecord, Record, SaveInfo};
use std::rc::Rc;
use std::sync::Arc;
use yew::Reducible;

const TEXT: &str = "Ada 👩‍💻 met Ümit in 東京.";

fn article(text: &str) -> Article {
    Article::new("doc", "Title", text).unwrap()
}

fn cp(text: &str, word: &str) -> (usize, usize) {
    let start = text[..text.find(word).unwrap()].chars().count();
    (start, start + word.chars().count())
}

/// A record of `text` with one span per (word, label).
fn record(text: &str, spans: &[(&str, &str)]) -> Record {
    let schema = Arc::new(LabelSchema::news_default());
    let mut editor = Editor::new(Arc::new(article(text)), schema);
    for (word, label) in spans {
        let (s, e) = cp(text, word);
        editor.add_span(s, e, label).unwrap();
    }
    Record::from_editor(&editor, &SaveInfo::default(), false)
}

fn loaded(text: &str, spans: &[(&str, &str)]) -> LoadedRecord {
    record(text, spans).load(&LabelSchema::news_default()).unwrap()
}

fn labels(work: &Option<Work>) -> Vec<String> {
    match work {
        Some(Work::Placed { snapshot, .. }) => snapshot.spans.iter().map(|s| s.label.clone()).collect(),
        Some(Work::Reanchored { loaded, .. }) => loaded.spans.iter().map(|s| s.label.clone()).collect(),
        None => vec![],
    }
}

fn host(spans: &[(&str, &str)]) -> Given {
    Given::Host(Work::of(&loaded(TEXT, spans)))
}

#[test]
fn stored_work_wins_over_the_hosts_annotations_and_says_so() {
    let stored = StoredWork::Restored(loaded(TEXT, &[("Ümit", "PERSON"), ("東京", "GPE")]));
    let o = decide(Request::new(article(TEXT), host(&[("Ada", "PERSON")]), Announce::Quiet), stored);
    assert_eq!(labels(&o.work), ["PERSON", "GPE"]);
    assert_eq!(o.said, Said::Info("Opened “Title” with the 2 annotations saved earlier on this device; the 1 annotations given with it were not used.".into()));
    assert!(!o.set_stored_aside);
}

#[test]
fn the_hosts_annotations_are_used_when_nothing_is_stored() {
    let o = decide(Request::new(article(TEXT), host(&[("東京", "GPE")]), Announce::Quiet), StoredWork::Nothing);
    assert_eq!(labels(&o.work), ["GPE"]);
    assert_eq!(o.said, Said::Nothing, "the host opened it and knows");
    let Some(Work::Placed { snapshot, .. }) = &o.work else { panic!("placed") };
    assert_eq!((snapshot.spans[0].start, snapshot.spans[0].end), cp(TEXT, "東京"));
}

#[test]
fn the_same_annotations_stored_and_given_are_not_a_disagreement() {
    let stored = StoredWork::Restored(loaded(TEXT, &[("Ada", "PERSON")]));
    let o = decide(Request::new(article(TEXT), host(&[("Ada", "PERSON")]), Announce::Starting), stored);
    assert_eq!(labels(&o.work), ["PERSON"]);
    assert_eq!(o.said, Said::Nothing, "an instance starting says nothing about its own work coming back");
}

#[test]
fn a_chosen_save_wins_and_differing_stored_work_on_its_text_is_set_aside() {
    let stored = StoredWork::Restored(loaded(TEXT, &[("Ada", "PERSON")]));
    let chosen = Given::Chosen(Work::of(&loaded(TEXT, &[("Ümit", "PERSON"), ("東京", "GPE")])));
    let o = decide(Request::new(article(TEXT), chosen.clone(), Announce::Opened), stored);
    assert_eq!(labels(&o.work), ["PERSON", "GPE"]);
    assert!(o.set_stored_aside);
    assert!(matches!(&o.said, Said::Info(t) if t.contains("set aside")), "{:?}", o.said);
    // The same work stored: nothing to set aside.
    let same = StoredWork::Restored(loaded(TEXT, &[("Ümit", "PERSON"), ("東京", "GPE")]));
    assert!(!decide(Request::new(article(TEXT), chosen, Announce::Opened), same).set_stored_aside);
}

#[test]
fn stored_work_on_an_earlier_text_is_re_anchored_and_never_set_aside() {
    let earlier = "Ada met Ümit in 東京.";
    let schema = LabelSchema::news_default();
    let (moved, review) = reanchor_onto(&record(earlier, &[("Ümit", "PERSON")]), &article(TEXT), &schema).unwrap();
    let stored = StoredWork::Reanchored(moved, review);
    let o = decide(Request::new(article(TEXT), Given::Nothing, Announce::Quiet), stored);
    let Some(Work::Reanchored { loaded, .. }) = &o.work else { panic!("re-anchored: {:?}", o.work) };
    assert_eq!((loaded.spans[0].start, loaded.spans[0].end), cp(TEXT, "Ümit"));
    let (moved, review) = reanchor_onto(&record(earlier, &[("Ümit", "PERSON")]), &article(TEXT), &schema).unwrap();
    let chosen = Given::Chosen(Work::of(&self::loaded(TEXT, &[("Ada", "PERSON")])));
    assert!(!decide(Request::new(article(TEXT), chosen, Announce::Opened), StoredWork::Reanchored(moved, review)).set_stored_aside);
}

#[test]
fn unusable_stored_work_is_said_as_an_error_and_the_hosts_annotations_open() {
    let stored = StoredWork::Unusable("The work stored could not be opened.".into());
    let o = decide(Request::new(article(TEXT), host(&[("Ada", "PERSON")]), Announce::Quiet), stored);
    assert_eq!(labels(&o.work), ["PERSON"]);
    assert_eq!(o.said, Said::Error("The work stored could not be opened.".into()));
}

#[test]
fn the_annotator_is_told_what_opened() {
    let o = decide(Request::new(article(TEXT), Given::Nothing, Announce::Opened), StoredWork::Nothing);
    assert_eq!((o.work, o.said), (None, Said::Info("Opened “Title”.".into())));
    let stored = StoredWork::Restored(loaded(TEXT, &[("Ada", "PERSON")]));
    let o = decide(Request::new(article(TEXT), Given::Nothing, Announce::Opened), stored);
    assert_eq!(o.said, Said::Info("Opened “Title” with the 1 annotations saved earlier on this device.".into()));
}

/// The reducer applies an opening as decided: the work, read-only and the
/// annotator, with no undo step (the work is not an edit made here).
#[test]
fn the_reducer_opens_the_document_with_read_only_and_the_annotator() {
    let schema = Arc::new(LabelSchema::news_default());
    let start = Rc::new(AppState::new(Editor::new(Arc::new(article("Other text.")), schema), SaveInfo::default()));
    let request = Request {
        read_only: Some(true),
        annotator: Some("jdoe".into()),
        ..Request::new(article(TEXT), host(&[("東京", "GPE")]), Announce::Quiet)
    };
    let opened = start.reduce(crate::state::Action::OpenDocument(Rc::new(decide(request, StoredWork::Nothing))));
    assert_eq!(opened.article().text(), TEXT);
    assert_eq!(opened.editor.annotations().in_document_order().iter().map(|s| (s.start, s.end)).collect::<Vec<_>>(), [cp(TEXT, "東京")]);
    assert!(opened.read_only);
    assert_eq!(opened.save_info.annotator.as_deref(), Some("jdoe"));
    assert!(!opened.editor.history().can_undo());
    // Read-only: the opened work cannot be edited.
    let after = opened.clone().reduce(crate::state::Action::Undo);
    assert_eq!(after.editor.annotations().in_document_order().len(), 1);
}
