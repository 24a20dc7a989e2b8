//! Label Studio's labelling config (the project's XML, *Settings → Labeling
//! Interface → Code*), read only for what import needs: which task `data`
//! key each `<Text name="…" value="$key"/>` shows, so that results naming
//! the tag in `to_name` are read against the right text.
//!
//! Parsed minimally and safely: a flat scan of start tags and their quoted
//! attributes (the five predefined entities and numeric character
//! references decoded), without building a tree, following no reference,
//! loading nothing; comments, processing instructions, declarations and
//! CDATA are skipped. Nesting does not matter to the question asked. Units:
//! none. Invariant: every `Text` tag kept has a non-empty name and names a
//! top-level `data` key (`$key`; `$a.b` and `$a[0]` are refused, as nested
//! task data is not read).

/// One `<Text>` object tag: its name (what results' `to_name` says) and the
/// `data` key it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextTag {
    pub name: String,
    pub key: String,
}

/// What Marginalia reads of a labelling config.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelConfig {
    pub texts: Vec<TextTag>,
}

impl LabelConfig {
    /// Reads the `<Text>` tags of a labelling config; refuses a config
    /// without one, and a tag whose value is not a plain `$key`.
    pub fn from_xml(xml: &str) -> Result<LabelConfig, String> {
        let mut texts: Vec<TextTag> = Vec::new();
        for tag in StartTags::new(xml) {
            let tag = tag?;
            if !tag.name.eq_ignore_ascii_case("text") {
                continue;
            }
            let (Some(name), Some(value)) = (tag.attribute("name"), tag.attribute("value")) else {
                return Err(format!("line {}: a <Text> tag needs a name and a value", tag.line));
            };
            // A value without `$` is text shown as is (an instruction), not data.
            let Some(key) = value.strip_prefix('$') else { continue };
            if key.is_empty() || key.contains(['.', '[', ']', '$', ' ']) {
                return Err(format!(
                    "line {}: <Text name=\"{name}\"> shows {value:?}; only a top-level data key ($key) is read, not nested task data",
                    tag.line
                ));
            }
            if name.is_empty() {
                return Err(format!("line {}: a <Text> tag has an empty name", tag.line));
            }
            if texts.iter().any(|t| t.name == name) {
                return Err(format!("line {}: two <Text> tags are named {name:?}", tag.line));
            }
            texts.push(TextTag { name, key: key.to_string() });
        }
        if texts.is_empty() {
            return Err("the labelling config has no <Text name=\"…\" value=\"$key\"/> tag: Marginalia reads text tasks only".into());
        }
        Ok(LabelConfig { texts })
    }

    /// The `data` key shown by the Text tag named `name`.
    pub fn key_of(&self, name: &str) -> Option<&str> {
        self.texts.iter().find(|t| t.name == name).map(|t| t.key.as_str())
    }
}

/// A start (or empty-element) tag: its name, attributes, and line.
struct StartTag {
    name: String,
    attributes: Vec<(String, String)>,
    line: usize,
}

impl StartTag {
    fn attribute(&self, name: &str) -> Option<String> {
        self.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }
}

/// The start tags of a document, in order.
struct StartTags<'a> {
    rest: &'a str,
    line: usize,
}

impl<'a> StartTags<'a> {
    fn new(xml: &'a str) -> StartTags<'a> {
        StartTags { rest: xml.trim_start_matches('\u{feff}'), line: 1 }
    }

    /// Moves past `n` bytes, counting lines.
    fn advance(&mut self, n: usize) {
        self.line += self.rest[..n].matches('\n').count();
        self.rest = &self.rest[n..];
    }

    /// Skips to after `end`, or fails naming what is not closed.
    fn skip_past(&mut self, end: &str, what: &str) -> Result<(), String> {
        match self.rest.find(end) {
            Some(i) => {
                self.advance(i + end.len());
                Ok(())
            }
            None => Err(format!("line {}: {what} is not closed", self.line)),
        }
    }

    fn tag(&mut self) -> Result<StartTag, String> {
        let line = self.line;
        self.advance(1); // '<'
        let name_len = self.rest.find(|c: char| c.is_whitespace() || c == '/' || c == '>').unwrap_or(self.rest.len());
        let name = self.rest[..name_len].to_string();
        if name.is_empty() {
            return Err(format!("line {line}: a tag without a name"));
        }
        self.advance(name_len);
        let mut attributes = Vec::new();
        loop {
            let trimmed = self.rest.len() - self.rest.trim_start().len();
            self.advance(trimmed);
            if self.rest.starts_with("/>") {
                self.advance(2);
                break;
            }
            if self.rest.starts_with('>') {
                self.advance(1);
                break;
            }
            if self.rest.is_empty() {
                return Err(format!("line {line}: the <{name}> tag is not closed"));
            }
            let key_len = self.rest.find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/').unwrap_or(self.rest.len());
            if key_len == 0 {
                return Err(format!("line {}: unexpected {:?} in the <{name}> tag", self.line, self.rest.chars().next().unwrap_or(' ')));
            }
            let key = self.rest[..key_len].to_string();
            self.advance(key_len);
            let trimmed = self.rest.len() - self.rest.trim_start().len();
            self.advance(trimmed);
            if !self.rest.starts_with('=') {
                return Err(format!("line {}: attribute {key} of <{name}> has no value", self.line));
            }
            self.advance(1);
            let trimmed = self.rest.len() - self.rest.trim_start().len();
            self.advance(trimmed);
            let quote = match self.rest.chars().next() {
                Some(q @ ('"' | '\'')) => q,
                _ => return Err(format!("line {}: the value of {key} in <{name}> is not quoted", self.line)),
            };
            self.advance(1);
            let Some(end) = self.rest.find(quote) else {
                return Err(format!("line {}: the value of {key} in <{name}> is not closed", self.line));
            };
            let value = decode_entities(&self.rest[..end]).map_err(|e| format!("line {}: {key} of <{name}>: {e}", self.line))?;
            self.advance(end + 1);
            attributes.push((key, value));
        }
        Ok(StartTag { name, attributes, line })
    }
}

impl Iterator for StartTags<'_> {
    type Item = Result<StartTag, String>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let i = self.rest.find('<')?;
            self.advance(i);
            let skipped = if self.rest.starts_with("<!--") {
                self.skip_past("-->", "a comment")
            } else if self.rest.starts_with("<![CDATA[") {
                self.skip_past("]]>", "a CDATA section")
            } else if self.rest.starts_with("<?") {
                self.skip_past("?>", "a processing instruction")
            } else if self.rest.starts_with("<!") || self.rest.starts_with("</") {
                self.skip_past(">", "a tag")
            } else {
                let tag = self.tag();
                if tag.is_err() {
                    self.rest = ""; // One error ends the scan.
                }
                return Some(tag);
            };
            if let Err(e) = skipped {
                self.rest = "";
                return Some(Err(e));
            }
        }
    }
}

/// `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` and `&#…;` / `&#x…;` (any
/// other entity is refused: nothing is looked up or loaded).
fn decode_entities(raw: &str) -> Result<String, String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            return Err("an & that starts no entity".into());
        };
        let entity = &rest[..end];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let number = match entity.strip_prefix("#x").or_else(|| entity.strip_prefix("#X")) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => entity.strip_prefix('#').and_then(|d| d.parse::<u32>().ok()),
                };
                number.and_then(char::from_u32).ok_or_else(|| format!("&{entity}; is not an entity Marginalia reads"))?
            }
        };
        out.push(c);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_text_tag_and_its_data_key() {
        let xml = r#"<?xml version="1.0"?>
<!-- <Text name="commented" value="$out"/> -->
<View>
  <Header value="Label the entities"/>
  <Labels name="label" toName="message"><Label value="PER" background="red"/></Labels>
  <Text name="message" value="$my_text"/>
  <Text name='other' value='$body&#x5F;2' granularity="word"></Text>
  <Text name="instruction" value="Read carefully &amp; label"/>
</View>"#;
        let config = LabelConfig::from_xml(xml).unwrap();
        assert_eq!(
            config.texts,
            vec![TextTag { name: "message".into(), key: "my_text".into() }, TextTag { name: "other".into(), key: "body_2".into() }]
        );
        assert_eq!(config.key_of("message"), Some("my_text"));
        assert_eq!(config.key_of("label"), None);
    }

    #[test]
    fn refuses_what_it_cannot_read_with_the_line() {
        let bad = |xml: &str| LabelConfig::from_xml(xml).unwrap_err();
        assert_eq!(bad("<View><Image name=\"i\" value=\"$image\"/></View>"), "the labelling config has no <Text name=\"…\" value=\"$key\"/> tag: Marginalia reads text tasks only");
        assert_eq!(bad("<View>\n<Text name=\"t\" value=\"$texts[0]\"/></View>"), "line 2: <Text name=\"t\"> shows \"$texts[0]\"; only a top-level data key ($key) is read, not nested task data");
        assert_eq!(bad("<View><Text name=\"t\" value=\"$a\"/><Text name=\"t\" value=\"$b\"/>"), "line 1: two <Text> tags are named \"t\"");
        assert_eq!(bad("<View><Text name=\"t\" value=$a/>"), "line 1: the value of value in <Text> is not quoted");
        assert_eq!(bad("<View><Text name=\"t\" value=\"$a"), "line 1: the value of value in <Text> is not closed");
        assert_eq!(bad("<View><!-- open"), "line 1: a comment is not closed");
        assert_eq!(bad("<View><Text name=\"&ent;\" value=\"$a\"/>"), "line 1: name of <Text>: &ent; is not an entity Marginalia reads");
        assert_eq!(bad("<View><Text name=\"t\" value=\"$a\""), "line 1: the <Text> tag is not closed");
        assert_eq!(bad("<View><Text value=\"$a\"/>"), "line 1: a <Text> tag needs a name and a value");
        assert!(LabelConfig::from_xml("<View><Text name=\"t\" value=\"$a\" x=\"&#xFFFFFFFF;\"/>").is_err());
        assert!(LabelConfig::from_xml("<>").is_err());
    }
}
