//! A news page's article text, from its parsed HTML tree: the rules, apart
//! from the parser. The widget walks the browser's inert `DOMParser` tree,
//! the team server an html5ever tree; both are spec parsers, so one page
//! gives both the same text.
//!
//! Kept: the article body (title, paragraphs, quotes, list items,
//! captions), one block per paragraph, blocks joined by a blank line.
//! Dropped: scripts, styles, navigation, asides, footers, forms, hidden
//! elements and page furniture named by class or id (ads, share bars,
//! related links). Whitespace collapses as a browser displays it; a
//! no-break space is content and stays. The title is the article's first
//! `<h1>`, else the document's `<title>`; it leads the text unless the body
//! already starts with it.

/// What a node of the parsed page is.
pub enum PageNodeKind {
    /// Character data, entities already decoded.
    Text(String),
    /// An element, by its tag name in ASCII upper case (`P`, `ARTICLE`).
    Element(String),
    /// Comments, doctypes, processing instructions: never text.
    Other,
}

/// One node of a parsed page, as each parser's tree provides it (a clone
/// is another handle on the same node).
pub trait PageNode: Clone {
    fn kind(&self) -> PageNodeKind;
    fn children(&self) -> Vec<Self>;
    /// An attribute's value, when the element has it.
    fn attribute(&self, name: &str) -> Option<String>;
    /// Whether an `<article>` or `<main>` encloses this element.
    fn inside_article_or_main(&self) -> bool;
}

/// Title and text of the article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageText {
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

/// The article of the page whose root element is `document` (`<html>`).
pub fn page_text<N: PageNode>(document: &N) -> Result<PageText, String> {
    let root = pick_root(document).ok_or_else(|| "the page has no body".to_string())?;
    let mut blocks = Vec::new();
    let mut current = String::new();
    walk(&root, &mut blocks, &mut current);
    flush(&mut blocks, &mut current);
    if blocks.is_empty() {
        return Err("the page holds no article text".into());
    }
    let h1 = first_element(&root, &|n: &N| is_tag(n, "H1")).map(|h| collapse(&text_content(&h)));
    let head_title = || first_element(document, &|n: &N| is_tag(n, "TITLE")).map(|t| collapse(&text_content(&t))).unwrap_or_default();
    let title = h1.filter(|t| !t.is_empty()).unwrap_or_else(head_title);
    // The page title leads when the article body does not repeat it.
    if !title.is_empty() && blocks.first() != Some(&title) {
        blocks.insert(0, title.clone());
    }
    Ok(PageText { title, text: blocks.join("\n\n") })
}

/// The article element if the page marks one, else the main content, else
/// the body, else the whole document (the first in document order, as
/// `querySelector` finds it).
fn pick_root<N: PageNode>(document: &N) -> Option<N> {
    let role_main = |n: &N| n.attribute("role").as_deref() == Some("main");
    let rules: [&dyn Fn(&N) -> bool; 4] = [&|n| is_tag(n, "ARTICLE"), &|n| is_tag(n, "MAIN"), &role_main, &|n| is_tag(n, "BODY")];
    rules.iter().find_map(|rule| first_element(document, rule)).or_else(|| first_element(document, &|_: &N| true))
}

fn is_tag<N: PageNode>(node: &N, tag: &str) -> bool {
    matches!(node.kind(), PageNodeKind::Element(t) if t == tag)
}

/// The first element in document order, `node` included, that `matches`.
fn first_element<N: PageNode>(node: &N, matches: &dyn Fn(&N) -> bool) -> Option<N> {
    if !matches!(node.kind(), PageNodeKind::Element(_)) {
        return None;
    }
    if matches(node) {
        return Some(node.clone());
    }
    node.children().iter().find_map(|child| first_element(child, matches))
}

/// Every text of `node`'s subtree, in order (`textContent`).
fn text_content<N: PageNode>(node: &N) -> String {
    match node.kind() {
        PageNodeKind::Text(t) => t,
        PageNodeKind::Element(_) => node.children().iter().map(text_content).collect(),
        PageNodeKind::Other => String::new(),
    }
}

fn walk<N: PageNode>(node: &N, blocks: &mut Vec<String>, current: &mut String) {
    for child in node.children() {
        match child.kind() {
            PageNodeKind::Text(t) => current.push_str(&t),
            PageNodeKind::Element(tag) if !is_dropped(&child, &tag) => {
                let block = BLOCK.contains(&tag.as_str());
                if block {
                    flush(blocks, current);
                }
                walk(&child, blocks, current);
                if block {
                    flush(blocks, current);
                }
            }
            _ => {}
        }
    }
}

fn is_dropped<N: PageNode>(el: &N, tag: &str) -> bool {
    if DROP.contains(&tag) || el.attribute("hidden").is_some() || el.attribute("aria-hidden").as_deref() == Some("true") {
        return true;
    }
    // A page header holds navigation; a header inside the article holds
    // its title and byline.
    if tag == "HEADER" && !el.inside_article_or_main() {
        return true;
    }
    if matches!(el.attribute("role").as_deref(), Some("navigation" | "banner" | "complementary" | "contentinfo")) {
        return true;
    }
    let names = format!("{} {}", el.attribute("class").unwrap_or_default(), el.attribute("id").unwrap_or_default()).to_ascii_lowercase();
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
