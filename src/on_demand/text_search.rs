//! Searching the text (`src/text_search.rs` holds what this part installs)
//! as a part, fetched once the first frame is painted or when first asked.

use crate::state::{Action, AppState};
use crate::text_search::{install, search, Search};
use marginalia_core::find::find_text;
use marginalia_core::occurrences::other_occurrences;
use yew::UseReducerDispatcher;

static SEARCH: Search = Search {
    find: find_text,
    occurrences: |article, span, annotations, case| other_occurrences(article, span.start, span.end, &span.label, annotations.iter(), case),
};

on_demand!(text_search;
    /// Installs the searches (their code is this part's).
    fn install_search() -> () {
        install(&SEARCH);
    }
);

/// Fetches the part unless it is here.
async fn ready() {
    if search().is_none() {
        let _ = install_search().await;
    }
}

/// Fetches the part ahead of use.
pub fn fetch_ahead() {
    wasm_bindgen_futures::spawn_local(ready());
}

/// Dispatches `action`, once the part is here if it searches the text.
pub fn dispatch(d: &UseReducerDispatcher<AppState>, action: Action) {
    let searches = matches!(action, Action::Find { .. } | Action::LabelAllOccurrences { .. });
    if !searches || search().is_some() {
        return d.dispatch(action);
    }
    let d = d.clone();
    wasm_bindgen_futures::spawn_local(async move {
        ready().await;
        d.dispatch(action);
    });
}
