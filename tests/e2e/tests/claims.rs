//! Claims as an annotator makes them (issue 4), on the default article:
//! Richard Mills's description of Wagner, selected with the mouse or with
//! the keyboard alone and labelled with `c`; linked to its claimant and its
//! subjects by clicking them in the text or typing their names; its
//! attributes set in the claim form; undone and redone; kept over a reload;
//! saved as a record that Python reads back (code-point offsets, relation
//! ends, Prodigy's head/child tokens); and the form passes axe.

mod support;

use marginalia_e2e::{json, Browser, Mod, Result, Value};
use support::*;

/// The span numbers (`data-span`) of the entities a claim links to.
struct Ids {
    mills: String,
    wagner: String,
    mali: String,
}

/// Labels "Richard Mills" PERSON, then the claim's "Wagner" ORG and "Mali"
/// GPE, each with a sloppy drag and the label's key.
async fn label_entities(b: &Browser) -> Result<Ids> {
    let (m, e) = range_of(DEFAULT_ARTICLE, "Richard Mills");
    label_by_drag(b, m + 3, e - 2, "1").await?; // "hard Mil"
    let (w, e) = wagner_in_claim();
    label_by_drag(b, w + 1, e - 1, "2").await?; // "agne"
    let (g, e) = mali_in_claim();
    label_by_drag(b, g, e, "3").await?;
    let now = spans(b).await?;
    for want in [
        expect_span(DEFAULT_ARTICLE, "Richard Mills", 0, "PERSON"),
        (w as u64, w as u64 + 6, "ORG".into(), "Wagner".into()),
        (g as u64, g as u64 + 4, "GPE".into(), "Mali".into()),
    ] {
        assert!(
            now.contains(&want),
            "{want:?} is not among the spans {now:?}"
        );
    }
    Ok(Ids {
        mills: span_number(b, "Richard Mills", "PERSON").await?,
        wagner: span_number(b, "Wagner", "ORG").await?,
        mali: span_number(b, "Mali", "GPE").await?,
    })
}

/// Selects the claim with the mouse (from "Wagner" to the closing quote,
/// over the entity tags inside) and presses `c`; returns its span number.
async fn claim_by_drag(b: &Browser) -> Result<String> {
    let before = record(b).await?["spans"].as_array().map_or(0, Vec::len);
    let (c, e) = claim_range();
    b.drag_select(c + 2, e).await?;
    assert_eq!(
        wait_pending(b).await?,
        CLAIM,
        "the drag over the claim does not snap to it"
    );
    b.press("c").await?;
    wait_span_count(b, before + 1).await?;
    span_number(b, CLAIM, "CLAIM").await
}

/// Types `what` into relation `label`'s input and presses Enter.
async fn link_by_typing(b: &Browser, label: &str, what: &str) -> Result {
    let input = format!("#mg-link-{label}");
    b.click(&input).await?;
    b.type_text(what).await?;
    b.press("Enter").await
}

/// The claim form shown now, with what it holds.
async fn assert_form(b: &Browser, want: Value, step: &str) -> Result {
    b.wait_for("#mg-panel section.mg-claim-form").await?;
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let now = claim_form_values(b).await?;
        if now == want {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            return Err(format!("{step}: the claim form shows {now}, expected {want}").into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The form's values: the attributes, `""` (the "not set" option, an
/// empty note) for each one not set.
fn form_of(attributes: &Value) -> Value {
    let a = attributes.as_object().expect("attributes");
    let or_unset = |key: &str| a.get(key).cloned().unwrap_or(json!(""));
    json!({
        "claim_type": or_unset("claim_type"),
        "stance": or_unset("stance"),
        "check_worthy": or_unset("check_worthy"),
        "verdict": or_unset("verdict"),
        "note": or_unset("note"),
    })
}

fn triple(label: &str, from: &str, to: &str) -> (String, String, String) {
    (label.into(), from.into(), to.into())
}

#[tokio::test]
async fn a_claim_made_with_the_mouse_links_its_claimant_and_subjects() -> Result {
    let b = open_app().await?;
    // An entity the claim is not about, to tell "related" from "everything".
    let (k, e) = range_of(DEFAULT_ARTICLE, "Kremlin");
    label_by_drag(&b, k, e, "2").await?;
    let kremlin = span_number(&b, "Kremlin", "ORG").await?;
    let ids = label_entities(&b).await?;
    let claim = claim_by_drag(&b).await?;
    let sid = format!("s{claim}");

    // The claim: in the claim layer, with no attribute chosen or pre-filled.
    let rec = record(&b).await?;
    let span = find_span(&rec, CLAIM, "CLAIM").ok_or("no CLAIM span")?;
    let (c, e) = claim_range();
    assert_eq!(
        (span["start"].as_u64(), span["end"].as_u64()),
        (Some(c as u64), Some(e as u64))
    );
    assert_eq!(span["layer"], "claim");
    assert_eq!(span.get("attributes"), None, "a new claim saves no attributes: {span}");
    assert_eq!(span.get("defaults"), None, "the news schema declares no defaults: {span}");

    // Its tag: a claim tag, pressed (the new claim is selected), over the claim's text.
    let claim_tag = format!(r#"#mg-article button.mg-tag.mg-claim-tag[data-span="{claim}"]"#);
    b.wait_for(&claim_tag).await?;
    assert_eq!(
        b.count("#mg-article button.mg-claim-tag").await?,
        1,
        "only the claim has a claim tag"
    );
    assert_eq!(b.text_of(&claim_tag).await?, "CLAIM");
    assert_eq!(
        b.attr(&claim_tag, "aria-pressed").await?.as_deref(),
        Some("true")
    );
    assert_eq!(text_under_span(&b, &claim).await?, CLAIM);
    let shown = tags(&b).await?;
    assert_eq!(
        shown.iter().map(|t| t.label.as_str()).collect::<Vec<_>>(),
        ["ORG", "PERSON", "ORG", "GPE", "CLAIM"],
        "{shown:?}"
    );
    assert!(
        shown.iter().all(|t| t.visible),
        "every tag must stay visible: {shown:?}"
    );

    // Drawn differently: every run of the claim has the dashed overline;
    // "Wagner" and "Mali" inside keep their entity underline as well.
    let drawn = b
        .execute(
            "return Array.from(document.querySelectorAll('#mg-article .mg-run[data-spans]'))
                 .filter(r => r.dataset.spans.split(' ').includes(arguments[0]))
                 .map(r => { const cs = getComputedStyle(r);
                             return [r.textContent, cs.textDecorationLine, cs.textDecorationStyle, cs.boxShadow]; });",
            vec![json!(claim)],
        )
        .await?;
    let runs = drawn.as_array().ok_or("no runs")?;
    assert!(runs.len() >= 3, "the claim's runs: {drawn}");
    for r in runs {
        assert!(
            r[1].as_str().unwrap_or("").contains("overline") && r[2] == "dashed",
            "a run of the claim is not drawn with a dashed overline: {r}"
        );
        let entity = r[0] == "Wagner" || r[0] == "Mali";
        assert_eq!(
            r[3].as_str().unwrap_or("none") != "none",
            entity,
            "only the entities inside the claim are underlined: {r}"
        );
    }

    // The entity tags inside the claim stay clickable: a click selects the
    // entity (not the claim, and no chooser), and the form goes away.
    for n in [&ids.wagner, &ids.mali, &claim] {
        assert!(
            tag_is_clickable(&b, n).await?,
            "tag {n} is covered where a click lands"
        );
    }
    click_in_view(&b, &format!("#mg-tag-{}", ids.wagner)).await?;
    b.wait_for(&format!(r#"#mg-tag-{}[aria-pressed="true"]"#, ids.wagner))
        .await?;
    assert_eq!(b.count("#mg-chooser").await?, 0);
    b.wait_for_gone("#mg-panel section.mg-claim-form").await?;
    click_in_view(&b, &format!("#mg-tag-{}", ids.mali)).await?;
    b.wait_for(&format!(r#"#mg-tag-{}[aria-pressed="true"]"#, ids.mali))
        .await?;
    // Text of the claim outside any entity selects the claim directly.
    click_in_view(&b, &format!(r#"#mg-article .mg-run[data-spans="{claim}"]"#)).await?;
    b.wait_for(&format!(r#"{claim_tag}[aria-pressed="true"]"#))
        .await?;

    // The form beside it, every choice "not set".
    assert_form(&b, form_of(&default_claim_attributes()), "a new claim").await?;
    assert!(b
        .text_of("#mg-panel .mg-selected-detail")
        .await?
        .contains("CLAIM"));
    assert!(claim_form_links(&b).await?.is_empty());

    // Claimed by: "Pick in text", then a click on Richard Mills.
    let pick = pick_button("claimed_by");
    assert_eq!(
        b.attr(&pick, "aria-pressed").await?.as_deref(),
        Some("false")
    );
    b.click(&pick).await?;
    b.wait_for(&format!(r#"{pick}[aria-pressed="true"]"#))
        .await?;
    let hint = wait_notice(&b, "info").await?;
    assert!(hint.contains("click the entity"), "{hint}");
    click_in_view(
        &b,
        &format!(r#"#mg-article .mg-run[data-spans="{}"]"#, ids.mills),
    )
    .await?;
    wait_relation_count(&b, 1).await?;
    assert_eq!(
        relations(&b).await?,
        [triple("claimed_by", CLAIM, "Richard Mills")]
    );
    // The claim stays selected (Mills was a target, not a selection).
    b.wait_for(&format!(r#"{claim_tag}[aria-pressed="true"]"#))
        .await?;
    b.wait_for(&format!(r#"{pick}[aria-pressed="false"]"#))
        .await?;
    // The prompt was answered: it goes.
    b.wait_until("const n = document.getElementById('mg-notice'); return !n || n.hidden || !n.textContent.includes('click the entity');", WAIT)
        .await?;
    // Each link input is named by its relation.
    assert_eq!(b.attr("#mg-link-about", "aria-label").await?.as_deref(), Some("About: add a link"));
    assert_eq!(
        claim_form_links(&b).await?,
        [(
            "claimed_by".to_string(),
            format!("Richard Mills (PERSON s{})", ids.mills)
        )]
    );

    // About: "Wagner" typed, then Enter.
    link_by_typing(&b, "about", "Wagner").await?;
    wait_relation_count(&b, 2).await?;
    assert_eq!(
        control_value(&b, "#mg-link-about").await?,
        "",
        "the input is not cleared"
    );
    // A name that is no entity is refused with a message, and links nothing.
    dismiss_notice(&b).await?;
    link_by_typing(&b, "about", "Prigozhin").await?;
    let refused = wait_notice(&b, "error").await?;
    assert!(refused.contains("Prigozhin"), "{refused}");
    assert_eq!(
        relations(&b).await?.len(),
        2,
        "a refused name must not link"
    );
    b.find("#mg-link-about").await?.clear().await?;

    // About: Mali through the suggestions, which list the entities only.
    let options = b
        .execute(
            "return Array.from(document.querySelectorAll('#mg-link-options-about option')).map(o => o.value);",
            vec![],
        )
        .await?;
    let want_options = json!([
        format!("Kremlin (ORG s{kremlin})"),
        format!("Richard Mills (PERSON s{})", ids.mills),
        format!("Wagner (ORG s{})", ids.wagner),
        format!("Mali (GPE s{})", ids.mali),
    ]);
    assert_eq!(options, want_options, "the suggestions");
    assert_eq!(
        b.attr("#mg-link-about", "list").await?.as_deref(),
        Some("mg-link-options-about")
    );
    b.click("#mg-link-about").await?;
    b.type_text(want_options[3].as_str().unwrap()).await?;
    b.click(&add_button("about")).await?;
    wait_relation_count(&b, 3).await?;
    assert_eq!(
        relations(&b).await?,
        [
            triple("claimed_by", CLAIM, "Richard Mills"),
            triple("about", CLAIM, "Wagner"),
            triple("about", CLAIM, "Mali"),
        ]
    );
    assert_eq!(
        claim_form_links(&b).await?,
        [
            (
                "claimed_by".to_string(),
                format!("Richard Mills (PERSON s{})", ids.mills)
            ),
            ("about".to_string(), format!("Wagner (ORG s{})", ids.wagner)),
            ("about".to_string(), format!("Mali (GPE s{})", ids.mali)),
        ]
    );

    // The attributes, with the mouse.
    choose(&b, "#mg-attr-verdict", "misleading").await?;
    wait_attribute(&b, &sid, "verdict", json!("misleading")).await?;
    choose(&b, "#mg-attr-check_worthy", "yes").await?;
    wait_attribute(&b, &sid, "check_worthy", json!("yes")).await?;
    choose(&b, "#mg-attr-stance", "refutes").await?;
    wait_attribute(&b, &sid, "stance", json!("refutes")).await?;
    let note = "Said at the Security Council — compare the UN’s own audit.";
    b.click("#mg-attr-note").await?;
    b.type_text(note).await?;
    b.press("Tab").await?; // leaving the note commits it
    wait_attribute(&b, &sid, "note", json!(note)).await?;
    let want_attributes = json!({
        "stance": "refutes",
        "check_worthy": "yes",
        "verdict": "misleading",
        "note": note,
    });
    let rec = record(&b).await?;
    assert_eq!(
        find_span(&rec, CLAIM, "CLAIM").unwrap()["attributes"],
        want_attributes
    );
    assert_form(
        &b,
        form_of(&want_attributes),
        "after setting the attributes",
    )
    .await?;

    // Selected, the claim shows its claimant and subjects as related, and
    // nothing else.
    let (mut tags_related, runs_related) = related(&b).await?;
    tags_related.sort();
    let mut want = vec![ids.mills.clone(), ids.wagner.clone(), ids.mali.clone()];
    want.sort();
    assert_eq!(tags_related, want, "the related tags");
    assert_eq!(
        runs_related,
        ["Richard Mills", "Wagner", "Mali"],
        "the related runs"
    );
    // Selected, Mills shows the claim he makes as related.
    click_in_view(
        &b,
        &format!(r#"#mg-article .mg-run[data-spans="{}"]"#, ids.mills),
    )
    .await?;
    b.wait_for(&format!(r#"#mg-tag-{}[aria-pressed="true"]"#, ids.mills))
        .await?;
    b.wait_for_gone("#mg-panel section.mg-claim-form").await?;
    let (tags_related, _) = related(&b).await?;
    assert_eq!(tags_related, std::slice::from_ref(&claim), "Mills's claim");
    // So does the unrelated Kremlin: nothing.
    click_in_view(
        &b,
        &format!(r#"#mg-article .mg-run[data-spans="{kremlin}"]"#),
    )
    .await?;
    b.wait_for(&format!(r#"#mg-tag-{kremlin}[aria-pressed="true"]"#))
        .await?;
    assert_eq!(related(&b).await?, (vec![], vec![]));
    b.press("Escape").await?;
    b.wait_for_gone("#mg-article .mg-tag[aria-pressed=\"true\"]")
        .await?;
    assert_eq!(related(&b).await?, (vec![], vec![]));

    // A link is removed from the form.
    click_in_view(&b, &format!("#mg-tag-{claim}")).await?;
    let mali_link = format!(
        "{} li.mg-link:nth-of-type(2) button.mg-unlink",
        link_group("about")
    );
    assert!(b
        .attr(&mali_link, "aria-label")
        .await?
        .unwrap_or_default()
        .contains("Mali"));
    b.click(&mali_link).await?;
    wait_relation_count(&b, 2).await?;
    assert_eq!(
        relations(&b).await?,
        [
            triple("claimed_by", CLAIM, "Richard Mills"),
            triple("about", CLAIM, "Wagner")
        ]
    );
    let (tags_related, _) = related(&b).await?;
    assert!(
        !tags_related.contains(&ids.mali),
        "Mali is unlinked but still drawn related"
    );
    b.close().await
}

#[tokio::test]
async fn a_claim_made_with_the_keyboard_alone() -> Result {
    let b = open_app().await?;
    tab_to(&b, "mg-article", 60).await?;

    // Down to "He described Wagner as …", over to "Wagner", labelled ORG.
    b.press("ArrowRight").await?;
    assert_eq!(wait_pending(&b).await?, "Home");
    let mut downs = 0;
    while pending_text(&b).await? != "He" {
        downs += 1;
        assert!(downs <= 10, "ArrowDown never reached “He described …”");
        b.press("ArrowDown").await?;
    }
    b.press("ArrowRight").await?;
    b.press("ArrowRight").await?;
    assert_eq!(pending_text(&b).await?, "Wagner");
    b.press("2").await?;
    wait_span_count(&b, 1).await?;

    // Shift+→ from the new "Wagner" span extends it at once (it does not
    // land back on the span) and on to the closing quote; `c` makes the claim.
    b.press_with(&[Mod::Shift], "ArrowRight").await?;
    assert_eq!(pending_text(&b).await?, "Wagner as");
    let mut steps = 0;
    while !pending_text(&b).await?.ends_with('”') {
        steps += 1;
        assert!(
            steps <= 30,
            "Shift+→ never reached the closing quote: {:?}",
            pending_text(&b).await?
        );
        b.press_with(&[Mod::Shift], "ArrowRight").await?;
    }
    assert_eq!(pending_text(&b).await?, CLAIM);
    b.press("c").await?;
    wait_span_count(&b, 2).await?;
    let claim = span_number(&b, CLAIM, "CLAIM").await?;
    let wagner = span_number(&b, "Wagner", "ORG").await?;
    let sid = format!("s{claim}");
    assert_eq!(
        focused_id(&b).await?,
        "mg-article",
        "labelling must keep the article's focus"
    );
    assert_form(&b, form_of(&default_claim_attributes()), "the new claim").await?;

    // Tab into the form (past the tags, the last of which is the claim's).
    tab_to(&b, "mg-attr-claim_type", 20).await?;
    b.wait_for(&format!(r#"#mg-tag-{claim}[aria-pressed="true"]"#))
        .await?;

    // Claim type: ↓ from "not set" to "factual statement", ↓ to "opinion".
    b.press("ArrowDown").await?;
    wait_attribute(&b, &sid, "claim_type", json!("factual_statement")).await?;
    b.press("ArrowDown").await?;
    wait_attribute(&b, &sid, "claim_type", json!("opinion")).await?;
    // Stance: typing "r" picks "refutes".
    tab_to(&b, "mg-attr-stance", 3).await?;
    b.type_text("r").await?;
    wait_attribute(&b, &sid, "stance", json!("refutes")).await?;
    // Check-worthy: "y" picks "yes".
    tab_to(&b, "mg-attr-check_worthy", 3).await?;
    b.type_text("y").await?;
    wait_attribute(&b, &sid, "check_worthy", json!("yes")).await?;
    // Verdict: ↓ from "not set" to "unverified" (chosen, not pre-filled),
    // then "true", then "false".
    tab_to(&b, "mg-attr-verdict", 3).await?;
    b.press("ArrowDown").await?;
    wait_attribute(&b, &sid, "verdict", json!("unverified")).await?;
    b.press("ArrowDown").await?;
    wait_attribute(&b, &sid, "verdict", json!("true")).await?;
    b.press("ArrowDown").await?;
    wait_attribute(&b, &sid, "verdict", json!("false")).await?;
    // Note: typed, committed when Tab leaves it.
    tab_to(&b, "mg-attr-note", 3).await?;
    b.type_text("Repeated by a UN spokesperson.").await?;
    assert_eq!(
        record(&b).await?["spans"][1]["attributes"].get("note"),
        None,
        "the note is committed on leaving it, not per key"
    );
    tab_to(&b, "mg-link-claimed_by", 3).await?;
    wait_attribute(&b, &sid, "note", json!("Repeated by a UN spokesperson.")).await?;
    assert_eq!(b.count("#mg-chooser").await?, 0);
    assert_eq!(
        spans(&b).await?.len(),
        2,
        "keys typed in the form must not label or delete"
    );

    // Claimed by: a claimant who is not in the text, typed, then Enter.
    b.type_text("a UN spokesperson").await?;
    b.press("Enter").await?;
    wait_relation_count(&b, 1).await?;
    assert_eq!(
        focused_id(&b).await?,
        "mg-link-claimed_by",
        "Enter must keep the input's focus"
    );
    // About: the entity's name, typed, then Enter.
    tab_to(&b, "mg-link-about", 6).await?;
    b.type_text("Wagner").await?;
    b.press("Enter").await?;
    wait_relation_count(&b, 2).await?;
    assert_eq!(
        relations(&b).await?,
        [
            triple("claimed_by", CLAIM, "“a UN spokesperson” (free)"),
            triple("about", CLAIM, "Wagner"),
        ]
    );
    assert_eq!(
        claim_form_links(&b).await?,
        [
            (
                "claimed_by".to_string(),
                "“a UN spokesperson” (not in the text)".to_string()
            ),
            ("about".to_string(), format!("Wagner (ORG s{wagner})")),
        ]
    );
    let want_attributes = json!({
        "claim_type": "opinion",
        "stance": "refutes",
        "check_worthy": "yes",
        "verdict": "false",
        "note": "Repeated by a UN spokesperson.",
    });
    let rec = record(&b).await?;
    assert_eq!(
        find_span(&rec, CLAIM, "CLAIM").unwrap()["attributes"],
        want_attributes
    );
    assert_form(&b, form_of(&want_attributes), "after the keyboard").await?;

    // A link is removed from the keyboard too: Shift+Tab back to its ×, Enter.
    let unlink = format!("{} button.mg-unlink", link_group("claimed_by"));
    for _ in 0..8 {
        if b.execute(
            "return document.activeElement.matches(arguments[0]);",
            vec![json!(unlink)],
        )
        .await?
            == Value::Bool(true)
        {
            break;
        }
        b.press_with(&[Mod::Shift], "Tab").await?;
    }
    b.press("Enter").await?;
    wait_relation_count(&b, 1).await?;
    assert_eq!(relations(&b).await?, [triple("about", CLAIM, "Wagner")]);

    let saved = save(&b, DEFAULT_SAVE).await?;
    // Document order: at the same start, the longer span first.
    python_check(
        &saved.path,
        PY_SPANS_ARE,
        json!([[CLAIM, "CLAIM"], ["Wagner", "ORG"]]),
    )?;
    python_check(&saved.path, PY_RECORD_IS_SOUND, json!(null))?;
    b.close().await
}

/// Waits until the annotations equal `states[i]`; fails with the difference.
async fn wait_state(b: &Browser, states: &[Value], i: usize, step: &str) -> Result {
    let want = &states[i];
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let now = annotations_state(b).await?;
        if &now == want {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            assert_eq!(&now, want, "{step}: expected state {i}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn undo_and_redo_walk_through_the_claim_its_links_and_attributes() -> Result {
    let b = open_app().await?;
    let (m, e) = range_of(DEFAULT_ARTICLE, "Richard Mills");
    label_by_drag(&b, m, e, "1").await?;
    let (w, e) = wagner_in_claim();
    label_by_drag(&b, w, e, "2").await?;
    let mills = span_number(&b, "Richard Mills", "PERSON").await?;

    // Each step as the user takes it, and the state after it.
    let mut states = vec![annotations_state(&b).await?];
    let claim = claim_by_drag(&b).await?;
    let sid = format!("s{claim}");
    states.push(annotations_state(&b).await?);
    b.click(&pick_button("claimed_by")).await?;
    click_in_view(&b, &format!(r#"#mg-article .mg-run[data-spans="{mills}"]"#)).await?;
    wait_relation_count(&b, 1).await?;
    states.push(annotations_state(&b).await?);
    // "Wagner" is picked where it lies inside the claim: the click lands
    // on both, and links the entity.
    let wagner = span_number(&b, "Wagner", "ORG").await?;
    b.click(&pick_button("about")).await?;
    click_in_view(
        &b,
        &format!(r#"#mg-article .mg-run[data-spans~="{claim}"][data-spans~="{wagner}"]"#),
    )
    .await?;
    wait_relation_count(&b, 2).await?;
    assert_eq!(
        b.count("#mg-chooser").await?,
        0,
        "a pick must not open the chooser"
    );
    states.push(annotations_state(&b).await?);
    choose(&b, "#mg-attr-verdict", "false").await?;
    wait_attribute(&b, &sid, "verdict", json!("false")).await?;
    states.push(annotations_state(&b).await?);
    choose(&b, "#mg-attr-check_worthy", "yes").await?;
    wait_attribute(&b, &sid, "check_worthy", json!("yes")).await?;
    states.push(annotations_state(&b).await?);
    let forms = [
        None,
        Some(form_of(&json!({}))),
        Some(form_of(&json!({}))),
        Some(form_of(&json!({}))),
        Some(form_of(&json!({"verdict": "false"}))),
        Some(form_of(&json!({"verdict": "false", "check_worthy": "yes"}))),
    ];
    let links = [0, 0, 1, 2, 2, 2];

    // Ctrl+Z right where the last change was made (the check-worthy select
    // still has focus), then on: back through every step.
    for i in (0..5).rev() {
        ctrl(&b, "z").await?;
        wait_state(&b, &states, i, &format!("Ctrl+Z to state {i}")).await?;
        match &forms[i] {
            // The claim stays selected while it exists: its form follows.
            Some(form) => {
                assert_form(&b, form.clone(), &format!("Ctrl+Z to state {i}")).await?;
                assert_eq!(
                    claim_form_links(&b).await?.len(),
                    links[i],
                    "the links listed at state {i}"
                );
            }
            None => {
                b.wait_for_gone("#mg-panel section.mg-claim-form").await?;
                assert_eq!(b.count("#mg-article .mg-claim-tag").await?, 0);
            }
        }
    }
    assert_eq!(spans(&b).await?.len(), 2, "the entities stay");

    // Ctrl+Shift+Z forward again, to the very same ids and values.
    for i in 1..=5 {
        b.press_with(&[Mod::Ctrl, Mod::Shift], "z").await?;
        wait_state(&b, &states, i, &format!("Ctrl+Shift+Z to state {i}")).await?;
    }
    b.wait_for("#mg-redo[disabled]").await?;
    click_in_view(&b, &format!("#mg-tag-{claim}")).await?;
    assert_form(&b, forms[5].clone().unwrap(), "after redoing everything").await?;
    assert_eq!(claim_form_links(&b).await?.len(), 2);

    // Deleting Richard Mills takes his link along, says so, and one Ctrl+Z
    // brings back both.
    dismiss_notice(&b).await?;
    click_in_view(&b, &format!(r#"#mg-article .mg-run[data-spans="{mills}"]"#)).await?;
    b.wait_for(&format!(r#"#mg-tag-{mills}[aria-pressed="true"]"#))
        .await?;
    b.press("Delete").await?;
    wait_span_count(&b, 2).await?;
    let said = wait_notice(&b, "info").await?;
    assert!(
        said.contains("1 link"),
        "the notice does not say the link went too: {said}"
    );
    assert_eq!(relations(&b).await?, [triple("about", CLAIM, "Wagner")]);
    assert!(
        b.count(&format!("#mg-tag-{mills}")).await? == 0,
        "Mills's tag is still drawn"
    );
    ctrl(&b, "z").await?;
    wait_state(&b, &states, 5, "one Ctrl+Z after deleting Mills").await?;
    b.wait_for(&format!("#mg-tag-{mills}")).await?;
    // And the redo deletes both again, in one step.
    ctrl(&b, "y").await?;
    wait_span_count(&b, 2).await?;
    assert_eq!(relations(&b).await?, [triple("about", CLAIM, "Wagner")]);
    ctrl(&b, "z").await?;
    wait_state(&b, &states, 5, "Ctrl+Z after the redo").await?;

    // Deleting the claim takes both its links, in one step too.
    dismiss_notice(&b).await?;
    click_in_view(&b, &format!("#mg-tag-{claim}")).await?;
    b.wait_for(&format!(r#"#mg-tag-{claim}[aria-pressed="true"]"#))
        .await?;
    b.press("Delete").await?;
    wait_span_count(&b, 2).await?;
    let said = wait_notice(&b, "info").await?;
    assert!(
        said.contains("2 links"),
        "the notice does not say the links went too: {said}"
    );
    wait_relation_count(&b, 0).await?;
    b.wait_for_gone("#mg-panel section.mg-claim-form").await?;
    ctrl(&b, "z").await?;
    wait_state(&b, &states, 5, "one Ctrl+Z after deleting the claim").await?;
    b.close().await
}

#[tokio::test]
async fn a_reload_keeps_the_claim_and_the_save_holds_it_in_both_forms() -> Result {
    let b = open_app().await?;
    let ids = label_entities(&b).await?;
    let claim = claim_by_drag(&b).await?;
    let sid = format!("s{claim}");
    link_by_typing(&b, "claimed_by", "Richard Mills").await?;
    wait_relation_count(&b, 1).await?;
    link_by_typing(&b, "claimed_by", "the US mission to the UN").await?;
    wait_relation_count(&b, 2).await?;
    link_by_typing(&b, "about", "Wagner").await?;
    wait_relation_count(&b, 3).await?;
    link_by_typing(&b, "about", &format!("Mali (GPE s{})", ids.mali)).await?;
    wait_relation_count(&b, 4).await?;
    choose(&b, "#mg-attr-claim_type", "quote").await?;
    wait_attribute(&b, &sid, "claim_type", json!("quote")).await?;
    choose(&b, "#mg-attr-verdict", "unverifiable").await?;
    wait_attribute(&b, &sid, "verdict", json!("unverifiable")).await?;
    let note = "“Widespread” — per the UN’s audit, naïvely quoted";
    b.click("#mg-attr-note").await?;
    b.type_text(note).await?;
    b.press("Tab").await?;
    wait_attribute(&b, &sid, "note", json!(note)).await?;

    // The document's labels, in their fold.
    b.click("details.mg-document-form > summary").await?;
    choose(&b, "#mg-doc-section", "security").await?;
    b.click("#mg-doc-contains_check_worthy_claims").await?;
    choose(&b, "#mg-doc-reliability", "medium").await?;
    let want_doc = json!({
        "section": "security",
        "contains_check_worthy_claims": true,
        "reliability": "medium"
    });
    b.wait_until(
        "return window.marginalia.getAnnotations().document_labels.reliability === 'medium';",
        WAIT,
    )
    .await
    .map_err(|_| "the reliability was not set")?;
    assert_eq!(record(&b).await?["document_labels"], want_doc);
    let want_relations = vec![
        triple("claimed_by", CLAIM, "Richard Mills"),
        triple("claimed_by", CLAIM, "“the US mission to the UN” (free)"),
        triple("about", CLAIM, "Wagner"),
        triple("about", CLAIM, "Mali"),
    ];
    assert_eq!(relations(&b).await?, want_relations);
    let before = annotations_state(&b).await?;
    let want_attributes = json!({
        "claim_type": "quote",
        "verdict": "unverifiable",
        "note": note,
    });
    assert_eq!(
        find_span(&before, CLAIM, "CLAIM").unwrap()["attributes"],
        want_attributes
    );

    // A reload brings everything back, ids included, and the form shows it.
    b.reload_app().await?;
    wait_span_count(&b, 4).await?;
    assert_eq!(
        annotations_state(&b).await?,
        before,
        "the reload changed the annotations"
    );
    assert_eq!(b.count("#mg-article .mg-claim-tag").await?, 1);
    click_in_view(&b, &format!("#mg-tag-{claim}")).await?;
    assert_form(&b, form_of(&want_attributes), "after the reload").await?;
    assert_eq!(
        claim_form_links(&b).await?,
        [
            (
                "claimed_by".to_string(),
                format!("Richard Mills (PERSON s{})", ids.mills)
            ),
            (
                "claimed_by".to_string(),
                "“the US mission to the UN” (not in the text)".to_string()
            ),
            ("about".to_string(), format!("Wagner (ORG s{})", ids.wagner)),
            ("about".to_string(), format!("Mali (GPE s{})", ids.mali)),
        ]
    );
    let (mut linked, _) = related(&b).await?;
    linked.sort();
    let mut want = vec![ids.mills.clone(), ids.wagner.clone(), ids.mali.clone()];
    want.sort();
    assert_eq!(linked, want, "the related spans after the reload");
    for (css, value) in [
        ("#mg-doc-section", json!("security")),
        ("#mg-doc-contains_check_worthy_claims", json!(true)),
        ("#mg-doc-reliability", json!("medium")),
    ] {
        assert_eq!(
            control_value(&b, css).await?,
            value,
            "{css} after the reload"
        );
    }

    // The save, read by Python with its own code-point slicing.
    let saved = save(&b, DEFAULT_SAVE).await?;
    python_check(&saved.path, PY_RECORD_IS_SOUND, json!(null))?;
    python_check(
        &saved.path,
        r#"
claims = [s for s in spans if s.get('layer') == 'claim']
check(len(claims) == 1, 'expected one claim, got %r' % claims)
c = claims[0]
check(c['label'] == 'CLAIM', 'the claim is labelled %r' % c['label'])
check(text[c['start']:c['end']] == args['claim'], 'text[start:end] of the claim is %r' % text[c['start']:c['end']])
i = text.index(args['claim'])
check((c['start'], c['end']) == (i, i + len(args['claim'])), 'claim offsets %r, Python finds %r' % ((c['start'], c['end']), i))
check(c['attributes'] == args['attributes'], 'the claim attributes are %r' % c['attributes'])
check(all(s.get('layer', 'entity') == 'entity' and not s.get('attributes') for s in spans if s is not c), 'entities with claim fields: %r' % spans)
last_token_of_claim = [t for t in tokens if t['end'] == c['end']]
check(len(last_token_of_claim) == 1 and last_token_of_claim[0]['text'] == '”', 'the claim ends mid-token: %r' % last_token_of_claim)
by_id = {s['id']: s for s in spans}
got = []
for r in rec['relations']:
    check(r['id'].startswith('r'), 'relation id %r' % r['id'])
    f = by_id.get(r['from'])
    check(f is c, 'relation %r does not start at the claim' % r)
    hs = r['head_span']
    check(r['head'] == hs['token_end'], 'head %r is not head_span.token_end %r' % (r['head'], hs))
    check([hs['start'], hs['end'], hs['token_start'], hs['token_end'], hs['label']] == [f['start'], f['end'], f['token_start'], f['token_end'], f['label']], 'head_span %r is not the claim %r' % (hs, f))
    check(tokens[r['head']]['text'] == '”' and tokens[r['head']]['end'] == f['end'], 'tokens[head] %r is not the claim\'s last token' % tokens[r['head']])
    if r.get('to') is not None:
        t = by_id.get(r['to'])
        check(t is not None, 'relation %r points to no span' % r)
        check('to_text' not in r, 'a span link with to_text: %r' % r)
        cs = r['child_span']
        check(r['child'] == cs['token_end'], 'child %r is not child_span.token_end %r' % (r['child'], cs))
        check([cs['start'], cs['end'], cs['token_start'], cs['token_end'], cs['label']] == [t['start'], t['end'], t['token_start'], t['token_end'], t['label']], 'child_span %r is not the span %r' % (cs, t))
        entity = text[t['start']:t['end']]
        check(tokens[r['child']]['text'] == entity.split()[-1], 'tokens[child] %r is not the last token of %r' % (tokens[r['child']], entity))
        got.append([r['label'], text[f['start']:f['end']], entity, t['label']])
    else:
        check(isinstance(r.get('to_text'), str) and r['to_text'], 'a link without to or to_text: %r' % r)
        check('child' not in r and 'child_span' not in r, 'a free-text link with a Prodigy child: %r' % r)
        got.append([r['label'], text[f['start']:f['end']], r['to_text'], None])
check(got == args['relations'], 'relations %r, expected %r' % (got, args['relations']))
check(rec['document_labels'] == args['document_labels'], 'document_labels are %r' % rec.get('document_labels'))
"#,
        json!({
            "claim": CLAIM,
            "attributes": want_attributes,
            "relations": [
                ["claimed_by", CLAIM, "Richard Mills", "PERSON"],
                ["claimed_by", CLAIM, "the US mission to the UN", null],
                ["about", CLAIM, "Wagner", "ORG"],
                ["about", CLAIM, "Mali", "GPE"],
            ],
            "document_labels": want_doc,
        }),
    )?;
    b.close().await
}

#[tokio::test]
async fn the_claim_form_and_the_document_labels_pass_axe() -> Result {
    let b = open_app().await?;
    let ids = label_entities(&b).await?;
    let claim = claim_by_drag(&b).await?;
    link_by_typing(&b, "claimed_by", "Richard Mills").await?;
    link_by_typing(&b, "claimed_by", "a UN spokesperson").await?;
    link_by_typing(&b, "about", "Wagner").await?;
    wait_relation_count(&b, 3).await?;
    b.click("details.mg-document-form > summary").await?;
    b.wait_for("details.mg-document-form[open] #mg-doc-section")
        .await?;
    b.wait_for(&format!(r#"#mg-tag-{claim}[aria-pressed="true"]"#))
        .await?;
    b.wait_for(&format!("#mg-tag-{}.mg-related", ids.mills))
        .await?;
    let report = b.run_axe().await?;
    assert!(
        report.is_clean(),
        "claim form open, links listed, document labels expanded:\n{report}"
    );

    // While a link is being picked in the text.
    b.click(&pick_button("about")).await?;
    b.wait_for(&format!(r#"{}[aria-pressed="true"]"#, pick_button("about")))
        .await?;
    let report = b.run_axe().await?;
    assert!(report.is_clean(), "picking a link target:\n{report}");
    b.press("Escape").await?;
    b.wait_for(&format!(
        r#"{}[aria-pressed="false"]"#,
        pick_button("about")
    ))
    .await?;
    b.close().await
}

/// A claim whose tag is followed by other tags: Tab from the claim's tag
/// goes on to the next tag, so Enter on the claim's tag is the way into its
/// form, and Escape the way back.
#[tokio::test]
async fn enter_on_a_claim_tag_opens_its_form_and_escape_returns() -> Result {
    let b = open_app().await?;
    label_entities(&b).await?;
    let claim = claim_by_drag(&b).await?;
    // An entity after the claim, so the claim's tag is not the last one.
    let (p, e) = range_of(DEFAULT_ARTICLE, "Yevgeny Prigozhin");
    label_by_drag(&b, p + 2, e - 2, "1").await?;
    tab_to(&b, &format!("mg-tag-{claim}"), 80).await?;
    b.wait_for(&format!(r#"#mg-tag-{claim}[aria-pressed="true"]"#)).await?;
    b.press("Enter").await?;
    b.wait_until(r#"return document.activeElement && document.activeElement.id === "mg-claim-form-first""#, std::time::Duration::from_secs(5)).await?;
    b.press("Tab").await?;
    assert_eq!(focused_id(&b).await?, "mg-attr-claim_type", "Tab goes on into the form's fields");
    b.press("ArrowDown").await?; // from "not set" to the first value
    wait_attribute(&b, &format!("s{claim}"), "claim_type", json!("factual_statement")).await?;
    b.press("Escape").await?;
    b.wait_until(&format!(r#"return document.activeElement && document.activeElement.id === "mg-tag-{claim}""#), std::time::Duration::from_secs(5)).await?;
    b.wait_for(&format!(r#"#mg-tag-{claim}[aria-pressed="true"]"#)).await?;
    // Tab from the claim's tag selects the next tag, and the form goes.
    b.press("Tab").await?;
    b.wait_for_gone(".mg-claim-form").await?;
    b.close().await
}

/// The text of the option each claim select shows, by attribute.
async fn shown_options(b: &Browser) -> Result<Value> {
    b.execute(
        "const out = {};
         for (const el of document.querySelectorAll('#mg-panel section.mg-claim-form select[id^=\"mg-attr-\"]'))
             out[el.id.slice(8)] = el.selectedOptions[0] ? el.selectedOptions[0].textContent : null;
         return out;",
        vec![],
    )
    .await
}

/// The claim span of the record, raw.
fn claim_span(record: &Value) -> Value {
    find_span(record, CLAIM, "CLAIM").cloned().unwrap_or(Value::Null)
}

/// Issue 17: a new claim saves no attributes until the annotator chooses
/// one; the form says "not set" (each select keeps its label); a value
/// chosen with the keyboard — even the one that used to be pre-filled — is
/// saved, downloaded and kept over a reload, and the rest stay not set.
#[tokio::test]
async fn a_new_claim_saves_no_attributes_until_one_is_chosen() -> Result {
    let b = open_app().await?;
    b.execute(
        "window.changes = []; document.addEventListener('marginalia:change', e => window.changes.push(e.detail));",
        vec![],
    )
    .await?;
    let claim = claim_by_drag(&b).await?;
    let sid = format!("s{claim}");
    let not_set = json!({"claim_type": "not set", "stance": "not set", "check_worthy": "not set", "verdict": "not set"});
    b.wait_for("#mg-panel section.mg-claim-form").await?;
    assert_eq!(shown_options(&b).await?, not_set, "a new claim's form");
    for (key, title) in [("claim_type", "Claim type"), ("stance", "Stance toward its subject"), ("check_worthy", "Check-worthy"), ("verdict", "Verdict")] {
        let label = b.execute("const l = document.querySelector(`label[for=\"mg-attr-${arguments[0]}\"]`); return l ? l.textContent : null;", vec![json!(key)]).await?;
        assert_eq!(label, json!(title), "the {key} select keeps its accessible name");
    }
    let span = claim_span(&record(&b).await?);
    assert_eq!((span.get("attributes"), span.get("defaults")), (None, None), "nothing saved for untouched attributes: {span}");
    b.wait_until("return window.changes.length > 0;", WAIT).await?;
    let detail = b.execute("return window.changes[window.changes.length - 1];", vec![]).await?;
    assert_eq!(claim_span(&detail).get("attributes"), None, "the change event carries no attributes either: {detail}");

    // The keyboard: Tab into the form, on to the verdict, ↓ from "not set".
    tab_to(&b, "mg-attr-claim_type", 20).await?;
    tab_to(&b, "mg-attr-verdict", 4).await?;
    b.press("ArrowDown").await?;
    wait_attribute(&b, &sid, "verdict", json!("unverified")).await?;
    let span = claim_span(&record(&b).await?);
    assert_eq!(span["attributes"], json!({"verdict": "unverified"}), "only the choice: {span}");
    let shown = json!({"claim_type": "not set", "stance": "not set", "check_worthy": "not set", "verdict": "unverified"});
    assert_eq!(shown_options(&b).await?, shown);

    // Downloaded as chosen, and kept over a reload.
    let saved = save(&b, DEFAULT_SAVE).await?.json()?;
    assert_eq!(claim_span(&saved)["attributes"], json!({"verdict": "unverified"}));
    b.reload_app().await?;
    let span = claim_span(&record(&b).await?);
    assert_eq!(span["attributes"], json!({"verdict": "unverified"}), "after the reload: {span}");
    click_in_view(&b, &format!("#mg-tag-{claim}")).await?;
    b.wait_for("#mg-panel section.mg-claim-form").await?;
    assert_eq!(shown_options(&b).await?, shown, "the form after the reload");
    b.close().await
}

/// A schema that declares a default: the new claim carries it as a default
/// (the form says so), choosing the same value with the mouse makes it a
/// choice, and Ctrl+Z makes it a default again.
#[tokio::test]
async fn a_schema_default_is_saved_as_a_default_until_chosen() -> Result {
    let news = include_str!("../../../crates/core/data/news.labels.json");
    let with_default = news
        .replacen(r#""values": ["supports", "refutes", "neutral"]"#, r#""values": ["supports", "refutes", "neutral"], "default": "neutral""#, 1)
        .replacen(
            r#"{ "name": "note", "title": "Note", "layer": "claim", "kind": "text" }"#,
            r#"{ "name": "note", "title": "Note", "layer": "claim", "kind": "text" },
               { "name": "disputed", "title": "Disputed", "layer": "claim", "kind": "boolean" }"#,
            1,
        );
    assert_eq!(with_default.matches("neutral\"").count(), news.matches("neutral\"").count() + 1, "the schema fixture changed shape");
    assert!(with_default.contains("disputed"), "the schema fixture changed shape");
    let b = open_app().await?;
    b.upload_file("#mg-schema-input", write_temp("news-with-default.labels.json", &with_default)).await?;
    b.wait_until("return (window.marginalia.getAnnotations().label_schema.attributes || []).some(a => a.default === 'neutral');", WAIT).await?;
    let claim = claim_by_drag(&b).await?;
    let sid = format!("s{claim}");
    b.wait_for("#mg-panel section.mg-claim-form").await?;
    assert_eq!(shown_options(&b).await?["stance"], "not set (default: neutral)");
    assert_eq!(control_value(&b, "#mg-attr-stance").await?, json!(""), "nothing chosen");
    let span = claim_span(&record(&b).await?);
    assert_eq!((span.get("attributes"), &span["defaults"]), (None, &json!({"stance": "neutral"})), "{span}");
    // A yes/no attribute offers "not set" too: unticked would read as "no".
    assert_eq!(shown_options(&b).await?["disputed"], "not set");
    choose(&b, "#mg-attr-disputed", "false").await?;
    wait_attribute(&b, &sid, "disputed", json!(false)).await?;

    choose(&b, "#mg-attr-stance", "neutral").await?;
    wait_attribute(&b, &sid, "stance", json!("neutral")).await?;
    let span = claim_span(&record(&b).await?);
    assert_eq!((span.get("defaults"), &span["attributes"]), (None, &json!({"stance": "neutral", "disputed": false})), "now a choice: {span}");
    assert_eq!(shown_options(&b).await?["stance"], "neutral");

    ctrl(&b, "z").await?;
    wait_attribute(&b, &sid, "stance", Value::Null).await?;
    let span = claim_span(&record(&b).await?);
    assert_eq!(span["defaults"], json!({"stance": "neutral"}), "undo restores the default: {span}");
    assert_eq!(shown_options(&b).await?["stance"], "not set (default: neutral)");
    b.close().await
}
