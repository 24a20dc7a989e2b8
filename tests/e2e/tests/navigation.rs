//! Moving through the annotations and filtering the view: J / K select the
//! next and previous annotation, the side panel hides a label or a layer
//! from the article (J / K then skip it), and the status line counts
//! entities and claims.

mod support;

use marginalia_e2e::Result;
use support::*;

async fn selected_text(b: &marginalia_e2e::Browser) -> Result<String> {
    let v = b
        .execute(
            "const t = document.querySelector('#mg-article .mg-tag[aria-pressed=\"true\"]');
             return t ? t.getAttribute('aria-label') : '';",
            vec![],
        )
        .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

#[tokio::test]
async fn j_and_k_walk_the_annotations_and_filters_hide_labels_and_layers() -> Result {
    let b = open_app().await?;
    // Three entities and a claim, with the mouse and the keys.
    let items = [("Abdallah Diop", "1"), ("Russia", "3"), ("Security Council", "2")];
    for (n, (needle, key)) in items.iter().enumerate() {
        let (s, e) = range_of(DEFAULT_ARTICLE, needle);
        label_by_drag(&b, s, e, key).await?;
        wait_span_count(&b, n + 1).await?;
    }
    let claim = "Wagner as “a criminal organization that commits widespread atrocities and human rights violations in Mali and elsewhere”";
    let (s, e) = range_of(DEFAULT_ARTICLE, claim);
    label_by_drag(&b, s, e, "c").await?;
    wait_span_count(&b, 4).await?;
    b.press("Escape").await?;
    b.press("Escape").await?;
    assert_eq!(b.text_of(".mg-progress").await?, "4 annotations: 3 entities, 1 claim");

    // From the top of the article, in document order ("Russia" is first
    // named in the headline): J, J, K.
    let pressed = |label: &str| {
        format!("return (document.querySelector('#mg-article .mg-tag[aria-pressed=\"true\"]') || {{}}).getAttribute?.('aria-label')?.startsWith('{label}: ');")
    };
    b.click("#mg-article").await?;
    b.press("Escape").await?;
    b.press("j").await?;
    b.wait_until(&pressed("GPE"), WAIT).await?;
    assert!(selected_text(&b).await?.starts_with("GPE: Russia"));
    b.press("j").await?;
    b.wait_until(&pressed("PERSON"), WAIT).await?;
    b.press("j").await?;
    b.wait_until(&pressed("ORG"), WAIT).await?;
    b.press("k").await?;
    b.wait_until(&pressed("PERSON"), WAIT).await?;

    // Hide PERSON: its span is no longer drawn, and J / K go past it.
    // The button says what it does: "Hide", then "Show".
    assert_eq!(b.text_of("button.mg-visibility[aria-label='Hide PERSON in the article']").await?, "Hide");
    b.click("button.mg-visibility[aria-label='Hide PERSON in the article']").await?;
    b.wait_until("return ![...document.querySelectorAll('#mg-article .mg-run.mg-spanned')].some(r => r.textContent === 'Abdallah Diop');", WAIT).await?;
    assert_eq!(b.text_of("button.mg-visibility[aria-label='Show PERSON in the article']").await?, "Show");
    assert_eq!(b.attr("button.mg-visibility[aria-label='Show PERSON in the article']", "data-shown").await?.as_deref(), Some("false"));
    b.click("#mg-article").await?;
    b.press("Escape").await?;
    b.press("j").await?;
    b.wait_until(&pressed("GPE"), WAIT).await?;
    b.press("j").await?;
    b.wait_until(&pressed("ORG"), WAIT).await?;

    // Hide the claim layer, then show it again.
    b.click(".mg-filter button[data-layer='claim']").await?;
    b.wait_until("return document.querySelectorAll('#mg-article .mg-claim-tag').length === 0;", WAIT).await?;
    b.click(".mg-filter button[data-layer='claim']").await?;
    b.wait_until("return document.querySelectorAll('#mg-article .mg-claim-tag').length === 1;", WAIT).await?;
    // The annotations themselves are untouched by filtering.
    assert_eq!(spans(&b).await?.len(), 4);
    let report = b.run_axe().await?;
    assert!(report.is_clean(), "axe: {report:?}");
    b.close().await
}

#[tokio::test]
async fn a_document_is_marked_flagged_with_a_note_saved_and_kept_over_a_reload() -> Result {
    let b = open_app().await?;
    // From the keyboard: Tab to the status, arrow down to "Flagged".
    tab_to(&b, "mg-doc-status", 60).await?;
    for _ in 0..3 {
        b.press("ArrowDown").await?;
    }
    b.wait_until("const r = window.marginalia.getAnnotations(); return !!r.status && r.status.state === 'flagged';", WAIT).await?;
    // The note, typed, kept when the field is left.
    b.click("#mg-doc-status-note").await?;
    b.type_text("Quote unsourced — ask the desk (مصدر?)").await?;
    b.press("Tab").await?;
    b.wait_until("const r = window.marginalia.getAnnotations(); return r.status.note === 'Quote unsourced — ask the desk (مصدر?)';", WAIT).await?;
    assert_eq!(b.text_of(".mg-doc-status").await?, "Document: Flagged");
    // Undo takes it back one step at a time: the note, then each state the
    // arrow keys passed through (Skipped); redo restores both.
    b.click("#mg-article").await?;
    ctrl(&b, "z").await?;
    b.wait_until("const r = window.marginalia.getAnnotations(); return !!r.status && r.status.state === 'flagged' && !r.status.note;", WAIT).await?;
    ctrl(&b, "z").await?;
    b.wait_until("const r = window.marginalia.getAnnotations(); return !!r.status && r.status.state === 'skipped';", WAIT).await?;
    ctrl(&b, "y").await?;
    ctrl(&b, "y").await?;
    b.wait_until("const r = window.marginalia.getAnnotations(); return !!r.status && r.status.note.startsWith('Quote unsourced');", WAIT).await?;
    b.reload_app().await?;
    b.wait_until("const r = window.marginalia.getAnnotations(); return !!r.status && r.status.state === 'flagged' && r.status.note.startsWith('Quote unsourced');", WAIT).await?;
    // Saved in the file, as the record's status.
    let saved = save(&b, DEFAULT_SAVE).await?.json()?;
    assert_eq!(saved["status"]["state"], "flagged");
    assert_eq!(saved["status"]["note"], "Quote unsourced — ask the desk (مصدر?)");
    b.close().await
}

#[tokio::test]
async fn find_selects_each_match_for_a_label_key() -> Result {
    let b = open_app().await?;
    // Occurrences of "wagner", ignoring case, found independently here.
    let lower = DEFAULT_ARTICLE.to_lowercase();
    let expected: Vec<(u64, u64)> = lower
        .match_indices("wagner")
        .map(|(byte, _)| {
            let s = DEFAULT_ARTICLE[..byte].chars().count() as u64;
            (s, s + 6)
        })
        .collect();
    assert!(expected.len() >= 3);
    b.click("#mg-find").await?;
    b.type_text("wagner").await?;
    b.press("Enter").await?;
    assert_eq!(wait_pending(&b).await?, "Wagner");
    assert_eq!(focused_id(&b).await?, "mg-find-next");
    b.press("2").await?;
    wait_span_count(&b, 1).await?;
    // Enter on "Find next": the next one; the key labels it too.
    b.press("Enter").await?;
    b.wait_until("return !!document.querySelector('#mg-article .mg-pending');", WAIT).await?;
    b.press("2").await?;
    wait_span_count(&b, 2).await?;
    let got: Vec<(u64, u64)> = spans(&b).await?.iter().map(|s| (s.0, s.1)).collect();
    assert_eq!(got, expected[..2].to_vec());
    // Not in the article: said, nothing selected.
    b.click("#mg-find").await?;
    b.execute("document.getElementById('mg-find').value = '';", vec![]).await?;
    b.type_text("Bamako").await?;
    b.press("Enter").await?;
    let said = wait_notice(&b, "info").await?;
    assert!(said.contains("“Bamako” is not in the article"), "{said}");
    b.close().await
}
