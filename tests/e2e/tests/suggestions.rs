//! Suggestions from "label all occurrences": labelling a span and pressing
//! A offers its label on every other occurrence of the same text (whole
//! tokens, same case), drawn dashed and never saved until accepted; Enter or
//! a click accepts one, X rejects one, Accept all takes a label's
//! suggestions in one undo step, and accepted spans say where they came from.

mod support;

use marginalia_e2e::{json, Result, Value};
use support::*;

/// Whole-token occurrences of `needle` in the record, by its own tokens.
fn token_occurrences(record: &Value, needle: &str) -> Vec<(u64, u64)> {
    let text = record["text"].as_str().unwrap();
    let tokens = record["tokens"].as_array().unwrap();
    let starts: Vec<u64> = tokens.iter().map(|t| t["start"].as_u64().unwrap()).collect();
    let ends: Vec<u64> = tokens.iter().map(|t| t["end"].as_u64().unwrap()).collect();
    let mut out = Vec::new();
    for (byte, _) in text.match_indices(needle) {
        let s = text[..byte].chars().count() as u64;
        let e = s + needle.chars().count() as u64;
        if starts.contains(&s) && ends.contains(&e) {
            out.push((s, e));
        }
    }
    out
}

async fn open_suggestions(b: &marginalia_e2e::Browser) -> Result<usize> {
    b.count("#mg-article .mg-suggestion-tag").await
}

#[tokio::test]
async fn label_all_occurrences_then_accept_reject_and_undo_as_one_step() -> Result {
    let b = open_app().await?;
    let (s, e) = range_of(DEFAULT_ARTICLE, "Wagner");
    label_by_drag(&b, s, e, "2").await?;
    wait_span_count(&b, 1).await?;
    let expected = token_occurrences(&record(&b).await?, "Wagner");
    assert!(expected.len() >= 4, "the article names Wagner often: {expected:?}");

    // A: the other occurrences are suggested, not annotated.
    b.press("a").await?;
    let n = expected.len() - 1;
    b.wait_until(&format!("return document.querySelectorAll('#mg-article .mg-suggestion-tag').length === {n};"), WAIT).await?;
    assert_eq!(spans(&b).await?.len(), 1, "suggestions are not annotations");
    assert!(b.text_of(".mg-progress").await?.ends_with(&format!("{n} suggestions open")));
    let dashed = b.execute("return [...document.querySelectorAll('#mg-article .mg-run.mg-suggested')].map(r => r.textContent);", vec![]).await?;
    assert!(dashed.as_array().unwrap().iter().all(|t| t == "Wagner"), "{dashed}");
    let report = b.run_axe().await?;
    assert!(report.is_clean(), "axe with suggestions open: {report:?}");

    // J walks on from the labelled span to the first suggestion (its tag
    // takes the focus), K back to the span.
    b.press("j").await?;
    b.wait_until("return document.activeElement.matches('.mg-suggestion-tag[data-suggestion=\"0\"]');", WAIT).await?;
    b.press("k").await?;
    b.wait_until("return document.activeElement.matches('#mg-article .mg-tag[aria-pressed=\"true\"]');", WAIT).await?;

    // A click accepts one; it becomes a span whose source is "propagated".
    b.click("#mg-article .mg-suggestion-tag").await?;
    wait_span_count(&b, 2).await?;
    assert_eq!(open_suggestions(&b).await?, n - 1);
    let accepted = record(&b).await?["spans"].as_array().unwrap().iter().filter(|s| s["source"] == json!("propagated")).count();
    assert_eq!(accepted, 1);

    // From the keyboard: X on a suggestion's tag rejects it.
    b.execute("document.querySelector('#mg-article .mg-suggestion-tag').focus();", vec![]).await?;
    b.press("x").await?;
    b.wait_until(&format!("return document.querySelectorAll('#mg-article .mg-suggestion-tag').length === {};", n - 2), WAIT).await?;
    assert_eq!(spans(&b).await?.len(), 2, "rejecting adds nothing");
    // Enter on one accepts it.
    b.execute("document.querySelector('#mg-article .mg-suggestion-tag').focus();", vec![]).await?;
    b.press("Enter").await?;
    wait_span_count(&b, 3).await?;

    // Accept all ORG: the rest at once, and one undo takes them back together.
    let rest = n - 3;
    b.click(&format!("button[aria-label='Accept all {rest} ORG']")).await?;
    wait_span_count(&b, 3 + rest).await?;
    assert_eq!(open_suggestions(&b).await?, 0);
    ctrl(&b, "z").await?;
    wait_span_count(&b, 3).await?;

    // Every accepted span is exactly a "Wagner" token; the work survives a reload.
    let rec = record(&b).await?;
    for s in rec["spans"].as_array().unwrap() {
        assert_eq!(s["text"], "Wagner");
        assert!(expected.contains(&(s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap())));
    }
    b.reload_app().await?;
    wait_span_count(&b, 3).await?;
    let sources: Vec<Value> = record(&b).await?["spans"].as_array().unwrap().iter().map(|s| s["source"].clone()).collect();
    assert_eq!(sources.iter().filter(|s| **s == json!("propagated")).count(), 2, "{sources:?}");
    b.close().await
}

#[tokio::test]
async fn a_patterns_file_suggests_its_matches_and_a_bad_one_says_which_line() -> Result {
    let b = open_app().await?;
    let patterns = concat!(
        "{\"label\": \"ORG\", \"pattern\": \"Wagner Group\"}\n",
        "{\"label\": \"GPE\", \"pattern\": [{\"lower\": \"mali\"}]}\n",
        "{\"label\": \"VILLAIN\", \"pattern\": \"Prigozhin\"}\n",
    );
    open_patterns(&b, write_temp("news.patterns.jsonl", patterns)).await?;
    let rec = record(&b).await?;
    // Expected, from the record's own tokens: "Wagner" followed by "Group",
    // and every token whose lower case is "mali".
    let tokens = rec["tokens"].as_array().unwrap();
    let mut expected: Vec<(u64, u64, &str)> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if t["text"].as_str().unwrap().to_lowercase() == "mali" {
            expected.push((t["start"].as_u64().unwrap(), t["end"].as_u64().unwrap(), "GPE"));
        }
        if t["text"] == "Wagner" && tokens.get(i + 1).is_some_and(|n| n["text"] == "Group") {
            expected.push((t["start"].as_u64().unwrap(), tokens[i + 1]["end"].as_u64().unwrap(), "ORG"));
        }
    }
    b.wait_until(&format!("return document.querySelectorAll('#mg-article .mg-suggestion-tag').length === {};", expected.len()), WAIT).await?;
    // Labels the schema lacks are left out: said as a warning, not an error
    // (the rest of the file was used).
    let message = wait_notice(&b, "warning").await?;
    assert!(message.contains("VILLAIN") && message.contains("left out"), "{message}");
    assert_eq!(spans(&b).await?.len(), 0, "nothing is annotated before it is accepted");

    // Accept all GPE: exactly the "Mali" tokens, each with source "pattern".
    let gpe = expected.iter().filter(|e| e.2 == "GPE").count();
    b.click(&format!("button[aria-label='Accept all {gpe} GPE']")).await?;
    wait_span_count(&b, gpe).await?;
    let rec = record(&b).await?;
    for s in rec["spans"].as_array().unwrap() {
        assert_eq!(s["source"], json!("pattern"));
        assert!(expected.contains(&(s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap(), "GPE")), "{s}");
    }
    // Undo takes the spans out and offers the suggestions again; redo takes them in.
    let suggestion_tags = "return document.querySelectorAll('#mg-article .mg-suggestion-tag').length;";
    assert_eq!(b.execute(suggestion_tags, vec![]).await?, json!(expected.len() - gpe));
    b.press_with(&[marginalia_e2e::Mod::Ctrl], "z").await?;
    wait_span_count(&b, 0).await?;
    b.wait_until(&format!("return document.querySelectorAll('#mg-article .mg-suggestion-tag').length === {};", expected.len()), WAIT).await?;
    b.press_with(&[marginalia_e2e::Mod::Ctrl], "y").await?;
    wait_span_count(&b, gpe).await?;
    assert_eq!(b.execute(suggestion_tags, vec![]).await?, json!(expected.len() - gpe));

    // A broken patterns file changes nothing and names the line.
    open_patterns(&b, write_temp("bad.patterns.jsonl", "{\"label\": \"ORG\", \"pattern\": \"Wagner\"}\n{\"label\": \"ORG\", \"pattern\": [{\"SHAPE\": \"Xxxx\"}]}\n")).await?;
    let message = wait_notice(&b, "error").await?;
    assert!(message.contains("line 2") && message.contains("SHAPE"), "{message}");
    assert_eq!(spans(&b).await?.len(), gpe);
    b.close().await
}

#[tokio::test]
async fn nothing_is_suggested_inside_a_span_with_that_label() -> Result {
    let b = open_app().await?;
    let (s, e) = range_of(DEFAULT_ARTICLE, "Abdallah Diop");
    label_by_drag(&b, s, e, "1").await?;
    open_patterns(&b, write_temp("people.patterns.jsonl", "{\"label\": \"PERSON\", \"pattern\": \"Diop\"}\n")).await?;
    // Three "Diop"s in the article, one inside the PERSON span: two offered.
    let diops = DEFAULT_ARTICLE.matches("Diop").count();
    assert_eq!(diops, 3);
    b.wait_until("return document.querySelectorAll('#mg-article .mg-suggestion-tag').length > 0;", WAIT).await?;
    let offered = b
        .execute("return [...document.querySelectorAll('#mg-article .mg-suggestion-tag')].map(t => t.getAttribute('aria-label'));", vec![])
        .await?;
    let offered: Vec<String> = marginalia_e2e::serde_json::from_value(offered)?;
    assert_eq!(offered.len(), diops - 1, "{offered:?}");
    assert!(offered.iter().all(|l| l.starts_with("Suggested PERSON") && l.contains(": Diop")), "{offered:?}");
    b.close().await
}

async fn open_patterns(b: &marginalia_e2e::Browser, path: std::path::PathBuf) -> Result {
    b.upload_file("#mg-patterns-input", path).await
}

#[tokio::test]
async fn accept_all_in_view_takes_only_what_is_on_screen() -> Result {
    let b = open_app().await?;
    let (s, e) = range_of(DEFAULT_ARTICLE, "Mali");
    label_by_drag(&b, s, e, "3").await?;
    wait_span_count(&b, 1).await?;
    b.press("a").await?;
    b.wait_until("return document.querySelectorAll('#mg-article .mg-suggestion-tag').length > 2;", WAIT).await?;
    // A short window, so that the article runs below the screen.
    b.client().set_window_size(1000, 500).await?;
    b.execute("window.scrollTo(0, 0);", vec![]).await?;
    let before = b.count("#mg-article .mg-suggestion-tag").await?;
    let on_screen = b
        .execute(
            "return [...document.querySelectorAll('#mg-article .mg-suggestion-tag')]
                 .filter(t => { const p = t.closest('.mg-par').getBoundingClientRect(); return p.bottom > 0 && p.top < innerHeight; }).length;",
            vec![],
        )
        .await?
        .as_u64()
        .unwrap() as usize;
    assert!(on_screen >= 1 && on_screen < before, "some suggestions must be on screen and some below it ({on_screen} of {before})");
    b.click("#mg-accept-in-view").await?;
    wait_span_count(&b, 1 + on_screen).await?;
    assert_eq!(b.count("#mg-article .mg-suggestion-tag").await?, before - on_screen);
    b.close().await
}

#[tokio::test]
async fn a_model_endpoint_suggests_spans_above_the_minimum_score() -> Result {
    let b = marginalia_e2e::Browser::new().await?;
    b.goto(&format!("{}?suggest=/api/suggest", b.app_url())).await?;
    b.wait_for_app().await?;
    // What the service answers for this text, asked directly.
    let answer = b
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch('/api/suggest', { method: 'POST', body: JSON.stringify({ text: window.marginalia.getAnnotations().text }) })
                 .then(r => r.json()).then(done, e => done(String(e)));",
            vec![],
        )
        .await?;
    let spans = answer["spans"].as_array().expect("the stand-in answers spans").clone();
    let above = |min: f64| spans.iter().filter(|s| s["score"].as_f64().unwrap() >= min).count();
    assert!(above(0.5) > 0 && above(0.3) > above(0.5), "the answer must have spans on both sides of 0.5: {answer}");

    b.click("#mg-ask-model").await?; // the minimum score starts at 0.5
    b.wait_until(&format!("return document.querySelectorAll('#mg-article .mg-suggestion-tag').length === {};", above(0.5)), WAIT).await?;
    let tags = b.execute("return [...document.querySelectorAll('#mg-article .mg-suggestion-tag')].map(t => t.getAttribute('aria-label'));", vec![]).await?;
    assert!(tags.as_array().unwrap().iter().all(|t| t.as_str().unwrap().contains("(model)")), "{tags}");
    assert!(!tags.to_string().contains("Suggested ORG (model): Wagner"), "Wagner scores 0.35: {tags}");

    // A lower minimum brings more; accepted spans say they came from the model.
    b.find("#mg-min-score").await?.clear().await?;
    b.send_keys("#mg-min-score", "0.3").await?;
    b.click("#mg-ask-model").await?;
    b.wait_until(&format!("return document.querySelectorAll('#mg-article .mg-suggestion-tag').length === {};", above(0.3)), WAIT).await?;
    b.click("#mg-accept-all").await?;
    wait_span_count(&b, above(0.3)).await?;
    let rec = record(&b).await?;
    assert!(rec["spans"].as_array().unwrap().iter().all(|s| s["source"] == json!("model")));
    b.close().await
}
