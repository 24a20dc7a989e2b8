//! The harness checks itself against a small page of its own
//! (`tests/fixtures/harness-page/`), so that a failing app test means the app,
//! not the harness: real-mouse selection by code points (astral and
//! non-ASCII text), keys with modifiers, downloads, uploads, axe, storage.

use marginalia_e2e::{fixture, Browser, Mod, Result, Server};
use std::time::Duration;

fn page(name: &str) -> String {
    format!("{}{name}", Server::serve(fixture("harness-page")).url())
}

async fn text_content(b: &Browser, css: &str) -> Result<String> {
    let v = b
        .execute(
            "return document.querySelector(arguments[0]).textContent;",
            vec![css.into()],
        )
        .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

#[tokio::test]
async fn drag_select_selects_code_points_with_the_mouse() -> Result {
    let b = Browser::new().await?;
    b.goto(&page("index.html")).await?;
    b.wait_for("#article .mg-run").await?;

    // Starts on an astral character (two UTF-16 units) and crosses runs.
    b.drag_select_in("#article", &[], 12, 24).await?;
    assert_eq!(b.selection_text().await?, "😀 naïve café");
    assert_eq!(
        text_content(&b, "#mouse").await?,
        "up alt=false shift=false"
    );

    // After an astral character in the same run: UTF-16 offsets differ from code points.
    b.drag_select_in("#article", &[], 14, 19).await?;
    assert_eq!(b.selection_text().await?, "naïve");
    b.drag_select_in("#article", &[], 20, 24).await?;
    assert_eq!(b.selection_text().await?, "café");

    // Alt is held through the whole drag.
    b.drag_select_in("#article", &[Mod::Alt], 0, 5).await?;
    assert_eq!(b.selection_text().await?, "Hello");
    assert_eq!(text_content(&b, "#mouse").await?, "up alt=true shift=false");

    // Offsets outside every run are an error, not a silent wrong selection.
    assert!(b.drag_select_in("#article", &[], 28, 31).await.is_err());
    b.close().await
}

#[tokio::test]
async fn keys_and_modifiers_reach_the_page() -> Result {
    let b = Browser::new().await?;
    b.goto(&page("index.html")).await?;
    b.click("#name").await?;
    b.type_text("abc").await?;
    b.press("Backspace").await?; // ab
    b.press("ArrowLeft").await?; // a|b
    b.press_with(&[Mod::Shift], "ArrowRight").await?; // a[b]
    b.press("Delete").await?; // a
    b.press_with(&[Mod::Ctrl], "z").await?; // undo: ab
    b.press("Escape").await?;
    b.press("Enter").await?;
    b.press("Tab").await?; // focus leaves the input
    b.press_with(&[Mod::Meta, Mod::Alt], "k").await?;
    let value = b
        .execute("return document.getElementById('name').value;", vec![])
        .await?;
    assert_eq!(value, "ab");
    assert_eq!(
        text_content(&b, "#keys").await?,
        "a b c Backspace ArrowLeft Shift Shift+ArrowRight Delete Control Ctrl+z \
         Escape Enter Tab Meta Meta+Alt Alt+Meta+k"
    );
    b.close().await
}

#[tokio::test]
async fn downloads_land_in_the_session_download_dir() -> Result {
    let b = Browser::new().await?;
    b.goto(&page("index.html")).await?;
    b.click("#download").await?;
    let file = b
        .downloaded_file("*.marginalia.json", Duration::from_secs(15))
        .await?;
    assert_eq!(file.path.parent(), Some(b.download_dir()));
    assert_eq!(file.path.file_name().unwrap(), "harness-1.marginalia.json");
    assert_eq!(
        file.json()?,
        serde_json::json!({ "text": "naïve 😀", "spans": [] })
    );
    // Nothing else matches.
    assert!(b
        .downloaded_file("*.txt", Duration::from_millis(300))
        .await
        .is_err());
    b.close().await
}

#[tokio::test]
async fn uploads_go_through_a_hidden_file_input() -> Result {
    let b = Browser::new().await?;
    b.goto(&page("index.html")).await?;
    b.upload_file("#file", fixture("harness-page/upload.txt"))
        .await?;
    b.wait_until(
        "return document.getElementById('file-out').textContent;",
        Duration::from_secs(10),
    )
    .await?;
    assert_eq!(
        text_content(&b, "#file-out").await?,
        "upload.txt: uploaded through the file dialog: ünïcödé 🙂\n"
    );
    b.close().await
}

#[tokio::test]
async fn axe_finds_serious_violations_and_only_those() -> Result {
    let b = Browser::new().await?;
    b.goto(&page("index.html")).await?;
    let clean = b.run_axe().await?;
    assert!(clean.is_clean(), "{clean}");

    b.goto(&page("inaccessible.html")).await?;
    let bad = b.run_axe().await?;
    assert!(bad.has("image-alt") && bad.has("button-name"), "{bad}");
    assert!(bad.to_string().contains("button-name"), "{bad}");
    b.close().await
}

#[tokio::test]
async fn each_browser_has_fresh_storage_that_survives_reload() -> Result {
    let first = Browser::new().await?;
    first.goto(&page("index.html")).await?;
    assert_eq!(text_content(&first, "#stored").await?, "visits=1");
    first.reload().await?;
    first.wait_for("#stored").await?;
    assert_eq!(text_content(&first, "#stored").await?, "visits=2");

    let second = Browser::new().await?;
    second.goto(&page("index.html")).await?;
    assert_eq!(text_content(&second, "#stored").await?, "visits=1");
    second.close().await?;
    // Dropped without close(): the session still ends (see `impl Drop for Browser`).
    drop(first);
    Ok(())
}
