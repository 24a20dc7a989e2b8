//! A group of consecutive paragraphs outside the decorated window, drawn as
//! markup the browser parses in one go. Most of a long article is such
//! text; as one component and one HTML string per group (instead of a
//! component and a handful of DOM calls per paragraph) it opens several
//! times faster. The markup is the one [`super::paragraph::Paragraph`] draws
//! for a plain paragraph, so selection mapping and find-in-page treat both
//! alike.

use crate::view_model::ParagraphView;
use std::fmt::Write;
use std::rc::Rc;
use yew::prelude::*;

/// Paragraphs per group: a window move redraws at most the groups at its
/// edges.
pub const GROUP: usize = 64;

#[derive(Properties)]
pub struct PlainParagraphsProps {
    pub views: Vec<Rc<ParagraphView>>,
}

/// Views are shared with the state: the same pointers, the same group.
impl PartialEq for PlainParagraphsProps {
    fn eq(&self, other: &Self) -> bool {
        self.views.len() == other.views.len() && self.views.iter().zip(&other.views).all(|(a, b)| Rc::ptr_eq(a, b))
    }
}

#[component]
pub fn PlainParagraphs(props: &PlainParagraphsProps) -> Html {
    Html::from_html_unchecked(AttrValue::from(plain_markup(&props.views)))
}

/// `<p class="mg-par"><span class="mg-run">text</span></p>` for each view.
/// The article's text is escaped, so no markup in it ever becomes an element.
pub fn plain_markup(views: &[Rc<ParagraphView>]) -> String {
    let mut html = String::with_capacity(views.iter().flat_map(|v| &v.runs).map(|r| r.text.len() + 80).sum());
    for view in views {
        let _ = write!(html, r#"<p class="mg-par" data-start="{}">"#, view.start);
        for run in &view.runs {
            let _ = write!(html, r#"<span class="mg-run" data-s="{}" data-e="{}">"#, run.start, run.end);
            escape_text(&run.text, &mut html);
            html.push_str("</span>");
        }
        html.push_str("</p>");
    }
    html
}

/// Escapes text for an element's content. A carriage return is written as
/// a character reference: the HTML parser would turn a literal one into a
/// line feed and shift every offset after it.
fn escape_text(text: &str, out: &mut String) {
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
