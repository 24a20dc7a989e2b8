//! The label schema: which labels an annotator can apply, their colours,
//! hotkeys and descriptions, loaded from JSON and validated with messages
//! that name the offending field (`labels[2].color: …`).
//!
//! The JSON Schema for this file lives in `schema/label-schema.schema.json`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Layer for named-entity spans; the default when a label names none.
pub const ENTITY_LAYER: &str = "entity";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelSchema {
    pub name: String,
    pub labels: Vec<LabelDef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelDef {
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    /// One character pressed to apply the label, e.g. `"1"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotkey: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_layer")]
    pub layer: String,
}

fn default_layer() -> String {
    ENTITY_LAYER.to_string()
}

/// A schema that failed to load, with the path of the field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    pub field: String,
    pub message: String,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "label schema: {}", self.message)
        } else {
            write!(f, "label schema: {}: {}", self.field, self.message)
        }
    }
}

impl std::error::Error for SchemaError {}

const NEWS_SCHEMA_JSON: &str = include_str!("../data/news.labels.json");

impl LabelSchema {
    /// The news default: PERSON, ORG, GPE, LOC, NORP, DATE, EVENT, MISC.
    pub fn news_default() -> Self {
        Self::from_json(NEWS_SCHEMA_JSON).expect("the bundled news schema is valid (tested)")
    }

    /// Parses and validates a schema.
    pub fn from_json(json: &str) -> Result<Self, SchemaError> {
        let schema: LabelSchema = serde_json::from_str(json).map_err(|e| SchemaError {
            field: String::new(),
            message: format!("not a valid label schema (line {}, column {}): {}", e.line(), e.column(), e),
        })?;
        schema.validate()?;
        Ok(schema)
    }

    pub fn validate(&self) -> Result<(), SchemaError> {
        let err = |field: String, message: String| Err(SchemaError { field, message });
        if self.labels.is_empty() {
            return err("labels".into(), "needs at least one label".into());
        }
        for (i, label) in self.labels.iter().enumerate() {
            let at = |f: &str| format!("labels[{i}].{f}");
            if label.name.trim().is_empty() || label.name.chars().any(char::is_whitespace) {
                return err(at("name"), format!("{:?} must be non-empty and contain no whitespace", label.name));
            }
            if self.labels[..i].iter().any(|l| l.name == label.name) {
                return err(at("name"), format!("{:?} is defined twice", label.name));
            }
            if parse_hex_color(&label.color).is_none() {
                return err(at("color"), format!("{:?} is not a #rrggbb colour", label.color));
            }
            if let Some(key) = &label.hotkey {
                if key.chars().count() != 1 || key.chars().any(char::is_whitespace) {
                    return err(at("hotkey"), format!("{key:?} must be exactly one visible character"));
                }
                let clash = self.labels[..i].iter().any(|l| l.hotkey.as_deref().is_some_and(|k| same_key(k, key)));
                if clash {
                    return err(at("hotkey"), format!("{key:?} is already the hotkey of another label"));
                }
            }
            if label.layer.trim().is_empty() {
                return err(at("layer"), "must not be empty".into());
            }
        }
        Ok(())
    }

    pub fn label(&self, name: &str) -> Option<&LabelDef> {
        self.labels.iter().find(|l| l.name == name)
    }

    /// The label whose hotkey is `key` (ASCII letters in either case).
    pub fn label_for_hotkey(&self, key: &str) -> Option<&LabelDef> {
        self.labels.iter().find(|l| l.hotkey.as_deref().is_some_and(|k| same_key(k, key)))
    }
}

impl LabelDef {
    /// Black or white, whichever reads better on this label's colour (WCAG
    /// contrast), so that the label text is legible on its own swatch.
    pub fn text_color(&self) -> &'static str {
        let (r, g, b) = parse_hex_color(&self.color).unwrap_or((0, 0, 0));
        let lum = relative_luminance(r, g, b);
        let on_white = 1.05 / (lum + 0.05);
        let on_black = (lum + 0.05) / 0.05;
        if on_white >= on_black {
            "#ffffff"
        } else {
            "#000000"
        }
    }
}

/// Hotkeys match regardless of ASCII case (Caps Lock, Shift); other
/// characters match exactly.
fn same_key(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

fn parse_hex_color(s: &str) -> Option<(u8, u8, u8)> {
    let hex = s.strip_prefix('#')?;
    if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let c = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some((c(0)?, c(2)?, c(4)?))
}

fn relative_luminance(r: u8, g: u8, b: u8) -> f64 {
    let lin = |c: u8| {
        let c = c as f64 / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn news_default_has_the_eight_labels_with_hotkeys() {
        let s = LabelSchema::news_default();
        let names: Vec<_> = s.labels.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "EVENT", "MISC"]);
        assert_eq!(s.label_for_hotkey("1").unwrap().name, "PERSON");
        assert!(s.labels.iter().all(|l| l.layer == ENTITY_LAYER));
    }

    #[test]
    fn default_colours_keep_label_text_legible() {
        for l in LabelSchema::news_default().labels {
            let (r, g, b) = parse_hex_color(&l.color).unwrap();
            let lum = relative_luminance(r, g, b);
            let ratio = if l.text_color() == "#ffffff" { 1.05 / (lum + 0.05) } else { (lum + 0.05) / 0.05 };
            assert!(ratio >= 4.5, "{} text contrast {ratio:.2}", l.name);
        }
    }

    #[test]
    fn errors_name_the_field() {
        let bad = r##"{"name":"x","labels":[{"name":"A","color":"#000000","hotkey":"1"},{"name":"B","color":"red"}]}"##;
        let e = LabelSchema::from_json(bad).unwrap_err();
        assert_eq!(e.field, "labels[1].color");
        let dup = r##"{"name":"x","labels":[{"name":"A","color":"#000000","hotkey":"1"},{"name":"B","color":"#111111","hotkey":"1"}]}"##;
        assert_eq!(LabelSchema::from_json(dup).unwrap_err().field, "labels[1].hotkey");
        let unknown = r##"{"name":"x","labels":[{"name":"A","colour":"#000000"}]}"##;
        assert!(LabelSchema::from_json(unknown).unwrap_err().to_string().contains("colour"));
        assert_eq!(LabelSchema::from_json(r#"{"name":"x","labels":[]}"#).unwrap_err().field, "labels");
    }
}
