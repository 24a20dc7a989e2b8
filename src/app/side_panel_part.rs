//! The side panel arrives just after the first paint: its code (the panel,
//! the claim form, the document's forms, the review and suggestion panels, the guidelines,
//! about 39 KB of the first load gzipped) is a part of its own, fetched
//! once the instance's first frame is painted, so the article and its
//! highlights come first and its compiling and drawing never delay them. Until then its place is kept (the same box, marked busy)
//! and nothing moves when it comes; a part that cannot be fetched is said
//! there, with a way to try again. Labelling with the mouse and the keys
//! never waits for it.

use super::Page;
use crate::after_paint::AfterPaint;
use crate::host::HostRef;
use crate::on_demand::on_demand;
use std::cell::Cell;
use yew::prelude::*;

type View = fn(&Page) -> Html;

thread_local! {
    /// The panel's view once its part is here (for every instance).
    static VIEW: Cell<Option<View>> = const { Cell::new(None) };
}

on_demand!(side_panel;
    /// The panel's view (with the guidelines, `?`): its code is this part's.
    pub(super) fn side_panel_view() -> View {
        Page::side_panel
    }
);

/// Where the part stands for this instance.
#[derive(Clone, PartialEq)]
pub(super) enum Part {
    Loading,
    /// It could not be fetched: trying again starts another fetch.
    Failed(Callback<()>),
    Here,
}

/// Fetches the part after the first paint (again when asked to).
#[hook]
pub(super) fn use_side_panel_part(host: &HostRef) -> Part {
    let here = || VIEW.with(Cell::get).is_some();
    let attempt = use_state(|| 0u32);
    let failed = use_state(|| false);
    let arrived = use_state(here);
    // The job waiting for the paint (dropped with the instance: cancelled).
    let waiting = use_mut_ref(|| None::<AfterPaint>);
    {
        let (failed, arrived, host) = (failed.clone(), arrived.clone(), host.clone());
        use_effect_with(*attempt, move |_| {
            if !here() {
                let fetch = move || {
                    wasm_bindgen_futures::spawn_local(async move {
                        super::flows::fetch_ahead();
                        crate::on_demand::text_search::fetch_ahead();
                        match side_panel_view().await {
                            Ok(view) => {
                                VIEW.with(|v| v.set(Some(view)));
                                arrived.set(true);
                            }
                            Err(_) => failed.set(true),
                        }
                    })
                };
                *waiting.borrow_mut() = Some(host.first_paint.then(fetch));
            }
        });
    }
    if *arrived || here() {
        return Part::Here;
    }
    if *failed {
        let (attempt, failed) = (attempt.clone(), failed.clone());
        return Part::Failed(Callback::from(move |_: ()| {
            failed.set(false);
            attempt.set(*attempt + 1);
        }));
    }
    Part::Loading
}

/// The side panel, or its place while its part is on the way.
pub(super) fn side_panel(page: &Page, part: &Part) -> Html {
    if let Some(view) = VIEW.with(Cell::get) {
        return view(page);
    }
    let id = page.host.id("panel");
    match part {
        Part::Failed(retry) => html! {
            <aside {id} class="mg-panel" aria-label="Annotations">
                <p role="alert">{ "The side panel could not be loaded (is the network there?). Labelling works without it; your work is kept." }</p>
                <button type="button" class="mg-button" onclick={retry.reform(|_: MouseEvent| ())}>{ "Try again" }</button>
            </aside>
        },
        _ => html! { <aside {id} class="mg-panel" aria-busy="true" aria-label="Annotations (loading)"></aside> },
    }
}
