//! The dataset formats other than our own: writing a record in one.

use marginalia_core::formats::Format;
use marginalia_core::record::Record;

on_demand!(formats;
    /// `record` as one file of `format`, and what the format could not hold.
    pub fn export_file(format: Format, record: &Record) -> Result<(String, Vec<String>), String> {
        marginalia_core::formats::stream::export_file(format, record)
    }
);
