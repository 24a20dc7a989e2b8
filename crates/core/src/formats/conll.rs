//! CoNLL-2003 style token tags. (Being written.)
use super::Exported;
use crate::record::Record;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagScheme {
    Iob2,
    Bilou,
}

pub fn export(_record: &Record, _scheme: TagScheme) -> Exported {
    unimplemented!("conll export")
}
