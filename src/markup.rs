//! Markup written as one string for the browser to parse in one go, where
//! building it node by node would cost a Yew node and several DOM calls per
//! element (long stretches of plain paragraphs). Text in it is escaped:
//! none of an article's text ever becomes an element.

/// Escapes text for an element's content. A carriage return is written as
/// a character reference: the HTML parser would turn a literal one into a
/// line feed and shift every offset after it.
pub fn escape_text(text: &str, out: &mut String) {
    // The characters to escape are ASCII, so they are found byte by byte and
    // the text between them is copied whole (a long article is most of it).
    let mut copied = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'\r' => "&#13;",
            _ => continue,
        };
        out.push_str(&text[copied..i]);
        out.push_str(entity);
        copied = i + 1;
    }
    out.push_str(&text[copied..]);
}

#[cfg(test)]
mod tests {
    use super::escape_text;

    #[test]
    fn escapes_markup_and_carriage_returns_and_keeps_the_rest() {
        let mut out = String::new();
        escape_text("a<b>&\r\n👩🏾‍🍳 علي 東京 é>", &mut out);
        assert_eq!(out, "a&lt;b&gt;&amp;&#13;\n👩🏾‍🍳 علي 東京 é&gt;");
    }
}
