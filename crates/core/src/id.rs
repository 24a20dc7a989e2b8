//! Typed ids saved as a letter and a counter (`s12` for a span, `r3` for a
//! relation): one definition for every kind, so their saved form, parsing
//! and error messages cannot drift apart; and [`IdCounter`], the one way new
//! numbers are handed out.
//!
//! Range: a number is a `u32`, `0` to [`u32::MAX`], written in decimal
//! digits only. A file may hold any number in the range — `s4294967295`
//! too — so nothing that hands out numbers may add to one unchecked: new
//! numbers come from [`IdCounter`], which never overflows and never hands
//! out a number in use.

/// Defines `$name(pub u32)` written as `$prefix<number>`.
macro_rules! prefixed_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }

        impl $name {
            #[doc = concat!("Parses the saved form `", $prefix, "<number>`: decimal digits, at most `u32::MAX`.")]
            pub fn parse(s: &str) -> Option<$name> {
                crate::id::parse_number(s.strip_prefix($prefix)?).map($name)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as serde::Deserialize>::deserialize(d)?;
                $name::parse(&s).ok_or_else(|| {
                    serde::de::Error::custom(format!(concat!($what, " id {:?} is not of the form ", $prefix, "<number> (a number from 0 to 4294967295)"), s))
                })
            }
        }
    };
}

pub(crate) use prefixed_id;

/// Decimal digits only (`u32::from_str` would also take a leading `+`,
/// which no saved id has), within `u32`.
pub(crate) fn parse_number(digits: &str) -> Option<u32> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Hands out id numbers that no item of a document holds. It counts up from
/// above the largest number seen (so while the range lasts a number is never
/// handed out twice, even after its item is gone); once `u32::MAX` has been
/// seen it walks the range from 1 for numbers free at the time, resuming
/// where it stopped, so a batch handed out before it is applied is still
/// all different.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IdCounter {
    /// The largest number seen or handed out.
    high: u32,
    /// Where the walk for free numbers stopped (0: not started).
    cursor: u32,
}

impl IdCounter {
    /// A counter above every number of `used`.
    pub fn above(used: impl IntoIterator<Item = u32>) -> Self {
        let mut counter = IdCounter::default();
        for n in used {
            counter.saw(n);
        }
        counter
    }

    /// Notes a number that is in use (read from a file, or restored).
    pub fn saw(&mut self, n: u32) {
        self.high = self.high.max(n);
    }

    /// The next number for which `taken` is false; `None` only when every
    /// number from 1 to `u32::MAX` is taken. `taken` must hold for every
    /// number in use (the counting part needs it only once the top of the
    /// range has been seen).
    pub fn next(&mut self, taken: impl Fn(u32) -> bool) -> Option<u32> {
        if let Some(n) = self.high.checked_add(1) {
            self.high = n;
            return Some(n);
        }
        for _ in 0..u32::MAX {
            self.cursor = if self.cursor == u32::MAX { 1 } else { self.cursor + 1 };
            if !taken(self.cursor) {
                return Some(self.cursor);
            }
        }
        None
    }
}

/// Numbers for a list whose items may bring one (brat's `T7`, a W3C IRI's
/// `…:s7`): an item keeps its number when it is above 0 and no earlier item
/// kept it; every other item gets a fresh one from an [`IdCounter`]. `None`
/// only for a list of `u32::MAX` items or more, which cannot all differ.
pub fn number_items(wanted: &[Option<u32>]) -> Option<Vec<u32>> {
    let mut kept = std::collections::HashSet::with_capacity(wanted.len());
    let wanted: Vec<Option<u32>> = wanted.iter().map(|n| n.filter(|n| *n > 0 && kept.insert(*n))).collect();
    let mut counter = IdCounter::above(kept.iter().copied());
    wanted.into_iter().map(|n| n.or_else(|| counter.next(|m| kept.contains(&m)))).collect()
}

#[cfg(test)]
mod tests {
    use crate::relation::RelationId;
    use crate::span::SpanId;
    use super::IdCounter;

    #[test]
    fn ids_round_trip_their_saved_form_and_refuse_others() {
        assert_eq!(SpanId(12).to_string(), "s12");
        assert_eq!(SpanId::parse("s12"), Some(SpanId(12)));
        assert_eq!(RelationId::parse("r3"), Some(RelationId(3)));
        assert_eq!(SpanId::parse("r3"), None);
        let e = serde_json::from_str::<SpanId>("\"x1\"").unwrap_err().to_string();
        assert!(e.contains("span id \"x1\" is not of the form s<number>"), "{e}");
        assert_eq!(serde_json::to_string(&RelationId(7)).unwrap(), "\"r7\"");
    }

    #[test]
    fn the_whole_range_parses_and_nothing_beyond_it() {
        assert_eq!(SpanId::parse("s4294967295"), Some(SpanId(u32::MAX)));
        assert_eq!(SpanId::parse("s0"), Some(SpanId(0)));
        for bad in ["s4294967296", "s99999999999999999999", "s+5", "s-1", "s", "s 1", "s1.0"] {
            assert_eq!(SpanId::parse(bad), None, "{bad}");
        }
        let e = serde_json::from_str::<SpanId>("\"s4294967296\"").unwrap_err().to_string();
        assert!(e.contains("span id \"s4294967296\" is not of the form s<number> (a number from 0 to 4294967295)"), "{e}");
    }

    #[test]
    fn the_counter_never_overflows_and_never_hands_out_a_number_in_use() {
        let mut c = IdCounter::above([3, 9]);
        assert_eq!((c.next(|_| false), c.next(|_| false)), (Some(10), Some(11)));
        // The top of the range: the lowest free numbers, each once, in turn.
        let used = [1, 2, 4, u32::MAX - 1];
        let mut c = IdCounter::above(used);
        assert_eq!(c.next(|n| used.contains(&n)), Some(u32::MAX));
        let taken = |n: u32| n == u32::MAX || used.contains(&n);
        let handed: Vec<Option<u32>> = (0..3).map(|_| c.next(taken)).collect();
        assert_eq!(handed, [Some(3), Some(5), Some(6)]);
        // Numbers handed out are not handed out again while the walk goes on,
        // even if nothing records them as taken (a batch not yet applied).
        assert_eq!(c.next(|n| n == u32::MAX || [1, 2, 4].contains(&n)), Some(7));
    }

    #[test]
    fn items_keep_their_numbers_unless_taken_or_zero() {
        let numbered = super::number_items(&[Some(u32::MAX), Some(0), Some(2), Some(2), None]).unwrap();
        assert_eq!(numbered, [u32::MAX, 1, 2, 3, 4]);
        assert_eq!(super::number_items(&[None, Some(5), None]).unwrap(), [6, 5, 7]);
    }
}
