//! "Label all occurrences": after an annotator labels a span, every other
//! place where the same text stands on whole tokens, offered as suggestions.
//!
//! Rules, in code points:
//! * an occurrence starts where a token starts and ends where a token ends
//!   (so "Mali" is not found inside "Malian", nor half an emoji sequence);
//! * its text equals the span's text exactly (case-sensitive, the default)
//!   or after lower-casing each character ([`CaseMatching::Insensitive`],
//!   with `ς` read as `σ`); no normalisation, so a precomposed "é" and
//!   "e" + U+0301 are different texts, as they are different offsets;
//! * it does not overlap the span itself, an earlier occurrence (the scan
//!   goes left to right), or an existing span with the same label, which
//!   already says what the suggestion would.

use crate::article::Article;
use crate::span::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CaseMatching {
    #[default]
    Sensitive,
    Insensitive,
}

/// One place to suggest the label, in code points, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Occurrence {
    pub start: usize,
    pub end: usize,
}

/// Every other occurrence of the text of `[start, end)` on whole tokens,
/// in document order, skipping places already covered by a span labelled
/// `label` among `existing`. An empty or whitespace-only span has none.
pub fn other_occurrences<'s>(
    article: &Article,
    start: usize,
    end: usize,
    label: &str,
    existing: impl IntoIterator<Item = &'s Span>,
    case: CaseMatching,
) -> Vec<Occurrence> {
    let end = end.min(article.len_chars());
    if start >= end || article.slice(start, end).trim().is_empty() {
        return Vec::new();
    }
    let needle = folded(article.slice(start, end).chars(), case);
    let covered = Covered::new(existing.into_iter().filter(|s| s.label == label));
    let tokens = article.tokens();
    let text = article.text();
    let index = article.index();
    let mut out: Vec<Occurrence> = Vec::new();
    for token in tokens {
        let Some(len) = match_len_at(&text[index.byte_of(token.start)..], &needle, case) else {
            continue;
        };
        let occurrence = Occurrence { start: token.start, end: token.start + len };
        let ends_on_token = tokens.binary_search_by_key(&occurrence.end, |t| t.end).is_ok();
        let overlaps = |a: usize, b: usize| occurrence.start < b && a < occurrence.end;
        if !ends_on_token
            || overlaps(start, end)
            || out.last().is_some_and(|prev| overlaps(prev.start, prev.end))
            || covered.overlaps(occurrence.start, occurrence.end)
        {
            continue;
        }
        out.push(occurrence);
    }
    out
}

/// How many code points of `text`, from its start, spell `needle` (already
/// folded); `None` if they don't, or if `needle` ends inside the lower-case
/// expansion of one character. Allocates nothing: it runs at every token.
fn match_len_at(text: &str, needle: &[char], case: CaseMatching) -> Option<usize> {
    let mut matched = 0;
    let expect = |c: char, matched: &mut usize| {
        let ok = needle.get(*matched) == Some(&c);
        *matched += 1;
        ok
    };
    for (consumed, c) in text.chars().enumerate() {
        let same = match case {
            CaseMatching::Sensitive => expect(c, &mut matched),
            CaseMatching::Insensitive => c.to_lowercase().all(|l| expect(fold_sigma(l), &mut matched)),
        };
        if !same {
            return None;
        }
        if matched == needle.len() {
            return Some(consumed + 1);
        }
    }
    None
}

fn folded(chars: impl Iterator<Item = char>, case: CaseMatching) -> Vec<char> {
    match case {
        CaseMatching::Sensitive => chars.collect(),
        CaseMatching::Insensitive => chars.flat_map(char::to_lowercase).map(fold_sigma).collect(),
    }
}

/// Final sigma is a spelling of σ, not another letter.
fn fold_sigma(c: char) -> char {
    if c == 'ς' {
        'σ'
    } else {
        c
    }
}

/// Ranges of same-label spans, answering "does anything overlap [a, b)?" in
/// O(log n): sorted by start, with the running maximum of ends.
struct Covered {
    starts: Vec<usize>,
    max_end_so_far: Vec<usize>,
}

impl Covered {
    fn new<'s>(spans: impl Iterator<Item = &'s Span>) -> Self {
        let mut ranges: Vec<(usize, usize)> = spans.map(|s| (s.start, s.end)).collect();
        crate::sorting::sort(&mut ranges);
        let mut max_end = 0;
        let max_end_so_far = ranges.iter().map(|r| {
            max_end = max_end.max(r.1);
            max_end
        });
        let max_end_so_far = max_end_so_far.collect();
        Covered { starts: ranges.iter().map(|r| r.0).collect(), max_end_so_far }
    }

    fn overlaps(&self, a: usize, b: usize) -> bool {
        let starting_before_b = self.starts.partition_point(|&s| s < b);
        starting_before_b > 0 && self.max_end_so_far[starting_before_b - 1] > a
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::{Attributes, SpanId};
    use proptest::prelude::*;

    fn article(text: &str) -> Article {
        Article::new("t", "t", text).unwrap()
    }

    fn span(id: u32, start: usize, end: usize, label: &str) -> Span {
        Span { id: SpanId(id), start, end, label: label.into(), layer: "entity".into(), attributes: Attributes::new(), defaults: Attributes::new(), source: None }
    }

    fn at(v: &[Occurrence]) -> Vec<(usize, usize)> {
        v.iter().map(|o| (o.start, o.end)).collect()
    }

    #[test]
    fn finds_whole_token_occurrences_only() {
        // Mali at 0, "Malian" at 6 (not whole), "Mali’s" at 13 (Mali is a token), MALI at 20, Mali at 26.
        let a = article("Mali, Malian Mali’s MALI. Mali");
        let got = other_occurrences(&a, 0, 4, "GPE", &[], CaseMatching::Sensitive);
        assert_eq!(at(&got), [(13, 17), (26, 30)]);
        assert_eq!(a.slice(26, 30), "Mali");
        let any_case = other_occurrences(&a, 0, 4, "GPE", &[], CaseMatching::Insensitive);
        assert_eq!(at(&any_case), [(13, 17), (20, 24), (26, 30)]);
    }

    #[test]
    fn skips_places_covered_by_the_same_label_only() {
        let a = article("Wagner Group and Wagner and Wagner");
        // Wagner at 0, 17, 28.
        let existing = [span(1, 0, 12, "ORG"), span(2, 17, 23, "PER")];
        let got = other_occurrences(&a, 28, 34, "ORG", &existing, CaseMatching::Sensitive);
        assert_eq!(at(&got), [(17, 23)], "inside the ORG span is covered; a PER span is not the same label");
    }

    #[test]
    fn multi_token_spans_and_overlapping_repeats() {
        let a = article("a b a b a b");
        // "a b" at 0, 4, 8 (the one at 2 would be "b a").
        assert_eq!(at(&other_occurrences(&a, 4, 7, "X", &[], CaseMatching::Sensitive)), [(0, 3), (8, 11)]);
        let b = article("x x x x");
        // "x x" from 0: candidates at 2 (overlaps the span), 4; 6 runs off the end.
        assert_eq!(at(&other_occurrences(&b, 0, 3, "X", &[], CaseMatching::Sensitive)), [(4, 7)]);
    }

    #[test]
    fn unicode_is_compared_by_exact_code_points() {
        // 👩🏾‍🍳 = 4 code points, 🇲🇱 = 2, e + U+0301 = 2.
        let a = article("👩🏾‍🍳 🇲🇱 👩🏾‍🍳 👩 Zoe\u{301} Zoé 国際 国際協力 الجزيرة الجزيرة");
        let chef = other_occurrences(&a, 0, 4, "X", &[], CaseMatching::Sensitive);
        assert_eq!(at(&chef), [(8, 12)], "the lone 👩 at 13 is not the sequence");
        let decomposed = other_occurrences(&a, 15, 19, "X", &[], CaseMatching::Insensitive);
        assert!(decomposed.is_empty(), "Zoé precomposed is another text: {decomposed:?}");
        // 国際 at 24, and inside 国際協力 at 27: each ideograph is a token,
        // so the word is found inside a longer run, as a reader of Japanese expects.
        assert_eq!(a.slice(24, 26), "国際");
        assert_eq!(at(&other_occurrences(&a, 24, 26, "X", &[], CaseMatching::Sensitive)), [(27, 29)]);
        assert_eq!(at(&other_occurrences(&a, 32, 39, "ORG", &[], CaseMatching::Sensitive)), [(40, 47)]);
    }

    #[test]
    fn case_insensitive_handles_sigma_and_length_changes() {
        let a = article("ΟΔΟΣ οδος İstanbul i\u{307}stanbul");
        assert_eq!(at(&other_occurrences(&a, 0, 4, "X", &[], CaseMatching::Insensitive)), [(5, 9)]);
        // İ lower-cases to i + U+0307: 8 code points match 9.
        assert_eq!(at(&other_occurrences(&a, 10, 18, "X", &[], CaseMatching::Insensitive)), [(19, 28)]);
        assert!(other_occurrences(&a, 10, 18, "X", &[], CaseMatching::Sensitive).is_empty());
    }

    #[test]
    fn empty_or_blank_spans_have_no_occurrences() {
        let a = article("a  a");
        assert!(other_occurrences(&a, 1, 1, "X", &[], CaseMatching::Sensitive).is_empty());
        assert!(other_occurrences(&a, 1, 3, "X", &[], CaseMatching::Sensitive).is_empty());
    }

    const PIECES: &[&str] = &["Mali", "mali", "MALI", "Wagner", "’s", " ", " ", "\n", ",", "🇲🇱", "👩🏾‍🍳", "e\u{301}", "é", "国際", "الجزيرة", "Σ", "ς", "İ", "-", "."];

    proptest! {
        #[test]
        fn occurrences_equal_the_span_sit_on_tokens_and_avoid_the_original(
            pieces in proptest::collection::vec(0..PIECES.len(), 1..60),
            pick in any::<prop::sample::Index>(),
            len in 1usize..4,
            insensitive in any::<bool>(),
        ) {
            let text: String = pieces.iter().map(|&i| PIECES[i]).collect();
            prop_assume!(!text.trim().is_empty());
            let a = article(&text);
            let tokens = a.tokens();
            let first = pick.index(tokens.len());
            let last = (first + len - 1).min(tokens.len() - 1);
            let (start, end) = (tokens[first].start, tokens[last].end);
            let case = if insensitive { CaseMatching::Insensitive } else { CaseMatching::Sensitive };
            let got = other_occurrences(&a, start, end, "X", &[], case);
            let needle = a.slice(start, end);
            let starts: Vec<usize> = tokens.iter().map(|t| t.start).collect();
            let ends: Vec<usize> = tokens.iter().map(|t| t.end).collect();
            for (i, o) in got.iter().enumerate() {
                let text = a.slice(o.start, o.end);
                if insensitive {
                    let fold = |s: &str| s.to_lowercase().replace('ς', "σ");
                    prop_assert_eq!(fold(text), fold(needle));
                } else {
                    prop_assert_eq!(text, needle);
                }
                prop_assert!(starts.contains(&o.start) && ends.contains(&o.end), "{:?} is not on token boundaries", o);
                prop_assert!(o.end <= start || end <= o.start, "{:?} overlaps the original {}..{}", o, start, end);
                if i > 0 {
                    prop_assert!(got[i - 1].end <= o.start, "occurrences overlap each other");
                }
            }
            // Complete: a case-sensitive equal text on token boundaries that
            // overlaps neither the original nor a reported one was reported.
            if !insensitive && !needle.trim().is_empty() {
                for &s in &starts {
                    let n = needle.chars().count();
                    if s + n <= a.len_chars() && a.slice(s, s + n) == needle && ends.contains(&(s + n)) {
                        let clash = |a0: usize, b0: usize| s < b0 && a0 < s + n;
                        prop_assert!(clash(start, end) || got.iter().any(|o| clash(o.start, o.end)), "missed {}..{}", s, s + n);
                    }
                }
            }
        }
    }
}
