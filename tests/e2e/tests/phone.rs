//! Phones and tablets, in Chromium's mobile emulation with touch: at
//! 390×844 and 768×1024 nothing is wider than the screen, the header stays
//! small, the labels sit at the bottom within a thumb's reach; a finger
//! labels by tapping words (a tap picks a word, a second tap grows the
//! selection) and then a label; the browser's own selection (its handles)
//! is taken once still; a selected claim opens the side panel as a sheet
//! over the text with its form, closed with "Done". The work survives a
//! reload, and axe finds nothing serious on the phone.

mod support;

use marginalia_e2e::{json, Browser, Result, Value};
use support::*;

/// Emulates a touch device of `width`×`height` CSS pixels and reloads.
async fn as_device(b: &Browser, width: u32, height: u32) -> Result {
    b.cdp("Emulation.setDeviceMetricsOverride", json!({ "width": width, "height": height, "deviceScaleFactor": 2, "mobile": true })).await?;
    b.cdp("Emulation.setTouchEmulationEnabled", json!({ "enabled": true, "maxTouchPoints": 5 })).await?;
    b.reload_app().await
}

/// The centre of code points `[start, end)` of the article in viewport
/// pixels, scrolled into the middle of the screen first.
async fn centre_of(b: &Browser, start: usize, end: usize) -> Result<(f64, f64)> {
    let at = b
        .execute(
            "const [s, e] = arguments;
             const run = [...document.querySelectorAll('#mg-article .mg-run')].find(r => +r.dataset.s <= s && e <= +r.dataset.e);
             if (!run) return null;
             const units = n => Array.from(run.textContent).slice(0, n - run.dataset.s).join('').length;
             const range = document.createRange();
             range.setStart(run.firstChild, units(s)); range.setEnd(run.firstChild, units(e));
             run.scrollIntoView({ block: 'center' });
             const r = range.getClientRects()[0];
             return [r.left + r.width / 2, r.top + r.height / 2];",
            vec![json!(start), json!(end)],
        )
        .await?;
    Ok((at[0].as_f64().ok_or("the text is not drawn")?, at[1].as_f64().unwrap_or(0.0)))
}

/// A finger's tap at viewport point (x, y).
async fn tap(b: &Browser, (x, y): (f64, f64)) -> Result {
    b.cdp("Input.dispatchTouchEvent", json!({ "type": "touchStart", "touchPoints": [{ "x": x, "y": y }] })).await?;
    b.cdp("Input.dispatchTouchEvent", json!({ "type": "touchEnd", "touchPoints": [] })).await?;
    Ok(())
}

/// Taps the middle of element `css` (scrolled into view).
async fn tap_element(b: &Browser, css: &str) -> Result {
    let at = b
        .execute(
            "const el = document.querySelector(arguments[0]); el.scrollIntoView({ block: 'nearest' });
             const r = el.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2];",
            vec![json!(css)],
        )
        .await?;
    tap(b, (at[0].as_f64().ok_or("no such element")?, at[1].as_f64().unwrap_or(0.0))).await
}

/// The box of element `css` in viewport pixels: [left, top, right, bottom].
async fn box_of(b: &Browser, css: &str) -> Result<Vec<f64>> {
    let r = b.execute("const r = document.querySelector(arguments[0]).getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom];", vec![json!(css)]).await?;
    Ok(r.as_array().ok_or("no such element")?.iter().filter_map(Value::as_f64).collect())
}

/// Nothing overflows sideways, the header is small, the labels are at the
/// bottom of the screen.
async fn assert_layout_fits(b: &Browser, width: f64, height: f64, header_share: f64) -> Result {
    let wide = b.execute("return [document.documentElement.scrollWidth, window.innerWidth];", vec![]).await?;
    assert!(wide[0].as_f64() <= wide[1].as_f64(), "the page is wider than the screen: {wide}");
    let header = box_of(b, ".mg-header").await?;
    assert!(header[3] - header[1] <= height * header_share, "the header takes {} of {height} px", header[3] - header[1]);
    let labels = box_of(b, ".mg-labels").await?;
    assert!(labels[3] <= height && labels[1] >= height * 0.75, "the labels are not at the bottom: {labels:?} of {height}");
    assert!(labels[0] >= 0.0 && labels[2] <= width, "the label bar is wider than the screen: {labels:?}");
    Ok(())
}

#[tokio::test]
async fn on_a_phone_a_finger_labels_words_and_a_claim_opens_as_a_sheet() -> Result {
    let b = open_app().await?;
    as_device(&b, 390, 844).await?;
    assert_layout_fits(&b, 390.0, 844.0, 0.2).await?;

    // A tap on "Diop" picks the word; a tap on "Abdallah" before it grows the selection.
    let (a, e) = range_of(DEFAULT_ARTICLE, "Abdallah Diop");
    tap(&b, centre_of(&b, e - 4, e).await?).await?;
    b.wait_until("return document.querySelectorAll('#mg-article .mg-pending').length > 0;", WAIT).await?;
    assert_eq!(pending_text(&b).await?, "Diop");
    tap(&b, centre_of(&b, a, a + 8).await?).await?;
    b.wait_until("return [...document.querySelectorAll('#mg-article .mg-pending')].map(r => r.textContent).join('') === 'Abdallah Diop';", WAIT).await?;
    // The label, tapped in the bar at the bottom.
    tap_element(&b, ".mg-labels .mg-label[data-label='PERSON']").await?;
    wait_span_count(&b, 1).await?;
    assert!(spans(&b).await?.contains(&expect_span(DEFAULT_ARTICLE, "Abdallah Diop", 0, "PERSON")));

    // The browser's selection (what its handles make after a long press) is
    // taken once still: set here as the handles would set it.
    let (k, ke) = range_of(DEFAULT_ARTICLE, "Kremlin");
    tap(&b, centre_of(&b, k, ke).await?).await?; // the finger is down on the text first
    b.wait_until("return document.querySelectorAll('#mg-article .mg-pending').length > 0;", WAIT).await?;
    b.execute(
        "const [s, e] = arguments;
         const runs = [...document.querySelectorAll('#mg-article .mg-run')];
         const point = (cp, end) => {
             const run = runs.find(r => +r.dataset.s <= cp && (end ? cp <= +r.dataset.e : cp < +r.dataset.e));
             return [run.firstChild, Array.from(run.textContent).slice(0, cp - run.dataset.s).join('').length];
         };
         const range = document.createRange(); range.setStart(...point(s, false)); range.setEnd(...point(e, true));
         const sel = getSelection(); sel.removeAllRanges(); sel.addRange(range);",
        vec![json!(k - 4), json!(ke)],
    )
    .await?;
    b.wait_until("return [...document.querySelectorAll('#mg-article .mg-pending')].map(r => r.textContent).join('') === 'the Kremlin';", WAIT).await?;
    tap_element(&b, ".mg-labels .mg-label[data-label='ORG']").await?;
    wait_span_count(&b, 2).await?;

    // A claim, tapped from its first word to its last, then CLAIM: it is
    // selected, and its form opens as a sheet over the text, above the labels.
    let (c, ce) = claim_range();
    tap(&b, centre_of(&b, c, c + 6).await?).await?;
    b.wait_until("return document.querySelectorAll('#mg-article .mg-pending').length > 0;", WAIT).await?;
    // (Up to its last word: the closing quote is a token of its own.)
    tap(&b, centre_of(&b, ce - 10, ce - 1).await?).await?;
    let claim = slice(DEFAULT_ARTICLE, c, ce - 1);
    b.wait_until(&format!("return [...document.querySelectorAll('#mg-article .mg-pending')].map(r => r.textContent).join('') === {};", json!(claim)), WAIT).await?;
    tap_element(&b, ".mg-labels .mg-label[data-label='CLAIM']").await?;
    wait_span_count(&b, 3).await?;
    b.wait_for(".mg-claim-form").await?;
    let sheet = box_of(&b, ".mg-panel").await?;
    let labels = box_of(&b, ".mg-labels").await?;
    assert!(sheet[1] > 844.0 * 0.3 && sheet[3] <= labels[1] + 1.0 && sheet[1] < 844.0, "the sheet is not over the text above the labels: {sheet:?}, labels {labels:?}");
    // The claim just labelled stays in sight, above the sheet.
    let n = span_number(&b, &claim, "CLAIM").await?;
    let tag = format!("#mg-article button.mg-tag[data-span='{n}']");
    b.wait_until(&format!("const t = document.querySelector(\"{tag}\").getBoundingClientRect(); const s = document.querySelector('.mg-panel').getBoundingClientRect(); return t.top >= 0 && t.bottom <= s.top;"), WAIT).await?;
    let form = box_of(&b, ".mg-claim-form").await?;
    assert!(form[1] < 844.0 && form[1] >= sheet[1], "the claim form is not in the sheet on screen: {form:?}");
    let position = b.execute("return getComputedStyle(document.querySelector('.mg-panel')).position;", vec![]).await?;
    assert_eq!(position, json!("fixed"));
    let report = b.run_axe().await?;
    assert!(report.is_clean(), "axe on a phone with the sheet open: {report:?}");

    // "Done" closes the sheet; the panel goes back under the text.
    tap_element(&b, "#mg-close-sheet").await?;
    b.wait_until("return getComputedStyle(document.querySelector('.mg-panel')).position === 'static';", WAIT).await?;

    // The work survives a reload, on the phone too.
    let kept = spans(&b).await?;
    b.reload_app().await?;
    assert_eq!(spans(&b).await?, kept);
    assert_layout_fits(&b, 390.0, 844.0, 0.2).await?;
    b.close().await
}

#[tokio::test]
async fn on_a_tablet_the_layout_fits_and_taps_label() -> Result {
    let b = open_app().await?;
    as_device(&b, 768, 1024).await?;
    let wide = b.execute("return [document.documentElement.scrollWidth, window.innerWidth];", vec![]).await?;
    assert!(wide[0].as_f64() <= wide[1].as_f64(), "the page is wider than the tablet: {wide}");
    let header = box_of(&b, ".mg-header").await?;
    assert!(header[3] - header[1] <= 1024.0 * 0.25, "the header takes {} of 1024 px", header[3] - header[1]);
    // A tap picks a word, a key labels it (a tablet may have a keyboard).
    let (m, e) = range_of(DEFAULT_ARTICLE, "Mali");
    tap(&b, centre_of(&b, m, e).await?).await?;
    b.wait_until("return [...document.querySelectorAll('#mg-article .mg-pending')].map(r => r.textContent).join('') === 'Mali';", WAIT).await?;
    b.press("3").await?;
    wait_span_count(&b, 1).await?;
    assert!(spans(&b).await?.contains(&expect_span(DEFAULT_ARTICLE, "Mali", 0, "GPE")));
    let report = b.run_axe().await?;
    assert!(report.is_clean(), "axe on a tablet: {report:?}");
    b.close().await
}
