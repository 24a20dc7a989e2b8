//! Marginalia's web app: the Yew components over `marginalia-core`, with the
//! browser glue in small modules named for what they do.
//!
//! Two ways in: the standalone page (`index.html` has `#mg-root`; `main`
//! starts it there through `standalone.rs`, and it exposes
//! `window.marginalia`), and `mount(element, options)` for a host page that
//! imports the module (see `mount.rs`).

mod adjudication_view;
mod anchoring;
mod after_paint;
mod app;
mod bar_heights;
mod article_input;
mod clock;
mod console;
mod deadline;
mod document_session;
mod components;
mod download;
mod file_flows;
mod file_open;
mod file_read;
mod flow_context;
mod frame_messages;
mod gestures;
mod host;
mod hooks;
mod host_commands;
mod html_import;
mod idle;
mod installed;
mod js_api;
mod keymap;
mod lazy_detail;
mod markdown;
mod markup;
mod merging;
mod model_suggest;
mod mount;
mod on_demand;
mod opening;
mod page_config;
mod panic_report;
mod parent_frame;
mod percent;
mod reanchoring;
mod remote_save;
mod save_flows;
mod save_param;
mod selection_map;
mod standalone;
mod state;
mod storage;
mod stored_work;
mod style_classes;
mod tab_sync;
mod text_geometry;
mod text_search;
mod timer;
mod url_params;
mod view_model;
mod viewport;

fn main() {
    panic_report::install();
    prepare_when_idle();
    // A host page that imports the module has no #mg-root: it calls `mount`.
    let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("mg-root")) else {
        return;
    };
    standalone::start(root);
}

/// What every first document needs, made while the page waits for it (the
/// module is instantiated as it is imported, usually well before the
/// host's `mount()`): the tokenizer's tables (`ready`'s detail needs the
/// tokens) and the news schema.
fn prepare_when_idle() {
    let work = idle::IdleWork::start(|_| {
        marginalia_core::tokenize::prepare();
        host::news_schema();
        true
    });
    // Once per page, for the page's life (a `mount()` before it ran does
    // the same work itself: both are built on first use).
    std::mem::forget(work);
}

#[cfg(test)]
mod module_graph_tests;
#[cfg(test)]
mod relations_tests;
