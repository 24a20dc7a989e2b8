//! The article: its paragraphs, focusable for keyboard labelling. Mouse and
//! key gestures are read by the app's document-level listeners (one set for
//! the whole article instead of one per run).

use crate::host::use_host;
use crate::components::paragraph::Paragraph;
use crate::view_model::ParagraphView;
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
    html! {
        <main id={host.id("article")} class="mg-article" tabindex="0" aria-label={format!("Article: {}", props.title)}
            aria-describedby={host.id("help")}>
            { for props.views.iter().enumerate().map(|(i, v)| html! { <Paragraph key={i} view={v.clone()} id_prefix={prefix.clone()} /> }) }
        </main>
    }
}
