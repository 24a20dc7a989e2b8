//! A read-only instance refuses changes from every host entry point:
//! annotations for an earlier version of the text (re-anchored), a review
//! of several saves (adjudication), undo and redo, `addSpan`, `removeSpan`,
//! and a person's drag and key. Each is refused with the read-only notice,
//! and the annotations stay as they were; opening a document (setDocument)
//! is not an edit and keeps the instance read-only. (The iframe's
//! `marginalia:load` is in `document_session.rs`.)

mod support;

use marginalia_e2e::{json, Browser, Result};
use support::*;

const TEXT: &str = "Wagner and Mali, said Diop.";

/// Waits for the read-only instance's error notice, then dismisses it.
async fn refused(b: &Browser, what: &str) -> Result {
    let text = b
        .wait_until(
            "const n = document.querySelector('#mg2-notice[data-kind=error]');
             return n && n.textContent.includes('read-only') ? n.textContent : '';",
            WAIT,
        )
        .await
        .map_err(|_| format!("{what}: no read-only notice"))?;
    assert!(text.as_str().unwrap_or_default().contains("read-only"), "{what}: {text}");
    let spans = b.execute("return window.ro.getAnnotations().spans.length;", vec![]).await?;
    assert_eq!(spans, json!(0), "{what} changed a read-only document");
    assert_eq!(b.count("#ro .mg-adjudication, #ro .mg-review").await?, 0, "{what} opened a panel");
    b.click("#mg2-notice .mg-dismiss").await?;
    b.wait_until("return !document.querySelector('#mg2-notice[data-kind=error]');", WAIT).await?;
    Ok(())
}

#[tokio::test]
async fn a_read_only_instance_refuses_changes_from_every_host_entry_point() -> Result {
    let b = Browser::new().await?;
    b.goto(&format!("{}cms/?doc=ro-{}", b.app_url(), std::process::id())).await?;
    b.wait_until("return !!window.cmsHandle;", WAIT).await?;
    let mounted = b
        .execute_async(
            "const done = arguments[arguments.length - 1];
             import('/marginalia.js').then(m => {
                 const el = document.createElement('div');
                 el.id = 'ro';
                 document.body.append(el);
                 return m.mount(el, { article: { id: 'ro-doc-' + Date.now(), title: 'RO', text: arguments[0] }, readOnly: true });
             }).then(h => { window.ro = h; done(h.getAnnotations().spans.length); }, e => done('error: ' + e));",
            vec![json!(TEXT)],
        )
        .await?;
    assert_eq!(mounted, json!(0));

    // Annotations made on an earlier version of the text: re-anchored, then refused.
    let earlier = json!({ "text": "Wagner and Mali said Diop.", "spans": [{ "start": 0, "end": 6, "label": "PERSON" }] });
    b.execute("window.ro.setAnnotations(JSON.stringify(arguments[0]));", vec![earlier]).await?;
    refused(&b, "setAnnotations for an earlier text").await?;

    // A review of two saves of this text.
    let save = |label: &str| json!({ "text": TEXT, "spans": [{ "start": 0, "end": 6, "label": label }] });
    b.execute(
        "window.ro.review([JSON.stringify(arguments[0]), JSON.stringify(arguments[1])]);",
        vec![save("PERSON"), save("ORG")],
    )
    .await?;
    refused(&b, "review").await?;

    b.execute("window.ro.undo();", vec![]).await?;
    refused(&b, "undo").await?;
    b.execute("window.ro.redo();", vec![]).await?;
    refused(&b, "redo").await?;

    // addSpan throws the read-only message and adds nothing.
    let thrown = b.execute("try { window.ro.addSpan(0, 6, 'ORG'); return null; } catch (e) { return e.message; }", vec![]).await?;
    assert!(thrown.as_str().unwrap_or_default().contains("read-only"), "addSpan: {thrown}");
    refused(&b, "addSpan").await?;

    // Opening a document is not an edit: setDocument opens the host's text
    // with its spans and the instance stays read-only.
    b.execute(
        "window.ro.setDocument({ id: 'ro-set-' + Date.now(), title: 'RO 2', text: arguments[0], spans: [{ start: 0, end: 6, label: 'ORG' }] });",
        vec![json!(TEXT)],
    )
    .await?;
    b.wait_until("return window.ro.getAnnotations().spans.length === 1;", WAIT).await?;
    // removeSpan of that span throws the read-only message; the span stays.
    let thrown = b
        .execute("try { window.ro.removeSpan(window.ro.getAnnotations().spans[0].id); return null; } catch (e) { return e.message; }", vec![])
        .await?;
    assert!(thrown.as_str().unwrap_or_default().contains("read-only"), "removeSpan: {thrown}");
    assert_eq!(b.execute("return window.ro.getAnnotations().spans.length;", vec![]).await?, json!(1), "removeSpan changed a read-only document");
    b.click("#mg2-notice .mg-dismiss").await?;
    b.wait_until("return !document.querySelector('#mg2-notice[data-kind=error]');", WAIT).await?;
    // A person's drag and key are refused too.
    b.drag_select_in("#ro .mg-article", &[], 11, 15).await?;
    b.press("3").await?;
    b.wait_until(
        "const n = document.querySelector('#mg2-notice[data-kind=error]'); return !!n && n.textContent.includes('read-only');",
        WAIT,
    )
    .await?;
    assert_eq!(b.execute("return window.ro.getAnnotations().spans.length;", vec![]).await?, json!(1));
    b.close().await
}
