//! A comment on any span: an entity labelled with the mouse gets a note
//! typed in the side panel's "Comment" field (emoji and Arabic in it); it
//! is saved in the record as the span's `note`, undone and redone like any
//! edit, kept over a reload, and exported where formats hold comments:
//! brat's `AnnotatorNotes` line and a W3C `commenting` body.

mod support;

use marginalia_e2e::{json, Browser, Result};
use support::*;

const NOTE: &str = "the mercenary group 👩🏽‍💻, not «فاغنر» the composer";

/// The text of an export in `format`, through the embedding API.
async fn export(b: &Browser, format: &str) -> Result<serde_json::Value> {
    let v = b
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.marginalia.export(arguments[0]).then(e => done({ text: e.text, losses: e.losses || null }), e => done({ error: e.message }));",
            vec![json!(format)],
        )
        .await?;
    if let Some(e) = v["error"].as_str() {
        return Err(format!("the {format} export failed: {e}").into());
    }
    Ok(v)
}

/// Span `needle`'s `note` in the saved record.
async fn note_of(b: &Browser, needle: &str, label: &str) -> Result<Option<String>> {
    let record = record(b).await?;
    Ok(find_span(&record, needle, label).and_then(|s| s["attributes"]["note"].as_str().map(String::from)))
}

async fn wait_note(b: &Browser, needle: &str, label: &str, want: Option<&str>) -> Result {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let now = note_of(b, needle, label).await?;
        if now.as_deref() == want {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            return Err(format!("{needle}'s comment is {now:?}, not {want:?}").into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_comment_on_an_entity_is_saved_undone_kept_and_exported() -> Result {
    let b = open_app().await?;
    let (w, e) = range_of(DEFAULT_ARTICLE, "Wagner");
    label_by_drag(&b, w, e, "2").await?;
    wait_span_count(&b, 1).await?;

    // The selected entity's field, named by its label.
    b.wait_for("#mg-span-note").await?;
    let label = b.execute("return document.querySelector('label[for=\"mg-span-note\"]').textContent;", vec![]).await?;
    assert_eq!(label, json!("Comment"));
    b.click("#mg-span-note").await?;
    b.type_text(NOTE).await?;
    b.press("Tab").await?;
    wait_note(&b, "Wagner", "ORG", Some(NOTE)).await?;

    // Undone and redone from the article, like any edit.
    b.click("#mg-article").await?;
    ctrl(&b, "z").await?;
    wait_note(&b, "Wagner", "ORG", None).await?;
    assert_eq!(spans(&b).await?.len(), 1, "undo took the comment back, not the span");
    ctrl(&b, "y").await?;
    wait_note(&b, "Wagner", "ORG", Some(NOTE)).await?;

    // Kept over a reload, and shown again when the span is selected.
    b.reload_app().await?;
    wait_note(&b, "Wagner", "ORG", Some(NOTE)).await?;
    let n = span_number(&b, "Wagner", "ORG").await?;
    b.click(&format!("#mg-article button.mg-tag[data-span='{n}']")).await?;
    b.wait_until(&format!("return document.querySelector('#mg-span-note').value === {};", json!(NOTE)), WAIT).await?;
    let report = b.run_axe().await?;
    assert!(report.is_clean(), "axe with a span's comment field: {report:?}");

    // Exported where formats hold comments.
    let brat = export(&b, "brat").await?;
    let ann = brat["text"].as_str().unwrap_or("");
    let t = ann.lines().find(|l| l.starts_with('T') && l.ends_with("\tWagner")).and_then(|l| l.split('\t').next()).ok_or(format!("no Wagner line: {ann}"))?;
    assert!(ann.lines().any(|l| l.starts_with('#') && l.ends_with(&format!("\tAnnotatorNotes {t}\t{NOTE}"))), "no AnnotatorNotes for {t}: {ann}");
    let w3c: serde_json::Value = serde_json::from_str(export(&b, "w3c").await?["text"].as_str().unwrap_or(""))?;
    let bodies = w3c["first"]["items"][0]["body"].as_array().cloned().unwrap_or_default();
    assert!(bodies.contains(&json!({ "type": "TextualBody", "purpose": "commenting", "value": NOTE })), "{bodies:?}");
    b.close().await
}
