//! Anchoring spans that come with selectors and no old text: annotations
//! from other tools (W3C `TextQuoteSelector` / `TextPositionSelector`, as
//! Hypothesis and Recogito write them) placed on a text the user gives.
//!
//! Each span is found from its quote, its prefix and suffix, and, when the
//! tool gave one, its position (the hint a diff gives re-anchoring). The
//! candidates, scores, thresholds, the decision and the settling are those
//! of re-anchoring (`docs/REANCHORING.md`), so an uncertain span goes
//! through the same review. Differences, all because there is no old text:
//! no candidate "survived" a diff; a span is not snapped to tokens (the
//! tool's selection may be finer); a span without a position hint is
//! searched approximately over the whole text, and such a match is kept
//! only when the quote's prefix or suffix is found next to it (there is no
//! place to expect it, and a short quote resembles some word of any long
//! text); two annotations on the same
//! words are not doubted for it (two people may well tag the same words);
//! a position without a quote is placed as given, for review.
//!
//! Units: code points, end exclusive. The caller converts a tool's own
//! unit (UTF-16 for browser tools) before; a position disagreeing with the
//! quote is only a hint.

use super::selector::{Fit, Needles, QuoteSelector};
use super::{decide, new_record, settle, AnchorReport, Candidate, Doubt, Outcome, Placement, Reanchored, SpanAnchor, APPROX_WINDOW, FUZZY_CANDIDATES, MAX_ERRORS_DIVISOR, MAX_EXACT, ORPHANED, REVIEW_BELOW};
use crate::article::{Article, ArticleError};
use crate::label_schema::LabelSchema;
use crate::record::Record;
use crate::snap::{snap_to_graphemes, snap_to_tokens};
use crate::suffix_array::SuffixArray;

/// The confidence given to a span placed by a position alone: nothing
/// confirms it, so it is listed for review.
pub const POSITION_ONLY_CONFIDENCE: f64 = 0.5;

/// Where one span says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextTarget {
    /// The quoted words; empty when the tool gave only a position.
    pub exact: String,
    pub prefix: String,
    pub suffix: String,
    /// The tool's position, in code points (start < end); a hint when a
    /// quote is given, the place when not.
    pub position: Option<(usize, usize)>,
}

/// Places span `i` of `record` (whose `text` is the text to anchor on; its
/// spans' offsets are ignored) where `targets[i]` says. The report has one
/// entry per span; the record holds the spans placed, settled against
/// `schema` as re-anchoring settles them. Fails only when the text cannot
/// be an article.
pub fn anchor_targets(record: &Record, targets: &[TextTarget], schema: Option<&LabelSchema>) -> Result<Reanchored, ArticleError> {
    let article = Article::new(record.meta.doc_id.clone(), record.meta.title.clone(), record.text.as_str())?;
    let text: Vec<char> = record.text.chars().collect();
    let index = SuffixArray::new(&text);
    let finder = Finder { text: &text, index, article: &article };
    let mut placements: Vec<Placement> = record.spans.iter().enumerate().map(|(i, _)| targets.get(i).map_or(ORPHANED, |t| finder.place(t))).collect();
    settle::settle(&mut placements, &record.spans, &article, schema);
    let mut report = AnchorReport::default();
    for (i, (span, p)) in record.spans.iter().zip(&placements).enumerate() {
        let target = targets.get(i);
        let (start, end) = target.and_then(|t| t.position).or(p.range).unwrap_or((0, 0));
        report.spans.push(SpanAnchor {
            index: i,
            id: span.id,
            label: span.label.clone(),
            selector: QuoteSelector {
                exact: target.map(|t| t.exact.clone()).unwrap_or_default(),
                prefix: target.map(|t| t.prefix.clone()).unwrap_or_default(),
                suffix: target.map(|t| t.suffix.clone()).unwrap_or_default(),
                start,
                end,
            },
            outcome: p.outcome,
            doubt: p.doubt,
            new_start: p.range.map(|r| r.0),
            new_end: p.range.map(|r| r.1),
            new_text: p.range.map(|(s, e)| article.slice(s, e).to_string()),
            orphan_reason: match p.outcome {
                Outcome::Orphaned => Some(p.orphan.clone().unwrap_or(super::OrphanReason::NotFound)),
                _ => None,
            },
        });
    }
    report.recount();
    let record = new_record(record, &article, &placements, schema, &mut report);
    Ok(Reanchored { record, report })
}

struct Finder<'a> {
    text: &'a [char],
    index: SuffixArray<'a>,
    article: &'a Article,
}

impl Finder<'_> {
    fn place(&self, target: &TextTarget) -> Placement {
        let len = self.text.len();
        let exact: Vec<char> = target.exact.chars().collect();
        if exact.is_empty() {
            return match target.position.and_then(|(s, e)| (s < e && e <= len).then_some((s, e))) {
                Some((s, e)) => match snap_to_graphemes(self.article, s, e) {
                    Some(range) => Placement {
                        outcome: Outcome::Fuzzy { confidence: POSITION_ONLY_CONFIDENCE },
                        doubt: Some(Doubt::PositionOnly),
                        range: Some(range),
                        survived: false,
                        orphan: None,
                    },
                    None => ORPHANED,
                },
                None => ORPHANED,
            };
        }
        // The tool's position holds its quote: that is the place.
        if let Some((s, e)) = target.position.filter(|&(s, e)| s < e && e <= len && self.text[s..e] == exact[..]) {
            if snap_to_graphemes(self.article, s, e) == Some((s, e)) {
                return Placement { outcome: Outcome::Unchanged, doubt: None, range: Some((s, e)), survived: false, orphan: None };
            }
        }
        let selector = QuoteSelector { exact: target.exact.clone(), prefix: target.prefix.clone(), suffix: target.suffix.clone(), start: 0, end: 0 };
        let needles = Needles::from(&selector);
        let hint = target.position.map(|(s, _)| s.min(len));
        let mut raw = self.exact_occurrences(&needles, hint);
        if let Some((s, e)) = target.position.filter(|&(s, e)| s < e && e <= len) {
            raw.push((s, e));
        }
        let mut candidates = self.candidates(&raw, &needles, hint);
        let convincing = candidates.iter().any(|c| c.fit.quote == 1.0 && c.fit.confidence() >= REVIEW_BELOW);
        // Without a position, an approximate match anywhere in the text is
        // only worth a look when the quote's context is found next to it:
        // a short quote of another page matches some word of any long text.
        let has_context = !target.prefix.is_empty() || !target.suffix.is_empty();
        if !convincing && (hint.is_some() || has_context) {
            let max_errors = (exact.len() / MAX_ERRORS_DIVISOR).min(256);
            // Without a hint the words may be anywhere: the whole text.
            let window = match hint {
                Some(h) => {
                    let reach = APPROX_WINDOW + exact.len();
                    h.saturating_sub(reach)..(h + reach).min(len)
                }
                None => 0..len,
            };
            let fuzzy: Vec<(usize, usize)> = super::approx::search(&self.text[window.clone()], &exact, max_errors, FUZZY_CANDIDATES)
                .into_iter()
                .map(|m| (window.start + m.start, window.start + m.end))
                .collect();
            // A quote of whole words (its context ends and starts at a word
            // boundary) is matched to whole words, as re-anchoring snaps a
            // span that was on tokens: the edit distance alone may stop a
            // letter short.
            let bounded = |a: Option<char>, b: Option<char>| !(a.is_some_and(char::is_alphanumeric) && b.is_some_and(char::is_alphanumeric));
            let whole_words = bounded(target.prefix.chars().last(), exact.first().copied()) && bounded(exact.last().copied(), target.suffix.chars().next());
            let fuzzy: Vec<(usize, usize)> = if whole_words {
                fuzzy.into_iter().filter_map(|(s, e)| snap_to_tokens(self.article, s, e)).collect()
            } else {
                fuzzy
            };
            let near_context = |c: &Candidate| (!target.prefix.is_empty() && c.fit.prefix >= 0.5) || (!target.suffix.is_empty() && c.fit.suffix >= 0.5);
            candidates.extend(self.candidates(&fuzzy, &needles, hint).into_iter().filter(|c| hint.is_some() || near_context(c)));
        }
        let unique = self.index.count(&exact) == 1;
        // "Unchanged" means: the tool's position holds its quote.
        let given = target.position.unwrap_or((usize::MAX, usize::MAX));
        decide(&candidates, given, hint.unwrap_or(0), unique)
    }

    /// Every place the quote occurs; when it occurs more than [`MAX_EXACT`]
    /// times, the nearest the hint (the first ones without a hint) and every
    /// copy with its whole context.
    fn exact_occurrences(&self, needles: &Needles, hint: Option<usize>) -> Vec<(usize, usize)> {
        let quote = &needles.exact;
        let mut starts: Vec<usize> = self.index.positions(quote).collect();
        if starts.len() > MAX_EXACT {
            let h = hint.unwrap_or(0);
            crate::sorting::sort_by_key(&mut starts, |s| s.abs_diff(h));
            starts.truncate(MAX_EXACT);
            let whole: Vec<char> = needles.prefix.iter().chain(quote).chain(&needles.suffix).copied().collect();
            starts.extend(self.index.positions(&whole).take(MAX_EXACT).map(|s| s + needles.prefix.len()));
        }
        let mut out: Vec<(usize, usize)> = starts.into_iter().map(|s| (s, s + quote.len())).collect();
        crate::sorting::sort(&mut out);
        out.dedup();
        out
    }

    /// Snapped to whole grapheme clusters, deduplicated, scored. Without a
    /// hint, every candidate is scored as at the hint: position then
    /// neither helps nor hurts.
    fn candidates(&self, raw: &[(usize, usize)], needles: &Needles, hint: Option<usize>) -> Vec<Candidate> {
        let mut out: Vec<Candidate> = Vec::new();
        for &(s, e) in raw {
            let Some((s, e)) = snap_to_graphemes(self.article, s, e) else { continue };
            if out.iter().any(|c| (c.start, c.end) == (s, e)) {
                continue;
            }
            let fit = Fit::measure(needles, self.text, s, e, hint.unwrap_or(s));
            out.push(Candidate { start: s, end: e, fit, survived: false });
        }
        out
    }
}
