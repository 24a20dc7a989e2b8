//! Another tab on the same document: its writes are heard and merged in
//! (`tab_sync.rs`), over a base that is each article's stored version as
//! it opens.

use super::article_key;
use crate::state::{Action, AppState, TabCopy};
use crate::tab_sync;
use std::rc::Rc;
use yew::prelude::*;

/// The `storage` listener for the instance's lifetime, and the base set
/// each time an article opens (the text's hash alone when none is stored).
#[hook]
pub fn use_tab_sync(state: &UseReducerHandle<AppState>) {
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            let listener = tab_sync::listen(state);
            move || drop(listener)
        });
    }
    let state = state.clone();
    use_effect_with(article_key(&state), move |_| {
        let base = match tab_sync::stored_copy(&state) {
            Some(Ok(copy)) => copy,
            _ => TabCopy { sha256: state.article().sha256().to_string(), json: String::new(), snapshot: Default::default() },
        };
        state.dispatch(Action::TabStored(Rc::new(base)));
    });
}
