//! The stable stand-in for libFuzzer: a bounded, deterministic mutation
//! loop over a target's seeds. No coverage feedback — it finds what is near
//! the seeds (numbers at the top of their range, cut JSON, swapped
//! brackets, characters outside the BMP) — but it runs on any toolchain, in
//! the same number of steps on every machine: a failure reproduces from
//! the target name and the iteration count alone.

use crate::corpus;

/// Tokens worth inserting: the edges of every number type a reader
/// converts, JSON structure, and text the readers must treat as data.
const DICTIONARY: &[&str] = &[
    "0", "-1", "1", "4294967295", "4294967296", "18446744073709551615", "18446744073709551616", "9007199254740993",
    "1e309", "-0", "0.5", "\"s4294967295\"", "\"r4294967295\"", "\"s0\"", "null", "true", "[]", "{}", "\"\"", "[",
    "]", "{", "}", ",", ":", "\"", "\\", "\\u0000", "\\ud800", "\n", "\r\n", "\t", " ", "\u{feff}", "\u{200d}", "👨‍👩‍👧‍👦",
    "e\u{301}", "国", "ال", "T1\tPERSON 0 4\tMali", "R1\tclaimed_by Arg1:T1 Arg2:T1", "{\"OP\":\"+\"}", "\"start\":",
    "\"end\":", "\"token_start\":", "\"token_end\":", "\"id\":", "\"label\":", "\"tokens\":", "\"spans\":",
];

/// xorshift64*: small, seedable, the same everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// One to four mutations of `input`, some splicing in a piece of `other`.
pub fn mutate(rng: &mut Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(7) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] = [0, 0xff, b'"', b'{', b']', b'9', b'-', b'\n'][rng.below(8)];
            }
            2 if !out.is_empty() => {
                let start = rng.below(out.len());
                let len = 1 + rng.below(16.min(out.len() - start));
                out.drain(start..start + len);
            }
            3 if !out.is_empty() => {
                let start = rng.below(out.len());
                let len = 1 + rng.below(32.min(out.len() - start));
                let piece = out[start..start + len].to_vec();
                out.splice(at..at, piece);
            }
            4 if !other.is_empty() => {
                let start = rng.below(other.len());
                let len = 1 + rng.below(64.min(other.len() - start));
                out.splice(at..at, other[start..start + len].iter().copied());
            }
            5 => {
                // Replace the number under `at` (if any) by an edge value.
                let token = DICTIONARY[rng.below(12)].as_bytes();
                let start = (0..at.min(out.len())).rev().take_while(|&i| out[i].is_ascii_digit()).last().unwrap_or(at.min(out.len()));
                let end = (start..out.len()).take_while(|&i| out[i].is_ascii_digit()).last().map_or(start, |i| i + 1);
                out.splice(start..end, token.iter().copied());
            }
            _ => {
                let token = DICTIONARY[rng.below(DICTIONARY.len())].as_bytes();
                out.splice(at..at, token.iter().copied());
            }
        }
    }
    out
}

/// A mutated input that made the target panic.
#[derive(Debug, Clone)]
pub struct Crash {
    pub iteration: usize,
    pub input: Vec<u8>,
    pub message: String,
}

/// Runs `iterations` mutations of `seeds` through `target` (seeded with
/// `seed`); the first crash of each distinct message, in order.
pub fn run(target: fn(&[u8]), seeds: &[Vec<u8>], iterations: usize, seed: u64) -> Vec<Crash> {
    let mut crashes: Vec<Crash> = Vec::new();
    if seeds.is_empty() {
        return crashes;
    }
    let mut rng = Rng::new(seed);
    // Mutations build on one another for a few rounds, then restart from a
    // seed: deep enough to break structure, near enough to stay JSON.
    let mut current = seeds[0].clone();
    for iteration in 0..iterations {
        if iteration % 8 == 0 {
            current = seeds[rng.below(seeds.len())].clone();
        }
        let other = &seeds[rng.below(seeds.len())];
        current = mutate(&mut rng, &current, other);
        current.truncate(1 << 16);
        if let Err(message) = corpus::run(target, &current) {
            let first_line = message.lines().next().unwrap_or_default().to_string();
            if !crashes.iter().any(|c| c.message.lines().next() == Some(first_line.as_str())) {
                crashes.push(Crash { iteration, input: current.clone(), message });
            }
            current = seeds[rng.below(seeds.len())].clone();
        }
    }
    crashes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_are_deterministic_and_change_the_input() {
        let seed = b"{\"text\":\"Mali\",\"spans\":[{\"start\":0,\"end\":4}]}".to_vec();
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        let mut changed = 0;
        for _ in 0..200 {
            let (x, y) = (mutate(&mut a, &seed, b"other"), mutate(&mut b, &seed, b"other"));
            assert_eq!(x, y);
            changed += usize::from(x != seed);
        }
        assert!(changed > 150, "only {changed} of 200 mutations changed the input");
    }

    #[test]
    fn a_panicking_target_is_caught_with_its_input() {
        fn picky(data: &[u8]) {
            assert!(!data.contains(&b'9'), "a nine");
        }
        let crashes = run(picky, &[b"{\"a\":1}".to_vec()], 500, 1);
        assert_eq!(crashes.len(), 1, "{crashes:?}");
        assert!(crashes[0].input.contains(&b'9'));
        assert_eq!(crashes[0].message, "a nine");
    }
}
