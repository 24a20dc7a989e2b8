//! Embedding in a CMS: the mock CMS page (`examples/cms/`, served at
//! `/cms/`) mounts Marginalia through the ES module and through an iframe.
//! Two instances on one page keep apart; events reach the page as callbacks
//! and DOM events with the annotations; a destroyed instance leaves no
//! listener behind; the iframe obeys only an allowed parent; the page works
//! under a strict Content-Security-Policy; the widget's files reach the
//! browser as Brotli.

mod support;

use marginalia_e2e::{json, Browser, Result, Server, Value};
use support::*;

/// Event listeners on `document` and `window` (through the DevTools protocol).
async fn listener_counts(b: &Browser) -> Result<(usize, usize)> {
    let mut counts = [0; 2];
    for (i, target) in ["document", "window"].iter().enumerate() {
        let obj = b.cdp("Runtime.evaluate", json!({ "expression": target })).await?;
        let id = obj["result"]["objectId"].clone();
        let listeners = b.cdp("DOMDebugger.getEventListeners", json!({ "objectId": id })).await?;
        counts[i] = listeners["listeners"].as_array().map_or(0, Vec::len);
    }
    Ok((counts[0], counts[1]))
}

async fn open_cms(b: &Browser, base: &str) -> Result {
    b.goto(&format!("{base}cms/?doc={}", unique_doc())).await?;
    b.wait_until("return !!window.cmsHandle && !!document.querySelector('#cms-annotator .mg-article .mg-run');", WAIT).await?;
    Ok(())
}

/// A document id of its own for each page load, so that tests sharing the
/// CMS stand-in and the browser's storage never meet.
fn unique_doc() -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    format!("cms-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

fn cp_range(text: &str, needle: &str) -> (usize, usize) {
    range_of(text, needle)
}

#[tokio::test]
async fn two_instances_keep_apart_report_events_and_leave_nothing_when_destroyed() -> Result {
    let b = Browser::new().await?;
    open_cms(&b, &b.app_url()).await?;
    b.execute(
        "window.seen = { dom: [], callback: [] };
         document.getElementById('cms-annotator').addEventListener('marginalia:change', e => seen.dom.push(e.detail));
         window.cmsHandle.on('change', d => seen.callback.push(d));",
        vec![],
    )
    .await?;
    let before = listener_counts(&b).await?;

    // A second instance, mounted by the page's script.
    let mounted = b
        .execute_async(
            "const done = arguments[arguments.length - 1];
             import('/marginalia.js').then(m => {
                 const el = document.createElement('div');
                 el.id = 'second';
                 document.body.append(el);
                 window.secondChanges = 0;
                 el.addEventListener('marginalia:change', () => window.secondChanges++);
                 return m.mount(el, { article: { id: 'second-doc', title: 'Second', text: 'Wagner and Mali, said Diop.' }, annotator: 'ben' });
             }).then(h => { window.second = h; done(h.getAnnotations().meta.doc_id); }, e => done('error: ' + e));",
            vec![],
        )
        .await?;
    assert_eq!(mounted, json!("second-doc"));
    assert_eq!(b.count("#mg-article").await?, 1, "the first instance keeps the plain ids");
    assert_eq!(b.count("#second #mg2-article").await?, 1, "the second has ids of its own");
    let twice = b
        .execute_async(
            "const done = arguments[arguments.length - 1];
             import('/marginalia.js').then(m => m.mount(document.getElementById('second'), {})).then(() => done('mounted'), e => done(String(e)));",
            vec![],
        )
        .await?;
    assert!(twice.as_str().unwrap_or("").contains("already holds"), "{twice}");
    // The module links its stylesheet once, as it is imported, however
    // many instances it mounts (and not again when the page links it).
    let links = b.execute("return [...document.querySelectorAll('link[rel=stylesheet]')].filter(l => /\\/app-[0-9a-f]+\\.css$/.test(l.href)).length;", vec![]).await?;
    assert_eq!(links, json!(1), "the widget's stylesheet is linked once");
    // allowedOrigins is the standalone page's setting: mount says so and mounts nothing.
    let refused = b
        .execute_async(
            "const done = arguments[arguments.length - 1];
             import('/marginalia.js').then(m => {
                 const el = document.createElement('div');
                 el.id = 'refused';
                 document.body.append(el);
                 return m.mount(el, { article: { id: 'x', text: 'Mali' }, allowedOrigins: ['https://cms.example'] });
             }).then(() => done('mounted'), e => done(String(e)));",
            vec![],
        )
        .await?;
    assert!(refused.as_str().unwrap_or("").contains("allowedOrigins is the standalone page's setting"), "{refused}");
    assert_eq!(b.count("#refused[data-marginalia], #refused *").await?, 0, "nothing was mounted");

    // Label in the first instance with the mouse and a key.
    let text = b.execute("return document.getElementById('cms-body').value;", vec![]).await?;
    let text = text.as_str().unwrap_or_default().to_string();
    let (s, e) = cp_range(&text, "Abdallah Diop");
    b.drag_select_in("#cms-annotator .mg-article", &[], s, e).await?;
    b.wait_until("return !!document.querySelector('#cms-annotator .mg-pending');", WAIT).await?;
    b.press("1").await?;
    b.wait_until("return seen.dom.length > 0 && seen.callback.length > 0;", WAIT).await?;
    let last: Value = b.execute("return seen.dom[seen.dom.length - 1];", vec![]).await?;
    assert_eq!(last["spans"][0]["text"], "Abdallah Diop", "the event carries the annotations: {last}");
    assert_eq!(last["spans"][0]["label"], "PERSON");
    assert_eq!(last["annotator"], "cms-editor");
    let callback = b.execute("return seen.callback[seen.callback.length - 1].spans.length;", vec![]).await?;
    assert_eq!(callback, json!(1));
    assert_eq!(b.execute("return window.second.getAnnotations().spans.length;", vec![]).await?, json!(0));
    assert_eq!(b.execute("return window.secondChanges;", vec![]).await?, json!(0), "the second instance heard nothing");

    // Keys in the second instance stay there: select its "Wagner" and press 2.
    b.drag_select_in("#second .mg-article", &[], 0, 6).await?;
    b.wait_until("return !!document.querySelector('#second .mg-pending');", WAIT).await?;
    b.press("2").await?;
    b.wait_until("return window.second.getAnnotations().spans.length === 1;", WAIT).await?;
    assert_eq!(b.execute("return window.second.getAnnotations().spans[0].label;", vec![]).await?, json!("ORG"));
    assert_eq!(b.execute("return window.cmsHandle.getAnnotations().spans.length;", vec![]).await?, json!(1));

    // Destroyed: its element is empty, its handle reaches nothing, and every
    // listener it installed is gone.
    b.execute("window.second.destroy();", vec![]).await?;
    assert_eq!(b.execute("return document.getElementById('second').childElementCount;", vec![]).await?, json!(0));
    assert_eq!(b.execute("return typeof window.second.getAnnotations;", vec![]).await?, json!("undefined"));
    assert_eq!(listener_counts(&b).await?, before, "listeners on document and window after destroy");
    b.close().await
}

#[tokio::test]
async fn the_iframe_talks_only_to_an_allowed_parent() -> Result {
    let b = Browser::new().await?;
    let app = b.app_url();
    open_cms(&b, &app).await?;
    // Same origin: the frame says it is ready, takes the article it is sent
    // and answers a request for its annotations.
    let loaded = b
        .wait_until(
            "const f = document.getElementById('cms-iframe').contentWindow;
             return !!f.marginalia && f.marginalia.getAnnotations().meta.doc_id.endsWith('-frame');",
            WAIT,
        )
        .await;
    if loaded.is_err() {
        let seen = b
            .execute(
                "const f = document.getElementById('cms-iframe').contentWindow;
                 return [window.cmsFrameMessages || null, f.marginalia ? f.marginalia.getAnnotations().meta.doc_id : 'no handle', f.document.querySelector('.mg-notice') ? f.document.querySelector('.mg-notice').textContent : ''];",
                vec![],
            )
            .await?;
        return Err(format!("the frame did not take the CMS's article; parent saw / frame doc / frame notice: {seen}").into());
    }
    b.execute(
        "const f = document.getElementById('cms-iframe');
         f.contentWindow.postMessage({ type: 'marginalia:get-annotations', request_id: 'q1' }, new URL(f.src).origin);",
        vec![],
    )
    .await?;
    let answer = b
        .wait_until(
            "return (window.cmsFrameMessages || []).find(m => m.type === 'marginalia:annotations' && m.request_id === 'q1') || false;",
            WAIT,
        )
        .await?;
    assert!(answer["annotations"]["meta"]["doc_id"].as_str().unwrap_or("").ends_with("-frame"), "{answer}");

    // Messages it cannot read are answered with `marginalia:error`, naming
    // what is wrong, and change nothing.
    b.execute(
        "const f = document.getElementById('cms-iframe');
         f.contentWindow.postMessage({ type: 'marginalia:load', options: { article: { text: 'Replaced' }, readonly: true } }, new URL(f.src).origin);
         f.contentWindow.postMessage({ type: 'marginalia:reload' }, new URL(f.src).origin);",
        vec![],
    )
    .await?;
    let errors = b
        .wait_until(
            "const e = (window.cmsFrameMessages || []).filter(m => m.type === 'marginalia:error').map(m => m.message);
             return e.length >= 2 ? e : false;",
            WAIT,
        )
        .await?;
    let errors: Vec<&str> = errors.as_array().unwrap().iter().filter_map(|m| m.as_str()).collect();
    assert!(errors.iter().any(|m| m.contains("unknown field `readonly`")), "{errors:?}");
    assert!(errors.iter().any(|m| m.contains("`marginalia:reload`")), "{errors:?}");
    let text = b.execute("return document.getElementById('cms-iframe').contentWindow.marginalia.getAnnotations().text;", vec![]).await?;
    assert_ne!(text, json!("Replaced"), "a refused message changed the document");

    // Another origin (localhost is not 127.0.0.1): the frame posts nothing
    // to it and ignores what it sends.
    let port = app.trim_end_matches('/').rsplit(':').next().unwrap_or_default().to_string();
    b.goto(&format!("http://localhost:{port}/cms/?doc={}", unique_doc())).await?;
    b.wait_until("return !!window.cmsHandle;", WAIT).await?;
    b.execute(
        "window.foreign = [];
         window.addEventListener('message', e => { if (e.origin === 'http://127.0.0.1:' + arguments[0]) foreign.push(e.data); });
         const f = document.createElement('iframe');
         f.id = 'foreign-frame';
         f.src = 'http://127.0.0.1:' + arguments[0] + '/';
         document.body.append(f);",
        vec![json!(port)],
    )
    .await?;
    // Wait for the framed app to be up (it becomes focusable content), then talk to it.
    b.client().enter_frame(1).await?;
    b.wait_until("return !!window.marginalia && !!window.marginalia.getAnnotations;", WAIT).await?;
    let doc_id = b.execute("return window.marginalia.getAnnotations().meta.doc_id;", vec![]).await?;
    b.client().enter_parent_frame().await?;
    b.execute(
        "document.getElementById('foreign-frame').contentWindow.postMessage({ type: 'marginalia:load', options: { article: { id: 'foreign', text: 'Injected by a foreign page.' } } }, '*');
         document.getElementById('foreign-frame').contentWindow.postMessage({ type: 'marginalia:get-annotations' }, '*');",
        vec![],
    )
    .await?;
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    b.client().enter_frame(1).await?;
    let after = b.execute("return window.marginalia.getAnnotations().meta.doc_id;", vec![]).await?;
    b.client().enter_parent_frame().await?;
    assert_eq!(after, doc_id, "a message from a foreign origin changed the document");
    assert_ne!(after, json!("foreign"));
    assert_eq!(b.execute("return window.foreign;", vec![]).await?, json!([]), "the frame posted to a foreign parent");
    b.close().await
}

/// A copy of the built app whose page has `head` first in its `<head>`.
fn dist_with_head(tag: &str, head: &str) -> Result<std::path::PathBuf> {
    let dir = temp_dir(tag);
    copy_tree(&marginalia_e2e::dist_dir(), &dir)?;
    let index = std::fs::read_to_string(dir.join("index.html"))?;
    std::fs::write(dir.join("index.html"), index.replacen("<head>", &format!("<head>\n    {head}"), 1))?;
    Ok(dir)
}

/// Copies the files under `from` (the built app: the page, its code
/// directory, the CMS example) into `to`.
fn copy_tree(from: &std::path::Path, to: &std::path::Path) -> Result {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// What the browser is sent for the widget: each file's Brotli sibling
/// (`cargo xtask build` writes it; the team server over `dist/` sends it to
/// a browser that accepts it, as a CDN does), or the file itself when
/// compressing did not make it smaller (the build keeps no sibling then). Chromium takes the first wasm
/// and the parts fetched after the first paint (`ahead.pack`) as Brotli, decodes them to
/// the built files' bytes, and the widget draws the CMS's article with them.
#[tokio::test]
async fn the_widget_reaches_the_browser_as_brotli() -> Result {
    let b = Browser::new().await?;
    open_cms(&b, &Server::app().url()).await?;
    let code_files = "return performance.getEntriesByType('resource')\
         .map((e) => [new URL(e.name).pathname, e.encodedBodySize, e.decodedBodySize])\
         .filter(([path]) => /\\.(wasm|pack|js|css)$/.test(path) && !path.startsWith('/cms/'));";
    b.wait_until("return performance.getEntriesByType('resource').some((e) => e.name.endsWith('/ahead.pack'));", WAIT).await?;
    let entries: Vec<(String, u64, u64)> = serde_json::from_value(b.execute(code_files, vec![]).await?)?;
    let dist = marginalia_e2e::dist_dir();
    let mut checked = Vec::new();
    for (path, encoded, decoded) in &entries {
        let file = dist.join(path.trim_start_matches('/'));
        assert_eq!(*decoded, std::fs::metadata(&file)?.len(), "{path}: decoded to the built file");
        match std::fs::metadata(format!("{}.br", file.display())) {
            Ok(sibling) => {
                let brotli = sibling.len();
                assert_eq!(*encoded, brotli, "{path}: sent as its Brotli sibling ({brotli} B)");
                assert!(brotli < *decoded, "{path}: Brotli made it smaller");
            }
            Err(_) => {
                assert_eq!(*encoded, *decoded, "{path}: without a Brotli sibling, sent as it is");
                assert!(!std::path::Path::new(&format!("{}.gz", file.display())).exists(), "{path}: a gzip sibling but no Brotli one");
            }
        }
        checked.push(path.rsplit('/').next().unwrap_or_default().to_string());
    }
    for name in ["marginalia.js", "main_bg.wasm", "ahead.pack"] {
        assert!(checked.iter().any(|c| c == name), "{name} was not among what the page loaded: {checked:?}");
    }
    assert!(!checked.iter().any(|c| c == "split_standalone.wasm"), "a host fetched the standalone page's start: {checked:?}");
    b.close().await
}

/// `ready` waits for the first painted frame; a page that paints none (a
/// tab opened in the background) still gets the API, and the handle works.
#[tokio::test]
async fn the_api_comes_even_when_no_frame_is_painted() -> Result {
    let dir = dist_with_head("no-frames", "<script>window.requestAnimationFrame = () => 0;</script>")?;
    let server = Server::serve(&dir);
    let b = Browser::new().await?;
    b.goto(&server.url()).await?;
    b.wait_until("return typeof window.marginalia?.setDocument === 'function';", WAIT).await?;
    let text = "👩🏾‍🍳 Zoë met علي in 東京.";
    let zoe = range_of(text, "Zoë");
    b.execute(
        "window.marginalia.setDocument({ id: 'no-frames', text: arguments[0], spans: [{ start: arguments[1], end: arguments[2], label: 'PERSON' }] });",
        vec![json!(text), json!(zoe.0), json!(zoe.1)],
    )
    .await?;
    b.wait_until("return window.marginalia.getAnnotations().meta.doc_id === 'no-frames';", WAIT).await?;
    assert_eq!(spans(&b).await?, vec![(zoe.0 as u64, zoe.1 as u64, "PERSON".to_string(), "Zoë".to_string())]);
    b.close().await
}

#[tokio::test]
async fn the_app_works_under_a_strict_content_security_policy() -> Result {
    // The built app, with a policy that allows nothing inline and no eval:
    // 'wasm-unsafe-eval' is the only allowance.
    let policy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'";
    let dir = dist_with_head("csp", &format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">"))?;
    let server = Server::serve(&dir);

    let b = Browser::new().await?;
    b.goto(&server.url()).await?;
    b.wait_until("return typeof window.marginalia?.getAnnotations === 'function' && !!document.querySelector('#mg-article .mg-run');", WAIT).await?;
    let (s, e) = range_of(DEFAULT_ARTICLE, "Abdallah Diop");
    b.drag_select(s, e).await?;
    assert_eq!(wait_pending(&b).await?, "Abdallah Diop");
    b.press("1").await?;
    wait_span_count(&b, 1).await?;
    let shadow = b
        .execute(
            "const r = [...document.querySelectorAll('#mg-article .mg-run.mg-spanned')].find(r => r.textContent === 'Abdallah Diop');
             return [r.className, getComputedStyle(r).boxShadow];",
            vec![],
        )
        .await?;
    assert!(shadow[0].as_str().unwrap_or("").contains("mg-st-"), "{shadow}");
    assert_ne!(shadow[1], json!("none"), "the span's underline is drawn under the policy: {shadow}");
    let refused: Vec<String> = b.console_messages().await?.into_iter().filter(|m| m.contains("Content Security Policy")).collect();
    assert!(refused.is_empty(), "the policy refused something: {refused:#?}");
    b.close().await
}

/// Code points of `needle`'s first occurrence in `text`.
fn find_cp(text: &str, needle: &str) -> (u64, u64) {
    let b = text.find(needle).unwrap_or_else(|| panic!("{needle:?} is not in the text"));
    let s = text[..b].chars().count();
    (s as u64, (s + needle.chars().count()) as u64)
}

#[tokio::test]
async fn annotations_re_anchor_when_the_cms_edits_the_article() -> Result {
    let b = Browser::new().await?;
    open_cms(&b, &b.app_url()).await?;
    let text = b.execute("return document.getElementById('cms-body').value;", vec![]).await?;
    let text = text.as_str().unwrap_or_default().to_string();
    // Label three names with the mouse and the keys.
    for (needle, key) in [("Abdallah Diop", "1"), ("Russia", "3"), ("Kremlin", "2")] {
        let (s, e) = range_of(&text, needle);
        let before = b.execute("return window.cmsHandle.getAnnotations().spans.length;", vec![]).await?;
        b.drag_select_in("#cms-annotator .mg-article", &[], s, e).await?;
        b.wait_until("return !!document.querySelector('#cms-annotator .mg-pending');", WAIT).await?;
        b.press(key).await?;
        let n = before.as_u64().unwrap_or(0) + 1;
        b.wait_until(&format!("return window.cmsHandle.getAnnotations().spans.length === {n};"), WAIT).await?;
    }

    // The editor edits the article: words before every span, inside the
    // first one, after the last, and the third one's word replaced.
    let edited = format!("BAMAKO (Reuters) — {}\n\nMore reporting by the Bamako bureau.", text)
        .replacen("Abdallah Diop", "Abdallah Mamadou Diop", 1)
        .replacen("Kremlin", "government in Moscow", 1);
    b.execute("document.getElementById('cms-body').value = arguments[0];", vec![json!(edited)]).await?;
    b.click("#cms-send").await?;
    b.wait_until("return window.cmsHandle.getAnnotations().text.startsWith('BAMAKO');", WAIT).await?;
    b.wait_until("return !!document.querySelector('#cms-annotator .mg-review');", WAIT).await?;

    let record = b.execute("return window.cmsHandle.getAnnotations();", vec![]).await?;
    assert_eq!(record["text"], json!(edited));
    let spans: Vec<(u64, u64, String, String)> = record["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap(), s["label"].as_str().unwrap().into(), s["text"].as_str().unwrap().into()))
        .collect();
    // "Russia" moved exactly, by the length of the inserted words.
    let (rs, re) = find_cp(&edited, "Russia");
    assert!(spans.contains(&(rs, re, "GPE".into(), "Russia".into())), "{spans:?}");
    // Nothing sits on other words: "Kremlin" is gone, so its span is not attached elsewhere.
    assert!(spans.iter().all(|(_, _, l, t)| !(l == "ORG" && t != "Kremlin")), "the ORG span was attached to other words: {spans:?}");
    assert!(spans.iter().all(|(s, e, _, t)| {
        let by_cp: String = edited.chars().skip(*s as usize).take((*e - *s) as usize).collect();
        by_cp == *t
    }));

    // The page says what happened, and the uncertain ones are listed.
    let notice = wait_notice(&b, "info").await?;
    assert!(notice.contains("re-anchored") && notice.contains("orphaned"), "{notice}");
    let items = b.texts_of("#cms-annotator .mg-review-item p").await?;
    assert!(items.iter().any(|i| i.contains("Kremlin") && i.contains("no longer in the text")), "{items:?}");
    let person = spans.iter().find(|(_, _, l, _)| l == "PERSON");
    if let Some((_, _, _, t)) = person {
        // Placed on the edited name: then it is listed for review, not trusted.
        assert!(t.contains("Diop"), "{spans:?}");
        assert!(items.iter().any(|i| i.contains("Abdallah Diop")), "the edited name must be reviewed: {items:?}");
        // Keep it: it leaves the list.
        b.click("#cms-annotator .mg-review-item button[aria-label^='Keep PERSON']").await?;
        b.wait_until(
            "return ![...document.querySelectorAll('#cms-annotator .mg-review-item p')].some(p => p.textContent.includes('Abdallah Diop'));",
            WAIT,
        )
        .await?;
    }
    b.close().await
}

#[tokio::test]
async fn an_annotate_this_article_link_opens_allowed_urls_and_refuses_others() -> Result {
    let b = Browser::new().await?;
    let app = b.app_url();
    // Same origin: the page's article text (no navigation, aside or footer).
    b.goto(&format!("{app}?article=/cms/article-42.html")).await?;
    b.wait_until("return typeof window.marginalia?.getAnnotations === 'function' && window.marginalia.getAnnotations().meta.doc_id === 'article-42';", WAIT).await?;
    let record = b.execute("return window.marginalia.getAnnotations();", vec![]).await?;
    let text = record["text"].as_str().unwrap_or_default();
    assert!(text.starts_with("Mali confirms military cooperation with Russia"), "{text}");
    assert!(text.contains("Abdallah Diop") && !text.contains("Most read") && !text.contains("Daily Mock"), "{text}");
    // It is annotated like any article, and the label keys work.
    let (s, e) = range_of(text, "Abdallah Diop");
    b.drag_select(s, e).await?;
    assert_eq!(wait_pending(&b).await?, "Abdallah Diop");
    b.press("1").await?;
    wait_span_count(&b, 1).await?;

    // Annotations from a link too: the record just made, as the CMS serves
    // it, opened with the article in a fresh browser; a link to something
    // that is not JSON is said, and the article opens without it.
    let doc = format!("link-{}", std::process::id());
    let saved = b.execute("return JSON.stringify(window.marginalia.getAnnotations());", vec![]).await?;
    Server::save_endpoint().replace(&doc, saved.as_str().unwrap_or_default());
    let fresh = Browser::new().await?;
    fresh.goto(&format!("{app}?article=/cms/article-42.html&annotations=/api/annotations/{doc}")).await?;
    fresh.wait_until("return window.marginalia?.getAnnotations?.().spans.length === 1;", WAIT).await?;
    assert_eq!(fresh.execute("return window.marginalia.getAnnotations().spans[0].text;", vec![]).await?, json!("Abdallah Diop"));
    fresh.goto(&format!("{app}?article=/cms/article-42.html&annotations=/cms/article-42.html")).await?;
    let message = wait_notice(&fresh, "error").await?;
    assert!(message.contains("The annotations were not used: it is not JSON"), "{message}");
    fresh.close().await?;

    // Another origin (localhost is not 127.0.0.1) is neither fetched nor used to save.
    let port = app.trim_end_matches('/').rsplit(':').next().unwrap_or_default().to_string();
    b.goto(&format!("{app}?article=http://localhost:{port}/cms/article-42.html&save=http://localhost:{port}/api/annotations/x")).await?;
    b.wait_until("return typeof window.marginalia?.getAnnotations === 'function';", WAIT).await?;
    let message = wait_notice(&b, "error").await?;
    assert!(message.contains("The article was not opened") && message.contains("http://localhost"), "{message}");
    assert!(message.contains("Saving to the server is off"), "{message}");
    assert_ne!(b.execute("return window.marginalia.getAnnotations().meta.doc_id;", vec![]).await?, json!("article-42-foreign"));
    b.close().await
}

#[tokio::test]
async fn a_dark_instance_passes_the_accessibility_check_and_a_host_reset_does_not_break_it() -> Result {
    let b = Browser::new().await?;
    open_cms(&b, &b.app_url()).await?;
    // A host page with an aggressive CSS reset, and a dark, compact instance.
    b.execute(
        "const reset = document.createElement('link');
         reset.rel = 'stylesheet';
         reset.href = 'data:text/css,' + encodeURIComponent('*{margin:0;padding:0;border:0;font:inherit;color:inherit;background:transparent;box-sizing:content-box} button,select{all:unset} ul,ol{list-style:none}');
         document.head.append(reset);",
        vec![],
    )
    .await?;
    let mounted = b
        .execute_async(
            "const done = arguments[arguments.length - 1];
             import('/marginalia.js').then(m => {
                 const el = document.createElement('div');
                 el.id = 'dark';
                 el.style.setProperty('--marginalia-density', '0.75');
                 document.body.append(el);
                 return m.mount(el, { article: { id: 'dark-doc', text: 'Wagner and Mali, said Diop.' }, theme: 'dark' });
             }).then(h => { window.dark = h; done('ok'); }, e => done('error: ' + e));",
            vec![],
        )
        .await?;
    assert_eq!(mounted, json!("ok"));
    let looks = b
        .execute(
            "const app = document.querySelector('#dark .mg-app');
             const label = document.querySelector('#dark .mg-label');
             const cs = getComputedStyle(label);
             return [getComputedStyle(app).backgroundColor, cs.borderTopWidth, cs.paddingLeft, cs.cursor];",
            vec![],
        )
        .await?;
    assert_eq!(looks[0], json!("rgb(13, 17, 23)"), "the dark palette: {looks}");
    assert_ne!(looks[1], json!("0px"), "label buttons keep their border under the reset: {looks}");
    assert_ne!(looks[2], json!("0px"), "and their padding: {looks}");
    assert_eq!(looks[3], json!("pointer"));
    // It still works: select "Wagner" with the mouse, click the ORG button.
    b.drag_select_in("#dark .mg-article", &[], 0, 6).await?;
    b.wait_until("return !!document.querySelector('#dark .mg-pending');", WAIT).await?;
    b.click("#dark .mg-label[data-label='ORG']").await?;
    b.wait_until("return window.dark.getAnnotations().spans.length === 1;", WAIT).await?;
    // The dark palette passes axe (colour contrast included) inside the instance.
    let report = b.run_axe_with(json!({ "context": { "include": [["#dark"]] } })).await?;
    assert!(report.is_clean(), "axe on the dark instance: {report:?}");
    b.close().await
}

/// `setDocument` opens the host's text with the host's spans (code points,
/// emoji and ZWJ sequences included) without claiming they were saved on
/// this device: the host opened it, so the page stays quiet. Opening a file
/// says what was opened. A wrong argument is refused and changes nothing.
#[tokio::test]
async fn set_document_opens_the_hosts_spans_quietly() -> Result {
    let b = open_app().await?;
    open_file(&b, write_temp("annotator-pick.txt", "Chosen by the annotator.\n")).await?;
    let opened = wait_notice(&b, "info").await?;
    assert!(opened.starts_with("Opened"), "{opened:?}");

    let text = "👩🏾‍🍳 Zoë Nguyễn met Al Jazeera (الجزيرة) in 東京.";
    let zoe = range_of(text, "Zoë Nguyễn");
    let tokyo = range_of(text, "東京");
    b.execute(
        "window.marginalia.setDocument({ id: 'host-doc', title: 'From the host', text: arguments[0],
             spans: [{ start: arguments[1], end: arguments[2], label: 'PERSON' },
                     { start: arguments[3], end: arguments[4], label: 'GPE' }] });",
        vec![json!(text), json!(zoe.0), json!(zoe.1), json!(tokyo.0), json!(tokyo.1)],
    )
    .await?;
    b.wait_until("return window.marginalia.getAnnotations().meta.doc_id === 'host-doc';", WAIT).await?;
    let want = vec![
        (zoe.0 as u64, zoe.1 as u64, "PERSON".to_string(), "Zoë Nguyễn".to_string()),
        (tokyo.0 as u64, tokyo.1 as u64, "GPE".to_string(), "東京".to_string()),
    ];
    assert_eq!(spans(&b).await?, want);
    assert_eq!(notice(&b).await?, None, "the page announced the host's document");
    assert_eq!(text_under_span(&b, "1").await?, "Zoë Nguyễn");

    let refused = b
        .execute(
            "try { window.marginalia.setDocument({ id: 'bad', text: 42 }); return null; } catch (e) { return e.message; }",
            vec![],
        )
        .await?;
    assert!(refused.as_str().is_some_and(|m| m.contains("\"text\" must be a string")), "{refused}");
    assert_eq!(spans(&b).await?, want, "a refused call changed the work");
    b.close().await
}
