//! Relations you can see: a claim made with the mouse and linked from its
//! form is listed under "Who claims what" with who made it and what it is
//! about, and drawn as arcs over the article — for the selected claim, or
//! for every claim with "Draw all relations" — whose ends sit on the words
//! they join, after the window is resized and after a reload too. A click
//! in the list brings the span up. On right-to-left text with emoji the
//! arcs land on the right words as well.

mod support;

use marginalia_e2e::{json, Browser, Result, Value};
use support::*;

/// Types `what` into relation `label`'s input of the claim form, then Enter.
async fn link_by_typing(b: &Browser, label: &str, what: &str) -> Result {
    b.click(&format!("#mg-link-{label}")).await?;
    b.type_text(what).await?;
    b.press("Enter").await
}

/// Every arc drawn now: its label, and where it leaves and lands
/// (relative to the article's box), from its SVG path.
const ARCS: &str = "return [...document.querySelectorAll('#mg-overlay g.mg-arc')].map(g => {
    const n = g.querySelector('path').getAttribute('d').match(/-?[0-9.]+/g).map(Number);
    return { label: g.dataset.label, from: [n[0], n[1]], to: [n[6], n[7]] };
});";

async fn arcs(b: &Browser) -> Result<Vec<(String, (f64, f64), (f64, f64))>> {
    let all = b.execute(ARCS, vec![]).await?;
    let point = |v: &Value| (v[0].as_f64().unwrap_or(f64::NAN), v[1].as_f64().unwrap_or(f64::NAN));
    Ok(all
        .as_array()
        .map(|a| a.iter().map(|x| (x["label"].as_str().unwrap_or("").to_string(), point(&x["from"]), point(&x["to"]))).collect())
        .unwrap_or_default())
}

/// Whether every arc drawn leaves from span `from`'s text and lands on
/// the span its label names in `targets` (label → span number): within the span's width, at its first line's top. Returns the
/// first miss as text, or true.
const ARCS_ON_SPANS: &str = "const origin = document.querySelector('.mg-article-box').getBoundingClientRect();
    const box = n => {
        const rects = [...document.querySelectorAll(`#mg-article .mg-run[data-spans~='${n}']`)].flatMap(r => [...r.getClientRects()]);
        return rects.length ? { left: Math.min(...rects.map(r => r.left)) - origin.left, right: Math.max(...rects.map(r => r.right)) - origin.left,
                                top: Math.min(...rects.map(r => r.top)) - origin.top } : null;
    };
    const on = ([x, y], n) => { const b = box(n); return b && x >= b.left - 1 && x <= b.right + 1 && Math.abs(y - b.top) <= 3; };
    for (const g of document.querySelectorAll('#mg-overlay g.mg-arc')) {
        const n = g.querySelector('path').getAttribute('d').match(/-?[0-9.]+/g).map(Number);
        const label = g.dataset.label;
        if (!on([n[0], n[1]], from)) return `${label} leaves at ${n[0]},${n[1]}, not on span ${from}: ${JSON.stringify(box(from))}`;
        if (!on([n[6], n[7]], targets[label])) return `${label} lands at ${n[6]},${n[7]}, not on span ${targets[label]}: ${JSON.stringify(box(targets[label]))}`;
    }
    return true;";

/// Waits until every arc is on its words (the drawing follows the layout
/// one frame after it changes).
async fn wait_arcs_on_spans(b: &Browser, from: &str, targets: Value) -> Result {
    let js = format!("const from = {}; const targets = {targets}; {ARCS_ON_SPANS}", json!(from));
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let verdict = b.execute(&js, vec![]).await?;
        if verdict == json!(true) {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            return Err(format!("the arcs are not on their words: {verdict}").into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Waits until "Who claims what" lists `want` under span `claim`.
async fn wait_listed(b: &Browser, claim: &str, want: &[&str]) -> Result {
    let js = format!(
        "return JSON.stringify([...document.querySelectorAll(\".mg-relations li[data-span='{claim}'] .mg-link-target\")].map(e => e.textContent)) === {};",
        json!(json!(want).to_string())
    );
    if b.wait_until(&js, WAIT).await.is_err() {
        let now = b.texts_of(&format!(".mg-relations li[data-span='{claim}'] .mg-link-target")).await?;
        return Err(format!("“Who claims what” lists {now:?} under the claim, not {want:?}").into());
    }
    Ok(())
}

/// Waits until `n` arcs are drawn.
async fn wait_arcs(b: &Browser, n: usize) -> Result {
    let js = format!("return document.querySelectorAll('#mg-overlay g.mg-arc').length === {n};");
    if b.wait_until(&js, WAIT).await.is_err() {
        return Err(format!("expected {n} arc(s), drawn: {:?}", arcs(b).await?).into());
    }
    Ok(())
}

#[tokio::test]
async fn a_claims_relations_are_listed_and_drawn_on_their_words() -> Result {
    let b = open_app().await?;
    let (m, e) = range_of(DEFAULT_ARTICLE, "Richard Mills");
    label_by_drag(&b, m, e, "1").await?;
    let (w, e) = wagner_in_claim();
    label_by_drag(&b, w, e, "2").await?;
    let (c, e) = claim_range();
    b.drag_select(c + 2, e).await?;
    assert_eq!(wait_pending(&b).await?, CLAIM);
    b.press("c").await?;
    wait_span_count(&b, 3).await?;
    let claim = span_number(&b, CLAIM, "CLAIM").await?;
    let mills = span_number(&b, "Richard Mills", "PERSON").await?;
    let wagner = span_number(&b, "Wagner", "ORG").await?;

    // Not linked yet: listed as such, nothing drawn.
    b.wait_for(".mg-relations").await?;
    assert!(b.text_of(&format!(".mg-relations li[data-span='{claim}']")).await?.contains("Not linked yet"));
    assert_eq!(arcs(&b).await?.len(), 0);

    link_by_typing(&b, "claimed_by", "Richard Mills").await?;
    wait_relation_count(&b, 1).await?;
    link_by_typing(&b, "about", "Wagner").await?;
    wait_relation_count(&b, 2).await?;

    // Listed: who claims it, what it is about, in the schema's order.
    wait_listed(&b, &claim, &["Claimed by: Richard Mills", "About: Wagner"]).await?;

    // Drawn for the selected claim, each end on its words.
    wait_arcs(&b, 2).await?;
    let targets = json!({ "Claimed by": mills, "About": wagner });
    wait_arcs_on_spans(&b, &claim, targets.clone()).await?;

    // Nothing selected: nothing drawn, until "Draw all relations".
    b.press("Escape").await?;
    b.click("#mg-article").await?;
    b.press("Escape").await?;
    wait_arcs(&b, 0).await?;
    b.click("#mg-draw-relations").await?;
    assert_eq!(b.attr("#mg-draw-relations", "aria-pressed").await?.as_deref(), Some("true"));
    wait_arcs(&b, 2).await?;

    // A narrower window wraps the lines differently: the arcs follow.
    let before = arcs(&b).await?;
    let (width, height) = b.client().get_window_size().await?;
    b.client().set_window_size(640, 900).await?;
    wait_arcs_on_spans(&b, &claim, targets.clone()).await?;
    assert_ne!(arcs(&b).await?, before, "the lines moved, and the arcs with them");
    b.client().set_window_size(width as u32, height as u32).await?;
    wait_arcs_on_spans(&b, &claim, targets.clone()).await?;

    // The list brings a span up: its tag is pressed.
    let first_link = format!(".mg-relations li[data-span='{claim}'] .mg-link-target");
    b.execute("document.querySelector(arguments[0]).scrollIntoView({ block: 'center' });", vec![json!(first_link)]).await?;
    b.click(&first_link).await?;
    b.wait_until(&format!("return document.querySelector(\"#mg-article button.mg-tag[data-span='{mills}']\").getAttribute('aria-pressed') === 'true';"), WAIT).await?;

    // After a reload the relations are listed and drawn again for the selection.
    b.reload_app().await?;
    wait_listed(&b, &claim, &["Claimed by: Richard Mills", "About: Wagner"]).await?;
    b.click("#mg-draw-relations").await?;
    wait_arcs(&b, 2).await?;
    wait_arcs_on_spans(&b, &claim, targets).await?;
    let report = b.run_axe().await?;
    assert!(report.is_clean(), "axe with relations drawn: {report:?}");
    b.close().await
}

#[tokio::test]
async fn arcs_land_on_the_right_words_in_right_to_left_text() -> Result {
    // An Arabic claim with an emoji, by a person named in Arabic, about a
    // place in Hebrew script: offsets are code points, the text runs right to left.
    let text = "قال أحمد 👩🏽‍💻: «الجيش غادر תל אביב أمس».\nسطر ثان.";
    let span = |needle: &str, id: &str, label: &str| {
        let (s, e) = range_of(text, needle);
        let layer = if label == "CLAIM" { "claim" } else { "entity" };
        json!({ "id": id, "start": s, "end": e, "label": label, "layer": layer, "text": needle })
    };
    let record = json!({
        "text": text, "format_version": 1,
        "spans": [span("أحمد", "s1", "PERSON"), span("תל אביב", "s2", "GPE"), span("«الجيش غادر תל אביב أمس»", "s3", "CLAIM")],
        "relations": [
            { "id": "r1", "from": "s3", "to": "s1", "label": "claimed_by" },
            { "id": "r2", "from": "s3", "to": "s2", "label": "about" }
        ]
    });
    let b = open_app().await?;
    open_file(&b, write_temp("rtl.marginalia.json", record.to_string())).await?;
    // A save of another text than the one open: opened as its own document, as offered.
    b.wait_until("return [...document.querySelectorAll('.mg-notice button')].some(b => b.textContent === 'Open the save as its own document');", WAIT).await?;
    b.execute("[...document.querySelectorAll('.mg-notice button')].find(b => b.textContent === 'Open the save as its own document').click();", vec![]).await?;
    wait_span_count(&b, 3).await?;
    b.wait_for(".mg-relations li").await?;
    b.click("#mg-draw-relations").await?;
    wait_arcs(&b, 2).await?;
    let person = span_number(&b, "أحمد", "PERSON").await?;
    let place = span_number(&b, "תל אביב", "GPE").await?;
    let claim = span_number(&b, "«الجيش غادر תל אביב أمس»", "CLAIM").await?;
    wait_arcs_on_spans(&b, &claim, json!({ "Claimed by": person, "About": place })).await?;
    // Right to left: the person (read first) is drawn right of the claim's start.
    let (_, from, to) = arcs(&b).await?.into_iter().find(|a| a.0 == "Claimed by").ok_or("no Claimed by arc")?;
    assert!(to.0 > from.0, "in Arabic the claimant, read before the claim, is to its right: {from:?} → {to:?}");
    b.close().await
}
