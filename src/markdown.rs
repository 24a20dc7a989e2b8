//! Markdown (a project's guidelines) drawn as Yew nodes, never as HTML
//! (this code comes with its own part, `on_demand::markdown`):
//! pulldown-cmark's events (CommonMark, with tables, strikethrough and task
//! lists) build a small tree of [`Node`]s, drawn element by element. So
//! nothing in the text can run or load in the page: raw HTML is shown as
//! text, links keep only `http`, `https` and `mailto` addresses (and open
//! in a new tab), an image is a link to its address with its description,
//! and headings start at level 3, under the panel's own.
//!
//! Invariant: the tree is at most [`MAX_DEPTH`] elements deep whatever the
//! input (a thousand nested quotes are flattened past it), so drawing it
//! never exhausts the stack.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use yew::prelude::*;

/// Elements deeper than this take their content into their parent.
pub const MAX_DEPTH: usize = 24;

/// One node of the drawn tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Element { tag: &'static str, href: Option<String>, children: Vec<Node> },
    Text(String),
}

/// An element being built: its tag and address, and its children so far.
struct Frame {
    tag: &'static str,
    href: Option<String>,
    children: Vec<Node>,
}

/// The address a link may keep: http, https or mailto, else none.
fn safe_address(url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    ["http://", "https://", "mailto:"].iter().any(|s| lower.starts_with(s)).then(|| url.trim().to_string())
}

fn heading(level: HeadingLevel) -> &'static str {
    match level {
        HeadingLevel::H1 => "h3",
        HeadingLevel::H2 => "h4",
        HeadingLevel::H3 => "h5",
        _ => "h6",
    }
}

/// The element a Markdown tag opens: its name and address.
fn element(tag: &Tag) -> (&'static str, Option<String>) {
    match tag {
        Tag::Paragraph => ("p", None),
        Tag::Heading { level, .. } => (heading(*level), None),
        Tag::BlockQuote(_) => ("blockquote", None),
        Tag::CodeBlock(_) | Tag::HtmlBlock => ("pre", None),
        Tag::List(Some(_)) => ("ol", None),
        Tag::List(None) => ("ul", None),
        Tag::Item => ("li", None),
        Tag::Emphasis => ("em", None),
        Tag::Strong => ("strong", None),
        Tag::Strikethrough => ("del", None),
        Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => match safe_address(dest_url) {
            Some(href) => ("a", Some(href)),
            None => ("span", None),
        },
        Tag::Table(_) => ("table", None),
        Tag::TableRow => ("tr", None),
        Tag::TableCell => ("td", None),
        _ => ("div", None),
    }
}

/// The Markdown `source` as a tree of nodes.
pub fn parse(source: &str) -> Vec<Node> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    // `None` for an element flattened into its parent (past MAX_DEPTH).
    let mut stack: Vec<Option<Frame>> = vec![Some(Frame { tag: "div", href: None, children: Vec::new() })];
    let mut depth = 0usize;
    let mut in_head = false;
    let push = |stack: &mut Vec<Option<Frame>>, node: Node| {
        if let Some(frame) = stack.iter_mut().rev().flatten().next() {
            frame.children.push(node);
        }
    };
    for event in Parser::new_ext(source, options) {
        match event {
            Event::Start(tag) => {
                let (mut name, href) = element(&tag);
                if matches!(tag, Tag::TableHead) {
                    in_head = true;
                    name = "thead";
                }
                if matches!(tag, Tag::TableCell) && in_head {
                    name = "th";
                }
                // A head's cells sit in a row of their own: two elements open.
                let head = matches!(tag, Tag::TableHead);
                let opened = if head { 2 } else { 1 };
                if depth + opened <= MAX_DEPTH {
                    depth += opened;
                    stack.push(Some(Frame { tag: name, href, children: Vec::new() }));
                    if head {
                        stack.push(Some(Frame { tag: "tr", href: None, children: Vec::new() }));
                    }
                } else {
                    stack.extend((0..opened).map(|_| None));
                }
            }
            Event::End(end) => {
                if matches!(end, TagEnd::TableHead) {
                    in_head = false;
                    close(&mut stack, &mut depth, push);
                }
                close(&mut stack, &mut depth, push);
            }
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                push(&mut stack, Node::Text(t.into_string()))
            }
            Event::FootnoteReference(t) => push(&mut stack, Node::Text(format!("[{t}]"))),
            Event::SoftBreak => push(&mut stack, Node::Text("\n".into())),
            Event::HardBreak => push(&mut stack, Node::Element { tag: "br", href: None, children: Vec::new() }),
            Event::Rule => push(&mut stack, Node::Element { tag: "hr", href: None, children: Vec::new() }),
            Event::TaskListMarker(done) => push(&mut stack, Node::Text(if done { "☑ " } else { "☐ " }.into())),
        }
    }
    match stack.into_iter().next().flatten() {
        Some(root) => root.children,
        None => Vec::new(),
    }
}

/// Ends the innermost element (a flattened one ends with nothing to do).
fn close(stack: &mut Vec<Option<Frame>>, depth: &mut usize, push: impl Fn(&mut Vec<Option<Frame>>, Node)) {
    if stack.len() <= 1 {
        return;
    }
    if let Some(Some(frame)) = stack.pop() {
        *depth -= 1;
        push(stack, Node::Element { tag: frame.tag, href: frame.href, children: frame.children });
    }
}

/// The Markdown `source`, drawn: what the guidelines panel shows.
pub fn to_html(source: &str) -> Html {
    let nodes = parse(source);
    html! { <div class="mg-markdown">{ for nodes.iter().map(draw) }</div> }
}

fn draw(node: &Node) -> Html {
    match node {
        Node::Text(t) => html! { { t.clone() } },
        Node::Element { tag, href, children } => {
            let children: Html = children.iter().map(draw).collect();
            match href {
                Some(href) => html! { <a href={href.clone()} target="_blank" rel="noopener noreferrer">{ children }</a> },
                None => html! { <@{*tag}>{ children }</@> },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(nodes: &[Node]) -> String {
        nodes
            .iter()
            .map(|n| match n {
                Node::Text(t) => t.clone(),
                Node::Element { children, .. } => text_of(children),
            })
            .collect()
    }

    /// Every (tag, href) in document order.
    fn tags(nodes: &[Node], out: &mut Vec<(&'static str, Option<String>)>) {
        for n in nodes {
            if let Node::Element { tag, href, children } = n {
                out.push((tag, href.clone()));
                tags(children, out);
            }
        }
    }

    fn all_tags(source: &str) -> Vec<(&'static str, Option<String>)> {
        let mut out = Vec::new();
        tags(&parse(source), &mut out);
        out
    }

    #[test]
    fn headings_lists_emphasis_and_tables_become_elements() {
        let md = "# Entities\n\n- **PERSON**: people, *by name*\n- ~~GPE~~ places 🇲🇱\n\n1. one\n\n| label | key |\n|---|---|\n| ORG | 2 |\n";
        let names: Vec<&str> = all_tags(md).into_iter().map(|(t, _)| t).collect();
        assert_eq!(
            names,
            ["h3", "ul", "li", "strong", "em", "li", "del", "ol", "li", "table", "thead", "tr", "th", "th", "tr", "td", "td"]
        );
        assert!(text_of(&parse(md)).contains("places 🇲🇱"));
    }

    #[test]
    fn raw_html_is_text_and_only_safe_links_keep_their_address() {
        let md = "<script>window.pwned = 1</script>\n\nSee [the handbook](https://example.org/guide?a=1&b=2), \
                  [mail](mailto:desk@example.org), [bad](javascript:alert(1)), [data](data:text/html,x) \
                  and ![a map](https://example.org/map.png) <img src=x onerror=alert(1)>.";
        let nodes = parse(md);
        let all = all_tags(md);
        assert!(all.iter().all(|(t, _)| !matches!(*t, "script" | "img")), "{all:?}");
        assert!(text_of(&nodes).contains("<script>window.pwned = 1</script>"), "raw HTML is shown as text");
        assert!(text_of(&nodes).contains("<img src=x onerror=alert(1)>"));
        let links: Vec<String> = all.into_iter().filter_map(|(_, h)| h).collect();
        assert_eq!(links, ["https://example.org/guide?a=1&b=2", "mailto:desk@example.org", "https://example.org/map.png"]);
        assert!(text_of(&nodes).contains("bad") && text_of(&nodes).contains("a map"), "unsafe links keep their words");
    }

    #[test]
    fn nesting_past_the_limit_is_flattened_and_nothing_is_lost() {
        let md = format!("{} deep «عميق» 👩🏽‍💻", ">".repeat(10_000));
        let nodes = parse(&md);
        fn depth(nodes: &[Node]) -> usize {
            nodes.iter().map(|n| match n {
                Node::Element { children, .. } => 1 + depth(children),
                Node::Text(_) => 0,
            }).max().unwrap_or(0)
        }
        assert!(depth(&nodes) <= MAX_DEPTH, "{}", depth(&nodes));
        assert!(text_of(&nodes).contains("deep «عميق» 👩🏽‍💻"));
        // Headings start under the panel's own.
        assert_eq!(all_tags("###### six\n## two")[..], [("h6", None), ("h4", None)]);
    }
}
