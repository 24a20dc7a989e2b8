//! The dataset formats other than our own: writing a record in one.

use crate::file_open::Opened;
use marginalia_core::article::Article;
use marginalia_core::formats::Format;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::Record;

on_demand!(formats;
    /// `record` as one file of `format`, and what the format could not hold.
    pub fn export_file(format: Format, record: &Record) -> Result<(String, Vec<String>), String> {
        marginalia_core::formats::stream::export_file(format, record)
    }
);

on_demand!(formats;
    /// The documents of a JSON input a host hands over, in any format
    /// Marginalia reads (the core's `read_documents`).
    pub fn read_documents(json: &str, schema: &LabelSchema) -> Result<Vec<Record>, String> {
        marginalia_core::formats::detect::read_documents(json, schema)
    }
);

on_demand!(formats;
    /// A file a person opens (`file_open.rs`), read in whichever format it is.
    pub fn read_file(name: &str, bytes: &[u8], current: &Article, schema: &LabelSchema) -> Opened {
        crate::file_open::open_bytes(name, bytes, current, schema)
    }
);
