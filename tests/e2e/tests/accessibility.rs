//! axe-core on the app's screens as a user meets them: annotated text with
//! a selected span and a pending selection, the paste panel, the chooser over
//! overlapping spans, and an error notice. No serious or critical violation
//! may remain; the report names each rule and node.

mod support;

use marginalia_e2e::{fixture, Browser, Result};
use support::*;

async fn assert_axe_clean(b: &Browser, screen: &str) -> Result {
    let report = b.run_axe().await?;
    assert!(report.is_clean(), "{screen}:\n{report}");
    Ok(())
}

/// The default article with a few spans (PERSON, ORG, nested MISC).
async fn app_with_spans() -> Result<Browser> {
    let b = open_app().await?;
    let text = DEFAULT_ARTICLE;
    let (a, e) = range_of(text, "Abdallah Diop");
    label_by_drag(&b, a, e, "1").await?;
    label_by_drag(&b, a + 9, e, "8").await?;
    let (k, e) = range_of(text, "Kremlin");
    label_by_drag(&b, k, e, "2").await?;
    Ok(b)
}

#[tokio::test]
async fn the_main_screen_with_spans_a_selected_span_and_a_pending_selection() -> Result {
    let b = app_with_spans().await?;
    // The last span is selected (its tag pressed) ...
    assert_eq!(
        tags(&b).await?.iter().filter(|t| t.pressed).count(),
        1,
        "a span should be selected"
    );
    assert_axe_clean(&b, "main screen, a span selected").await?;
    // ... and with a pending selection made by keyboard in the focused article.
    tab_to(&b, "mg-article", 60).await?;
    b.press("Escape").await?; // Tab passed over the tags, selecting each
    b.press("ArrowRight").await?;
    b.press_with(&[marginalia_e2e::Mod::Shift], "ArrowRight")
        .await?;
    assert_eq!(wait_pending(&b).await?, "Home World");
    assert_axe_clean(&b, "main screen, a pending selection").await?;
    b.close().await
}

#[tokio::test]
async fn the_paste_panel() -> Result {
    let b = app_with_spans().await?;
    b.click("#mg-paste-toggle").await?;
    b.wait_for("#mg-paste-text").await?;
    assert_eq!(
        focused_id(&b).await?,
        "mg-paste-text",
        "the paste panel should focus its text area"
    );
    assert!(
        in_view(&b, "#mg-paste-text").await?,
        "the paste text area should be in view when it opens"
    );
    assert_axe_clean(&b, "paste panel open").await?;
    b.close().await
}

#[tokio::test]
async fn the_chooser_over_overlapping_spans() -> Result {
    let b = app_with_spans().await?;
    b.press("Escape").await?;
    let person = span_number(&b, "Abdallah Diop", "PERSON").await?;
    let misc = span_number(&b, "Diop", "MISC").await?;
    b.click(&format!(
        r#"#mg-article .mg-run[data-spans~="{person}"][data-spans~="{misc}"]"#
    ))
    .await?;
    b.wait_for("#mg-chooser").await?;
    assert_eq!(b.count("#mg-chooser button[data-span]").await?, 2);
    assert_axe_clean(&b, "chooser open").await?;
    b.close().await
}

#[tokio::test]
async fn an_error_notice_and_an_offer() -> Result {
    let b = app_with_spans().await?;
    open_file(&b, fixture("other-text.marginalia.json")).await?;
    wait_notice(&b, "error").await?;
    assert_axe_clean(&b, "error notice with an offer").await?;
    b.close().await
}

/// The standalone page follows the system's dark setting (its page
/// configuration names no theme), stays readable (axe's contrast check),
/// and turns light again with the system.
#[tokio::test]
async fn the_standalone_page_follows_the_system_dark_setting() -> Result {
    let b = open_app().await?;
    let colours = "return [getComputedStyle(document.querySelector('.mg-app')).backgroundColor, getComputedStyle(document.body).backgroundColor];";
    assert_eq!(b.execute(colours, vec![]).await?, marginalia_e2e::json!(["rgb(255, 255, 255)", "rgb(255, 255, 255)"]), "light by default");
    let scheme = |value: &str| marginalia_e2e::json!({ "features": [{ "name": "prefers-color-scheme", "value": value }] });
    b.cdp("Emulation.setEmulatedMedia", scheme("dark")).await?;
    b.wait_until("return getComputedStyle(document.querySelector('.mg-app')).backgroundColor === 'rgb(13, 17, 23)';", WAIT).await?;
    assert_eq!(b.execute(colours, vec![]).await?, marginalia_e2e::json!(["rgb(13, 17, 23)", "rgb(13, 17, 23)"]));
    let (s, e) = range_of(DEFAULT_ARTICLE, "Abdallah Diop");
    label_by_drag(&b, s, e, "1").await?;
    assert_axe_clean(&b, "the standalone page, dark, a span labelled").await?;
    b.cdp("Emulation.setEmulatedMedia", scheme("light")).await?;
    b.wait_until("return getComputedStyle(document.querySelector('.mg-app')).backgroundColor === 'rgb(255, 255, 255)';", WAIT).await?;
    b.close().await
}
