//! Opening a document follows one rule whichever way it comes in
//! (`src/opening.rs`): work stored in this browser wins over annotations the
//! host hands over, and the page says when the host's were not used; work
//! stored for an earlier version of the text is re-anchored, also on
//! `mount`; `marginalia:load` applies `readOnly` and `annotator` as `mount`
//! does. Labels are made with the mouse and keys on the mock CMS page.

mod support;

use marginalia_e2e::{json, Browser, Result};
use support::*;

const TEXT: &str = "Wagner and Mali, said Diop 👩‍💻 in 東京.";

/// A document id of its own per test run.
fn doc(tag: &str) -> String {
    format!("session-{tag}-{}", std::process::id())
}

async fn open_cms(b: &Browser) -> Result {
    b.goto(&format!("{}cms/?doc={}", b.app_url(), doc("cms"))).await?;
    b.wait_until("return !!window.cmsHandle;", WAIT).await?;
    // Mounts an instance in #doc (replacing the one there) as `window.h`.
    b.execute(
        "window.mountDoc = (options) => import('/marginalia.js').then(m => {
             if (window.h) window.h.destroy();
             let el = document.getElementById('doc');
             if (!el) { el = document.createElement('div'); el.id = 'doc'; document.body.append(el); }
             return m.mount(el, options);
         }).then(h => { window.h = h; return h.getAnnotations(); });",
        vec![],
    )
    .await?;
    Ok(())
}

async fn mount(b: &Browser, options: serde_json::Value) -> Result<serde_json::Value> {
    b.execute_async(
        "const done = arguments[arguments.length - 1];
         window.mountDoc(arguments[0]).then(done, e => done('error: ' + e));",
        vec![options],
    )
    .await
}

/// Labels `needle` of `text` in #doc with a drag and a key.
async fn label(b: &Browser, text: &str, needle: &str, key: &str) -> Result {
    let (s, e) = range_of(text, needle);
    let before = b.execute("return window.h.getAnnotations().spans.length;", vec![]).await?;
    b.drag_select_in("#doc .mg-article", &[], s, e).await?;
    b.wait_until("return !!document.querySelector('#doc .mg-pending');", WAIT).await?;
    b.press(key).await?;
    b.wait_until(&format!("return window.h.getAnnotations().spans.length > {before};"), WAIT).await?;
    Ok(())
}

/// Waits until this browser stores work on `id` with a span labelled `label`.
async fn stored(b: &Browser, id: &str, label: &str) -> Result {
    b.wait_until(
        &format!(
            "return Object.keys(localStorage).some(k => k.includes(':doc:{id}:') && JSON.parse(localStorage.getItem(k)).spans.some(s => s.label === '{label}'));"
        ),
        WAIT,
    )
    .await
    .map_err(|_| format!("no work stored for {id} with {label}"))?;
    Ok(())
}

fn spans_of(record: &serde_json::Value) -> Vec<(String, String)> {
    record["spans"]
        .as_array()
        .map(|a| a.iter().map(|s| (s["text"].as_str().unwrap_or("").to_string(), s["label"].as_str().unwrap_or("").to_string())).collect())
        .unwrap_or_default()
}

async fn notice(b: &Browser) -> Result<String> {
    let text = b.execute("const n = document.querySelector('#doc .mg-notice'); return n ? n.textContent : '';", vec![]).await?;
    Ok(text.as_str().unwrap_or_default().to_string())
}

#[tokio::test]
async fn mount_re_anchors_work_stored_for_an_earlier_version_of_the_text() -> Result {
    let b = Browser::new().await?;
    open_cms(&b).await?;
    let id = doc("edited");
    mount(&b, json!({ "article": { "id": id, "title": "V1", "text": TEXT } })).await?;
    label(&b, TEXT, "Diop", "1").await?;
    stored(&b, &id, "PERSON").await?;

    // The CMS's text was edited: words before the span, so every offset moves.
    let edited = format!("Yesterday in Bamako, {TEXT}");
    let opened = mount(&b, json!({ "article": { "id": id, "title": "V2", "text": edited } })).await?;
    assert_eq!(opened["text"].as_str(), Some(edited.as_str()));
    assert_eq!(spans_of(&opened), [("Diop".to_string(), "PERSON".to_string())], "{opened}");
    let (s, e) = range_of(&edited, "Diop");
    assert_eq!((opened["spans"][0]["start"].as_u64(), opened["spans"][0]["end"].as_u64()), (Some(s as u64), Some(e as u64)), "code points in the edited text");
    assert!(notice(&b).await?.to_lowercase().contains("re-anchored") || notice(&b).await?.contains("placed"), "{}", notice(&b).await?);

    // After a reload the edited text's own stored work comes back as it is.
    stored(&b, &id, "PERSON").await?;
    b.reload().await?;
    open_cms(&b).await?;
    let again = mount(&b, json!({ "article": { "id": id, "title": "V2", "text": edited } })).await?;
    assert_eq!(again["spans"], opened["spans"], "{again}");
    b.close().await
}

#[tokio::test]
async fn stored_work_wins_over_the_hosts_annotations_on_mount_and_set_document() -> Result {
    let b = Browser::new().await?;
    open_cms(&b).await?;
    let id = doc("rule");
    let (ws, we) = range_of(TEXT, "Wagner");
    let given = json!({ "text": TEXT, "spans": [{ "start": ws, "end": we, "label": "ORG" }] });
    let first = mount(&b, json!({ "article": { "id": id, "title": "Rule", "text": TEXT }, "annotations": given })).await?;
    assert_eq!(spans_of(&first), [("Wagner".to_string(), "ORG".to_string())], "nothing stored: the host's annotations");
    label(&b, TEXT, "東京", "4").await?;
    stored(&b, &id, "LOC").await?;

    // Mounted again with the same annotations: the work on this device wins, and the page says so.
    let second = mount(&b, json!({ "article": { "id": id, "title": "Rule", "text": TEXT }, "annotations": given })).await?;
    assert_eq!(spans_of(&second).len(), 2, "{second}");
    let said = notice(&b).await?;
    assert!(said.contains("were not used"), "{said}");

    // setDocument follows the same rule (it used to put the host's spans over the stored work).
    let (ms, me) = range_of(TEXT, "Mali");
    b.execute(
        "window.h.setDocument({ id: arguments[0], title: 'Rule', text: arguments[1], spans: [{ start: arguments[2], end: arguments[3], label: 'GPE' }] });",
        vec![json!(id), json!(TEXT), json!(ms), json!(me)],
    )
    .await?;
    b.wait_until("const n = document.querySelector('#doc .mg-notice'); return !!n && n.textContent.includes('were not used');", WAIT).await?;
    let now = b.execute("return window.h.getAnnotations();", vec![]).await?;
    let mut labels: Vec<String> = spans_of(&now).into_iter().map(|(t, _)| t).collect();
    labels.sort();
    assert_eq!(labels, ["Wagner", "東京"], "{now}");
    b.close().await
}

/// A mouse drag over code points `s..e` of the article in the CMS's
/// iframe (entered): the points are found in the frame and moved by the
/// frame's place in the page, where the pointer acts.
async fn drag_in_frame(b: &Browser, s: usize, e: usize) -> Result {
    b.client().enter_parent_frame().await?;
    b.execute("document.getElementById('cms-iframe').scrollIntoView({ block: 'start' });", vec![]).await?;
    b.client().enter_frame(0).await?;
    let (from, to) = b.selection_points(".mg-article", s, e).await?;
    b.client().enter_parent_frame().await?;
    // The frame's content box: its border is half of what its box adds.
    let at = b
        .execute(
            "const f = document.getElementById('cms-iframe'), r = f.getBoundingClientRect();
             return [r.left + (r.width - f.clientWidth) / 2, r.top + (r.height - f.clientHeight) / 2];",
            vec![],
        )
        .await?;
    let (dx, dy) = (at[0].as_f64().unwrap_or(0.0), at[1].as_f64().unwrap_or(0.0));
    let moved = |p: marginalia_e2e::Point| marginalia_e2e::Point { x: p.x + dx, y: p.y + dy };
    b.drag(moved(from), moved(to), &[]).await?;
    b.client().enter_frame(0).await?;
    Ok(())
}

#[tokio::test]
async fn marginalia_load_applies_read_only_and_the_annotator() -> Result {
    let b = Browser::new().await?;
    open_cms(&b).await?;
    b.wait_until("return !!document.getElementById('cms-iframe').contentWindow.marginalia;", WAIT).await?;
    let id = doc("frame-ro");
    let post = |options: serde_json::Value| {
        let b = &b;
        async move {
            b.execute(
                "const f = document.getElementById('cms-iframe');
                 f.contentWindow.postMessage({ type: 'marginalia:load', options: arguments[0] }, new URL(f.src).origin);",
                vec![options],
            )
            .await
        }
    };
    post(json!({ "article": { "id": id, "title": "Frame", "text": TEXT }, "readOnly": true, "annotator": "jdoe" })).await?;
    b.client().enter_frame(0).await?;
    b.wait_until(&format!("return window.marginalia.getAnnotations().meta.doc_id === '{id}';"), WAIT).await?;
    assert_eq!(b.execute("return window.marginalia.getAnnotations().annotator;", vec![]).await?, json!("jdoe"));
    // A person's drag and key are refused, with the read-only notice.
    let (s, e) = range_of(TEXT, "Diop");
    drag_in_frame(&b, s, e).await?;
    b.press("1").await?;
    let said = b
        .wait_until("const n = document.querySelector('.mg-notice[data-kind=error]'); return n ? n.textContent : false;", WAIT)
        .await?;
    assert!(said.as_str().unwrap_or_default().contains("read-only"), "{said}");
    assert_eq!(b.execute("return window.marginalia.getAnnotations().spans.length;", vec![]).await?, json!(0));
    b.client().enter_parent_frame().await?;

    // Annotations sent for the open document are refused as well, and the
    // load is answered with the refusal, as the handle's calls throw it (the
    // notice's own `error` event is posted too, without the prefix).
    let (ws, we) = range_of(TEXT, "Wagner");
    post(json!({ "annotations": { "text": TEXT, "spans": [{ "start": ws, "end": we, "label": "ORG" }] } })).await?;
    b.client().enter_frame(0).await?;
    b.wait_until("const n = document.querySelector('.mg-notice[data-kind=error]'); return !!n && n.textContent.includes('read-only');", WAIT).await?;
    assert_eq!(b.execute("return window.marginalia.getAnnotations().spans.length;", vec![]).await?, json!(0));
    b.client().enter_parent_frame().await?;
    let answered = b
        .wait_until(
            "const e = (window.cmsFrameMessages || []).find(m => m.type === 'marginalia:error' && String(m.message).startsWith('marginalia:load was not applied'));
             return e ? e.message : false;",
            WAIT,
        )
        .await?;
    assert!(answered.as_str().unwrap_or_default().contains("open read-only"), "{answered}");

    // Loaded again without readOnly (as mount's options: editable), the same drag labels.
    post(json!({ "article": { "id": id, "title": "Frame", "text": TEXT } })).await?;
    b.client().enter_frame(0).await?;
    b.wait_until("return !document.querySelector('.mg-notice[data-kind=error]');", WAIT).await?;
    drag_in_frame(&b, s, e).await?;
    b.wait_until("return !!document.querySelector('.mg-pending');", WAIT).await?;
    b.press("1").await?;
    b.wait_until("return window.marginalia.getAnnotations().spans.length === 1;", WAIT).await?;
    assert_eq!(b.execute("return window.marginalia.getAnnotations().annotator;", vec![]).await?, json!("jdoe"), "an annotator stays until another is named");
    b.client().enter_parent_frame().await?;
    b.close().await
}

#[tokio::test]
async fn a_label_made_just_before_the_host_destroys_the_instance_is_kept() -> Result {
    let b = Browser::new().await?;
    open_cms(&b).await?;
    let id = doc("destroyed");
    mount(&b, json!({ "article": { "id": id, "title": "D", "text": TEXT } })).await?;
    label(&b, TEXT, "Wagner", "2").await?;
    // At once, within the delayed write: the host moves on (destroy), then
    // comes back to the same document.
    b.execute("window.h.destroy(); window.h = null;", vec![]).await?;
    stored(&b, &id, "ORG").await?;
    let again = mount(&b, json!({ "article": { "id": id, "title": "D", "text": TEXT } })).await?;
    assert_eq!(spans_of(&again), [("Wagner".to_string(), "ORG".to_string())], "{again}");
    b.close().await
}
