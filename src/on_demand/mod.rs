//! Code fetched on first use: each function here is a split point. The
//! release build (`cargo xtask build`, feature `split`) cuts the wasm after
//! linking so that what only these functions reach lands in a chunk of its
//! own, fetched (once, shared memory and standard library) on the first
//! call; elsewhere (Trunk, native tests) they are plain `async` calls.
//!
//! A chunk that cannot be fetched (the network went away) is
//! `Err(Unavailable)`: the caller says so and the annotator's work stays
//! as it was. A failed fetch is not remembered, so the next call retries.

/// A chunk that could not be fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unavailable;

impl Unavailable {
    pub fn message(self) -> String {
        "This part of Marginalia could not be loaded (is the network there?). Your work is kept; try again.".to_string()
    }
}

#[cfg(feature = "split")]
impl From<wasm_split_helpers::SplitLoaderError> for Unavailable {
    fn from(_: wasm_split_helpers::SplitLoaderError) -> Self {
        Unavailable
    }
}

/// `on_demand!(chunk; fn name(args) -> T { body })` defines
/// `async fn name(args) -> Result<T, Unavailable>`, split into `chunk`.
macro_rules! on_demand {
    ($chunk:ident; $(#[$meta:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty $body:block) => {
        #[cfg(feature = "split")]
        #[wasm_split_helpers::wasm_split($chunk, fallible)]
        $(#[$meta])*
        $vis fn $name($($arg: $ty),*) -> Result<$ret, $crate::on_demand::Unavailable> {
            Ok($body)
        }

        #[cfg(not(feature = "split"))]
        $(#[$meta])*
        $vis async fn $name($($arg: $ty),*) -> Result<$ret, $crate::on_demand::Unavailable> {
            Ok($body)
        }
    };
}
// For split points outside this module (the side panel's, in `app/`).
pub(crate) use on_demand;

pub mod anchoring;
pub mod formats;
pub mod html_import;
pub mod markdown;
pub mod merging;
pub mod patterns;
pub mod review;
pub mod text_search;
