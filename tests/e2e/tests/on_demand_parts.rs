//! The parts of the app fetched on first use (`src/on_demand/`): the first
//! load fetches none of them but the side panel's, the toolbar flows' and
//! finding's (right after the first render, in one file: `ahead.pack`);
//! the first export in another format fetches the formats' part; a
//! part that cannot be fetched (the network gone) is said, rejects the call
//! and leaves the work as it was; and once the network is back the same
//! call works. A host that mounts with a Marginalia record fetches no part
//! either. Without its part the side panel says so where it would be,
//! labelling goes on, and "Try again" brings it; finding text says it
//! could not be loaded, and works once the network is back. The standalone
//! page's own start is a part a host never fetches: the page preloads it,
//! and says so in its root when it cannot be fetched.

mod support;

use marginalia_e2e::{json, Browser, Result};
use support::*;

/// The wasm files the page fetched so far (their names).
async fn wasm_fetched(b: &Browser) -> Result<Vec<String>> {
    let v = b
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name.split('/').pop()).filter(n => n.endsWith('.wasm'));",
            vec![],
        )
        .await?;
    Ok(v.as_array().map(|a| a.iter().filter_map(|n| n.as_str().map(str::to_string)).collect()).unwrap_or_default())
}

/// The parts asked for so far (each once, a blocked attempt included):
/// wasm files other than the first and the standalone page's start, which
/// comes with it (the parts fetched ahead come in `ahead.pack`; shared
/// chunks have build-dependent names: `split_*` only).
async fn parts_fetched(b: &Browser) -> Result<Vec<String>> {
    let mut parts: Vec<String> = wasm_fetched(b).await?.into_iter().filter(|n| n.starts_with("split_") && n != START_PART).collect();
    parts.dedup();
    Ok(parts)
}

/// `export(format)` awaited: its text, or the message it rejected with.
async fn export(b: &Browser, format: &str) -> Result<std::result::Result<String, String>> {
    let v = b
        .execute(
            "return window.marginalia.export(arguments[0]).then((e) => ({ text: e.text }), (e) => ({ error: e.message }));",
            vec![json!(format)],
        )
        .await?;
    Ok(match v["text"].as_str() {
        Some(text) => Ok(text.to_string()),
        None => Err(v["error"].as_str().unwrap_or("").to_string()),
    })
}

#[tokio::test]
async fn parts_come_on_first_use_and_a_missing_one_keeps_the_work() -> Result {
    let b = open_app().await?;
    // The standalone page's first load: the first wasm, and its start with
    // the chunks that start needs (preloaded beside it).
    let mut first_load = vec!["main_bg.wasm".to_string()];
    first_load.extend(start_files());
    first_load.sort();
    let sorted = |mut files: Vec<String>| {
        files.sort();
        files
    };
    assert_eq!(sorted(wasm_fetched(&b).await?), first_load, "the page started from its first load and nothing else");
    assert_eq!(parts_fetched(&b).await?, Vec::<String>::new(), "the first load fetches no part on first use");
    b.wait_for("#mg-panel h2").await?;
    // The side panel's, the flows' and finding's parts, with the chunks they
    // share, came after the first render in one file, and none on its own.
    let ahead = "performance.getEntriesByType('resource').filter(e => e.name.endsWith('/ahead.pack')).length";
    if b.wait_until(&format!("return {ahead} > 0;"), WAIT).await.is_err() {
        return Err(format!("the parts fetched ahead did not come after the first render: {:?}", wasm_fetched(&b).await?).into());
    }
    assert_eq!(b.execute(&format!("return {ahead};"), vec![]).await?, json!(1), "one request for the pack");
    assert_eq!(sorted(wasm_fetched(&b).await?), first_load, "the three parts came from the pack, with every chunk they need but the start's");

    let (s, e) = range_of(DEFAULT_ARTICLE, "Abdallah Diop");
    b.drag_select(s, e).await?;
    assert_eq!(wait_pending(&b).await?, "Abdallah Diop");
    b.press("1").await?;
    wait_span_count(&b, 1).await?;
    let before = b.execute("return window.marginalia.getAnnotations().spans;", vec![]).await?;

    // The network refuses the parts: the export says so and nothing changes.
    b.cdp("Network.enable", json!({})).await?;
    b.cdp("Network.setBlockedURLs", json!({ "urls": part_urls() })).await?;
    let refused = export(&b, "spacy").await?.expect_err("an export without its part rejects");
    assert!(refused.contains("could not be loaded") && refused.contains("Your work is kept"), "{refused}");
    // The menu's export says it in the page.
    b.find("#mg-export-format").await?.select_by_value("iob2").await?;
    b.click("#mg-export").await?;
    let said = wait_notice(&b, "error").await?;
    assert!(said.contains("could not be loaded"), "{said}");
    assert_eq!(b.execute("return window.marginalia.getAnnotations().spans;", vec![]).await?, before, "the work is unchanged");

    // Back online: the same call fetches the part and works.
    b.cdp("Network.setBlockedURLs", json!({ "urls": [] })).await?;
    let spacy = export(&b, "spacy").await?.map_err(|e| format!("the export failed once the network was back: {e}"))?;
    assert!(spacy.contains("\"PERSON\""), "{spacy}");
    assert_eq!(parts_fetched(&b).await?, ["split_formats.wasm"], "the formats' part came on first use");

    // A reload starts from the first load again, with the work kept.
    b.reload_app().await?;
    assert_eq!(parts_fetched(&b).await?, Vec::<String>::new());
    assert_eq!(b.execute("return window.marginalia.getAnnotations().spans;", vec![]).await?, before);

    // A host mounting with our own record as its annotations needs no part.
    let mounted = b
        .execute(
            "const record = window.marginalia.getAnnotations();
             return import('/marginalia.js').then(async (m) => {
                 const el = document.createElement('div');
                 document.body.append(el);
                 const handle = await m.mount(el, { article: { id: 'own-record', text: record.text }, annotations: record });
                 // The same record given as its JSON text.
                 const el2 = document.createElement('div');
                 document.body.append(el2);
                 const handle2 = await m.mount(el2, { article: { id: 'own-record-text', text: record.text }, annotations: JSON.stringify(record) });
                 return [handle.getAnnotations().spans.map((s) => s.label), handle2.getAnnotations().spans.map((s) => s.label)];
             });",
            vec![],
        )
        .await?;
    assert_eq!(mounted, json!([["PERSON"], ["PERSON"]]), "the record's span opened, from the record and from its JSON text");
    let parts = parts_fetched(&b).await?;
    assert!(parts.is_empty(), "a Marginalia record fetched {parts:?}");
    b.close().await
}

#[tokio::test]
async fn a_standalone_page_that_cannot_fetch_its_start_says_so_and_starts_once_it_can() -> Result {
    let b = marginalia_e2e::Browser::new().await?;
    b.cdp("Network.enable", json!({})).await?;
    b.cdp("Network.setBlockedURLs", json!({ "urls": [format!("*/{START_PART}")] })).await?;
    b.goto_app_path("").await?;
    let said = b.wait_for("#mg-root [role=alert]").await?.text().await?;
    assert!(said.contains("could not be loaded") && said.contains("reload the page"), "{said}");
    assert_eq!(b.count("#mg-article").await?, 0, "no instance without its start");
    let report = b.run_axe().await?;
    assert!(report.is_clean(), "axe on the page that could not start said: {report:?}");

    b.cdp("Network.setBlockedURLs", json!({ "urls": [] })).await?;
    b.reload_app().await?;
    assert_eq!(b.count("#mg-root [role=alert]").await?, 0);
    let (s, e) = range_of(DEFAULT_ARTICLE, "Abdallah Diop");
    label_by_drag(&b, s, e, "1").await?;
    wait_span_count(&b, 1).await?;
    b.close().await
}

#[tokio::test]
async fn without_its_part_the_side_panel_says_so_labelling_goes_on_and_a_retry_brings_it() -> Result {
    let b = marginalia_e2e::Browser::new().await?;
    b.cdp("Network.enable", json!({})).await?;
    b.cdp("Network.setBlockedURLs", json!({ "urls": part_urls() })).await?;
    b.goto_app().await?;
    b.wait_for_app().await?;
    let said = b.wait_for("#mg-panel [role=alert]").await?.text().await?;
    assert!(said.contains("could not be loaded") && said.contains("your work is kept"), "{said}");
    assert_eq!(b.count("#mg-panel h2").await?, 0, "no panel without its part");
    let report = b.run_axe().await?;
    assert!(report.is_clean(), "axe with the side panel's failure said: {report:?}");

    let (s, e) = range_of(DEFAULT_ARTICLE, "Abdallah Diop");
    b.drag_select(s, e).await?;
    assert_eq!(wait_pending(&b).await?, "Abdallah Diop");
    b.press("1").await?;
    wait_span_count(&b, 1).await?;
    // Finding text needs its part too: said, nothing selected.
    b.click("#mg-find").await?;
    b.type_text("Kremlin").await?;
    b.press("Enter").await?;
    let said = wait_notice(&b, "error").await?;
    assert!(said.contains("Searching the text could not be loaded"), "{said}");
    assert_eq!(b.count("#mg-article .mg-pending").await?, 0);

    b.cdp("Network.setBlockedURLs", json!({ "urls": [] })).await?;
    // Back online, the same search finds the word.
    b.click("#mg-find").await?;
    b.press("Enter").await?;
    assert_eq!(wait_pending(&b).await?, "Kremlin");
    b.click("#mg-panel button").await?;
    b.wait_until("const h = document.querySelector('#mg-panel h2'); return !!h && h.textContent === 'Annotations (1)';", WAIT).await?;
    b.close().await
}

#[tokio::test]
async fn re_anchoring_comes_when_stored_work_needs_it_and_without_it_that_work_stays_stored() -> Result {
    const OLD: &str = "Mali said yes on Monday. Later that week, Mali said no. 🇲🇱 مالي";
    const NEW: &str = "Later that week, Mali said no. 🇲🇱 مالي";
    let b = open_app().await?;
    set_article(&b, "edited", OLD).await?;
    let (s, e) = range_of_nth(OLD, "Mali", 1);
    label_by_drag(&b, s, e, "3").await?;
    let (s, e) = range_of(OLD, "مالي");
    label_by_drag(&b, s, e, "3").await?;
    assert_eq!(parts_fetched(&b).await?, Vec::<String>::new(), "labelling needs no part");

    // The host edits the text while the network is gone: the new version
    // opens, says why the work is not there, and keeps it stored.
    block_parts(&b, true).await?;
    set_article(&b, "edited", NEW).await?;
    let said = wait_notice(&b, "error").await?;
    assert!(said.contains("re-anchoring could not be loaded") && said.contains("It stays stored"), "{said}");
    assert_eq!(spans(&b).await?, vec![], "nothing placed without re-anchoring");

    // Back online, the host opens it again: the stored work is re-anchored.
    block_parts(&b, false).await?;
    set_article(&b, "edited", NEW).await?;
    let placed = vec![expect_span(NEW, "Mali", 0, "GPE"), expect_span(NEW, "مالي", 0, "GPE")];
    wait_span_count(&b, 2).await?;
    assert_eq!(spans(&b).await?, placed);
    assert!(parts_fetched(&b).await?.iter().any(|p| p == "split_anchoring.wasm"), "{:?}", parts_fetched(&b).await?);

    // Stored on the new text: a reload opens it without re-anchoring.
    b.reload_app().await?;
    wait_span_count(&b, 2).await?;
    assert_eq!(spans(&b).await?, placed);
    assert_eq!(parts_fetched(&b).await?, Vec::<String>::new(), "work stored for the text open needs no part");
    b.close().await
}

#[tokio::test]
async fn the_cms_saver_comes_only_with_a_save_endpoint_and_without_it_the_work_waits_in_this_browser() -> Result {
    let doc = "saver-part";
    let text = DEFAULT_ARTICLE;
    // The network refuses the parts from the start.
    let b = Browser::new().await?;
    block_parts(&b, true).await?;
    b.goto_app_path(&format!("?save=/api/annotations/{doc}")).await?;
    b.wait_for_app().await?;
    let said = support::cms::wait_remote(&b, "failed", "could not be loaded").await?;
    assert!(said.contains("Your work is kept in this browser"), "{said}");
    let (s, e) = range_of(text, "Abdallah Diop");
    label_by_drag(&b, s, e, "1").await?;
    assert!(support::cms::server_record(doc).is_none(), "nothing reached the CMS");

    // The network is back: the next change brings the saver, which sends
    // everything done meanwhile.
    block_parts(&b, false).await?;
    let (s, e) = range_of(text, "Kremlin");
    label_by_drag(&b, s, e, "2").await?;
    let want = vec![expect_span(text, "Abdallah Diop", 0, "PERSON"), expect_span(text, "Kremlin", 0, "ORG")];
    support::cms::wait_server_spans(doc, &want).await?;
    support::cms::wait_remote(&b, "saved", "Saved").await?;
    assert!(wasm_fetched(&b).await?.iter().any(|n| n == "split_remote_save.wasm"));
    b.close().await
}
