//! `marginalia stats`: counts over a dataset, streamed (one document in
//! memory at a time): documents and distinct texts, documents and spans by
//! answer, spans per layer and label, per annotator, relations per label,
//! and span attribute values (a claim's type, stance, verdict…) and
//! document labels by value.
//!
//! Annotations are counted from accepted tasks only — they are what a
//! training set holds; a `ner.teach` dataset is mostly rejected
//! suggestions, which are not entities. Tasks answered otherwise are
//! counted apart, by answer and label.
//!
//! A span attribute is in one of three states, counted apart: chosen
//! (`attribute_values`), a schema default nobody chose
//! (`attribute_defaults`), or not set (`attributes_not_set`, for every
//! attribute the record's label schema — else the `--schema` one — defines
//! for the span's layer).

use crate::grouping::annotator_of;
use crate::input::{self, for_each_document};
use crate::progress::Progress;
use crate::{Failure, InputArgs};
use clap::Args;
use marginalia_core::article::sha256_hex;
use marginalia_core::formats::answers::is_accepted;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::RecordSpan;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::process::ExitCode;

#[derive(Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
    /// Report progress on standard error (default: only when it is a terminal)
    #[arg(long)]
    pub progress: bool,
}

#[derive(Default, Serialize)]
pub struct AnnotatorStats {
    /// Documents (tasks) of every answer.
    pub documents: usize,
    /// Spans of accepted tasks.
    pub spans: usize,
}

/// Documents (tasks) with one answer, and the spans they hold.
#[derive(Default, Serialize)]
pub struct AnswerStats {
    pub documents: usize,
    pub spans: usize,
}

#[derive(Default, Serialize)]
pub struct Stats {
    pub documents: usize,
    pub texts: usize,
    pub unreadable: usize,
    /// Spans of accepted tasks: the annotations a training set holds.
    pub spans: usize,
    /// answer (`accept`, `reject`, `ignore`…) → documents and spans
    pub answers: BTreeMap<String, AnswerStats>,
    /// answer other than `accept` → label → spans (not counted anywhere else)
    pub spans_not_accepted: BTreeMap<String, BTreeMap<String, usize>>,
    /// layer → label → spans
    pub spans_by_label: BTreeMap<String, BTreeMap<String, usize>>,
    pub annotators: BTreeMap<String, AnnotatorStats>,
    pub relations_by_label: BTreeMap<String, usize>,
    /// `layer.attribute` → value → spans where an annotator chose it
    pub attribute_values: BTreeMap<String, BTreeMap<String, usize>>,
    /// `layer.attribute` → value → spans where it is the schema's default, not chosen
    pub attribute_defaults: BTreeMap<String, BTreeMap<String, usize>>,
    /// `layer.attribute` → spans of that layer on which it is not set
    pub attributes_not_set: BTreeMap<String, usize>,
    /// document label → value → documents
    pub document_labels: BTreeMap<String, BTreeMap<String, usize>>,
}

fn value_name(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub fn run(args: StatsArgs) -> Result<ExitCode, Failure> {
    let schema = input::import_schema(&input::schema_option(&args.input)?);
    let mut stats = Stats::default();
    let mut seen_texts = HashSet::new();
    let mut progress = Progress::new("stats", args.progress);
    for_each_document(&args.input, &schema, |doc| {
        let record = match &doc.record {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{}: {e}", doc.place());
                stats.unreadable += 1;
                return Ok(());
            }
        };
        stats.documents += 1;
        let sha = sha256_hex(&record.text);
        seen_texts.insert(u64::from_str_radix(&sha[..16], 16).expect("hex digest"));
        let answer = stats.answers.entry(record.answer.clone()).or_default();
        answer.documents += 1;
        answer.spans += record.spans.len();
        let who = stats
            .annotators
            .entry(annotator_of(record, &doc.file))
            .or_default();
        who.documents += 1;
        if !is_accepted(record) {
            let labels = stats
                .spans_not_accepted
                .entry(record.answer.clone())
                .or_default();
            for span in &record.spans {
                *labels.entry(span.label.clone()).or_default() += 1;
            }
            progress.tick(stats.documents, doc.bytes_read);
            return Ok(());
        }
        who.spans += record.spans.len();
        stats.spans += record.spans.len();
        for span in &record.spans {
            *stats
                .spans_by_label
                .entry(span.layer.clone())
                .or_default()
                .entry(span.label.clone())
                .or_default() += 1;
            count_attributes(&mut stats, span, record.label_schema.as_ref().unwrap_or(&schema));
        }
        for relation in &record.relations {
            *stats
                .relations_by_label
                .entry(relation.label.clone())
                .or_default() += 1;
        }
        for (name, value) in &record.document_labels {
            *stats
                .document_labels
                .entry(name.clone())
                .or_default()
                .entry(value_name(value))
                .or_default() += 1;
        }
        progress.tick(stats.documents, doc.bytes_read);
        Ok(())
    })?;
    progress.finish();
    stats.texts = seen_texts.len();
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&stats).expect("stats always serialise")
        );
    } else {
        print!("{}", table(&stats));
    }
    if stats.unreadable > 0 {
        eprintln!(
            "{} document(s) or file(s) could not be read (see above) and are not counted",
            stats.unreadable
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// One span's attributes: chosen, default, or (for the attributes its
/// layer has in `schema`) not set.
fn count_attributes(stats: &mut Stats, span: &RecordSpan, schema: &LabelSchema) {
    for (map, values) in [
        (&mut stats.attribute_values, &span.attributes),
        (&mut stats.attribute_defaults, &span.defaults),
    ] {
        for (name, value) in values {
            *map.entry(format!("{}.{name}", span.layer))
                .or_default()
                .entry(value_name(value))
                .or_default() += 1;
        }
    }
    for def in schema.attributes_for(&span.layer) {
        let key = format!("{}.{}", span.layer, def.name);
        let not_set = stats.attributes_not_set.entry(key).or_default();
        if !span.attributes.contains_key(&def.name) && !span.defaults.contains_key(&def.name) {
            *not_set += 1;
        }
    }
}

fn table(s: &Stats) -> String {
    let mut out = format!(
        "documents {}\ntexts     {}\nspans     {} (of accepted tasks)\n",
        s.documents, s.texts, s.spans
    );
    // A dataset of Marginalia saves is all accepted: no answer table then.
    if s.answers.keys().any(|a| a != "accept") {
        out += "\nanswers                     documents    spans\n";
        for (answer, a) in &s.answers {
            out += &format!("  {answer:<24} {:>9} {:>8}\n", a.documents, a.spans);
        }
    }
    let section =
        |out: &mut String, title: &str, rows: &BTreeMap<String, BTreeMap<String, usize>>| {
            for (group, counts) in rows {
                *out += &format!("\n{title} {group}\n");
                for (name, n) in counts {
                    *out += &format!("  {name:<24} {n:>8}\n");
                }
            }
        };
    section(&mut out, "spans in layer", &s.spans_by_label);
    section(&mut out, "spans of tasks answered", &s.spans_not_accepted);
    if !s.annotators.is_empty() {
        out += "\nannotators                  documents    spans\n";
        for (name, a) in &s.annotators {
            out += &format!("  {name:<24} {:>9} {:>8}\n", a.documents, a.spans);
        }
    }
    if !s.relations_by_label.is_empty() {
        out += "\nrelations\n";
        for (name, n) in &s.relations_by_label {
            out += &format!("  {name:<24} {n:>8}\n");
        }
    }
    out += &attribute_table(s);
    section(&mut out, "document label", &s.document_labels);
    out
}

/// Per attribute: the chosen values, then the defaults nobody chose, then
/// how many spans have it not set.
fn attribute_table(s: &Stats) -> String {
    let mut out = String::new();
    let keys: std::collections::BTreeSet<&String> = s
        .attribute_values
        .keys()
        .chain(s.attribute_defaults.keys())
        .chain(s.attributes_not_set.keys())
        .collect();
    for key in keys {
        out += &format!("\nattribute {key}\n");
        for (name, n) in s.attribute_values.get(key).into_iter().flatten() {
            out += &format!("  {name:<24} {n:>8}\n");
        }
        for (name, n) in s.attribute_defaults.get(key).into_iter().flatten() {
            out += &format!("  {:<24} {n:>8}\n", format!("{name} (default)"));
        }
        if let Some(n) = s.attributes_not_set.get(key) {
            out += &format!("  {:<24} {n:>8}\n", "not set");
        }
    }
    out
}
