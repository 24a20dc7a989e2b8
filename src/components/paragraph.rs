//! One paragraph of the article, drawn from its runs. Memoised by pointer:
//! the state keeps the same `Rc` for a paragraph that did not change, so an
//! edit re-renders only the paragraphs it touches.

use crate::style_classes;
use crate::view_model::{ParagraphView, RunView, SuggestionTag, TagView};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties)]
pub struct ParagraphProps {
    pub view: Rc<ParagraphView>,
    /// The instance's id prefix (for the tags' ids). A prop rather than the
    /// host context, which would cost a subscription per paragraph.
    pub id_prefix: AttrValue,
}

impl PartialEq for ParagraphProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.view, &other.view) && self.id_prefix == other.id_prefix
    }
}

#[component]
pub fn Paragraph(props: &ParagraphProps) -> Html {
    let view = &props.view;
    html! {
        <p class="mg-par" data-start={view.start.to_string()} dir={view.right_to_left.then_some("rtl")}>
            { for view.runs.iter().map(|r| run(r, &props.id_prefix)) }
        </p>
    }
}

fn run(r: &RunView, prefix: &str) -> Html {
    let class = classes!(
        "mg-run",
        r.style.as_deref().map(style_classes::class_for),
        (!r.spans.is_empty()).then_some("mg-spanned"),
        r.pending.then_some("mg-pending"),
        r.selected.then_some("mg-selected"),
        r.related.then_some("mg-related"),
        r.suggested.then_some("mg-suggested"),
    );
    let spans = (!r.spans.is_empty()).then(|| r.spans.iter().map(|id| id.0.to_string()).collect::<Vec<_>>().join(" "));
    html! {
        <>
            <span {class} data-s={r.start.to_string()} data-e={r.end.to_string()} data-spans={spans}>
                { r.text.clone() }
            </span>
            { for r.tags.iter().map(|t| tag(t, prefix)) }
            { for r.suggestion_tags.iter().map(suggestion_tag) }
        </>
    }
}

/// A suggestion's tag: a click or Enter accepts it, X rejects it (handled
/// by the document-level gestures, like the span tags).
fn suggestion_tag(t: &SuggestionTag) -> Html {
    let colour = style_classes::class_for(&format!("border-color:{};color:{}", t.color, t.color));
    html! {
        <button type="button" class={classes!("mg-suggestion-tag", colour)} data-suggestion={t.index.to_string()}
            aria-label={format!("Suggested {} ({}): {} — Enter accepts, X rejects", t.label, t.source, t.quote)}>
            { format!("{}?", t.label) }
        </button>
    }
}

fn tag(t: &TagView, prefix: &str) -> Html {
    let colours = style_classes::class_for(&format!("background-color:{};color:{}", t.color, t.text_color));
    let name = if t.claim {
        format!("{}: {} (Enter edits the claim)", t.label, t.quote)
    } else {
        format!("{}: {}", t.label, t.quote)
    };
    html! {
        <button type="button" id={format!("{prefix}tag-{}", t.id.0)} class={classes!("mg-tag", colours, t.selected.then_some("mg-selected"), t.related.then_some("mg-related"), t.claim.then_some("mg-claim-tag"))}
            data-span={t.id.0.to_string()} aria-pressed={t.selected.to_string()} aria-label={name}>
            { t.label.clone() }
        </button>
    }
}
