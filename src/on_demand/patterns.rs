//! Reading what suggests spans: a spaCy/Prodigy patterns file
//! (`docs/PATTERNS.md`) and a model's suggestions (asked and read here), in
//! one part fetched on the first use of either.

use crate::model_suggest::ModelCalls;
use crate::state::{Action, AppState};
use marginalia_core::article::Article;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::patterns::PatternSet;
use marginalia_core::suggestion::{from_model_answer, Source, Suggestion};
use yew::UseReducerHandle;

on_demand!(patterns;
    /// The suggestions of the patterns in `jsonl` on `article`, and what was
    /// left out; or why the file was not used.
    pub fn suggest_from_patterns(jsonl: &str, article: &Article, schema: &LabelSchema) -> Result<(Vec<Suggestion>, Vec<String>), String> {
        PatternSet::from_jsonl(jsonl).map(|patterns| pattern_suggestions(&patterns, article, schema)).map_err(|e| e.to_string())
    }
);

on_demand!(patterns;
    /// Asks the model at `url` for suggestions on the article open now (at
    /// most one call in flight, with `limit_ms` as its deadline) and offers
    /// its spans scoring at least `min_score`; a failure is said in a notice.
    pub fn ask_model_for_suggestions(state: UseReducerHandle<AppState>, url: String, limit_ms: u32, calls: ModelCalls, min_score: f64) -> () {
        wasm_bindgen_futures::spawn_local(async move {
            let d = state.dispatcher();
            let article = state.article().clone();
            let Some(answer) = calls.ask(&url, article.text(), &article.id, limit_ms).await else { return };
            let read = answer.and_then(|json| from_model_answer(&json, article.len_chars(), min_score));
            match read {
                // The article may have changed while the model thought.
                Ok(_) if state.article().sha256() != article.sha256() => {}
                Ok(items) => d.dispatch(Action::Suggest { source: Source::Model, items }),
                Err(e) => d.dispatch(Action::error(format!("No model suggestions: {e}."))),
            }
        });
    }
);

/// The patterns' matches with a label of `schema` as suggestions, and what
/// was left out: capped in the core (a file that matches too much suggests
/// its first matches and says what it left out), and labels the schema
/// does not have.
fn pattern_suggestions(patterns: &PatternSet, article: &Article, schema: &LabelSchema) -> (Vec<Suggestion>, Vec<String>) {
    let found = patterns.all_matches(article);
    let mut left_out = found.notices(patterns);
    let (known, unknown): (Vec<_>, Vec<_>) = found.matches.into_iter().partition(|m| schema.label(&m.label).is_some());
    let items = known
        .into_iter()
        .map(|m| Suggestion { start: m.start, end: m.end, label: m.label, source: Source::Pattern, score: None })
        .collect();
    if !unknown.is_empty() {
        let mut labels: Vec<_> = unknown.iter().map(|m| m.label.clone()).collect();
        labels.dedup();
        left_out.push(format!(
            "{} match(es) with labels this schema does not have ({}) were left out",
            unknown.len(),
            labels.join(", ")
        ));
    }
    (items, left_out)
}

