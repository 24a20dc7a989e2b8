//! What a host asks through the handle (`src/host_commands.rs`): `removeSpan`
//! deletes the span it names — while a claim's link is being picked too —
//! and throws, changing nothing, for an id that is not there; hostile
//! arguments are refused with a message; `on("ready", fn)` registered on the
//! handle `mount` resolves to is called; `mount` resolves in the task that
//! drew its first render, however long that took; `ready`'s record, worked
//! out when read, is the first render's however late it is read; an article
//! given as HTML (`setArticle`, `mount`) is read by a part fetched then.

mod support;

use marginalia_e2e::{json, Browser, Result, Value};
use support::*;

/// Adds a span through the handle; its id (`"s3"`).
async fn add_span(b: &Browser, (start, end): (usize, usize), label: &str) -> Result<String> {
    let id = b
        .execute("return window.marginalia.addSpan(arguments[0], arguments[1], arguments[2]);", vec![json!(start), json!(end), json!(label)])
        .await?;
    Ok(id.as_str().ok_or_else(|| format!("addSpan returned {id}"))?.to_string())
}

/// The CMS example page (a host that imports `marginalia.js`), on a
/// document of its own for this test run.
async fn host_page(doc: &str) -> Result<Browser> {
    let b = Browser::new().await?;
    b.goto(&format!("{}cms/?doc={doc}-{}", b.app_url(), std::process::id())).await?;
    b.wait_until("return !!window.cmsHandle;", WAIT).await?;
    Ok(b)
}

/// Calls `js` (an expression on `m`, the handle); what it threw, or null.
/// What `js` threw, or its Promise rejected with (`export`, `setAnnotations`
/// and `review` answer with a Promise).
async fn thrown(b: &Browser, js: &str) -> Result<Value> {
    b.execute(&format!("const m = window.marginalia; return (async () => {{ try {{ await ({js}); return null; }} catch (e) {{ return e.message; }} }})();"), vec![]).await
}

#[tokio::test]
async fn remove_span_while_a_claims_link_is_picked_removes_that_span_not_the_claim() -> Result {
    let b = open_app().await?;
    let wagner = add_span(&b, wagner_in_claim(), "ORG").await?;
    let claim = add_span(&b, claim_range(), "CLAIM").await?;
    // The claim is selected (added last): pick its "About" link in the text.
    b.wait_for(&pick_button("about")).await?;
    b.click(&pick_button("about")).await?;
    b.wait_for(&format!(r#"{}[aria-pressed="true"]"#, pick_button("about"))).await?;

    let error = thrown(&b, &format!("m.removeSpan({wagner:?})")).await?;
    assert_eq!(error, Value::Null, "removeSpan({wagner}) threw");
    let record = record(&b).await?;
    let left: Vec<(&str, &str)> = record["spans"]
        .as_array()
        .map(|s| s.iter().map(|s| (s["id"].as_str().unwrap_or(""), s["label"].as_str().unwrap_or(""))).collect())
        .unwrap_or_default();
    assert_eq!(left, [(claim.as_str(), "CLAIM")], "{wagner} went and the claim {claim} stayed");
    assert_eq!(record["spans"][0]["text"], support::CLAIM);
    b.close().await
}

#[tokio::test]
async fn remove_span_with_an_unknown_id_throws_and_changes_nothing() -> Result {
    let b = open_app().await?;
    let (m, e) = range_of(DEFAULT_ARTICLE, "Richard Mills");
    let mills = add_span(&b, (m, e), "PERSON").await?;
    // Selected now: the old select-then-delete deleted it for any id.
    b.wait_for(&format!(r#"#mg-tag-{}[aria-pressed="true"]"#, mills.trim_start_matches('s'))).await?;
    let before = record(&b).await?;

    let error = thrown(&b, "m.removeSpan('s999')").await?;
    assert_eq!(error, json!("Could not delete: there is no span s999."));
    for (call, says) in [
        ("m.removeSpan(3)", "removeSpan: the span id must be a string, not a number"),
        ("m.removeSpan('3')", "removeSpan: \"3\" is not a span id"),
        ("m.removeSpan()", "removeSpan: the span id must be a string, not nothing"),
        ("m.addSpan(1.5, 9, 'PERSON')", "addSpan: start must be a whole number of code points from 0, not a fraction"),
        ("m.addSpan(-1, 9, 'PERSON')", "addSpan: start must be a whole number of code points from 0, not a negative number"),
        ("m.addSpan(0, NaN, 'PERSON')", "addSpan: a number argument is NaN or infinite"),
        ("m.addSpan(0, 2 ** 60, 'PERSON')", "addSpan: end must be a whole number of code points from 0, not a number too large"),
        ("m.addSpan('0', 9, 'PERSON')", "addSpan: start must be a whole number of code points from 0, not a string"),
        ("m.export('excel')", "export: no format \"excel\""),
        ("m.setArticle({ id: 'x', txt: 'Mali' })", "setArticle: unknown field \"txt\""),
    ] {
        let error = thrown(&b, call).await?;
        let error = error.as_str().ok_or_else(|| format!("{call} did not throw"))?;
        assert!(error.starts_with(says), "{call}: {error}");
    }
    assert_eq!(record(&b).await?["spans"], before["spans"], "nothing changed");
    b.close().await
}

/// `mount()` resolves once the first render is in the page, with a handle
/// that works, and `ready` follows (the frame painted) with what that
/// render drew, even when the host opened another document meanwhile: a
/// callback the handle registers then hears it once; one registered after
/// it is called once with the same detail.
#[tokio::test]
async fn on_ready_registered_on_the_mounted_handle_is_called() -> Result {
    let b = host_page("ready").await?;
    let mounted = b
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.order = [];
             import('/marginalia.js').then(m => {
                 const el = document.createElement('div');
                 document.body.append(el);
                 el.addEventListener('marginalia:ready', () => window.order.push('ready'));
                 return m.mount(el, { article: { id: 'ready-doc', title: 'Ready', text: 'Wagner and Mali, said Diop.' } });
             }).then(h => {
                 window.order.push('mounted ' + h.getAnnotations().meta.doc_id);
                 window.handle = h;
                 window.late = [];
                 let returned = false;
                 h.on('ready', d => window.late.push({ doc: d.meta.doc_id, tokens: 'tokens' in d, after: returned }));
                 returned = true;
                 // Another document, opened before the first paint: drawn at
                 // once, while `ready` carries what the first render drew.
                 h.setDocument({ id: 'opened-before-paint', text: 'Another text.' });
                 done('mounted');
             }, e => done('error: ' + e));",
            vec![],
        )
        .await?;
    assert_eq!(mounted, json!("mounted"));
    let late = b.wait_until("return window.late.length > 0 ? window.late : null;", WAIT).await?;
    assert_eq!(late, json!([{ "doc": "ready-doc", "tokens": false, "after": true }]), "called once, after on() returned, with the light record");
    assert_eq!(b.execute("return window.order;", vec![]).await?, json!(["mounted ready-doc", "ready"]), "mount() resolved first, with a working handle");
    assert_eq!(b.execute("return window.handle.getAnnotations().meta.doc_id;", vec![]).await?, json!("opened-before-paint"));
    // Registered once `ready` was said: called once, with the same detail.
    b.execute(
        "window.replayed = []; let returned = false;
         window.handle.on('ready', d => window.replayed.push({ doc: d.meta.doc_id, after: returned })); returned = true;",
        vec![],
    )
    .await?;
    let replayed = b.wait_until("return window.replayed.length > 0 ? window.replayed : null;", WAIT).await?;
    assert_eq!(replayed, json!([{ "doc": "ready-doc", "after": true }]));
    assert_eq!(b.execute("return window.late.length + window.order.length;", vec![]).await?, json!(3), "nobody heard it twice");
    b.close().await
}

/// `mount()` resolves in the task that drew the first render, before any
/// frame shows it, even when that render takes longer than a frame (Yew
/// then yields to the browser before the render's effects: installed
/// there, the handle came a task later, often after a painted frame). No
/// zero-delay task and no animation frame running while `mount()` is
/// pending finds the article drawn (frames before it may come: waiting for
/// the wasm's compile, or a loaded machine); the
/// handle answers; a document the host opens at once, before the render's
/// effects, is not what `ready` carries.
#[tokio::test]
async fn mount_resolves_in_the_task_of_a_long_first_render() -> Result {
    let b = host_page("long-first").await?;
    let at_resolve = b
        .execute_async(
            "const done = arguments[arguments.length - 1];
             import('/marginalia.js').then(async (m) => {
                 const el = document.createElement('div');
                 document.body.append(el);
                 const line = (i) => 'Paragraph ' + i + ': Zoë met علي in 東京 with 👩🏾‍🍳, said the minister of Mali.';
                 const text = Array.from({ length: 4000 }, (_, i) => line(i)).join('\\n\\n');
                 // Every task and frame until mount() resolves: did one find the article drawn?
                 let pending = true, laterTask = false, framed = false;
                 const drawnNow = () => !!el.querySelector('.mg-article .mg-par');
                 const tick = () => { if (pending) { laterTask ||= drawnNow(); setTimeout(tick, 0); } };
                 const frame = () => { if (pending) { framed ||= drawnNow(); requestAnimationFrame(frame); } };
                 setTimeout(tick, 0);
                 requestAnimationFrame(frame);
                 const handle = await m.mount(el, { article: { id: 'long-first', title: 'Long', text } });
                 pending = false;
                 const seen = { laterTask, framed, drawn: el.querySelectorAll('.mg-article .mg-par').length, doc: handle.getAnnotations().meta.doc_id };
                 // Another document at once, before the render's effects have
                 // run: `ready` still carries what the first render drew.
                 handle.setDocument({ id: 'opened-at-once', text: 'Another text.' });
                 handle.on('ready', (d) => done({ ...seen, ready: d.meta.doc_id, now: handle.getAnnotations().meta.doc_id }));
             }).catch((e) => done('error: ' + e));",
            vec![],
        )
        .await?;
    assert_eq!(at_resolve["doc"], json!("long-first"), "{at_resolve}");
    assert_eq!(at_resolve["drawn"], json!(4000), "every paragraph is in the page: {at_resolve}");
    assert_eq!(at_resolve["laterTask"], json!(false), "a task after the render ran before mount() resolved: {at_resolve}");
    assert_eq!(at_resolve["framed"], json!(false), "a frame showed the render before mount() resolved: {at_resolve}");
    assert_eq!(at_resolve["ready"], json!("long-first"), "ready carries the first render's document: {at_resolve}");
    assert_eq!(at_resolve["now"], json!("opened-at-once"), "{at_resolve}");
    b.close().await
}

/// `ready`'s record is worked out when first read (`src/lazy_detail.rs`):
/// read late — after the annotator and the host changed the annotations —
/// it is still the record of the first render, the same, key for key and
/// in the same order, as the light record of that moment, on a text with
/// a ZWJ sequence, combining marks, CJK and Arabic; it survives
/// `structuredClone`, and reading it does not change its keys.
#[tokio::test]
async fn ready_gives_the_first_renders_record_when_read_however_late() -> Result {
    let b = host_page("ready-late").await?;
    let out = b
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const text = 'Diop 👨‍👩‍👧 met Zoë Nguyễn at 国際協力機構 and الجزيرة.';
             const cps = Array.from(text);
             const at = (s) => { const i = cps.join('').indexOf(s); return Array.from(text.slice(0, i)).length; };
             const span = (s, label) => ({ start: at(s), end: at(s) + Array.from(s).length, label });
             const annotations = { text, spans: [span('Zoë Nguyễn', 'PERSON'), span('国際協力機構', 'ORG'), span('الجزيرة', 'ORG')] };
             import('/marginalia.js').then(async (m) => {
                 const el = document.createElement('div');
                 document.body.append(el);
                 let detail = null;
                 el.addEventListener('marginalia:ready', (e) => { detail = e.detail; });
                 const h = await m.mount(el, { article: { id: 'ready-late', title: 'Late', text }, annotations });
                 while (!detail) await new Promise((r) => setTimeout(r, 10));
                 const light = h.getAnnotations();
                 delete light.tokens;
                 const keysBefore = Object.keys(detail);
                 // Changed after `ready`, before its record is read.
                 h.addSpan(at('Diop'), at('Diop') + 4, 'PERSON');
                 const clone = structuredClone(detail);
                 // Another instance's ready record, written before it is read: a plain object's behaviour.
                 const other = document.createElement('div');
                 document.body.append(other);
                 let second = null;
                 other.addEventListener('marginalia:ready', (e) => { second = e.detail; });
                 await m.mount(other, { article: { id: 'second', text: 'Second text.' } });
                 while (!second) await new Promise((r) => setTimeout(r, 10));
                 second.relations = ['written'];
                 const written = { relations: second.relations, spans: Array.isArray(second.spans), keys: Object.keys(second).join() === Object.keys(light).join() };
                 done({
                     written,
                     same: JSON.stringify(detail) === JSON.stringify(light),
                     clone: JSON.stringify(clone) === JSON.stringify(light),
                     keysBefore, keysAfter: Object.keys(detail), lightKeys: Object.keys(light),
                     spans: detail.spans.map((s) => [s.text, s.token_start, s.token_end]),
                     relations: detail.relations, now: h.getAnnotations().spans.length,
                 });
             }, (e) => done('error: ' + e));",
            vec![],
        )
        .await?;
    assert_eq!(out["same"], json!(true), "{out}");
    assert_eq!(out["clone"], json!(true), "{out}");
    assert_eq!(out["keysBefore"], out["lightKeys"], "every key of the record, no more, before any read");
    assert_eq!(out["keysAfter"], out["lightKeys"]);
    assert!(!out["keysBefore"].as_array().unwrap().contains(&json!("tokens")));
    let spans = out["spans"].as_array().unwrap();
    assert_eq!(spans.iter().map(|s| s[0].clone()).collect::<Vec<_>>(), [json!("Zoë Nguyễn"), json!("国際協力機構"), json!("الجزيرة")]);
    assert!(spans.iter().all(|s| s[1].is_u64() && s[2].as_u64() >= s[1].as_u64()), "token indices: {out}");
    assert_eq!(out["relations"], json!([]));
    assert_eq!(out["now"], json!(4), "the span added after ready is in the annotations, not in ready's record");
    assert_eq!(out["written"], json!({ "relations": ["written"], "spans": true, "keys": true }), "written before read, as on a plain object");
    b.close().await
}

/// `change`'s record, like `ready`'s, is worked out when first read: until
/// then `spans` is a getter (the burst's record is not built for a host
/// that never reads it), and read after later changes it is the record of
/// its own burst — equal, key for key, to the light record of that moment
/// — on a text with a ZWJ sequence, combining marks, CJK and Arabic.
#[tokio::test]
async fn each_change_gives_its_bursts_record_when_read_later() -> Result {
    let b = host_page("change-late").await?;
    let out = b
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const text = 'Diop 👨‍👩‍👧 met Zoë Nguyễn at 国際協力機構 and الجزيرة.';
             const at = (s) => Array.from(text.slice(0, text.indexOf(s))).length;
             const len = (s) => Array.from(s).length;
             import('/marginalia.js').then(async (m) => {
                 const el = document.createElement('div');
                 document.body.append(el);
                 const changes = [];
                 el.addEventListener('marginalia:change', (e) => changes.push(e.detail));
                 const h = await m.mount(el, { article: { id: 'change-late', title: 'Late', text } });
                 const waitFor = async (n) => { while (changes.length < n) await new Promise((r) => setTimeout(r, 10)); };
                 h.addSpan(at('Zoë Nguyễn'), at('Zoë Nguyễn') + len('Zoë Nguyễn'), 'PERSON');
                 await waitFor(1);
                 const lightFirst = h.getAnnotations();
                 delete lightFirst.tokens;
                 const getter = typeof Object.getOwnPropertyDescriptor(changes[0], 'spans').get;
                 h.addSpan(at('国際協力機構'), at('国際協力機構') + len('国際協力機構'), 'ORG');
                 h.addSpan(at('الجزيرة'), at('الجزيرة') + len('الجزيرة'), 'ORG');
                 await waitFor(2);
                 done({
                     getter, count: changes.length,
                     first: changes[0].spans.map((s) => [s.text, s.label]),
                     second: changes[1].spans.map((s) => [s.text, s.label]),
                     same: JSON.stringify(changes[0]) === JSON.stringify(lightFirst),
                     keys: Object.keys(changes[0]).join() === Object.keys(lightFirst).join(),
                 });
             }, (e) => done('error: ' + e));",
            vec![],
        )
        .await?;
    assert_eq!(out["getter"], json!("function"), "spans not worked out before a read: {out}");
    assert_eq!(out["count"], json!(2), "one change per settled burst: {out}");
    assert_eq!(out["first"], json!([["Zoë Nguyễn", "PERSON"]]), "the first burst's record, read after the second: {out}");
    assert_eq!(out["second"], json!([["Zoë Nguyễn", "PERSON"], ["国際協力機構", "ORG"], ["الجزيرة", "ORG"]]), "{out}");
    assert_eq!(out["same"], json!(true), "{out}");
    assert_eq!(out["keys"], json!(true), "{out}");
    b.close().await
}

/// An article given as HTML is read by a part fetched then
/// (`src/on_demand/html_import.rs`): `setArticle({ html })` answers with a
/// Promise and opens the page's article text (no script of the page runs),
/// while an article given as text still opens at once, returning nothing.
#[tokio::test]
async fn set_article_with_html_fetches_the_reader_then_opens_the_page() -> Result {
    let b = open_app().await?;
    let part = "return performance.getEntriesByType('resource').some((e) => e.name.includes('split_html_import'));";
    assert_eq!(b.execute(part, vec![]).await?, json!(false), "not fetched before an article comes as HTML");
    let out = b
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const m = window.marginalia;
             const html = '<html><head><title>Page</title><script>window.ran = 1</script></head><body><nav>Menu</nav>'
                 + '<article><h1>Heading</h1><p>Zoë Nguyễn met 国際協力機構 in الجزيرة 👨‍👩‍👧.</p>'
                 + '<img src=\"x\" onerror=\"window.ran = 2\"></article></body></html>';
             const answer = m.setArticle({ id: 'html-page', html });
             const promise = answer instanceof Promise;
             Promise.resolve(answer).then(() => {
                 const opened = m.getAnnotations();
                 const plain = m.setArticle({ id: 'plain', text: 'Plain text, at once.' });
                 done({ promise, doc: opened.meta.doc_id, text: opened.text, plain: plain === undefined,
                        now: m.getAnnotations().meta.doc_id, ran: window.ran === undefined ? null : window.ran });
             }, (e) => done('rejected: ' + e.message));",
            vec![],
        )
        .await?;
    assert_eq!(out["promise"], json!(true), "{out}");
    assert_eq!(out["doc"], json!("html-page"), "{out}");
    let text = out["text"].as_str().unwrap_or_default();
    assert!(text.contains("Zoë Nguyễn met 国際協力機構 in الجزيرة 👨‍👩‍👧."), "{out}");
    assert!(!text.contains("Menu"), "the page's navigation is not article text: {out}");
    assert_eq!(out["plain"], json!(true), "text opens at once: {out}");
    assert_eq!(out["now"], json!("plain"));
    assert_eq!(out["ran"], json!(null), "no script of the page ran");
    assert_eq!(b.execute(part, vec![]).await?, json!(true));
    b.close().await
}

/// `mount` with an article given as HTML fetches the page reader's part
/// before its first render, and shows the page's article text.
#[tokio::test]
async fn mount_with_an_html_article_opens_the_pages_text() -> Result {
    let b = host_page("html-mount").await?;
    let out = b
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const html = '<html><head><title>Página</title></head><body><header>Sección</header><article>'
                 + '<p>Aïssata Traoré نشرت 国際協力機構 👩🏽‍🔬.</p></article></body></html>';
             import('/marginalia.js').then(async (m) => {
                 const el = document.createElement('div');
                 document.body.append(el);
                 const h = await m.mount(el, { article: { id: 'html-mount', html } });
                 const record = h.getAnnotations();
                 done({ doc: record.meta.doc_id, text: record.text, shown: el.querySelector('.mg-article').textContent,
                        part: performance.getEntriesByType('resource').some((e) => e.name.includes('split_html_import')) });
             }, (e) => done('error: ' + e));",
            vec![],
        )
        .await?;
    assert_eq!(out["doc"], json!("html-mount"), "{out}");
    assert!(out["text"].as_str().unwrap_or_default().contains("Aïssata Traoré نشرت 国際協力機構 👩🏽‍🔬."), "{out}");
    assert!(!out["text"].as_str().unwrap_or_default().contains("Sección"), "{out}");
    assert!(out["shown"].as_str().unwrap_or_default().contains("国際協力機構"), "drawn in the first render: {out}");
    assert_eq!(out["part"], json!(true));
    b.close().await
}
