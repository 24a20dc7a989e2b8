//! The page around one Marginalia instance: the element it lives in, the
//! options it was given, the handle object the page holds, and the events it
//! reports — as callbacks registered with `handle.on(name, fn)` and as DOM
//! `CustomEvent`s (`marginalia:change`…) dispatched on the host element.
//!
//! Several instances can share a page: each has its own host, its own
//! element ids (`mg-…` for the first, `mg2-…`, `mg3-…` for the next) and
//! its own listeners, removed when it is destroyed.

use crate::after_paint::FirstPaint;
use crate::console::{self, Level};
use crate::state::AppState;
use marginalia_core::embed::EmbedOptions;
use marginalia_core::label_schema::LabelSchema;
use std::cell::{Cell, OnceCell, RefCell};
use std::rc::Rc;
use std::sync::Arc;
use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit, Element};

/// What an instance reports to its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostEvent {
    /// The instance is mounted and its handle works.
    Ready,
    /// The annotations changed (reported once a burst of changes settles).
    Change,
    /// The annotations were saved (downloaded, or sent to the save endpoint).
    Save,
    /// Something the user or the page asked for failed; the message is shown in the page too.
    Error,
}

impl HostEvent {
    pub const ALL: [HostEvent; 4] = [HostEvent::Ready, HostEvent::Change, HostEvent::Save, HostEvent::Error];

    pub fn name(self) -> &'static str {
        match self {
            HostEvent::Ready => "ready",
            HostEvent::Change => "change",
            HostEvent::Save => "save",
            HostEvent::Error => "error",
        }
    }

    pub fn from_name(name: &str) -> Option<HostEvent> {
        HostEvent::ALL.into_iter().find(|e| e.name() == name)
    }
}

pub struct Host {
    /// The element the instance renders into; its events are dispatched here.
    pub element: Element,
    pub options: EmbedOptions,
    /// The standalone page (not `mount`ed): it restores the document open
    /// last in this browser and answers to `window.marginalia`.
    pub standalone: bool,
    /// The object the page holds (`window.marginalia`, or what `mount`
    /// resolves to); the app puts its methods on it while it runs.
    pub api: js_sys::Object,
    /// Prefix of this instance's element ids: `mg-`, `mg2-`…
    pub id_prefix: String,
    /// Options that could not be used, shown in the page once it is up.
    pub startup_error: Option<String>,
    /// The parent frame's origin, when this page is embedded in an iframe
    /// by an allowed origin: events are posted there, and only there.
    pub post_to_parent: Option<String>,
    /// The instance's first painted frame, watched from before its first
    /// render (`ready` waits for it).
    pub first_paint: FirstPaint,
    /// What waits for the handle's methods (`mount`'s promise): called once
    /// they are installed, as the first render runs (`hooks/js_api_install.rs`).
    on_started: RefCell<Option<Box<dyn FnOnce()>>>,
    callbacks: RefCell<Vec<(HostEvent, js_sys::Function)>>,
    /// `ready`'s detail once it was emitted: replayed to a callback
    /// registered later (`mount` may resolve before or after `ready`, so a
    /// handle's `on("ready", fn)` may come late).
    ready: RefCell<Option<JsValue>>,
    /// The first state, built before the first render (`mount.rs`: the
    /// options' annotations read, re-anchoring fetched if needed) and taken
    /// by the root component.
    pub first_state: RefCell<Option<AppState>>,
    /// The schema the instance starts with, decided once: the options',
    /// else (standalone page) the one stored, else the news default. Both
    /// the given annotations and the first state are read with it.
    pub schema: Arc<LabelSchema>,
    /// Why the options' schema was not used, said in the first notice.
    pub schema_problem: Option<String>,
    /// Told when the window is resized (the drawing over the article,
    /// which lives in a part: a part cannot make a browser listener of its
    /// own, so the viewport's tells it).
    pub on_resize: RefCell<Option<yew::Callback<()>>>,
}

/// The options' schema, else the stored one (standalone page), else the
/// news default; with why the options' one was refused.
fn first_schema(options: &EmbedOptions, standalone: bool) -> (Arc<LabelSchema>, Option<String>) {
    let (schema, problem) = match &options.schema {
        Some(value) => match LabelSchema::from_json(&value.to_string()) {
            Ok(schema) => (Some(schema), None),
            Err(e) => (None, Some(format!("The label schema given was not used: {e}"))),
        },
        None if standalone => (crate::storage::load_schema(), None),
        None => (None, None),
    };
    (schema.map(Arc::new).unwrap_or_else(news_schema), problem)
}

/// The news default, read once per page (the idle moment after the module
/// is instantiated reads it, before the first `mount()`).
pub fn news_schema() -> Arc<LabelSchema> {
    NEWS_SCHEMA.with(|s| s.get_or_init(|| Arc::new(LabelSchema::news_default())).clone())
}

thread_local! {
    static NEWS_SCHEMA: OnceCell<Arc<LabelSchema>> = const { OnceCell::new() };
    /// Instances created so far on this page (for distinct id prefixes).
    static INSTANCES: Cell<usize> = const { Cell::new(0) };
}

impl Host {
    pub fn new(element: Element, options: EmbedOptions, startup_error: Option<String>, standalone: bool) -> Rc<Host> {
        // An embedded standalone page talks to its parent frame, if the
        // parent's origin is allowed.
        let post_to_parent = standalone.then(crate::parent_frame::allowed_parent_origin).flatten().filter(|parent| {
            marginalia_core::embed::origin_allowed(parent, &crate::url_params::page_origin(), &options.allowed_origins)
        });
        let n = INSTANCES.with(|c| {
            c.set(c.get() + 1);
            c.get()
        });
        let id_prefix = if n == 1 { "mg-".to_string() } else { format!("mg{n}-") };
        let (schema, schema_problem) = first_schema(&options, standalone);
        Rc::new(Host {
            schema,
            schema_problem,
            element,
            options,
            standalone,
            api: js_sys::Object::new(),
            id_prefix,
            startup_error,
            post_to_parent,
            first_paint: FirstPaint::start(),
            on_started: RefCell::new(None),
            callbacks: RefCell::new(Vec::new()),
            ready: RefCell::new(None),
            first_state: RefCell::new(None),
            on_resize: RefCell::new(None),
        })
    }

    /// This instance's id for `name` (`article` → `mg-article`).
    pub fn id(&self, name: &str) -> String {
        format!("{}{name}", self.id_prefix)
    }

    /// `#mg-article`, as a CSS selector.
    pub fn selector(&self, name: &str) -> String {
        format!("#{}{name}", self.id_prefix)
    }

    /// The element of this instance with id `name` (looked up inside the
    /// host element, so another instance's element is never found).
    pub fn find(&self, name: &str) -> Option<Element> {
        self.element.query_selector(&self.selector(name)).ok().flatten()
    }

    /// Runs `then` once the handle's methods are installed.
    pub fn when_started(&self, then: impl FnOnce() + 'static) {
        *self.on_started.borrow_mut() = Some(Box::new(then));
    }

    /// The handle's methods are installed: runs what waited for them.
    pub fn started(&self) {
        let then = self.on_started.borrow_mut().take();
        if let Some(then) = then {
            then();
        }
    }

    /// Registers `callback` for `event`. Registered for `ready` after it
    /// was emitted, it is called once with the same detail, in a microtask
    /// (after `on` returns, as the other callbacks are).
    pub fn on(&self, event: HostEvent, callback: js_sys::Function) {
        if let (HostEvent::Ready, Some(detail)) = (event, self.ready.borrow().clone()) {
            let f = callback.clone();
            wasm_bindgen_futures::spawn_local(async move { call(event, &f, &detail) });
        }
        self.callbacks.borrow_mut().push((event, callback));
    }

    pub fn off(&self, event: HostEvent, callback: &js_sys::Function) {
        self.callbacks.borrow_mut().retain(|(e, f)| !(*e == event && f == callback));
    }

    /// Calls the callbacks registered for `event` and dispatches
    /// `marginalia:<event>` (bubbling, crossing shadow roots) on the host
    /// element, with `detail`. A throwing callback does not stop the others.
    pub fn emit(&self, event: HostEvent, detail: &JsValue) {
        if event == HostEvent::Ready {
            *self.ready.borrow_mut() = Some(detail.clone());
        }
        let callbacks: Vec<js_sys::Function> =
            self.callbacks.borrow().iter().filter(|(e, _)| *e == event).map(|(_, f)| f.clone()).collect();
        for f in callbacks {
            call(event, &f, detail);
        }
        let init = CustomEventInit::new();
        init.set_detail(detail);
        init.set_bubbles(true);
        init.set_composed(true);
        if let Ok(e) = CustomEvent::new_with_event_init_dict(&format!("marginalia:{}", event.name()), &init) {
            let _ = self.element.dispatch_event(&e);
        }
        if let Some(origin) = &self.post_to_parent {
            crate::parent_frame::post_event(origin, event.name(), detail);
        }
    }

    /// Forgets every callback (on destroy).
    pub fn clear(&self) {
        self.callbacks.borrow_mut().clear();
    }
}

/// Calls one callback; one that throws is reported and stops nothing.
fn call(event: HostEvent, f: &js_sys::Function, detail: &JsValue) {
    if let Err(e) = f.call1(&JsValue::NULL, detail) {
        console::say(Level::Error, &format!("a marginalia:{} callback threw:", event.name()), Some(&e));
    }
}

/// A host as a Yew property or context: equal only to itself.
#[derive(Clone)]
pub struct HostRef(pub Rc<Host>);

impl PartialEq for HostRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for HostRef {
    type Target = Host;
    fn deref(&self) -> &Host {
        &self.0
    }
}

/// The host of the instance a component renders in.
#[yew::hook]
pub fn use_host() -> HostRef {
    yew::use_context::<HostRef>().expect("components render inside App, which provides the host")
}
