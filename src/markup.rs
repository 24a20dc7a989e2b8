//! Markup written as one string for the browser to parse in one go, where
//! building it node by node would cost a Yew node and several DOM calls per
//! element (long lists of plain paragraphs, the side panel's items). Text
//! in it is escaped: none of an article's text ever becomes an element.

/// Escapes text for an element's content. A carriage return is written as
/// a character reference: the HTML parser would turn a literal one into a
/// line feed and shift every offset after it.
pub fn escape_text(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}
