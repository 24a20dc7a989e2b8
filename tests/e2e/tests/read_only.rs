//! A read-only instance refuses changes from every host entry point:
//! annotations for this text and for an earlier version of it
//! (re-anchored), a review of several saves (adjudication), undo and redo,
//! `addSpan`, `removeSpan`, and a person's drag and key. Every handle call
//! that would change the annotations throws an `Error` whose message is the
//! read-only notice the page shows, and the annotations stay as they were,
//! also in what a reload finds; opening a document (setDocument) is not an
//! edit and keeps the instance read-only. (The iframe's `marginalia:load`,
//! answered with `marginalia:error`, is in `document_session.rs`.)

mod support;

use marginalia_e2e::{json, Browser, Result, Value};
use support::*;

const TEXT: &str = "Wagner and Mali, said Diop.";

/// Waits for the read-only instance's error notice, then dismisses it; its text.
async fn refused(b: &Browser, what: &str, spans: usize) -> Result<String> {
    let text = b
        .wait_until(
            "const n = document.querySelector('#mg2-notice[data-kind=error]');
             return n && n.textContent.includes('read-only') ? n.textContent : '';",
            WAIT,
        )
        .await
        .map_err(|_| format!("{what}: no read-only notice"))?;
    let text = text.as_str().unwrap_or_default().to_string();
    assert!(text.contains("read-only"), "{what}: {text}");
    let now = b.execute("return window.ro.getAnnotations().spans.length;", vec![]).await?;
    assert_eq!(now, json!(spans), "{what} changed a read-only document");
    assert_eq!(b.count("#ro .mg-adjudication, #ro .mg-review").await?, 0, "{what} opened a panel");
    b.click("#mg2-notice .mg-dismiss").await?;
    b.wait_until("return !document.querySelector('#mg2-notice[data-kind=error]');", WAIT).await?;
    Ok(text)
}

/// Runs `call` (a statement on the handle `window.ro`, given `arguments`)
/// and expects it to throw synchronously: the message thrown, which must be
/// the read-only notice; then the notice is dismissed.
async fn throws(b: &Browser, what: &str, call: &str, args: Vec<Value>, spans: usize) -> Result {
    // Awaited: `setAnnotations` and `review` answer with a Promise.
    let js = format!("return (async () => {{ try {{ await ({call}); return null; }} catch (e) {{ return e instanceof Error ? e.message : 'not an Error: ' + e; }} }})();");
    let thrown = b.execute(&js, args).await?;
    let thrown = thrown.as_str().ok_or_else(|| format!("{what} did not throw on a read-only instance"))?.to_string();
    let notice = refused(b, what, spans).await?;
    assert!(thrown.contains("read-only"), "{what} threw {thrown:?}");
    // The notice holds the message and its dismiss button's label.
    assert!(notice.contains(&thrown), "{what} threw {thrown:?}, the page said {notice:?}");
    Ok(())
}

/// The spans as the handle reports them: id, offsets, label.
async fn spans(b: &Browser) -> Result<Value> {
    Ok(b.execute("return window.ro.getAnnotations().spans.map(s => [s.id, s.start, s.end, s.label]);", vec![]).await?)
}

/// Mounts the second instance `#ro`, read-only, on `article`.
async fn mount_read_only(b: &Browser, article: Value) -> Result<Value> {
    b.execute_async(
        "const done = arguments[arguments.length - 1];
         import('/marginalia.js').then(m => {
             const el = document.createElement('div');
             el.id = 'ro';
             document.body.append(el);
             return m.mount(el, { article: arguments[0], readOnly: true });
         }).then(h => { window.ro = h; done(h.getAnnotations().spans.length); }, e => done('error: ' + e));",
        vec![article],
    )
    .await
}

#[tokio::test]
async fn a_read_only_instance_refuses_changes_from_every_host_entry_point() -> Result {
    let b = Browser::new().await?;
    let page = format!("{}cms/?doc=ro-{}", b.app_url(), std::process::id());
    b.goto(&page).await?;
    b.wait_until("return !!window.cmsHandle;", WAIT).await?;
    let first = format!("ro-doc-{}", std::process::id());
    assert_eq!(mount_read_only(&b, json!({ "id": first, "title": "RO", "text": TEXT })).await?, json!(0));

    // Annotations made on an earlier version of the text: re-anchored, then refused.
    let earlier = json!({ "text": "Wagner and Mali said Diop.", "spans": [{ "start": 0, "end": 6, "label": "PERSON" }] });
    throws(&b, "setAnnotations for an earlier text", "window.ro.setAnnotations(JSON.stringify(arguments[0]))", vec![earlier], 0).await?;

    // A review of two saves of this text: it would open their gold version
    // as the document's annotations.
    let save = |label: &str| json!({ "text": TEXT, "spans": [{ "start": 0, "end": 6, "label": label }] });
    throws(&b, "review", "window.ro.review([JSON.stringify(arguments[0]), JSON.stringify(arguments[1])])", vec![save("PERSON"), save("ORG")], 0).await?;

    throws(&b, "undo", "window.ro.undo()", vec![], 0).await?;
    throws(&b, "redo", "window.ro.redo()", vec![], 0).await?;
    throws(&b, "addSpan", "window.ro.addSpan(0, 6, 'ORG')", vec![], 0).await?;

    // Opening a document is not an edit: setDocument opens the host's text
    // with its spans and the instance stays read-only.
    let id = format!("ro-set-{}", std::process::id());
    b.execute(
        "window.ro.setDocument({ id: arguments[1], title: 'RO 2', text: arguments[0], spans: [{ start: 0, end: 6, label: 'ORG' }] });",
        vec![json!(TEXT), json!(id)],
    )
    .await?;
    b.wait_until("return window.ro.getAnnotations().spans.length === 1;", WAIT).await?;
    let before = spans(&b).await?;

    // With a span there, every call that would change it throws and leaves it.
    throws(&b, "removeSpan", "window.ro.removeSpan(window.ro.getAnnotations().spans[0].id)", vec![], 1).await?;
    let (ds, de) = range_of(TEXT, "Diop");
    let here = json!({ "text": TEXT, "spans": [{ "start": ds, "end": de, "label": "PERSON" }] });
    throws(&b, "setAnnotations for this text", "window.ro.setAnnotations(arguments[0])", vec![json!(here.to_string())], 1).await?;
    throws(&b, "setAnnotations as an object", "window.ro.setAnnotations(arguments[0])", vec![here], 1).await?;
    throws(&b, "undo with a span", "window.ro.undo()", vec![], 1).await?;
    throws(&b, "redo with a span", "window.ro.redo()", vec![], 1).await?;
    assert_eq!(spans(&b).await?, before, "a refused call changed the spans");

    // A person's drag and key are refused too.
    b.drag_select_in("#ro .mg-article", &[], 11, 15).await?;
    b.press("3").await?;
    refused(&b, "a drag and a label key", 1).await?;
    assert_eq!(spans(&b).await?, before);

    // What a reload finds is the document as setDocument opened it.
    b.reload().await?;
    b.wait_until("return !!window.cmsHandle;", WAIT).await?;
    mount_read_only(&b, json!({ "id": id, "title": "RO 2", "text": TEXT })).await?;
    b.wait_until("return window.ro.getAnnotations().spans.length > 0;", WAIT).await?;
    assert_eq!(spans(&b).await?, before, "after a reload");
    throws(&b, "undo after a reload", "window.ro.undo()", vec![], 1).await?;
    b.close().await
}
