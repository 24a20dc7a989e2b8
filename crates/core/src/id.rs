//! Typed ids saved as a letter and a counter (`s12` for a span, `r3` for a
//! relation): one definition for every kind, so their saved form, parsing
//! and error messages cannot drift apart.

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
            #[doc = concat!("Parses the saved form `", $prefix, "<number>`.")]
            pub fn parse(s: &str) -> Option<$name> {
                s.strip_prefix($prefix)?.parse().ok().map($name)
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
                    serde::de::Error::custom(format!(concat!($what, " id {:?} is not of the form ", $prefix, "<number>"), s))
                })
            }
        }
    };
}

pub(crate) use prefixed_id;

#[cfg(test)]
mod tests {
    use crate::relation::RelationId;
    use crate::span::SpanId;

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
}
