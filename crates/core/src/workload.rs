//! Deterministic benchmark workloads: the default article's text repeated to
//! a length in words, with spans on token boundaries (some nested, some
//! crossing) — the same input for the core benchmarks and for the browser
//! benchmark that compares Marginalia with its peers.
//!
//! Units: code points, end exclusive.

use crate::article::Article;

const SOURCE: &str = include_str!("../../../assets/articles/mali-russia-wagner.txt");
const LABELS: &[&str] = &["PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "EVENT", "MISC"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkloadSpan {
    pub start: usize,
    pub end: usize,
    pub label: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workload {
    pub text: String,
    pub spans: Vec<WorkloadSpan>,
}

/// A small linear congruential generator: deterministic everywhere, and no
/// dependency for what only needs to be repeatable.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// `words` words of article text in paragraphs, with `spans` spans; about
/// one span in eight is nested in or crosses its neighbour.
pub fn generate(words: usize, spans: usize) -> Workload {
    let paragraphs: Vec<&str> = SOURCE
        .split("\n\n")
        .map(str::trim)
        .filter(|p| p.split_whitespace().count() >= 12)
        .collect();
    let mut text = String::new();
    let mut count = 0;
    let mut i = 0;
    while count < words {
        let p = paragraphs[i % paragraphs.len()];
        let take: Vec<&str> = p.split_whitespace().take(words - count).collect();
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&take.join(" "));
        count += take.len();
        i += 1;
    }
    let article = Article::new("workload", "workload", text.clone()).expect("generated text is valid");
    let words: Vec<usize> = (0..article.tokens().len()).filter(|&t| !article.is_space_token(t)).collect();
    let mut rng = Lcg(0x5eed);
    let mut out: Vec<WorkloadSpan> = Vec::with_capacity(spans);
    let stride = (words.len() / spans.max(1)).max(1);
    let mut k = 0;
    while out.len() < spans && k < words.len() * 2 {
        let base = (k * stride) % words.len();
        k += 1;
        let len = 1 + rng.below(3);
        let first = words[base];
        let last = words[(base + len - 1).min(words.len() - 1)];
        let (start, end) = (article.tokens()[first].start, article.tokens()[last].end);
        let label = LABELS[rng.below(LABELS.len())];
        let span = WorkloadSpan { start, end, label };
        if !out.contains(&span) {
            out.push(span);
        }
        // Every eighth span gets a nested (or crossing) partner.
        if out.len() < spans && rng.below(8) == 0 {
            let t = words[(base + len).min(words.len() - 1)];
            let partner = WorkloadSpan { start: article.tokens()[last].start, end: article.tokens()[t].end, label: LABELS[rng.below(LABELS.len())] };
            if !out.contains(&partner) {
                out.push(partner);
            }
        }
    }
    Workload { text, spans: out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workloads_are_deterministic_and_of_the_asked_size() {
        let a = generate(2_000, 100);
        assert_eq!(a, generate(2_000, 100));
        assert_eq!(a.text.split_whitespace().count(), 2_000);
        assert_eq!(a.spans.len(), 100);
        let big = generate(50_000, 5_000);
        assert_eq!(big.spans.len(), 5_000);
        let overlapping = big
            .spans
            .windows(2)
            .filter(|w| w[0].start < w[1].end && w[1].start < w[0].end)
            .count();
        assert!(overlapping > 100, "overlaps included: {overlapping}");
        let chars: Vec<char> = big.text.chars().collect();
        for s in &big.spans {
            let t: String = chars[s.start..s.end].iter().collect();
            assert_eq!(t.trim(), t, "spans sit on token boundaries");
        }
    }
}
