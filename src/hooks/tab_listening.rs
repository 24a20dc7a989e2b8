//! Another tab on the same document: its writes are heard and merged in
//! (`tab_sync.rs`), over a base that is each article's stored version as
//! it opens.

use super::lifetime::{use_per_article, use_while_mounted, Kept};
use crate::host::HostRef;
use crate::state::{Action, AppState, TabCopy};
use crate::tab_sync;
use std::rc::Rc;
use yew::prelude::*;

/// The `storage` listener for the instance's lifetime, and the base set
/// each time an article opens (the text's hash alone when none is stored).
#[hook]
pub fn use_tab_sync(state: &UseReducerHandle<AppState>, host: &HostRef) {
    use_while_mounted(state, host, |state, _| Box::new(tab_sync::listen(state.clone())));
    use_per_article(state, host, set_base);
}

fn set_base(state: &UseReducerHandle<AppState>, _: &HostRef) -> Kept {
    let base = match tab_sync::stored_copy(state) {
        Some(Ok(copy)) => copy,
        _ => TabCopy { sha256: state.article().sha256().to_string(), json: String::new(), snapshot: Default::default() },
    };
    state.dispatch(Action::TabStored(Rc::new(base)));
    Box::new(())
}
