//! The article: its paragraphs, focusable for keyboard labelling. Mouse and
//! key gestures are read by the app's document-level listeners (one set for
//! the whole article instead of one per run).
//!
//! Paragraphs in the decorated window are components of their own (an edit
//! redraws only the ones it touches); the plain ones around it are drawn in
//! groups ([`PlainParagraphs`]). The article's children are these blocks, in
//! order: a decorated `<p>` or a group's box of `<p>`s, which is what the
//! viewport's measuring walks.

use crate::components::paragraph::Paragraph;
use crate::components::plain_paragraphs::{PlainParagraphs, GROUP};
use crate::host::use_host;
use crate::view_model::{ParagraphKey, ParagraphView};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ArticleViewProps {
    pub title: AttrValue,
    pub views: Rc<Vec<Rc<ParagraphView>>>,
}

#[component]
pub fn ArticleView(props: &ArticleViewProps) -> Html {
    let host = use_host();
    let prefix = AttrValue::from(host.id_prefix.clone());
    let mut children: Vec<Html> = Vec::new();
    let mut plain: Vec<Rc<ParagraphView>> = Vec::new();
    // A group holds consecutive plain paragraphs within one GROUP-aligned
    // stretch, keyed by its first paragraph: when the window moves, only the
    // groups at its edges change.
    let flush = |plain: &mut Vec<Rc<ParagraphView>>, children: &mut Vec<Html>, next: usize| {
        if !plain.is_empty() {
            let first = next - plain.len();
            children.push(html! { <PlainParagraphs key={first} views={std::mem::take(plain)} /> });
        }
    };
    for (i, view) in props.views.iter().enumerate() {
        if i % GROUP == 0 {
            flush(&mut plain, &mut children, i);
        }
        if view.key == ParagraphKey::Plain {
            plain.push(view.clone());
        } else {
            flush(&mut plain, &mut children, i);
            children.push(html! { <Paragraph key={i} view={view.clone()} id_prefix={prefix.clone()} /> });
        }
    }
    flush(&mut plain, &mut children, props.views.len());
    html! {
        <main id={host.id("article")} class="mg-article" tabindex="0" aria-label={format!("Article: {}", props.title)}
            aria-describedby={host.id("help")}>
            { for children }
        </main>
    }
}
