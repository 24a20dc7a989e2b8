//! CoNLL-2003 style token tags (`docs/formats/conll.md`), export only.
//!
//! Four columns as CoNLL-2003 (`word POS chunk NER`, here `token -X- _ TAG`)
//! so that `spacy convert` (first and last column) and seqeval (tags) read
//! it. Tokens are spaCy's (`tokens_of`); whitespace tokens are not written
//! and a line break of the text ends a sentence. Only the entity layer
//! becomes tags, without overlaps: every span that cannot be a tag is named
//! in the losses.

use super::{tokens_of, Exported};
use crate::label_schema::ENTITY_LAYER;
use crate::record::{Record, RecordSpan};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagScheme {
    /// `B-` begins, `I-` continues (IOB2: every entity starts with `B-`).
    Iob2,
    /// `U-` a one-token entity, `B-`, `I-`, `L-` the first, inner and last.
    Bilou,
}

/// The first line of every document.
pub const DOCSTART: &str = "-DOCSTART- -X- O O";

/// What a written token column holds in place of whitespace inside a token
/// (a grapheme cluster can glue a space into one, see `crate::tokenize`).
pub const INNER_SPACE: char = '_';

fn describe(s: &RecordSpan, chars: &[char]) -> String {
    let quoted: String = chars.get(s.start..s.end.min(chars.len())).map(|c| c.iter().collect()).unwrap_or_default();
    format!("{} '{}' at {}–{}", s.label, quoted, s.start, s.end)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One document: `-DOCSTART-`, a blank line, then sentences of
/// `token -X- _ TAG` lines, each sentence followed by a blank line.
pub fn export(record: &Record, scheme: TagScheme) -> Exported {
    let chars: Vec<char> = record.text.chars().collect();
    let tokens = tokens_of(record);
    // Clamped, so that even a record that skipped `Record::check_offsets`
    // (built in code) cannot make the export slice out of range.
    let text_of = |start: usize, end: usize| -> &[char] {
        let start = start.min(chars.len());
        &chars[start..end.clamp(start, chars.len())]
    };
    // Words are the tokens written; whitespace tokens only separate them.
    let words: Vec<(usize, usize)> = tokens
        .iter()
        .filter(|t| !text_of(t.start, t.end).iter().all(|c| c.is_whitespace()))
        .map(|t| (t.start, t.end))
        .collect();

    let mut other_layers = std::collections::BTreeMap::<&str, usize>::new();
    let mut no_word = Vec::new();
    let mut misaligned = Vec::new();
    // (first word, last word, span) of each entity span that touches words.
    let mut candidates = Vec::new();
    for s in &record.spans {
        if s.layer != ENTITY_LAYER {
            *other_layers.entry(&s.layer).or_default() += 1;
            continue;
        }
        let touched: Vec<usize> = (0..words.len()).filter(|&w| words[w].0 < s.end && s.start < words[w].1).collect();
        let (Some(&first), Some(&last)) = (touched.first(), touched.last()) else {
            no_word.push(describe(s, &chars));
            continue;
        };
        if words[first].0 != s.start || words[last].1 != s.end {
            misaligned.push(describe(s, &chars));
        }
        candidates.push((first, last, s));
    }
    // Deterministic non-overlapping subset: earliest start, longest first.
    crate::sorting::sort_by(&mut candidates, |a, b| {
        (a.0, std::cmp::Reverse(a.1), a.2.start, a.2.end, &a.2.label).cmp(&(b.0, std::cmp::Reverse(b.1), b.2.start, b.2.end, &b.2.label))
    });
    let mut kept = Vec::new();
    let mut overlapping = Vec::new();
    for (first, last, s) in candidates {
        match kept.last() {
            Some(&(_, kept_last, _)) if first <= kept_last => overlapping.push(describe(s, &chars)),
            _ => kept.push((first, last, s)),
        }
    }

    let mut tags: Vec<String> = vec!["O".into(); words.len()];
    let mut inside_entity = vec![false; words.len()];
    let mut relabelled = 0usize;
    for &(first, last, s) in &kept {
        let label: String = s.label.chars().map(|c| if c.is_whitespace() { INNER_SPACE } else { c }).collect();
        relabelled += usize::from(label != s.label);
        for w in first..=last {
            let prefix = match (scheme, w == first, w == last) {
                (TagScheme::Iob2, true, _) => "B",
                (TagScheme::Iob2, false, _) => "I",
                (TagScheme::Bilou, true, true) => "U",
                (TagScheme::Bilou, true, false) => "B",
                (TagScheme::Bilou, false, true) => "L",
                (TagScheme::Bilou, false, false) => "I",
            };
            tags[w] = format!("{prefix}-{label}");
            inside_entity[w] = w != last;
        }
    }

    let mut out = format!("{DOCSTART}\n\n");
    let mut glued = 0usize;
    for (w, &(start, end)) in words.iter().enumerate() {
        // A line break between two words ends the sentence, unless an entity
        // runs across it (its tags would be cut in two).
        if w > 0 && !inside_entity[w - 1] && text_of(words[w - 1].1, start).iter().any(|&c| super::brat::is_line_break(c)) {
            out.push('\n');
        }
        let token: String = text_of(start, end).iter().map(|&c| if c.is_whitespace() { INNER_SPACE } else { c }).collect();
        glued += usize::from(text_of(start, end).iter().any(|c| c.is_whitespace()));
        out.push_str(&format!("{token} -X- _ {}\n", tags[w]));
    }
    if !words.is_empty() {
        out.push('\n');
    }

    let mut losses = Vec::new();
    for (layer, n) in other_layers {
        losses.push(format!(
            "{} (token tags hold only the {ENTITY_LAYER} layer)",
            plural(n, &format!("span of the {layer} layer"), &format!("spans of the {layer} layer"))
        ));
    }
    if !overlapping.is_empty() {
        losses.push(format!(
            "{} (token tags cannot hold overlaps): {}",
            plural(overlapping.len(), "overlapping entity span", "overlapping entity spans"),
            overlapping.join(", ")
        ));
    }
    if !no_word.is_empty() {
        losses.push(format!(
            "{} (they cover only whitespace, which is not written): {}",
            plural(no_word.len(), "entity span", "entity spans"),
            no_word.join(", ")
        ));
    }
    if !misaligned.is_empty() {
        losses.push(format!(
            "{} start or end inside a token, so their tags cover the whole tokens they touch: {}",
            plural(misaligned.len(), "entity span", "entity spans"),
            misaligned.join(", ")
        ));
    }
    if glued > 0 {
        losses.push(format!(
            "{} whitespace inside, written as '{INNER_SPACE}' so the columns stay four",
            plural(glued, "token has", "tokens have")
        ));
    }
    if relabelled > 0 {
        losses.push(format!("{} whitespace, written as '{INNER_SPACE}' in the tags", plural(relabelled, "label has", "labels have")));
    }
    Exported { text: out, losses }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{new_record, new_span};
    use crate::label_schema::LabelSchema;
    use crate::span::SpanId;

    /// Code-point offsets of the `nth` (0-based) occurrence of `needle`.
    fn at(text: &str, needle: &str, nth: usize) -> (usize, usize) {
        let byte = text.match_indices(needle).nth(nth).expect("needle in text").0;
        let start = text[..byte].chars().count();
        (start, start + needle.chars().count())
    }

    fn record(text: &str, spans: &[(&str, usize, &str)]) -> Record {
        let schema = LabelSchema::news_default();
        let chars: Vec<char> = text.chars().collect();
        let mut r = new_record(text.into(), "d".into());
        for (i, (needle, nth, label)) in spans.iter().enumerate() {
            let (s, e) = at(text, needle, *nth);
            let mut span = new_span(&chars, s, e, label, &schema).unwrap();
            span.id = Some(SpanId(i as u32 + 1));
            r.spans.push(span);
        }
        r
    }

    /// The (token, tag) rows of an export, with `None` for a blank line.
    fn rows(out: &str) -> Vec<Option<(String, String)>> {
        out.lines()
            .map(|l| {
                let cols: Vec<&str> = l.split_whitespace().collect();
                match cols.as_slice() {
                    [] => None,
                    [w, x, o1, o2] if *w == "-DOCSTART-" => Some((format!("{w} {x} {o1} {o2}"), String::new())),
                    [w, pos, chunk, tag] => {
                        assert_eq!((*pos, *chunk), ("-X-", "_"), "{l}");
                        Some((w.to_string(), tag.to_string()))
                    }
                    _ => panic!("not four columns: {l:?}"),
                }
            })
            .collect()
    }

    fn row(w: &str, t: &str) -> Option<(String, String)> {
        Some((w.into(), t.into()))
    }

    const HARD: &str = "👨‍👩‍👧‍👦 met 国際協力機構 staff in 🇲🇱 Bamako.\n\nالجزيرة  said e\u{301}cole.";

    #[test]
    fn tags_words_and_ends_sentences_at_line_breaks() {
        let r = record(HARD, &[("国際協力機構", 0, "ORG"), ("🇲🇱 Bamako", 0, "GPE"), ("الجزيرة", 0, "ORG")]);
        let iob = export(&r, TagScheme::Iob2);
        assert!(iob.losses.is_empty(), "{:?}", iob.losses);
        let expected = vec![
            row("-DOCSTART- -X- O O", ""),
            None,
            row("👨‍👩‍👧‍👦", "O"),
            row("met", "O"),
            // A script written without spaces: a token per character.
            row("国", "B-ORG"),
            row("際", "I-ORG"),
            row("協", "I-ORG"),
            row("力", "I-ORG"),
            row("機", "I-ORG"),
            row("構", "I-ORG"),
            row("staff", "O"),
            row("in", "O"),
            row("🇲🇱", "B-GPE"),
            row("Bamako", "I-GPE"),
            row(".", "O"),
            None,
            // The double space after الجزيرة is a token of its own: not written.
            row("الجزيرة", "B-ORG"),
            row("said", "O"),
            row("e\u{301}cole", "O"),
            row(".", "O"),
            None,
        ];
        assert_eq!(rows(&iob.text), expected);
        assert!(iob.text.ends_with("\n. -X- _ O\n\n") && iob.text.starts_with("-DOCSTART- -X- O O\n\n"));

        let bilou = rows(&export(&r, TagScheme::Bilou).text);
        let tags: Vec<&str> = bilou.iter().flatten().skip(1).map(|(_, t)| t.as_str()).collect();
        assert_eq!(tags, ["O", "O", "B-ORG", "I-ORG", "I-ORG", "I-ORG", "I-ORG", "L-ORG", "O", "O", "B-GPE", "L-GPE", "O", "U-ORG", "O", "O", "O"]);
    }

    #[test]
    fn bilou_marks_inside_tokens_and_an_entity_keeps_its_sentence_across_a_line_break() {
        let text = "Assimi Goïta Junior\nWagner";
        let r = record(text, &[("Assimi Goïta Junior\nWagner", 0, "PERSON")]);
        let out = export(&r, TagScheme::Bilou).text;
        assert_eq!(out, "-DOCSTART- -X- O O\n\nAssimi -X- _ B-PERSON\nGoïta -X- _ I-PERSON\nJunior -X- _ I-PERSON\nWagner -X- _ L-PERSON\n\n");
    }

    #[test]
    fn reports_every_span_that_cannot_be_a_tag() {
        let text = "Mills said Wagner Group left Mali.";
        let r = record(
            text,
            &[("Wagner Group", 0, "ORG"), ("Wagner", 0, "PERSON"), ("Mills said Wagner Group left Mali", 0, "CLAIM"), ("Mal", 0, "GPE"), ("Mills", 0, "PERSON")],
        );
        let out = export(&r, TagScheme::Iob2);
        let tags: Vec<String> = rows(&out.text).into_iter().flatten().skip(1).map(|(_, t)| t).collect();
        assert_eq!(tags, ["B-PERSON", "O", "B-ORG", "I-ORG", "O", "B-GPE", "O"]);
        assert_eq!(
            out.losses,
            [
                "1 span of the claim layer (token tags hold only the entity layer)",
                "1 overlapping entity span (token tags cannot hold overlaps): PERSON 'Wagner' at 11–17",
                "1 entity span start or end inside a token, so their tags cover the whole tokens they touch: GPE 'Mal' at 29–32",
            ]
        );
    }

    #[test]
    fn whitespace_glued_into_a_token_does_not_break_the_columns() {
        // A space followed by a combining mark is one grapheme cluster, so
        // the tokenizer glues "a" and "\u{301}b" into one token.
        let text = "x a \u{301}b y";
        let tokens = crate::tokenize::tokenize(text);
        assert!(tokens.iter().any(|t| t.end - t.start == 4), "{tokens:?}");
        let out = export(&record(text, &[]), TagScheme::Iob2);
        assert!(out.text.contains("\na_\u{301}b -X- _ O\n"), "{}", out.text);
        assert_eq!(out.losses, ["1 token has whitespace inside, written as '_' so the columns stay four"]);
        assert!(rows(&out.text).len() == 6);
    }
}
