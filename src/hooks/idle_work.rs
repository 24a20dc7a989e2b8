//! Work left for idle moments once an article shows (`idle.rs` slices), so
//! that neither the first paint nor the first selection waits for it:
//! computing the article's tokens, and listing the side panel's items.

use super::lifetime::{use_per_article, Kept};
use crate::host::HostRef;
use crate::idle::IdleWork;
use crate::state::AppState;
use marginalia_core::tokenize::TokenizeInSteps;
use yew::prelude::*;

/// Tokens are computed in idle moments, in pieces of about this many bytes
/// (about a millisecond each), while more than this much idle time is left.
const TOKEN_WARM_PIECE_BYTES: usize = 4_096;
const TOKEN_WARM_MARGIN_MS: f64 = 2.0;

/// Tokens are computed on first use; compute them in idle moments once
/// each article shows, a piece at a time.
#[hook]
pub fn use_token_warming(state: &UseReducerHandle<AppState>, host: &HostRef) {
    use_per_article(state, host, warm_tokens);
}

fn warm_tokens(state: &UseReducerHandle<AppState>, _: &HostRef) -> Kept {
    let article = state.article().clone();
    let mut progress = TokenizeInSteps::new();
    Box::new(IdleWork::start(move |time_left| loop {
        if article.warm_tokens(&mut progress, TOKEN_WARM_PIECE_BYTES) {
            return true;
        }
        if time_left() < TOKEN_WARM_MARGIN_MS {
            return false;
        }
    }))
}

/// Whether the side panel lists each label's items yet: from the first
/// idle moment after the article `key` opens (its counts show at once).
/// The article's own spans are what the annotator waits for, and a long
/// list of items costs as much to lay out as a screenful of them.
#[hook]
pub fn use_listing_after_idle(key: usize) -> bool {
    let listed_for = use_state(|| 0usize);
    let listed = *listed_for == key;
    use_effect_with(key, move |&key| {
        let list = IdleWork::start(move |_| {
            listed_for.set(key);
            true
        });
        move || drop(list)
    });
    listed
}
