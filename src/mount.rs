//! Starting an instance: on the standalone page (`window.marginalia`), or
//! in a host page's element through the exported `mount(element, options)`,
//! which resolves to the instance's handle once its first render is in
//! the page (`ready` follows when that frame is painted):
//!
//! ```js
//! import init, { mount } from "./marginalia-web.js";
//! await init();
//! const handle = await mount(document.querySelector("#annotator"), { article: { id, title, text } });
//! handle.on("change", (record) => …);   // and `marginalia:change` events on the element
//! handle.destroy();
//! ```
//!
//! The handle's methods are listed in `js_api.rs`; `on`, `off` and
//! `destroy` are added here. Destroying an instance unmounts it, which
//! removes every listener it installed.

use crate::app::{first_state, App, AppProps};
use crate::host::{Host, HostEvent, HostRef};
use marginalia_core::embed::EmbedOptions;
use crate::document_session;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::Element;

/// Marks an element that holds an instance, so a second `mount` on it is refused.
const MOUNTED_ATTR: &str = "data-marginalia";

fn set(object: &js_sys::Object, name: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(object, &JsValue::from_str(name), value);
}

fn js_error(msg: impl std::fmt::Display) -> JsValue {
    js_sys::Error::new(&msg.to_string()).into()
}

/// The standalone page: one instance for the page's lifetime.
pub fn standalone(root: Element, options: EmbedOptions, startup_error: Option<String>) {
    let host = Host::new(root.clone(), options, startup_error, true);
    if let Some(w) = web_sys::window() {
        set(&w, "marginalia", &host.api);
    }
    wasm_bindgen_futures::spawn_local(async move {
        prepare_first_state(&host).await;
        let app = yew::Renderer::<App>::with_root_and_props(root, AppProps { host: HostRef(host) }).render();
        // The page never unmounts it.
        std::mem::forget(app);
    });
}

/// The options without their annotations, and the annotations' JSON text
/// (a string given is that text already). Read into a tree of JSON values
/// with the options, then written out again for the record readers, a
/// record of 5,000 spans took 2.2 MB more of the page's memory, which a
/// page never gives back.
fn annotations_apart(options: &JsValue) -> Result<(JsValue, Option<String>), JsValue> {
    let key = JsValue::from_str("annotations");
    let annotations = js_sys::Reflect::get(options, &key)?;
    if annotations.is_undefined() || annotations.is_null() || !options.is_object() {
        return Ok((options.clone(), None));
    }
    let rest = js_sys::Object::assign(&js_sys::Object::new(), options.unchecked_ref());
    js_sys::Reflect::delete_property(&rest, &key)?;
    let text = match annotations.as_string() {
        Some(text) => text,
        None => js_sys::JSON::stringify(&annotations)?.into(),
    };
    Ok((rest.into(), Some(text)))
}

/// The first state, built before the first render: the annotations the
/// options give with their article read (their readers may be fetched on
/// first use), re-anchoring fetched when they or the stored work need it.
async fn prepare_first_state(host: &Host) {
    let options = &host.options;
    let given = match options.annotations_json().filter(|_| options.article.is_some()) {
        Some(json) => Some(document_session::read_annotations(&json, &host.schema).await),
        None => None,
    };
    let state = first_state(host, given).await;
    *host.first_state.borrow_mut() = Some(state);
}

/// Mounts an instance in `element` with `options` (see `docs/EMBEDDING.md`);
/// resolves to its handle once its first render is in the page and the
/// handle's methods work (`ready` follows when that frame is painted).
#[wasm_bindgen]
pub fn mount(element: Element, options: JsValue) -> Result<js_sys::Promise, JsValue> {
    if element.has_attribute(MOUNTED_ATTR) {
        return Err(js_error("this element already holds a Marginalia instance: destroy it first"));
    }
    let options = if options.is_undefined() || options.is_null() {
        EmbedOptions::default()
    } else {
        let (rest, annotations) = annotations_apart(&options)?;
        let json: String = js_sys::JSON::stringify(&rest)?.into();
        EmbedOptions { annotations: annotations.map(serde_json::Value::String), ..EmbedOptions::from_json(&json).map_err(js_error)? }
    };
    if !options.allowed_origins.is_empty() {
        // Said, not ignored: a host that sets it expects it to do something.
        return Err(js_error(
            "allowedOrigins is the standalone page's setting (its #mg-config, written by `cargo xtask build` from \
             MARGINALIA_PAGE_CONFIG): a mounted instance takes no frame messages and fetches no URL, so it has no use for it",
        ));
    }
    let host = Host::new(element.clone(), options, None, false);
    let api = host.api.clone();
    let _ = element.set_attribute(MOUNTED_ATTR, &host.id_prefix);

    let started = {
        let (host, api) = (host.clone(), api.clone());
        js_sys::Promise::new(&mut move |resolve, _reject| {
            let api = api.clone();
            host.when_started(move || {
                let _ = resolve.call1(&JsValue::NULL, &api);
            });
        })
    };

    let on = {
        let host = host.clone();
        Closure::<dyn Fn(String, js_sys::Function) -> Result<(), JsValue>>::new(move |name: String, f| {
            let event = HostEvent::from_name(&name).ok_or_else(|| js_error(format!("no event {name:?}: use ready, change, save or error")))?;
            host.on(event, f);
            Ok(())
        })
        .into_js_value()
    };
    set(&api, "on", &on);
    let off = {
        let host = host.clone();
        Closure::<dyn Fn(String, js_sys::Function)>::new(move |name: String, f: js_sys::Function| {
            if let Some(event) = HostEvent::from_name(&name) {
                host.off(event, &f);
            }
        })
        .into_js_value()
    };
    set(&api, "off", &off);

    // Rendered once the given annotations are read; `None` again once destroyed.
    let app = Rc::new(RefCell::new(None));
    let destroyed = Rc::new(Cell::new(false));
    {
        let (host, element, app, destroyed) = (host.clone(), element.clone(), app.clone(), destroyed.clone());
        wasm_bindgen_futures::spawn_local(async move {
            prepare_first_state(&host).await;
            if !destroyed.get() {
                *app.borrow_mut() = Some(yew::Renderer::<App>::with_root_and_props(element, AppProps { host: HostRef(host) }).render());
            }
        });
    }
    let destroy = {
        let (host, element) = (host.clone(), element.clone());
        Closure::<dyn Fn()>::new(move || {
            if !destroyed.replace(true) {
                if let Some(app) = app.borrow_mut().take() {
                    app.destroy();
                }
                host.clear();
                for name in ["on", "off", "destroy"] {
                    let _ = js_sys::Reflect::delete_property(&host.api, &JsValue::from_str(name));
                }
                let _ = element.remove_attribute(MOUNTED_ATTR);
            }
        })
        .into_js_value()
    };
    set(&api, "destroy", &destroy);
    Ok(started)
}
