//! Saving as a download: the record (or a review's gold version), an
//! export in another format (saying what it cannot hold), and the
//! annotator's own version before another tab's is taken. The browser
//! refusing a download is said in a notice; nothing is dropped unseen.

use crate::flow_context::FlowContext;
use crate::hooks::event_detail;
use crate::host::{HostEvent, HostRef};
use crate::state::{Action, AppState, Notice, NoticeKind};
use crate::{clock, download};
use marginalia_core::formats::Format;
use marginalia_core::merge::Side;
use marginalia_core::record::Record;
use yew::prelude::*;

type State = UseReducerHandle<AppState>;

/// The save, downloaded as `<id>.marginalia.json` (then `save` for the
/// host), or during a review the gold version as `<id>.gold.marginalia.json`.
pub fn save(state: &State, host: &HostRef) -> Callback<()> {
    let (state, host) = (state.clone(), host.clone());
    Callback::from(move |_: ()| {
        let d = state.dispatcher();
        let mut info = state.save_info.clone();
        info.updated_at = Some(clock::now_iso());
        if let Some(adjudication) = state.mode.adjudication() {
            // The gold version, with the review's reviewers and sources in its meta.
            let record = (adjudication.ops.record)(&adjudication.gold, &info);
            let name = format!("{}.gold.marginalia.json", state.article().id);
            if download::download_text(&name, "application/json", &record.to_json()).is_err() {
                d.dispatch(Action::error("The browser refused the download; the review is still open.".into()));
            }
            return;
        }
        let record = Record::from_editor(&state.editor, &info, true);
        let name = format!("{}.marginalia.json", state.article().id);
        if download::download_text(&name, "application/json", &record.to_json()).is_err() {
            d.dispatch(Action::error("The browser refused the download; your work is still kept in this browser.".into()));
        } else {
            host.emit(HostEvent::Save, &event_detail(&state));
        }
    })
}

/// The record exported in `format`; what the format cannot hold is said
/// (one of the flows of the `flows` part, `file_flows.rs`).
pub fn export(cx: &FlowContext, format: Format) {
    let state = &cx.state;
    let d = state.dispatcher();
    let mut info = state.save_info.clone();
    info.updated_at = Some(clock::now_iso());
    let record = Record::from_editor(&state.editor, &info, true);
    wasm_bindgen_futures::spawn_local(async move {
        match download::export(&record, format).await {
            Ok(losses) if losses.is_empty() => {}
            Ok(losses) => d.dispatch(Action::Notify(Notice {
                kind: NoticeKind::Warning,
                text: format!("Exported as {}, which cannot hold everything: {}.", format.title(), losses.join("; ")),
                offer: None,
            })),
            Err(e) => d.dispatch(Action::error(format!("{e}; your work is still kept in this browser."))),
        }
    });
}

/// Another tab's version taken over this tab's: never drop the annotator's
/// version unseen — it is downloaded first (`<id>.mine.marginalia.json`);
/// no file, no switch.
pub fn take_theirs(state: &State) -> Callback<()> {
    let state = state.clone();
    Callback::from(move |_: ()| {
        let record = Record::from_editor(&state.editor, &state.save_info, true);
        let name = format!("{}.mine.marginalia.json", state.article().id);
        match download::download_text(&name, "application/json", &record.to_json()) {
            Ok(()) => state.dispatch(Action::ResolveTabConflict(Side::Theirs)),
            Err(_) => state.dispatch(Action::error("The browser refused to download your version, so the other tab's was not taken.".into())),
        }
    })
}
