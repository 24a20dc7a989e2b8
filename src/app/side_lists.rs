//! What the side panel lists: each label's group (its items once the
//! first idle moment after an article opens has come, every item of the
//! labels the annotator asked to see whole), and the schema's layers.

use crate::components::side_panel::{label_groups, LabelGroup};
use crate::hooks::{article_key, use_listing_after_idle};
use crate::state::AppState;
use marginalia_core::label_schema::LabelSchema;
use std::collections::BTreeSet;
use std::rc::Rc;
use yew::prelude::*;

/// The side panel's lists for this render.
pub struct SideLists {
    pub groups: Rc<Vec<LabelGroup>>,
    pub listed: bool,
    pub on_show_all: Callback<String>,
    pub layers: Rc<Vec<(String, Vec<String>)>>,
}

#[hook]
pub fn use_side_lists(state: &UseReducerHandle<AppState>) -> SideLists {
    // Labels whose every item the annotator asked to see listed.
    let show_all = use_state(BTreeSet::<String>::new);
    let listed = use_listing_after_idle(article_key(state));
    let groups = {
        let state = state.clone();
        // The editor's revision too: another tab's work can come in without
        // a change of this tab's own to write.
        use_memo((state.revision, state.editor.revision(), (*show_all).clone(), listed), move |(_, _, show_all, listed)| {
            label_groups(&state.editor, show_all, *listed)
        })
    };
    let on_show_all = use_callback(show_all.clone(), |label: String, show_all| {
        let mut labels = (**show_all).clone();
        labels.insert(label);
        show_all.set(labels);
    });
    let layers = use_memo(state.editor.schema().clone(), |schema| layers_of(schema));
    SideLists { groups, listed, on_show_all, layers }
}

/// The schema's layers in order, each with its labels' names.
fn layers_of(schema: &LabelSchema) -> Vec<(String, Vec<String>)> {
    let mut layers: Vec<(String, Vec<String>)> = Vec::new();
    for l in &schema.labels {
        match layers.iter_mut().find(|(name, _)| *name == l.layer) {
            Some((_, labels)) => labels.push(l.name.clone()),
            None => layers.push((l.layer.clone(), vec![l.name.clone()])),
        }
    }
    layers
}
