//! The editor's pages against the real server (in-process, SQLite in a
//! temporary directory, the built widget from dist/): the first account
//! made in the browser, a project, a file chosen for import, an invitation
//! link used in a second browser, saves by two annotators, the project
//! page's progress and notes, the review with both saves, the gold version
//! saved and read back, an export, and an annotator kept out. Each page is
//! axe-clean and its controls are named and reachable by keyboard.

use marginalia_e2e::{dist_dir, json, Browser, Result, Value};
use std::net::SocketAddr;
use std::time::Duration;

const TEXT: &str = "Ana 👩‍💻 met Bob in 東京 and مرحبا.";

/// Starts the server on a fresh SQLite file; answers its base URL.
fn start_server() -> String {
    let dir = std::env::temp_dir().join(format!("mg-team-e2e-{}-{}", std::process::id(), std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = marginalia_server::db::sqlite_url(&dir.join("team.db"));
    let (tx, rx) = std::sync::mpsc::channel::<SocketAddr>();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        runtime.block_on(async move {
            let settings = marginalia_server::Settings { static_dir: Some(dist_dir()), ..Default::default() };
            marginalia_server::serve(&url, "127.0.0.1:0".parse().unwrap(), settings, move |addr| {
                let _ = tx.send(addr);
            })
            .await
            .expect("the server runs");
        });
    });
    let addr = rx.recv_timeout(Duration::from_secs(60)).expect("the server started");
    format!("http://{addr}")
}

/// A JSON API call from the page, with its CSRF token: `{status, body}`.
async fn call(b: &Browser, method: &str, path: &str, body: Value, headers: Value) -> Result<Value> {
    b.execute_async(
        "const [method, path, body, headers, done] = arguments;
         const csrf = (document.cookie.split('; ').find(c => c.startsWith('mg_csrf=')) || '').slice(8);
         const init = { method, credentials: 'same-origin', headers: { 'X-CSRF-Token': decodeURIComponent(csrf), 'Content-Type': 'application/json', ...headers } };
         if (body !== null) init.body = typeof body === 'string' ? body : JSON.stringify(body);
         fetch(path, init).then(async r => done({ status: r.status, body: await r.text() })).catch(e => done({ status: 0, body: String(e) }));",
        vec![json!(method), json!(path), body, headers],
    )
    .await
}

fn record(spans: &[(&str, &str)]) -> String {
    let spans: Vec<Value> = spans
        .iter()
        .map(|(needle, label)| {
            let start = TEXT[..TEXT.find(needle).unwrap()].chars().count();
            json!({ "start": start, "end": start + needle.chars().count(), "label": label })
        })
        .collect();
    json!({ "text": TEXT, "spans": spans, "format_version": 1 }).to_string()
}

/// Takes the next document, saves `spans` and sets `state` with `note`.
async fn annotate(b: &Browser, spans: &[(&str, &str)], state: &str, note: &str) -> Result {
    let next = call(b, "POST", "/api/projects/news/queue/next", json!({}), json!({})).await?;
    let next: Value = serde_json::from_str(next["body"].as_str().unwrap())?;
    let id = next["document"]["id"].as_i64().expect("a document for this annotator");
    let save = next["document"]["save"].as_str().unwrap().to_string();
    let put = call(b, "PUT", &save, json!(record(spans)), json!({ "If-None-Match": "*" })).await?;
    assert_eq!(put["status"], 201, "{put}");
    let status = call(b, "POST", &format!("/api/projects/news/documents/{id}/status"), json!({ "state": state, "note": note }), json!({})).await?;
    assert!(status["status"].as_i64().unwrap() < 300, "{status}");
    Ok(())
}

async fn assert_axe_clean(b: &Browser, screen: &str) -> Result {
    let report = b.run_axe().await?;
    assert!(report.is_clean(), "{screen}:\n{report}");
    Ok(())
}

/// Every focusable control of the page has a name, and Tab reaches it.
async fn assert_keyboard_reachable(b: &Browser, screen: &str) -> Result {
    let unnamed = b
        .execute(
            "return [...document.querySelectorAll('a[href], button, input, select, textarea')]
               .filter(e => !e.closest('[hidden]') && !e.closest('#mg-review-widget'))
               .filter(e => { const l = e.labels && e.labels.length ? e.labels[0].textContent : ''; return !(e.getAttribute('aria-label') || l || e.textContent).trim(); })
               .map(e => e.outerHTML);",
            vec![],
        )
        .await?;
    assert_eq!(unnamed, json!([]), "{screen}: controls without a name");
    let unreachable = b
        .execute("return [...document.querySelectorAll('a[href], button, input, select')].filter(e => !e.closest('[hidden]') && !e.closest('#mg-review-widget') && e.tabIndex < 0).map(e => e.outerHTML);", vec![])
        .await?;
    assert_eq!(unreachable, json!([]), "{screen}: controls out of the tab order");
    Ok(())
}

/// Presses Tab until the element `#id` has focus; how many presses it took.
async fn tab_to(b: &Browser, id: &str, max: usize) -> Result<usize> {
    for n in 1..=max {
        b.press("Tab").await?;
        if b.execute("return document.activeElement && document.activeElement.id;", vec![]).await? == json!(id) {
            return Ok(n);
        }
    }
    Err(format!("#{id} did not get focus after {max} Tab presses").into())
}

#[tokio::test]
async fn an_editor_imports_invites_follows_progress_reviews_and_exports() -> Result {
    let base = start_server();
    let editor = Browser::new().await?;

    // The first account, made in the page.
    editor.goto(&format!("{base}/team/")).await?;
    editor.wait_for("#mg-team-signin:not([hidden])").await?;
    editor.send_keys("#mg-team-name", "editor").await?;
    editor.send_keys("#mg-team-password", "editor-password").await?;
    editor.click("#mg-team-signin-submit").await?;
    editor.wait_for("#mg-team-projects:not([hidden])").await?;
    let made = call(&editor, "POST", "/api/projects", json!({ "slug": "news", "name": "News desk", "overlap": 2 }), json!({})).await?;
    assert_eq!(made["status"], 201, "{made}");

    // The project page: import a chosen file.
    editor.goto(&format!("{base}/team/p/news")).await?;
    editor.wait_for("#mg-project:not([hidden])").await?;
    let file = std::env::temp_dir().join(format!("mg-team-{}-article.txt", std::process::id()));
    std::fs::write(&file, TEXT)?;
    editor.upload_file("#mg-import-files", &file).await?;
    editor.wait_until("return document.getElementById('mg-team-message').textContent.includes('Imported 1');", Duration::from_secs(10)).await?;
    editor.wait_for("#mg-documents tr[data-document]").await?;
    // Dropping files: a JSONL file and an HTML file, as a drag from the desktop delivers them.
    const DROP: &str = "const [name, text] = arguments; const data = new DataTransfer();
         data.items.add(new File([text], name));
         document.getElementById('mg-drop').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));";
    // A news page is reduced to its article on the server; its script never runs anywhere.
    let page = "<html><head><title>Site</title><script>window.__ran = 1</script></head><body><nav>Menu</nav>\
        <article><h1>Talks in Bamako</h1><p onclick=\"window.__ran = 2\">Tiémoko Cissé said 👩‍💻.</p></article></body></html>";
    editor.execute(DROP, vec![json!("page.html"), json!(page)]).await?;
    editor.wait_until("return document.querySelectorAll('#mg-documents tr[data-document]').length === 2;", Duration::from_secs(10)).await?;
    assert!(editor.text_of("#mg-documents").await?.contains("Talks in Bamako"), "the page's title names the document");
    editor.execute(DROP, vec![json!("more.jsonl"), json!("{\"text\": \"Second: Café Bamako.\", \"meta\": {\"id\": \"second\"}}\n")]).await?;
    editor.wait_until("return document.querySelectorAll('#mg-documents tr[data-document]').length === 3;", Duration::from_secs(10)).await?;
    assert!(editor.text_of("#mg-team-message").await?.contains("Imported 1"));
    assert_eq!(editor.execute("return window.__ran === undefined;", vec![]).await?, json!(true), "nothing of the page ran");
    assert_axe_clean(&editor, "project page").await?;
    assert_keyboard_reachable(&editor, "project page").await?;

    // An invitation link, used in a second browser.
    // By keyboard: Tab reaches the file chooser, the role and the button; Enter makes the link.
    editor.execute("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);", vec![]).await?;
    tab_to(&editor, "mg-import-files", 40).await?;
    tab_to(&editor, "mg-invite-role", 20).await?;
    tab_to(&editor, "mg-invite-submit", 5).await?;
    editor.press("Enter").await?;
    editor.wait_until("return document.getElementById('mg-invite-link').value.includes('/team/join/');", Duration::from_secs(10)).await?;
    let link = editor.execute("return document.getElementById('mg-invite-link').value;", vec![]).await?;
    let ana = Browser::new().await?;
    ana.goto(link.as_str().unwrap()).await?;
    ana.wait_for("#mg-join-new:not([hidden])").await?;
    assert_axe_clean(&ana, "join page").await?;
    ana.send_keys("#mg-join-name", "ana").await?;
    ana.send_keys("#mg-join-password", "ana-password").await?;
    ana.click("#mg-join-new button[type=submit]").await?;
    ana.wait_for("#mg-team-projects:not([hidden])").await?;
    let projects = ana.text_of("#mg-team-project-list").await?;
    assert!(projects.contains("News desk") && projects.contains("annotator"), "{projects}");
    // The link works once.
    let again = call(&ana, "POST", &format!("/api/invitations/{}/accept", link.as_str().unwrap().rsplit('/').next().unwrap()), json!({}), json!({})).await?;
    assert_eq!(again["status"], 410, "{again}");

    // An admin changes a role in place.
    editor.goto(&format!("{base}/team/p/news")).await?;
    editor.wait_for("select[aria-label='Role of ana']").await?;
    const SET_ROLE: &str = "const s = document.querySelector(\"select[aria-label='Role of ana']\"); s.value = arguments[0]; s.dispatchEvent(new Event('change'));";
    editor.execute(SET_ROLE, vec![json!("reviewer")]).await?;
    editor.wait_until("return document.getElementById('mg-team-message').textContent.includes('ana is now reviewer');", Duration::from_secs(10)).await?;
    let members = call(&editor, "GET", "/api/projects/news/members", Value::Null, json!({})).await?;
    assert!(members["body"].as_str().unwrap().contains("\"name\":\"ana\",\"role\":\"reviewer\""), "{members}");
    editor.execute(SET_ROLE, vec![json!("annotator")]).await?;
    editor.wait_until("return document.getElementById('mg-team-message').textContent.includes('ana is now annotator');", Duration::from_secs(10)).await?;

    // Both annotate the document (overlap 2): ana is done, the editor flags it.
    annotate(&ana, &[("Ana", "PERSON"), ("東京", "GPE")], "done", "").await?;
    annotate(&editor, &[("Ana", "PERSON"), ("東京", "LOC")], "flagged", "東京: city or region?").await?;

    // An annotator is kept out of the editor's page.
    ana.goto(&format!("{base}/team/p/news")).await?;
    ana.wait_until("return document.getElementById('mg-team-message').textContent.includes('not allowed');", Duration::from_secs(10)).await?;
    assert!(ana.find("#mg-project[hidden]").await.is_ok(), "the project's data stays hidden");

    // Progress and the note back to the editor.
    editor.goto(&format!("{base}/team/p/news")).await?;
    editor.wait_for("#mg-annotators tbody tr th").await?;
    let rows = editor.texts_of("#mg-annotators tbody tr").await?;
    assert!(rows.iter().any(|r| r.split_whitespace().take(5).collect::<Vec<_>>() == ["ana", "1", "0", "0", "0"]), "{rows:?}");
    assert!(rows.iter().any(|r| r.split_whitespace().take(5).collect::<Vec<_>>() == ["editor", "0", "0", "1", "0"]), "{rows:?}");
    let back = editor.text_of("#mg-back").await?;
    assert!(back.contains("flagged by editor") && back.contains("東京: city or region?"), "{back}");
    let holders = editor.text_of("#mg-documents tbody").await?;
    assert!(holders.contains("ana: done") && holders.contains("editor: flagged"), "{holders}");
    let agreement = editor.texts_of("#mg-agreement tbody tr").await?;
    // ana is the reference: PERSON agrees, 東京 is GPE for her and LOC for the editor.
    assert!(agreement.iter().any(|r| r.contains("ana ↔ editor") && r.contains("PERSON") && r.contains("100 %")), "{agreement:?}");
    assert!(agreement.iter().any(|r| r.contains("GPE") && r.contains("1 / 0")), "{agreement:?}");
    assert_axe_clean(&editor, "project page with progress").await?;

    // One click to the review, with both saves.
    editor.click("#mg-documents tbody a").await?;
    editor.wait_for(".mg-adjudication").await?;
    let who = editor.text_of("#mg-review-who").await?;
    assert!(who.contains("ana") && who.contains("editor"), "{who}");
    // Decide the one difference (東京's label): ana's.
    editor
        .execute(
            "const li = [...document.querySelectorAll('.mg-item-review')].find(li => li.querySelector('p').textContent.includes('東京'));
             [...li.querySelectorAll('button')].find(b => b.textContent === \"Accept ana's\").click();",
            vec![],
        )
        .await?;
    editor.click("#mg-review-save").await?;
    editor.wait_until("return document.getElementById('mg-team-message').textContent.includes('Gold version saved');", Duration::from_secs(10)).await?;
    assert_axe_clean(&editor, "review page").await?;
    assert_keyboard_reachable(&editor, "review page").await?;
    let documents = call(&editor, "GET", "/api/projects/news/documents", Value::Null, json!({})).await?;
    let id = serde_json::from_str::<Value>(documents["body"].as_str().unwrap())?["documents"][0]["id"].as_i64().unwrap();
    let gold = call(&editor, "GET", &format!("/api/projects/news/documents/{id}/gold"), Value::Null, json!({})).await?;
    assert_eq!(gold["status"], 200, "{gold}");
    let gold: Value = serde_json::from_str(gold["body"].as_str().unwrap())?;
    let chars: Vec<char> = TEXT.chars().collect();
    let mut labelled: Vec<String> = gold["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{}:{}", chars[s["start"].as_u64().unwrap() as usize..s["end"].as_u64().unwrap() as usize].iter().collect::<String>(), s["label"].as_str().unwrap()))
        .collect();
    labelled.sort();
    assert_eq!(labelled, ["Ana:PERSON", "東京:GPE"]);

    // A gold version saved meanwhile elsewhere: this page's next save is refused, and says so.
    let stale = call(&editor, "PUT", &format!("/api/projects/news/documents/{id}/gold"), json!(record(&[])), json!({ "If-None-Match": "*" })).await?;
    assert_eq!(stale["status"], 412, "{stale}");
    let other = call(&editor, "PUT", &format!("/api/projects/news/documents/{id}/gold"), json!(record(&[("Ana", "PERSON"), ("東京", "LOC")])), json!({ "If-Match": "\"r1\"" })).await?;
    assert_eq!(other["status"], 200, "{other}");
    editor.click("#mg-review-save").await?;
    editor.wait_until("return document.getElementById('mg-team-message').textContent.includes('Someone saved another gold version');", Duration::from_secs(10)).await?;
    let gold_labels = |body: &Value| -> Vec<String> {
        let gold: Value = serde_json::from_str(body.as_str().unwrap()).unwrap();
        let mut labels: Vec<String> = gold["spans"].as_array().unwrap().iter().map(|s| s["label"].as_str().unwrap().to_string()).collect();
        labels.sort_unstable();
        labels
    };
    let kept = call(&editor, "GET", &format!("/api/projects/news/documents/{id}/gold"), Value::Null, json!({})).await?;
    assert_eq!(gold_labels(&kept["body"]), ["LOC", "PERSON"], "nothing overwritten");

    // Reopened, the review goes on from that gold version: its LOC stands (ana's GPE is listed), and saving keeps it.
    editor.reload().await?;
    editor.wait_for(".mg-adjudication").await?;
    editor.wait_until("return document.getElementById('mg-team-message').textContent.includes('goes on from the gold version saved before');", Duration::from_secs(10)).await?;
    editor.click("#mg-review-save").await?;
    editor.wait_until("return document.getElementById('mg-team-message').textContent.includes('Gold version saved (\"r3\")');", Duration::from_secs(10)).await?;
    let again = call(&editor, "GET", &format!("/api/projects/news/documents/{id}/gold"), Value::Null, json!({})).await?;
    assert_eq!(gold_labels(&again["body"]), ["LOC", "PERSON"], "the earlier decision stands");

    // Every revision kept: the editor saves again; the history compares the two and restores the first.
    let second = call(&editor, "PUT", &format!("/api/projects/news/documents/{id}/save"), json!(record(&[("Ana", "PERSON")])), json!({ "If-Match": "\"r1\"" })).await?;
    assert_eq!(second["status"], 200, "{second}");
    editor.reload().await?;
    editor.wait_until("return document.querySelectorAll('#mg-history tbody tr').length === 3;", Duration::from_secs(10)).await?;
    editor.click("button[aria-label=\"Compare with the one before: editor's revision 2 against 1\"]").await?;
    editor.wait_until("return document.getElementById('mg-history-compare').textContent.includes('removed “東京” LOC');", Duration::from_secs(10)).await?;
    editor.click("button[aria-label=\"Restore editor's revision 1\"]").await?;
    editor.wait_until("return document.getElementById('mg-team-message').textContent.includes('restored as revision 3');", Duration::from_secs(10)).await?;
    editor.wait_until("return document.querySelectorAll('#mg-history tbody tr').length === 4;", Duration::from_secs(10)).await?;
    let restored = call(&editor, "GET", &format!("/api/projects/news/documents/{id}/save"), Value::Null, json!({})).await?;
    assert_eq!(gold_labels(&restored["body"]), ["LOC", "PERSON"], "revision 1's spans are the newest again");
    assert_axe_clean(&editor, "review page with its history").await?;

    // The export links: the gold spaCy JSONL.
    editor.goto(&format!("{base}/team/p/news")).await?;
    editor.wait_for("#mg-export a").await?;
    let href = editor.execute("return [...document.querySelectorAll('#mg-export a')].find(a => a.textContent === 'Export spacy').getAttribute('href');", vec![]).await?;
    let export = call(&editor, "GET", href.as_str().unwrap(), Value::Null, json!({})).await?;
    assert_eq!(export["status"], 200, "{export}");
    let lines: Vec<Value> = export["body"].as_str().unwrap().lines().map(serde_json::from_str).collect::<std::result::Result<_, _>>()?;
    let first = lines.iter().find(|l| l["text"] == TEXT).expect("the first document");
    assert_eq!(first["spans"].as_array().unwrap().len(), 2, "the latest gold: {first}");
    assert_eq!(lines.len(), 1, "the second document has no save: {lines:?}");

    // A signed-in person joins another project with one button.
    call(&editor, "POST", "/api/projects", json!({ "slug": "desk", "name": "Second desk", "overlap": 1 }), json!({})).await?;
    let invitation = call(&editor, "POST", "/api/projects/desk/invitations", json!({ "role": "reviewer" }), json!({})).await?;
    let path = serde_json::from_str::<Value>(invitation["body"].as_str().unwrap())?["path"].as_str().unwrap().to_string();
    ana.goto(&format!("{base}{path}")).await?;
    ana.wait_for("#mg-join-signed-in:not([hidden])").await?;
    assert_eq!(ana.text_of("#mg-join-as-me").await?, "Join as ana");
    assert_axe_clean(&ana, "join page, signed in").await?;
    ana.click("#mg-join-as-me").await?;
    ana.wait_until("return document.getElementById('mg-team-project-list') && document.getElementById('mg-team-project-list').textContent.includes('Second desk');", Duration::from_secs(10)).await?;

    ana.close().await?;
    editor.close().await?;
    Ok(())
}
