//! Marginalia's pure core: every rule and every format, with no browser
//! dependency. The web app (`src/`) and the command-line tool drive it.
//!
//! Units: every offset that leaves this crate is a Unicode code point,
//! start inclusive, end exclusive. [`text_index::TextIndex`] converts to
//! UTF-16 (the DOM) and UTF-8 bytes (Rust strings) at the edges.

pub mod adjudication;
pub mod agreement;
pub mod anchor;
pub mod article;
pub mod caret;
pub mod command;
pub mod document_status;
pub mod editor;
pub mod embed;
pub mod find;
pub mod formats;
pub mod history;
pub mod host_command;
mod id;
pub mod label_schema;
pub mod layout;
pub mod merge;
pub mod occurrences;
pub mod page_text;
pub mod record;
pub mod patterns;
pub mod relation;
pub mod remote_sync;
pub mod request_headers;
pub mod snap;
pub mod sorting;
pub mod suffix_array;
pub mod span;
pub mod text_direction;
pub mod text_encoding;
pub mod text_index;
pub mod suggestion;
pub mod tokenize;
pub mod unspaced_scripts;
pub mod validate;
pub mod workload;

#[cfg(test)]
mod test_support;
