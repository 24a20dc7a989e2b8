//! The label schema: which labels an annotator can apply (colours, hotkeys,
//! descriptions, layers), whether spans of a layer may overlap, the
//! attributes of spans in a layer (a claim's type, stance, verdict…), the
//! relations between spans and the document-level labels — loaded from JSON
//! and validated with messages that name the offending field
//! (`labels[2].color: …`).
//!
//! The JSON Schema for this file lives in `schema/label-schema.schema.json`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// Layer for named-entity spans; the default when a label names none.
pub const ENTITY_LAYER: &str = "entity";
/// Layer for claims.
pub const CLAIM_LAYER: &str = "claim";
/// The comment any span may carry, whatever the schema: a free-text
/// attribute by this name (brat's `AnnotatorNotes`, a W3C `commenting`
/// body). A schema may define it for a layer itself (as a claim's "Note").
pub const COMMENT: &str = "note";

/// The comment's definition where a layer's schema gives none.
fn comment_definition() -> &'static AttributeDef {
    static DEFINITION: std::sync::OnceLock<AttributeDef> = std::sync::OnceLock::new();
    DEFINITION.get_or_init(|| AttributeDef {
        name: COMMENT.into(),
        title: "Comment".into(),
        layer: None,
        kind: AttributeKind::Text,
        values: Vec::new(),
        default: None,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelSchema {
    pub name: String,
    pub labels: Vec<LabelDef>,
    /// Per-layer rules; a layer not listed allows overlap.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<LayerDef>,
    /// Attributes of spans, each for one layer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<AttributeDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<RelationDef>,
    /// Labels of the whole document (section, overall reliability…).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub document_labels: Vec<AttributeDef>,
    /// The project's guidelines for annotators, in Markdown (CommonMark);
    /// shown in the guidelines panel, rendered without any HTML of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guidelines: Option<String>,
}

/// The longest guidelines a schema may carry, in bytes: a handbook, not a
/// book (the schema travels with every project and is kept in the browser).
pub const MAX_GUIDELINES_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerDef {
    pub name: String,
    /// Whether two spans of this layer may overlap.
    #[serde(default = "yes")]
    pub overlap: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttributeKind {
    /// One of `values`.
    #[default]
    Choice,
    /// Free text.
    Text,
    /// Yes or no.
    Boolean,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeDef {
    pub name: String,
    /// What the form shows; the name when empty.
    #[serde(default)]
    pub title: String,
    /// The layer whose spans carry it (span attributes only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<String>,
    #[serde(default)]
    pub kind: AttributeKind,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// A span attribute's value on a new span, recorded in the span's
    /// `defaults` (not as a choice) until the annotator picks one. Without
    /// it an attribute starts unset. A document label's default is checked
    /// but not applied: document labels start unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationDef {
    pub name: String,
    #[serde(default)]
    pub title: String,
    /// Layers a relation may start from and end at.
    pub from: Vec<String>,
    pub to: Vec<String>,
    /// Whether the target may be free text instead of a span.
    #[serde(default)]
    pub free_text: bool,
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

    /// Checks names, colours, hotkeys and layers; the first problem is
    /// reported with its field. O(n log n): "defined twice" is asked of a set
    /// of what came before, not of every earlier entry (a schema of 50,000
    /// labels took 6.8 s that way). The sets are of types the app already
    /// compiles, filled by insertion (see `sorting`), to keep the bundle.
    pub fn validate(&self) -> Result<(), SchemaError> {
        let err = |field: String, message: String| Err(SchemaError { field, message });
        if self.labels.is_empty() {
            return err("labels".into(), "needs at least one label".into());
        }
        if let Some(g) = self.guidelines.as_ref().filter(|g| g.len() > MAX_GUIDELINES_BYTES) {
            return err("guidelines".into(), format!("is {} bytes; at most {MAX_GUIDELINES_BYTES} are kept", g.len()));
        }
        let mut names: BTreeSet<&str> = BTreeSet::new();
        // Hotkeys match regardless of ASCII case (`same_key`).
        let mut hotkeys: BTreeSet<String> = BTreeSet::new();
        for (i, label) in self.labels.iter().enumerate() {
            let at = |f: &str| format!("labels[{i}].{f}");
            if label.name.trim().is_empty() || label.name.chars().any(char::is_whitespace) {
                return err(at("name"), format!("{:?} must be non-empty and contain no whitespace", label.name));
            }
            if !names.insert(&label.name) {
                return err(at("name"), format!("{:?} is defined twice", label.name));
            }
            if parse_hex_color(&label.color).is_none() {
                return err(at("color"), format!("{:?} is not a #rrggbb colour", label.color));
            }
            if let Some(key) = &label.hotkey {
                if key.chars().count() != 1 || key.chars().any(char::is_whitespace) {
                    return err(at("hotkey"), format!("{key:?} must be exactly one visible character"));
                }
                if !hotkeys.insert(key.to_ascii_lowercase()) {
                    return err(at("hotkey"), format!("{key:?} is already the hotkey of another label"));
                }
            }
            if label.layer.trim().is_empty() {
                return err(at("layer"), "must not be empty".into());
            }
        }
        let mut layers: BTreeSet<&str> = BTreeSet::new();
        for label in &self.labels {
            layers.insert(&label.layer);
        }
        let known_layer = |l: &str| layers.contains(l);
        for (i, layer) in self.layers.iter().enumerate() {
            if !known_layer(&layer.name) {
                return err(format!("layers[{i}].name"), format!("no label is in layer {:?}", layer.name));
            }
        }
        // (layer, name), with a separator no name or layer holds.
        let mut attributes: BTreeSet<String> = BTreeSet::new();
        for (i, a) in self.attributes.iter().enumerate() {
            let at = format!("attributes[{i}]");
            match &a.layer {
                Some(l) if known_layer(l) => {}
                Some(l) => return err(format!("{at}.layer"), format!("no label is in layer {l:?}")),
                None => return err(format!("{at}.layer"), "a span attribute must name its layer".into()),
            }
            if !attributes.insert(format!("{}\u{0}{}", a.layer.as_deref().unwrap_or_default(), a.name)) {
                return err(format!("{at}.name"), format!("{:?} is defined twice for this layer", a.name));
            }
            check_attribute(a, &at)?;
        }
        let mut document_labels: BTreeSet<&str> = BTreeSet::new();
        for (i, a) in self.document_labels.iter().enumerate() {
            let at = format!("document_labels[{i}]");
            if !document_labels.insert(&a.name) {
                return err(format!("{at}.name"), format!("{:?} is defined twice", a.name));
            }
            check_attribute(a, &at)?;
        }
        let mut relations: BTreeSet<&str> = BTreeSet::new();
        for (i, r) in self.relations.iter().enumerate() {
            let at = format!("relations[{i}]");
            if r.name.trim().is_empty() {
                return err(format!("{at}.name"), "must not be empty".into());
            }
            if !relations.insert(&r.name) {
                return err(format!("{at}.name"), format!("{:?} is defined twice", r.name));
            }
            for (end, list) in [("from", &r.from), ("to", &r.to)] {
                if list.is_empty() && !(end == "to" && r.free_text) {
                    return err(format!("{at}.{end}"), "needs at least one layer".into());
                }
                if let Some(l) = list.iter().find(|l| !known_layer(l)) {
                    return err(format!("{at}.{end}"), format!("no label is in layer {l:?}"));
                }
            }
        }
        Ok(())
    }

    /// Layers whose spans may not overlap each other.
    pub fn no_overlap_layers(&self) -> Vec<String> {
        self.layers.iter().filter(|l| !l.overlap).map(|l| l.name.clone()).collect()
    }

    /// The attributes that spans of `layer` carry: the schema's, then the
    /// comment ([`COMMENT`]) unless the schema defines it for the layer.
    pub fn attributes_for<'a>(&'a self, layer: &'a str) -> impl Iterator<Item = &'a AttributeDef> + 'a {
        let own = move |a: &&AttributeDef| a.layer.as_deref() == Some(layer);
        let commented = self.attributes.iter().filter(own).any(|a| a.name == COMMENT);
        self.attributes.iter().filter(own).chain((!commented).then(comment_definition))
    }

    pub fn relation(&self, name: &str) -> Option<&RelationDef> {
        self.relations.iter().find(|r| r.name == name)
    }

    pub fn document_label(&self, name: &str) -> Option<&AttributeDef> {
        self.document_labels.iter().find(|a| a.name == name)
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

impl AttributeDef {
    /// The title shown in forms.
    pub fn display_title(&self) -> &str {
        if self.title.is_empty() {
            &self.name
        } else {
            &self.title
        }
    }

    /// Whether `value` is allowed for this attribute.
    pub fn check(&self, value: &serde_json::Value) -> Result<(), String> {
        match (self.kind, value) {
            (AttributeKind::Choice, serde_json::Value::String(v)) if self.values.contains(v) => Ok(()),
            (AttributeKind::Choice, v) => {
                Err(format!("{}: {v} is not one of {}", self.name, self.values.join(", ")))
            }
            (AttributeKind::Text, serde_json::Value::String(_)) => Ok(()),
            (AttributeKind::Boolean, serde_json::Value::Bool(_)) => Ok(()),
            (AttributeKind::Text, v) => Err(format!("{}: {v} is not text", self.name)),
            (AttributeKind::Boolean, v) => Err(format!("{}: {v} is not true or false", self.name)),
        }
    }
}

fn check_attribute(a: &AttributeDef, at: &str) -> Result<(), SchemaError> {
    let err = |field: &str, message: String| Err(SchemaError { field: format!("{at}.{field}"), message });
    if a.name.trim().is_empty() {
        return err("name", "must not be empty".into());
    }
    if a.kind == AttributeKind::Choice && a.values.is_empty() {
        return err("values", "a choice needs at least one value".into());
    }
    if a.kind != AttributeKind::Choice && !a.values.is_empty() {
        return err("values", "only a choice has values".into());
    }
    if let Some(d) = &a.default {
        if let Err(m) = a.check(d) {
            return err("default", m);
        }
    }
    Ok(())
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
            pow_2_4((c + 0.055) / 1.055)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// `x^2.4` for `x` in (0, 1], as `x^2 · (x^2)^(1/5)`, the fifth root by
/// Newton's method (from above, so it only falls; it stops when a step
/// no longer does: a falling sequence of floats ends). `f64::powf` would
/// bring libm's `pow` into the first wasm (2.2 KB) for this one use.
/// Agrees with `powf` to 1e-12 on every 8-bit channel.
fn pow_2_4(x: f64) -> f64 {
    let square = x * x;
    let mut root = 1.0_f64;
    loop {
        let next = (4.0 * root + square / (root * root * root * root)) / 5.0;
        if next >= root {
            return square * root;
        }
        root = next;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn guidelines_ride_with_the_schema_and_a_book_is_refused() {
        let mut v: serde_json::Value = serde_json::from_str(&serde_json::to_string(&LabelSchema::news_default()).unwrap()).unwrap();
        v["guidelines"] = "# Entities\n\nMark **people** by name 👩🏽‍💻.".into();
        let schema = LabelSchema::from_json(&v.to_string()).unwrap();
        assert_eq!(schema.guidelines.as_deref(), Some("# Entities\n\nMark **people** by name 👩🏽‍💻."));
        assert!(serde_json::to_string(&schema).unwrap().contains("\"guidelines\""), "kept when saved");
        v["guidelines"] = "x".repeat(MAX_GUIDELINES_BYTES + 1).into();
        let e = LabelSchema::from_json(&v.to_string()).unwrap_err().to_string();
        assert!(e.contains("guidelines") && e.contains("262145 bytes"), "{e}");
    }

    #[test]
    fn every_layer_carries_a_comment_and_a_schemas_own_note_is_not_doubled() {
        let news = LabelSchema::news_default();
        let entity: Vec<(&str, &str)> = news.attributes_for(ENTITY_LAYER).map(|a| (a.name.as_str(), a.title.as_str())).collect();
        assert_eq!(entity, [(COMMENT, "Comment")]);
        assert_eq!(news.attributes_for(ENTITY_LAYER).next().unwrap().kind, AttributeKind::Text);
        let claim: Vec<&str> = news.attributes_for(CLAIM_LAYER).map(|a| a.name.as_str()).collect();
        assert_eq!(claim.iter().filter(|n| **n == COMMENT).count(), 1, "{claim:?}");
        assert_eq!(news.attributes_for(CLAIM_LAYER).last().unwrap().title, "Note", "the schema's own title");
    }

    use super::*;

    #[test]
    fn the_channel_curve_agrees_with_powf_on_every_8_bit_value() {
        for c in 11..=255u8 {
            let x = (c as f64 / 255.0 + 0.055) / 1.055;
            let (ours, std) = (pow_2_4(x), x.powf(2.4));
            assert!((ours - std).abs() < 1e-12, "{c}: {ours} against {std}");
        }
        assert_eq!(pow_2_4(1.0), 1.0);
    }

    #[test]
    fn news_default_has_the_eight_labels_with_hotkeys() {
        let s = LabelSchema::news_default();
        let names: Vec<_> = s.labels.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "EVENT", "MISC", "CLAIM"]);
        assert_eq!(s.label_for_hotkey("1").unwrap().name, "PERSON");
        assert!(s.labels[..8].iter().all(|l| l.layer == ENTITY_LAYER));
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
    fn news_default_defines_claims_relations_and_document_labels() {
        let s = LabelSchema::news_default();
        let claim = s.label("CLAIM").unwrap();
        assert_eq!(claim.layer, "claim");
        assert_eq!(s.label_for_hotkey("C").unwrap().name, "CLAIM");
        let names: Vec<_> = s.attributes_for("claim").map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["claim_type", "stance", "check_worthy", "verdict", "note"]);
        assert!(s.relation("claimed_by").unwrap().free_text);
        assert_eq!(s.relation("about").unwrap().from, ["claim"]);
        assert!(s.document_label("contains_check_worthy_claims").is_some());
        // A claim's attributes start unset (issue 17): a pre-filled value
        // would be saved as if an annotator had chosen it.
        assert!(s.attributes_for("claim").all(|a| a.default.is_none()), "no claim attribute has a default");
        for a in s.attributes.iter().chain(&s.document_labels) {
            if let Some(d) = &a.default {
                assert!(a.check(d).is_ok(), "{}", a.name);
            }
        }
    }

    #[test]
    fn the_news_default_satisfies_the_published_json_schema() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../../schema/label-schema.schema.json")).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let news: serde_json::Value = serde_json::from_str(NEWS_SCHEMA_JSON).unwrap();
        let errors: Vec<String> = validator.iter_errors(&news).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        let mut broken = news;
        broken["labels"][0]["colour"] = serde_json::json!("#000000");
        assert!(!validator.is_valid(&broken), "unknown fields are refused, as the loader refuses them");
    }

    #[test]
    fn attribute_and_relation_errors_name_the_field() {
        let base = r##""name":"x","labels":[{"name":"A","color":"#000000"},{"name":"C","color":"#111111","layer":"claim"}]"##;
        let bad_default = format!(r#"{{{base},"attributes":[{{"name":"stance","layer":"claim","values":["pro","con"],"default":"maybe"}}]}}"#);
        assert_eq!(LabelSchema::from_json(&bad_default).unwrap_err().field, "attributes[0].default");
        let no_layer = format!(r#"{{{base},"attributes":[{{"name":"stance","values":["pro"]}}]}}"#);
        assert_eq!(LabelSchema::from_json(&no_layer).unwrap_err().field, "attributes[0].layer");
        let bad_rel = format!(r#"{{{base},"relations":[{{"name":"by","from":["claim"],"to":["people"]}}]}}"#);
        assert_eq!(LabelSchema::from_json(&bad_rel).unwrap_err().field, "relations[0].to");
        let bad_doc = format!(r#"{{{base},"document_labels":[{{"name":"ok","kind":"boolean","default":"yes"}}]}}"#);
        assert_eq!(LabelSchema::from_json(&bad_doc).unwrap_err().field, "document_labels[0].default");
        let layers = format!(r#"{{{base},"layers":[{{"name":"claim","overlap":false}}]}}"#);
        assert_eq!(LabelSchema::from_json(&layers).unwrap().no_overlap_layers(), ["claim"]);
    }

    #[test]
    fn a_duplicate_among_50_000_labels_is_named_at_its_second_place() {
        let labels = |extra: serde_json::Value| {
            let mut list: Vec<serde_json::Value> =
                (0..50_000).map(|i| serde_json::json!({"name": format!("L{i}"), "color": "#112233"})).collect();
            list.push(extra);
            serde_json::json!({"name": "many", "labels": list}).to_string()
        };
        assert_eq!(LabelSchema::from_json(&labels(serde_json::json!({"name": "L50000", "color": "#112233"}))).unwrap().labels.len(), 50_001);
        let twice = LabelSchema::from_json(&labels(serde_json::json!({"name": "L7", "color": "#112233"}))).unwrap_err();
        assert_eq!((twice.field.as_str(), twice.message.as_str()), ("labels[50000].name", "\"L7\" is defined twice"));
        // Hotkeys clash regardless of ASCII case.
        let mut json: serde_json::Value = serde_json::from_str(&labels(serde_json::json!({"name": "Q", "color": "#112233", "hotkey": "q"}))).unwrap();
        json["labels"][3]["hotkey"] = "Q".into();
        let clash = LabelSchema::from_json(&json.to_string()).unwrap_err();
        assert_eq!(clash.field, "labels[50000].hotkey");
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
