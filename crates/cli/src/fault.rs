//! A fault the tests can inject, in debug builds only: with
//! `MARGINALIA_TEST_PANIC=<stage>:<marker>` (stage `reading` or `writing`),
//! a document whose text holds `<marker>` panics at that stage — so the
//! recovery from a bug in a reader or exporter (report, skip, exit 101,
//! no output file left behind) is tested on the real binary. Release
//! builds compile it to nothing.

/// Panics when the injected fault names `stage` and `text` holds its marker.
#[cfg(debug_assertions)]
pub fn inject(stage: &str, text: &str) {
    if let Ok(fault) = std::env::var("MARGINALIA_TEST_PANIC") {
        if let Some((at, marker)) = fault.split_once(':') {
            if at == stage && !marker.is_empty() && text.contains(marker) {
                panic!("fault injected by MARGINALIA_TEST_PANIC while {stage}");
            }
        }
    }
}

#[cfg(not(debug_assertions))]
pub fn inject(_stage: &str, _text: &str) {}
