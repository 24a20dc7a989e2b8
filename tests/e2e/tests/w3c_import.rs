//! Another tool's W3C annotations opened on the article they target: a
//! real RecogitoJS file (`tests/fixtures/thirdparty/w3c/`) against the text
//! of its demo page, opened with the file dialog as a person does. Its
//! annotations are applied to the article open now as one undo step, drawn
//! on the quoted words, kept after a reload; a file none of whose
//! annotations fit the article changes nothing and says why.

mod support;

use marginalia_e2e::{json, Result};
use std::path::PathBuf;
use support::*;

fn thirdparty(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/thirdparty/w3c").join(name)
}

/// The fixture's quotes, found in the article by the standard library.
fn expected(text: &str) -> Vec<SpanSummary> {
    let mut out = vec![
        expect_span(text, "Troy", 0, "A_Tag"),
        expect_span(text, "Troy", 0, "Another_Tag"),
        expect_span(text, "death in battle", 0, "highlighting"),
        expect_span(text, "Ithaca", 0, "highlighting"),
    ];
    out.sort();
    out
}

async fn sorted_spans(b: &marginalia_e2e::Browser) -> Result<Vec<SpanSummary>> {
    let mut s = spans(b).await?;
    s.sort();
    Ok(s)
}

#[tokio::test]
async fn recogito_annotations_apply_to_the_open_article_undo_and_survive_a_reload() -> Result {
    let text = std::fs::read_to_string(thirdparty("odyssey.txt")).unwrap();
    let b = open_app().await?;
    // The labels of the tool's data, loaded with "Label schema…".
    b.upload_file("#mg-schema-input", thirdparty("recogito.labels.json")).await?;
    b.wait_for(r#"button.mg-label[data-label="A_Tag"]"#).await?;
    // The article the annotations were made on, then the annotations.
    open_file(&b, thirdparty("odyssey.txt")).await?;
    b.wait_until(&format!("return window.marginalia.getAnnotations().text === {};", json!(text)), WAIT).await?;
    open_file(&b, thirdparty("recogito-js-annotations.w3c.json")).await?;
    wait_span_count(&b, 4).await?;
    assert_eq!(sorted_spans(&b).await?, expected(&text));

    // Each is drawn on its words.
    let saved = record(&b).await?;
    for span in saved["spans"].as_array().unwrap() {
        let n = span["id"].as_str().unwrap().trim_start_matches('s').to_string();
        assert_eq!(text_under_span(&b, &n).await?, span["text"].as_str().unwrap());
    }
    // Recogito's link between Troy and "death in battle" is a relation.
    let links = relation_summary(&saved);
    assert_eq!(links, [("isRelatedTo".to_string(), "Troy".to_string(), "death in battle".to_string())]);

    // The page says what was done and how to take it back; nothing to review.
    let message = wait_notice(&b, "info").await?;
    for part in ["recogito-js-annotations.w3c.json", "4 span(s) from the 4 annotation(s) in the file applied to this article (4 placed exactly", "Ctrl+Z", "tags with spaces renamed"] {
        assert!(message.contains(part), "{part:?} missing from {message:?}");
    }
    assert_eq!(b.count(".mg-review").await?, 0);

    // One undo step takes them all off; redo puts them back.
    ctrl(&b, "z").await?;
    wait_span_count(&b, 0).await?;
    ctrl(&b, "y").await?;
    wait_span_count(&b, 4).await?;

    // A reload shows what was stored.
    b.reload_app().await?;
    wait_span_count(&b, 4).await?;
    let reloaded = record(&b).await?;
    assert_eq!(reloaded["text"], json!(text));
    let mut after = summarize(&reloaded);
    after.sort();
    assert_eq!(after, expected(&text));
    assert_eq!(relation_summary(&reloaded).len(), 1);

    // The W3C model's own collection targets other pages: of its 41
    // annotations only anno27 (a position alone, nothing to check it by)
    // lands, for review; the rest is listed with why, and one undo brings
    // the Recogito work back.
    dismiss_notice(&b).await?;
    open_file(&b, thirdparty("w3c-collection1.json")).await?;
    b.wait_for(".mg-review").await?;
    let message = wait_notice(&b, "info").await?;
    assert!(message.contains("1 span(s) from the 41 annotation(s) in the file applied to this article (0 placed exactly, 1 with doubt)"), "{message}");
    assert!(message.contains("38 not read"), "{message}");
    let items = b.texts_of(".mg-review .mg-review-item p").await?;
    assert!(items.iter().any(|i| i.contains("placed by its position alone")), "{items:?}");
    assert!(items.iter().any(|i| i.starts_with("http://example.org/anno29") && i.contains("not read: its target is selected by SvgSelector only")), "{items:?}");
    assert_eq!(spans(&b).await?.len(), 1);
    ctrl(&b, "z").await?;
    wait_span_count(&b, 4).await?;
    assert_eq!(sorted_spans(&b).await?, expected(&text));
    b.close().await
}

#[tokio::test]
async fn quotes_that_need_a_look_are_listed_for_review_with_their_annotation() -> Result {
    // RecogitoJS's text-annotator selections against the same article, two
    // of them edited so that their words are no longer there as quoted.
    let text = std::fs::read_to_string(thirdparty("odyssey.txt")).unwrap();
    let edited = text.replace("death in battle or by shipwreck", "death in war or by shipwreck").replace("Now Neptune", "Neptune now");
    let b = open_app().await?;
    b.upload_file("#mg-schema-input", thirdparty("recogito.labels.json")).await?;
    b.wait_for(r#"button.mg-label[data-label="A_Tag"]"#).await?;
    open_file(&b, write_temp("odyssey-edited.txt", &edited)).await?;
    b.wait_until(&format!("return window.marginalia.getAnnotations().text === {};", json!(edited)), WAIT).await?;
    open_file(&b, thirdparty("recogito-text-annotator.w3c.json")).await?;
    b.wait_for(".mg-review").await?;
    let items = b.texts_of(".mg-review .mg-review-item p").await?;
    assert!(items.iter().any(|i| i.contains("death in battle or by shipwreck")), "{items:?}");
    // The other selections are on their words.
    let saved = record(&b).await?;
    assert!(summarize(&saved).contains(&expect_span(&edited, "t as years went by, the", 0, "highlighting")));
    b.close().await
}
