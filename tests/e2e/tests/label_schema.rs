//! A newsroom's own label schema, loaded with "Label schema…": its labels
//! and hotkeys replace the news default, it survives a reload, and a bad
//! schema (or one that drops a label the work uses) is refused with a
//! message that names the problem, leaving the labels as they were.

mod support;

use marginalia_e2e::Result;
use support::*;

const COURT: &str = r##"{
  "name": "court",
  "labels": [
    { "name": "DEFENDANT", "color": "#9a3412", "hotkey": "d", "description": "The accused" },
    { "name": "JUDGE", "color": "#1e3a8a", "hotkey": "j" },
    { "name": "PERSON", "color": "#c2410c", "hotkey": "1" }
  ]
}"##;

async fn label_buttons(b: &marginalia_e2e::Browser) -> Result<Vec<String>> {
    let v = b
        .execute(
            "return [...document.querySelectorAll('button.mg-label')].map(e => e.dataset.label + ':' + (e.getAttribute('aria-keyshortcuts') || ''));",
            vec![],
        )
        .await?;
    Ok(v.as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect())
}

#[tokio::test]
async fn a_custom_schema_replaces_the_labels_and_survives_a_reload() -> Result {
    let b = open_app().await?;
    assert!(label_buttons(&b).await?.contains(&"GPE:3".to_string()), "the news default first");
    b.upload_file("#mg-schema-input", write_temp("court.labels.json", COURT)).await?;
    b.wait_for(r#"button.mg-label[data-label="DEFENDANT"]"#).await?;
    assert_eq!(label_buttons(&b).await?, ["DEFENDANT:d", "JUDGE:j", "PERSON:1"]);
    // Its hotkeys label: "Abdallah Diop" as DEFENDANT with `d` (and `D`).
    let (s, e) = range_of(DEFAULT_ARTICLE, "Abdallah Diop");
    label_by_drag(&b, s + 1, e - 1, "D").await?;
    assert!(spans(&b).await?.contains(&(s as u64, e as u64, "DEFENDANT".into(), "Abdallah Diop".into())));
    assert_eq!(tag_labels(&b).await?, ["DEFENDANT"]);
    let saved = record(&b).await?;
    assert_eq!(saved["label_schema"]["name"], "court", "the save names the schema it was made with");
    b.reload_app().await?;
    assert_eq!(label_buttons(&b).await?, ["DEFENDANT:d", "JUDGE:j", "PERSON:1"], "the schema is kept");
    assert_eq!(tag_labels(&b).await?, ["DEFENDANT"]);
    b.close().await
}

#[tokio::test]
async fn a_bad_schema_is_refused_with_the_field_named() -> Result {
    let b = open_app().await?;
    let before = label_buttons(&b).await?;
    let bad = COURT.replace(r##""color": "#1e3a8a""##, r##""color": "navy""##);
    b.upload_file("#mg-schema-input", write_temp("bad.labels.json", bad)).await?;
    let message = wait_notice(&b, "error").await?;
    assert!(message.contains("labels[1].color"), "the message names the field: {message}");
    assert_eq!(label_buttons(&b).await?, before, "the labels are unchanged");

    // A schema without a label that the work uses would orphan spans.
    let (s, e) = range_of(DEFAULT_ARTICLE, "Kremlin");
    label_by_drag(&b, s, e, "2").await?; // ORG
    dismiss_notice(&b).await?;
    b.upload_file("#mg-schema-input", write_temp("court.labels.json", COURT)).await?;
    let message = wait_notice(&b, "error").await?;
    assert!(message.contains("ORG"), "the message names the missing label: {message}");
    assert_eq!(label_buttons(&b).await?, before);
    assert_eq!(tag_labels(&b).await?, ["ORG"]);
    b.close().await
}
