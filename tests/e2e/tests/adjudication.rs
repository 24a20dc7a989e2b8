//! Review and adjudication: two annotators' saves of the default article
//! open together; the side panel shows where they differ (a different
//! label, a span one of them missed, one only the other marked) with the
//! agreement figures; the reviewer accepts one side or rejects, undoes, and
//! saves a gold version whose spans and meta say what was decided and from
//! which saves.

mod support;

use marginalia_e2e::{json, Result, Value};
use support::*;

fn save_of(annotator: &str, spans: &[(&str, usize, &str)]) -> String {
    let spans: Vec<Value> = spans
        .iter()
        .map(|(needle, n, label)| {
            let (s, e) = range_of_nth(DEFAULT_ARTICLE, needle, *n);
            json!({ "start": s, "end": e, "label": label, "text": needle })
        })
        .collect();
    json!({ "text": DEFAULT_ARTICLE, "spans": spans, "annotator": annotator,
            "meta": { "doc_id": "mali-russia-wagner" }, "format_version": 1 })
    .to_string()
}

#[tokio::test]
async fn two_saves_are_reviewed_decided_and_saved_as_a_gold_version() -> Result {
    let b = open_app().await?;
    let ana = write_temp("ana.marginalia.json", save_of("ana", &[("Abdallah Diop", 0, "PERSON"), ("Mali", 0, "GPE"), ("Wagner", 0, "ORG")]));
    let ben = write_temp("ben.marginalia.json", save_of("ben", &[("Abdallah Diop", 0, "PERSON"), ("Mali", 0, "ORG"), ("Russia", 0, "GPE")]));
    let paths = format!("{}\n{}", ana.canonicalize()?.display(), ben.canonicalize()?.display());
    b.find("#mg-review-input").await?.send_keys(&paths).await?;
    b.wait_for(".mg-adjudication").await?;

    // The agreed span is in the gold already; three items differ.
    wait_span_count(&b, 1).await?;
    let items = b.texts_of(".mg-item-review > p:first-child").await?;
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(items.iter().any(|i| i.contains("“Mali”") && i.contains("different labels")), "{items:?}");
    assert!(items.iter().any(|i| i.contains("“Wagner”") && i.contains("missing for ben")), "{items:?}");
    assert!(items.iter().any(|i| i.contains("“Russia”") && i.contains("only ben")), "{items:?}");
    let figures = b.text_of(".mg-agreement").await?;
    // 1 exact match of 3 spans each: P = R = F1 = 33 %.
    assert!(figures.contains("ana ↔ ben: exact F1 33 %"), "{figures}");

    // Decide: ben's label for Mali, ana's Wagner, no Russia.
    // Clicks `button` in the item about `needle`, as a person picks it out.
    const CLICK_IN: &str = "const [needle, button] = arguments;
         const li = [...document.querySelectorAll('.mg-item-review')].find(li => li.querySelector('p').textContent.includes('“' + needle + '”'));
         [...li.querySelectorAll('button')].find(b => b.textContent === button).click();";
    let click_in = |needle: &str, button: &str| (CLICK_IN, vec![json!(needle), json!(button)]);
    { let (js, args) = click_in("Mali", "Accept ben's"); b.execute(js, args).await?; }
    wait_span_count(&b, 2).await?;
    { let (js, args) = click_in("Wagner", "Accept ana's"); b.execute(js, args).await?; }
    wait_span_count(&b, 3).await?;
    { let (js, args) = click_in("Russia", "Accept ben's"); b.execute(js, args).await?; }
    wait_span_count(&b, 4).await?;
    b.click("#mg-undo-decision").await?;
    wait_span_count(&b, 3).await?;
    { let (js, args) = click_in("Russia", "Reject"); b.execute(js, args).await?; }

    // Save the gold version and check it.
    for entry in std::fs::read_dir(b.download_dir()).into_iter().flatten() {
        let _ = std::fs::remove_file(entry?.path());
    }
    b.click("#mg-save-gold").await?;
    let gold = b.downloaded_file("mali-russia-wagner.gold.marginalia.json", WAIT).await?.json()?;
    let mut got: Vec<(u64, u64, String)> = gold["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap(), s["label"].as_str().unwrap().to_string()))
        .collect();
    got.sort();
    let mut want: Vec<(u64, u64, String)> = [("Abdallah Diop", "PERSON"), ("Mali", "ORG"), ("Wagner", "ORG")]
        .iter()
        .map(|(n, l)| {
            let (s, e) = range_of(DEFAULT_ARTICLE, n);
            (s as u64, e as u64, l.to_string())
        })
        .collect();
    want.sort();
    assert_eq!(got, want);
    let meta = &gold["meta"]["adjudication"];
    assert_eq!(meta["reviewers"], json!(["reviewer"]));
    let sources: Vec<&str> = meta["sources"].as_array().unwrap().iter().map(|s| s["annotator"].as_str().unwrap()).collect();
    assert_eq!(sources, ["ana", "ben"]);
    assert_eq!(meta["decisions"]["rejected"], json!(1), "{meta}");
    let report = b.run_axe().await?;
    assert!(report.is_clean(), "axe during review: {report:?}");
    b.close().await
}

#[tokio::test]
async fn a_review_opened_through_the_api_takes_the_reviewers_own_edit() -> Result {
    let b = open_app().await?;
    let ana: Value = serde_json::from_str(&save_of("ana", &[("Abdallah Diop", 0, "PERSON"), ("Mali", 0, "GPE")]))?;
    let ben: Value = serde_json::from_str(&save_of("ben", &[("Abdallah Diop", 0, "PERSON"), ("Mali", 0, "ORG")]))?;
    // One save as an object, one as a JSON string: the embedding API takes both.
    b.execute("window.marginalia.review([arguments[0], JSON.stringify(arguments[1])]);", vec![ana, ben]).await?;
    b.wait_for(".mg-adjudication").await?;
    wait_span_count(&b, 1).await?;

    // Neither label is right: the reviewer labels "Mali" NORP in the text,
    // with the mouse and the key, and takes that as the item's decision.
    let (s, e) = range_of(DEFAULT_ARTICLE, "Mali");
    label_by_drag(&b, s, e, "5").await?;
    wait_span_count(&b, 2).await?;
    b.execute(
        "const li = [...document.querySelectorAll('.mg-item-review')].find(li => li.querySelector('p').textContent.includes('“Mali”'));
         [...li.querySelectorAll('button')].find(b => b.textContent === 'Use my edit').click();",
        vec![],
    )
    .await?;
    b.wait_until("return [...document.querySelectorAll('.mg-item-review.mg-decided')].length === 1;", WAIT).await?;
    let gold_line = b.text_of(".mg-item-review.mg-decided .mg-hint").await?;
    assert_eq!(gold_line, "Gold: NORP “Mali”");

    for entry in std::fs::read_dir(b.download_dir()).into_iter().flatten() {
        let _ = std::fs::remove_file(entry?.path());
    }
    b.click("#mg-save-gold").await?;
    let gold = b.downloaded_file("mali-russia-wagner.gold.marginalia.json", WAIT).await?.json()?;
    let labels: Vec<(&str, &str)> = gold["spans"].as_array().unwrap().iter().map(|s| (s["text"].as_str().unwrap(), s["label"].as_str().unwrap())).collect();
    assert_eq!(labels, [("Mali", "NORP"), ("Abdallah Diop", "PERSON")]);
    assert_eq!(gold["meta"]["adjudication"]["decisions"]["edited"], json!(1), "{}", gold["meta"]);
    b.close().await
}
