//! Reduces a news page's HTML to the article's text in the browser.
//!
//! The HTML is parsed by `DOMParser` into an inert document: it has no
//! browsing context, so no script runs, no handler fires and nothing loads;
//! nothing from it is ever inserted into the page (no `innerHTML`). The
//! rules of what is article text are the core's (`page_text`), which the
//! team server applies to the same pages.

use marginalia_core::page_text::{page_text, PageNode, PageNodeKind, PageText};
use wasm_bindgen::JsCast;
use web_sys::{DomParser, Element, Node, SupportedType};

/// A node of the inert document, as the core's rules read it.
#[derive(Clone)]
struct DomNode(Node);

impl PageNode for DomNode {
    fn kind(&self) -> PageNodeKind {
        match self.0.node_type() {
            Node::TEXT_NODE | Node::CDATA_SECTION_NODE => PageNodeKind::Text(self.0.node_value().unwrap_or_default()),
            Node::ELEMENT_NODE => PageNodeKind::Element(self.0.unchecked_ref::<Element>().tag_name().to_ascii_uppercase()),
            _ => PageNodeKind::Other,
        }
    }

    fn children(&self) -> Vec<DomNode> {
        let mut out = Vec::new();
        let mut child = self.0.first_child();
        while let Some(n) = child {
            child = n.next_sibling();
            out.push(DomNode(n));
        }
        out
    }

    fn attribute(&self, name: &str) -> Option<String> {
        self.0.dyn_ref::<Element>().and_then(|e| e.get_attribute(name))
    }

    fn inside_article_or_main(&self) -> bool {
        self.0.dyn_ref::<Element>().and_then(|e| e.closest("article, main").ok().flatten()).is_some()
    }
}

pub fn import_html(html: &str) -> Result<PageText, String> {
    let parser = DomParser::new().map_err(|_| "this browser cannot parse HTML".to_string())?;
    let doc = parser
        .parse_from_string(html, SupportedType::TextHtml)
        .map_err(|_| "the HTML could not be parsed".to_string())?;
    let root = doc.document_element().ok_or_else(|| "the page has no body".to_string())?;
    page_text(&DomNode(root.into()))
}
