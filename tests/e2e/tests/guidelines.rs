//! Guidelines at hand (issue 21): the first Tab stop is "Skip to the
//! article", which puts the keyboard in the text in one Tab and Enter
//! (instead of the 20-odd stops of the toolbar and labels); `?` opens the
//! guidelines — every label with its colour, key and description, the
//! links, the keys — and Escape or `?` closes them, back to labelling.

mod support;

use marginalia_e2e::{json, workspace_root, Browser, Result};
use support::*;

async fn guidelines_open(b: &Browser) -> Result<bool> {
    Ok(b.execute("return !!document.querySelector('#mg-guidelines[role=dialog]');", vec![]).await? == json!(true))
}

#[tokio::test]
async fn one_tab_and_enter_reach_the_text_and_the_guidelines_open_with_question_mark() -> Result {
    let b = open_app().await?;
    // Without the skip link, Tab crosses every control before the text.
    let stops = tab_to(&b, "mg-article", 60).await?;
    assert!(stops > 10, "the article is {stops} Tab stops in: then the skip link saves little");
    b.reload_app().await?;
    b.press("Tab").await?;
    let first = b.execute("const e = document.activeElement; return [e.className, e.textContent, e.getBoundingClientRect().width > 1];", vec![]).await?;
    assert_eq!(first, json!(["mg-button mg-skip", "Skip to the article", true]), "the first Tab stop, visible when focused");
    b.press("Enter").await?;
    assert_eq!(focused_id(&b).await?, "mg-article", "1 Tab + Enter instead of {stops} Tabs");
    // The keys work from there at once.
    b.press("ArrowRight").await?;
    let first_word = wait_pending(&b).await?;
    assert!(!first_word.is_empty());

    // `?` opens the guidelines; each label of the schema is there with its
    // key and its description (the news schema describes each).
    b.press_with(&[marginalia_e2e::Mod::Shift], "?").await?;
    b.wait_until("return !!document.querySelector('#mg-guidelines[role=dialog]');", WAIT).await?;
    let labels = b
        .execute(
            "return [...document.querySelectorAll('#mg-guidelines .mg-guide-labels dt')].map(dt => [dt.dataset.label, (dt.querySelector('kbd') || {}).textContent || '', dt.nextElementSibling.textContent]);",
            vec![],
        )
        .await?;
    let buttons = b.execute("return [...document.querySelectorAll('button.mg-label')].map(e => [e.dataset.label, e.getAttribute('aria-keyshortcuts') || '']);", vec![]).await?;
    let labels = labels.as_array().unwrap();
    assert_eq!(labels.len(), buttons.as_array().unwrap().len(), "{labels:?}");
    for (l, btn) in labels.iter().zip(buttons.as_array().unwrap()) {
        assert_eq!((&l[0], &l[1]), (&btn[0], &btn[1]), "label and key as the label bar has them");
        let description = l[2].as_str().unwrap();
        assert!(description.len() > 10 && !description.starts_with("No description"), "{l:?}");
    }
    let text = b.text_of("#mg-guidelines").await?;
    assert!(text.contains("Claimed by") && text.contains("Escape"), "links and keys are listed: {text}");
    assert_eq!(focused_id(&b).await?, "", "focus is on the panel's Close button (no id)");
    assert_eq!(b.execute("return document.activeElement.textContent;", vec![]).await?, json!("Close"));
    let report = b.run_axe().await?;
    assert!(report.is_clean(), "the guidelines open:\n{report}");

    // Escape closes it; the selection made before is still there.
    b.press("Escape").await?;
    b.wait_until("return !document.querySelector('#mg-guidelines');", WAIT).await?;
    assert_eq!(pending_text(&b).await?, first_word, "Escape closed the panel first, not the selection");
    // `?` toggles it from the article too.
    b.click("#mg-article").await?;
    b.press_with(&[marginalia_e2e::Mod::Shift], "?").await?;
    b.wait_until("return !!document.querySelector('#mg-guidelines');", WAIT).await?;
    assert!(guidelines_open(&b).await?);
    b.click("#mg-guidelines button").await?;
    b.wait_until("return !document.querySelector('#mg-guidelines');", WAIT).await?;
    b.close().await
}

/// A project's guidelines, Markdown in its label schema: drawn in the
/// panel (headings, lists, a table, a safe link) with nothing of the page
/// able to run — a `<script>` and an `<img onerror>` are shown as text, a
/// `javascript:` link keeps its words and loses its address — and kept
/// with the schema over a reload.
#[tokio::test]
async fn a_projects_markdown_guidelines_are_drawn_safely_in_the_panel() -> Result {
    let b = open_app().await?;
    let mut schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(workspace_root().join("crates/core/data/news.labels.json"))?)?;
    schema["name"] = json!("Desk rules");
    schema["guidelines"] = json!(
        "# Entities\n\nMark **people** by their full name (Zoë, «أحمد», 東京 as GPE 👩🏽‍💻).\n\n\
         - Titles are *not* part of a name\n- See [the handbook](https://example.org/guide)\n- Never [this](javascript:window.pwned=1)\n\n\
         | label | key |\n|---|---|\n| ORG | 2 |\n\n<script>window.pwned = 1</script>\n\n<img src=x onerror=\"window.pwned=1\">\n"
    );
    b.upload_file("#mg-schema-input", write_temp("desk.labels.json", schema.to_string())).await?;
    b.wait_until("return document.querySelector('.mg-labels').textContent.includes('PERSON');", WAIT).await?;
    for pass in ["opened", "reloaded"] {
        b.click("#mg-article").await?;
        b.press_with(&[marginalia_e2e::Mod::Shift], "?").await?;
        b.wait_for("#mg-guidelines .mg-project-guidelines .mg-markdown").await?;
        let drawn = b
            .execute(
                "const md = document.querySelector('#mg-guidelines .mg-markdown');
                 return { h: [...md.querySelectorAll('h3')].map(h => h.textContent), li: md.querySelectorAll('li').length,
                          th: [...md.querySelectorAll('th')].map(t => t.textContent), links: [...md.querySelectorAll('a')].map(a => [a.textContent, a.getAttribute('href'), a.rel]),
                          scripts: md.querySelectorAll('script, img, [onerror]').length, text: md.textContent, pwned: window.pwned === undefined ? null : window.pwned };",
                vec![],
            )
            .await?;
        assert_eq!(drawn["h"], json!(["Entities"]), "{pass}: {drawn}");
        assert_eq!(drawn["li"], json!(3), "{pass}");
        assert_eq!(drawn["th"], json!(["label", "key"]), "{pass}");
        assert_eq!(drawn["links"], json!([["the handbook", "https://example.org/guide", "noopener noreferrer"]]), "{pass}: only the safe link");
        assert_eq!(drawn["scripts"], json!(0), "{pass}: no element from the Markdown's HTML");
        let text = drawn["text"].as_str().unwrap_or("");
        assert!(text.contains("<script>window.pwned = 1</script>") && text.contains("Never this") && text.contains("東京 as GPE 👩🏽‍💻"), "{pass}: {text}");
        assert_eq!(drawn["pwned"], json!(null), "{pass}: nothing from the guidelines ran");
        let report = b.run_axe().await?;
        assert!(report.is_clean(), "{pass}: axe with the project's guidelines open: {report:?}");
        if pass == "opened" {
            b.reload_app().await?;
        }
    }
    b.close().await
}
