//! Marginalia's web app: the Yew components over `marginalia-core`, with the
//! browser glue in small modules named for what they do.

mod app;
mod clock;
mod components;
mod download;
mod file_open;
mod file_read;
mod gestures;
mod html_import;
mod js_api;
mod keymap;
mod panic_report;
mod remote_save;
mod save_param;
mod selection_map;
mod state;
mod storage;
mod view_model;
mod viewport;

fn main() {
    panic_report::install();
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("mg-root"))
        .expect("index.html has #mg-root");
    yew::Renderer::<app::App>::with_root(root).render();
}
