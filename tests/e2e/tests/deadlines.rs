//! Requests that never answer: every request the widget makes has a
//! deadline. Against the test stand-ins on 127.0.0.1, switched to hang
//! (held open with no answer): a save endpoint that never answers is given
//! up, retried and said so, and the work flows again once it answers; a save
//! the server applied but never answered is neither lost nor a false
//! conflict; a model, or an `?annotations=` link, that never answers leaves
//! the work as it was. The page
//! runs with `?timeout=1500` (every deadline 1.5 s) rather than the default
//! 15 s; nothing here measures time. Each test uses its own document path.

mod support;

use marginalia_e2e::{Browser, Hang, Result, Value};
use support::cms::*;
use support::*;

async fn label(b: &Browser, words: &str, key: &str) -> Result {
    let before = record(b).await?["spans"].as_array().map_or(0, Vec::len);
    let (s, e) = range_of(DEFAULT_ARTICLE, words);
    label_by_drag(b, s, e, key).await?;
    wait_span_count(b, before + 1).await
}

#[tokio::test]
async fn a_save_endpoint_that_never_answers() -> Result {
    let doc = "hang1";
    let text = DEFAULT_ARTICLE;
    let b = open_with_save(doc, "&timeout=1500").await?;
    wait_remote(&b, "saved", "Saved").await?;
    label_mali_with_keys(&b).await?;
    label(&b, "Abdallah Diop", "1").await?;
    let mut want = vec![expect_span(text, "Mali", 1, "GPE"), expect_span(text, "Abdallah Diop", 0, "PERSON")];
    wait_server_spans(doc, &want).await?;
    wait_remote(&b, "saved", "Saved").await?;

    // The endpoint stops answering: the save is given up, said so, retried.
    endpoint().hang(Some(doc), Hang::Hold);
    label(&b, "Nathalie Broadhurst", "1").await?;
    let status = wait_remote(&b, "timeout", "1 change waiting").await?;
    assert!(status.starts_with("CMS: No answer after 1.5 s — retrying"), "{status}");
    // More work meanwhile joins the retries; nothing reaches the server.
    label(&b, "Yevgeny Prigozhin", "1").await?;
    wait_remote(&b, "timeout", "2 changes waiting").await?;
    let held = puts_for(doc).iter().filter(|p| !p.answered).count();
    assert_eq!(held, 0, "a held PUT is not applied");
    assert_eq!(server_record(doc).map(|r| summarize(&r).len()), Some(2), "nothing got through while it hung");

    // It answers again: the waiting work arrives…
    endpoint().hang(Some(doc), Hang::Off);
    want.push(expect_span(text, "Nathalie Broadhurst", 0, "PERSON"));
    want.push(expect_span(text, "Yevgeny Prigozhin", 0, "PERSON"));
    wait_server_spans(doc, &want).await?;
    assert_eq!(wait_remote(&b, "saved", "Saved").await?, "CMS: Saved");
    // …and so do later changes.
    label(&b, "Kremlin", "2").await?;
    want.push(expect_span(text, "Kremlin", 0, "ORG"));
    wait_server_spans(doc, &want).await?;
    wait_remote(&b, "saved", "Saved").await?;

    // A reload shows it all, and writes nothing more.
    let writes = puts_for(doc).len();
    b.reload_app().await?;
    wait_remote(&b, "saved", "Saved").await?;
    assert_eq!(sorted(summarize(&record(&b).await?)), sorted(want));
    assert_eq!(puts_for(doc).len(), writes, "a reload with everything saved writes nothing");
    let revisions: Vec<u64> =
        puts_for(doc).iter().filter(|p| (200..300).contains(&p.status)).map(|p| p.revision.unwrap()).collect();
    assert!(revisions.windows(2).all(|w| w[0] < w[1]), "revisions written {revisions:?}: one was written twice");
    b.close().await
}

/// The server applies a save but its answer is lost: the retry, against the
/// old ETag, meets a 412 — the page checks the server's copy, finds its own
/// write, and goes on without a conflict.
#[tokio::test]
async fn a_save_applied_without_an_answer_is_neither_lost_nor_a_conflict() -> Result {
    let doc = "hang2";
    let text = DEFAULT_ARTICLE;
    let b = open_with_save(doc, "&timeout=1500").await?;
    wait_remote(&b, "saved", "Saved").await?;
    label_mali_with_keys(&b).await?;
    let mut want = vec![expect_span(text, "Mali", 1, "GPE")];
    wait_server_spans(doc, &want).await?;
    wait_remote(&b, "saved", "Saved").await?;

    endpoint().hang(Some(doc), Hang::Apply);
    label(&b, "Kremlin", "2").await?;
    want.push(expect_span(text, "Kremlin", 0, "ORG"));
    wait_server_spans(doc, &want).await?;
    wait_remote(&b, "timeout", "No answer after 1.5 s").await?;
    let lost = puts_for(doc).into_iter().filter(|p| !p.answered).count();
    assert!(lost >= 1, "the server applied a PUT it never answered");
    label(&b, "Abdallah Diop", "1").await?;
    want.push(expect_span(text, "Abdallah Diop", 0, "PERSON"));

    endpoint().hang(Some(doc), Hang::Off);
    wait_server_spans(doc, &want).await?;
    wait_remote(&b, "saved", "Saved").await?;
    assert!(
        puts_for(doc).iter().any(|p| p.answered && p.status == 412),
        "the retry met the 412 its own unanswered write caused"
    );
    assert_eq!(b.count("#mg-conflict").await?, 0, "our own write is no conflict");
    b.reload_app().await?;
    wait_remote(&b, "saved", "Saved").await?;
    assert_eq!(sorted(summarize(&record(&b).await?)), sorted(want));
    b.close().await
}

/// As above, but someone else saved before the endpoint answered again: the
/// 412 is a real conflict, shown as one, and "Keep mine" loses nothing.
#[tokio::test]
async fn a_conflict_after_an_unanswered_save_keeps_the_work() -> Result {
    let doc = "hang3";
    let text = DEFAULT_ARTICLE;
    let b = open_with_save(doc, "&timeout=1500").await?;
    wait_remote(&b, "saved", "Saved").await?;
    label(&b, "Abdallah Diop", "1").await?;
    let diop = expect_span(text, "Abdallah Diop", 0, "PERSON");
    wait_server_spans(doc, std::slice::from_ref(&diop)).await?;
    wait_remote(&b, "saved", "Saved").await?;

    endpoint().hang(Some(doc), Hang::Apply);
    label(&b, "Kremlin", "2").await?;
    let kremlin = expect_span(text, "Kremlin", 0, "ORG");
    wait_server_spans(doc, &[diop.clone(), kremlin.clone()]).await?;
    wait_remote(&b, "timeout", "No answer after 1.5 s").await?;
    // Another writer replaces it with a copy without spans.
    let mut theirs = server_record(doc).unwrap();
    theirs["spans"] = Value::Array(Vec::new());
    endpoint().replace(doc, &theirs.to_string());
    endpoint().hang(Some(doc), Hang::Off);

    assert_eq!(wait_remote(&b, "conflict", "").await?, "CMS: Conflict: someone else saved this document");
    b.wait_for("#mg-conflict #mg-keep-mine").await?;
    assert_eq!(server_record(doc).map(|r| summarize(&r).len()), Some(0), "nothing overwrote theirs unasked");
    b.click("#mg-keep-mine").await?;
    wait_server_spans(doc, &[diop, kremlin]).await?;
    wait_remote(&b, "saved", "Saved").await?;
    b.close().await
}

/// A model that never answers: the page says so and the work is unchanged;
/// once the model answers, asking again works.
#[tokio::test]
async fn a_suggestion_endpoint_that_never_answers() -> Result {
    let b = Browser::new().await?;
    b.goto_app_path("?suggest=/api/suggest&timeout=1500").await?;
    b.wait_for_app().await?;
    label_mali_with_keys(&b).await?;
    let before = record(&b).await?;
    let hang = |mode: &str| {
        format!(
            "const done = arguments[arguments.length - 1];
             fetch('/api/suggest/__hang?mode={mode}', {{ method: 'POST' }}).then(r => done(r.status), e => done(String(e)));"
        )
    };
    assert_eq!(b.execute_async(&hang("hold"), vec![]).await?, Value::from(200));

    b.click("#mg-ask-model").await?;
    let message = wait_notice(&b, "error").await?;
    assert!(message.contains("did not answer within 1.5 s"), "{message}");
    assert!(message.contains("your work is unchanged"), "{message}");
    assert_eq!(b.count("#mg-article .mg-suggestion-tag").await?, 0);
    assert_eq!(record(&b).await?["spans"], before["spans"], "the work is as it was");
    // Still working: a label by the mouse after the failure.
    dismiss_notice(&b).await?;
    label(&b, "Abdallah Diop", "1").await?;

    assert_eq!(b.execute_async(&hang("off"), vec![]).await?, Value::from(200));
    b.click("#mg-ask-model").await?;
    b.wait_until("return document.querySelectorAll('#mg-article .mg-suggestion-tag').length > 0;", WAIT).await?;
    b.close().await
}

/// An "annotate this" link whose annotations never come: the page opens
/// after the deadline, says why, and the work kept in this browser is there.
#[tokio::test]
async fn a_link_whose_annotations_never_come() -> Result {
    let doc = "hang4";
    let b = Browser::new().await?;
    b.goto_app().await?;
    label_mali_with_keys(&b).await?;
    let before = record(&b).await?;
    endpoint().hang(Some(doc), Hang::Hold);
    b.goto_app_path(&format!("?annotations=/api/annotations/{doc}&timeout=1500")).await?;
    b.wait_for_app().await?;
    let message = wait_notice(&b, "error").await?;
    assert!(message.contains("The annotations were not used"), "{message}");
    assert!(message.contains(&format!("/api/annotations/{doc} did not answer within 1.5 s")), "{message}");
    wait_span_count(&b, 1).await?;
    assert_eq!(record(&b).await?["spans"], before["spans"], "the work is as it was");
    endpoint().hang(Some(doc), Hang::Off);
    b.close().await
}
