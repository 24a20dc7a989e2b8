//! The open suggestions, counted by label, with Accept all / Reject all for
//! all of them or one label (each one undo step). One suggestion at a time
//! is accepted from its tag in the text (Enter) or rejected there (X).

use crate::host::use_host;
use marginalia_core::suggestion::Suggestion;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SuggestionPanelProps {
    pub suggestions: Rc<Vec<Suggestion>>,
    /// Indices of the suggestions to accept / reject.
    pub onaccept: Callback<Vec<usize>>,
    pub onreject: Callback<Vec<usize>>,
    /// Accepts the suggestions in the paragraphs on screen.
    pub onaccept_in_view: Callback<()>,
}

#[component]
pub fn SuggestionPanel(props: &SuggestionPanelProps) -> Html {
    let host = use_host();
    let all: Vec<usize> = (0..props.suggestions.len()).collect();
    let mut labels: Vec<&str> = props.suggestions.iter().map(|s| s.label.as_str()).collect();
    marginalia_core::sorting::sort(&mut labels);
    labels.dedup();
    let of_label = |label: &str| -> Vec<usize> {
        props.suggestions.iter().enumerate().filter(|(_, s)| s.label == label).map(|(i, _)| i).collect()
    };
    html! {
        <section class="mg-suggestions" aria-labelledby={host.id("suggestions-title")}>
            <h3 id={host.id("suggestions-title")}>{ format!("Suggestions ({})", props.suggestions.len()) }</h3>
            <p class="mg-hint">{ "Dashed in the text. Tab to one: Enter accepts it, X rejects it." }</p>
            <div class="mg-row">
                <button type="button" class="mg-button" id={host.id("accept-all")} onclick={{ let a = all.clone(); props.onaccept.reform(move |_: MouseEvent| a.clone()) }}>{ "Accept all" }</button>
                <button type="button" class="mg-button" id={host.id("accept-in-view")} onclick={props.onaccept_in_view.reform(|_: MouseEvent| ())}>{ "Accept all in view" }</button>
                <button type="button" class="mg-button" id={host.id("reject-all")} onclick={props.onreject.reform(move |_: MouseEvent| all.clone())}>{ "Reject all" }</button>
            </div>
            <ul>
                { for labels.iter().map(|label| {
                    let ids = of_label(label);
                    let n = ids.len();
                    let (accept, reject) = (ids.clone(), ids);
                    html! {
                        <li class="mg-row" data-label={label.to_string()}>
                            <span>{ format!("{label}: {n}") }</span>
                            <button type="button" class="mg-button" aria-label={format!("Accept all {n} {label}")}
                                onclick={props.onaccept.reform(move |_: MouseEvent| accept.clone())}>{ "Accept all" }</button>
                            <button type="button" class="mg-button" aria-label={format!("Reject all {n} {label}")}
                                onclick={props.onreject.reform(move |_: MouseEvent| reject.clone())}>{ "Reject all" }</button>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}
