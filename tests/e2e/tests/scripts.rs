//! Every script (issue 21): Japanese, Chinese and Thai are written without
//! spaces, so a drag over two characters labels those two, not the whole
//! sentence; Arabic and Hebrew paragraphs are drawn right to left and the
//! arrow keys move as the reader sees the words. Labels survive a reload
//! and save as code points.

mod support;

use marginalia_e2e::{workspace_root, Browser, Result};
use support::*;

const ARTICLE: &str = include_str!("../../../assets/articles/scripts.txt");

async fn open_scripts() -> Result<Browser> {
    let b = open_app().await?;
    open_file(&b, workspace_root().join("assets/articles/scripts.txt")).await?;
    b.wait_until("return window.marginalia.getAnnotations().meta.doc_id === 'scripts';", WAIT).await?;
    let opened = record(&b).await?;
    assert_eq!(opened["text"].as_str(), Some(ARTICLE));
    assert_eq!(opened["meta"]["title"], "Five scripts, one article", "a text is titled by its first line, not its file name");
    Ok(b)
}

/// Drags from the first to the last code point of `needle` and returns the pending selection the app draws.
async fn drag_over(b: &Browser, needle: &str) -> Result<String> {
    let (s, e) = range_of(ARTICLE, needle);
    b.drag_select(s, e).await?;
    wait_pending(b).await
}

#[tokio::test]
async fn a_drag_in_a_script_without_spaces_labels_what_it_covers() -> Result {
    let b = open_scripts().await?;
    // (characters dragged over, key, label): each a part of a longer run
    // without spaces that used to be one token.
    let items = [("ロシア", "3", "GPE"), ("バマコ", "3", "GPE"), ("俄罗斯", "3", "GPE"), ("迪奥普", "1", "PERSON"), ("รัสเซีย", "3", "GPE")];
    for (i, (needle, key, _)) in items.iter().enumerate() {
        let pending = drag_over(&b, needle).await?;
        assert_eq!(&pending, needle, "a drag over {needle:?} selected {pending:?}");
        b.press(key).await?;
        wait_span_count(&b, i + 1).await?;
    }
    let mut want: Vec<SpanSummary> = items.iter().map(|(n, _, l)| expect_span(ARTICLE, n, 0, l)).collect();
    want.sort();
    assert_eq!(spans(&b).await?, want);
    // The tokens of the record: one per character there, the Latin title whole.
    let saved = record(&b).await?;
    let tokens: Vec<&str> = saved["tokens"].as_array().unwrap().iter().map(|t| t["text"].as_str().unwrap()).collect();
    assert!(tokens.starts_with(&["Five", "scripts", ","]), "{:?}", &tokens[..5]);
    assert!(tokens.contains(&"ロ") && tokens.contains(&"俄") && !tokens.iter().any(|t| t.contains("ロシア")), "{tokens:?}");

    b.reload_app().await?;
    assert_eq!(spans(&b).await?, want, "the labels survive a reload");
    b.close().await
}

#[tokio::test]
async fn right_to_left_paragraphs_are_drawn_so_and_arrows_follow_the_eye() -> Result {
    let b = open_scripts().await?;
    let dirs = b
        .execute(
            "return [...document.querySelectorAll('#mg-article .mg-par')].map(p => [p.textContent.trim().slice(0, 4), getComputedStyle(p).direction]);",
            vec![],
        )
        .await?;
    let dirs: Vec<(String, String)> = marginalia_e2e::serde_json::from_value(dirs)?;
    let dir_of = |start: &str| dirs.iter().find(|(t, _)| start.starts_with(t.as_str()) || t.starts_with(start)).map(|(_, d)| d.clone());
    assert_eq!(dir_of("قالت").as_deref(), Some("rtl"), "{dirs:?}");
    assert_eq!(dir_of("ממשל").as_deref(), Some("rtl"), "{dirs:?}");
    assert_eq!(dir_of("マリ政府").as_deref(), Some("ltr"), "{dirs:?}");
    assert_eq!(dir_of("Five").as_deref(), Some("ltr"), "{dirs:?}");

    // The first Arabic word, then ←: the next word, drawn to its left.
    assert_eq!(drag_over(&b, "قالت").await?, "قالت");
    let first_x = pending_left(&b).await?;
    b.press("ArrowLeft").await?;
    assert_eq!(wait_pending_is(&b, "الحكومة").await?, "الحكومة");
    assert!(pending_left(&b).await? < first_x, "← moved to a word on the left");
    b.press("ArrowRight").await?;
    assert_eq!(wait_pending_is(&b, "قالت").await?, "قالت");
    // Shift+← extends over the next words; a label key labels them.
    b.press_with(&[marginalia_e2e::Mod::Shift], "ArrowLeft").await?;
    assert_eq!(wait_pending_is(&b, "قالت الحكومة").await?, "قالت الحكومة");

    // Hebrew alike.
    assert_eq!(drag_over(&b, "ממשלת").await?, "ממשלת");
    b.press("ArrowLeft").await?;
    assert_eq!(wait_pending_is(&b, "מאלי").await?, "מאלי");
    b.press("3").await?;
    wait_span_count(&b, 1).await?;
    assert_eq!(spans(&b).await?, vec![expect_span(ARTICLE, "מאלי", 0, "GPE")]);
    // The first arrow after labelling moves on, in the reader's direction.
    b.press("ArrowLeft").await?;
    assert_eq!(wait_pending_is(&b, "אישרה").await?, "אישרה");
    b.close().await
}

/// The left edge of the pending selection's first run, in CSS pixels.
async fn pending_left(b: &Browser) -> Result<f64> {
    let v = b.execute("return document.querySelector('#mg-article .mg-pending').getBoundingClientRect().left;", vec![]).await?;
    Ok(v.as_f64().unwrap_or(f64::NAN))
}

/// Waits for the pending selection to read `want`; returns what it reads
/// (so a timeout fails the caller's comparison with what was drawn).
async fn wait_pending_is(b: &Browser, want: &str) -> Result<String> {
    let js = format!(
        "return [...document.querySelectorAll('#mg-article .mg-pending')].map(r => r.textContent).join('') === {};",
        marginalia_e2e::json!(want)
    );
    let _ = b.wait_until(&js, WAIT).await;
    pending_text(b).await
}
