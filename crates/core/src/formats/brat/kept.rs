//! brat lines a record cannot hold as spans, relations, attributes or
//! notes — events, normalisations, equivalences, discontinuous annotations,
//! and anything aimed at them — kept as written, in file order, in
//! `meta.brat_unmapped` (a JSON array of lines), and written back by the
//! export.
//!
//! Ids in kept lines: a kept line keeps its own id (`E1`, `N1`, `T9`…); a
//! reference to an annotation the record holds is written as the record
//! names it — `T<n>` for span `s<n>`, `R<n>` for relation `r<n>` (the import
//! renames references to spans and relations whose brat id was not
//! `T<number>`/`R<number>` or was renumbered). An id that is both a kept
//! line's and a held span's means the kept line: the import never lets the
//! two meet, and spans added later never had kept lines pointing at them.
//! The export renumbers kept lines whose number a held annotation now uses,
//! rewrites every reference, and leaves out (and reports) the lines that
//! point at annotations the record no longer has, and those that point at
//! them.

use super::line::{self, Kind};
use crate::id::parse_number;
use crate::record::Record;
use std::collections::HashMap;

/// Where a record keeps the lines (an array of strings in `meta`).
pub const UNMAPPED_META_KEY: &str = "brat_unmapped";

/// One kept line, parsed again for its ids.
#[derive(Debug, Clone)]
pub(crate) struct Kept {
    pub line: String,
    pub kind: Kind,
    pub id: String,
    /// Byte ranges of the ids it points at.
    pub refs: Vec<(usize, usize)>,
}

impl Kept {
    fn targets(&self) -> impl Iterator<Item = &str> + '_ {
        self.refs.iter().map(|&(a, b)| &self.line[a..b])
    }

    /// The id's prefix (its first character: `T`, `E`, `#`…) and number.
    pub fn wanted(&self) -> (char, Option<u32>) {
        let mut chars = self.id.chars();
        let prefix = chars.next().unwrap_or('*');
        (prefix, parse_number(chars.as_str()))
    }
}

/// The record's kept lines; what cannot be read back is described in the
/// second list (a hand-edited `meta`), never silently skipped.
pub(crate) fn read(record: &Record) -> (Vec<Kept>, Vec<String>) {
    let Some(value) = record.meta.extra.get(UNMAPPED_META_KEY) else {
        return (Vec::new(), Vec::new());
    };
    let Some(items) = value.as_array() else {
        return (Vec::new(), vec![format!("meta.{UNMAPPED_META_KEY} (not a list of brat lines)")]);
    };
    let (mut kept, mut bad) = (Vec::new(), Vec::new());
    for item in items {
        let parsed = item.as_str().ok_or_else(|| "not a string".to_string()).and_then(|l| {
            let p = line::parse(l)?;
            Ok(Kept { line: l.to_string(), kind: p.kind, id: p.id.to_string(), refs: p.refs })
        });
        match parsed {
            Ok(k) if !k.line.contains(super::is_line_break) => kept.push(k),
            Ok(k) => bad.push(format!("'{}' (a brat line holds no line break)", k.line)),
            Err(e) => bad.push(format!("{item} ({e})")),
        }
    }
    (kept, bad)
}

/// Stores `lines` (in file order) in the record's meta.
pub(crate) fn store(record: &mut Record, lines: Vec<String>) {
    if !lines.is_empty() {
        record.meta.extra.insert(UNMAPPED_META_KEY.into(), lines.into());
    }
}

/// The kept lines as written out: each line's own id replaced by
/// `new_ids[i]`, each reference by the kept line's new id or by what
/// `held` answers for it. Lines pointing at nothing (`held` answers `None`),
/// or at a line left out, are left out: `(written, left out)`, the second
/// as `E1 (→ T3)`.
pub(crate) fn write(kept: &[Kept], new_ids: &[String], held: impl Fn(&str) -> Option<String>) -> (Vec<String>, Vec<String>) {
    let by_id: HashMap<&str, usize> = kept.iter().enumerate().filter(|(_, k)| k.kind != Kind::Equivalence).map(|(i, k)| (k.id.as_str(), i)).collect();
    let mut missing: Vec<Option<String>> = vec![None; kept.len()];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); kept.len()];
    for (i, k) in kept.iter().enumerate() {
        for target in k.targets() {
            match by_id.get(target) {
                Some(&j) => dependents[j].push(i),
                None if held(target).is_none() => missing[i] = missing[i].take().or(Some(target.to_string())),
                None => {}
            }
        }
    }
    // A line left out takes the lines pointing at it along.
    let mut work: Vec<usize> = (0..kept.len()).filter(|&i| missing[i].is_some()).collect();
    while let Some(j) = work.pop() {
        for &i in &dependents[j] {
            if missing[i].is_none() {
                missing[i] = Some(kept[j].id.clone());
                work.push(i);
            }
        }
    }
    let (mut written, mut left_out) = (Vec::new(), Vec::new());
    for (i, k) in kept.iter().enumerate() {
        if let Some(target) = &missing[i] {
            left_out.push(format!("{} (→ {target})", k.id));
            continue;
        }
        let mut out = new_ids[i].clone();
        let mut at = k.id.len();
        for &(a, b) in &k.refs {
            out.push_str(&k.line[at..a]);
            let target = &k.line[a..b];
            match by_id.get(target) {
                Some(&j) => out.push_str(&new_ids[j]),
                None => out.push_str(&held(target).unwrap_or_default()),
            }
            at = b;
        }
        out.push_str(&k.line[at..]);
        written.push(out);
    }
    (written, left_out)
}

fn kind_name(kind: Kind, n: usize) -> String {
    let (one, many) = match kind {
        Kind::Text => ("text-bound annotation that is not a span", "text-bound annotations that are not spans"),
        Kind::Event => ("event", "events"),
        Kind::Relation => ("relation", "relations"),
        Kind::Attribute => ("attribute", "attributes"),
        Kind::Normalisation => ("normalisation", "normalisations"),
        Kind::Note => ("note", "notes"),
        Kind::Equivalence => ("equivalence", "equivalences"),
    };
    format!("{n} brat {}", if n == 1 { one } else { many })
}

/// One sentence for the loss report of an export other than brat's: what
/// the record keeps only as brat lines, counted by kind, e.g. `"3 brat
/// events, 1 brat normalisation (only brat standoff holds them)"`. `None`
/// when the record keeps none.
pub fn kept_summary(record: &Record) -> Option<String> {
    let (kept, bad) = read(record);
    let mut counts: Vec<(Kind, usize)> = Vec::new();
    for k in &kept {
        match counts.iter_mut().find(|(kind, _)| *kind == k.kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((k.kind, 1)),
        }
    }
    crate::sorting::sort_by_key(&mut counts, |&(kind, _)| kind);
    let mut parts: Vec<String> = counts.into_iter().map(|(kind, n)| kind_name(kind, n)).collect();
    if !bad.is_empty() {
        parts.push(format!("{} unreadable kept brat {}", bad.len(), if bad.len() == 1 { "line" } else { "lines" }));
    }
    (!parts.is_empty()).then(|| format!("{} (only brat standoff holds them)", parts.join(", ")))
}
