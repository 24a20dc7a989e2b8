//! One attribute of a span or of the document as a labelled control, for
//! the claim form and the document form: a select for a choice, a text
//! area for free text, a select or a checkbox for yes/no. Each control
//! reports `(attribute name, value)`; `None` is "not set" (the schema's
//! default, if any, then applies and is saved apart from choices).

use marginalia_core::label_schema::{AttributeDef, AttributeKind, LabelSchema};
use marginalia_core::span::Span;
use serde_json::Value;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Debug, Clone, PartialEq)]
pub struct AttributeField {
    pub def: AttributeDef,
    /// The annotator's choice; `None` while unset.
    pub value: Option<Value>,
    /// The schema's default while nobody has chosen (shown as such, and
    /// saved apart from choices).
    pub default: Option<Value>,
    /// A yes/no attribute offers "not set" too (a select instead of a
    /// checkbox, whose unticked state would read as "no"): span attributes.
    pub unset_choice: bool,
}

/// A span's fields: every attribute its layer carries (the comment too),
/// with its choice and any untouched default.
pub fn span_fields(schema: &LabelSchema, span: &Span) -> Vec<AttributeField> {
    schema
        .attributes_for(&span.layer)
        .map(|def| AttributeField {
            def: def.clone(),
            value: span.attributes.get(&def.name).cloned(),
            default: span.defaults.get(&def.name).cloned(),
            unset_choice: true,
        })
        .collect()
}

/// What a field reports: (attribute name, the value chosen or `None`).
type OnAttribute = Callback<(String, Option<Value>)>;

/// One attribute as a labelled control with element id `id`: a select
/// (with a "not set" option), a text area or a checkbox (a document
/// label's yes/no).
pub fn attribute_field(f: &AttributeField, on: &OnAttribute, id: &str) -> Html {
    match f.def.kind {
        AttributeKind::Choice => choice_field(f, on, id),
        AttributeKind::Text => text_field(f, on, id),
        AttributeKind::Boolean if f.unset_choice => yes_no_field(f, on, id),
        AttributeKind::Boolean => checkbox_field(f, on, id),
    }
}

/// A choice among the schema's values, as a select.
fn choice_field(f: &AttributeField, on: &OnAttribute, id: &str) -> Html {
    let (name, title) = (f.def.name.clone(), f.def.display_title().to_string());
    let current = f.value.as_ref().and_then(Value::as_str).unwrap_or("").to_string();
    // Nothing chosen is an option of its own, named for what it is:
    // unset, or the schema's default that nobody chose. Every value
    // stays a separate option, so picking the default's value is a
    // change (a choice), which re-selecting one shown option is not.
    let unset = match f.default.as_ref().and_then(Value::as_str) {
        Some(d) if current.is_empty() => format!("not set (default: {})", d.replace('_', " ")),
        _ => "not set".to_string(),
    };
    let onchange = {
        let on = on.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            on.emit((name.clone(), (!v.is_empty()).then_some(Value::String(v))));
        })
    };
    html! {
        <div class="mg-field">
            <label for={id.to_string()}>{ title }</label>
            <select id={id.to_string()} {onchange}>
                <option value="" selected={current.is_empty()}>{ unset }</option>
                { for f.def.values.iter().map(|v| html! {
                    <option value={v.clone()} selected={*v == current}>{ v.replace('_', " ") }</option>
                }) }
            </select>
        </div>
    }
}

/// Free text, as a text area; only blanks is "not set".
fn text_field(f: &AttributeField, on: &OnAttribute, id: &str) -> Html {
    let (name, title) = (f.def.name.clone(), f.def.display_title().to_string());
    let current = f.value.as_ref().and_then(Value::as_str).unwrap_or("").to_string();
    let onchange = {
        let on = on.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            on.emit((name.clone(), (!v.trim().is_empty()).then_some(Value::String(v))));
        })
    };
    // Committed on leaving it: a `value` would be set back from the
    // state at every render while the annotator types (another tab's
    // write, the CMS status), losing what was typed. The text is the
    // default instead, and a new committed value (or an undo) makes a
    // new element through the key.
    let key = format!("{id}\u{1f}{current}");
    html! {
        <div class="mg-field">
            <label for={id.to_string()}>{ title }</label>
            <textarea {key} id={id.to_string()} rows="2" defaultvalue={current} {onchange} />
        </div>
    }
}

/// Yes/no with "not set" as a third choice, as a select (a span's
/// attribute: unset and "no" differ).
fn yes_no_field(f: &AttributeField, on: &OnAttribute, id: &str) -> Html {
    let (name, title) = (f.def.name.clone(), f.def.display_title().to_string());
    let current = f.value.as_ref().and_then(Value::as_bool);
    let unset = match f.default.as_ref().and_then(Value::as_bool) {
        Some(d) if current.is_none() => format!("not set (default: {})", if d { "yes" } else { "no" }),
        _ => "not set".to_string(),
    };
    let onchange = {
        let on = on.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            on.emit((name.clone(), (!v.is_empty()).then(|| Value::Bool(v == "true"))));
        })
    };
    html! {
        <div class="mg-field">
            <label for={id.to_string()}>{ title }</label>
            <select id={id.to_string()} {onchange}>
                <option value="" selected={current.is_none()}>{ unset }</option>
                <option value="true" selected={current == Some(true)}>{ "yes" }</option>
                <option value="false" selected={current == Some(false)}>{ "no" }</option>
            </select>
        </div>
    }
}

/// Yes/no as a checkbox (a document label: unticked is "no").
fn checkbox_field(f: &AttributeField, on: &OnAttribute, id: &str) -> Html {
    let (name, title) = (f.def.name.clone(), f.def.display_title().to_string());
    let checked = f.value.as_ref().and_then(Value::as_bool).unwrap_or(false);
    let onchange = {
        let on = on.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().checked();
            on.emit((name.clone(), Some(Value::Bool(v))));
        })
    };
    html! {
        <div class="mg-field mg-check">
            <input type="checkbox" id={id.to_string()} {checked} {onchange} />
            <label for={id.to_string()}>{ title }</label>
        </div>
    }
}
