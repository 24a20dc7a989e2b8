//! Issue 17, item 4: every record that leaves the page is the documented
//! record. Where it has `tokens` (getAnnotations, the iframe's answer, Save
//! JSON, export) they rebuild the text exactly — token text plus a space
//! where `ws` — in code points; where a lighter body is documented (the
//! `marginalia:change` detail, the CMS `PUT`), there is no `tokens` key at
//! all, never `"tokens": []`. Checked on the default article, labelled with
//! the mouse and a key, and on the Unicode stress article (ZWJ families,
//! flags, skin tones, combining marks, CJK, RTL).

mod support;

use marginalia_e2e::{json, workspace_root, Browser, Result, Value};
use support::cms::*;
use support::*;

const STRESS: &str = include_str!("../../../assets/articles/unicode-stress.txt");

/// The record's tokens, joined as FORMAT.md says they rebuild the text,
/// after checking each token's `start`/`end` (code points) and `id`.
fn rebuilt(record: &Value, place: &str) -> String {
    let text: Vec<char> = record["text"].as_str().unwrap_or_else(|| panic!("{place}: no text")).chars().collect();
    let tokens = record["tokens"].as_array().unwrap_or_else(|| panic!("{place}: no tokens array: {:?}", record.get("tokens")));
    assert!(!tokens.is_empty(), "{place}: an empty token list for a text of {} characters", text.len());
    let mut out = String::new();
    for (i, t) in tokens.iter().enumerate() {
        let (start, end) = (t["start"].as_u64().unwrap() as usize, t["end"].as_u64().unwrap() as usize);
        let word = t["text"].as_str().unwrap();
        assert_eq!(t["id"], json!(i), "{place}: token {i}'s id");
        assert_eq!(text[start..end].iter().collect::<String>(), word, "{place}: token {i} at {start}..{end} (code points)");
        out += word;
        if t["ws"] == json!(true) {
            out.push(' ');
        }
    }
    out
}

fn assert_tokens_rebuild(record: &Value, place: &str) {
    assert_eq!(rebuilt(record, place), record["text"].as_str().unwrap(), "{place}: the tokens do not rebuild the text");
}

fn assert_no_tokens_key(record: &Value, place: &str) {
    assert!(record["text"].as_str().is_some_and(|t| !t.is_empty()), "{place}: the body has its text");
    assert_eq!(record.get("tokens"), None, "{place}: a light body has no `tokens` key");
}

/// The last `marginalia:change` detail the page heard.
async fn last_change(b: &Browser) -> Result<Value> {
    b.wait_until("return window.changes.length > 0;", WAIT).await?;
    b.execute("return window.changes[window.changes.length - 1];", vec![]).await
}

/// getAnnotations, the handle's export (Marginalia and spaCy) and Save JSON.
async fn assert_full_records(b: &Browser, save_name: &str, place: &str) -> Result {
    assert_tokens_rebuild(&record(b).await?, &format!("{place}: getAnnotations()"));
    for format in ["marginalia", "spacy"] {
        let out = b.execute("return window.marginalia.export(arguments[0]).then((exported) => exported.text);", vec![json!(format)]).await?;
        let exported: Value = serde_json::from_str(out.as_str().unwrap_or_default())?;
        assert_tokens_rebuild(&exported, &format!("{place}: export({format})"));
    }
    let saved = save(b, save_name).await?.json()?;
    assert_tokens_rebuild(&saved, &format!("{place}: Save JSON"));
    Ok(())
}

#[tokio::test]
async fn records_leaving_the_page_rebuild_the_text_or_carry_no_tokens() -> Result {
    let doc = format!("tokens-{}", std::process::id());
    let b = open_with_save(&doc, "").await?;
    wait_remote(&b, "saved", "").await?;
    b.execute(
        "window.changes = []; document.addEventListener('marginalia:change', e => window.changes.push(e.detail));",
        vec![],
    )
    .await?;

    // A person labels "Abdallah Diop" with the mouse and `1`.
    let (s, e) = range_of(DEFAULT_ARTICLE, "Abdallah Diop");
    label_by_drag(&b, s + 1, e - 1, "1").await?;
    wait_server_spans(&doc, &[expect_span(DEFAULT_ARTICLE, "Abdallah Diop", 0, "PERSON")]).await?;

    // The light bodies: the change event and every PUT.
    let change = last_change(&b).await?;
    assert_eq!(change["spans"][0]["text"], "Abdallah Diop");
    assert_no_tokens_key(&change, "marginalia:change");
    let puts = puts_for(&doc);
    assert!(!puts.is_empty(), "the server received no PUT");
    for (i, put) in puts.iter().enumerate() {
        let body: Value = serde_json::from_str(&put.body)?;
        assert_no_tokens_key(&body, &format!("PUT {i}"));
    }
    assert_eq!(server_record(&doc).unwrap()["spans"][0]["text"], "Abdallah Diop");

    // The full records.
    assert_full_records(&b, DEFAULT_SAVE, "the default article").await?;
    b.close().await
}

#[tokio::test]
async fn on_the_unicode_stress_article_too() -> Result {
    let b = open_app().await?;
    b.execute(
        "window.changes = []; document.addEventListener('marginalia:change', e => window.changes.push(e.detail));",
        vec![],
    )
    .await?;
    // Opened as a file; a name labelled with the mouse and `1`.
    open_file(&b, workspace_root().join("assets/articles/unicode-stress.txt")).await?;
    b.wait_until("return window.marginalia.getAnnotations().meta.doc_id === 'unicode-stress';", WAIT).await?;
    let (s, e) = range_of(STRESS, "Aïssata Traoré");
    label_by_drag(&b, s, e, "1").await?;
    let change = b
        .wait_until(
            "const c = window.changes[window.changes.length - 1];
             return c && c.meta.doc_id === 'unicode-stress' && c.spans.length === 1 ? c : false;",
            WAIT,
        )
        .await?;
    assert_no_tokens_key(&change, "marginalia:change on the stress article");
    let full = record(&b).await?;
    assert_eq!(full["text"].as_str(), Some(STRESS));
    // The family (7 code points), the flag and the chef are each one token.
    for cluster in ["👨‍👩‍👧‍👦", "🇲🇱", "👩🏾‍🍳"] {
        let whole = full["tokens"].as_array().unwrap().iter().any(|t| t["text"] == cluster);
        assert!(whole, "{cluster} is not one token");
    }
    assert_full_records(&b, "unicode-stress.marginalia.json", "the stress article").await?;
    b.close().await
}

/// The iframe's answer to `marginalia:get-annotations` is the full record.
#[tokio::test]
async fn the_iframe_answers_with_tokens_that_rebuild_the_text() -> Result {
    let b = Browser::new().await?;
    b.goto(&format!("{}cms/?doc=tokens-frame-{}", b.app_url(), std::process::id())).await?;
    b.wait_until(
        "const f = document.getElementById('cms-iframe');
         return !!(f && f.contentWindow.marginalia && f.contentWindow.document.querySelector('.mg-article .mg-run'));",
        WAIT,
    )
    .await?;
    b.execute(
        "const f = document.getElementById('cms-iframe');
         f.contentWindow.postMessage({ type: 'marginalia:get-annotations', request_id: 'tokens' }, new URL(f.src).origin);",
        vec![],
    )
    .await?;
    let answer = b
        .wait_until(
            "return (window.cmsFrameMessages || []).find(m => m.type === 'marginalia:annotations' && m.request_id === 'tokens') || false;",
            WAIT,
        )
        .await?;
    assert_tokens_rebuild(&answer["annotations"], "the iframe's marginalia:annotations");
    b.close().await
}
