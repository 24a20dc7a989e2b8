//! Prodigy's answers in exports: which formats say what a task's answer
//! was, and which tasks go into an export of a format that cannot.
//!
//! A Prodigy dataset is a list of decisions: `ner.teach` asks about one
//! suggested span at a time and most answers are `reject` ("this is not a
//! PRODUCT") or `ignore` ("skip it"). Marginalia's record and spaCy/Prodigy
//! tasks carry `answer`, so every task is written with it. The other formats
//! hold spans only as positive annotations — a CoNLL tag, a brat `T` line, a
//! W3C annotation, a Label Studio result, a doccano label all say "this is
//! a PRODUCT" — and have no field for "no". A rejected task's spans written
//! there become entities of the training set, so by default only accepted
//! tasks go in, as Prodigy's own `data-to-spacy` does; [`Answers::All`]
//! writes the others too (their spans as entities), for a person who wants
//! them. What is left out is counted in the export's losses.
//!
//! A record without `answer` is accepted (a Marginalia save is what its
//! annotator accepted); an answer other than `accept`, `reject` or `ignore`
//! is not accepted, and is named as written when left out.

use super::Format;
use crate::record::Record;

pub const ACCEPT: &str = "accept";
pub const REJECT: &str = "reject";
pub const IGNORE: &str = "ignore";

/// Which tasks an export of a positive-only format takes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Answers {
    /// Accepted tasks only (the default, as `data-to-spacy` does).
    #[default]
    Accepted,
    /// Every task, whatever its answer: its spans become positive annotations.
    All,
}

impl Answers {
    /// The command line's names: `accept` (or `accepted`) and `all`.
    pub fn from_name(name: &str) -> Option<Answers> {
        match name.trim().to_ascii_lowercase().as_str() {
            "accept" | "accepted" => Some(Answers::Accepted),
            "all" => Some(Answers::All),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Answers::Accepted => "accept",
            Answers::All => "all",
        }
    }
}

/// Whether `format` writes each task's answer (then every task is
/// exported, whatever it answered): Marginalia's record and spaCy/Prodigy
/// tasks. Every other format holds positive annotations only.
pub fn holds_answers(format: Format) -> bool {
    matches!(format, Format::Marginalia | Format::Spacy)
}

pub fn is_accepted(record: &Record) -> bool {
    record.answer == ACCEPT
}

/// `None` when `record` goes into an export in `format` under `answers`;
/// else the answer for which it is left out.
pub fn left_out(format: Format, record: &Record, answers: Answers) -> Option<&str> {
    let kept = holds_answers(format) || answers == Answers::All || is_accepted(record);
    (!kept).then_some(record.answer.as_str())
}

/// The loss for `count` tasks left out for `answer`, e.g. `12 tasks answered
/// reject (CoNLL IOB2 (entities) holds accepted annotations only)`.
pub fn left_out_sentence(count: u64, answer: &str, format: Format) -> String {
    let tasks = if count == 1 { "task" } else { "tasks" };
    let answered = match answer {
        REJECT | IGNORE => format!("answered {answer}"),
        "" => "with an empty answer".to_string(),
        other => format!("answered {other:?}"),
    };
    format!("{count} {tasks} {answered} ({} holds accepted annotations only)", format.title())
}

/// Why a one-document export (the web app's download, the embedding API's
/// `export`) of `record` in `format` writes nothing: the same default as the
/// command line, with the formats that keep the answer named.
pub fn refused_export(format: Format, record: &Record) -> Option<String> {
    let answer = left_out(format, record, Answers::Accepted)?;
    Some(format!(
        "this document is a Prodigy task answered {answer:?}, and {} holds accepted annotations only, so nothing was exported (Marginalia JSON and spaCy / Prodigy JSONL keep the answer)",
        format.title()
    ))
}

/// What the web app adds when it opens a task not accepted: the spans shown
/// were a decision against them, and the answer stays the task's own.
pub fn opened_warning(record: &Record) -> Option<String> {
    if is_accepted(record) {
        return None;
    }
    let n = record.spans.len();
    let spans = if n == 1 { "its span was" } else { "its spans were" };
    Some(format!(
        " This task was answered {:?} in Prodigy: {spans} not accepted there. Saving here keeps that answer; exports that hold accepted annotations only leave it out.",
        record.answer
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::new_record;

    fn answered(answer: &str) -> Record {
        let mut r = new_record("Mali hired Wagner 🇲🇱".into(), "d".into());
        r.answer = answer.into();
        r
    }

    #[test]
    fn positive_only_formats_take_accepted_tasks_unless_asked_for_all() {
        for format in Format::ALL {
            for answer in [REJECT, IGNORE, "maybe", ""] {
                let r = answered(answer);
                let expected = (!holds_answers(format)).then_some(answer);
                assert_eq!(left_out(format, &r, Answers::Accepted), expected, "{format} {answer}");
                assert_eq!(left_out(format, &r, Answers::All), None, "{format} {answer}");
            }
            assert_eq!(left_out(format, &answered(ACCEPT), Answers::Accepted), None);
        }
        assert!(holds_answers(Format::Spacy) && holds_answers(Format::Marginalia));
        assert!(!holds_answers(Format::Iob2) && !holds_answers(Format::Doccano) && !holds_answers(Format::Brat));
    }

    #[test]
    fn a_record_without_an_answer_is_accepted() {
        let r = crate::record::Record::parse(r#"{"text":"Mali","spans":[]}"#).unwrap();
        assert!(is_accepted(&r));
        assert_eq!(left_out(Format::Iob2, &r, Answers::Accepted), None);
    }

    #[test]
    fn opening_a_task_not_accepted_warns() {
        assert_eq!(opened_warning(&answered(ACCEPT)), None);
        let mut r = answered(REJECT);
        let chars: Vec<char> = r.text.chars().collect();
        r.spans.push(crate::formats::new_span(&chars, 18, 20, "GPE", &crate::label_schema::LabelSchema::news_default()).unwrap());
        let warning = opened_warning(&r).unwrap();
        assert!(warning.contains("answered \"reject\" in Prodigy: its span was not accepted"), "{warning}");
        assert!(warning.contains("keeps that answer"), "{warning}");
        let refused = refused_export(Format::Iob2, &r).unwrap();
        assert!(refused.contains("answered \"reject\"") && refused.contains("nothing was exported"), "{refused}");
        assert_eq!(refused_export(Format::Spacy, &r), None);
        assert_eq!(refused_export(Format::Iob2, &answered(ACCEPT)), None);
        assert!(opened_warning(&answered(IGNORE)).unwrap().contains("\"ignore\""));
    }

    #[test]
    fn sentences_count_and_name_the_answer() {
        assert_eq!(left_out_sentence(12, REJECT, Format::Iob2), "12 tasks answered reject (CoNLL IOB2 (entities) holds accepted annotations only)");
        assert_eq!(left_out_sentence(1, IGNORE, Format::Brat), "1 task answered ignore (brat standoff (.ann) holds accepted annotations only)");
        assert_eq!(left_out_sentence(2, "nope", Format::W3c), "2 tasks answered \"nope\" (W3C Web Annotation (JSON-LD) holds accepted annotations only)");
        assert_eq!(left_out_sentence(1, "", Format::Doccano), "1 task with an empty answer (doccano JSONL holds accepted annotations only)");
        assert_eq!(Answers::from_name("ALL"), Some(Answers::All));
        assert_eq!(Answers::from_name("accept"), Some(Answers::Accepted));
        assert_eq!(Answers::from_name("reject"), None);
    }
}
