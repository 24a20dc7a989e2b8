//! The paste panel: a text area whose content opens as a new article,
//! exactly as given.

use crate::host::use_host;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PasteDialogProps {
    pub onopen: Callback<String>,
    pub onclose: Callback<()>,
}

#[component]
pub fn PasteDialog(props: &PasteDialogProps) -> Html {
    let host = use_host();
    let area = use_node_ref();
    {
        let area = area.clone();
        use_effect_with((), move |_| {
            if let Some(a) = area.cast::<HtmlTextAreaElement>() {
                let _ = a.focus();
            }
        });
    }
    let open = {
        let area = area.clone();
        let onopen = props.onopen.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(a) = area.cast::<HtmlTextAreaElement>() {
                onopen.emit(a.value());
            }
        })
    };
    let close = props.onclose.reform(|_: MouseEvent| ());
    html! {
        <section id={host.id("paste")} class="mg-paste" aria-label="Paste an article">
            <label for={host.id("paste-text")}>{ "Paste the article's text. It is annotated exactly as pasted." }</label>
            <textarea ref={area} id={host.id("paste-text")} rows="8" spellcheck="false" />
            <div class="mg-row">
                <button type="button" id={host.id("paste-open")} class="mg-button mg-primary" onclick={open}>{ "Open pasted text" }</button>
                <button type="button" class="mg-button" onclick={close}>{ "Cancel" }</button>
            </div>
        </section>
    }
}
