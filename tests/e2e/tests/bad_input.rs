//! Bad input never costs work: each refused input shows an error notice
//! (`#mg-notice[data-kind="error"]`) saying what is wrong, and the article
//! and its spans stay exactly as they were. A good text file opens as a new
//! article, and the work on the old one comes back when it is reopened.

mod support;

use marginalia_e2e::{fixture, json, workspace_root, Browser, Result, Value};
use support::*;

/// The app on the default article with two spans (by mouse and key).
async fn app_with_work() -> Result<(Browser, Value)> {
    let b = open_app().await?;
    let text = DEFAULT_ARTICLE;
    let (a, e) = range_of(text, "Abdallah Diop");
    label_by_drag(&b, a, e, "1").await?;
    let (k, e) = range_of(text, "Kremlin");
    label_by_drag(&b, k, e, "2").await?;
    let before = record(&b).await?;
    Ok((b, before))
}

/// The article and every span are as they were; the page still shows both tags.
async fn assert_unchanged(b: &Browser, before: &Value, what: &str) -> Result {
    let now = record(b).await?;
    assert_eq!(now["spans"], before["spans"], "{what}: the spans changed");
    assert_eq!(
        now["text_sha256"], before["text_sha256"],
        "{what}: the article changed"
    );
    assert_eq!(
        now["meta"]["doc_id"], before["meta"]["doc_id"],
        "{what}: the document changed"
    );
    assert_eq!(
        tag_labels(b).await?,
        ["PERSON", "ORG"],
        "{what}: the tags shown changed"
    );
    assert!(
        article_runs_text(b).await? == visible_lines(DEFAULT_ARTICLE),
        "{what}: the text shown changed"
    );
    Ok(())
}

/// Opens `path` with the file dialog and returns the error notice's text;
/// checks that the work is untouched.
async fn refused_file(b: &Browser, before: &Value, path: &std::path::Path) -> Result<String> {
    dismiss_notice(b).await?;
    open_file(b, path).await?;
    let msg = wait_notice(b, "error").await?;
    assert_unchanged(b, before, &path.display().to_string()).await?;
    Ok(msg)
}

/// The article text a page of `tests/fixtures` reduces to (the team
/// server's import is held to the same files).
fn read_fixture(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn contains_all(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "the message should mention {p:?}: {msg}");
    }
}

#[tokio::test]
async fn malformed_json_is_refused_with_its_line_and_column() -> Result {
    let (b, before) = app_with_work().await?;
    let msg = refused_file(&b, &before, &fixture("malformed.json")).await?;
    contains_all(
        &msg,
        &[
            "malformed.json",
            "not valid JSON",
            "line 1, column",
            "Your work is unchanged",
        ],
    );
    b.close().await
}

#[tokio::test]
async fn json_that_is_not_a_save_is_refused() -> Result {
    let (b, before) = app_with_work().await?;
    let msg = refused_file(&b, &before, &write_temp("list.json", "[1, 2, 3]\n")).await?;
    contains_all(
        &msg,
        &["list.json", "not a Marginalia save", "not a JSON object"],
    );
    let msg = refused_file(
        &b,
        &before,
        &write_temp("settings.json", r#"{"text": "hello"}"#),
    )
    .await?;
    contains_all(
        &msg,
        &["settings.json", "not a Marginalia save", "\"spans\""],
    );
    b.close().await
}

#[tokio::test]
async fn a_save_whose_text_does_not_match_its_hash_is_refused() -> Result {
    let (b, before) = app_with_work().await?;
    // The app's own save, its text edited by hand afterwards (a word changed,
    // so every later offset would be off by one).
    let saved = save(&b, DEFAULT_SAVE).await?;
    let mut edited = saved.json()?;
    let text =
        edited["text"]
            .as_str()
            .unwrap()
            .replacen("on Friday defended", "on Thursday defended", 1);
    assert_ne!(text, DEFAULT_ARTICLE, "the edit must change the text");
    edited["text"] = json!(text);
    let path = write_temp(
        "edited.marginalia.json",
        serde_json::to_vec_pretty(&edited)?,
    );
    let msg = refused_file(&b, &before, &path).await?;
    contains_all(
        &msg,
        &["edited.marginalia.json", "text_sha256", "edited or damaged"],
    );
    b.close().await
}

#[tokio::test]
async fn a_save_with_an_unknown_label_is_refused() -> Result {
    let (b, before) = app_with_work().await?;
    let msg = refused_file(&b, &before, &fixture("unknown-label.marginalia.json")).await?;
    contains_all(
        &msg,
        &[
            "unknown-label.marginalia.json",
            "spans[0]",
            "VILLAIN",
            "not in the label schema",
        ],
    );
    b.close().await
}

#[tokio::test]
async fn a_save_for_another_text_is_offered_as_its_own_document() -> Result {
    let (b, before) = app_with_work().await?;
    let path = fixture("other-text.marginalia.json");
    let msg = refused_file(&b, &before, &path).await?;
    contains_all(
        &msg,
        &[
            "other-text.marginalia.json",
            "different text",
            "Mali’s capital braces for talks",
        ],
    );

    // The notice offers to open it as a document of its own; that opens its text and spans.
    let offer = "#mg-notice[data-kind=\"error\"] button.mg-button:not(.mg-dismiss)";
    assert!(b
        .text_of(offer)
        .await?
        .contains("Open the save as its own document"));
    b.click(offer).await?;
    b.wait_until(
        "return window.marginalia.getAnnotations().meta.doc_id === 'bamako-talks';",
        WAIT,
    )
    .await?;
    let other: Value = serde_json::from_slice(&std::fs::read(&path)?)?;
    let text = other["text"].as_str().unwrap();
    let now = record(&b).await?;
    assert_eq!(now["text"], other["text"]);
    assert_eq!(summarize(&now), summarize(&other));
    assert_eq!(tag_labels(&b).await?, ["PERSON", "GPE"]);
    let shown = article_runs_text(&b).await?;
    assert!(
        shown.contains("Tiémoko Cissé, a spokesman") && !shown.contains("Abdallah"),
        "{shown}"
    );
    assert_eq!(
        b.text_of(".mg-doc").await?,
        "Mali’s capital braces for talks"
    );
    assert!(wait_notice(&b, "info").await?.contains("2 annotations"));

    // Saved under its own id, with its offsets intact.
    let saved = save(&b, "bamako-talks.marginalia.json").await?;
    python_check(
        &saved.path,
        PY_SPANS_ARE,
        json!([["Tiémoko Cissé", "PERSON"], ["Bamako", "GPE"]]),
    )?;
    python_check(&saved.path, PY_RECORD_IS_SOUND, json!(null))?;
    assert_eq!(saved.json()?["text"].as_str(), Some(text));
    b.close().await
}

#[tokio::test]
async fn empty_and_binary_files_are_refused() -> Result {
    let (b, before) = app_with_work().await?;
    let msg = refused_file(&b, &before, &fixture("empty.txt")).await?;
    contains_all(&msg, &["empty.txt", "empty"]);
    let msg = refused_file(&b, &before, &fixture("binary.bin")).await?;
    contains_all(&msg, &["binary.bin", "binary"]);
    // Binary content under a text name, and an empty save, are refused too.
    let msg = refused_file(
        &b,
        &before,
        &write_temp("photo.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0"),
    )
    .await?;
    contains_all(&msg, &["photo.txt", "binary"]);
    let msg = refused_file(&b, &before, &write_temp("nothing.marginalia.json", "")).await?;
    contains_all(&msg, &["nothing.marginalia.json", "empty"]);
    b.close().await
}

#[tokio::test]
async fn a_20_mb_paste_is_refused() -> Result {
    let (b, before) = app_with_work().await?;
    b.click("#mg-paste-toggle").await?;
    b.wait_for("#mg-paste-text").await?;
    assert_eq!(
        b.attr("#mg-paste-toggle", "aria-expanded")
            .await?
            .as_deref(),
        Some("true")
    );
    // 20 MiB of plausible text, set as a paste would (typing it would take hours).
    b.execute(
        "const area = document.getElementById('mg-paste-text');
         area.value = 'Mali said on Friday that talks would resume. '.repeat(Math.ceil(20 * 1024 * 1024 / 45)).slice(0, 20 * 1024 * 1024);
         area.dispatchEvent(new Event('input', { bubbles: true }));
         return area.value.length;",
        vec![],
    )
    .await?;
    b.click("#mg-paste-open").await?;
    let msg = wait_notice(&b, "error").await?;
    contains_all(
        &msg,
        &["too large", "20.0 MB", "5.0 MB", "Your work is unchanged"],
    );
    assert_unchanged(&b, &before, "a 20 MB paste").await?;
    // The paste panel stays open, so nothing typed there is lost either.
    assert_eq!(b.count("#mg-paste-text").await?, 1);
    b.close().await
}

#[tokio::test]
async fn a_text_file_opens_as_the_article_and_the_old_work_returns_with_its_text() -> Result {
    let (b, before) = app_with_work().await?;
    let path = fixture("niger-river.txt");
    let river = std::fs::read_to_string(&path)?;
    open_file(&b, &path).await?;
    b.wait_until(
        "return window.marginalia.getAnnotations().meta.doc_id === 'niger-river';",
        WAIT,
    )
    .await?;
    // The notice names what opened: the text's title, its first line.
    let title = record(&b).await?["meta"]["title"].as_str().unwrap_or_default().to_string();
    assert!(!title.is_empty() && wait_notice(&b, "info").await?.contains(&title), "{title}");
    assert_eq!(
        record(&b).await?["text"].as_str(),
        Some(river.as_str()),
        "the text must open exactly as in the file"
    );
    assert_eq!(
        article_runs_text(&b).await?,
        "Floods along the Niger river\nThe river rose above its banks near Mopti on Sunday, the civil protection agency said. Aminata Keita, who sells fish in the market, said her stall was under water."
    );
    assert!(
        spans(&b).await?.is_empty() && tags(&b).await?.is_empty(),
        "a new text starts without spans"
    );
    let (m, e) = range_of(&river, "Mopti");
    label_by_drag(&b, m, e, "3").await?;

    // Reopen the default article from its file: its two spans come back.
    open_file(
        &b,
        workspace_root().join("assets/articles/mali-russia-wagner.txt"),
    )
    .await?;
    b.wait_until(
        "return window.marginalia.getAnnotations().meta.doc_id === 'mali-russia-wagner';",
        WAIT,
    )
    .await?;
    wait_span_count(&b, 2).await?;
    assert_eq!(record(&b).await?["spans"], before["spans"]);
    assert_eq!(tag_labels(&b).await?, ["PERSON", "ORG"]);
    assert!(wait_notice(&b, "info").await?.contains("2 annotations"));

    // And the river article's span comes back with it.
    open_file(&b, &path).await?;
    b.wait_until(
        "return window.marginalia.getAnnotations().meta.doc_id === 'niger-river';",
        WAIT,
    )
    .await?;
    wait_span_count(&b, 1).await?;
    assert_eq!(
        spans(&b).await?,
        vec![expect_span(&river, "Mopti", 0, "GPE")]
    );
    let saved = save(&b, "niger-river.marginalia.json").await?;
    python_check(&saved.path, PY_SPANS_ARE, json!([["Mopti", "GPE"]]))?;
    python_check(&saved.path, PY_RECORD_IS_SOUND, json!(null))?;
    b.close().await
}

// ------------------------------------------------------------------ HTML

/// `window.__pwned`, the title, the URL, dialogs, and anything of the page's
/// own that could have entered the app's document.
async fn assert_nothing_ran(b: &Browser, styles_before: &Value) -> Result {
    // Give load/error handlers, timers and a meta refresh the time to fire.
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    assert_no_dialog(b).await?;
    let v = b
        .execute(
            "return {
                 pwned: typeof window.__pwned === 'undefined' ? null : String(window.__pwned),
                 tracking: typeof window.__trackingId === 'undefined' ? null : String(window.__trackingId),
                 title: document.title,
                 foreign: document.querySelectorAll('iframe, object, embed, img, video, math, svg, base, meta[http-equiv], link[href^=\"data:\"]').length,
                 handlers: document.querySelectorAll('[onerror], [onload], [onfocus], [ontoggle]').length,
                 styles: document.styleSheets.length,
                 articleShown: document.getElementById('mg-article').getBoundingClientRect().height > 0,
             };",
            vec![],
        )
        .await?;
    assert_eq!(
        v["pwned"],
        Value::Null,
        "a script or handler of the page ran"
    );
    assert_eq!(v["tracking"], Value::Null, "the page's script ran");
    assert_eq!(v["title"], "Marginalia", "the page changed the title");
    assert_eq!(
        v["foreign"], 0,
        "elements of the page entered the app's document"
    );
    assert_eq!(
        v["handlers"], 0,
        "event handler attributes entered the app's document"
    );
    assert_eq!(
        &v["styles"], styles_before,
        "the page's styles entered the app's document"
    );
    assert_eq!(v["articleShown"], true, "the article is hidden");
    let url = b.client().current_url().await?;
    assert_eq!(url.as_str(), b.app_url(), "the page navigated");
    Ok(())
}

async fn open_html(b: &Browser, path: &std::path::Path, doc_id: &str) -> Result<String> {
    open_file(b, path).await?;
    b.wait_until(
        &format!("return window.marginalia.getAnnotations().meta.doc_id === '{doc_id}';"),
        WAIT,
    )
    .await?;
    Ok(record(b).await?["text"]
        .as_str()
        .unwrap_or_default()
        .to_string())
}

#[tokio::test]
async fn a_news_page_opens_as_its_article_text() -> Result {
    let b = open_app().await?;
    let styles = b
        .execute("return document.styleSheets.length;", vec![])
        .await?;
    let text = open_html(
        &b,
        &workspace_root().join("assets/articles/newsroom-page.html"),
        "newsroom-page",
    )
    .await?;
    let want = read_fixture("newsroom-page.article.txt");
    assert_eq!(text, want, "the article text of the page");
    // What the user reads: headline, paragraphs, quote, caption; no furniture.
    let shown = article_inner_text(&b).await?;
    for part in [
        "UN mission in Mali faces uncertain future",
        "Ant\u{f3}nio Guterres",
        "personnel & keeping",
        "Mali\u{2019}s foreign minister",
        "Map: the MINUSMA area of operations.",
    ] {
        assert!(
            shown.contains(part),
            "the article should show {part:?}:\n{shown}"
        );
    }
    for furniture in [
        "Advertisement",
        "Home",
        "Sport",
        "Most read",
        "Ten things",
        "Privacy",
        "\u{a9}",
        "&amp;",
        "&oacute;",
        "inline script",
        "UA-0000",
    ] {
        assert!(
            !shown.contains(furniture),
            "the article shows page furniture or markup {furniture:?}:\n{shown}"
        );
    }
    assert_eq!(
        b.text_of(".mg-doc").await?,
        "UN mission in Mali faces uncertain future"
    );
    assert_nothing_ran(&b, &styles).await?;

    // The imported text is annotated like any other.
    let (g, e) = range_of(&text, "António Guterres");
    label_by_drag(&b, g + 2, e - 2, "1").await?;
    let saved = save(&b, "newsroom-page.marginalia.json").await?;
    python_check(
        &saved.path,
        PY_SPANS_ARE,
        json!([["António Guterres", "PERSON"]]),
    )?;
    python_check(&saved.path, PY_RECORD_IS_SOUND, json!(null))?;
    b.close().await
}

#[tokio::test]
async fn a_hostile_page_runs_nothing_and_yields_only_its_text() -> Result {
    let (b, _) = app_with_work().await?;
    let styles = b
        .execute("return document.styleSheets.length;", vec![])
        .await?;
    let text = open_html(&b, &fixture("hostile.html"), "hostile").await?;
    assert_nothing_ran(&b, &styles).await?;
    let want = read_fixture("hostile.article.txt");
    assert_eq!(text, want, "the article text of the hostile page");
    let shown = article_inner_text(&b).await?;
    for furniture in [
        "ADVERTISEMENT",
        "Buy now",
        "Home",
        "Subscribe",
        "Related",
        "More on Mali",
        "Privacy",
        "PWNED",
        "pwned",
    ] {
        assert!(
            !shown.contains(furniture),
            "the article shows {furniture:?}:\n{shown}"
        );
    }
    // Its text is annotatable, and saved exactly (the no-break space kept).
    let (t, e) = range_of(&text, "Ti\u{e9}moko\u{a0}Ciss\u{e9}");
    label_by_drag(&b, t, e, "1").await?;
    let saved = save(&b, "hostile.marginalia.json").await?;
    python_check(
        &saved.path,
        PY_SPANS_ARE,
        json!([["Ti\u{e9}moko\u{a0}Ciss\u{e9}", "PERSON"]]),
    )?;
    python_check(&saved.path, PY_RECORD_IS_SOUND, json!(null))?;
    assert_nothing_ran(&b, &styles).await?;
    b.close().await
}

#[tokio::test]
async fn furniture_inside_the_article_is_left_out() -> Result {
    let b = open_app().await?;
    let styles = b
        .execute("return document.styleSheets.length;", vec![])
        .await?;
    let text = open_html(&b, &fixture("furniture-inside.html"), "furniture-inside").await?;
    let want = "Bamako market reopens after floods\n\n\
        By Aminata Keita\n\n\
        Traders returned to the Grand March\u{e9} on Monday, three weeks after the Niger burst its banks.\n\n\
        \u{201c}We lost everything,\u{201d} said Oumar Sangar\u{e9}, who sells cloth.\n\n\
        Stalls rebuilt: 1,200\n\n\
        Still closed: 300\n\n\
        The Grand March\u{e9} on Monday.";
    assert_eq!(
        text, want,
        "the article text of a page with furniture inside <main>"
    );
    let shown = article_inner_text(&b).await?;
    for furniture in [
        "Example News",
        "Africa",
        "Share on X",
        "Most read",
        "Ten things",
        "Advertisement",
        "Related",
        "Hidden draft",
        "Decorative",
        "Email",
        "Sign up",
        "Published",
        "Corrections",
    ] {
        assert!(
            !shown.contains(furniture),
            "the article shows {furniture:?}:\n{shown}"
        );
    }
    assert_nothing_ran(&b, &styles).await?;
    b.close().await
}

#[tokio::test]
async fn utf16_text_files_open_like_any_other_and_offsets_count_from_after_the_mark() -> Result {
    // Issue 16, case 7: a UTF-16 text file (what Windows saves as
    // "Unicode") was refused as binary.
    let (b, _) = app_with_work().await?;
    let river = std::fs::read_to_string(fixture("niger-river.txt"))?;
    let text = format!("{river}\nZoë Traoré met 🇲🇱 officials of 国際協力機構 and الجزيرة 👨‍👩‍👧‍👦 in Mopti.");
    let dir = std::env::temp_dir().join(format!("marginalia-e2e-utf16-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    for (name, big_endian) in [("river-le.txt", false), ("river-be.txt", true)] {
        let mark: [u8; 2] = if big_endian { [0xFE, 0xFF] } else { [0xFF, 0xFE] };
        let bytes: Vec<u8> = mark
            .into_iter()
            .chain(text.encode_utf16().flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() }))
            .collect();
        let path = dir.join(name);
        std::fs::write(&path, bytes)?;
        open_file(&b, &path).await?;
        let id = name.trim_end_matches(".txt");
        b.wait_until(&format!("return window.marginalia.getAnnotations().meta.doc_id === '{id}';"), WAIT).await?;
        let title = record(&b).await?["meta"]["title"].as_str().unwrap_or_default().to_string();
        assert!(!title.is_empty() && wait_notice(&b, "info").await?.contains(&title), "{name}: {title}");
        assert_eq!(record(&b).await?["text"].as_str(), Some(text.as_str()), "{name}: the text, without its mark");
        // Offsets are unaffected by the mark: a drag over the CJK name labels it.
        let (s, e) = range_of(&text, "国際協力機構");
        label_by_drag(&b, s, e, "2").await?;
        assert_eq!(spans(&b).await?, vec![expect_span(&text, "国際協力機構", 0, "ORG")], "{name}");
    }
    let _ = std::fs::remove_dir_all(&dir);
    b.close().await
}

#[tokio::test]
async fn a_save_with_an_id_at_the_top_of_the_range_takes_new_spans() -> Result {
    // Issue 16, case 4: after `s4294967295` the next id wrapped to s0 and
    // every later span was refused ("span id s0 is already in use").
    let (b, mut save) = app_with_work().await?;
    save["spans"][0]["id"] = json!("s4294967295");
    let dir = std::env::temp_dir().join(format!("marginalia-e2e-ids-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("top-id.marginalia.json");
    std::fs::write(&path, save.to_string())?;
    // One more label, and the save opened at once, before that label's
    // delayed write: the write-through before the open then has to become
    // the tab's base, or the save's first write is taken for another tab's
    // work and merged, renaming its ids (seen in CI).
    let (g, e) = range_of(DEFAULT_ARTICLE, "Antonio Guterres");
    label_by_drag(&b, g, e, "1").await?;
    open_file(&b, &path).await?;
    b.wait_until(
        "return window.marginalia.getAnnotations().spans.some(s => s.id === 's4294967295');",
        WAIT,
    )
    .await?;
    let text = DEFAULT_ARTICLE;
    for (needle, key) in [("Russia", "3"), ("Security Council", "2"), ("Friday", "6")] {
        let (s, e) = range_of(text, needle);
        label_by_drag(&b, s, e, key).await?;
    }
    let now = record(&b).await?;
    let ids: Vec<&str> = now["spans"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    let distinct: std::collections::HashSet<&&str> = ids.iter().collect();
    assert_eq!((ids.len(), distinct.len()), (5, 5), "{ids:?}");
    assert!(ids.contains(&"s4294967295"), "{ids:?}");
    // The work survives a reload with every id intact.
    b.reload_app().await?;
    wait_span_count(&b, 5).await?;
    assert_eq!(record(&b).await?["spans"], now["spans"]);
    let _ = std::fs::remove_dir_all(&dir);
    b.close().await
}
