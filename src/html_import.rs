//! Reduces a news page's HTML to the article's text.
//!
//! The HTML is parsed by `DOMParser` into an inert document: it has no
//! browsing context, so no script runs, no handler fires and nothing loads;
//! nothing from it is ever inserted into the page (no `innerHTML`). We walk
//! its tree and keep the article body — title, paragraphs, quotes, list
//! items, captions — one block per paragraph, dropping navigation, scripts,
//! styles, ads, asides, footers and forms. Entities are decoded by the
//! parser; whitespace is collapsed as a browser would display it.

use wasm_bindgen::JsCast;
use web_sys::{Document, DomParser, Element, Node, SupportedType};

/// Title and text of the article in `html`.
pub struct ImportedHtml {
    pub title: String,
    pub text: String,
}

/// Elements whose content is never article text.
const DROP: &[&str] = &[
    "SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "IFRAME", "OBJECT", "EMBED", "SVG", "CANVAS", "NAV", "ASIDE",
    "FOOTER", "FORM", "BUTTON", "SELECT", "INPUT", "TEXTAREA", "HEAD", "VIDEO", "AUDIO", "MAP", "DIALOG",
];

/// Elements that end a paragraph.
const BLOCK: &[&str] = &[
    "ADDRESS", "ARTICLE", "BLOCKQUOTE", "DD", "DIV", "DL", "DT", "FIGCAPTION", "FIGURE", "H1", "H2", "H3", "H4",
    "H5", "H6", "HEADER", "HR", "LI", "MAIN", "OL", "P", "PRE", "SECTION", "TABLE", "TR", "TD", "TH", "CAPTION",
    "UL", "DETAILS", "SUMMARY", "BODY", "BR",
];

/// Class or id words that mark page furniture rather than the article.
const FURNITURE: &[&str] = &[
    "ad", "ads", "advert", "advertisement", "banner", "promo", "sponsor", "sponsored", "social", "share", "sharing",
    "related", "newsletter", "cookie", "cookies", "subscribe", "comments", "breadcrumb", "breadcrumbs", "sidebar",
    "menu", "nav", "outbrain", "taboola", "paywall",
];

pub fn import_html(html: &str) -> Result<ImportedHtml, String> {
    let parser = DomParser::new().map_err(|_| "this browser cannot parse HTML".to_string())?;
    let doc: Document = parser
        .parse_from_string(html, SupportedType::TextHtml)
        .map_err(|_| "the HTML could not be parsed".to_string())?;
    let root = pick_root(&doc).ok_or_else(|| "the page has no body".to_string())?;
    let mut blocks = Vec::new();
    let mut current = String::new();
    walk(root.as_ref(), &mut blocks, &mut current);
    flush(&mut blocks, &mut current);
    let h1 = root.query_selector("h1").ok().flatten().and_then(|h| h.text_content()).map(|t| collapse(&t));
    let title = h1.filter(|t| !t.is_empty()).unwrap_or_else(|| collapse(&doc.title()));
    if blocks.is_empty() {
        return Err("the page holds no article text".into());
    }
    // The page title leads when the article body does not repeat it.
    if !title.is_empty() && blocks.first() != Some(&title) {
        blocks.insert(0, title.clone());
    }
    Ok(ImportedHtml { title, text: blocks.join("\n\n") })
}

/// The article element if the page marks one, else the main content, else
/// the body.
fn pick_root(doc: &Document) -> Option<Element> {
    for selector in ["article", "main", "[role=main]", "body"] {
        if let Ok(Some(el)) = doc.query_selector(selector) {
            return Some(el);
        }
    }
    doc.document_element()
}

fn walk(node: &Node, blocks: &mut Vec<String>, current: &mut String) {
    let mut child = node.first_child();
    while let Some(n) = child {
        match n.node_type() {
            Node::TEXT_NODE => current.push_str(&n.node_value().unwrap_or_default()),
            Node::ELEMENT_NODE => {
                let el: &Element = n.unchecked_ref();
                let tag = el.tag_name().to_ascii_uppercase();
                if !is_dropped(el, &tag) {
                    if BLOCK.contains(&tag.as_str()) {
                        flush(blocks, current);
                        walk(&n, blocks, current);
                        flush(blocks, current);
                    } else {
                        walk(&n, blocks, current);
                    }
                }
            }
            _ => {}
        }
        child = n.next_sibling();
    }
}

fn is_dropped(el: &Element, tag: &str) -> bool {
    if DROP.contains(&tag) || el.has_attribute("hidden") || el.get_attribute("aria-hidden").as_deref() == Some("true") {
        return true;
    }
    // A page header holds navigation; a header inside the article holds
    // its title and byline.
    if tag == "HEADER" && el.closest("article, main").ok().flatten().is_none() {
        return true;
    }
    if matches!(el.get_attribute("role").as_deref(), Some("navigation" | "banner" | "complementary" | "contentinfo")) {
        return true;
    }
    let names = format!("{} {}", el.class_name(), el.id()).to_ascii_lowercase();
    names.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| FURNITURE.contains(&w))
}

fn flush(blocks: &mut Vec<String>, current: &mut String) {
    let text = collapse(current);
    if !text.is_empty() {
        blocks.push(text);
    }
    current.clear();
}

/// Collapses whitespace runs to one space, as HTML renders them. A no-break
/// space is content, not layout, and is kept.
fn collapse(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() && c != '\u{a0}').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}
