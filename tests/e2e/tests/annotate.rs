//! Labelling as an annotator does it: sloppy mouse drags that snap to
//! tokens, Alt and the precision toggle for single characters, the keyboard
//! alone, selecting/relabelling/deleting, overlapping spans and their
//! chooser, undo/redo, and the side panel. Each test checks what the page
//! shows and what the app would save (and, where it matters, the saved file
//! read by Python).

mod support;

use marginalia_e2e::{json, Mod, Result};
use support::*;

#[tokio::test]
async fn a_sloppy_drag_and_a_key_label_whole_tokens_saved_as_code_points() -> Result {
    let b = open_app().await?;
    let text = DEFAULT_ARTICLE;

    // The default article shows, every paragraph of it, as it is in the file.
    assert_eq!(
        article_runs_text(&b).await?,
        visible_lines(text),
        "the default article is not what shows"
    );
    assert!(
        tags(&b).await?.is_empty(),
        "a fresh profile starts without annotations"
    );

    // From the middle of "Abdallah" to the middle of "Diop": "llah Di".
    let (start, end) = range_of(text, "Abdallah Diop");
    b.drag_select(start + 4, start + 11).await?;
    assert_eq!(
        wait_pending(&b).await?,
        "Abdallah Diop",
        "the sloppy selection does not snap to whole tokens"
    );
    assert!(b
        .text_of("#mg-selection-status")
        .await?
        .contains("“Abdallah Diop”"));
    b.press("1").await?;
    wait_span_count(&b, 1).await?;

    // The page: one PERSON tag, and the runs of "Abdallah Diop" carry its number.
    let shown = tags(&b).await?;
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert_eq!(shown[0].label, "PERSON");
    assert!(shown[0].visible, "the PERSON tag is not visible: {shown:?}");
    assert_eq!(text_under_span(&b, &shown[0].span).await?, "Abdallah Diop");
    assert_eq!(
        pending_text(&b).await?,
        "",
        "the selection is still drawn as pending after labelling"
    );

    // What the app holds, in code points.
    assert_eq!(
        spans(&b).await?,
        vec![expect_span(text, "Abdallah Diop", 0, "PERSON")]
    );

    // The saved file, read by Python.
    let saved = save(&b, DEFAULT_SAVE).await?;
    python_check(
        &saved.path,
        r#"
check(len(spans) == 1, 'expected one span, got %r' % spans)
s = spans[0]
check(s['label'] == 'PERSON', 'label is %r' % s['label'])
check(text[s['start']:s['end']] == 'Abdallah Diop', 'text[start:end] is %r' % text[s['start']:s['end']])
i = text.index('Abdallah Diop')  # Python's own code-point offset
check([s['start'], s['end']] == [i, i + len('Abdallah Diop')], 'offsets %r, Python finds %r' % ([s['start'], s['end']], [i, i + 13]))
check([s['start'], s['end']] == args, 'offsets %r, the test computed %r' % ([s['start'], s['end']], args))
check(hashlib.sha256(text.encode()).hexdigest() == rec['text_sha256'], 'text_sha256 is not the hash of text')
check(tokens[s['token_start']]['text'] == 'Abdallah', 'token_start is %r' % tokens[s['token_start']])
check(tokens[s['token_end']]['text'] == 'Diop', 'token_end is %r' % tokens[s['token_end']])
check(''.join(t['text'] + ' ' * t['ws'] for t in tokens) == text, 'tokens do not rebuild text')
check(rec['meta']['doc_id'] == 'mali-russia-wagner', 'doc_id is %r' % rec['meta'])
"#,
        json!([start, end]),
    )?;
    python_check(&saved.path, PY_RECORD_IS_SOUND, json!(null))?;
    b.close().await
}

#[tokio::test]
async fn clicking_a_label_button_labels_the_selection() -> Result {
    let b = open_app().await?;
    let text = DEFAULT_ARTICLE;
    let (k, _) = range_of(text, "Kremlin");
    b.drag_select(k + 2, k + 5).await?; // "eml"
    assert_eq!(wait_pending(&b).await?, "Kremlin");
    b.click(r#"button.mg-label[data-label="ORG"]"#).await?;
    wait_span_count(&b, 1).await?;

    assert_eq!(tag_labels(&b).await?, ["ORG"]);
    assert_eq!(
        spans(&b).await?,
        vec![expect_span(text, "Kremlin", 0, "ORG")]
    );
    let saved = save(&b, DEFAULT_SAVE).await?;
    python_check(&saved.path, PY_SPANS_ARE, json!([["Kremlin", "ORG"]]))?;
    python_check(&saved.path, PY_RECORD_IS_SOUND, json!(null))?;
    b.close().await
}

#[tokio::test]
async fn alt_drag_and_the_precision_toggle_select_single_characters() -> Result {
    let b = open_app().await?;
    let text = DEFAULT_ARTICLE;

    // Alt held: exactly "Krem" of "Kremlin".
    let k = cp_of(text, "Kremlin");
    b.drag_select_with_alt(k, k + 4).await?;
    assert_eq!(
        wait_pending(&b).await?,
        "Krem",
        "an Alt drag does not select single characters"
    );
    b.press("8").await?;
    wait_span_count(&b, 1).await?;

    // Character precision switched on: a plain drag selects "Guter".
    assert_eq!(
        b.attr("#mg-precision", "aria-pressed").await?.as_deref(),
        Some("false")
    );
    b.click("#mg-precision").await?;
    assert_eq!(
        b.attr("#mg-precision", "aria-pressed").await?.as_deref(),
        Some("true")
    );
    let g = cp_of_nth(text, "Guterres", 0);
    b.drag_select(g, g + 5).await?;
    assert_eq!(
        wait_pending(&b).await?,
        "Guter",
        "character precision does not select single characters"
    );
    b.press("1").await?;
    wait_span_count(&b, 2).await?;

    // Switched off again: the same kind of drag snaps to the whole word.
    b.click("#mg-precision").await?;
    assert_eq!(
        b.attr("#mg-precision", "aria-pressed").await?.as_deref(),
        Some("false")
    );
    let g2 = cp_of_nth(text, "Guterres", 1);
    b.drag_select(g2 + 1, g2 + 5).await?;
    assert_eq!(wait_pending(&b).await?, "Guterres");
    b.press("1").await?;
    wait_span_count(&b, 3).await?;

    let krem = (
        k as u64,
        k as u64 + 4,
        "MISC".to_string(),
        "Krem".to_string(),
    );
    let guter = (
        g as u64,
        g as u64 + 5,
        "PERSON".to_string(),
        "Guter".to_string(),
    );
    assert_eq!(
        spans(&b).await?,
        vec![krem, guter, expect_span(text, "Guterres", 1, "PERSON")]
    );
    assert_eq!(tag_labels(&b).await?, ["MISC", "PERSON", "PERSON"]);

    let saved = save(&b, DEFAULT_SAVE).await?;
    python_check(
        &saved.path,
        PY_SPANS_ARE,
        json!([
            ["Krem", "MISC"],
            ["Guter", "PERSON"],
            ["Guterres", "PERSON"]
        ]),
    )?;
    // A span inside a token names that token at both ends.
    python_check(
        &saved.path,
        r#"
for s in spans[:2]:
    check(s['token_start'] == s['token_end'], 'a part of one word spans tokens %r' % s)
    check(tokens[s['token_start']]['text'] in ('Kremlin', 'Guterres'), 'wrong token for %r' % s)
"#,
        json!(null),
    )?;
    python_check(&saved.path, PY_RECORD_IS_SOUND, json!(null))?;
    b.close().await
}

#[tokio::test]
async fn the_keyboard_alone_moves_extends_and_labels() -> Result {
    let b = open_app().await?;
    let text = DEFAULT_ARTICLE;

    // Tab reaches the article (a focusable <main>).
    let presses = tab_to(&b, "mg-article", 40).await?;
    assert!(
        presses > 1,
        "the article should come after the toolbar and labels in the tab order"
    );

    // The first arrow puts the caret on the first token; → moves it; ↓ goes
    // to the next paragraph.
    b.press("ArrowRight").await?;
    assert_eq!(wait_pending(&b).await?, "Home");
    b.press("ArrowRight").await?;
    assert_eq!(pending_text(&b).await?, "World");
    b.press("ArrowDown").await?;
    assert_eq!(pending_text(&b).await?, "The");
    for _ in 0..4 {
        b.press("ArrowRight").await?;
    }
    assert_eq!(
        pending_text(&b).await?,
        "Mali",
        "→ ×4 from “The” should reach “Mali” in the headline"
    );
    b.press("3").await?;
    wait_span_count(&b, 1).await?;
    assert_eq!(tag_labels(&b).await?, ["GPE"]);

    // From the new span, the first ↓ moves on to the next paragraph (it
    // does not land back on the span just made); Shift+→ extends, Shift+←
    // takes back.
    b.press("ArrowDown").await?;
    assert_eq!(pending_text(&b).await?, "Mali");
    for _ in 0..5 {
        b.press("ArrowRight").await?;
    }
    assert_eq!(pending_text(&b).await?, "Abdallah");
    b.press_with(&[Mod::Shift], "ArrowRight").await?;
    assert_eq!(pending_text(&b).await?, "Abdallah Diop");
    b.press_with(&[Mod::Shift], "ArrowRight").await?;
    assert_eq!(pending_text(&b).await?, "Abdallah Diop,");
    b.press_with(&[Mod::Shift], "ArrowLeft").await?;
    assert_eq!(pending_text(&b).await?, "Abdallah Diop");
    b.press("1").await?;
    wait_span_count(&b, 2).await?;

    assert_eq!(
        focused_id(&b).await?,
        "mg-article",
        "labelling with a key must keep the article's focus"
    );
    assert_eq!(tag_labels(&b).await?, ["GPE", "PERSON"]);
    assert_eq!(
        spans(&b).await?,
        vec![
            expect_span(text, "Mali", 1, "GPE"),
            expect_span(text, "Abdallah Diop", 0, "PERSON")
        ]
    );
    let saved = save(&b, DEFAULT_SAVE).await?;
    python_check(
        &saved.path,
        PY_SPANS_ARE,
        json!([["Mali", "GPE"], ["Abdallah Diop", "PERSON"]]),
    )?;
    python_check(&saved.path, PY_RECORD_IS_SOUND, json!(null))?;
    b.close().await
}

#[tokio::test]
async fn a_span_selected_by_click_or_tab_is_relabelled_and_deleted_by_key() -> Result {
    let b = open_app().await?;
    let text = DEFAULT_ARTICLE;
    let (a, _) = range_of(text, "Abdallah Diop");
    label_by_drag(&b, a, a + 13, "1").await?;
    let (k, _) = range_of(text, "Kremlin");
    label_by_drag(&b, k, k + 7, "2").await?;
    b.press("Escape").await?;
    assert!(
        tags(&b).await?.iter().all(|t| !t.pressed),
        "Escape should leave no span selected"
    );

    // Click on the text of "Abdallah Diop": it is selected, and `4` relabels it.
    let person = span_number(&b, "Abdallah Diop", "PERSON").await?;
    b.click(&format!(r#"#mg-article .mg-run[data-spans="{person}"]"#))
        .await?;
    b.wait_for(&format!(r#"#mg-tag-{person}[aria-pressed="true"]"#))
        .await?;
    assert_eq!(
        b.count("#mg-article .mg-tag[aria-pressed=\"true\"]")
            .await?,
        1
    );
    b.press("4").await?;
    b.wait_until(
        "return window.marginalia.getAnnotations().spans.some(s => s.text === 'Abdallah Diop' && s.label === 'LOC');",
        WAIT,
    )
    .await?;
    assert_eq!(
        b.text_of(&format!("#mg-tag-{person}")).await?,
        "LOC",
        "the tag does not show the new label"
    );
    assert_eq!(
        spans(&b).await?,
        vec![
            expect_span(text, "Abdallah Diop", 0, "LOC"),
            expect_span(text, "Kremlin", 0, "ORG")
        ],
        "relabelling must keep the offsets"
    );

    // Delete removes the selected span, and only it.
    b.press("Delete").await?;
    wait_span_count(&b, 1).await?;
    assert_eq!(tag_labels(&b).await?, ["ORG"]);

    // Tab to the ORG tag: it is selected (aria-pressed), `5` relabels it,
    // Backspace removes it.
    let org = span_number(&b, "Kremlin", "ORG").await?;
    tab_to(&b, &format!("mg-tag-{org}"), 40).await?;
    b.wait_for(&format!(r#"#mg-tag-{org}[aria-pressed="true"]"#))
        .await?;
    b.press("5").await?;
    b.wait_until(
        "return window.marginalia.getAnnotations().spans[0].label === 'NORP';",
        WAIT,
    )
    .await?;
    assert_eq!(tag_labels(&b).await?, ["NORP"]);
    b.press("Backspace").await?;
    wait_span_count(&b, 0).await?;
    assert!(tags(&b).await?.is_empty());

    let saved = save(&b, DEFAULT_SAVE).await?;
    python_check(&saved.path, PY_SPANS_ARE, json!([]))?;
    b.close().await
}

#[tokio::test]
async fn overlapping_spans_show_both_tags_and_a_chooser() -> Result {
    let b = open_app().await?;
    let text = DEFAULT_ARTICLE;
    let (a, _) = range_of(text, "Abdallah Diop");
    let d = a + 9;
    label_by_drag(&b, a, a + 13, "1").await?;
    label_by_drag(&b, d, d + 4, "8").await?; // "Diop" inside "Abdallah Diop"
    assert_eq!(
        spans(&b).await?,
        vec![
            expect_span(text, "Abdallah Diop", 0, "PERSON"),
            (d as u64, d as u64 + 4, "MISC".into(), "Diop".into())
        ]
    );
    let shown = tags(&b).await?;
    assert_eq!(
        shown.iter().map(|t| t.label.as_str()).collect::<Vec<_>>(),
        ["PERSON", "MISC"],
        "{shown:?}"
    );
    assert!(
        shown.iter().all(|t| t.visible),
        "both tags must be visible: {shown:?}"
    );
    let person = span_number(&b, "Abdallah Diop", "PERSON").await?;
    let misc = span_number(&b, "Diop", "MISC").await?;
    assert_eq!(text_under_span(&b, &person).await?, "Abdallah Diop");
    assert_eq!(text_under_span(&b, &misc).await?, "Diop");

    // A click on "Diop" (under both) opens the chooser.
    b.press("Escape").await?;
    let both = format!(r#"#mg-article .mg-run[data-spans~="{person}"][data-spans~="{misc}"]"#);
    b.click(&both).await?;
    b.wait_for("#mg-chooser").await?;
    assert_eq!(b.count("#mg-chooser button[data-span]").await?, 2);
    let items = b.texts_of("#mg-chooser button[data-span]").await?;
    assert!(
        items[0].contains("PERSON") && items[0].contains("Abdallah Diop"),
        "{items:?}"
    );
    assert!(
        items[1].contains("MISC") && items[1].contains("Diop"),
        "{items:?}"
    );
    assert!(
        tags(&b).await?.iter().all(|t| !t.pressed),
        "nothing is selected until one is chosen"
    );

    // Choosing MISC selects MISC (and only it), and closes the chooser.
    b.click(&format!(r#"#mg-chooser button[data-span="{misc}"]"#))
        .await?;
    b.wait_for_gone("#mg-chooser").await?;
    b.wait_for(&format!(r#"#mg-tag-{misc}[aria-pressed="true"]"#))
        .await?;
    assert_eq!(
        b.attr(&format!("#mg-tag-{person}"), "aria-pressed")
            .await?
            .as_deref(),
        Some("false")
    );
    // The selection is real: Delete removes MISC, not PERSON.
    b.press("Delete").await?;
    wait_span_count(&b, 1).await?;
    assert_eq!(
        spans(&b).await?,
        vec![expect_span(text, "Abdallah Diop", 0, "PERSON")]
    );

    // Where only one span lies, a click selects it directly.
    b.click(&format!(r#"#mg-article .mg-run[data-spans="{person}"]"#))
        .await?;
    b.wait_for(&format!(r#"#mg-tag-{person}[aria-pressed="true"]"#))
        .await?;
    assert_eq!(b.count("#mg-chooser").await?, 0);
    b.close().await
}

/// The spans and the tags, checked together at each undo/redo step.
async fn assert_state(b: &marginalia_e2e::Browser, want: &[SpanSummary], step: &str) -> Result {
    wait_span_count(b, want.len())
        .await
        .map_err(|e| format!("{step}: {e}"))?;
    let got = spans(b).await?;
    assert_eq!(got, want, "{step}: the spans");
    let labels: Vec<String> = want.iter().map(|s| s.2.clone()).collect();
    assert_eq!(tag_labels(b).await?, labels, "{step}: the tags shown");
    Ok(())
}

#[tokio::test]
async fn every_change_undoes_and_redoes_by_key_and_by_button() -> Result {
    let b = open_app().await?;
    let text = DEFAULT_ARTICLE;
    let ad_person = expect_span(text, "Abdallah Diop", 0, "PERSON");
    let kremlin_org = expect_span(text, "Kremlin", 0, "ORG");
    let kremlin_gpe = expect_span(text, "Kremlin", 0, "GPE");
    let states: Vec<Vec<SpanSummary>> = vec![
        vec![],
        vec![ad_person.clone()],
        vec![ad_person.clone(), kremlin_org],
        vec![ad_person, kremlin_gpe.clone()],
        vec![kremlin_gpe],
    ];
    assert!(
        b.find("#mg-undo").await?.attr("disabled").await?.is_some(),
        "nothing to undo yet"
    );

    // Add, add, relabel, delete.
    let (a, _) = range_of(text, "Abdallah Diop");
    label_by_drag(&b, a, a + 13, "1").await?;
    let (k, _) = range_of(text, "Kremlin");
    label_by_drag(&b, k, k + 7, "2").await?;
    b.press("3").await?; // the new span is selected: relabel it GPE
    assert_state(&b, &states[3], "after relabelling").await?;
    let person = span_number(&b, "Abdallah Diop", "PERSON").await?;
    b.click(&format!(r#"#mg-article .mg-run[data-spans="{person}"]"#))
        .await?;
    b.wait_for(&format!(r#"#mg-tag-{person}[aria-pressed="true"]"#))
        .await?;
    b.press("Delete").await?;
    assert_state(&b, &states[4], "after deleting").await?;

    // Ctrl+Z four times walks back through every state.
    for i in (0..4).rev() {
        ctrl(&b, "z").await?;
        assert_state(&b, &states[i], &format!("Ctrl+Z back to state {i}")).await?;
    }
    ctrl(&b, "z").await?; // nothing more to undo: nothing changes
    assert_state(&b, &states[0], "Ctrl+Z past the start").await?;
    assert!(
        b.find("#mg-undo").await?.attr("disabled").await?.is_some(),
        "Undo should be disabled at the start"
    );

    // Ctrl+Shift+Z and Ctrl+Y redo; so does the Redo button.
    b.press_with(&[Mod::Ctrl, Mod::Shift], "z").await?;
    assert_state(&b, &states[1], "Ctrl+Shift+Z").await?;
    ctrl(&b, "y").await?;
    assert_state(&b, &states[2], "Ctrl+Y").await?;
    b.click("#mg-redo").await?;
    assert_state(&b, &states[3], "Redo button").await?;
    b.click("#mg-redo").await?;
    assert_state(&b, &states[4], "Redo button again").await?;
    b.wait_for("#mg-redo[disabled]").await?;

    // The Undo button undoes too, and a redo after it still works.
    b.click("#mg-undo").await?;
    assert_state(&b, &states[3], "Undo button").await?;
    b.click("#mg-undo").await?;
    assert_state(&b, &states[2], "Undo button again").await?;
    ctrl(&b, "y").await?;
    assert_state(&b, &states[3], "Ctrl+Y after the Undo button").await?;

    let saved = save(&b, DEFAULT_SAVE).await?;
    python_check(
        &saved.path,
        PY_SPANS_ARE,
        json!([["Abdallah Diop", "PERSON"], ["Kremlin", "GPE"]]),
    )?;
    b.close().await
}

#[tokio::test]
async fn the_side_panel_groups_counts_and_brings_a_span_into_view() -> Result {
    let b = open_app().await?;
    let text = DEFAULT_ARTICLE;
    for (needle, key) in [
        ("Abdallah Diop", "1"),
        ("Kremlin", "2"),
        ("Nathalie Broadhurst", "1"),
    ] {
        let (s, e) = range_of(text, needle);
        label_by_drag(&b, s, e, key).await?;
    }
    b.press("Escape").await?;

    // Groups by label, with counts, in document order within a group.
    assert_eq!(
        b.text_of(r#"#mg-panel section.mg-group[data-label="PERSON"] .mg-count"#)
            .await?,
        "2"
    );
    assert_eq!(
        b.text_of(r#"#mg-panel section.mg-group[data-label="ORG"] .mg-count"#)
            .await?,
        "1"
    );
    assert_eq!(
        b.count("#mg-panel section.mg-group").await?,
        2,
        "labels without spans must not be listed"
    );
    // The items are listed from the first idle moment after the article
    // opened, which a loaded machine may not have had yet (the counts
    // above show at once).
    b.wait_until(
        r#"return document.querySelectorAll('#mg-panel section.mg-group[data-label="PERSON"] button.mg-item').length === 2;"#,
        WAIT,
    )
    .await?;
    assert_eq!(
        b.texts_of(r#"#mg-panel section.mg-group[data-label="PERSON"] button.mg-item"#)
            .await?,
        ["Abdallah Diop", "Nathalie Broadhurst"]
    );

    // The last span is out of view at the top of the page...
    let n = span_number(&b, "Nathalie Broadhurst", "PERSON").await?;
    let tag = format!("#mg-tag-{n}");
    b.execute("window.scrollTo(0, 0); document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; });", vec![])
        .await?;
    assert!(
        !in_view(&b, &tag).await?,
        "precondition: {tag} should start out of view"
    );

    // ...and clicking its item selects it, focuses its tag and scrolls it into view.
    b.click(&format!(r#"#mg-panel button.mg-item[data-span="{n}"]"#))
        .await?;
    b.wait_for(&format!(r#"{tag}[aria-pressed="true"]"#))
        .await?;
    b.wait_until(
        &format!("return document.activeElement && document.activeElement.id === 'mg-tag-{n}';"),
        WAIT,
    )
    .await
    .map_err(|_| "the selected span's tag did not get focus")?;
    let mut visible = false;
    for _ in 0..40 {
        if in_view(&b, &tag).await? {
            visible = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(visible, "{tag} was not scrolled into view");
    assert_eq!(
        b.attr(
            &format!(r#"#mg-panel button.mg-item[data-span="{n}"]"#),
            "aria-current"
        )
        .await?
        .as_deref(),
        Some("true")
    );
    assert!(b
        .text_of("#mg-panel")
        .await?
        .contains("Nathalie Broadhurst"));

    // Counts follow changes: relabel the selected span ORG.
    b.press("2").await?;
    b.wait_until(
        r#"const c = document.querySelector('#mg-panel section.mg-group[data-label="ORG"] .mg-count'); return c && c.textContent === '2';"#,
        WAIT,
    )
    .await?;
    assert_eq!(
        b.text_of(r#"#mg-panel section.mg-group[data-label="PERSON"] .mg-count"#)
            .await?,
        "1"
    );
    let saved = save(&b, DEFAULT_SAVE).await?;
    python_check(
        &saved.path,
        PY_SPANS_ARE,
        json!([
            ["Abdallah Diop", "PERSON"],
            ["Kremlin", "ORG"],
            ["Nathalie Broadhurst", "ORG"]
        ]),
    )?;
    b.close().await
}

/// A label with many spans lists its first 30 until the annotator asks for
/// all; the list stays whole as spans are added, an item far down selects
/// its span, and markup in an item's quote stays text.
#[tokio::test]
async fn the_side_panel_lists_thirty_per_label_until_asked_for_all() -> Result {
    let b = open_app().await?;
    let names: Vec<String> = (0..35).map(|i| format!("Zoë{i}")).collect();
    let mut text = String::from("<b>Hostile</b> 👩🏾‍🍳 met علي in 東京.\n\n");
    for name in &names {
        text.push_str(&format!("{name} met علي. "));
    }
    let mut spans: Vec<_> =
        names.iter().map(|n| range_of(&text, &format!("{n} "))).map(|(s, e)| json!({ "start": s, "end": e - 1, "label": "PERSON" })).collect();
    let hostile = range_of(&text, "<b>Hostile</b>");
    spans.insert(0, json!({ "start": hostile.0, "end": hostile.1, "label": "PERSON" }));
    b.execute(
        "window.marginalia.setDocument({ id: 'many', title: 'Many', text: arguments[0], spans: arguments[1] });",
        vec![json!(text), json!(spans)],
    )
    .await?;
    b.wait_until("return window.marginalia.getAnnotations().meta.doc_id === 'many';", WAIT).await?;

    let group = r#"#mg-panel section.mg-group[data-label="PERSON"]"#;
    assert_eq!(b.text_of(&format!("{group} .mg-count")).await?, "36");
    // The items follow the article's own spans, in the next idle moment.
    b.wait_until(&format!("return document.querySelectorAll('{group} button.mg-item').length > 0;"), WAIT).await?;
    let listed = b.texts_of(&format!("{group} button.mg-item")).await?;
    assert_eq!(listed.len(), 30, "{listed:?}");
    assert_eq!(listed[0], "<b>Hostile</b>", "an item's markup must stay text");
    assert_eq!(b.count("#mg-panel b").await?, 0);
    assert_eq!(listed[1..], names[..29]);

    b.click(&format!("{group} button.mg-show-all")).await?;
    b.wait_until(&format!("return document.querySelectorAll('{group} button.mg-item').length === 36;"), WAIT).await?;
    assert_eq!(b.count(&format!("{group} button.mg-show-all")).await?, 0);

    // An item past the first 30 selects its span.
    let last = names.last().unwrap();
    let n = span_number(&b, last, "PERSON").await?;
    b.click(&format!(r#"{group} button.mg-item[data-span="{n}"]"#)).await?;
    b.wait_for(&format!(r#"#mg-tag-{n}[aria-pressed="true"]"#)).await?;
    assert_eq!(b.attr(&format!(r#"{group} button.mg-item[data-span="{n}"]"#), "aria-current").await?.as_deref(), Some("true"));

    // A new span of the label: the list stays whole.
    let (s, e) = range_of(&text, "👩🏾‍🍳");
    b.execute("window.marginalia.addSpan(arguments[0], arguments[1], 'PERSON');", vec![json!(s), json!(e)]).await?;
    b.wait_until(&format!("return document.querySelectorAll('{group} button.mg-item').length === 37;"), WAIT).await?;
    assert_eq!(b.texts_of(&format!("{group} button.mg-item")).await?[1], "👩🏾‍🍳");
    b.close().await
}

/// "United Nations" ORG inside "United Nations mission" ORG (issue 21, 7):
/// both made with the mouse and the key, drawn nested — two bands apart
/// under the inner words, one under the rest, a deeper tint inside — and
/// each with its own tag, over a reload.
#[tokio::test]
async fn a_span_inside_one_of_the_same_label_is_drawn_nested() -> Result {
    let b = open_app().await?;
    let (s, e) = range_of(DEFAULT_ARTICLE, "United Nations mission");
    label_by_drag(&b, s, e, "2").await?;
    label_by_drag(&b, s, s + "United Nations".chars().count(), "2").await?;
    wait_span_count(&b, 2).await?;
    let drawn = "return ['United Nations', ' mission'].map(t => {
        const r = [...document.querySelectorAll('#mg-article .mg-run.mg-spanned')].find(r => r.textContent === t);
        const cs = r && getComputedStyle(r);
        return r ? [(cs.boxShadow.match(/inset/g) || []).length, cs.backgroundColor] : null; });";
    for pass in ["labelled", "reloaded"] {
        let runs = b.execute(drawn, vec![]).await?;
        assert_eq!((runs[0][0].as_u64(), runs[1][0].as_u64()), (Some(4), Some(2)), "{pass}: bands under the nested and the outer words: {runs}");
        assert_ne!(runs[0][1], runs[1][1], "{pass}: the nested words are tinted deeper: {runs}");
        let tags = b.texts_of("#mg-article button.mg-tag").await?;
        assert_eq!(tags, ["ORG", "ORG"], "{pass}");
        if pass == "labelled" {
            b.reload_app().await?;
            wait_span_count(&b, 2).await?;
        }
    }
    b.close().await
}
