//! Two tabs on one document in one browser (one profile: they share
//! localStorage): neither overwrites the other. Spans labelled in both, even
//! at the same moment under the same new ids, all stay in both and after
//! reloading both; the same span relabelled differently in both at the same
//! moment shows the conflict, and the side the annotator chooses is what
//! both tabs keep after a reload.
//!
//! "At the same moment" is within the 250 ms a tab waits before it stores a
//! change: the key is pressed in tab B, then at once in tab A.

mod support;

use marginalia_e2e::fantoccini::wd::WindowHandle;
use marginalia_e2e::{json, Browser, Mod, Result};
use std::time::{Duration, Instant};
use support::cms::*;
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
        // A second window, so that neither is hidden (a tab in the
        // background stores its work as it goes there).
        let other = b.client().new_window(false).await?.handle;
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

    /// Presses `key_b` in tab B (in front), then at once `key_a` in tab A
    /// (two windows side by side: neither is hidden, which would store it):
    /// two changes before either tab has stored (and so heard) the other's.
    async fn press_in_both(&self, key_b: &str, key_a: &str) -> Result<Duration> {
        let t = Instant::now();
        self.b.press(key_b).await?;
        self.to(true).await?.press(key_a).await?;
        Ok(t.elapsed())
    }

    /// The tab (A: `true`) that shows the conflict: the one that stored second.
    async fn conflicted(&self, apart: Duration) -> Result<bool> {
        let deadline = Instant::now() + WAIT;
        loop {
            for a in [true, false] {
                if self.to(a).await?.count("#mg-tab-conflict").await? > 0 {
                    return Ok(a);
                }
            }
            if Instant::now() > deadline {
                return Err(format!("no tab shows a conflict (the keys were {apart:?} apart)").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Relabels `text` with `key_b` in B and `key_a` in A at the same
    /// moment, and returns the tab showing the conflict (A: `true`). On a
    /// loaded machine the browser may deliver one tab's stored change
    /// before the other tab's key: the edits are then one after the other,
    /// both tabs agree and no conflict is owed; the race is run again from
    /// there (at most five times).
    async fn race(&self, text: &str, key_b: &str, key_a: &str) -> Result<bool> {
        let mut tries = Vec::new();
        for attempt in 0..5 {
            if attempt > 0 {
                // Back to a label neither key gives (GPE), so both keys change it again.
                let a = self.to(true).await?;
                select_span(a, text, &self.agreed_label(text).await?).await?;
                self.to(true).await?.press("3").await?;
                let deadline = Instant::now() + WAIT;
                while self.agreed_label(text).await? != "GPE" {
                    if Instant::now() > deadline {
                        return Err(format!("“{text}” did not become GPE in both tabs").into());
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
            let now = self.agreed_label(text).await?;
            select_span(self.to(true).await?, text, &now).await?;
            select_span(self.to(false).await?, text, &now).await?;
            let apart = self.press_in_both(key_b, key_a).await?;
            match self.conflicted(apart).await {
                Ok(a) => return Ok(a),
                Err(e) => tries.push(e.to_string()),
            }
        }
        Err(format!("no conflict in five races: {tries:?}").into())
    }

    /// The label of `text` once both tabs hold the same one.
    async fn agreed_label(&self, text: &str) -> Result<String> {
        let deadline = Instant::now() + WAIT;
        loop {
            let a = labelled(self.to(true).await?).await?;
            let b = labelled(self.to(false).await?).await?;
            let label = a.iter().find(|(t, _)| t == text).map(|(_, l)| l.clone());
            if a == b {
                if let Some(label) = label {
                    return Ok(label);
                }
            }
            if Instant::now() > deadline {
                return Err(format!("the tabs do not agree on “{text}”: {a:?} / {b:?}").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
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
    let deadline = Instant::now() + WAIT;
    loop {
        let got = labelled(b).await?;
        if got == want {
            return Ok(());
        }
        if Instant::now() > deadline {
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

/// Selects span `text` by clicking its tag (a label key then relabels it).
async fn select_span(b: &Browser, text: &str, label: &str) -> Result {
    let n = span_number(b, text, label).await?;
    b.click(&format!("#mg-tag-{n}")).await?;
    b.wait_for(&format!(r#"#mg-tag-{n}[aria-pressed="true"]"#)).await?;
    Ok(())
}

#[tokio::test]
async fn two_tabs_keep_each_others_spans_and_a_conflict_is_the_annotators_choice() -> Result {
    let text = DEFAULT_ARTICLE;
    let tabs = Tabs::open().await?;

    // Both tabs label a span at the same moment: each hands out s1.
    let (d, e2) = range_of(text, "Abdallah Diop");
    let a = tabs.to(true).await?;
    a.drag_select(d, e2).await?;
    wait_pending(a).await?;
    let (k, e) = range_of(text, "Kremlin");
    let b = tabs.to(false).await?;
    b.drag_select(k, e).await?;
    wait_pending(b).await?;
    let first = tabs.press_in_both("2", "1").await?;
    // Then A labels one more.
    let (m, e3) = range_of(text, "Mali");
    a.drag_select(m, e3).await?;
    wait_pending(a).await?;
    a.press("3").await?;
    let all = pairs(&[("Kremlin", "ORG"), ("Abdallah Diop", "PERSON"), ("Mali", "GPE")]);

    // Each tab merges the other's work: both hold all three, under the same ids.
    wait_labelled(a, &all).await?;
    let b = tabs.to(false).await?;
    wait_labelled(b, &all).await?;
    let in_b = ids(b).await?;
    let a = tabs.to(true).await?;
    let deadline = Instant::now() + WAIT;
    while ids(a).await? != in_b && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(ids(a).await?, in_b, "both tabs hold the same span ids");
    let mut unique = in_b.clone();
    unique.dedup();
    assert_eq!(unique.len(), 3, "no id is used twice: {in_b:?}");
    if first < Duration::from_millis(250) {
        // A pressed before B could have stored (250 ms after its key): both
        // handed out s1; Abdallah Diop, before Kremlin in the text, kept it
        // and Kremlin moved to a fresh id.
        let raw = raw_spans(b).await?.as_array().cloned().unwrap_or_default();
        let id_of = |t: &str| raw.iter().find(|s| s["text"] == t).map(|s| s["id"].clone());
        assert_eq!(id_of("Abdallah Diop"), Some(json!("s1")), "keys {first:?} apart");
        assert_ne!(id_of("Kremlin"), Some(json!("s1")));
    }

    // Reopening both tabs: all three in each.
    a.reload_app().await?;
    wait_labelled(a, &all).await?;
    let b = tabs.to(false).await?;
    b.reload_app().await?;
    wait_labelled(b, &all).await?;
    let _ = b;

    // The same span relabelled differently at the same moment: ORG in B, NORP in A.
    // The tab that stores second finds the other's change and shows the conflict.
    let in_a = tabs.race("Abdallah Diop", "2", "5").await?;
    let (mine, theirs) = if in_a { ("NORP", "ORG") } else { ("ORG", "NORP") };
    let c = tabs.to(in_a).await?;
    let conflict = c.find("#mg-tab-conflict").await?;
    assert_eq!(conflict.attr("role").await?.as_deref(), Some("alert"));
    let said = c.text_of("#mg-tab-conflict").await?;
    assert!(said.contains(&format!("“Abdallah Diop”: {mine} here, {theirs} in the other tab")), "{said}");
    let axe = c.run_axe().await?;
    assert!(axe.is_clean(), "{axe}");
    // Nothing is stored over the other tab's work while the choice waits.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let other = tabs.to(!in_a).await?;
    let theirs_now = pairs(&[("Kremlin", "ORG"), ("Abdallah Diop", theirs), ("Mali", "GPE")]);
    assert_eq!(labelled(other).await?, theirs_now);
    assert_eq!(other.count("#mg-tab-conflict").await?, 0, "only one tab shows the conflict");

    // Keep mine, from the keyboard: back up from the span to the choice in the header.
    let c = tabs.to(in_a).await?;
    let mut presses = 0;
    while focused_id(c).await? != "mg-tab-keep-mine" {
        presses += 1;
        assert!(presses < 40, "Shift+Tab never reached “Keep mine” (focus on #{})", focused_id(c).await?);
        c.press_with(&[Mod::Shift], "Tab").await?;
    }
    c.press("Enter").await?;
    c.wait_for_gone("#mg-tab-conflict").await?;
    let kept = pairs(&[("Kremlin", "ORG"), ("Abdallah Diop", mine), ("Mali", "GPE")]);
    wait_labelled(c, &kept).await?;
    let other = tabs.to(!in_a).await?;
    wait_labelled(other, &kept).await?;
    // After reopening both, the choice is what both hold.
    other.reload_app().await?;
    wait_labelled(other, &kept).await?;
    let c = tabs.to(in_a).await?;
    c.reload_app().await?;
    wait_labelled(c, &kept).await?;

    // A conflict left unchosen as its tab reloads: the other tab's side is
    // what stays stored, and this tab's side is kept aside, not lost.
    let in_a = tabs.race("Kremlin", "1", "5").await?;
    let (mine, theirs) = if in_a { ("NORP", "PERSON") } else { ("PERSON", "NORP") };
    let c = tabs.to(in_a).await?;
    c.reload_app().await?;
    let stored = c.execute("return window.marginalia.getAnnotations().spans.find(s => s.text === 'Kremlin').label;", vec![]).await?;
    assert_eq!(stored, json!(theirs), "the other tab's side is what stays stored");
    let kept_aside = c
        .execute(
            "return Object.keys(localStorage).filter(k => k.startsWith('marginalia:v1:aside:'))
               .some(k => JSON.parse(localStorage.getItem(k)).spans.some(s => s.text === 'Kremlin' && s.label === arguments[0]));",
            vec![json!(mine)],
        )
        .await?;
    assert_eq!(kept_aside, json!(true), "this tab's {mine} for “Kremlin” was not kept aside");
    tabs.b.close().await
}

#[tokio::test]
async fn two_tabs_saving_to_the_cms_do_not_fight() -> Result {
    let doc = "two-tabs-cms";
    let text = DEFAULT_ARTICLE;
    let path = format!("?save=/api/annotations/{doc}");
    let b = Browser::new().await?;
    b.goto_app_path(&path).await?;
    b.wait_for_app().await?;
    wait_remote(&b, "saved", "").await?;
    let a_window = b.client().window().await?;
    let b_window = b.client().new_window(false).await?.handle;
    b.client().switch_to_window(b_window.clone()).await?;
    b.goto_app_path(&path).await?;
    b.wait_for_app().await?;
    wait_remote(&b, "saved", "").await?;

    // A labels, B sees it and labels too, then A again: each tab saves the
    // merged work with the ETag it last had.
    b.client().switch_to_window(a_window.clone()).await?;
    let (d, e) = range_of(text, "Abdallah Diop");
    label_by_drag(&b, d, e, "1").await?;
    wait_remote(&b, "saved", "").await?;
    b.client().switch_to_window(b_window.clone()).await?;
    wait_labelled(&b, &pairs(&[("Abdallah Diop", "PERSON")])).await?;
    let (k, e) = range_of(text, "Kremlin");
    label_by_drag(&b, k, e, "2").await?;
    wait_remote(&b, "saved", "").await?;
    b.client().switch_to_window(a_window.clone()).await?;
    let two = pairs(&[("Abdallah Diop", "PERSON"), ("Kremlin", "ORG")]);
    wait_labelled(&b, &two).await?;
    let (m, e) = range_of(text, "Mali");
    label_by_drag(&b, m, e, "3").await?;
    let all = pairs(&[("Abdallah Diop", "PERSON"), ("Kremlin", "ORG"), ("Mali", "GPE")]);

    // The CMS ends with all three, and neither tab shows a conflict.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let held = marginalia_e2e::Server::save_endpoint().document(doc).map(|(_, body)| {
            let record: marginalia_e2e::Value = marginalia_e2e::serde_json::from_str(&body).unwrap();
            let mut v: Vec<_> = summarize(&record).into_iter().map(|(_, _, l, t)| (t, l)).collect();
            v.sort();
            v
        });
        if held.as_ref() == Some(&all) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the CMS holds {held:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for w in [&a_window, &b_window] {
        b.client().switch_to_window(w.clone()).await?;
        wait_labelled(&b, &all).await?;
        wait_remote(&b, "saved", "").await?;
        assert_eq!(b.count("#mg-conflict").await?, 0, "a tab shows a CMS conflict");
        assert_eq!(b.count("#mg-tab-conflict").await?, 0);
    }
    b.close().await
}

#[tokio::test]
async fn without_the_merges_part_a_tab_writes_nothing_over_the_others_work_and_merges_once_it_comes() -> Result {
    let text = DEFAULT_ARTICLE;
    let tabs = Tabs::open().await?;
    // Tab A cannot fetch the merge (its side panel came with the first paint).
    let a = tabs.to(true).await?;
    a.wait_for("#mg-panel h2").await?;
    block_parts(a, true).await?;

    // B labels a span; A hears it, cannot merge it, and says so.
    let b = tabs.to(false).await?;
    let (k, e) = range_of(text, "Kremlin");
    label_by_drag(b, k, e, "2").await?;
    let a = tabs.to(true).await?;
    let said = wait_notice(a, "error").await?;
    assert!(said.contains("could not be merged") && said.contains("Nothing is written over them"), "{said}");

    // A labels one of its own: it writes nothing over B's work.
    let (d, e) = range_of(text, "Abdallah Diop");
    label_by_drag(a, d, e, "1").await?;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let b = tabs.to(false).await?;
    assert_eq!(labelled(b).await?, pairs(&[("Kremlin", "ORG")]), "B's work stays as B stored it");

    // The network is back: A's next change brings the merge, and both tabs
    // hold the work of both.
    let a = tabs.to(true).await?;
    block_parts(a, false).await?;
    let (m, e) = range_of(text, "Mali");
    label_by_drag(a, m, e, "3").await?;
    let all = pairs(&[("Kremlin", "ORG"), ("Abdallah Diop", "PERSON"), ("Mali", "GPE")]);
    wait_labelled(a, &all).await?;
    wait_labelled(tabs.to(false).await?, &all).await?;
    let a = tabs.to(true).await?;
    a.reload_app().await?;
    wait_labelled(a, &all).await?;
    tabs.b.close().await
}
