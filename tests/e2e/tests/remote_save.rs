//! Saving to the CMS, against the CMS stand-in on 127.0.0.1 (the same
//! origin as the app, `Server::save_endpoint`): the work labelled with the
//! mouse and the keys reaches the server; 500s are retried with the status
//! saying so; a reload while the endpoint is down loses nothing; no revision
//! is written twice; a 412 conflict shows its two choices and each does what
//! it says. Each test uses its own document path.

mod support;

use marginalia_e2e::{PutLog, Result, Value};
use support::cms::*;
use support::*;

/// Every span's text is the article's code points `[start, end)`.
fn assert_code_points(record: &Value) {
    let text: Vec<char> = record["text"].as_str().expect("the record has its text").chars().collect();
    for (start, end, label, quoted) in summarize(record) {
        let under: String = text[start as usize..end as usize].iter().collect();
        assert_eq!(under, quoted, "span {label} at {start}..{end} (code points)");
    }
}

fn writes(doc: &str) -> Vec<PutLog> {
    puts_for(doc).into_iter().filter(|p| (200..300).contains(&p.status)).collect()
}

/// One writer: no revision was written twice (nor out of order).
fn assert_each_revision_written_once(doc: &str) {
    let revisions: Vec<u64> = writes(doc).iter().map(|p| p.revision.expect("the app sends its revision")).collect();
    assert!(
        revisions.windows(2).all(|w| w[0] < w[1]),
        "revisions written {revisions:?}: one was written twice or went back"
    );
}

/// No two writes held the same spans.
fn assert_no_duplicate_writes(doc: &str) {
    let written = writes(doc);
    let contents: Vec<Vec<SpanSummary>> =
        written.iter().map(|p| summarize(&serde_json::from_str(&p.body).unwrap())).collect();
    for (i, c) in contents.iter().enumerate() {
        assert!(!contents[..i].contains(c), "write {i} repeats an earlier one: {c:?}");
    }
}

#[tokio::test]
async fn work_reaches_the_cms_through_failures_and_a_reload() -> Result {
    let doc = "doc1";
    let text = DEFAULT_ARTICLE;
    let b = open_with_save(doc, "").await?;
    wait_remote(&b, "saved", "").await?;

    // The keys (first, so the caret starts at the top), then the mouse.
    label_mali_with_keys(&b).await?;
    let (s, e) = range_of(text, "Abdallah Diop");
    label_by_drag(&b, s, e, "1").await?;
    let mut want = vec![expect_span(text, "Mali", 1, "GPE"), expect_span(text, "Abdallah Diop", 0, "PERSON")];
    wait_server_spans(doc, &want).await?;
    assert_eq!(wait_remote(&b, "saved", "").await?, "CMS: Saved");
    assert_code_points(&server_record(doc).unwrap());

    // Three 500s: the status says it retries, then the work gets through.
    endpoint().fail_next(Some(doc), 500, 3);
    let (s, e) = range_of(text, "Nathalie Broadhurst");
    label_by_drag(&b, s, e, "1").await?;
    let failing = wait_remote(&b, "failed", "").await?;
    assert!(failing.contains("Save failed (HTTP 500) — retrying"), "{failing}");
    assert!(failing.contains("1 change waiting"), "{failing}");
    want.push(expect_span(text, "Nathalie Broadhurst", 0, "PERSON"));
    wait_server_spans(doc, &want).await?;
    wait_remote(&b, "saved", "").await?;
    let statuses: Vec<u16> = puts_for(doc).iter().map(|p| p.status).collect();
    assert!(statuses.ends_with(&[500, 500, 500, 204]), "PUT answers {statuses:?}");

    // Down until told otherwise, and a reload meanwhile: nothing is lost.
    endpoint().fail_next(Some(doc), 500, u32::MAX);
    let (s, e) = range_of(text, "Yevgeny Prigozhin");
    label_by_drag(&b, s, e, "1").await?;
    wait_remote(&b, "failed", "").await?;
    b.reload_app().await?;
    wait_span_count(&b, 4).await?;
    let after_reload = wait_remote(&b, "failed", "").await?;
    assert!(after_reload.contains("1 change waiting"), "the waiting change survives the reload: {after_reload}");
    assert_eq!(server_record(doc).map(|r| summarize(&r).len()), Some(3), "nothing got through while down");
    endpoint().fail_next(Some(doc), 500, 0);
    want.push(expect_span(text, "Yevgeny Prigozhin", 0, "PERSON"));
    wait_server_spans(doc, &want).await?;
    wait_remote(&b, "saved", "").await?;
    assert_code_points(&server_record(doc).unwrap());
    assert_eq!(sorted(summarize(&record(&b).await?)), sorted(want));

    // Saved means no more writes: nothing acknowledged is sent again.
    let writes = puts_for(doc).len();
    b.reload_app().await?;
    wait_remote(&b, "saved", "").await?;
    assert_eq!(puts_for(doc).len(), writes, "a reload with everything saved writes nothing");
    assert_each_revision_written_once(doc);
    assert_no_duplicate_writes(doc);
    b.close().await
}

#[tokio::test]
async fn a_conflict_shows_both_choices_and_each_does_what_it_says() -> Result {
    let doc = "doc2";
    let text = DEFAULT_ARTICLE;
    let mine = open_with_save(doc, "").await?;
    wait_remote(&mine, "saved", "").await?;
    let (s, e) = range_of(text, "Abdallah Diop");
    label_by_drag(&mine, s, e, "1").await?;
    let diop = expect_span(text, "Abdallah Diop", 0, "PERSON");
    wait_server_spans(doc, std::slice::from_ref(&diop)).await?;

    // Another annotator opens the document (the server's copy is adopted)
    // and saves first.
    let other = open_with_save(doc, "").await?;
    wait_span_count(&other, 1).await?;
    wait_remote(&other, "saved", "").await?;
    let (s, e) = range_of(text, "Kremlin");
    label_by_drag(&other, s, e, "2").await?;
    let kremlin = expect_span(text, "Kremlin", 0, "ORG");
    let theirs = vec![diop.clone(), kremlin.clone()];
    wait_server_spans(doc, &theirs).await?;

    // Ours now meets a 412: shown with its two choices; nothing is sent.
    let (s, e) = range_of(text, "Nathalie Broadhurst");
    label_by_drag(&mine, s, e, "1").await?;
    let nathalie = expect_span(text, "Nathalie Broadhurst", 0, "PERSON");
    assert_eq!(wait_remote(&mine, "conflict", "").await?, "CMS: Conflict: someone else saved this document");
    mine.wait_for("#mg-conflict #mg-keep-mine").await?;
    mine.wait_for("#mg-conflict #mg-load-theirs").await?;
    assert!(puts_for(doc).iter().any(|p| p.status == 412), "the server refused a stale write");
    wait_server_spans(doc, &theirs).await?;

    // "Keep mine": the server gets ours, over theirs.
    mine.click("#mg-keep-mine").await?;
    let ours = sorted(vec![diop.clone(), nathalie.clone()]);
    wait_server_spans(doc, &ours).await?;
    wait_remote(&mine, "saved", "").await?;
    mine.wait_for_gone("#mg-conflict").await?;

    // The other annotator is now behind: their next change conflicts.
    // "Load theirs" downloads their version first, then opens the server's.
    let (s, e) = range_of(text, "Yevgeny Prigozhin");
    label_by_drag(&other, s, e, "1").await?;
    wait_remote(&other, "conflict", "").await?;
    let writes = puts_for(doc).len();
    other.click("#mg-load-theirs").await?;
    let kept = other.downloaded_file("*.mine.marginalia.json", WAIT).await?;
    let other_work = vec![diop.clone(), kremlin, expect_span(text, "Yevgeny Prigozhin", 0, "PERSON")];
    assert_eq!(sorted(summarize(&kept.json()?)), sorted(other_work), "the file keeps the other annotator's version");
    other.wait_until("return window.marginalia.getAnnotations().spans.length === 2;", SYNC_WAIT).await?;
    assert_eq!(sorted(summarize(&record(&other).await?)), ours, "the server's copy is open");
    wait_remote(&other, "saved", "").await?;
    other.wait_for_gone("#mg-conflict").await?;
    assert_eq!(puts_for(doc).len(), writes, "loading theirs writes nothing");
    wait_server_spans(doc, &ours).await?;
    assert_no_duplicate_writes(doc);
    other.close().await?;
    mine.close().await
}
