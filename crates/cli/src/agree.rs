//! `marginalia agree`: inter-annotator agreement (computed by
//! `marginalia_core::agreement`) as a table, and as JSON with `--json`.
//!
//! Only accepted tasks are compared, as a training set built from them
//! would hold them: a rejected span is not an annotation. An annotator's
//! accepted tasks on one text (several binary decisions, each its own task)
//! are compared as one annotation of the text: the union of their spans, as
//! Prodigy's `data-to-spacy` merges them. Tasks left out are counted per
//! answer on standard error.

use crate::grouping::{collect, TextGroup};
use crate::input;
use crate::output;
use crate::{Failure, InputArgs};
use clap::Args;
use marginalia_core::agreement::{agreement, AgreementReport, Kappa, Scores, TextAnnotations};
use marginalia_core::formats::answers::is_accepted;
use marginalia_core::record::Record;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct AgreeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Also write the report as JSON to this file (`-` for standard output, replacing the table)
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

pub fn run(args: AgreeArgs) -> Result<ExitCode, Failure> {
    let schema = input::import_schema(&input::schema_option(&args.input)?);
    let (groups, unreadable) = collect(&args.input, &schema)?;
    for message in &groups.replaced {
        eprintln!("{message}");
    }
    let mut left_out = BTreeMap::new();
    let accepted: Vec<Vec<(&str, Record)>> = groups
        .texts
        .iter()
        .map(|t| accepted_by_annotator(t, &mut left_out))
        .collect();
    let texts: Vec<TextAnnotations> = accepted
        .iter()
        .map(|t| t.iter().map(|(name, record)| (*name, record)).collect())
        .collect();
    let report = agreement(&texts);
    if !left_out.is_empty() {
        let counts: Vec<String> = left_out
            .iter()
            .map(|(answer, n)| format!("{n} answered {answer}"))
            .collect();
        eprintln!(
            "compared accepted tasks only; left out {} task(s) not accepted ({})",
            left_out.values().sum::<usize>(),
            counts.join(", ")
        );
    }

    let json_to_stdout = args.json.as_deref().is_some_and(output::is_stdout);
    if !json_to_stdout {
        print!("{}", table(&report));
    }
    if let Some(path) = &args.json {
        let mut out = output::open(path)?;
        let json = serde_json::to_string_pretty(&report).expect("the report always serialises");
        writeln!(out, "{json}")
            .and_then(|()| out.commit())
            .map_err(|e| output::write_error(path, e))?;
    }
    if unreadable > 0 {
        eprintln!(
            "{unreadable} document(s) or file(s) could not be read (see above) and were left out"
        );
        return Ok(ExitCode::FAILURE);
    }
    if report.pairs.is_empty() {
        eprintln!("no text was annotated by two or more annotators: nothing to compare");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// Each annotator's accepted tasks on one text as one record (the spans of
/// all of them, each place and label once); the tasks not accepted are
/// counted in `left_out` by answer.
fn accepted_by_annotator<'g>(
    text: &'g TextGroup,
    left_out: &mut BTreeMap<String, usize>,
) -> Vec<(&'g str, Record)> {
    let mut out: Vec<(&str, Record)> = Vec::new();
    for ((name, _), save) in &text.saves {
        let record = &save.record;
        if !is_accepted(record) {
            *left_out.entry(record.answer.clone()).or_default() += 1;
            continue;
        }
        match out.last_mut() {
            Some((last, merged)) if *last == name.as_str() => {
                for span in &record.spans {
                    let same = |s: &&marginalia_core::record::RecordSpan| {
                        (s.start, s.end, &s.label, &s.layer)
                            == (span.start, span.end, &span.label, &span.layer)
                    };
                    if !merged.spans.iter().any(|s| same(&s)) {
                        merged.spans.push(span.clone());
                    }
                }
            }
            _ => out.push((name.as_str(), record.clone())),
        }
    }
    out
}

fn num(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_string(), |x| format!("{x:.3}"))
}

fn scores(s: &Scores) -> String {
    format!(
        "{:>6} {:>6} {:>6}",
        num(s.precision),
        num(s.recall),
        num(s.f1)
    )
}

fn kappa(k: &Kappa) -> String {
    format!(
        "kappa {} (observed {}, chance {}, {} items)",
        num(k.kappa),
        num(k.observed),
        num(k.expected),
        k.items
    )
}

/// The report as a person reads it.
pub fn table(report: &AgreementReport) -> String {
    let mut out = format!(
        "{} text(s), {} annotated by two or more of: {}\n",
        report.texts,
        report.shared_texts,
        report.annotators.join(", ")
    );
    for pair in &report.pairs {
        out += &format!(
            "\n{} vs {} ({} shared text(s); {} is the reference for precision and recall)\n",
            pair.a, pair.b, pair.texts, pair.a
        );
        let width = pair
            .labels
            .iter()
            .map(|r| r.label.chars().count())
            .max()
            .unwrap_or(5)
            .max(5);
        out += &format!(
            "  {:<width$} {:<8} {:>5} {:>5}   {:>6} {:>6} {:>6}   {:>6} {:>6} {:>6}\n",
            "label", "layer", "A", "B", "exactP", "R", "F1", "partP", "R", "F1"
        );
        for row in &pair.labels {
            out += &format!(
                "  {:<width$} {:<8} {:>5} {:>5}   {}   {}\n",
                row.label,
                row.layer,
                row.spans_a,
                row.spans_b,
                scores(&row.exact),
                scores(&row.partial)
            );
        }
        for t in &pair.token_kappa {
            out += &format!("  token labels, {} layer: {}\n", t.layer, kappa(&t.kappa));
        }
        for a in &pair.attributes {
            // Unset against a value is a disagreement; both unset is no item.
            out += &format!(
                "  attribute {}.{} on spans at the same offsets: {} (not set: {} by {}, {} by {}; where both set: {})\n",
                a.layer,
                a.attribute,
                kappa(&a.kappa),
                a.unset_a,
                pair.a,
                a.unset_b,
                pair.b,
                kappa(&a.both_set)
            );
        }
    }
    out
}
