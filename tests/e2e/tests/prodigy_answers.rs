//! A Prodigy task answered "reject" opened in the app: the notice says its
//! spans were not accepted, an edit and a reload keep the task's answer and
//! Prodigy's fields (never a silent accept), and the export of a format that
//! holds accepted annotations only writes nothing and says why.

mod support;

use marginalia_e2e::{Browser, Result};
use support::*;

const TEXT: &str = "Abdallah Diop met Antonio Guterres in Bamako on Tuesday.";

/// A `ner.teach` task as Prodigy writes it: one suggested span, rejected.
fn rejected_task() -> String {
    serde_json::json!({
        "text": TEXT,
        "spans": [{"start": 9, "end": 13, "label": "PERSON", "answer": "reject"}],
        "meta": {"source": "wire", "score": 0.62},
        "_input_hash": -1_203_667_015i64,
        "_task_hash": 2_036_713_379,
        "_view_id": "ner",
        "_session_id": "news-ana",
        "answer": "reject"
    })
    .to_string()
}

async fn open_rejected_task() -> Result<Browser> {
    let path = write_temp("teach.jsonl", rejected_task());
    let b = open_app().await?;
    open_file(&b, &path).await?;
    // A task for another text than the article open: the app offers to open it.
    let offer = "#mg-notice[data-kind=\"error\"] button.mg-button:not(.mg-dismiss)";
    b.wait_for(offer).await?;
    b.click(offer).await?;
    b.wait_until(&format!("return window.marginalia.getAnnotations().text === {};", serde_json::json!(TEXT)), WAIT).await?;
    Ok(b)
}

fn assert_decision_kept(record: &serde_json::Value) {
    let task: serde_json::Value = serde_json::from_str(&rejected_task()).unwrap();
    for key in ["answer", "_input_hash", "_task_hash", "_view_id", "_session_id"] {
        assert_eq!(record[key], task[key], "{key} in {record}");
    }
    assert_eq!(record["meta"]["source"], "wire");
}

#[tokio::test]
async fn a_rejected_task_stays_rejected_through_an_edit_and_a_reload() -> Result {
    let b = open_rejected_task().await?;
    let said = wait_notice(&b, "info").await?;
    assert!(said.contains("answered \"reject\" in Prodigy") && said.contains("keeps that answer"), "{said}");
    assert_decision_kept(&record(&b).await?);

    let (start, end) = range_of(TEXT, "Antonio Guterres");
    label_by_drag(&b, start, end, "1").await?;
    b.reload_app().await?;
    b.wait_until(&format!("return window.marginalia.getAnnotations().text === {};", serde_json::json!(TEXT)), WAIT).await?;
    wait_span_count(&b, 2).await?;
    let saved = record(&b).await?;
    assert_decision_kept(&saved);
    assert_eq!(summarize(&saved)[1], expect_span(TEXT, "Antonio Guterres", 0, "PERSON"));
    b.close().await
}

#[tokio::test]
async fn a_positive_only_export_of_a_rejected_task_writes_nothing_and_says_why() -> Result {
    let b = open_rejected_task().await?;
    dismiss_notice(&b).await?;
    b.find("#mg-export-format").await?.select_by_value("iob2").await?;
    b.click("#mg-export").await?;
    let said = wait_notice(&b, "error").await?;
    assert!(said.contains("answered \"reject\"") && said.contains("nothing was exported"), "{said}");
    assert!(std::fs::read_dir(b.download_dir())?.next().is_none(), "no file is downloaded");
    // The formats that keep the answer still export it.
    let out = b.execute("return window.marginalia.export('spacy');", vec![]).await?;
    let line: serde_json::Value = serde_json::from_str(out["text"].as_str().unwrap_or("").trim())?;
    assert_decision_kept(&line);
    b.close().await
}
