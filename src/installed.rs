//! What a part installs for the first load to call: a function or a table
//! of them, held in a thread-local slot (`anchoring.rs`, `merging.rs`,
//! `text_search.rs`, `app/flows.rs`), empty until the part is here.
//!
//! A slot is read through `std::hint::black_box`: link-time optimisation
//! sees the only value ever stored in it and would call that function
//! directly, which keeps all of its code in the first load (measured: until
//! then the split moved nothing).

use std::cell::Cell;
use std::thread::LocalKey;

/// What `slot` holds now.
pub fn read<T: Copy + 'static>(slot: &'static LocalKey<Cell<Option<T>>>) -> Option<T> {
    std::hint::black_box(slot.with(Cell::get))
}
