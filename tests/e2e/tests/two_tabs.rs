//! Two tabs on one document in one browser (one profile: they share
//! localStorage): neither overwrites the other. Spans labelled in both, even
//! under the same new ids, all stay in both and after reloading both; the
//! same span relabelled differently in both shows the conflict, and the
//! side the annotator chooses is what both tabs keep after a reload.
//!
//! A tab that misses the other's write for a while is a background tab the
//! browser froze (`Page.setWebLifecycleState`): its own change waits to be
//! stored while the other tab works, which is how the two tabs come to
//! change the same thing at once.

mod support;

use marginalia_e2e::fantoccini::wd::WindowHandle;
use marginalia_e2e::{json, Browser, Mod, Result};
use std::time::Duration;
use support::*;

/// The browser's two tabs on the default article.
struct Tabs {
    b: Browser,
    a: WindowHandle,
    other: WindowHandle,
}

impl Tabs {
    async fn open() -> Result<Tabs> {
        let b = open_app().await?;
        let a = b.client().window().await?;
        let other = b.client().new_window(true).await?.handle;
        b.client().switch_to_window(other.clone()).await?;
        b.goto_app().await?;
        Ok(Tabs { b, a, other })
    }

    /// Brings tab A (`true`) or B to the front; WebDriver then acts there.
    async fn to(&self, a: bool) -> Result<&Browser> {
        let handle = if a { &self.a } else { &self.other };
        self.b.client().switch_to_window(handle.clone()).await?;
        Ok(&self.b)
    }

    /// Freezes or resumes the tab in front, as the browser does with a
    /// background tab.
    async fn freeze(&self, frozen: bool) -> Result {
        let state = if frozen { "frozen" } else { "active" };
        self.b.cdp("Page.setWebLifecycleState", json!({ "state": state })).await?;
        Ok(())
    }
}

/// Spans as `(text, label)`, sorted: what both tabs must agree on.
async fn labelled(b: &Browser) -> Result<Vec<(String, String)>> {
    let mut v: Vec<_> = spans(b).await?.into_iter().map(|(_, _, label, text)| (text, label)).collect();
    v.sort();
    Ok(v)
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<_> = items.iter().map(|(t, l)| (t.to_string(), l.to_string())).collect();
    v.sort();
    v
}

/// Waits until the tab in front holds exactly `want`.
async fn wait_labelled(b: &Browser, want: &[(String, String)]) -> Result {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let got = labelled(b).await?;
        if got == want {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            return Err(format!("the tab holds {got:?}, expected {want:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every span id of the tab in front, to check none is used twice.
async fn ids(b: &Browser) -> Result<Vec<String>> {
    let raw = raw_spans(b).await?;
    let mut v: Vec<String> = raw.as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap_or("").to_string()).collect();
    v.sort();
    Ok(v)
}

/// Selects span `text` by clicking its tag, then presses `key` (relabel).
async fn relabel(b: &Browser, text: &str, label: &str, key: &str) -> Result {
    let n = span_number(b, text, label).await?;
    b.click(&format!("#mg-tag-{n}")).await?;
    b.wait_for(&format!(r#"#mg-tag-{n}[aria-pressed="true"]"#)).await?;
    b.press(key).await
}

#[tokio::test]
async fn two_tabs_keep_each_others_spans_and_a_conflict_is_the_annotators_choice() -> Result {
    let text = DEFAULT_ARTICLE;
    let tabs = Tabs::open().await?;

    // Tab B labels one span and is frozen before it stores it; tab A,
    // which has not seen it, labels two: both tabs hand out s1.
    let b = tabs.to(false).await?;
    let (k, e) = range_of(text, "Kremlin");
    label_by_drag(b, k, e, "2").await?;
    tabs.freeze(true).await?;
    let a = tabs.to(true).await?;
    let (d, e2) = range_of(text, "Abdallah Diop");
    label_by_drag(a, d, e2, "1").await?;
    let (m, e3) = range_of(text, "Mali");
    label_by_drag(a, m, e3, "3").await?;
    let all = pairs(&[("Kremlin", "ORG"), ("Abdallah Diop", "PERSON"), ("Mali", "GPE")]);

    // B wakes: it merges A's work and stores its own, which A merges.
    let b = tabs.to(false).await?;
    tabs.freeze(false).await?;
    wait_labelled(b, &all).await?;
    let in_b = ids(b).await?;
    let a = tabs.to(true).await?;
    wait_labelled(a, &all).await?;
    assert_eq!(ids(a).await?, in_b, "both tabs hold the same span ids");
    let mut unique = in_b.clone();
    unique.dedup();
    assert_eq!(unique.len(), 3, "no id is used twice: {in_b:?}");

    // Reopening both tabs: all three in each.
    a.reload_app().await?;
    wait_labelled(a, &all).await?;
    let b = tabs.to(false).await?;
    b.reload_app().await?;
    wait_labelled(b, &all).await?;

    // The same span relabelled differently: ORG in B (frozen before it
    // stores), NORP in A.
    relabel(b, "Abdallah Diop", "PERSON", "2").await?;
    tabs.freeze(true).await?;
    let a = tabs.to(true).await?;
    relabel(a, "Abdallah Diop", "PERSON", "5").await?;
    wait_labelled(a, &pairs(&[("Kremlin", "ORG"), ("Abdallah Diop", "NORP"), ("Mali", "GPE")])).await?;

    let b = tabs.to(false).await?;
    tabs.freeze(false).await?;
    let conflict = b.wait_for("#mg-tab-conflict").await?;
    assert_eq!(conflict.attr("role").await?.as_deref(), Some("alert"));
    let said = b.text_of("#mg-tab-conflict").await?;
    assert!(said.contains("“Abdallah Diop”: ORG here, NORP in the other tab"), "{said}");
    let axe = b.run_axe().await?;
    assert!(axe.is_clean(), "{axe}");
    // Nothing is stored over A's work while the choice waits.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let a = tabs.to(true).await?;
    assert_eq!(labelled(a).await?, pairs(&[("Kremlin", "ORG"), ("Abdallah Diop", "NORP"), ("Mali", "GPE")]));

    // Keep mine, from the keyboard: B's ORG wins in both tabs, and after a reload.
    let b = tabs.to(false).await?;
    // From the span just relabelled, back up to the choice in the header.
    let mut presses = 0;
    while focused_id(b).await? != "mg-tab-keep-mine" {
        presses += 1;
        assert!(presses < 40, "Shift+Tab never reached “Keep mine” (focus on #{})", focused_id(b).await?);
        b.press_with(&[Mod::Shift], "Tab").await?;
    }
    b.press("Enter").await?;
    b.wait_for_gone("#mg-tab-conflict").await?;
    let kept = pairs(&[("Kremlin", "ORG"), ("Abdallah Diop", "ORG"), ("Mali", "GPE")]);
    wait_labelled(b, &kept).await?;
    let a = tabs.to(true).await?;
    wait_labelled(a, &kept).await?;
    a.reload_app().await?;
    wait_labelled(a, &kept).await?;
    let b = tabs.to(false).await?;
    b.reload_app().await?;
    wait_labelled(b, &kept).await?;
    tabs.b.close().await
}
