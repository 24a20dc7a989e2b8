//! Keeps `--mg-header-h`, `--mg-footer-h` and `--mg-labels-h` equal to the
//! heights of the header, the status line and the label bar (at the bottom
//! on a phone) (the side panel fits between them; scrolled-to
//! text lands clear of them). A ResizeObserver reports their sizes as
//! layout computes them, so reading them forces no layout; setting the
//! properties restyles the whole widget, so it happens only on a change.

use crate::host::HostRef;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, ResizeObserver, ResizeObserverEntry, ResizeObserverSize};

const BARS: [(&str, &str); 3] = [("mg-header", "--mg-header-h"), ("mg-status", "--mg-footer-h"), ("mg-labels", "--mg-labels-h")];

/// Watches the bars until dropped.
pub struct BarHeights {
    observer: ResizeObserver,
    _callback: Closure<dyn FnMut(js_sys::Array)>,
}

impl Drop for BarHeights {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Measures the bars now (with the first render, so the observer's first
/// report finds the properties set and changes nothing), then on each resize.
/// The app's element and its bars live as long as the instance does.
pub fn watch(host: &HostRef) -> Option<BarHeights> {
    let app: HtmlElement = host.element.query_selector(".mg-app").ok().flatten()?.dyn_into().ok()?;
    let bars: Vec<(Element, &'static str)> = BARS
        .iter()
        .filter_map(|(class, property)| Some((app.query_selector(&format!(".{class}")).ok().flatten()?, *property)))
        .collect();
    // Every height read before any is set: a property set between two reads
    // made the second restyle the whole widget (a forced recalculation per
    // bar in the first render's effects).
    let heights: Vec<f64> = bars.iter().map(|(bar, _)| bar.get_bounding_client_rect().height()).collect();
    for ((_, property), height) in bars.iter().zip(heights) {
        set_height(&app, property, height);
    }
    let observer_bars = bars.clone();
    let observer_app = app.clone();
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        for entry in entries.iter() {
            let entry: ResizeObserverEntry = entry.unchecked_into();
            let target = entry.target();
            let Some((_, property)) = observer_bars.iter().find(|(bar, _)| *bar == target) else { continue };
            let size: ResizeObserverSize = entry.border_box_size().get(0).unchecked_into();
            set_height(&observer_app, property, size.block_size());
        }
    });
    let observer = ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
    for (bar, _) in &bars {
        observer.observe(bar);
    }
    Some(BarHeights { observer, _callback: callback })
}

fn set_height(app: &HtmlElement, property: &str, height: f64) {
    // Whole pixels, formatted as an integer (float formatting costs the
    // bundle about 7 KB for nothing here).
    let value = format!("{}px", height.ceil() as i64);
    if app.style().get_property_value(property).ok().as_deref() != Some(value.as_str()) {
        let _ = app.style().set_property(property, &value);
    }
}
