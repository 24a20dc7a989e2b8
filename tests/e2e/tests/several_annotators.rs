//! A Label Studio task with two annotators' work on the article open now,
//! opened with "Open": one annotator's spans are applied, and the notice
//! names the other and the way to compare both ("Review saves…"), which then
//! shows both annotators.

mod support;

use marginalia_e2e::Result;
use serde_json::{json, Value};
use support::*;

fn region(needle: &str, label: &str, id: &str) -> Value {
    let (start, end) = range_of(DEFAULT_ARTICLE, needle);
    json!({"id": id, "from_name": "label", "to_name": "text", "type": "labels",
           "value": {"start": start, "end": end, "text": needle, "labels": [label]}})
}

/// As Label Studio exports a task two people annotated.
fn task() -> String {
    json!([{
        "id": 17,
        "data": {"text": DEFAULT_ARTICLE},
        "annotations": [
            {"id": 1, "completed_by": {"id": 4, "email": "ana@example.org"}, "result": [region("Abdallah Diop", "PERSON", "a1"), region("Mali", "GPE", "a2")]},
            {"id": 2, "completed_by": {"id": 7, "email": "ben@example.org"}, "result": [region("Abdallah Diop", "PERSON", "b1")]}
        ]
    }])
    .to_string()
}

#[tokio::test]
async fn opening_one_of_several_annotations_names_the_others_and_review_shows_them_all() -> Result {
    let path = write_temp("project-export.json", task());
    let b = open_app().await?;
    open_file(&b, &path).await?;
    wait_span_count(&b, 2).await?;
    let said = wait_notice(&b, "info").await?;
    assert!(said.contains("1 more annotation of this text (ben@example.org)"), "{said}");
    assert!(said.contains("these are ana@example.org’s") && said.contains("Review saves…"), "{said}");
    let opened = spans(&b).await?;
    assert_eq!(opened, vec![expect_span(DEFAULT_ARTICLE, "Mali", 0, "GPE"), expect_span(DEFAULT_ARTICLE, "Abdallah Diop", 0, "PERSON")]);

    // "Review saves…" with the same file aligns both annotators' work.
    b.upload_file("#mg-review-input", &path).await?;
    b.wait_for(".mg-adjudication").await?;
    let panel = b.text_of(".mg-adjudication").await?;
    assert!(panel.contains("ana@example.org") && panel.contains("ben@example.org"), "{panel}");
    b.close().await
}
