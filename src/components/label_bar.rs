//! The label buttons, each named by its label and showing its hotkey.

use crate::style_classes;
use marginalia_core::label_schema::LabelSchema;
use std::sync::Arc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LabelBarProps {
    pub schema: Arc<LabelSchema>,
    pub onlabel: Callback<String>,
}

#[component]
pub fn LabelBar(props: &LabelBarProps) -> Html {
    html! {
        <div class="mg-labels" role="toolbar" aria-label="Labels">
            { for props.schema.labels.iter().map(|l| {
                let name = l.name.clone();
                let onclick = props.onlabel.reform(move |_: MouseEvent| name.clone());
                // Keep the article's focus (and so the keyboard caret) when
                // a label is clicked.
                let onmousedown = Callback::from(|e: MouseEvent| e.prevent_default());
                let swatch = format!("background-color:{}", l.color);
                html! {
                    <button type="button" class="mg-label" data-label={l.name.clone()} title={l.description.clone()}
                        aria-keyshortcuts={l.hotkey.clone()} {onclick} {onmousedown}>
                        <span class={classes!("mg-swatch", style_classes::class_for(&swatch))} aria-hidden="true"></span>
                        <span class="mg-label-name">{ l.name.clone() }</span>
                        if let Some(key) = &l.hotkey {
                            <kbd aria-hidden="true">{ key.clone() }</kbd>
                        }
                    </button>
                }
            }) }
        </div>
    }
}
