//! The claim form: a selected claim's attributes (type, stance,
//! check-worthiness, verdict, note — whatever the schema defines for the
//! claim layer) and its links (claimed by, about…), each reachable by
//! keyboard. A link's target is typed with typeahead over the document's
//! entities (or free text where the schema allows), or picked by clicking
//! the entity in the text. The attribute controls themselves are
//! `attribute_field.rs`'s.

// The attribute controls are shared with the document form; they are
// named from here too, where they began.
pub use crate::components::attribute_field::{attribute_field, span_fields, AttributeField};
use crate::host::use_host;
use marginalia_core::editor::Editor;
use marginalia_core::label_schema::CLAIM_LAYER;
use marginalia_core::relation::{RelationId, Target};
use marginalia_core::span::SpanId;
use serde_json::Value;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Debug, Clone, PartialEq)]
pub struct LinkGroup {
    pub label: String,
    pub title: String,
    pub free_text: bool,
    /// (relation, what it points to, for people).
    pub links: Vec<(RelationId, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClaimData {
    pub id: SpanId,
    pub attributes: Vec<AttributeField>,
    pub groups: Vec<LinkGroup>,
    /// Spans a claim can link to: (id, "quote (LABEL sN)").
    pub candidates: Vec<(SpanId, String)>,
}

fn describe(editor: &Editor, id: SpanId) -> String {
    editor.annotations().get(id).map_or(id.to_string(), |s| {
        format!("{} ({} {})", editor.article().slice(s.start, s.end), s.label, s.id)
    })
}

/// The form's data for span `id`, if it is a claim.
pub fn claim_data(editor: &Editor, id: SpanId) -> Option<ClaimData> {
    let span = editor.annotations().get(id).filter(|s| s.layer == CLAIM_LAYER)?;
    let schema = editor.schema();
    let attributes = span_fields(schema, span);
    let groups = schema
        .relations
        .iter()
        .filter(|r| r.from.iter().any(|l| l == CLAIM_LAYER))
        .map(|r| LinkGroup {
            label: r.name.clone(),
            title: if r.title.is_empty() { r.name.clone() } else { r.title.clone() },
            free_text: r.free_text,
            links: editor
                .annotations()
                .relations()
                .filter(|rel| rel.from == id && rel.label == r.name)
                .map(|rel| {
                    let to = match &rel.to {
                        Target::Span(t) => describe(editor, *t),
                        Target::Text(t) => format!("“{t}” (not in the text)"),
                    };
                    (rel.id, to)
                })
                .collect(),
        })
        .collect();
    let candidates = editor
        .annotations()
        .in_document_order()
        .into_iter()
        .filter(|s| s.layer != CLAIM_LAYER)
        .map(|s| (s.id, describe(editor, s.id)))
        .collect();
    Some(ClaimData { id, attributes, groups, candidates })
}

#[derive(Properties, PartialEq)]
pub struct ClaimFormProps {
    pub data: ClaimData,
    /// The relation label being picked in the text, if any.
    pub linking: Option<String>,
    pub onattribute: Callback<(String, Option<Value>)>,
    pub onlink: Callback<(String, Target)>,
    pub onunlink: Callback<RelationId>,
    pub onpick: Callback<String>,
    /// A message for a target that could not be understood.
    pub onerror: Callback<String>,
}

#[component]
pub fn ClaimForm(props: &ClaimFormProps) -> Html {
    let host = use_host();
    let data = &props.data;
    html! {
        <section class="mg-claim-form" aria-label="Claim">
            // Enter on the claim's tag focuses this heading; Tab goes on
            // into the fields, Escape returns to the tag.
            <h3 id={host.id("claim-form-first")} tabindex="-1">{ "Claim" }</h3>
            <p class="mg-hint">{ "Escape returns to the claim in the text." }</p>
            { for data.attributes.iter().map(|f| attribute_field(f, &props.onattribute, &format!("{}attr-{}", host.id_prefix, f.def.name))) }
            { for data.groups.iter().map(|g| link_group(g, data, props, &host.id_prefix)) }
        </section>
    }
}

/// What a typed target means: one of the candidates (by its full
/// description), else free text where allowed.
fn resolve_target(typed: &str, data: &ClaimData, free_text: bool) -> Result<Target, String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err("type a name, or pick one of the document's entities".into());
    }
    if let Some((id, _)) = data.candidates.iter().find(|(_, d)| d == typed) {
        return Ok(Target::Span(*id));
    }
    // A bare quote that names exactly one entity span is that span.
    let matching: Vec<_> = data.candidates.iter().filter(|(_, d)| d.starts_with(&format!("{typed} ("))).collect();
    if let [(id, _)] = matching.as_slice() {
        return Ok(Target::Span(*id));
    }
    if free_text {
        Ok(Target::Text(typed.to_string()))
    } else if matching.len() > 1 {
        Err(format!("“{typed}” is labelled more than once: pick one from the list"))
    } else {
        Err(format!("“{typed}” is not a labelled entity of this text"))
    }
}

fn link_group(g: &LinkGroup, data: &ClaimData, props: &ClaimFormProps, prefix: &str) -> Html {
    let input_id = format!("{prefix}link-{}", g.label);
    let list_id = format!("{prefix}link-options-{}", g.label);
    let input = NodeRef::default();
    let add = {
        let input = input.clone();
        let data = data.clone();
        let (label, free_text) = (g.label.clone(), g.free_text);
        let (onlink, onerror) = (props.onlink.clone(), props.onerror.clone());
        Callback::from(move |()| {
            let Some(el) = input.cast::<HtmlInputElement>() else { return };
            match resolve_target(&el.value(), &data, free_text) {
                Ok(target) => {
                    el.set_value("");
                    onlink.emit((label.clone(), target));
                }
                Err(e) => onerror.emit(e),
            }
        })
    };
    let onkeydown = {
        let add = add.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                add.emit(());
            }
        })
    };
    let onpick = {
        let (on, label) = (props.onpick.clone(), g.label.clone());
        Callback::from(move |_: MouseEvent| on.emit(label.clone()))
    };
    let picking = props.linking.as_deref() == Some(g.label.as_str());
    let placeholder = if g.free_text { "an entity, or a name not in the text" } else { "an entity of the text" };
    html! {
        <div class="mg-links" role="group" aria-labelledby={format!("{input_id}-title")}>
            <h4 id={format!("{input_id}-title")}>{ g.title.clone() }</h4>
            <ul>
                { for g.links.iter().map(|(rid, to)| {
                    let rid = *rid;
                    let onclick = props.onunlink.reform(move |_: MouseEvent| rid);
                    html! {
                        <li class="mg-link" data-relation={rid.to_string()}>
                            <span>{ to.clone() }</span>
                            <button type="button" class="mg-button mg-unlink" aria-label={format!("Remove the {} link to {to}", g.title)} {onclick}>{ "×" }</button>
                        </li>
                    }
                }) }
            </ul>
            <div class="mg-row">
                <input ref={input} id={input_id.clone()} list={list_id.clone()} {placeholder}
                    aria-label={format!("{}: add a link", g.title)} {onkeydown} />
                <button type="button" class="mg-button" onclick={add.reform(|_: MouseEvent| ())}>{ "Add" }</button>
                <button type="button" class="mg-button" aria-pressed={picking.to_string()} onclick={onpick}
                    title="Then click the entity in the text">{ "Pick in text" }</button>
            </div>
            <datalist id={list_id}>
                { for data.candidates.iter().map(|(_, d)| html! { <option value={d.clone()} /> }) }
            </datalist>
        </div>
    }
}
