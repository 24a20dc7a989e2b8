//! A fraction shown to the annotator as a whole percentage ("83 %").
//!
//! Formatted through an integer: `{:.0}` on an `f64` would pull the standard
//! library's float formatting (about 7 KB of gzipped wasm) into the bundle for
//! this one use.

/// `fraction` (0.0–1.0) as a percentage rounded to the nearest whole number
/// (halves away from zero), followed by " %".
pub fn percent(fraction: f64) -> String {
    format!("{} %", (fraction * 100.0).round() as i64)
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn rounds_to_whole_percent() {
        assert_eq!(percent(0.0), "0 %");
        assert_eq!(percent(1.0), "100 %");
        assert_eq!(percent(1.0 / 3.0), "33 %");
        assert_eq!(percent(0.666), "67 %");
        assert_eq!(percent(0.125), "13 %");
    }
}
