//! Reading a news page's HTML (`html_import.rs`, the core's `page_text`
//! rules) as a part, fetched when a host first gives an article as HTML
//! (`mount`'s options, `setArticle`, a `marginalia:load` message, a
//! `?article=` link to a page). An article given as text never needs it.

use marginalia_core::page_text::PageText;

on_demand!(html_import;
    /// The page's article text and title (this part's code).
    pub fn page_text_of(html: String) -> Result<PageText, String> {
        crate::html_import::import_html(&html)
    }
);
