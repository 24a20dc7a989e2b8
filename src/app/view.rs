//! The page `App` draws: the header (find, toolbar, labels, notices,
//! conflicts), the article and the side panel, the chooser and the status
//! line. Plain functions of one render's [`Page`]: no state of their own.

use super::project_guidelines::ProjectGuidelines;
use super::side_panel_part;
use super::{panels, Page};
use crate::components::article_view::ArticleView;
use crate::components::chooser::{chooser_items, ChooserMenu};
use crate::components::find_box::FindBox;
use crate::components::guidelines::Guidelines;
use crate::on_demand;
use crate::components::label_bar::LabelBar;
use crate::components::notice_bar::NoticeBar;
use crate::components::paste_dialog::PasteDialog;
use crate::components::save_conflict::SaveConflict;
use crate::components::relations_view::RelationsView;
use crate::components::side_panel::SidePanel;
use crate::components::status_bar::StatusBar;
use crate::components::tab_conflict::TabConflict;
use crate::components::toolbar::Toolbar;
use crate::host::HostRef;
use crate::save_flows;
use crate::state::{Action, TabConflict as Conflict};
use marginalia_core::label_schema::CLAIM_LAYER;
use marginalia_core::merge::Side;
use marginalia_core::snap::Precision;
use web_sys::DragEvent;
use yew::prelude::*;

impl Page {
    pub fn render(&self) -> Html {
        let (state, host) = (&self.state, &self.host);
        let ondrop = self.on_drop();
        let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
        html! {
            <ContextProvider<HostRef> context={host.clone()}>
            // `mg-has-selected`: on a phone the side panel opens as a sheet over the text.
            <div class={classes!("mg-app", host.options.theme.class(), state.read_only.then_some("mg-read-only"),
                state.focus.selected().is_some().then_some("mg-has-selected"))} {ondrop} {ondragover}>
                if !host.standalone {
                    <div class="mg-crash" role="alert" hidden=true></div>
                }
                { self.skip_link() }
                { self.header() }
                if *self.paste_open {
                    <PasteDialog onopen={self.flows.paste.clone()} onclose={{ let p = self.paste_open.clone(); Callback::from(move |_| p.set(false)) }} />
                }
                <p id={host.id("help")} class="mg-visually-hidden">
                    { "Select text with the mouse, or use the arrow keys to move through words and Shift with arrows to extend; then press a label's number key. Tab reaches each annotation; Delete removes the selected one." }
                </p>
                <div class="mg-body">
                    // The overlay (relations drawn, a review's marks) is the
                    // article's sibling: the viewport walks only the text.
                    <div class="mg-article-box">
                        <ArticleView title={AttrValue::from(state.article().title.clone())} views={state.views.clone()} />
                        <div id={host.id("overlay")} class="mg-overlay"></div>
                    </div>
                    { side_panel_part::side_panel(self, &self.side_part) }
                </div>
                if let Some(chooser) = state.focus.chooser() {
                    <ChooserMenu
                        chooser={chooser.clone()}
                        items={chooser_items(&state.editor, chooser)}
                        onchoose={{ let d = state.dispatcher(); Callback::from(move |id| d.dispatch(Action::SelectSpan { id, scroll: false })) }}
                        onclose={panels::act(state, || Action::Escape)}
                    />
                }
                { self.status_bar() }
            </div>
            </ContextProvider<HostRef>>
        }
    }

    fn header(&self) -> Html {
        let (state, on, flows) = (&self.state, &self.on, &self.flows);
        let editor = &state.editor;
        html! {
            <header class="mg-header">
                <div class="mg-brand">
                    <h1>{ "Marginalia" }</h1>
                    <span class="mg-doc" title={state.article().title.clone()}>{ state.article().title.clone() }</span>
                    <FindBox onfind={on.find.clone()} />
                </div>
                <Toolbar
                    can_undo={editor.history().can_undo()}
                    can_redo={editor.history().can_redo()}
                    character_precision={state.precision == Precision::Character}
                    paste_open={*self.paste_open}
                    onopen={flows.open_file.clone()}
                    onschema={flows.open_schema.clone()}
                    onpatterns={flows.open_patterns.clone()}
                    onreview={flows.open_review.clone()}
                    model={flows.model}
                    onmodel={flows.ask_model.clone()}
                    onsave={flows.save.clone()}
                    onexport={flows.export.clone()}
                    onundo={on.undo.clone()}
                    onredo={on.redo.clone()}
                    onprecision={on.precision.clone()}
                    onpaste={{ let p = self.paste_open.clone(); Callback::from(move |_| p.set(!*p)) }}
                />
                <LabelBar schema={editor.schema().clone()} onlabel={on.label.clone()} />
                // In the sticky header: a message about a file opened while
                // the article is scrolled must show where the user is looking.
                <NoticeBar notice={state.notice.clone()} onaccept={flows.accept_offer.clone()} ondismiss={on.dismiss_notice.clone()} />
                if let Some(c) = &state.tab_conflict {
                    { self.tab_conflict(c) }
                }
                if let Some(r) = self.remote.as_ref().filter(|r| r.view.conflict) {
                    <SaveConflict pending={r.view.pending} onkeepmine={r.keep_mine.clone()} onloadtheirs={r.load_theirs.clone()} />
                }
            </header>
        }
    }

    /// The first stop of Tab: straight to the article, past the toolbar
    /// and the labels (shown only while focused).
    fn skip_link(&self) -> Html {
        let article = self.host.id("article");
        let onclick = Callback::from(move |_: MouseEvent| {
            let element = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(&article));
            if let Some(e) = element.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok()) {
                let _ = e.focus();
            }
        });
        html! { <button type="button" class="mg-button mg-skip" {onclick}>{ "Skip to the article" }</button> }
    }

    /// The guidelines panel, at the top of the side panel (its part's code).
    fn guidelines(&self) -> Html {
        let d = self.state.dispatcher();
        let project = match &self.state.editor.schema().guidelines {
            Some(source) => html! { <ProjectGuidelines source={AttrValue::from(source.clone())} /> },
            None => html! {},
        };
        html! {
            <Guidelines schema={self.state.editor.schema().clone()} {project} onclose={Callback::from(move |_| d.dispatch(Action::ToggleGuidelines))} />
        }
    }

    /// Another tab's conflicting changes, each quoted from the article.
    fn tab_conflict(&self, c: &Conflict) -> Html {
        let state = &self.state;
        let article = state.article().clone();
        let quote = move |a: usize, b: usize| article.slice(a, b).to_string();
        let conflicts = c.conflicts.iter().map(|x| AttrValue::from(x.describe(&quote))).collect::<Vec<_>>();
        html! {
            <TabConflict
                {conflicts}
                onkeepmine={{ let d = state.dispatcher(); Callback::from(move |_: ()| d.dispatch(Action::ResolveTabConflict(Side::Mine))) }}
                ontaketheirs={save_flows::take_theirs(state)} />
        }
    }

    /// The side panel (its code is `side_panel_part`'s part).
    pub(super) fn side_panel(&self) -> Html {
        let (state, on, side) = (&self.state, &self.on, &self.side);
        let editor = &state.editor;
        let selected = state.focus.selected().and_then(|id| editor.annotations().get(id)).map(|s| {
            (s.id, s.label.clone(), editor.article().slice(s.start, s.end).to_string())
        });
        html! {
            <SidePanel
                groups={side.groups.clone()}
                listed={side.listed}
                total={editor.annotations().len()}
                {selected}
                onselect={on.select_item.clone()}
                ondelete={on.delete_selected.clone()}
                onclose={panels::act(state, || Action::Escape)}
                document={panels::document_form(state, on.status.clone(), on.document_label.clone())}
                claim={html! { <>{ panels::claim_form(state) }{ panels::span_form(state, &self.host) }</> }}
                guidelines={if state.guidelines_open { self.guidelines() } else { html! {} }}
                review={html! { <>{ on_demand::review::adjudication_panel(state, &self.flows.save) }{ panels::review_panel(state) }</> }}
                revision={editor.revision()}
                relations={html! {
                    <RelationsView state={state.clone()} revision={(state.revision, editor.revision())} selected={state.focus.selected()}
                        article={state.article().clone()} layout={state.views.clone()}
                        marks={on_demand::review::disputed_marks(state)} onselect={on.select_item.clone()} />
                }}
                suggestions={panels::suggestion_panel(state, &self.host)}
                onpropagate={on.propagate.clone()}
                hidden={state.hidden.clone()}
                layers={side.layers.clone()}
                onvisible={on.visible.clone()}
                onshowall={side.on_show_all.clone()}
            />
        }
    }

    fn status_bar(&self) -> Html {
        let state = &self.state;
        let editor = &state.editor;
        let claims = editor.annotations().iter().filter(|s| s.layer == CLAIM_LAYER).count();
        let selection = state.focus.pending().map(|(s, e)| AttrValue::from(editor.article().slice(s, e).to_string()));
        let remote = self.remote.as_ref().map(|r| (r.view.text.clone(), r.view.kind));
        html! {
            <StatusBar spans={editor.annotations().len()} {claims} suggestions={state.suggestions.len()}
                status={editor.annotations().status().map(|s| s.state.title())} {selection} stored={self.stored.clone()}
                {remote} />
        }
    }
}
