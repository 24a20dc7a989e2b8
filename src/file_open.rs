//! Turns an opened, dropped or pasted input into what the app should do:
//! open an article (text or HTML; `document_session.rs` adds the work stored
//! for it), apply a save — Marginalia's or another tool's (spaCy/Prodigy,
//! Label Studio, doccano, W3C, a brat `.ann` for the article open now) — or
//! explain why it cannot.

use crate::html_import::import_html;
use crate::state::{Action, Notice, NoticeKind};
use marginalia_core::article::{decode_text_file, headline, sha256_hex, Article};
use marginalia_core::formats::detect::read_documents;
use marginalia_core::formats::brat;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::{default_doc_id, Record};
use crate::reanchoring::{reanchor_onto, w3c_onto};
use marginalia_core::formats::w3c::foreign as w3c_foreign;
use std::rc::Rc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Save,
    BratAnnotations,
    Html,
    Text,
}

fn kind_of(name: &str, text: &str) -> Kind {
    let lower = name.to_ascii_lowercase();
    let head = text.trim_start().get(..64).unwrap_or(text.trim_start()).to_ascii_lowercase();
    if lower.ends_with(".json") || lower.ends_with(".jsonl") || lower.ends_with(".jsonld") {
        Kind::Save
    } else if lower.ends_with(".ann") {
        Kind::BratAnnotations
    } else if lower.ends_with(".html") || lower.ends_with(".htm") || head.starts_with("<!doctype html") || head.starts_with("<html") {
        Kind::Html
    } else {
        Kind::Text
    }
}

/// What an opened input asks for.
pub enum Opened {
    /// An article to open with the work stored for it.
    Article(Article),
    /// Anything else, done by the reducer: a save applied to the article
    /// open now, a save for another text offered, or why nothing opened.
    Act(Action),
}

fn error(text: String) -> Opened {
    Opened::Act(Action::error(text))
}

/// The document id of a file: its name without extension.
fn id_from_name(name: &str) -> String {
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let id: String = stem.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    if id.is_empty() {
        "document".into()
    } else {
        id
    }
}

/// What to do with the bytes of file `name`, given the article open now.
/// The bytes may be UTF-8 (a byte-order mark is dropped) or UTF-16 with a
/// mark (`decode_text_file`): a text or a save from any Windows tool opens.
/// Articles come back alone; the document session adds any work stored
/// for them.
pub fn open_bytes(name: &str, bytes: &[u8], current: &Article, schema: &LabelSchema) -> Opened {
    let text = match decode_text_file(bytes) {
        Ok(t) => t,
        Err(e) => return error(format!("“{name}” was not opened: {e}. Your work is unchanged.")),
    };
    match kind_of(name, &text) {
        Kind::Save => open_save(name, &text, current, schema),
        Kind::BratAnnotations => match brat::import(current.text(), &text, &current.id, schema) {
            Ok(record) => apply_records(name, vec![record], current, schema),
            Err(e) => error(format!("“{name}” was not opened as brat annotations of the article open now: {e}. Your work is unchanged.")),
        },
        Kind::Html => match import_html(&text) {
            Ok(page) => {
                let title = if page.title.is_empty() { name.to_string() } else { page.title };
                open_article(id_from_name(name), title, page.text, name)
            }
            Err(e) => error(format!("“{name}” was not opened: {e}. Your work is unchanged.")),
        },
        // A text's first line is its headline, as in any newsroom copy.
        Kind::Text => open_article(id_from_name(name), headline(&text).unwrap_or_else(|| name.to_string()), text, name),
    }
}

/// Pasted text, annotated exactly as given.
pub fn open_pasted(text: String) -> Opened {
    let id = format!("pasted-{}", &default_doc_id(&text)[4..]);
    let title = headline(&text).unwrap_or_else(|| "Pasted text".into());
    open_article(id, title, text, "The pasted text")
}

fn open_article(id: String, title: String, text: String, what: &str) -> Opened {
    match Article::new(id, title, text) {
        Ok(article) => Opened::Article(article),
        Err(e) => error(format!("{what} was not opened: {e}. Your work is unchanged.")),
    }
}

/// A JSON file of one or more documents in any format Marginalia reads.
/// A file that is no known format gets the Marginalia reader's messages:
/// a Marginalia save is what people open most.
fn open_save(name: &str, json: &str, current: &Article, schema: &LabelSchema) -> Opened {
    // Another tool's W3C annotations target a page, not a text of their
    // own: they are placed on the article open now, at once and as one undo
    // step (as a save of this article replaces its annotations), with the
    // uncertain ones and those not read listed for review — a confirmation
    // first would ask before showing anything to judge by.
    if w3c_foreign::needs_text(json) {
        return match w3c_onto(name, json, current, schema) {
            Ok((loaded, review)) => Opened::Act(Action::ApplyReanchored { loaded: Rc::new(loaded), review: Rc::new(review) }),
            Err(e) => error(format!("“{name}” was not applied to the article open now: {e}. Your work is unchanged.")),
        };
    }
    match read_documents(json, schema) {
        Ok(records) => apply_records(name, records, current, schema),
        Err(e) => error(format!("“{name}” was not opened: {e}. Your work is unchanged.")),
    }
}

/// The other annotators' work on the same text that a file holds (a Label
/// Studio task with several annotations, a doccano 1.x example with several
/// users): Open applies one record, so the others are named, with the way
/// to compare them all.
fn other_annotators_note(records: &[Record], chosen: usize) -> Option<String> {
    let text = &records[chosen].text;
    let mut others: Vec<String> = records
        .iter()
        .enumerate()
        .filter(|(i, r)| *i != chosen && r.text == *text)
        .map(|(_, r)| r.annotator.clone().unwrap_or_else(|| "unnamed".into()))
        .collect();
    others.dedup();
    if others.is_empty() {
        return None;
    }
    let opened = records[chosen].annotator.as_deref().unwrap_or("unnamed");
    Some(format!(
        "The file also holds {} more annotation{} of this text ({}); these are {opened}’s. To compare them all, open the file with “Review saves…”.",
        others.len(),
        if others.len() == 1 { "" } else { "s" },
        others.join(", ")
    ))
}

/// Applies the document of `records` that annotates the article open now
/// (or offers the first as a document of its own).
fn apply_records(name: &str, mut records: Vec<Record>, current: &Article, schema: &LabelSchema) -> Opened {
    let index = records.iter().position(|r| sha256_hex(&r.text) == current.sha256()).unwrap_or(0);
    // A save of this same document made before its text was edited: moved
    // onto the text open now, with a review, rather than refused.
    let same_document = records[index].meta.doc_id == current.id && sha256_hex(&records[index].text) != current.sha256();
    if same_document {
        return match reanchor_onto(&records[index], current, schema) {
            Ok((loaded, review)) => Opened::Act(Action::ApplyReanchored { loaded: Rc::new(loaded), review: Rc::new(review) }),
            Err(e) => error(format!("“{name}” was not opened: {e}. Your work is unchanged.")),
        };
    }
    let note = other_annotators_note(&records, index);
    let loaded = records.swap_remove(index).load(schema);
    match loaded {
        Err(e) => error(format!("“{name}” was not opened: {e}. Your work is unchanged.")),
        Ok(loaded) if loaded.article.sha256() == current.sha256() => Opened::Act(Action::ApplyRecord(Rc::new(loaded), note)),
        Ok(loaded) => {
            let found = loaded.article.sha256().to_string();
            Opened::Act(Action::Notify(Notice {
                kind: NoticeKind::Error,
                text: format!(
                    "“{name}” is a save for a different text (“{}”, sha256 {}…), not for the article open now (sha256 {}…). Your work is unchanged. You can open the save as a document of its own.{}",
                    loaded.article.title,
                    &found[..12],
                    &current.sha256()[..12],
                    note.map(|n| format!(" {n}")).unwrap_or_default()
                ),
                offer: Some(Rc::new(loaded)),
            }))
        }
    }
}
