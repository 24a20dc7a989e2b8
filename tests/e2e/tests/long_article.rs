//! A long read: most of it is drawn outside the decorated window (plain
//! paragraphs, in groups the browser parses at once). Its text must still
//! be exact (emoji, ZWJ sequences, combining marks, CJK, RTL, carriage
//! returns), hostile markup in it must stay text, find-in-page must reach
//! it, and a paragraph scrolled to far down must label with the mouse and
//! keys at the right code points, over a reload.

mod support;

use marginalia_e2e::{json, Browser, Result};
use support::*;

const UNICODE: &str = include_str!("../../../assets/articles/unicode-stress.txt");
const HOSTILE: &str = "Hostile <img src=x onerror=\"window.__pwned = 1\"> & <script>window.__pwned = 2</script> text.";
const PARAGRAPHS: usize = 600;
const TARGET: usize = 455;

/// 600 paragraphs from the default and the Unicode articles, numbered; the
/// ones around the target are separated by CRLF; one is hostile markup.
fn long_read() -> String {
    let lines: Vec<&str> =
        DEFAULT_ARTICLE.lines().chain(UNICODE.lines()).map(str::trim_end).filter(|l| !l.trim().is_empty()).collect();
    let mut text = String::new();
    for i in 0..PARAGRAPHS {
        let body = if i == TARGET - 5 { HOSTILE.to_string() } else { lines[i % lines.len()].to_string() };
        text.push_str(&format!("{i}. {body} (marker-{i})"));
        text.push_str(if (TARGET - 10..TARGET + 10).contains(&i) { "\r\n\r\n" } else { "\n\n" });
    }
    text
}

async fn open_long_read(b: &Browser, text: &str) -> Result {
    open_file(b, write_temp("long-read.txt", text)).await?;
    b.wait_until("return window.marginalia.getAnnotations().meta.doc_id === 'long-read';", WAIT).await?;
    Ok(())
}

#[tokio::test]
async fn a_long_read_is_exact_safe_findable_and_labels_far_down() -> Result {
    let text = long_read();
    let b = open_app().await?;
    open_long_read(&b, &text).await?;

    // Every paragraph is in the page, with exactly the article's text
    // (carriage returns included), and the markup stays text.
    assert_eq!(b.count("#mg-article .mg-par").await?, PARAGRAPHS);
    assert_same_paragraphs(&article_runs_text(&b).await?, &visible_lines(&text));
    let page = b
        .execute(
            "return { pwned: window.__pwned ?? null,
                      elements: document.querySelectorAll('#mg-article img, #mg-article script, #mg-article b').length };",
            vec![],
        )
        .await?;
    assert_eq!(page, json!({ "pwned": null, "elements": 0 }), "markup in the article became elements");

    // Find-in-page reaches text far below the first screens.
    let found = b.execute("return window.find('(marker-590)');", vec![]).await?;
    assert_eq!(found, json!(true), "find-in-page did not reach the last paragraphs");
    b.execute("window.getSelection().removeAllRanges(); window.scrollTo(0, 0);", vec![]).await?;

    // Far down (after carriage returns and the hostile paragraph), the mouse
    // and a label key make a span at the right code points.
    let needle = format!("{TARGET}. ");
    let paragraph_start = cp_of(&text, &needle);
    let word = text.chars().skip(paragraph_start + needle.chars().count()).take_while(|c| c.is_alphanumeric()).collect::<String>();
    assert!(word.chars().count() >= 2, "paragraph {TARGET} starts with a word: {word:?}");
    let start = paragraph_start + needle.chars().count();
    let end = start + word.chars().count();
    // Scrolled to, the paragraph is drawn decorated a frame later, and the
    // text stays where it was (no jump under the reader's mouse).
    let top = scroll_to_paragraph(&b, paragraph_start).await?;
    assert_eq!(paragraph_top_after_frames(&b, paragraph_start).await?, top, "the text moved after the scroll");
    label_by_drag(&b, start, end, "1").await?;
    let want = vec![(start as u64, end as u64, "PERSON".to_string(), word.clone())];
    assert_eq!(spans(&b).await?, want);
    assert_eq!(slice(&text, start, end), word);

    // Back at the top, then a reload: the span is kept, and drawn (with its
    // tag over its text) when its paragraph is scrolled to again.
    b.execute("window.scrollTo(0, 0);", vec![]).await?;
    b.reload_app().await?;
    b.wait_until("return window.marginalia.getAnnotations().meta.doc_id === 'long-read';", WAIT).await?;
    assert_eq!(spans(&b).await?, want);
    assert_eq!(b.count("#mg-article .mg-tag").await?, 0, "the span's paragraph is off screen, drawn plain");
    scroll_to_paragraph(&b, paragraph_start).await?;
    b.wait_for("#mg-article .mg-tag").await?;
    let tags = tags(&b).await?;
    assert_eq!(tags.len(), 1, "{tags:?}");
    assert_eq!(text_under_span(&b, &tags[0].span).await?, word);
    assert_same_paragraphs(&article_runs_text(&b).await?, &visible_lines(&text));
    b.close().await
}

/// An article opens with a window sized for a common screen; on a taller
/// one, every paragraph on screen is drawn with its annotations once the
/// page has measured it (none is left in a plain group).
#[tokio::test]
async fn a_tall_screen_is_decorated_to_its_bottom() -> Result {
    let text = long_read();
    let b = open_app().await?;
    b.cdp(
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": 1280, "height": 4000, "deviceScaleFactor": 1, "mobile": false }),
    )
    .await?;
    open_long_read(&b, &text).await?;
    let plain_on_screen = "const h = window.innerHeight;
         return [...document.querySelectorAll('#mg-article .mg-plain > .mg-par')]
             .filter((p) => { const r = p.getBoundingClientRect(); return r.bottom > 0 && r.top < h; }).length;";
    b.wait_until(&format!("return (() => {{ {plain_on_screen} }})() === 0;"), WAIT).await?;
    // The screen is full of text: the measure is what decorated it.
    let decorated = b.count("#mg-article > .mg-par").await?;
    assert!(decorated > 20, "only {decorated} paragraphs decorated on a 4,000 px screen");
    b.close().await
}

/// Scrolls the paragraph starting at code point `start` to the middle of the
/// screen, as a scroll bar drag would, and lets the page settle; returns
/// its top on screen.
async fn scroll_to_paragraph(b: &Browser, start: usize) -> Result<f64> {
    b.execute(
        "document.querySelector('#mg-article .mg-par[data-start=\"' + arguments[0] + '\"]').scrollIntoView({block: 'center'});",
        vec![json!(start)],
    )
    .await?;
    paragraph_top_after_frames(b, start).await
}

/// The paragraph's top on screen, three frames from now.
async fn paragraph_top_after_frames(b: &Browser, start: usize) -> Result<f64> {
    let v = b
        .execute_async(
            "const [start, done] = arguments;
             let n = 3;
             const tick = () => {
                 if (n-- > 0) return requestAnimationFrame(tick);
                 const p = document.querySelector('#mg-article .mg-par[data-start=\"' + start + '\"]');
                 done(p.getBoundingClientRect().top);
             };
             requestAnimationFrame(tick);",
            vec![json!(start)],
        )
        .await?;
    v.as_f64().ok_or_else(|| format!("no paragraph at {start}: {v}").into())
}

/// The page's paragraphs against the article's, naming the first that differs.
fn assert_same_paragraphs(shown: &str, article: &str) {
    let (shown, article): (Vec<&str>, Vec<&str>) = (shown.split('\n').collect(), article.split('\n').collect());
    if let Some(i) = (0..shown.len().max(article.len())).find(|&i| shown.get(i) != article.get(i)) {
        panic!("paragraph {i} differs:\n shown:   {:?}\n article: {:?}", shown.get(i), article.get(i));
    }
}
