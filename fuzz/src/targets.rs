//! One function per reader: what libFuzzer (`fuzz_targets/*.rs`) and the
//! stable replay (`tests/replay.rs`) call with each input.
//!
//! A target returns quietly when the reader refuses its input with an error
//! (refusing is the reader's job) and panics when anything goes wrong
//! beyond that: a panic inside the reader, or an invariant of what it
//! accepted — offsets inside the text, a record that is written and read
//! again to the same annotations, an export that reads back to itself, every
//! re-anchored span placed inside the new text or reported as orphaned.
//!
//! Inputs that carry two parts (a text and the file read against it) split
//! at the first NUL byte, which no text an article accepts can hold.
//! Units: code points, end exclusive, as everywhere in the core.

use marginalia_core::adjudication::{Review, Save};
use marginalia_core::agreement;
use marginalia_core::anchor;
use marginalia_core::article::{decode_text_file, Article};
use marginalia_core::editor::Editor;
use marginalia_core::embed::{EmbedOptions, InboundMessage};
use marginalia_core::host_command::HostCommand;
use marginalia_core::formats::stream::{self, JsonPieces};
use marginalia_core::formats::doccano::LabelMap;
use marginalia_core::formats::label_studio_config::LabelConfig;
use marginalia_core::formats::{self, brat, conll, detect, new_record, new_span, Format, ToolConfig};
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::patterns::{self, PatternSet};
use marginalia_core::record::{Record, SaveInfo};
use marginalia_core::tokenize::{tokenize, Token, TokenizeInSteps};
use marginalia_core::validate;
use std::sync::Arc;

/// Every target by name, in the order `cargo xtask fuzz` runs them.
pub const TARGETS: &[(&str, fn(&[u8]))] = &[
    ("record", record),
    ("marginalia", marginalia),
    ("spacy", spacy),
    ("conll", conll),
    ("brat", brat),
    ("w3c", w3c),
    ("label_studio", label_studio),
    ("doccano", doccano),
    ("tool_config", tool_config),
    ("detect", detect),
    ("agree", agree),
    ("stream", stream),
    ("label_schema", label_schema),
    ("patterns", patterns),
    ("embed", embed),
    ("article", article),
    ("anchor", anchor),
    ("w3c_quote", w3c_quote),
    ("w3c_text", w3c_text),
];

/// The function of the target called `name`.
pub fn by_name(name: &str) -> Option<fn(&[u8])> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// The text before the first NUL and the bytes after it (`None` without one).
pub fn split_nul(data: &[u8]) -> (&[u8], Option<&[u8]>) {
    match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    }
}

fn text_of(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

fn len_chars(text: &str) -> usize {
    text.chars().count()
}

/// Every span of `record` is a non-empty range inside its text whose quoted
/// text, when given, is the text there.
fn assert_aligned(record: &Record, what: &str) {
    if let Err(e) = validate::check_alignment(record) {
        panic!("{what}: the reader accepted a misaligned record: {e}");
    }
}

// ---------------------------------------------------------------- the saved record

/// The saved record: parse, check (`validate`), load; a loaded record put
/// in an editor and saved again reads back to the same annotations.
pub fn record(data: &[u8]) {
    let Some(json) = text_of(data) else { return };
    let Ok(record) = Record::parse(json) else { return };
    let schema = LabelSchema::news_default();
    let _ = validate::check(record.clone(), &schema);
    let _ = validate::check_alignment(&record);
    if let Some(own) = &record.label_schema {
        let _ = own.validate();
    }
    let Ok(loaded) = record.load(&schema) else { return };
    let chars = loaded.article.len_chars();
    for s in &loaded.spans {
        assert!(s.start < s.end && s.end <= chars, "a loaded span {}–{} outside {chars} characters", s.start, s.end);
    }
    let snapshot = loaded.snapshot();
    let mut editor = Editor::new(Arc::new(loaded.article.clone()), Arc::new(schema.clone()));
    if editor.replace_snapshot(snapshot.clone()).is_err() {
        // The editor refuses what it cannot hold (e.g. two spans with one
        // id); the record's reader said yes, the editor says why not.
        return;
    }
    // Work goes on after opening: a new span gets a fresh id whatever ids
    // the record used (or a clear refusal), and undo takes it away again.
    if let Some(t) = editor.article().tokens().iter().find(|t| !editor.article().slice(t.start, t.end).trim().is_empty()).copied() {
        if editor.add_span(t.start, t.end, "PERSON").is_ok() {
            assert!(editor.undo(), "adding a span cannot be undone");
            assert_eq!(editor.annotations().snapshot(), snapshot, "undo does not return to the opened record");
        }
    }
    let saved = Record::from_editor(&editor, &SaveInfo::default(), true);
    let json = saved.to_json();
    let again = Record::parse(&json).unwrap_or_else(|e| panic!("a saved record does not parse: {e}\n{json}"));
    let reloaded = again.load(&schema).unwrap_or_else(|e| panic!("a saved record does not load: {e}\n{json}"));
    assert_eq!(reloaded.snapshot(), editor.annotations().snapshot(), "a saved record reads back to other annotations");
}

// ---------------------------------------------------------------- dataset formats

/// One JSON format: whatever its reader accepts is aligned to its text, and
/// its export reads back to a record whose export is the same file.
fn json_format(format: Format, data: &[u8]) {
    let Some(piece) = text_of(data) else { return };
    records_of(format, piece, &ToolConfig::default());
}

/// Every record a piece holds (one per annotator for doccano and Label
/// Studio, `formats::import_records`), each aligned and round-tripped.
fn records_of(format: Format, piece: &str, config: &ToolConfig) {
    let schema = LabelSchema::news_default();
    let Ok(records) = formats::import_records(format, piece, &schema, config) else { return };
    assert!(!records.is_empty(), "{format}: a piece read as no record at all");
    for record in records {
        if format != Format::Marginalia {
            // A Marginalia save is checked by `load` (the `record` target);
            // foreign formats are turned into records by our importers, which
            // must never produce a span that is not on the text.
            assert_aligned(&record, format.name());
        }
        if validate::check_alignment(&record).is_err() {
            continue; // The converter refuses it before any exporter sees it.
        }
        round_trips(format, &record, &schema);
    }
}

/// A tool's own configuration (`--label-config`), then a document read
/// under it, split at the first NUL: Label Studio's labelling config (XML,
/// starting with `<`) with a task, or doccano's label file with an example.
/// The config parsers refuse or accept without a panic; what a document
/// yields under an accepted config is aligned and round-trips.
pub fn tool_config(data: &[u8]) {
    let (config, document) = split_nul(data);
    let Some(config) = text_of(config) else { return };
    let (format, parsed) = if config.trim_start().starts_with('<') {
        let Ok(c) = LabelConfig::from_xml(config) else { return };
        assert!(c.texts.iter().all(|t| !t.name.is_empty() && !t.key.is_empty()), "a Text tag without a name or key: {c:?}");
        (Format::LabelStudio, ToolConfig { label_studio: Some(c), ..ToolConfig::default() })
    } else {
        let Ok(m) = LabelMap::from_json(config) else { return };
        (Format::Doccano, ToolConfig { doccano_labels: Some(m), ..ToolConfig::default() })
    };
    if let Some(piece) = document.and_then(text_of) {
        records_of(format, piece, &parsed);
    }
}

/// `export(import(export(r))) == export(r)`: one trip through the format
/// reaches a fixed point, so nothing the format holds changes on the way.
fn round_trips(format: Format, record: &Record, schema: &LabelSchema) {
    let first = formats::export_document(format, record);
    let back = match format {
        Format::Brat => brat::import(&record.text, &first.text, &formats::doc_id_of(record), schema),
        _ => formats::import_document(format, &first.text, schema),
    };
    let back = back.unwrap_or_else(|e| panic!("{format}: its own export does not read back: {e}\n{}", first.text));
    assert_aligned(&back, format.name());
    let second = formats::export_document(format, &back);
    let third = match format {
        Format::Brat => brat::import(&back.text, &second.text, &formats::doc_id_of(&back), schema),
        _ => formats::import_document(format, &second.text, schema),
    };
    let third = third.unwrap_or_else(|e| panic!("{format}: its export does not read back the second time: {e}\n{}", second.text));
    assert_eq!(formats::export_document(format, &third).text, second.text, "{format}: an export changes on a second round trip");
}

pub fn marginalia(data: &[u8]) {
    json_format(Format::Marginalia, data)
}

pub fn spacy(data: &[u8]) {
    json_format(Format::Spacy, data)
}

pub fn w3c(data: &[u8]) {
    json_format(Format::W3c, data)
}

pub fn label_studio(data: &[u8]) {
    json_format(Format::LabelStudio, data)
}

pub fn doccano(data: &[u8]) {
    json_format(Format::Doccano, data)
}

/// CoNLL is export only: a record the converter lets through (it passes
/// `check_alignment`) is written in both tag schemes, and in every other
/// format, without a panic; each word of the text gets exactly one row.
pub fn conll(data: &[u8]) {
    let Some(json) = text_of(data) else { return };
    let Ok(record) = Record::parse(json) else { return };
    if validate::check_alignment(&record).is_err() {
        return;
    }
    for format in Format::ALL {
        let _ = formats::export_document(format, &record);
    }
    if !record.tokens.is_empty() {
        return; // Rows follow the record's own tokens, checked by `validate`.
    }
    let words = tokenize(&record.text)
        .iter()
        .filter(|t| !record.text.chars().skip(t.start).take(t.end - t.start).all(char::is_whitespace))
        .count();
    for scheme in [conll::TagScheme::Iob2, conll::TagScheme::Bilou] {
        let out = conll::export(&record, scheme).text;
        let rows = out.lines().skip(1).filter(|l| !l.is_empty()).count();
        assert_eq!(rows, words, "{scheme:?}: {words} words but {rows} rows\n{out}");
    }
}

/// brat: the text before the NUL, the `.ann` after it (without a NUL, the
/// whole input is the `.ann` of a fixed text).
pub fn brat(data: &[u8]) {
    let (text, ann) = match split_nul(data) {
        (text, Some(ann)) => (text, ann),
        (ann, None) => (crate::seeds::UNICODE.as_bytes(), ann),
    };
    let (Some(text), Some(ann)) = (text_of(text), text_of(ann)) else { return };
    let schema = LabelSchema::news_default();
    let Ok(record) = brat::import(text, ann, "fuzz", &schema) else { return };
    assert_aligned(&record, "brat");
    // Nothing read is lost on the way back: every kept brat line (events,
    // normalisations, notes on them…) points at something the export writes.
    let out = formats::export_document(Format::Brat, &record);
    assert!(!out.losses.iter().any(|l| l.contains("brat line") || l.contains("kept line")), "brat: {:?}\n{}", out.losses, out.text);
    let back = brat::import(text, &out.text, "fuzz", &schema).unwrap_or_else(|e| panic!("brat: its export does not read back: {e}\n{}", out.text));
    let kept = |r: &Record| r.meta.extra.get(brat::UNMAPPED_META_KEY).and_then(|v| v.as_array()).map_or(0, |a| a.len());
    assert_eq!((back.spans.len(), kept(&back)), (record.spans.len(), kept(&record)), "brat: lines changed kind\n{}", out.text);
    round_trips(Format::Brat, &record, &schema);
}

/// Format detection over a whole file: every document it reads is in a
/// format whose own export is detected as that format again.
pub fn detect(data: &[u8]) {
    let Some(input) = text_of(data) else { return };
    let _ = detect::detect(input);
    let schema = LabelSchema::news_default();
    let Ok(documents) = detect::import_any(input, &schema) else { return };
    for (format, record) in documents {
        if validate::check_alignment(&record).is_err() {
            continue;
        }
        let exported = formats::export_document(format, &record).text;
        assert_eq!(detect::detect(&exported), Some(format), "{format}: its export is detected as another format\n{exported}");
    }
}

/// Several saves of one text, as `marginalia agree` and the web app's
/// review of saves read them: records split at NUL bytes, those of the
/// first one's text kept. Agreement is
/// computed on records as read (the CLI checks nothing first); a review
/// opens them or says why not.
pub fn agree(data: &[u8]) {
    let mut records: Vec<Record> =
        data.split(|&b| b == 0).take(4).filter_map(|piece| Record::parse(text_of(piece)?).ok()).collect();
    // Saves of one text, as `agree` groups them (by the text's hash) and a
    // review requires: `agreement` compares them token by token.
    if let Some(text) = records.first().map(|r| r.text.clone()) {
        records.retain(|r| r.text == text);
    }
    let names = ["ana", "ben", "cy", "dee"];
    let text: Vec<agreement::TextAnnotations> = vec![records.iter().enumerate().map(|(i, r)| (names[i], r)).collect()];
    let report = agreement::agreement(&text);
    for pair in &report.pairs {
        for row in &pair.labels {
            for score in [row.exact, row.partial] {
                for ratio in [score.precision, score.recall, score.f1].into_iter().flatten() {
                    assert!((0.0..=1.0).contains(&ratio), "a ratio of {ratio} for {}", row.label);
                }
            }
        }
    }
    let saves = records.into_iter().enumerate().map(|(i, record)| Save { record, fallback_name: names[i].into() }).collect();
    if let Ok(review) = Review::new(saves, &LabelSchema::news_default()) {
        let _ = review.agreement();
    }
}

/// The streaming reader: the input as a file of many documents, in every
/// JSON format; pieces are whole objects that start on the line reported.
pub fn stream(data: &[u8]) {
    let mut lines = 1;
    for piece in JsonPieces::new(data).take(64) {
        let Ok(piece) = piece else { break };
        assert!(piece.text.starts_with('{') && piece.text.ends_with('}'), "a piece that is not one object: {:?}", piece.text);
        assert!(piece.line >= lines, "pieces out of order: line {} after {lines}", piece.line);
        lines = piece.line;
    }
    let schema = LabelSchema::news_default();
    for format in [Format::Marginalia, Format::Spacy, Format::W3c, Format::LabelStudio, Format::Doccano] {
        let documents = stream::read_documents(format, data, &schema).expect("a readable JSON format");
        for document in documents.take(64) {
            let Ok(record) = document else { continue };
            if format != Format::Marginalia {
                assert_aligned(&record, format.name());
            }
        }
    }
}

// ---------------------------------------------------------------- schema, patterns, messages

/// The label schema: one that validates is written and read back equal, and
/// an editor under it accepts a span of every label on a short text.
pub fn label_schema(data: &[u8]) {
    let Some(json) = text_of(data) else { return };
    let Ok(schema) = LabelSchema::from_json(json) else { return };
    if schema.validate().is_err() {
        return;
    }
    let written = serde_json::to_string(&schema).expect("a schema serialises");
    let again = LabelSchema::from_json(&written).unwrap_or_else(|e| panic!("a written schema does not read back: {e}\n{written}"));
    assert_eq!(again, schema, "a schema changes when written and read again");
    let _ = schema.no_overlap_layers();
    let article = Arc::new(Article::new("fuzz", "fuzz", "Mali said yes.").expect("a fixed article"));
    let mut editor = Editor::new(article, Arc::new(schema.clone()));
    for label in schema.labels.iter().take(64) {
        let _ = editor.add_span(0, 4, &label.name);
        let _ = schema.label_for_hotkey(&label.name);
    }
}

/// spaCy patterns: patterns before the NUL, the text after it (the
/// Unicode fixture without one). Every match lies on whole tokens of the
/// text, and the entity-ruler set is a subset without overlaps.
pub fn patterns(data: &[u8]) {
    let (jsonl, text) = split_nul(data);
    let Some(jsonl) = text_of(jsonl) else { return };
    let text = match text {
        Some(t) => match text_of(t) {
            Some(t) => t,
            None => return,
        },
        None => crate::seeds::UNICODE,
    };
    let Ok(set) = PatternSet::from_jsonl(jsonl) else { return };
    let Ok(article) = Article::new("fuzz", "fuzz", text) else { return };
    let tokens = article.tokens();
    let found = set.all_matches(&article);
    let all = &found.matches;
    // The caps that keep a pattern like `[{"OP":"+"}]` bounded (issue 16).
    assert!(all.len() <= patterns::MAX_MATCHES, "{} matches, over the cap", all.len());
    let mut per_pattern = vec![0usize; set.len()];
    for m in all {
        // Token indices are end exclusive, as offsets.
        assert!(m.token_start < m.token_end && m.token_end <= tokens.len(), "tokens {}–{} of {}", m.token_start, m.token_end, tokens.len());
        assert!(m.token_end - m.token_start <= patterns::MAX_MATCH_TOKENS, "a match of {} tokens", m.token_end - m.token_start);
        assert_eq!((m.start, m.end), (tokens[m.token_start].start, tokens[m.token_end - 1].end), "a match off its tokens");
        assert!(m.pattern < set.len(), "pattern {} of {}", m.pattern, set.len());
        assert!(found.stopped_at.is_none_or(|at| m.start < at), "a match at {} after matching stopped", m.start);
        per_pattern[m.pattern] += 1;
    }
    for (pattern, n) in per_pattern.into_iter().enumerate() {
        assert!(n <= patterns::MAX_MATCHES_PER_PATTERN, "pattern {pattern} kept {n} matches, over the cap");
    }
    let ruler = set.as_entity_ruler(&article);
    let mut by_start: Vec<_> = ruler.iter().collect();
    by_start.sort_by_key(|m| (m.start, m.end));
    for pair in by_start.windows(2) {
        assert!(pair[0].end <= pair[1].start, "the entity ruler keeps overlapping matches {}–{} and {}–{}", pair[0].start, pair[0].end, pair[1].start, pair[1].end);
    }
    for m in &ruler {
        assert!(all.contains(m), "the entity ruler invents a match {}–{}", m.start, m.end);
    }
}

/// iframe messages (and the `mount` options inside them): a message that
/// reads is written and read back to itself; an article it carries as text
/// opens or is refused, never panics.
pub fn embed(data: &[u8]) {
    let Some(json) = text_of(data) else { return };
    let _ = EmbedOptions::from_json(json);
    // A handle's call, `[method, args…]` (`host_command.rs`): read or
    // refused, never a panic; a frame's message reads as the same command.
    if let Ok(serde_json::Value::Array(call)) = serde_json::from_str(json) {
        if let Some((serde_json::Value::String(method), args)) = call.split_first() {
            let _ = HostCommand::from_call(method, args);
        }
    }
    let _ = HostCommand::from_message(json);
    let Ok(message) = InboundMessage::from_json(json) else { return };
    let written = serde_json::to_string(&message).expect("a message serialises");
    let again = InboundMessage::from_json(&written).unwrap_or_else(|e| panic!("a written message does not read back: {e}\n{written}"));
    assert_eq!(again, message, "a message changes when written and read again");
    if let InboundMessage::Load { options } = message {
        if let Some(text) = options.article.and_then(|a| a.text) {
            if let Ok(article) = Article::new("fuzz", "fuzz", text) {
                check_article(&article);
            }
        }
        if let Some(schema) = options.schema {
            if let Ok(schema) = LabelSchema::from_json(&schema.to_string()) {
                let _ = schema.validate();
            }
        }
    }
}

// ---------------------------------------------------------------- text, anchoring

/// A text file, or the text an HTML import produces: decoded, opened as an
/// article, its index, tokens and paragraphs consistent with the text. (The
/// HTML import itself walks a `DOMParser` document in the browser.)
pub fn article(data: &[u8]) {
    let Ok(text) = decode_text_file(data) else { return };
    let Ok(article) = Article::new("fuzz", "fuzz", text) else { return };
    check_article(&article);
    // Tokens in pieces (the web app warms them in idle slices) are the
    // same as all at once, whatever the piece size.
    let step = 1 + data.first().copied().unwrap_or(0) as usize % 64;
    let mut steps = TokenizeInSteps::new();
    let mut rounds = 0;
    while !steps.step(article.text(), step) {
        rounds += 1;
        assert!(rounds <= article.text().len(), "tokenizing in steps does not end");
    }
    assert_eq!(steps.into_tokens(), article.tokens(), "tokens in steps of {step} bytes differ");
}

fn check_article(article: &Article) {
    let text = article.text();
    let chars = len_chars(text);
    assert_eq!(article.len_chars(), chars);
    let index = article.index();
    assert_eq!(index.len_utf16(), text.encode_utf16().count());
    for (cp, (byte, c)) in text.char_indices().enumerate() {
        assert_eq!(index.byte_of(cp), byte);
        assert_eq!(index.cp_of_byte(byte), cp);
        let u = index.utf16_of(cp);
        assert_eq!(index.cp_of_utf16(u), cp);
        assert_eq!(index.utf16_of(cp + 1), u + c.len_utf16());
    }
    assert_tokens_cover(article.tokens(), chars);
    let mut last = 0;
    for p in article.paragraphs() {
        assert!(last <= p.start && p.start < p.end && p.end <= chars, "paragraph {}–{} after {last} in {chars}", p.start, p.end);
        last = p.end;
    }
}

/// spaCy's tokens cover the text: in order, non-empty, without gaps.
fn assert_tokens_cover(tokens: &[Token], chars: usize) {
    let mut at = 0;
    for t in tokens {
        assert!(t.start < t.end, "an empty token at {}", t.start);
        assert!(t.start >= at && t.end <= chars, "token {}–{} after {at} in {chars}", t.start, t.end);
        at = t.end;
    }
}

/// Spans on whole tokens of `text`, two bytes of `picks` each (first token,
/// length), labels from the news schema.
fn spans_on_tokens(text: &str, picks: &[u8]) -> Record {
    const LABELS: [&str; 5] = ["PERSON", "ORG", "GPE", "DATE", "CLAIM"];
    let schema = LabelSchema::news_default();
    let chars: Vec<char> = text.chars().collect();
    let tokens = tokenize(text);
    let mut record = new_record(text.to_string(), "fuzz".into());
    if tokens.is_empty() {
        return record;
    }
    for (i, pick) in picks.chunks_exact(2).take(32).enumerate() {
        let first = pick[0] as usize % tokens.len();
        let last = (first + (pick[1] as usize % 4)).min(tokens.len() - 1);
        let label = LABELS[pick[1] as usize / 4 % LABELS.len()];
        if let Ok(mut span) = new_span(&chars, tokens[first].start, tokens[last].end, label, &schema) {
            span.id = Some(marginalia_core::span::SpanId(i as u32 + 1));
            record.spans.push(span);
        }
    }
    record
}

/// Re-anchoring: old text, NUL, new text, NUL, spans (two bytes each, on
/// tokens of the old text). Every span is placed inside the new text on
/// the words its report quotes, or orphaned; the new record is aligned.
pub fn anchor(data: &[u8]) {
    let (old, rest) = split_nul(data);
    let Some(rest) = rest else { return };
    let (new, picks) = split_nul(rest);
    let (Some(old), Some(new)) = (text_of(old), text_of(new)) else { return };
    if Article::new("old", "old", old).is_err() {
        return;
    }
    let record = spans_on_tokens(old, picks.unwrap_or(&[]));
    let Ok(result) = anchor::reanchor(&record, new) else { return };
    let report = &result.report;
    let new_chars: Vec<char> = new.chars().collect();
    assert_eq!(report.spans.len(), record.spans.len(), "the report skips spans");
    assert_eq!(report.unchanged + report.moved + report.fuzzy + report.orphaned, record.spans.len(), "the counts do not add up");
    for s in &report.spans {
        match (s.outcome, s.new_start, s.new_end) {
            (anchor::Outcome::Orphaned, None, None) => {}
            (anchor::Outcome::Orphaned, ..) => panic!("an orphaned span with offsets: {s:?}"),
            (_, Some(start), Some(end)) => {
                assert!(start < end && end <= new_chars.len(), "placed at {start}–{end} of {}", new_chars.len());
                let at: String = new_chars[start..end].iter().collect();
                assert_eq!(s.new_text.as_deref(), Some(at.as_str()), "the report quotes other words");
            }
            _ => panic!("a placed span without offsets: {s:?}"),
        }
    }
    assert_eq!(result.record.text, new);
    assert_aligned(&result.record, "re-anchored record");
}

/// W3C quote selectors alone (no positions): text, NUL, spans as in
/// `anchor`. The collection exported for them, stripped of its
/// `TextPositionSelector`s, reads back to the same offsets — or says that
/// the quote with its context occurs more than once.
pub fn w3c_quote(data: &[u8]) {
    let (text, picks) = split_nul(data);
    let Some(text) = text_of(text) else { return };
    if Article::new("fuzz", "fuzz", text).is_err() {
        return;
    }
    let record = spans_on_tokens(text, picks.unwrap_or(&[]));
    let mut collection: serde_json::Value = serde_json::from_str(&formats::w3c::export(&record).text).expect("the export is JSON");
    if let Some(items) = collection.pointer_mut("/first/items").and_then(|i| i.as_array_mut()) {
        for item in items {
            if let Some(selectors) = item.pointer_mut("/target/selector").and_then(|s| s.as_array_mut()) {
                selectors.retain(|s| s["type"] != "TextPositionSelector");
            }
        }
    }
    let schema = LabelSchema::news_default();
    match formats::w3c::import(&collection.to_string(), &schema) {
        Ok(back) => {
            // The collection lists spans in its own order: compare as sets.
            let at = |r: &Record| r.spans.iter().map(|s| (s.start, s.end, s.label.clone())).collect::<std::collections::BTreeSet<_>>();
            assert_eq!(at(&back), at(&record), "quote selectors anchor elsewhere");
            assert_eq!(back.spans.len(), record.spans.len(), "quote selectors lose spans");
        }
        Err(e) => assert!(e.contains("occurs") && e.contains("times"), "quote selectors of its own text refused: {e}"),
    }
}

/// W3C annotations of any tool on a given text (`w3c::import_with_text`,
/// the CLI's `--text`): text, NUL, the annotation file. Every report entry
/// is placed inside the text on the words it quotes, or orphaned; the
/// counts add up; each entry names its annotation; the record is aligned.
pub fn w3c_text(data: &[u8]) {
    let (text, json) = split_nul(data);
    let (Some(text), Some(json)) = (text_of(text), json.and_then(text_of)) else { return };
    let schema = LabelSchema::news_default();
    let Ok(placed) = formats::w3c::import_with_text(json, text, "fuzz", &schema, Some(&schema)) else { return };
    let report = &placed.anchored.report;
    let chars: Vec<char> = text.chars().collect();
    assert_eq!(placed.origins.len(), report.spans.len(), "a report entry without its annotation");
    assert_eq!(report.unchanged + report.moved + report.fuzzy + report.orphaned, report.spans.len(), "the counts do not add up");
    for s in &report.spans {
        match (s.outcome, s.new_start, s.new_end) {
            (anchor::Outcome::Orphaned, None, None) => assert!(s.orphan_reason.is_some(), "orphaned without a reason: {s:?}"),
            (anchor::Outcome::Orphaned, ..) => panic!("an orphaned span with offsets: {s:?}"),
            (_, Some(start), Some(end)) => {
                assert!(start < end && end <= chars.len(), "placed at {start}–{end} of {}", chars.len());
                let at: String = chars[start..end].iter().collect();
                assert_eq!(s.new_text.as_deref(), Some(at.as_str()), "the report quotes other words");
            }
            _ => panic!("a placed span without offsets: {s:?}"),
        }
    }
    let placed_spans = report.spans.iter().filter(|s| s.new_start.is_some()).count();
    assert_eq!(placed.anchored.record.spans.len(), placed_spans, "placed spans missing from the record");
    assert_eq!(placed.anchored.record.text, text);
    assert_aligned(&placed.anchored.record, "W3C annotations on a given text");
    placed.anchored.record.clone().load(&schema).expect("what was placed under the schema loads");
}
