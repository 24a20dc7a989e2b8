//! The seed corpus of every target: the repository's fixtures (articles,
//! saves, patterns, the W3C example, hostile HTML) read at compile time,
//! and a record annotated on the Unicode fixture exported in every format —
//! so the seeds follow the formats as they change, and never go stale.

use crate::targets::TARGETS;
use marginalia_core::article::Article;
use marginalia_core::editor::Editor;
use marginalia_core::formats::{self, Format};
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::{Record, SaveInfo};
use marginalia_core::relation::Target;
use marginalia_core::tokenize::tokenize;
use std::sync::Arc;

/// Emoji, ZWJ sequences, combining marks, CJK and right-to-left text.
pub const UNICODE: &str = include_str!("../../assets/articles/unicode-stress.txt");
pub const MALI: &str = include_str!("../../assets/articles/mali-russia-wagner.txt");
/// A few lines with every script of [`UNICODE`]: seeds that carry tokens stay
/// small (libFuzzer cuts inputs at `-max_len`, and small inputs run faster).
pub const SHORT: &str = "Café owners in Bamako 🇲🇱 say prices rose 12 %.\n\nZoë Nguyễn of the Japan agency (国際協力機構) said: “The numbers don’t add up.” 👨‍👩‍👧‍👦 👍🏽 e\u{301}cole, الجزيرة, מאלי.\n";
/// doccano 1.0–1.2's export: numeric label ids, two users (UTF-16 offsets: the flag is 4 units).
const DOCCANO_1X: &str = r#"{"id": 7, "text": "🇲🇱 Mali: 👨‍👩‍👧 Diarra said", "meta": {}, "annotation_approver": null, "annotations": [{"id": 1, "label": "GPE", "start_offset": 5, "end_offset": 9, "user": 1}, {"id": 2, "label": "PERSON", "start_offset": 20, "end_offset": 26, "user": 3}]}"#;
/// doccano's intent-detection export: entity triples and categories.
const DOCCANO_INTENT: &str = r#"{"text": "Fly 🛫 to Bamako", "entities": [[10, 16, "GPE"]], "cats": ["flight"]}"#;
/// doccano's label file.
const DOCCANO_LABELS: &str = r#"[{"id": 1, "text": "PERSON", "prefix_key": null, "suffix_key": "p"}, {"id": 2, "text": "GPE"}]"#;
/// A Label Studio labelling config with the text under another key, and a task of it with two annotators.
const LS_CONFIG: &str = r#"<View><Labels name="label" toName="message"><Label value="GPE"/></Labels><Text name="message" value="$my_text"/></View>"#;
const LS_TASK: &str = r#"{"id": 3, "data": {"my_text": "🐱 Mali (مالي)", "ref_id": 456}, "annotations": [{"completed_by": 1, "result": [{"id": "a", "from_name": "label", "to_name": "message", "type": "labels", "value": {"start": 2, "end": 6, "text": "Mali", "labels": ["GPE"]}}]}, {"completed_by": {"id": 2, "email": "b@example.org"}, "was_cancelled": true, "result": []}]}"#;
const NIGER: &str = include_str!("../../tests/fixtures/niger-river.txt");
const SAVES: &[&str] = &[
    include_str!("../../tests/fixtures/other-text.marginalia.json"),
    include_str!("../../tests/fixtures/unknown-label.marginalia.json"),
    include_str!("../../tests/fixtures/malformed.json"),
];
const W3C_EXAMPLE: &str = include_str!("../../assets/w3c/anno.jsonld");
const NEWS_SCHEMA: &str = include_str!("../../crates/core/data/news.labels.json");
const NEWS_PATTERNS: &str = include_str!("../../tests/fixtures/patterns/news.patterns.jsonl");
const PAGES: &[&str] = &[
    include_str!("../../tests/fixtures/hostile.html"),
    include_str!("../../tests/fixtures/furniture-inside.html"),
    include_str!("../../assets/articles/newsroom-page.html"),
    include_str!("../../examples/cms/article-42.html"),
];
/// Real Prodigy datasets (teach, manual, choice): answers, hashes, options.
const PRODIGY: [&str; 3] = [
    include_str!("../../tests/fixtures/thirdparty/prodigy/ner_teach_reddit_product.jsonl"),
    include_str!("../../tests/fixtures/thirdparty/prodigy/ner_manual_news_headlines.jsonl"),
    include_str!("../../tests/fixtures/thirdparty/prodigy/choice_nel_emerson.jsonl"),
];

/// brat's own tutorial documents (`tests/fixtures/thirdparty/brat/`): events,
/// attributes on events, normalisations, notes on relations and events.
const BRAT_TUTORIALS: &[(&str, &str)] = &[
    (
        include_str!("../../tests/fixtures/thirdparty/brat/news-000-introduction.txt"),
        include_str!("../../tests/fixtures/thirdparty/brat/news-000-introduction.ann"),
    ),
    (
        include_str!("../../tests/fixtures/thirdparty/brat/news-110-note_annotation.txt"),
        include_str!("../../tests/fixtures/thirdparty/brat/news-110-note_annotation.ann"),
    ),
    (
        include_str!("../../tests/fixtures/thirdparty/brat/news-060-relation_annotation.txt"),
        include_str!("../../tests/fixtures/thirdparty/brat/news-060-relation_annotation.ann"),
    ),
];

/// Third-party W3C annotation files and the texts they target.
const THIRDPARTY_W3C: &[(&str, &str)] = &[
    (include_str!("../../tests/fixtures/thirdparty/w3c/odyssey.txt"), include_str!("../../tests/fixtures/thirdparty/w3c/recogito-js-annotations.w3c.json")),
    (include_str!("../../tests/fixtures/thirdparty/w3c/odyssey.txt"), include_str!("../../tests/fixtures/thirdparty/w3c/recogito-text-annotator.w3c.json")),
    (include_str!("../../tests/fixtures/thirdparty/w3c/hypothesis-minimal.txt"), include_str!("../../tests/fixtures/thirdparty/w3c/hypothesis-minimal.json")),
    (include_str!("../../tests/fixtures/thirdparty/w3c/w3c-page1.txt"), include_str!("../../tests/fixtures/thirdparty/w3c/w3c-collection1.json")),
    (include_str!("../../tests/fixtures/thirdparty/w3c/w3c-page1.txt"), include_str!("../../tests/fixtures/thirdparty/w3c/w3c-anno41.json")),
];
const BINARY: &[u8] = include_bytes!("../../tests/fixtures/binary.bin");

/// Span picks (first token, length and label) as the `anchor` and
/// `w3c_quote` targets read them.
const PICKS: &[u8] = &[3, 1, 9, 4, 17, 8, 30, 2, 41, 13, 55, 0, 70, 6];

/// A record on `text` with what every format can carry: entities, a claim
/// with attributes, relations (to a span and to free text), document labels.
pub fn annotated(text: &str) -> Record {
    let schema = Arc::new(LabelSchema::news_default());
    let article = Arc::new(Article::new("seed", "A seed", text).expect("a fixture is an article"));
    let chars: Vec<char> = text.chars().collect();
    let words: Vec<_> = tokenize(text).into_iter().filter(|t| !chars[t.start..t.end].iter().all(|c| c.is_whitespace())).collect();
    let mut editor = Editor::new(article, schema);
    let at = |i: usize| &words[i % words.len()];
    let person = editor.add_span(at(0).start, at(1).end, "PERSON").expect("a span on tokens");
    let place = editor.add_span(at(4).start, at(4).end, "GPE").expect("a span on tokens");
    let _overlap = editor.add_span(at(1).start, at(2).end, "ORG").expect("a span on tokens");
    let claim = editor.add_span(at(6).start, at(12).end, "CLAIM").expect("a claim on tokens");
    editor.set_attribute(claim, "claim_type", Some("quote".into())).expect("a claim attribute");
    editor.set_attribute(claim, "note", Some("“العربية” 👍🏽 e\u{301}".into())).expect("a note");
    editor.add_relation(claim, Target::Span(person), "claimed_by").expect("a relation");
    editor.add_relation(claim, Target::Span(place), "about").expect("a relation");
    editor.add_relation(claim, Target::Text("A spokesman, 北京".into()), "claimed_by").expect("a free-text relation");
    editor.set_document_label("section", Some("world".into())).expect("a document label");
    let info = SaveInfo { annotator: Some("ana".into()), ..SaveInfo::default() };
    Record::from_editor(&editor, &info, true)
}

fn export(format: Format, record: &Record) -> String {
    formats::stream::export_file(format, record).expect("a format with a file form").0
}

fn bytes(items: &[&str]) -> Vec<Vec<u8>> {
    items.iter().map(|s| s.as_bytes().to_vec()).collect()
}

fn joined(parts: &[&[u8]]) -> Vec<u8> {
    parts.join(&0u8)
}

/// The seeds of the target called `name` (empty for an unknown name).
pub fn seeds(name: &str) -> Vec<Vec<u8>> {
    let unicode = annotated(SHORT);
    let mut mali = annotated(MALI);
    mali.tokens.clear();
    let compact = |r: &Record| serde_json::to_string(r).expect("a record serialises");
    let saves = || {
        let mut s = bytes(SAVES);
        s.push(compact(&unicode).into_bytes());
        s.push(compact(&mali).into_bytes());
        s
    };
    // The long article only where its export stays small (spaCy's carries
    // every token).
    let small = |s: String| Some(s.into_bytes()).filter(|b| b.len() <= 8192);
    let format = |f: Format| [small(export(f, &unicode)), small(export(f, &mali))].into_iter().flatten().collect::<Vec<_>>();
    match name {
        "record" | "marginalia" | "conll" => saves(),
        "spacy" => [format(Format::Spacy), PRODIGY.iter().flat_map(|f| f.lines()).map(|l| l.as_bytes().to_vec()).collect()].concat(),
        "w3c" => [format(Format::W3c), bytes(&[W3C_EXAMPLE])].concat(),
        "label_studio" => [format(Format::LabelStudio), bytes(&[LS_TASK])].concat(),
        "doccano" => [format(Format::Doccano), bytes(&[DOCCANO_1X, DOCCANO_INTENT])].concat(),
        "tool_config" => vec![
            joined(&[LS_CONFIG.as_bytes(), LS_TASK.as_bytes()]),
            joined(&[DOCCANO_LABELS.as_bytes(), DOCCANO_1X.as_bytes()]),
            LS_CONFIG.as_bytes().to_vec(),
        ],
        "brat" => {
            let mut seeds = vec![
                joined(&[SHORT.as_bytes(), export(Format::Brat, &unicode).as_bytes()]),
                joined(&[MALI.as_bytes(), export(Format::Brat, &mali).as_bytes()]),
            ];
            seeds.extend(BRAT_TUTORIALS.iter().map(|(text, ann)| joined(&[text.as_bytes(), ann.as_bytes()])));
            seeds
        }
        "detect" | "stream" => {
            let mut all: Vec<Vec<u8>> = Format::ALL.iter().filter(|f| f.can_read() && **f != Format::Brat).map(|f| export(*f, &unicode).into_bytes()).collect();
            all.push(format!("{}\n{}", export(Format::Marginalia, &unicode), export(Format::Doccano, &mali)).into_bytes());
            all.push(W3C_EXAMPLE.as_bytes().to_vec());
            all
        }
        "agree" => {
            let mut other = unicode.clone();
            other.annotator = Some("ben".into());
            other.spans.truncate(2);
            other.spans[0].label = "ORG".into();
            vec![
                joined(&[compact(&unicode).as_bytes(), compact(&other).as_bytes()]),
                joined(&[SAVES[0].as_bytes(), SAVES[0].as_bytes(), SAVES[1].as_bytes()]),
            ]
        }
        "label_schema" => bytes(&[NEWS_SCHEMA]),
        "patterns" => vec![
            NEWS_PATTERNS.as_bytes().to_vec(),
            joined(&[NEWS_PATTERNS.as_bytes(), MALI.as_bytes()]),
            // Issue 16's pattern that matches everything: the caps hold.
            joined(&[br#"{"label": "ANY", "pattern": [{"OP": "+"}]}"#, MALI.as_bytes()]),
        ],
        "embed" => {
            let load = serde_json::json!({
                "type": "marginalia:load",
                "options": {
                    "article": { "id": "a1", "title": "Mali", "text": UNICODE },
                    "schema": serde_json::from_str::<serde_json::Value>(NEWS_SCHEMA).expect("the news schema is JSON"),
                    "annotations": serde_json::from_str::<serde_json::Value>(SAVES[0]).expect("a fixture save is JSON"),
                    "annotator": "ana", "readOnly": false, "theme": "dark",
                    "endpoints": { "save": "/api/a1", "suggest": "/api/suggest" },
                    "allowedOrigins": ["https://cms.example"]
                }
            });
            let html = serde_json::json!({ "type": "marginalia:load", "options": { "article": { "html": PAGES[0] } } });
            vec![
                load.to_string().into_bytes(),
                html.to_string().into_bytes(),
                br#"{"type":"marginalia:get-annotations","request_id":"7"}"#.to_vec(),
            ]
        }
        "article" => {
            let mut s = bytes(&[UNICODE, MALI, NIGER]);
            s.extend(bytes(PAGES));
            s.push(BINARY.to_vec());
            s.push(b"\xEF\xBB\xBFMali\r\n\r\nsaid yes.".to_vec());
            s
        }
        "anchor" => {
            let edited = MALI.replacen("Mali", "the Republic of Mali", 1).replace("Wagner", "Africa Corps");
            let cut = &UNICODE[UNICODE.len() / 3..];
            vec![
                joined(&[MALI.as_bytes(), edited.as_bytes(), PICKS]),
                joined(&[UNICODE.as_bytes(), cut.as_bytes(), PICKS]),
                joined(&[b"Mali said yes on Monday. Later that week, Mali said no.", b"Later that week, Mali said no.", &[0, 0, 10, 1]]),
            ]
        }
        "w3c_quote" => vec![
            joined(&[UNICODE.as_bytes(), PICKS]),
            joined(&[MALI.as_bytes(), PICKS]),
            joined(&["Mali said no. ".repeat(8).as_bytes(), &[0, 0, 12, 0]]),
        ],
        "w3c_text" => {
            let mut out: Vec<Vec<u8>> = THIRDPARTY_W3C.iter().map(|(text, json)| joined(&[text.as_bytes(), json.as_bytes()])).collect();
            // Our own export read this way, and hostile positions.
            let own = formats::w3c::export(&unicode).text;
            out.push(joined(&[SHORT.as_bytes(), own.as_bytes()]));
            let hostile = r#"[{"id":"a","motivation":"tagging","body":{"type":"TextualBody","value":"ORG"},"target":{"selector":[{"type":"TextQuoteSelector","exact":"Bamako"},{"type":"TextPositionSelector","start":-1,"end":1e300}]}},{"id":"b","target":{"selector":{"type":"TextPositionSelector","start":40,"end":18446744073709551615}}}]"#;
            out.push(joined(&[SHORT.as_bytes(), hostile.as_bytes()]));
            out
        }
        _ => Vec::new(),
    }
}

/// Whether every target has seeds (checked by the replay test).
pub fn every_target_has_seeds() -> bool {
    TARGETS.iter().all(|(name, _)| !seeds(name).is_empty())
}
