//! The Markdown parser (pulldown-cmark) and the drawing of its tree, for a
//! project's guidelines: a part of its own, fetched the first time
//! guidelines are shown (`app/project_guidelines.rs` shows it).

use yew::Html;

on_demand!(markdown;
    /// `source` drawn as the guidelines panel shows it.
    pub fn markdown_html(source: &str) -> Html {
        crate::markdown::to_html(source)
    }
);
