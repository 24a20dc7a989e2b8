//! HTML pages into a project: parsed by html5ever (the HTML standard's
//! parser, the tree a browser's `DOMParser` builds, here through scraper's
//! tree) and reduced to the article's text by the core's `page_text`
//! rules, the ones the widget applies in the browser. Nothing of the page
//! but its text is kept, and nothing of it runs.

use ego_tree::NodeRef;
use marginalia_core::page_text::{page_text, PageNode, PageNodeKind, PageText};
use scraper::{Html, Node};

/// A node of the parsed page, as the core's rules read it.
#[derive(Clone, Copy)]
struct TreeNode<'a>(NodeRef<'a, Node>);

impl PageNode for TreeNode<'_> {
    fn kind(&self) -> PageNodeKind {
        match self.0.value() {
            Node::Text(text) => PageNodeKind::Text(text.to_string()),
            Node::Element(element) => PageNodeKind::Element(element.name().to_ascii_uppercase()),
            _ => PageNodeKind::Other,
        }
    }

    fn children(&self) -> Vec<Self> {
        self.0.children().map(TreeNode).collect()
    }

    fn attribute(&self, name: &str) -> Option<String> {
        self.0.value().as_element()?.attr(name).map(str::to_string)
    }

    fn inside_article_or_main(&self) -> bool {
        self.0.ancestors().any(|a| a.value().as_element().is_some_and(|e| matches!(e.name(), "article" | "main")))
    }
}

/// The article of an HTML page: its title and text.
pub fn reduce(html: &str) -> Result<PageText, String> {
    let page = Html::parse_document(html);
    page_text(&TreeNode(*page.root_element()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_article_is_kept_and_the_page_around_it_dropped() {
        let page = "<!doctype html><html><head><title>Site | News</title><script>alert(1)</script></head><body>\
            <header><nav>Home</nav></header><article><header><h1>Mali  and\nWagner</h1><p class=\"byline\">By A. B.</p></header>\
            <p>Bamako said <b>no</b>&nbsp;comment 👩‍💻.</p><div class=\"share-bar\">Share</div><figure><figcaption>תמונה: e\u{301}</figcaption></figure>\
            <p hidden>secret</p><aside>Related</aside></article><footer>©</footer></body></html>";
        let reduced = reduce(page).unwrap();
        assert_eq!(reduced.title, "Mali and Wagner");
        assert_eq!(reduced.text, "Mali and Wagner\n\nBy A. B.\n\nBamako said no\u{a0}comment 👩‍💻.\n\nתמונה: e\u{301}");
    }

    #[test]
    fn a_page_without_an_article_falls_back_to_its_body_and_title() {
        let reduced = reduce("<html><head><title> Only   title </title></head><body><p>One.</p><p>Two.</p></body></html>").unwrap();
        assert_eq!((reduced.title.as_str(), reduced.text.as_str()), ("Only title", "Only title\n\nOne.\n\nTwo."));
        assert!(reduce("<html><body><script>x()</script><nav>menu</nav></body></html>").is_err(), "nothing but furniture");
    }
}
