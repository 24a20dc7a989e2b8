//! The parts of the app fetched on first use (`src/on_demand/`): the first
//! load fetches none of them; the first export in another format fetches
//! the formats' part; a part that cannot be fetched (the network gone) is
//! said, rejects the call and leaves the work as it was; and once the
//! network is back the same call works. A host that mounts with a
//! Marginalia record fetches no part either.

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
    let fetched = wasm_fetched(&b).await?;
    assert_eq!(fetched, ["main_bg.wasm"], "the first load fetches the first wasm only");

    let (s, e) = range_of(DEFAULT_ARTICLE, "Abdallah Diop");
    b.drag_select(s, e).await?;
    assert_eq!(wait_pending(&b).await?, "Abdallah Diop");
    b.press("1").await?;
    wait_span_count(&b, 1).await?;
    let before = b.execute("return window.marginalia.getAnnotations().spans;", vec![]).await?;

    // The network refuses the parts: the export says so and nothing changes.
    b.cdp("Network.enable", json!({})).await?;
    b.cdp("Network.setBlockedURLs", json!({ "urls": ["*split_*.wasm", "*chunk_*.wasm"] })).await?;
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
    let fetched = wasm_fetched(&b).await?;
    assert!(fetched.iter().any(|n| n == "split_formats.wasm"), "the formats' part came on first use: {fetched:?}");

    // A reload starts from the first load again, with the work kept.
    b.reload_app().await?;
    assert_eq!(wasm_fetched(&b).await?, ["main_bg.wasm"]);
    assert_eq!(b.execute("return window.marginalia.getAnnotations().spans;", vec![]).await?, before);

    // A host mounting with our own record as its annotations needs no part.
    let mounted = b
        .execute(
            "const record = window.marginalia.getAnnotations();
             return import('/marginalia.js').then(async (m) => {
                 const el = document.createElement('div');
                 document.body.append(el);
                 const handle = await m.mount(el, { article: { id: 'own-record', text: record.text }, annotations: record });
                 return handle.getAnnotations().spans.map((s) => s.label);
             });",
            vec![],
        )
        .await?;
    assert_eq!(mounted, json!(["PERSON"]), "the record's span opened");
    let parts: Vec<String> = wasm_fetched(&b).await?.into_iter().filter(|n| n != "main_bg.wasm").collect();
    assert!(parts.is_empty(), "a Marginalia record fetched {parts:?}");
    b.close().await
}
