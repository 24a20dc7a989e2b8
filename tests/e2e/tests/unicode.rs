//! Text beyond ASCII: accented Latin, CJK, right-to-left Arabic, a flag,
//! ZWJ emoji sequences. Mouse selections over them label exactly the
//! intended text, and the saved offsets are code points, as Python slices
//! them. A character-precision selection never splits a grapheme cluster.

mod support;

use marginalia_e2e::{json, workspace_root, Browser, Result};
use support::*;

const ARTICLE: &str = include_str!("../../../assets/articles/unicode-stress.txt");
const SAVE: &str = "unicode-stress.marginalia.json";
const FAMILY: &str = "👨‍👩‍👧‍👦";
const CHEF: &str = "👩🏾‍🍳";
const FLAG: &str = "🇲🇱";

async fn open_unicode_article() -> Result<Browser> {
    let b = open_app().await?;
    open_file(
        &b,
        workspace_root().join("assets/articles/unicode-stress.txt"),
    )
    .await?;
    b.wait_until(
        "return window.marginalia.getAnnotations().meta.doc_id === 'unicode-stress';",
        WAIT,
    )
    .await?;
    assert_eq!(
        record(&b).await?["text"].as_str(),
        Some(ARTICLE),
        "the text must open exactly as in the file"
    );
    assert_eq!(article_runs_text(&b).await?, visible_lines(ARTICLE));
    Ok(b)
}

/// Selects code points `anchor..focus` by setting the DOM selection (UTF-16
/// offsets inside the runs' text nodes, so it may fall inside a surrogate
/// pair or a ZWJ sequence, which a mouse in Chromium never does) and sends
/// the mouse-up with Alt held that ends a selection gesture.
async fn select_inside_clusters(b: &Browser, anchor: usize, focus: usize) -> Result {
    b.execute(
        "function point(cp) {
             for (const r of document.querySelectorAll('#mg-article .mg-run')) {
                 const s = Number(r.dataset.s), e = Number(r.dataset.e);
                 if (s <= cp && cp < e) {
                     const t = r.firstChild.data;
                     let i = 0;
                     for (let n = 0; n < cp - s; n++) i += t.codePointAt(i) > 0xffff ? 2 : 1;
                     return [r.firstChild, i];
                 }
             }
             throw new Error('no run holds ' + cp);
         }
         const [an, ao] = point(arguments[0]), [fn, fo] = point(arguments[1]);
         const sel = window.getSelection();
         sel.removeAllRanges();
         sel.setBaseAndExtent(an, ao, fn, fo);
         fn.parentElement.dispatchEvent(new MouseEvent('mouseup', { bubbles: true, altKey: true, button: 0 }));
         return sel.toString();",
        vec![json!(anchor), json!(focus)],
    )
    .await?;
    Ok(())
}

#[tokio::test]
async fn labels_in_every_script_save_as_python_code_points() -> Result {
    let b = open_unicode_article().await?;
    // (text, sloppy inner margin in code points, key, label)
    let items = [
        ("Zoë Nguyễn", 1, "1", "PERSON"),
        // Each ideograph is a token: a drag over all of them, no margin.
        ("国際協力機構", 0, "2", "ORG"),
        ("الجزيرة", 1, "2", "ORG"), // right to left
        (FLAG, 0, "3", "GPE"),
        (FAMILY, 0, "8", "MISC"),
        (CHEF, 0, "8", "MISC"),
    ];
    for (needle, inner, key, _) in items {
        let (s, e) = range_of(ARTICLE, needle);
        b.drag_select(s + inner, e - inner).await?;
        let pending = wait_pending(&b).await?;
        assert_eq!(
            pending, needle,
            "dragging over {needle:?} selected {pending:?}"
        );
        let before = record(&b).await?["spans"].as_array().map_or(0, Vec::len);
        b.press(key).await?;
        wait_span_count(&b, before + 1).await?;
    }

    // The app and the page: each span covers exactly its text.
    let mut want: Vec<SpanSummary> = items
        .iter()
        .map(|(n, _, _, l)| expect_span(ARTICLE, n, 0, l))
        .collect();
    want.sort();
    assert_eq!(spans(&b).await?, want);
    for t in tags(&b).await? {
        let under = text_under_span(&b, &t.span).await?;
        assert!(
            items
                .iter()
                .any(|(n, _, _, l)| *n == under && *l == t.label),
            "tag {t:?} is over {under:?}"
        );
        assert!(t.visible, "{t:?}");
    }

    // Python's code-point slicing of the saved file gives the same strings.
    let saved = save(&b, SAVE).await?;
    let expected: Vec<[&str; 2]> = want
        .iter()
        .map(|(_, _, l, t)| [t.as_str(), l.as_str()])
        .collect();
    python_check(&saved.path, PY_SPANS_ARE, json!(expected))?;
    python_check(&saved.path, PY_RECORD_IS_SOUND, json!(null))?;
    python_check(
        &saved.path,
        "got = sorted(text[s['start']:s['end']] for s in spans)\n\
         check(got == sorted(args), 'code-point slices %r' % got)\n\
         check(text[22:24] == '\\U0001F1F2\\U0001F1F1', 'the flag is not at code points 22..24')",
        json!(items.iter().map(|(n, ..)| *n).collect::<Vec<_>>()),
    )?;
    b.close().await
}

#[tokio::test]
async fn an_alt_drag_into_an_emoji_never_splits_it() -> Result {
    let b = open_unicode_article().await?;
    // Each selection also starts or ends inside a word, so that whole-token
    // snapping would give another text: these are character selections.

    // From "ko" of "Bamako" to the flag's first regional indicator: the whole flag.
    let (f, _) = range_of(ARTICLE, FLAG);
    let ko = cp_of(ARTICLE, "Bamako 🇲🇱") + 4;
    b.drag_select_with_alt(ko, f + 1).await?;
    assert_eq!(wait_pending(&b).await?, format!("ko {FLAG}"));
    b.press("3").await?;
    wait_span_count(&b, 1).await?;

    // From "ters" of "reporters" to inside the cook: the whole cook.
    let ters = cp_of(ARTICLE, "reporters.") + 5;
    let (c, _) = range_of(ARTICLE, CHEF);
    b.drag_select_with_alt(ters, c + 2).await?;
    assert_eq!(wait_pending(&b).await?, format!("ters. {CHEF}"));
    b.press("8").await?;
    wait_span_count(&b, 2).await?;

    // From inside the family (its second person) to "we" of "were": the whole family.
    let (fam, fam_end) = range_of(ARTICLE, FAMILY);
    b.drag_select_with_alt(fam + 2, fam_end + 3).await?;
    assert_eq!(
        wait_pending(&b).await?,
        format!("{FAMILY} we"),
        "an Alt drag from inside the family must take the whole emoji"
    );
    b.press("Escape").await?;

    // The app's own snapping, whatever the browser does with the mouse: a
    // selection that starts between the family's code points, and one that
    // ends inside the cook's skin-tone sequence.
    select_inside_clusters(&b, fam + 1, fam_end + 3).await?;
    assert_eq!(
        wait_pending(&b).await?,
        format!("{FAMILY} we"),
        "a selection from inside the family split it"
    );
    b.press("8").await?;
    wait_span_count(&b, 3).await?;
    select_inside_clusters(&b, ters + 1, c + 1).await?;
    assert_eq!(
        wait_pending(&b).await?,
        format!("ers. {CHEF}"),
        "a selection ending inside the cook split it"
    );
    b.press("Escape").await?;

    assert_eq!(
        spans(&b).await?,
        vec![
            expect_span(ARTICLE, &format!("ko {FLAG}"), 0, "GPE"),
            expect_span(ARTICLE, &format!("ters. {CHEF}"), 0, "MISC"),
            expect_span(ARTICLE, &format!("{FAMILY} we"), 0, "MISC"),
        ]
    );
    let saved = save(&b, SAVE).await?;
    python_check(
        &saved.path,
        PY_SPANS_ARE,
        json!([
            [format!("ko {FLAG}"), "GPE"],
            [format!("ters. {CHEF}"), "MISC"],
            [format!("{FAMILY} we"), "MISC"]
        ]),
    )?;
    python_check(&saved.path, PY_RECORD_IS_SOUND, json!(null))?;
    b.close().await
}
