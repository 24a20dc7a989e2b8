//! Inter-annotator agreement between people who annotated the same texts.
//!
//! For each pair of annotators, over the texts both annotated:
//! - per label, **exact** match (same start, end and label) and **partial**
//!   match (overlapping spans of the same label) precision, recall and F1,
//!   with the first annotator of the pair as the reference;
//! - per layer, **Cohen's kappa on token labels**: every non-whitespace
//!   token gets the label of the longest span of that layer touching it, or
//!   `O`, for each annotator;
//! - per attribute, for spans both annotated at exactly the same offsets in
//!   the same layer (claims, in the news schema): observed agreement and
//!   Cohen's kappa over the attribute's values. Unset is explicit: a pair
//!   where one annotator chose a value and the other left it unset is an
//!   item, and a disagreement (`(unset)` is one more category); a pair
//!   where both left it unset is not an item. A schema default nobody chose
//!   (`RecordSpan::defaults`) counts as unset, never as a choice. How many
//!   items each annotator left unset, and the kappa over the items both
//!   set, are given beside it, so completeness and disagreement on values
//!   can be told apart.
//!
//! Pure and deterministic (annotators, labels and layers in sorted order),
//! so the command-line tool and the web app's review view share it.

use crate::formats::tokens_of;
use crate::record::{Record, RecordSpan};
use crate::sorting::set_of;
use crate::tokenize::{tokens_touching, Token};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The token label of a token no span touches.
pub const OUTSIDE: &str = "O";
/// The value compared when an annotator left an attribute unset.
pub const UNSET: &str = "(unset)";

/// One text as each annotator saved it: `(annotator, record)`, one record
/// per annotator, all of the same text.
pub type TextAnnotations<'a> = Vec<(&'a str, &'a Record)>;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgreementReport {
    /// Texts given.
    pub texts: usize,
    /// Texts that at least two annotators annotated (the only ones compared).
    pub shared_texts: usize,
    pub annotators: Vec<String>,
    pub pairs: Vec<PairAgreement>,
}

/// Agreement between annotators `a` (the reference) and `b`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairAgreement {
    pub a: String,
    pub b: String,
    /// Texts both annotated.
    pub texts: usize,
    /// One row per label, then a micro-averaged row with label `(all)`.
    pub labels: Vec<LabelAgreement>,
    pub token_kappa: Vec<TokenAgreement>,
    pub attributes: Vec<AttributeAgreement>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelAgreement {
    pub label: String,
    pub layer: String,
    pub spans_a: usize,
    pub spans_b: usize,
    pub exact: Scores,
    pub partial: Scores,
}

/// `None` where a ratio has nothing to divide by (no spans on that side).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Scores {
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub f1: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Kappa {
    /// Items both annotators labelled (tokens, or matched spans).
    pub items: usize,
    /// Share of items with the same label.
    pub observed: Option<f64>,
    /// Agreement expected by chance from each annotator's label frequencies.
    pub expected: Option<f64>,
    /// `(observed - expected) / (1 - expected)`; `None` when chance
    /// agreement is already 1 (both used one and the same label throughout).
    pub kappa: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenAgreement {
    pub layer: String,
    #[serde(flatten)]
    pub kappa: Kappa,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributeAgreement {
    pub layer: String,
    pub attribute: String,
    /// Over every matched span where at least one annotator set it.
    #[serde(flatten)]
    pub kappa: Kappa,
    /// Of those items, how many the first / second annotator left unset.
    pub unset_a: usize,
    pub unset_b: usize,
    /// Over the items both set: agreement on the values alone.
    pub both_set: Kappa,
}

/// Cohen's kappa of two parallel label sequences.
pub fn cohen_kappa<S: AsRef<str>>(a: &[S], b: &[S]) -> Kappa {
    assert_eq!(a.len(), b.len(), "kappa compares labels of the same items");
    let n = a.len();
    if n == 0 {
        return Kappa { items: 0, observed: None, expected: None, kappa: None };
    }
    let mut agree = 0usize;
    let mut count_a: HashMap<&str, usize> = HashMap::new();
    let mut count_b: HashMap<&str, usize> = HashMap::new();
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (x.as_ref(), y.as_ref());
        agree += usize::from(x == y);
        *count_a.entry(x).or_default() += 1;
        *count_b.entry(y).or_default() += 1;
    }
    let nf = n as f64;
    let observed = agree as f64 / nf;
    let expected: f64 = count_a.iter().map(|(label, ca)| *ca as f64 * *count_b.get(label).unwrap_or(&0) as f64).sum::<f64>() / (nf * nf);
    // Floating noise must not turn "all one label" into a huge or negative kappa.
    let kappa = if (1.0 - expected).abs() < 1e-12 { None } else { Some((observed - expected) / (1.0 - expected)) };
    Kappa { items: n, observed: Some(observed), expected: Some(expected), kappa }
}

fn ratio(num: usize, den: usize) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

fn harmonic(p: Option<f64>, r: Option<f64>) -> Option<f64> {
    match (p, r) {
        (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
        (Some(_), Some(_)) => Some(0.0),
        _ => None,
    }
}

/// Span counts of one label (or of all), summed over texts.
#[derive(Default, Clone, Copy)]
struct Counts {
    spans_a: usize,
    spans_b: usize,
    exact: usize,
    /// b's spans that overlap one of a's (precision side) and a's that overlap one of b's (recall side).
    partial_b: usize,
    partial_a: usize,
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.spans_a += o.spans_a;
        self.spans_b += o.spans_b;
        self.exact += o.exact;
        self.partial_b += o.partial_b;
        self.partial_a += o.partial_a;
    }

    fn row(&self, label: &str, layer: &str) -> LabelAgreement {
        let exact_p = ratio(self.exact, self.spans_b);
        let exact_r = ratio(self.exact, self.spans_a);
        let partial_p = ratio(self.partial_b, self.spans_b);
        let partial_r = ratio(self.partial_a, self.spans_a);
        LabelAgreement {
            label: label.to_string(),
            layer: layer.to_string(),
            spans_a: self.spans_a,
            spans_b: self.spans_b,
            exact: Scores { precision: exact_p, recall: exact_r, f1: harmonic(exact_p, exact_r) },
            partial: Scores { precision: partial_p, recall: partial_r, f1: harmonic(partial_p, partial_r) },
        }
    }
}

fn spans_of<'r>(record: &'r Record, layer: &str, label: &str) -> Vec<&'r RecordSpan> {
    record.spans.iter().filter(|s| s.layer == layer && s.label == label).collect()
}

/// Counts for one label in one text.
fn count_label(a: &[&RecordSpan], b: &[&RecordSpan]) -> Counts {
    let exact_keys: BTreeSet<(usize, usize)> = set_of(a.iter().map(|s| (s.start, s.end)));
    let mut b_keys: BTreeSet<(usize, usize)> = BTreeSet::new();
    // A span annotated twice at the same place by one person counts once as a match.
    let exact = b.iter().filter(|s| exact_keys.contains(&(s.start, s.end)) && b_keys.insert((s.start, s.end))).count();
    let overlaps = |s: &RecordSpan, others: &[&RecordSpan]| others.iter().any(|o| o.start < s.end && s.start < o.end);
    Counts {
        spans_a: a.len(),
        spans_b: b.len(),
        exact,
        partial_b: b.iter().filter(|s| overlaps(s, a)).count(),
        partial_a: a.iter().filter(|s| overlaps(s, b)).count(),
    }
}

/// The label of each non-whitespace token in `layer`: the longest span of
/// the layer touching it (ties: the earlier start, then the label's name), else `O`.
pub fn token_labels<'r>(record: &'r Record, tokens: &[Token], layer: &str) -> Vec<&'r str> {
    let chars: Vec<char> = record.text.chars().collect();
    let mut best: Vec<Option<&RecordSpan>> = vec![None; tokens.len()];
    for span in record.spans.iter().filter(|s| s.layer == layer) {
        for slot in &mut best[tokens_touching(tokens, span.start, span.end)] {
            let better = match slot {
                None => true,
                Some(cur) => {
                    let key = |s: &RecordSpan| (std::cmp::Reverse(s.end.saturating_sub(s.start)), s.start, s.label.clone());
                    key(span) < key(cur)
                }
            };
            if better {
                *slot = Some(span);
            }
        }
    }
    tokens
        .iter()
        .zip(best)
        .filter(|(t, _)| !chars[t.start..t.end].iter().all(|c| c.is_whitespace()))
        .map(|(_, s)| s.map_or(OUTSIDE, |s| s.label.as_str()))
        .collect()
}

/// What the annotator chose; a default in `span.defaults` is not a choice.
fn attribute_value(span: &RecordSpan, name: &str) -> String {
    match span.attributes.get(name) {
        None | Some(serde_json::Value::Null) => UNSET.to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

/// Computes agreement over `texts`; annotators of a text are compared only
/// with each other.
pub fn agreement(texts: &[TextAnnotations<'_>]) -> AgreementReport {
    let annotators: BTreeSet<&str> = set_of(texts.iter().flat_map(|t| t.iter().map(|(a, _)| *a)));
    let annotators: Vec<&str> = annotators.into_iter().collect();
    let mut pairs = Vec::new();
    for (i, &a) in annotators.iter().enumerate() {
        for &b in &annotators[i + 1..] {
            let shared: Vec<(&Record, &Record)> = texts
                .iter()
                .filter_map(|t| {
                    let ra = t.iter().find(|(n, _)| *n == a)?.1;
                    let rb = t.iter().find(|(n, _)| *n == b)?.1;
                    Some((ra, rb))
                })
                .collect();
            if !shared.is_empty() {
                pairs.push(compare_pair(a, b, &shared));
            }
        }
    }
    AgreementReport {
        texts: texts.len(),
        shared_texts: texts.iter().filter(|t| set_of(t.iter().map(|(a, _)| *a)).len() >= 2).count(),
        annotators: annotators.iter().map(|a| a.to_string()).collect(),
        pairs,
    }
}

fn compare_pair(a: &str, b: &str, shared: &[(&Record, &Record)]) -> PairAgreement {
    // Per (layer, label) counts; BTreeMap keeps rows in a stable order.
    let mut per_label: BTreeMap<(String, String), Counts> = BTreeMap::new();
    let mut tokens_a: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut tokens_b: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut attrs_a: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut attrs_b: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();

    for (ra, rb) in shared {
        let keys: BTreeSet<(String, String)> = set_of(ra.spans.iter().chain(&rb.spans).map(|s| (s.layer.clone(), s.label.clone())));
        for (layer, label) in &keys {
            let (sa, sb) = (spans_of(ra, layer, label), spans_of(rb, layer, label));
            per_label.entry((layer.clone(), label.clone())).or_default().add(count_label(&sa, &sb));
        }

        // Both annotators label the same tokens: the text is the same, so
        // one tokenisation serves both.
        let tokens = tokens_of(ra);
        let layers: BTreeSet<&str> = set_of(ra.spans.iter().chain(&rb.spans).map(|s| s.layer.as_str()));
        for layer in layers {
            let la = token_labels(ra, &tokens, layer);
            let lb = token_labels(rb, &tokens, layer);
            tokens_a.entry(layer.to_string()).or_default().extend(la.into_iter().map(String::from));
            tokens_b.entry(layer.to_string()).or_default().extend(lb.into_iter().map(String::from));
        }

        // Spans at the same offsets in the same layer, paired in order.
        let mut unmatched_b: Vec<&RecordSpan> = rb.spans.iter().collect();
        for sa in &ra.spans {
            let Some(pos) = unmatched_b.iter().position(|sb| sb.start == sa.start && sb.end == sa.end && sb.layer == sa.layer) else {
                continue;
            };
            let sb = unmatched_b.remove(pos);
            let names: BTreeSet<&String> = set_of(sa.attributes.keys().chain(sb.attributes.keys()));
            for name in names {
                let key = (sa.layer.clone(), name.clone());
                attrs_a.entry(key.clone()).or_default().push(attribute_value(sa, name));
                attrs_b.entry(key).or_default().push(attribute_value(sb, name));
            }
        }
    }

    let mut all = Counts::default();
    let mut labels: Vec<LabelAgreement> = per_label
        .iter()
        .map(|((layer, label), c)| {
            all.add(*c);
            c.row(label, layer)
        })
        .collect();
    labels.push(all.row("(all)", ""));
    PairAgreement {
        a: a.to_string(),
        b: b.to_string(),
        texts: shared.len(),
        labels,
        token_kappa: tokens_a
            .iter()
            .map(|(layer, la)| TokenAgreement { layer: layer.clone(), kappa: cohen_kappa(la, &tokens_b[layer]) })
            .collect(),
        attributes: attrs_a
            .iter()
            .map(|((layer, attribute), va)| attribute_agreement(layer, attribute, va, &attrs_b[&(layer.clone(), attribute.clone())]))
            .collect(),
    }
}

fn attribute_agreement(layer: &str, attribute: &str, va: &[String], vb: &[String]) -> AttributeAgreement {
    let unset = |v: &[String]| v.iter().filter(|x| *x == UNSET).count();
    let (set_a, set_b): (Vec<&String>, Vec<&String>) = va.iter().zip(vb).filter(|(a, b)| *a != UNSET && *b != UNSET).unzip();
    AttributeAgreement {
        layer: layer.to_string(),
        attribute: attribute.to_string(),
        kappa: cohen_kappa(va, vb),
        unset_a: unset(va),
        unset_b: unset(vb),
        both_set: cohen_kappa(&set_a, &set_b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{new_record, new_span};
    use crate::label_schema::LabelSchema;

    fn close(x: Option<f64>, expected: f64) -> bool {
        x.is_some_and(|x| (x - expected).abs() < 1e-9)
    }

    #[test]
    fn kappa_matches_a_textbook_table() {
        // 50 items: both yes 20, a yes / b no 5, a no / b yes 10, both no 15.
        // po = 35/50 = 0.7; pe = (25·30 + 25·20)/2500 = 0.5; kappa = 0.4.
        let mut a = Vec::new();
        let mut b = Vec::new();
        for (x, y, n) in [("yes", "yes", 20), ("yes", "no", 5), ("no", "yes", 10), ("no", "no", 15)] {
            for _ in 0..n {
                a.push(x);
                b.push(y);
            }
        }
        let k = cohen_kappa(&a, &b);
        assert_eq!(k.items, 50);
        assert!(close(k.observed, 0.7) && close(k.expected, 0.5) && close(k.kappa, 0.4), "{k:?}");
        // One label throughout on both sides: chance agreement is 1, kappa undefined.
        assert_eq!(cohen_kappa(&["O", "O"], &["O", "O"]).kappa, None);
        assert_eq!(cohen_kappa::<&str>(&[], &[]).observed, None);
    }

    fn record(text: &str, annotations: &[(usize, usize, &str)]) -> Record {
        let schema = LabelSchema::news_default();
        let chars: Vec<char> = text.chars().collect();
        let mut r = new_record(text.to_string(), "d".into());
        r.spans = annotations.iter().map(|&(s, e, l)| new_span(&chars, s, e, l, &schema).unwrap()).collect();
        r
    }

    #[test]
    fn span_scores_and_token_kappa_equal_hand_computed_values() {
        //          0         1         2
        //          0123456789012345678901234567
        let text = "Ann Lee met Bob in Paris now";
        // Tokens: Ann Lee met Bob in Paris now (7 tokens).
        let a = record(text, &[(0, 7, "PERSON"), (12, 15, "PERSON"), (19, 24, "GPE")]);
        let b = record(text, &[(0, 3, "PERSON"), (12, 15, "PERSON"), (19, 24, "LOC")]);
        let texts = vec![vec![("ann1", &a), ("ann2", &b)]];
        let report = agreement(&texts);
        assert_eq!((report.texts, report.shared_texts), (1, 1));
        let pair = &report.pairs[0];
        assert_eq!((pair.a.as_str(), pair.b.as_str()), ("ann1", "ann2"));
        let row = |label: &str| pair.labels.iter().find(|r| r.label == label).unwrap();
        // PERSON: a has {0-7, 12-15}, b has {0-3, 12-15}. Exact: 1 match → P = 1/2, R = 1/2, F1 = 1/2.
        // Partial: both of b's overlap a's, both of a's overlap b's → 1, 1, 1.
        let person = row("PERSON");
        assert!(close(person.exact.precision, 0.5) && close(person.exact.recall, 0.5) && close(person.exact.f1, 0.5));
        assert!(close(person.partial.precision, 1.0) && close(person.partial.recall, 1.0) && close(person.partial.f1, 1.0));
        // GPE: a has one, b none → recall 0, precision undefined.
        let gpe = row("GPE");
        assert_eq!((gpe.spans_a, gpe.spans_b, gpe.exact.precision, gpe.exact.f1), (1, 0, None, None));
        assert!(close(gpe.exact.recall, 0.0));
        // All: a 3 spans, b 3 spans, 1 exact → 1/3 each.
        let all = row("(all)");
        assert!(close(all.exact.precision, 1.0 / 3.0) && close(all.exact.f1, 1.0 / 3.0));
        // Token labels (7 tokens): a = PERSON PERSON O PERSON O GPE O, b = PERSON O O PERSON O LOC O.
        // Agree on tokens 0, 2, 3, 4, 6 → po = 5/7.
        // a: PERSON 3, O 3, GPE 1; b: PERSON 2, O 4, LOC 1 → pe = (3·2 + 3·4)/49 = 18/49.
        // kappa = (5/7 − 18/49) / (1 − 18/49) = (35 − 18)/(49 − 18) = 17/31.
        let entity = pair.token_kappa.iter().find(|t| t.layer == "entity").unwrap();
        assert_eq!(entity.kappa.items, 7);
        assert!(close(entity.kappa.observed, 5.0 / 7.0) && close(entity.kappa.kappa, 17.0 / 31.0), "{entity:?}");
    }

    #[test]
    fn the_longest_touching_span_labels_a_token_and_spaces_are_skipped() {
        let text = "New York City  hall";
        // "New York City" GPE, "York" ORG nested: York takes the longer GPE.
        let r = record(text, &[(0, 13, "GPE"), (4, 8, "ORG"), (16, 18, "LOC")]);
        let tokens = tokens_of(&r);
        let labels = token_labels(&r, &tokens, "entity");
        // Tokens: New York City " " hall — the extra space is its own token, left out;
        // a span starting inside "hall" still labels it.
        assert_eq!(labels, vec!["GPE", "GPE", "GPE", "LOC"]);
    }

    #[test]
    fn claim_attributes_are_compared_on_claims_at_the_same_offsets() {
        let text = "Mills said Mali is safe. Diop said it is not.";
        let claim = |r: &mut Record, start: usize, end: usize, verdict: Option<&str>| {
            let chars: Vec<char> = text.chars().collect();
            let mut s = new_span(&chars, start, end, "CLAIM", &LabelSchema::news_default()).unwrap();
            if let Some(v) = verdict {
                s.attributes.insert("verdict".into(), serde_json::json!(v));
            }
            r.spans.push(s);
        };
        let mut a = record(text, &[]);
        let mut b = record(text, &[]);
        // Three claims matched by offsets, one only in a.
        claim(&mut a, 0, 24, Some("false"));
        claim(&mut b, 0, 24, Some("false"));
        claim(&mut a, 25, 45, Some("true"));
        claim(&mut b, 25, 45, Some("false"));
        claim(&mut a, 11, 15, Some("true"));
        claim(&mut b, 11, 15, None);
        claim(&mut a, 30, 34, Some("true"));
        // Matched, both unset (one only as a schema default): not an item.
        claim(&mut a, 0, 4, None);
        claim(&mut b, 0, 4, None);
        b.spans.last_mut().unwrap().defaults.insert("verdict".into(), serde_json::json!("unverified"));
        let report = agreement(&[vec![("a", &a), ("b", &b)]]);
        let verdict = &report.pairs[0].attributes[0];
        assert_eq!((verdict.layer.as_str(), verdict.attribute.as_str(), verdict.kappa.items), ("claim", "verdict", 3));
        // a = false true true, b = false false (unset): po = 1/3;
        // pe = (a false 1 · b false 2)/9 = 2/9; kappa = (3/9 − 2/9)/(7/9) = 1/7.
        assert!(close(verdict.kappa.observed, 1.0 / 3.0) && close(verdict.kappa.kappa, 1.0 / 7.0), "{verdict:?}");
        // Unset apart: b left one unset; on the two both set, they agree once.
        assert_eq!((verdict.unset_a, verdict.unset_b, verdict.both_set.items), (0, 1, 2));
        assert!(close(verdict.both_set.observed, 0.5), "{verdict:?}");
    }

    #[test]
    fn only_texts_with_two_annotators_are_compared() {
        let text = "Ann Lee met Bob";
        let a = record(text, &[(0, 7, "PERSON")]);
        let other = record("Something else", &[]);
        let report = agreement(&[vec![("a", &a)], vec![("b", &other)]]);
        assert_eq!((report.texts, report.shared_texts), (2, 0));
        assert!(report.pairs.is_empty());
        assert_eq!(report.annotators, vec!["a", "b"]);
    }

    #[test]
    fn a_reversed_span_built_in_code_does_not_overflow() {
        // Readers refuse it (issue 16, case 5: `agree` overflowed on one);
        // the figures must still not panic on a record built in code.
        let text = "Ann Lee met Bob in Paris";
        let a = record(text, &[(0, 7, "PERSON")]);
        // Reversed inside "Lee" (4–7), so it touches that token.
        let mut b = record(text, &[(0, 7, "PERSON"), (5, 6, "PERSON")]);
        (b.spans[1].start, b.spans[1].end) = (6, 5);
        let report = std::panic::catch_unwind(|| agreement(&[vec![("a", &a), ("b", &b)]]));
        assert!(report.is_ok_and(|r| r.pairs.len() == 1));
    }
}
