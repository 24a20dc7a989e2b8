//! The sections of BENCHMARKS.md that other runs than the browser benchmark
//! write, and how a rewrite keeps them.

pub const CORE_START: &str = "<!-- core-benches -->";
pub const CORE_END: &str = "<!-- /core-benches -->";
pub const COST_START: &str = "<!-- cost-benches -->";
pub const COST_END: &str = "<!-- /cost-benches -->";
pub const DATASETS_START: &str = "<!-- dataset-benches -->";
pub const DATASETS_END: &str = "<!-- /dataset-benches -->";
pub const FIRST_MOUNT_START: &str = "<!-- first-mount -->";
pub const FIRST_MOUNT_END: &str = "<!-- /first-mount -->";
/// What was found about the first mount, written by hand under its table.
pub const FIRST_USE_NOTES_START: &str = "<!-- first-use-notes -->";
pub const FIRST_USE_NOTES_END: &str = "<!-- /first-use-notes -->";
pub const BUILD_OPTIONS_START: &str = "<!-- bundle-build-options -->";
pub const BUILD_OPTIONS_END: &str = "<!-- /bundle-build-options -->";

/// The text between `start` and `end` in `doc` (to its end when `end` is
/// missing); `None` when absent or blank.
pub fn kept_between(doc: &str, start: &str, end: &str) -> Option<String> {
    let i = doc.find(start)?;
    let rest = &doc[i + start.len()..];
    let body = match rest.find(end) {
        Some(j) => &rest[..j],
        None => rest,
    };
    Some(body.to_string()).filter(|b| !b.trim().is_empty())
}
