//! Work survives: a reload restores every span from the browser's storage;
//! a downloaded save opens in a fresh browser (empty storage) through the
//! file dialog and by dropping it onto the page.

mod support;

use marginalia_e2e::{json, Browser, Result, Value};
use support::*;

/// Labels three spans the way an annotator would: a sloppy token drag, an
/// Alt (character) drag, and a relabelled span. Returns what the app holds.
async fn annotate_three(b: &Browser) -> Result<Vec<SpanSummary>> {
    let text = DEFAULT_ARTICLE;
    let (a, _) = range_of(text, "Abdallah Diop");
    label_by_drag(b, a + 2, a + 11, "1").await?;
    let k = cp_of(text, "Kremlin");
    b.drag_select_with_alt(k, k + 4).await?;
    assert_eq!(wait_pending(b).await?, "Krem");
    b.press("8").await?;
    wait_span_count(b, 2).await?;
    let (n, e) = range_of(text, "Nathalie Broadhurst");
    label_by_drag(b, n, e, "2").await?;
    b.press("1").await?; // relabel: ORG → PERSON
    let want = vec![
        expect_span(text, "Abdallah Diop", 0, "PERSON"),
        (
            k as u64,
            k as u64 + 4,
            "MISC".to_string(),
            "Krem".to_string(),
        ),
        expect_span(text, "Nathalie Broadhurst", 0, "PERSON"),
    ];
    b.wait_until(
        "return window.marginalia.getAnnotations().spans[2].label === 'PERSON';",
        WAIT,
    )
    .await?;
    assert_eq!(spans(b).await?, want);
    Ok(want)
}

/// The tags as `(span number, label)` and each span's text as its runs show it.
async fn shown(b: &Browser) -> Result<Vec<(String, String, String)>> {
    let mut out = Vec::new();
    for t in tags(b).await? {
        assert!(t.visible, "tag {t:?} is not visible");
        let under = text_under_span(b, &t.span).await?;
        out.push((t.span, t.label, under));
    }
    Ok(out)
}

fn ids(spans: &Value) -> Vec<String> {
    spans
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap_or("").to_string())
        .collect()
}

#[tokio::test]
async fn a_reload_restores_every_span() -> Result {
    let b = open_app().await?;
    let want = annotate_three(&b).await?;
    let before = raw_spans(&b).await?;
    let seen_before = shown(&b).await?;

    b.reload_app().await?;
    wait_span_count(&b, 3).await?;
    assert_eq!(
        raw_spans(&b).await?,
        before,
        "ids, offsets, tokens and labels must come back unchanged"
    );
    assert_eq!(spans(&b).await?, want);
    assert_eq!(
        shown(&b).await?,
        seen_before,
        "the page must show the same tags over the same text"
    );
    assert!(b.text_of(".mg-status").await?.contains("3 annotations"));

    // New spans after a reload take fresh ids (never reused), and undo still works.
    let (g, e) = range_of(DEFAULT_ARTICLE, "Yevgeny Prigozhin");
    label_by_drag(&b, g, e, "1").await?;
    let after = raw_spans(&b).await?;
    let new_id = ids(&after)
        .into_iter()
        .find(|id| !ids(&before).contains(id))
        .expect("a new span");
    assert!(
        !ids(&before).contains(&new_id),
        "span id {new_id} was reused"
    );
    ctrl(&b, "z").await?;
    wait_span_count(&b, 3).await?;
    assert_eq!(raw_spans(&b).await?, before);

    let saved = save(&b, DEFAULT_SAVE).await?;
    python_check(
        &saved.path,
        PY_SPANS_ARE,
        json!([
            ["Abdallah Diop", "PERSON"],
            ["Krem", "MISC"],
            ["Nathalie Broadhurst", "PERSON"]
        ]),
    )?;
    b.close().await
}

#[tokio::test]
async fn a_save_opens_in_a_fresh_browser_through_the_file_dialog() -> Result {
    let first = open_app().await?;
    let want = annotate_three(&first).await?;
    let saved = save(&first, DEFAULT_SAVE).await?;
    python_check(&saved.path, PY_RECORD_IS_SOUND, json!(null))?;
    let path = write_temp(DEFAULT_SAVE, &saved.bytes);
    first.close().await?;

    // A new profile: nothing stored, the default article without spans.
    let b = open_app().await?;
    assert!(
        spans(&b).await?.is_empty(),
        "a fresh profile must start empty"
    );
    assert!(tags(&b).await?.is_empty());

    open_file(&b, &path).await?;
    wait_span_count(&b, 3).await?;
    assert_eq!(spans(&b).await?, want);
    let labels: Vec<String> = shown(&b).await?.into_iter().map(|(_, l, _)| l).collect();
    assert_eq!(labels, ["PERSON", "MISC", "PERSON"]);
    let texts: Vec<String> = shown(&b).await?.into_iter().map(|(_, _, t)| t).collect();
    assert_eq!(texts, ["Abdallah Diop", "Krem", "Nathalie Broadhurst"]);
    let msg = wait_notice(&b, "info").await?;
    assert!(msg.contains("3 annotations"), "{msg}");

    // Opened work is kept like any other: it survives a reload...
    b.reload_app().await?;
    wait_span_count(&b, 3).await?;
    assert_eq!(spans(&b).await?, want);
    // ...and saving it again gives the same spans.
    let again = save(&b, DEFAULT_SAVE).await?;
    assert_eq!(summarize(&again.json()?), want);
    assert_eq!(again.json()?["text_sha256"], saved.json()?["text_sha256"]);
    b.close().await
}

#[tokio::test]
async fn opening_a_save_is_one_undoable_step() -> Result {
    let first = open_app().await?;
    let want = annotate_three(&first).await?;
    let saved = save(&first, DEFAULT_SAVE).await?;
    first.close().await?;

    // Another annotator's work in a fresh browser, then the save opened over it.
    let b = open_app().await?;
    let (m, e) = range_of(DEFAULT_ARTICLE, "Vladimir Putin");
    label_by_drag(&b, m, e, "1").await?;
    let mine = spans(&b).await?;
    open_file(&b, write_temp(DEFAULT_SAVE, &saved.bytes)).await?;
    b.wait_until(
        "return window.marginalia.getAnnotations().spans.length === 3;",
        WAIT,
    )
    .await?;
    assert_eq!(spans(&b).await?, want);
    // Undo gives back what was there, as the message says.
    assert!(wait_notice(&b, "info").await?.contains("Undo"));
    ctrl(&b, "z").await?;
    wait_span_count(&b, 1).await?;
    assert_eq!(spans(&b).await?, mine);
    assert_eq!(tag_labels(&b).await?, ["PERSON"]);
    b.close().await
}

#[tokio::test]
async fn a_save_dropped_onto_the_page_opens() -> Result {
    let first = open_app().await?;
    let want = annotate_three(&first).await?;
    let saved = save(&first, DEFAULT_SAVE).await?;
    first.close().await?;

    let b = open_app().await?;
    assert!(
        spans(&b).await?.is_empty(),
        "a fresh profile must start empty"
    );
    drop_file(&b, DEFAULT_SAVE, &saved.text()?, "application/json").await?;
    wait_span_count(&b, 3).await?;
    assert_eq!(spans(&b).await?, want);
    let labels: Vec<String> = shown(&b).await?.into_iter().map(|(_, l, _)| l).collect();
    assert_eq!(labels, ["PERSON", "MISC", "PERSON"]);
    // The page did not navigate to the dropped file.
    let url = b.client().current_url().await?;
    assert_eq!(url.as_str(), b.app_url());
    b.reload_app().await?;
    wait_span_count(&b, 3).await?;
    assert_eq!(spans(&b).await?, want);
    b.close().await
}

#[tokio::test]
async fn a_reload_right_after_a_change_keeps_it() -> Result {
    let b = open_app().await?;
    let text = DEFAULT_ARTICLE;
    let (a, e) = range_of(text, "Abdallah Diop");
    label_by_drag(&b, a, e, "1").await?;
    // Relabel and reload at once: the write must not wait for a quiet moment.
    b.press("2").await?;
    b.wait_until("return window.marginalia.getAnnotations().spans[0].label === 'ORG';", WAIT).await?;
    b.reload_app().await?;
    wait_span_count(&b, 1).await?;
    assert_eq!(spans(&b).await?, vec![expect_span(text, "Abdallah Diop", 0, "ORG")]);
    assert_eq!(tag_labels(&b).await?, ["ORG"]);
    b.close().await
}

/// The stored record of the document open now, as localStorage holds it.
const STORED_KEY_JS: &str = "return Object.keys(localStorage).find(k => k.startsWith('marginalia:v1:doc:')) || null;";

/// Work stored in this browser that the label schema now refuses in part (a
/// label the schema lost): after a reload the rest is placed, the refused
/// span is listed for review with why, the page says so as an error, and the
/// stored work as it was is moved aside, where later writes never reach it,
/// and new work is stored as usual.
/// Before, the page opened the article empty, said nothing, and the next
/// change overwrote the stored work.
#[tokio::test]
async fn stored_work_the_schema_refuses_in_part_is_placed_listed_and_kept() -> Result {
    let b = open_app().await?;
    let text = DEFAULT_ARTICLE;
    let (s, e) = range_of(text, "Abdallah Diop");
    label_by_drag(&b, s, e, "1").await?;
    let (s, e) = range_of(text, "Nathalie Broadhurst");
    label_by_drag(&b, s, e, "2").await?;
    let key = b.wait_until(STORED_KEY_JS, WAIT).await?.as_str().unwrap_or_default().to_string();
    b.wait_until(&format!("return JSON.parse(localStorage.getItem({})).spans.length === 2;", json!(key)), WAIT).await?;

    // The schema no longer has the second span's label.
    let damaged = b
        .execute(
            "const r = JSON.parse(localStorage.getItem(arguments[0]));
             r.spans[1].label = 'RETIRED';
             const json = JSON.stringify(r);
             localStorage.setItem(arguments[0], json);
             return json;",
            vec![json!(key)],
        )
        .await?;
    b.reload_app().await?;
    wait_span_count(&b, 1).await?;
    assert_eq!(spans(&b).await?, vec![expect_span(text, "Abdallah Diop", 0, "PERSON")]);
    let (kind, message) = notice(&b).await?.ok_or("no notice after the reload")?;
    assert_eq!(kind, "error", "{message}");
    assert!(message.contains("orphaned"), "{message}");
    b.wait_for(".mg-review").await?;
    let items = b.texts_of(".mg-review .mg-review-item p").await?;
    assert_eq!(items.len(), 1, "{items:?}");
    assert!(items[0].contains("RETIRED"), "{items:?}");

    // The stored work as it was is kept aside, and stays so after new work.
    let aside_js = format!("return localStorage.getItem({});", json!(key.replacen(":doc:", ":aside:", 1) + ":0"));
    assert_eq!(b.execute(&aside_js, vec![]).await?, damaged);
    let (s, e) = range_of(text, "Kremlin");
    label_by_drag(&b, s, e, "2").await?;
    b.reload_app().await?;
    wait_span_count(&b, 2).await?;
    assert_eq!(b.execute(&aside_js, vec![]).await?, damaged);
    b.close().await
}
