//! The document toolbar: open, paste, save, export, undo/redo, precision,
//! schema.

use crate::host::use_host;
use marginalia_core::formats::Format;
use web_sys::{File, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    pub can_undo: bool,
    pub can_redo: bool,
    pub character_precision: bool,
    pub paste_open: bool,
    pub onopen: Callback<File>,
    pub onschema: Callback<File>,
    /// A patterns file (spaCy EntityRuler JSONL) to suggest spans from.
    pub onpatterns: Callback<File>,
    /// Several annotators' saves of one text, to review.
    pub onreview: Callback<Vec<File>>,
    /// A suggestion endpoint is configured: ask it, keeping spans scored at
    /// least the minimum given.
    #[prop_or_default]
    pub model: bool,
    #[prop_or_default]
    pub onmodel: Callback<f64>,
    pub onsave: Callback<()>,
    pub onexport: Callback<Format>,
    pub onundo: Callback<()>,
    pub onredo: Callback<()>,
    pub onprecision: Callback<()>,
    pub onpaste: Callback<()>,
}

/// A visually hidden file input behind a real button, so the control is a
/// named button in the tab order and the input still takes files
/// (`multiple`: several at once).
fn file_picker(id: String, label: &'static str, accept: &'static str, multiple: bool, on: Callback<Vec<File>>) -> Html {
    let input = NodeRef::default();
    let onclick = {
        let input = input.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(i) = input.cast::<HtmlInputElement>() {
                i.click();
            }
        })
    };
    let onchange = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        if let Some(list) = input.files() {
            let files: Vec<File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
            if !files.is_empty() {
                on.emit(files);
            }
        }
        // Choosing the same file again must fire again.
        input.set_value("");
    });
    html! {
        <>
            <button type="button" class="mg-button" {onclick}>{ label }</button>
            <input ref={input} {id} type="file" {multiple} class="mg-visually-hidden" tabindex="-1" aria-label={label} {accept} {onchange} />
        </>
    }
}

/// The first file chosen (for a picker of one file).
fn first(on: &Callback<File>) -> Callback<Vec<File>> {
    on.reform(|mut files: Vec<File>| files.swap_remove(0))
}

/// "Suggest (model)" with its minimum score (0–1).
fn model_control(on: &Callback<f64>, host: &crate::host::Host) -> Html {
    let input = NodeRef::default();
    let onclick = {
        let (on, input) = (on.clone(), input.clone());
        Callback::from(move |_: MouseEvent| {
            // The browser's own number parsing (NaN when empty or invalid):
            // `str::parse::<f64>` would add the standard float parser and
            // its tables (some 15 KB of wasm) for this one field.
            let min = input.cast::<HtmlInputElement>().map(|i| i.value_as_number()).filter(|v| v.is_finite()).unwrap_or(0.5);
            on.emit(min.clamp(0.0, 1.0));
        })
    };
    html! {
        <span class="mg-export">
            <label for={host.id("min-score")}>{ "Min. score" }</label>
            <input ref={input} id={host.id("min-score")} class="mg-select mg-score" type="number" min="0" max="1" step="0.05" value="0.5" />
            <button type="button" id={host.id("ask-model")} class="mg-button" {onclick}>{ "Suggest (model)" }</button>
        </span>
    }
}

/// A format menu and its button: the export runs on the button (or Enter
/// in the menu), never on merely moving through the options by keyboard.
fn export_control(on: &Callback<Format>, host: &crate::host::Host) -> Html {
    let select = NodeRef::default();
    let chosen = {
        let select = select.clone();
        move || select.cast::<HtmlSelectElement>().and_then(|s| Format::from_name(&s.value()))
    };
    let onclick = {
        let (on, chosen) = (on.clone(), chosen.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(f) = chosen() {
                on.emit(f)
            }
        })
    };
    let onkeydown = {
        let on = on.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                if let Some(f) = chosen() {
                    on.emit(f)
                }
            }
        })
    };
    html! {
        <span class="mg-export">
            <label for={host.id("export-format")} class="mg-visually-hidden">{ "Export format" }</label>
            <select id={host.id("export-format")} ref={select} class="mg-select" {onkeydown}>
                // `selected` said outright: Yew inserts list children last
                // first, and a select picks the first option inserted.
                { for Format::ALL.iter().enumerate().map(|(i, f)| html! { <option value={f.name()} selected={i == 0}>{ f.title() }</option> }) }
            </select>
            <button type="button" id={host.id("export")} class="mg-button" {onclick}>{ "Export" }</button>
        </span>
    }
}

#[component]
pub fn Toolbar(props: &ToolbarProps) -> Html {
    let host = use_host();
    let click = |cb: &Callback<()>| cb.reform(|_: MouseEvent| ());
    html! {
        <div class="mg-toolbar" role="toolbar" aria-label="Document">
            { file_picker(host.id("file-input"), "Open file…", ".txt,.html,.htm,.json,.jsonl,.jsonld,.ann,text/plain,text/html,application/json", false, first(&props.onopen)) }
            <button type="button" id={host.id("paste-toggle")} class="mg-button" aria-expanded={props.paste_open.to_string()}
                aria-controls={host.id("paste")} onclick={click(&props.onpaste)}>{ "Paste text…" }</button>
            <button type="button" id={host.id("save")} class="mg-button mg-primary" onclick={click(&props.onsave)}>{ "Save JSON" }</button>
            { export_control(&props.onexport, &host) }
            <button type="button" id={host.id("undo")} class="mg-button" disabled={!props.can_undo} aria-keyshortcuts="Control+Z"
                title="Undo (Ctrl+Z)" onclick={click(&props.onundo)}>{ "Undo" }</button>
            <button type="button" id={host.id("redo")} class="mg-button" disabled={!props.can_redo} aria-keyshortcuts="Control+Shift+Z Control+Y"
                title="Redo (Ctrl+Shift+Z or Ctrl+Y)" onclick={click(&props.onredo)}>{ "Redo" }</button>
            <button type="button" id={host.id("precision")} class="mg-button" aria-pressed={props.character_precision.to_string()}
                title="Select single characters instead of whole tokens (or hold Alt while selecting)"
                onclick={click(&props.onprecision)}>{ "Character precision" }</button>
            { file_picker(host.id("schema-input"), "Label schema…", ".json,application/json", false, first(&props.onschema)) }
            { file_picker(host.id("patterns-input"), "Patterns…", ".jsonl,.json,application/jsonl,application/json", false, first(&props.onpatterns)) }
            { file_picker(host.id("review-input"), "Review saves…", ".json,.jsonl,.jsonld,application/json", true, props.onreview.clone()) }
            if props.model {
                { model_control(&props.onmodel, &host) }
            }
        </div>
    }
}
