//! Relations where the annotator looks: listed in the side panel ("who
//! claims what") and drawn as arcs over the article — the selected span's
//! relations, or every one while "Draw all relations" is on — together
//! with the review's marks (each annotator's version of a disputed item).
//!
//! The drawing goes into the article's overlay (`#…overlay`, beside the
//! text in the first load) through a portal, so the code that measures and
//! draws comes with the side panel's part.

use crate::components::article_overlay::{ArticleOverlay, Link, Mark};
use crate::components::relation_list::{linked_spans, LinkedSpan, RelationList};
use crate::host::use_host;
use crate::state::AppState;
use crate::view_model::ParagraphView;
use marginalia_core::article::Article;
use marginalia_core::span::SpanId;
use std::rc::Rc;
use std::sync::Arc;
use yew::prelude::*;

/// At most this many arcs are drawn at once: past it the article would be
/// a thicket, and each arc is measured after every edit.
pub const MOST_ARCS: usize = 300;

#[derive(Properties)]
pub struct RelationsViewProps {
    /// The app's state, read for the annotations. A handle always reads the
    /// latest state, so what the view changes with is in the props below.
    pub state: UseReducerHandle<AppState>,
    /// The state's and the editor's revisions.
    pub revision: (u64, u64),
    pub selected: Option<SpanId>,
    pub article: Arc<Article>,
    /// The paragraphs drawn now (a new list whenever the layout may differ).
    pub layout: Rc<Vec<Rc<ParagraphView>>>,
    pub marks: Rc<Vec<Mark>>,
    pub onselect: Callback<SpanId>,
}

impl PartialEq for RelationsViewProps {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision
            && self.selected == other.selected
            && Arc::ptr_eq(&self.article, &other.article)
            && Rc::ptr_eq(&self.layout, &other.layout)
            && self.marks == other.marks
            && self.onselect == other.onselect
    }
}

/// The arcs to draw: every relation to a span when `all`, else those that
/// leave from or land on `selected`.
pub fn arcs_to_draw(spans: &[LinkedSpan], selected: Option<SpanId>, all: bool) -> Vec<Link> {
    let mut out = Vec::new();
    for s in spans {
        for l in &s.links {
            let Some((to, start, end)) = l.span else { continue };
            if all || selected == Some(s.id) || selected == Some(to) {
                out.push(Link { from: (s.start, s.end), to: (start, end), label: l.relation.clone() });
            }
        }
    }
    out.truncate(MOST_ARCS);
    out
}

#[component]
pub fn RelationsView(props: &RelationsViewProps) -> Html {
    let host = use_host();
    let all = use_state(|| false);
    let spans = {
        let state = props.state.clone();
        // The editor's revision too: another tab's work comes in without one of this tab's.
        use_memo(props.revision, move |_| linked_spans(&state.editor))
    };
    let selected = props.selected;
    let arcs = {
        let all = *all;
        use_memo((spans.clone(), selected, all), move |(spans, selected, all)| arcs_to_draw(spans, *selected, *all))
    };
    let overlay = html! {
        <ArticleOverlay marks={props.marks.clone()} links={arcs} article={props.article.clone()} layout={props.layout.clone()} />
    };
    let ondraw = {
        let all = all.clone();
        Callback::from(move |on: bool| all.set(on))
    };
    html! {
        <>
            <RelationList {spans} all_drawn={*all} {ondraw} onselect={props.onselect.clone()} />
            if let Some(target) = host.find("overlay") {
                { create_portal(overlay, target) }
            }
        </>
    }
}
