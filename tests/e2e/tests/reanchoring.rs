//! Re-anchoring in the page: the host edits the article after the annotator
//! labelled it, and no span is lost — each is placed again or listed for
//! review with why, the page says what happened, undo and a reload agree
//! with what is shown (issue 16, case 1).

mod support;

use marginalia_e2e::{json, Browser, Result};
use support::*;

const OLD: &str = "Mali said yes on Monday. Later that week, Mali said no.";
const NEW: &str = "Later that week, Mali said no.";

/// The review list's items, as the annotator reads them.
async fn review_items(b: &Browser) -> Result<Vec<String>> {
    b.texts_of(".mg-review .mg-review-item p").await
}

/// Issue 16's reproduction on `old` → `new`: `name` twice in `old` (both
/// labelled GPE), `date` once (DATE); the edit cuts the sentence holding the
/// first `name` and `date`, the second `name` survives in `new`.
async fn edit_after_label(old: &str, new: &str, name: &str, date: &str, doc: &str) -> Result {
    let b = open_app().await?;
    set_article(&b, doc, old).await?;

    // Both names GPE (key 3), the date DATE (key 6), with the mouse.
    for (n, needle, key) in [(0, name, "3"), (1, name, "3"), (0, date, "6")] {
        let (s, e) = range_of_nth(old, needle, n);
        label_by_drag(&b, s, e, key).await?;
    }
    assert_eq!(
        spans(&b).await?,
        vec![expect_span(old, name, 0, "GPE"), expect_span(old, date, 0, "DATE"), expect_span(old, name, 1, "GPE")]
    );
    let ids: Vec<String> = record(&b).await?["spans"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap_or("").to_string()).collect();
    let kept_id = ids[2].clone(); // the second name, whose sentence is kept
    let kept_n = kept_id.trim_start_matches('s').to_string();

    // The CMS cuts the first sentence.
    set_article(&b, doc, new).await?;
    b.wait_for(".mg-review").await?;

    // The name whose words the edit kept is placed; nothing else sits on
    // the text, and it is drawn there.
    let placed = expect_span(new, name, 0, "GPE");
    assert_eq!(spans(&b).await?, vec![placed.clone()]);
    assert_eq!(record(&b).await?["spans"][0]["id"], json!(kept_id));
    assert_eq!(text_under_span(&b, &kept_n).await?, name);

    // The page says what happened — and it is not an error.
    let message = wait_notice(&b, "info").await?;
    for part in ["re-anchored", "1 moved", "2 orphaned (1 whose words are gone, 1 that landed where a better-anchored annotation was kept)", "2 to review"] {
        assert!(message.contains(part), "{part:?} missing from {message:?}");
    }
    assert!(!message.contains("less than full confidence"), "{message:?}");

    // Both others are listed, each with why; neither can be "shown" (it has no place).
    let items = review_items(&b).await?;
    assert_eq!(items.len(), 2, "{items:?}");
    let same_words = format!("same words as GPE “{name}”");
    assert!(items.iter().any(|i| i.starts_with("GPE") && i.contains(&format!("“{name}”")) && i.contains(&same_words)), "{items:?}");
    assert!(items.iter().any(|i| i.starts_with("DATE") && i.contains(&format!("“{date}”")) && i.contains("no longer in the text")), "{items:?}");
    assert_eq!(b.count(".mg-review-item button").await?, 0, "orphaned spans have nothing to show, keep or delete");

    // Undo takes the re-anchored work off this version; redo brings it back.
    ctrl(&b, "z").await?;
    wait_span_count(&b, 0).await?;
    ctrl(&b, "y").await?;
    wait_span_count(&b, 1).await?;
    assert_eq!(spans(&b).await?, vec![placed.clone()]);

    // A reload shows what was stored: the same span, same id, on the new text.
    b.reload_app().await?;
    wait_span_count(&b, 1).await?;
    let reloaded = record(&b).await?;
    assert_eq!(reloaded["text"], json!(new));
    assert_eq!(summarize(&reloaded), vec![placed]);
    assert_eq!(reloaded["spans"][0]["id"], json!(kept_id));
    assert_eq!(text_under_span(&b, &kept_n).await?, name);
    b.close().await
}

#[tokio::test]
async fn edit_after_label_with_duplicate_words() -> Result {
    edit_after_label(OLD, NEW, "Mali", "on Monday", &format!("d-{}", std::process::id())).await
}

/// The same in scripts a span must never split: CJK, an emoji with a skin
/// tone, combining marks, right-to-left text.
#[tokio::test]
async fn edit_after_label_with_duplicate_words_in_hard_unicode() -> Result {
    let old = "東京 said ne\u{301}e yes on 月曜日 👩🏾‍🍳. Later that week, الجزيرة reported 東京 said no.";
    let new = "Later that week, الجزيرة reported 東京 said no.";
    edit_after_label(old, new, "東京", "月曜日", &format!("d-unicode-{}", std::process::id())).await
}

/// Annotations the host hands over for an earlier version of the open text
/// (`setAnnotations`) replace the work as one step: the colliding span is
/// listed, and undo returns to exactly the work there was before.
#[tokio::test]
async fn annotations_of_an_earlier_version_apply_as_one_step_and_undo_returns_to_before() -> Result {
    let b = open_app().await?;
    set_article(&b, &format!("d-given-{}", std::process::id()), NEW).await?;
    let (s, e) = range_of(NEW, "Later that week");
    label_by_drag(&b, s, e, "6").await?;
    let before = raw_spans(&b).await?;
    assert_eq!(spans(&b).await?, vec![expect_span(NEW, "Later that week", 0, "DATE")]);

    let (m0, m1, monday) = (range_of_nth(OLD, "Mali", 0), range_of_nth(OLD, "Mali", 1), range_of(OLD, "on Monday"));
    let given = json!({ "text": OLD, "spans": [
        { "start": m0.0, "end": m0.1, "label": "GPE" },
        { "start": monday.0, "end": monday.1, "label": "DATE" },
        { "start": m1.0, "end": m1.1, "label": "GPE" },
    ] });
    b.execute("window.marginalia.setAnnotations(arguments[0]);", vec![given]).await?;
    b.wait_for(".mg-review").await?;
    assert_eq!(spans(&b).await?, vec![expect_span(NEW, "Mali", 0, "GPE")]);
    let message = wait_notice(&b, "info").await?;
    assert!(message.contains("2 orphaned (1 whose words are gone, 1 that landed where a better-anchored annotation was kept)"), "{message:?}");
    assert_eq!(review_items(&b).await?.len(), 2);

    ctrl(&b, "z").await?;
    wait_span_count(&b, 1).await?;
    assert_eq!(raw_spans(&b).await?, before, "undo returns to the work before the annotations were applied");
    b.close().await
}
