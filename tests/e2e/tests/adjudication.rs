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
    let gold_line = b.text_of(".mg-item-review.mg-decided .mg-gold-now").await?;
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

/// A save of the default article: the claim with `check_worthy`, Mills and
/// "Mali" (labelled `mali`), and — when `claimed_by` — the claim linked to
/// Mills.
fn claim_save(annotator: &str, check_worthy: &str, mali: &str, claimed_by: bool) -> Value {
    let span = |id: &str, needle: &str, label: &str| {
        let (s, e) = range_of(DEFAULT_ARTICLE, needle);
        json!({ "id": id, "start": s, "end": e, "label": label, "text": needle })
    };
    let (c, e) = claim_range();
    let claim = json!({ "id": "s3", "start": c, "end": e, "label": "CLAIM", "layer": "claim", "text": CLAIM, "attributes": { "check_worthy": check_worthy } });
    let relations = if claimed_by { json!([{ "id": "r1", "from": "s3", "to": "s1", "label": "claimed_by" }]) } else { json!([]) };
    json!({ "text": DEFAULT_ARTICLE, "annotator": annotator, "format_version": 1, "meta": { "doc_id": "mali-russia-wagner" },
            "spans": [span("s1", "Richard Mills", "PERSON"), span("s2", "Mali", mali), claim], "relations": relations })
}

/// The marks drawn under the text for the item about `needle`'s first
/// occurrence: each mark's annotator style and where its line runs.
const MARKS_AT: &str = "const [start] = arguments;
    return [...document.querySelectorAll(`#mg-overlay g.mg-mark[data-start='${start}']`)].map(g => {
        const line = g.querySelector('line');
        return { by: [...g.classList].find(c => c.startsWith('mg-by-')), x1: +line.getAttribute('x1'), x2: +line.getAttribute('x2'), y: +line.getAttribute('y1') };
    });";

#[tokio::test]
async fn a_review_shows_each_sides_values_marks_the_disputes_and_runs_from_the_keyboard() -> Result {
    let b = open_app().await?;
    let ana = claim_save("ana", "yes", "GPE", false);
    let ben = claim_save("ben", "no", "ORG", true);
    b.execute("window.marginalia.review([arguments[0], arguments[1]]);", vec![ana, ben]).await?;
    b.wait_for(".mg-adjudication").await?;
    // Mills is agreed and in the gold; the claim, Mali and the relation differ.
    wait_span_count(&b, 1).await?;
    assert_eq!(b.attr("#mg-undo-decision", "disabled").await?.as_deref(), Some("true"), "nothing of the reviewer's to undo yet");

    // The claim's item says what differs and each side's value.
    let claim_item = "const li = [...document.querySelectorAll('.mg-item-review')].find(li => li.querySelector('p').textContent.includes('different check_worthy')); return li && li.dataset.item;";
    let claim_item = b.execute(claim_item, vec![]).await?.as_str().ok_or("no item says 'different check_worthy'")?.to_string();
    let item = format!(".mg-item-review[data-item='{claim_item}']");
    let difference = b.text_of(&format!("{item} .mg-differences li[data-key='check_worthy']")).await?;
    assert!(difference.contains("ana: yes") && difference.contains("ben: no"), "{difference}");
    let ana_side = b.text_of(&format!("{item} li[data-annotator='ana']")).await?;
    let ben_side = b.text_of(&format!("{item} li[data-annotator='ben']")).await?;
    assert!(ana_side.contains("check_worthy: yes") && !ana_side.contains("claimed_by"), "{ana_side}");
    assert!(ben_side.contains("check_worthy: no") && ben_side.contains("claimed_by → PERSON “Richard Mills”"), "{ben_side}");
    let (c, e) = claim_range();
    assert!(ana_side.contains(&format!("({c}–{e})")), "the bounds are shown: {ana_side}");

    // The relation only ben made is listed for a decision of its own.
    let relation = b.text_of(".mg-relation-review").await?;
    assert!(relation.contains("claimed_by") && relation.contains("only ben marked it") && relation.contains("Not decided"), "{relation}");

    // Disputed spans are marked under the text, one style per annotator,
    // each under its own words.
    let (m, _) = range_of(DEFAULT_ARTICLE, "Mali");
    b.wait_until(&format!("return document.querySelectorAll(\"#mg-overlay g.mg-mark[data-start='{m}']\").length === 2;"), WAIT).await?;
    let marks = b.execute(MARKS_AT, vec![json!(m)]).await?;
    let styles: Vec<&str> = marks.as_array().unwrap().iter().filter_map(|x| x["by"].as_str()).collect();
    assert_eq!(styles, ["mg-by-0", "mg-by-1"], "{marks}");
    let run = b.execute(
        "const [s, e] = arguments; const o = document.querySelector('.mg-article-box').getBoundingClientRect();
         const run = [...document.querySelectorAll('#mg-article .mg-run')].find(r => +r.dataset.s <= s && e <= +r.dataset.e);
         const units = n => Array.from(run.textContent).slice(0, n - run.dataset.s).join('').length;
         const range = document.createRange();
         range.setStart(run.firstChild, units(s)); range.setEnd(run.firstChild, units(e));
         const r = range.getBoundingClientRect();
         return { left: r.left - o.left, right: r.right - o.left, bottom: r.bottom - o.top };",
        vec![json!(m), json!(m + 4)],
    ).await?;
    for mark in marks.as_array().unwrap() {
        let (x1, x2, y) = (mark["x1"].as_f64().unwrap(), mark["x2"].as_f64().unwrap(), mark["y"].as_f64().unwrap());
        assert!(x1 >= run["left"].as_f64().unwrap() - 1.0 && x2 <= run["right"].as_f64().unwrap() + 1.0, "mark {mark} outside “Mali” {run}");
        assert!(y >= run["bottom"].as_f64().unwrap() - 4.0 && y <= run["bottom"].as_f64().unwrap() + 12.0, "mark {mark} not under “Mali” {run}");
    }

    // "Use my edit" waits for an edit of the reviewer's.
    let mali_item = b.execute("return [...document.querySelectorAll('.mg-item-review')].find(li => li.querySelector('p').textContent.includes('“Mali”')).dataset.item;", vec![]).await?;
    let mali_item = format!(".mg-item-review[data-item='{}']", mali_item.as_str().unwrap_or(""));
    let use_edit = format!("{mali_item} button:nth-last-of-type(1)");
    assert_eq!(b.text_of(&use_edit).await?, "Use my edit");
    assert_eq!(b.attr(&use_edit, "disabled").await?.as_deref(), Some("true"));

    // From the keyboard: the claim's first choice, Enter; the focus moves to
    // the next undecided item's first choice.
    b.execute(&format!("document.querySelector(\"{item} .mg-row button\").focus();"), vec![]).await?;
    assert_eq!(b.execute("return document.activeElement.textContent;", vec![]).await?, json!("Accept ana's"));
    b.press("Enter").await?;
    b.wait_until(&format!("return document.querySelector(\"{item}\").classList.contains('mg-decided');"), WAIT).await?;
    b.wait_until(&format!("return document.activeElement.closest('.mg-item-review') === document.querySelector(\"{mali_item}\");"), WAIT).await?;
    assert_eq!(b.attr("#mg-undo-decision", "disabled").await?, None, "the reviewer's decision can be undone");
    assert_eq!(b.execute(&format!("return document.querySelectorAll(\"#mg-overlay g.mg-mark[data-start='{c}']\").length;"), vec![]).await?, json!(0), "a decided item is no longer marked");

    // The reviewer labels Mali NORP in the text: now their edit can be used.
    let (s, e) = range_of(DEFAULT_ARTICLE, "Mali");
    label_by_drag(&b, s, e, "5").await?;
    b.wait_until(&format!("return !document.querySelector(\"{use_edit}\").disabled;"), WAIT).await?;
    b.click(&use_edit).await?;
    b.wait_until(&format!("return document.querySelector(\"{mali_item}\").classList.contains('mg-decided');"), WAIT).await?;
    assert_eq!(b.text_of(&format!("{mali_item} .mg-gold-now")).await?, "Gold: NORP “Mali”");

    // The relation: accepted once its ends are in the gold.
    b.click(".mg-relation-review button").await?;
    b.wait_until("return document.querySelector('.mg-relation-review .mg-relation-status').textContent === 'In the gold';", WAIT).await?;
    let report = b.run_axe().await?;
    assert!(report.is_clean(), "axe during a review with values and marks: {report:?}");

    for entry in std::fs::read_dir(b.download_dir()).into_iter().flatten() {
        let _ = std::fs::remove_file(entry?.path());
    }
    b.click("#mg-save-gold").await?;
    let gold = b.downloaded_file("*.gold.marginalia.json", WAIT).await?.json()?;
    let claim = find_span(&gold, CLAIM, "CLAIM").ok_or("no claim in the gold")?;
    assert_eq!(claim["attributes"]["check_worthy"], "yes", "ana's value was accepted: {claim}");
    assert_eq!(relation_summary(&gold), [("claimed_by".to_string(), CLAIM.to_string(), "Richard Mills".to_string())]);
    b.close().await
}
