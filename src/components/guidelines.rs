//! The guidelines panel (`?`): the project's own guidelines (the label
//! schema's Markdown, drawn by `app/project_guidelines.rs`), what each label
//! means, with its colour and key, the links a claim can have, and the keys of the page — the
//! annotator's reference without leaving the text. Escape or `?` closes it.

use crate::host::use_host;
use crate::style_classes;
use marginalia_core::label_schema::LabelSchema;
use std::sync::Arc;
use web_sys::HtmlElement;
use yew::prelude::*;

#[derive(Properties)]
pub struct GuidelinesProps {
    pub schema: Arc<LabelSchema>,
    /// The project's own guidelines, drawn (when the schema has some).
    #[prop_or_default]
    pub project: Html,
    pub onclose: Callback<()>,
}

impl PartialEq for GuidelinesProps {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.schema, &other.schema) && self.project == other.project && self.onclose == other.onclose
    }
}

/// The keys of the page (`keymap.rs`), as the panel lists them.
const KEYS: &[(&str, &str)] = &[
    ("a label's key", "label the selection, or relabel the selected one"),
    ("← →", "next or previous word, as drawn; Shift extends"),
    ("↑ ↓ Home End", "paragraph, line start or end"),
    ("J K", "next or previous annotation"),
    ("A", "suggest its label on every occurrence (Shift: any case)"),
    ("Enter X", "accept, reject a suggestion"),
    ("Delete", "delete the selected annotation"),
    ("Ctrl+Z Ctrl+Y", "undo, redo"),
    ("Escape", "close, then clear the selection"),
    ("?", "these guidelines"),
];

#[component]
pub fn Guidelines(props: &GuidelinesProps) -> Html {
    let host = use_host();
    let close_button = use_node_ref();
    {
        // Opened from the keyboard: focus goes to the panel's first control.
        let close_button = close_button.clone();
        use_effect_with((), move |_| {
            if let Some(b) = close_button.cast::<HtmlElement>() {
                let _ = b.focus();
            }
        });
    }
    let heading = host.id("guidelines-title");
    let schema = &props.schema;
    let kbd = |k: String| html! { <kbd>{ k }</kbd> };
    html! {
        <section id={host.id("guidelines")} class="mg-guidelines" role="dialog" aria-labelledby={heading.clone()}>
            <div class="mg-row">
                <h2 id={heading}>{ "Guidelines" }</h2>
                <button ref={close_button} type="button" class="mg-button" aria-keyshortcuts="Escape"
                    onclick={props.onclose.reform(|_: MouseEvent| ())}>{ "Close" }</button>
            </div>
            if schema.guidelines.as_ref().is_some_and(|g| !g.trim().is_empty()) {
                <section class="mg-project-guidelines" aria-labelledby={host.id("project-guidelines")}>
                    <h3 id={host.id("project-guidelines")}>{ "Project guidelines" }</h3>
                    { props.project.clone() }
                </section>
            }
            <h3>{ "Labels" }</h3>
            <dl class="mg-guide-labels">
                { for schema.labels.iter().map(|l| html! {
                    <>
                        <dt data-label={l.name.clone()}>
                            <span class={classes!("mg-swatch", style_classes::class_for(&format!("background-color:{}", l.color)))} aria-hidden="true"></span>
                            { l.name.clone() }
                            if let Some(key) = &l.hotkey {
                                { " " }{ kbd(key.clone()) }
                            }
                        </dt>
                        <dd>{ if l.description.is_empty() { "No description in the label schema.".to_string() } else { l.description.clone() } }</dd>
                    </>
                }) }
            </dl>
            if !schema.relations.is_empty() {
                <h3>{ "Links" }</h3>
                <ul>
                    { for schema.relations.iter().map(|r| html! {
                        <li>{ format!("{}: from {} to {}{}", if r.title.is_empty() { &r.name } else { &r.title }, r.from.join(", "), r.to.join(", "),
                            if r.free_text { ", or a name not in the text" } else { "" }) }</li>
                    }) }
                </ul>
            }
            <h3>{ "Keys" }</h3>
            <dl class="mg-guide-keys">
                { for KEYS.iter().map(|(k, what)| html! { <><dt>{ kbd(k.to_string()) }</dt><dd>{ *what }</dd></> }) }
            </dl>
        </section>
    }
}
