//! A project's guidelines (the label schema's Markdown) in the guidelines
//! panel. The parser (pulldown-cmark, some 70 KB gzipped with its entity
//! tables) and the drawing (`markdown.rs`) are a part of their own
//! (`on_demand::markdown`), fetched the first time guidelines are shown;
//! each text is drawn once, and a part that cannot be fetched is said.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ProjectGuidelinesProps {
    pub source: AttrValue,
}

/// Where the drawing of a text stands.
#[derive(Clone, PartialEq)]
enum Drawn {
    Waiting,
    Done(Html),
    /// The part could not be fetched.
    Unavailable,
}

#[component]
pub fn ProjectGuidelines(props: &ProjectGuidelinesProps) -> Html {
    let drawn = use_state(|| Drawn::Waiting);
    {
        let drawn = drawn.clone();
        use_effect_with(props.source.clone(), move |source| {
            let source = source.clone();
            drawn.set(Drawn::Waiting);
            wasm_bindgen_futures::spawn_local(async move {
                drawn.set(match crate::on_demand::markdown::markdown_html(&source).await {
                    Ok(html) => Drawn::Done(html),
                    Err(_) => Drawn::Unavailable,
                });
            });
        });
    }
    match &*drawn {
        Drawn::Done(html) => html.clone(),
        Drawn::Waiting => html! { <p class="mg-hint" aria-busy="true">{ "Loading the project's guidelines…" }</p> },
        Drawn::Unavailable => html! {
            <p class="mg-hint" role="alert">{ "The project's guidelines could not be loaded (is the network there?). Close and open them to try again." }</p>
        },
    }
}
