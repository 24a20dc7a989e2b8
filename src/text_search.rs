//! Searching the article's text as the reducer finds it: finding a query
//! (`marginalia_core::find`) and the other occurrences of a span's text
//! (`marginalia_core::occurrences`), installed by their part
//! (`on_demand/text_search.rs`, which brings the Unicode case-folding
//! table with it). The part is fetched once the first frame is painted;
//! an action that searches waits for it
//! (`on_demand::text_search::dispatch`), so the reducer finds it absent
//! only when it could not be fetched, and says so.

use marginalia_core::article::Article;
use marginalia_core::command::Annotations;
use marginalia_core::occurrences::{CaseMatching, Occurrence};
use marginalia_core::span::Span;
use std::cell::Cell;

/// A match: its start and end (code points, end exclusive).
pub type Match = (usize, usize);

/// The searches, as the part gives them (units: code points of the article).
pub struct Search {
    /// The next (`forward`) or previous match of a query from a position.
    pub find: fn(&Article, &str, usize, bool) -> Option<Match>,
    /// Where else the span's text is, on whole tokens, minus the places
    /// that already carry its label.
    pub occurrences: fn(&Article, &Span, &Annotations, CaseMatching) -> Vec<Occurrence>,
}

thread_local! {
    /// The searches, once their part is here.
    static SEARCH: Cell<Option<&'static Search>> = const { Cell::new(None) };
}

/// Called by the part: from now on searches run at once.
pub fn install(search: &'static Search) {
    SEARCH.with(|s| s.set(Some(search)));
}

/// The searches, when their part is here (`installed.rs`).
pub fn search() -> Option<&'static Search> {
    crate::installed::read(&SEARCH)
}

/// Why a search did nothing without the part.
pub const UNAVAILABLE: &str = "Searching the text could not be loaded (is the network there?); try again.";
