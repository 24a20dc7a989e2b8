//! The spans re-anchored onto an edited article that the annotator should
//! look at: where each landed and why it is uncertain, with Show, Keep and
//! Delete; orphaned ones are listed so they can be placed again by hand.

use crate::host::use_host;
use crate::reanchoring::AnchorReview;
use marginalia_core::span::SpanId;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ReviewPanelProps {
    pub review: Rc<AnchorReview>,
    pub onshow: Callback<SpanId>,
    pub onkeep: Callback<SpanId>,
    pub ondelete: Callback<SpanId>,
    pub ondismiss: Callback<()>,
}

#[component]
pub fn ReviewPanel(props: &ReviewPanelProps) -> Html {
    let host = use_host();
    let dismiss = props.ondismiss.reform(|_: MouseEvent| ());
    html! {
        <section class="mg-review" aria-labelledby={host.id("review-title")}>
            <h3 id={host.id("review-title")}>{ format!("{}: {} to review", props.review.heading(), props.review.items.len()) }</h3>
            <ul>
                { for props.review.items.iter().map(|item| {
                    let quote = format!("“{}”", crate::view_model::clip(&item.quote));
                    html! {
                        <li class="mg-review-item">
                            <p><strong>{ item.label.clone() }</strong>{ " " }{ quote.clone() }{ " — " }{ item.reason.clone() }</p>
                            if let Some(id) = item.id {
                                <div class="mg-row">
                                    <button type="button" class="mg-button" aria-label={format!("Show {} {quote}", item.label)}
                                        onclick={props.onshow.reform(move |_: MouseEvent| id)}>{ "Show" }</button>
                                    <button type="button" class="mg-button" aria-label={format!("Keep {} {quote} where it is", item.label)}
                                        onclick={props.onkeep.reform(move |_: MouseEvent| id)}>{ "Keep" }</button>
                                    <button type="button" class="mg-button" aria-label={format!("Delete {} {quote}", item.label)}
                                        onclick={props.ondelete.reform(move |_: MouseEvent| id)}>{ "Delete" }</button>
                                </div>
                            }
                        </li>
                    }
                }) }
            </ul>
            <button type="button" class="mg-button" onclick={dismiss}>{ "Close the review" }</button>
        </section>
    }
}
