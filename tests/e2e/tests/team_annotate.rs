//! The team server's annotate page in headless Chromium, used as people
//! use it: two annotators of a project with overlap 2 sign in with the
//! form, get the same article from the queue, label it with the mouse and
//! the keys, mark it done with the widget's own Document status (which
//! brings the next document), and reload. The server holds both saves,
//! each with its annotator's spans in code points, and the queue's state.
//! The guidelines are shown as text (a `<script>` in them stays text), and
//! axe finds nothing serious on the page.

mod support;
#[path = "support/team.rs"]
mod team;

use marginalia_e2e::{Browser, Result, Value};
use support::*;
use team::*;

const FIRST: &str = "Abdallah Diop met officials from 東京 and مرحبا in Bamako.\n\nThe talks 👩‍💻 went on.";
const SECOND: &str = "Wagner forces left Mali in June.";

/// Drags over `needle` in the mounted widget and presses `key`; waits for the tag.
async fn label(b: &Browser, text: &str, needle: &str, key: &str) -> Result {
    let before = b.count(".mg-article .mg-tag").await?;
    let (start, end) = range_of(text, needle);
    b.drag_select_in(".mg-article", &[], start, end).await?;
    b.wait_for(".mg-article .mg-run.mg-pending").await?;
    b.press(key).await?;
    b.wait_until(&format!("return document.querySelectorAll('.mg-article .mg-tag').length === {};", before + 1), WAIT).await?;
    Ok(())
}

/// Sets the widget's Document status, as a person choosing it in the list.
async fn mark(b: &Browser, state: &str) -> Result {
    b.find(".mg-status-form select").await?.select_by_value(state).await?;
    Ok(())
}

async fn annotate_first(b: &Browser, team: &Team, name: &str, key: &str) -> Result {
    sign_in(b, team, name).await?;
    b.click("a[href='/team/p/news/annotate']").await?;
    b.wait_for(".mg-article .mg-par").await?;
    ensure!(b.text_of("#mg-team-doc-title").await? == "Document 1", "{name} should get the first document");
    label(b, FIRST, "Abdallah Diop", key).await?;
    label(b, FIRST, "東京", "3").await?;
    mark(b, "done").await?;
    // Saved as done: the next document opens.
    b.wait_until("return document.getElementById('mg-team-doc-title').textContent === 'Document 2';", WAIT).await?;
    b.wait_until("return document.getElementById('mg-team-progress').textContent.startsWith('1 of 2 done');", WAIT).await?;
    Ok(())
}

#[tokio::test]
async fn two_annotators_with_overlap_two_annotate_the_same_article_and_the_queue_moves_on() -> Result {
    let team = start().await?;
    team.project("news", 2, &[FIRST, SECOND]).await?;
    team.member("news", "ann", "annotator").await?;
    team.member("news", "bob", "annotator").await?;

    let ann = Browser::new().await?;
    annotate_first(&ann, &team, "ann", "1").await?;
    // Guidelines: a button that opens them, Markdown as text.
    ann.click("#mg-team-guidelines-toggle").await?;
    ensure!(ann.attr("#mg-team-guidelines-toggle", "aria-expanded").await?.as_deref() == Some("true"), "the toggle says it is open");
    ensure!(ann.text_of("#mg-team-guidelines-body strong").await? == "every", "emphasis is rendered");
    ensure!(ann.count("#mg-team-guidelines-body script").await? == 0, "a script in the guidelines stays text");
    ensure!(ann.text_of("#mg-team-guidelines-body").await?.contains("<script>alert(1)</script> is text"), "shown as text");
    let report = ann.run_axe().await?;
    ensure!(report.is_clean(), "axe on the annotate page: {report:?}");

    let bob = Browser::new().await?;
    annotate_first(&bob, &team, "bob", "2").await?;

    // The server holds both annotators' work on the first document.
    let docs = team.call(reqwest::Method::GET, "/api/projects/news/documents", None).await?;
    let first = &docs["documents"][0];
    ensure!(first["done"] == 2 && first["open"] == 0, "both marked the first document done: {first}");
    let id = first["id"].as_i64().ok_or("an id")?;
    let revisions = team.call(reqwest::Method::GET, &format!("/api/projects/news/documents/{id}/revisions"), None).await?;
    let mut latest: Vec<(String, Value)> = Vec::new();
    for r in revisions["revisions"].as_array().ok_or("revisions")? {
        let who = r["user"]["name"].as_str().unwrap_or("").to_string();
        if latest.iter().any(|(w, _)| *w == who) {
            continue; // newest first
        }
        let body = team.call(reqwest::Method::GET, &format!("/api/projects/news/revisions/{}", r["id"]), None).await?;
        latest.push((who, body));
    }
    latest.sort_by(|a, b| a.0.cmp(&b.0));
    for ((who, record), person_label) in latest.iter().zip(["PERSON", "ORG"]) {
        let spans = summarize(record);
        let diop = range_of(FIRST, "Abdallah Diop");
        ensure!(
            spans.iter().any(|(s, e, l, t)| (*s as usize, *e as usize) == diop && l == person_label && t == "Abdallah Diop"),
            "{who}'s save: {spans:?}"
        );
        ensure!(record["status"]["state"] == "done", "{who}'s save is done: {}", record["status"]);
        ensure!(record["annotator"] == who.as_str(), "the save names its annotator: {}", record["annotator"]);
    }

    // A reload keeps the place: the second document, progress counted.
    ann.reload().await?;
    ann.wait_for(".mg-article .mg-par").await?;
    ensure!(ann.text_of("#mg-team-doc-title").await? == "Document 2", "after a reload, the document held");
    ann.wait_until("return document.getElementById('mg-team-progress').textContent.startsWith('1 of 2 done');", WAIT).await?;
    ann.close().await?;
    bob.close().await
}
