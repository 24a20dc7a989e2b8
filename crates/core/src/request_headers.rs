//! Headers a host asks the widget to send with every request to its save
//! endpoint (`endpoints.saveHeaders`): a CSRF token, an `Authorization` for
//! a CMS. Read from a JSON object of strings; every name must be an HTTP
//! token and every value visible ASCII (with spaces and tabs), so nothing a
//! host passes can split a header. The headers the saver writes itself
//! (`Content-Type`, `If-Match`, `If-None-Match`, `X-Marginalia-Revision`)
//! cannot be given: the save contract depends on them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Names the saver sets itself (compared without regard to ASCII case).
const OWN: &[&str] = &["content-type", "if-match", "if-none-match", "x-marginalia-revision"];

/// At most this many headers, each name and value at most this long.
const MAX_HEADERS: usize = 16;
const MAX_LEN: usize = 4096;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestHeaders(pub Vec<(String, String)>);

impl RequestHeaders {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Why `(name, value)` cannot be sent, or `None`.
    pub fn refusal(name: &str, value: &str) -> Option<String> {
        let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
        if name.is_empty() || name.len() > MAX_LEN || !name.bytes().all(token) {
            return Some(format!("{name:?} is not an HTTP header name"));
        }
        if OWN.contains(&name.to_ascii_lowercase().as_str()) {
            return Some(format!("{name} is set by the widget's save contract and cannot be given"));
        }
        if value.len() > MAX_LEN || !value.bytes().all(|b| b == b'\t' || (b' '..=b'~').contains(&b)) {
            return Some(format!("the value of {name} must be visible ASCII text"));
        }
        None
    }
}

impl<'de> Deserialize<'de> for RequestHeaders {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = serde_json::Map::<String, serde_json::Value>::deserialize(deserializer)?;
        if map.len() > MAX_HEADERS {
            return Err(serde::de::Error::custom(format_args!("`saveHeaders` holds at most {MAX_HEADERS} headers")));
        }
        let mut headers = Vec::with_capacity(map.len());
        for (name, value) in map {
            let serde_json::Value::String(value) = value else {
                return Err(serde::de::Error::custom(format_args!("`saveHeaders.{name}` must be a string")));
            };
            if let Some(why) = RequestHeaders::refusal(&name, &value) {
                return Err(serde::de::Error::custom(format_args!("`saveHeaders`: {why}")));
            }
            headers.push((name, value));
        }
        Ok(RequestHeaders(headers))
    }
}

impl Serialize for RequestHeaders {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<RequestHeaders, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn names_and_values_that_could_split_a_header_are_refused() {
        let ok = read(r#"{"X-CSRF-Token": "abc123", "Authorization": "Bearer t0k.en"}"#).unwrap();
        // In name order (a JSON object's order carries no meaning).
        assert_eq!(ok.0, [("Authorization".to_string(), "Bearer t0k.en".to_string()), ("X-CSRF-Token".to_string(), "abc123".to_string())]);
        assert!(read(r#"{"X-A": "one\r\nX-Injected: two"}"#).unwrap_err().contains("visible ASCII"));
        assert!(read(r#"{"Bad Name": "x"}"#).unwrap_err().contains("not an HTTP header name"));
        assert!(read(r#"{"if-match": "*"}"#).unwrap_err().contains("save contract"));
        assert!(read(r#"{"X-A": 1}"#).unwrap_err().contains("must be a string"));
        assert!(read(r#"{"X-A": "東京"}"#).is_err());
        let many: Vec<String> = (0..17).map(|i| format!("\"X-{i}\": \"v\"")).collect();
        assert!(read(&format!("{{{}}}", many.join(","))).unwrap_err().contains("at most 16"));
        assert_eq!(serde_json::to_string(&ok).unwrap(), r#"{"Authorization":"Bearer t0k.en","X-CSRF-Token":"abc123"}"#);
    }
}
