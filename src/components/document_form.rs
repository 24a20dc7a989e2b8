//! Document-level labels (section, check-worthy claims, reliability…), as
//! the label schema defines them.

use crate::host::use_host;
use crate::components::claim_form::{attribute_field, AttributeField};
use serde_json::Value;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DocumentFormProps {
    pub fields: Vec<AttributeField>,
    pub onchange: Callback<(String, Option<Value>)>,
}

#[component]
pub fn DocumentForm(props: &DocumentFormProps) -> Html {
    let host = use_host();
    if props.fields.is_empty() {
        return html! {};
    }
    html! {
        <details class="mg-document-form">
            <summary>{ "Document labels" }</summary>
            { for props.fields.iter().map(|f| attribute_field(f, &props.onchange, &format!("{}doc-{}", host.id_prefix, f.def.name))) }
        </details>
    }
}
