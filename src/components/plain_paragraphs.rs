//! A group of consecutive paragraphs outside the decorated window, drawn as
//! markup the browser parses in one go, in one box. Most of a long article
//! is such text; as one component and one HTML string per group (instead of
//! a component and a handful of DOM calls per paragraph) it opens several
//! times faster. Each paragraph is a `p.mg-par` of `span.mg-run`s, as
//! [`super::paragraph::Paragraph`] draws them, so selection mapping and
//! find-in-page treat both alike.

use crate::markup::escape_text;
use crate::style_classes;
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

/// The group is one box that skips layout and paint while off screen
/// (`content-visibility: auto`): one box for the browser to watch instead
/// of one per paragraph, which it checks on every frame. Its size until it
/// is first drawn is estimated from its text.
#[component]
pub fn PlainParagraphs(props: &PlainParagraphsProps) -> Html {
    let size = style_classes::class_for(&format!("contain-intrinsic-size:auto {}em", estimated_height_em(&props.views)));
    html! {
        <div class={classes!("mg-plain", size)}>
            { Html::from_html_unchecked(AttrValue::from(plain_markup(&props.views))) }
        </div>
    }
}

/// About how tall the paragraphs are, in em: lines of about 80 characters
/// at the article's line height, plus each paragraph's margin. Rounded, so
/// that groups share a handful of size classes.
fn estimated_height_em(views: &[Rc<ParagraphView>]) -> u32 {
    const CHARS_PER_LINE: f64 = 80.0;
    const LINE_EM: f64 = 2.1;
    const MARGIN_EM: f64 = 0.9;
    let em: f64 = views
        .iter()
        .map(|v| {
            let chars = v.runs.iter().map(|r| r.end - r.start).sum::<usize>() as f64;
            (chars / CHARS_PER_LINE).ceil().max(1.0) * LINE_EM + MARGIN_EM
        })
        .sum();
    (em / 10.0).round() as u32 * 10
}

/// `<p class="mg-par"><span class="mg-run">text</span></p>` for each view.
/// The article's text is escaped, so no markup in it ever becomes an element.
fn plain_markup(views: &[Rc<ParagraphView>]) -> String {
    let mut html = String::with_capacity(views.iter().flat_map(|v| &v.runs).map(|r| r.text.len() + 80).sum());
    for view in views {
        let dir = if view.right_to_left { r#" dir="rtl""# } else { "" };
        let _ = write!(html, r#"<p class="mg-par" data-start="{}"{dir}>"#, view.start);
        for run in &view.runs {
            let _ = write!(html, r#"<span class="mg-run" data-s="{}" data-e="{}">"#, run.start, run.end);
            escape_text(&run.text, &mut html);
            html.push_str("</span>");
        }
        html.push_str("</p>");
    }
    html
}
