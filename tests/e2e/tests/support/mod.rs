//! Helpers shared by the app's end-to-end tests, on top of the harness
//! (`marginalia_e2e`): where a word is in the article (code points), what the
//! app holds (`window.marginalia.getAnnotations()`), what the user sees (tags,
//! notices, the pending selection), saving, uploading, and checking a saved
//! file with Python's own code-point slicing.
//!
//! Every test file compiles this module on its own, so not every helper is
//! used everywhere.
#![allow(dead_code)]

pub mod cms;

use marginalia_e2e::{json, Browser, Download, Mod, Result, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The default article, exactly as the app embeds it.
pub const DEFAULT_ARTICLE: &str =
    include_str!("../../../../assets/articles/mali-russia-wagner.txt");
/// The file name `Save JSON` gives the default article.
pub const DEFAULT_SAVE: &str = "mali-russia-wagner.marginalia.json";

/// How long to wait for a download or for the app to react to a file.
pub const WAIT: Duration = Duration::from_secs(15);

macro_rules! ensure {
    ($cond:expr, $($t:tt)*) => {
        if !$cond {
            return Err(format!($($t)*).into());
        }
    };
}
#[allow(unused_imports)]
pub(crate) use ensure;

// ------------------------------------------------------------------ offsets

/// Code-point offset of the `n`-th (0-based) occurrence of `needle` in `text`.
pub fn cp_of_nth(text: &str, needle: &str, n: usize) -> usize {
    let (byte, _) = text
        .match_indices(needle)
        .nth(n)
        .unwrap_or_else(|| panic!("{needle:?} does not occur {} time(s) in the text", n + 1));
    text[..byte].chars().count()
}

/// Code-point offset of the first occurrence of `needle`.
pub fn cp_of(text: &str, needle: &str) -> usize {
    cp_of_nth(text, needle, 0)
}

/// `[start, end)` in code points of the first occurrence of `needle`.
pub fn range_of(text: &str, needle: &str) -> (usize, usize) {
    let s = cp_of(text, needle);
    (s, s + needle.chars().count())
}

/// `[start, end)` in code points of the `n`-th occurrence of `needle`.
pub fn range_of_nth(text: &str, needle: &str, n: usize) -> (usize, usize) {
    let s = cp_of_nth(text, needle, n);
    (s, s + needle.chars().count())
}

/// Paragraphs as the app shows them (see `article_runs_text`): the lines
/// with visible content, joined by `\n`.
pub fn visible_lines(text: &str) -> String {
    text.split('\n')
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Python's `text[start:end]` (code points).
pub fn slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

// ------------------------------------------------------------------ the app

/// A fresh browser on the app, the default article showing.
pub async fn open_app() -> Result<Browser> {
    let b = Browser::new().await?;
    b.goto_app().await?;
    Ok(b)
}

/// The record the app would save now (`window.marginalia.getAnnotations()`).
pub async fn record(b: &Browser) -> Result<Value> {
    b.execute("return window.marginalia.getAnnotations();", vec![])
        .await
}

/// `(start, end, label, text)` of a record's spans, in document order.
pub type SpanSummary = (u64, u64, String, String);

pub fn summarize(record: &Value) -> Vec<SpanSummary> {
    record["spans"]
        .as_array()
        .map(|spans| {
            spans
                .iter()
                .map(|s| {
                    (
                        s["start"].as_u64().unwrap_or(u64::MAX),
                        s["end"].as_u64().unwrap_or(u64::MAX),
                        s["label"].as_str().unwrap_or("?").to_string(),
                        s["text"].as_str().unwrap_or("?").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The app's spans now, summarised.
pub async fn spans(b: &Browser) -> Result<Vec<SpanSummary>> {
    Ok(summarize(&record(b).await?))
}

/// The spans' raw JSON (ids included), for exact before/after comparisons.
pub async fn raw_spans(b: &Browser) -> Result<Value> {
    Ok(record(b).await?["spans"].clone())
}

/// One expected span: `text` at its `n`-th occurrence in `article`, labelled `label`.
pub fn expect_span(article: &str, needle: &str, n: usize, label: &str) -> SpanSummary {
    let (s, e) = range_of_nth(article, needle, n);
    (s as u64, e as u64, label.to_string(), needle.to_string())
}

/// Waits until the app holds `n` spans.
pub async fn wait_span_count(b: &Browser, n: usize) -> Result {
    let js = format!("return window.marginalia.getAnnotations().spans.length === {n};");
    if b.wait_until(&js, WAIT).await.is_err() {
        let now = spans(b).await?;
        return Err(format!("expected {n} span(s), the app holds {}: {now:?}", now.len()).into());
    }
    Ok(())
}

/// Drags the mouse over `start..end` (code points; snapped by the app), then
/// presses `key`, and waits for the new span.
pub async fn label_by_drag(b: &Browser, start: usize, end: usize, key: &str) -> Result {
    let before = record(b).await?["spans"].as_array().map_or(0, Vec::len);
    b.drag_select(start, end).await?;
    wait_pending(b).await?;
    b.press(key).await?;
    wait_span_count(b, before + 1).await
}

/// Waits until the app draws a pending selection; returns its text.
pub async fn wait_pending(b: &Browser) -> Result<String> {
    let v = b
        .wait_until(
            "return Array.from(document.querySelectorAll('#mg-article .mg-run.mg-pending'))
                 .map(r => r.textContent).join('');",
            WAIT,
        )
        .await
        .map_err(|_| "no pending selection (.mg-pending) is drawn")?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

/// The pending selection's text as drawn (`""` when there is none).
pub async fn pending_text(b: &Browser) -> Result<String> {
    let v = b
        .execute(
            "return Array.from(document.querySelectorAll('#mg-article .mg-run.mg-pending'))
                 .map(r => r.textContent).join('');",
            vec![],
        )
        .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

/// A label tag as the user sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    pub span: String,
    pub label: String,
    pub pressed: bool,
    pub visible: bool,
}

/// Every `button.mg-tag` in the article, in document order.
pub async fn tags(b: &Browser) -> Result<Vec<Tag>> {
    let v = b
        .execute(
            "return Array.from(document.querySelectorAll('#mg-article button.mg-tag')).map(t => {
                 const r = t.getBoundingClientRect(), cs = getComputedStyle(t);
                 return { span: t.dataset.span, label: t.textContent.trim(),
                          pressed: t.getAttribute('aria-pressed') === 'true',
                          visible: r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none' };
             });",
            vec![],
        )
        .await?;
    Ok(v.as_array()
        .map(|a| {
            a.iter()
                .map(|t| Tag {
                    span: t["span"].as_str().unwrap_or("").into(),
                    label: t["label"].as_str().unwrap_or("").into(),
                    pressed: t["pressed"].as_bool().unwrap_or(false),
                    visible: t["visible"].as_bool().unwrap_or(false),
                })
                .collect()
        })
        .unwrap_or_default())
}

/// The labels of the tags shown, in document order.
pub async fn tag_labels(b: &Browser) -> Result<Vec<String>> {
    Ok(tags(b).await?.into_iter().map(|t| t.label).collect())
}

/// The span number (`data-span`) of the record span whose text is `text`.
pub async fn span_number(b: &Browser, text: &str, label: &str) -> Result<String> {
    let rec = record(b).await?;
    let id = rec["spans"]
        .as_array()
        .and_then(|a| a.iter().find(|s| s["text"] == text && s["label"] == label))
        .and_then(|s| s["id"].as_str())
        .ok_or_else(|| format!("no {label} span {text:?} in {}", rec["spans"]))?;
    Ok(id.trim_start_matches('s').to_string())
}

/// The text the runs of span number `n` show (`data-spans` holds `n`).
pub async fn text_under_span(b: &Browser, n: &str) -> Result<String> {
    let v = b
        .execute(
            "return Array.from(document.querySelectorAll('#mg-article .mg-run[data-spans]'))
                 .filter(r => r.dataset.spans.split(' ').includes(arguments[0]))
                 .map(r => r.textContent).join('');",
            vec![json!(n)],
        )
        .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

/// The article's text as rendered (the runs' text, paragraphs joined by `\n`).
pub async fn article_runs_text(b: &Browser) -> Result<String> {
    let v = b
        .execute(
            "return Array.from(document.querySelectorAll('#mg-article .mg-par'))
                 .map(p => Array.from(p.querySelectorAll('.mg-run')).map(r => r.textContent).join(''))
                 .join('\\n');",
            vec![],
        )
        .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

/// The article as the user reads it (`innerText` of `#mg-article`).
pub async fn article_inner_text(b: &Browser) -> Result<String> {
    let v = b
        .execute(
            "return document.getElementById('mg-article').innerText;",
            vec![],
        )
        .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

/// The `id` of the focused element (`""` for none).
pub async fn focused_id(b: &Browser) -> Result<String> {
    let v = b
        .execute(
            "return document.activeElement ? document.activeElement.id : '';",
            vec![],
        )
        .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

/// Whether the element matching `css` lies wholly inside the visible part
/// of the page: the viewport minus the sticky header and status bar.
pub async fn in_view(b: &Browser, css: &str) -> Result<bool> {
    let v = b
        .execute(
            "const el = document.querySelector(arguments[0]);
             if (!el) throw new Error('no element matches ' + arguments[0]);
             const r = el.getBoundingClientRect();
             const head = document.querySelector('.mg-header');
             const foot = document.querySelector('.mg-status');
             const top = head && !head.contains(el) ? head.getBoundingClientRect().bottom : 0;
             const bottom = foot && !foot.contains(el) ? foot.getBoundingClientRect().top : innerHeight;
             return r.height > 0 && r.top >= top - 1 && r.bottom <= bottom + 1 && r.left >= 0 && r.right <= innerWidth;",
            vec![json!(css)],
        )
        .await?;
    Ok(v == Value::Bool(true))
}

// ------------------------------------------------------------------ notices

/// The notice shown now: `(data-kind, text)`, or `None` when hidden.
pub async fn notice(b: &Browser) -> Result<Option<(String, String)>> {
    let v = b
        .execute(
            "const n = document.getElementById('mg-notice');
             if (!n || n.hidden) return null;
             return [n.dataset.kind || '', n.textContent];",
            vec![],
        )
        .await?;
    Ok(v.as_array().map(|a| {
        (
            a[0].as_str().unwrap_or("").to_string(),
            a[1].as_str().unwrap_or("").to_string(),
        )
    }))
}

/// Dismisses the notice, if one shows, so the next one can be told apart.
pub async fn dismiss_notice(b: &Browser) -> Result {
    if b.count("#mg-notice .mg-dismiss").await? > 0 {
        b.click("#mg-notice .mg-dismiss").await?;
        b.wait_for("#mg-notice[hidden]").await?;
    }
    Ok(())
}

/// Waits for `#mg-notice[data-kind=kind]`; returns its text. The notice
/// must be where the user is looking: in view, wherever the page is scrolled.
pub async fn wait_notice(b: &Browser, kind: &str) -> Result<String> {
    let js = format!(
        "const n = document.querySelector('#mg-notice[data-kind={kind}]');
         return n && !n.hidden ? n.textContent : '';"
    );
    let text = match b.wait_until(&js, WAIT).await {
        Ok(v) => v.as_str().unwrap_or_default().to_string(),
        Err(_) => {
            return Err(format!("no {kind} notice; the notice now: {:?}", notice(b).await?).into())
        }
    };
    let scrolled = b.execute("return window.scrollY;", vec![]).await?;
    ensure!(
        in_view(b, "#mg-notice").await?,
        "the {kind} notice {text:?} is out of view (page scrolled to {scrolled}): the user would not see it"
    );
    Ok(text)
}

// ------------------------------------------------------------------ files

/// Clicks `Save JSON` and returns the download named `name` (earlier
/// downloads are removed first, so a second save is not `name (1)`).
pub async fn save(b: &Browser, name: &str) -> Result<Download> {
    for entry in std::fs::read_dir(b.download_dir())? {
        std::fs::remove_file(entry?.path())?;
    }
    b.click("#mg-save").await?;
    let file = b.downloaded_file(name, WAIT).await?;
    ensure!(
        file.path.file_name().and_then(|n| n.to_str()) == Some(name),
        "the save downloaded as {:?}, not {name:?}",
        file.path
    );
    Ok(file)
}

/// A fresh directory for files a test writes (under the system temp dir).
pub fn temp_dir(tag: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "marginalia-e2e-files-{}-{}-{tag}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Writes `bytes` to `<fresh temp dir>/<name>` and returns the path.
pub fn write_temp(name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = temp_dir("file").join(name);
    std::fs::write(&path, bytes).expect("write temp file");
    path
}

/// Opens `path` through `#mg-file-input`, as a person choosing it in the
/// file dialog.
pub async fn open_file(b: &Browser, path: impl AsRef<Path>) -> Result {
    b.upload_file("#mg-file-input", path).await
}

/// Drops a file named `name` with `content` onto `.mg-app`, as a drag from
/// the desktop does: a `drop` event whose `DataTransfer` holds a `File`.
pub async fn drop_file(b: &Browser, name: &str, content: &str, mime: &str) -> Result {
    b.execute(
        "const [name, content, mime] = arguments;
         const dt = new DataTransfer();
         dt.items.add(new File([content], name, { type: mime }));
         const target = document.querySelector('.mg-app');
         for (const type of ['dragenter', 'dragover', 'drop']) {
             target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
         }
         return true;",
        vec![json!(name), json!(content), json!(mime)],
    )
    .await?;
    Ok(())
}

// ------------------------------------------------------------------ python

/// Runs Python (std only) on a saved file: `code` sees `rec` (the parsed
/// JSON), `text`, `spans`, `tokens`, `args` (the JSON `args`), and the
/// helper `check(cond, msg)`; a failed check fails the test with Python's
/// message.
pub fn python_check(file: &Path, code: &str, args: Value) -> Result {
    let script = format!(
        "import hashlib, json, sys\n\
         rec = json.load(open(sys.argv[1], encoding='utf-8'))\n\
         args = json.loads(sys.argv[2])\n\
         text, spans, tokens = rec['text'], rec['spans'], rec['tokens']\n\
         def check(cond, msg):\n    \
             if not cond:\n        \
                 sys.exit('python: ' + msg)\n\
         {code}\n"
    );
    let out = Command::new("python3")
        .arg("-c")
        .arg(&script)
        .arg(file)
        .arg(args.to_string())
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    ensure!(
        out.status.success(),
        "the Python check of {} failed:\n{}{}",
        file.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

/// The checks every saved record must pass in Python: the hash is the
/// SHA-256 of the UTF-8 text, the tokens rebuild the text, each span's
/// `text` is `text[start:end]` and its token range covers it.
pub const PY_RECORD_IS_SOUND: &str = r#"
check(hashlib.sha256(text.encode('utf-8')).hexdigest() == rec['text_sha256'], 'text_sha256 is not the SHA-256 of text')
check(''.join(t['text'] + ' ' * t['ws'] for t in tokens) == text, 'the tokens do not rebuild the text')
for i, t in enumerate(tokens):
    check(t['id'] == i and text[t['start']:t['end']] == t['text'], 'token %d is misaligned: %r' % (i, t))
for s in spans:
    check(text[s['start']:s['end']] == s['text'], 'span %r: text[start:end] is %r' % (s, text[s['start']:s['end']]))
    ts, te = tokens[s['token_start']], tokens[s['token_end']]
    check(ts['start'] <= s['start'] < ts['end'] and te['start'] < s['end'] <= te['end'], 'span %r: tokens %r..%r do not cover it' % (s, ts, te))
"#;

/// Python: the saved spans as `[text[start:end], label]`, in order, equal `args`.
pub const PY_SPANS_ARE: &str = r#"
got = [[text[s['start']:s['end']], s['label']] for s in spans]
check(got == args, 'spans by code-point slicing are %r, expected %r' % (got, args))
"#;

/// Presses `key` with Ctrl held.
pub async fn ctrl(b: &Browser, key: &str) -> Result {
    b.press_with(&[Mod::Ctrl], key).await
}

/// Presses Tab until the element with id `id` has focus (at most `max` times);
/// returns how many presses it took.
pub async fn tab_to(b: &Browser, id: &str, max: usize) -> Result<usize> {
    for n in 1..=max {
        b.press("Tab").await?;
        if focused_id(b).await? == id {
            return Ok(n);
        }
    }
    Err(format!(
        "#{id} did not get focus after {max} Tab presses (focus is on #{})",
        focused_id(b).await?
    )
    .into())
}

/// Fails if a JavaScript dialog (alert, confirm, prompt) is open.
pub async fn assert_no_dialog(b: &Browser) -> Result {
    match b.client().get_alert_text().await {
        Ok(text) => Err(format!("a JavaScript dialog is open: {text:?}").into()),
        Err(_) => Ok(()),
    }
}

// ------------------------------------------------------------------ claims

/// The claim of the default article that issue 4 names: Richard Mills's
/// description of Wagner.
pub const CLAIM: &str = "Wagner as “a criminal organization that commits widespread atrocities and human rights violations in Mali and elsewhere”";

/// `[start, end)` of [`CLAIM`] in the default article.
pub fn claim_range() -> (usize, usize) {
    range_of(DEFAULT_ARTICLE, CLAIM)
}

/// "Wagner" at the start of the claim (the one Mills describes).
pub fn wagner_in_claim() -> (usize, usize) {
    let (c, _) = claim_range();
    (c, c + "Wagner".chars().count())
}

/// "Mali" inside the claim ("… violations in Mali and elsewhere").
pub fn mali_in_claim() -> (usize, usize) {
    let m = cp_of(DEFAULT_ARTICLE, "Mali and elsewhere");
    (m, m + 4)
}

/// A new claim's attributes under the news schema: none (nothing is
/// pre-filled; the form shows every choice "not set").
pub fn default_claim_attributes() -> Value {
    // Issue 17: nothing is pre-filled, so a new claim has no attributes.
    json!({})
}

/// The record span (raw JSON) labelled `label` whose text is `text`.
pub fn find_span<'a>(record: &'a Value, text: &str, label: &str) -> Option<&'a Value> {
    record["spans"]
        .as_array()?
        .iter()
        .find(|s| s["text"] == text && s["label"] == label)
}

/// A record's relations as `(label, from's text, to's text)`, in record
/// order; a free-text end reads `“text” (free)`, a dangling end `?sN`.
pub fn relation_summary(record: &Value) -> Vec<(String, String, String)> {
    let text_of = |id: &Value| {
        record["spans"]
            .as_array()
            .and_then(|a| a.iter().find(|s| s["id"] == *id))
            .and_then(|s| s["text"].as_str())
            .map_or_else(|| format!("?{id}"), String::from)
    };
    record["relations"]
        .as_array()
        .map(|rels| {
            rels.iter()
                .map(|r| {
                    let to = match r["to_text"].as_str() {
                        Some(t) => format!("“{t}” (free)"),
                        None => text_of(&r["to"]),
                    };
                    (
                        r["label"].as_str().unwrap_or("?").to_string(),
                        text_of(&r["from"]),
                        to,
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The app's relations now, summarised (see [`relation_summary`]).
pub async fn relations(b: &Browser) -> Result<Vec<(String, String, String)>> {
    Ok(relation_summary(&record(b).await?))
}

/// Waits until the app holds `n` relations.
pub async fn wait_relation_count(b: &Browser, n: usize) -> Result {
    let js = format!("return (window.marginalia.getAnnotations().relations || []).length === {n};");
    if b.wait_until(&js, WAIT).await.is_err() {
        let now = relations(b).await?;
        return Err(format!(
            "expected {n} relation(s), the app holds {}: {now:?}",
            now.len()
        )
        .into());
    }
    Ok(())
}

/// Waits until span `id` (`"s4"`) holds `value` for attribute `key`
/// (`null`: the attribute is unset).
pub async fn wait_attribute(b: &Browser, id: &str, key: &str, value: Value) -> Result {
    let js = format!(
        "const s = window.marginalia.getAnnotations().spans.find(s => s.id === {id});
         if (!s) return false;
         const v = (s.attributes || {{}})[{key}];
         return JSON.stringify(v === undefined ? null : v) === JSON.stringify({value});",
        id = json!(id),
        key = json!(key),
    );
    if b.wait_until(&js, WAIT).await.is_err() {
        let rec = record(b).await?;
        let now = rec["spans"]
            .as_array()
            .and_then(|a| a.iter().find(|s| s["id"] == id))
            .map(|s| s["attributes"].clone());
        return Err(
            format!("{id}.{key} never became {value}; the span's attributes: {now:?}").into(),
        );
    }
    Ok(())
}

/// What the app would save, less what changes with the clock: spans (ids,
/// attributes…), relations and document labels.
pub async fn annotations_state(b: &Browser) -> Result<Value> {
    let r = record(b).await?;
    Ok(json!({
        "spans": r["spans"],
        "relations": r["relations"],
        "document_labels": r["document_labels"],
    }))
}

/// The claim form's controls as the user sees them: `{name: value}` for each
/// `#mg-attr-*` (`null` when the form is not shown).
pub async fn claim_form_values(b: &Browser) -> Result<Value> {
    b.execute(
        "const form = document.querySelector('#mg-panel section.mg-claim-form');
         if (!form) return null;
         const out = {};
         for (const el of form.querySelectorAll('[id^=\"mg-attr-\"]')) out[el.id.slice(8)] = el.value;
         return out;",
        vec![],
    )
    .await
}

/// The links the claim form lists: `(relation, what it shows)`, in order.
pub async fn claim_form_links(b: &Browser) -> Result<Vec<(String, String)>> {
    let v = b
        .execute(
            "return Array.from(document.querySelectorAll('#mg-panel section.mg-claim-form li.mg-link')).map(li => {
                 const input = li.closest('.mg-links').querySelector('input[id^=\"mg-link-\"]');
                 return [input ? input.id.slice(8) : '?', li.querySelector('span').textContent];
             });",
            vec![],
        )
        .await?;
    Ok(v.as_array()
        .map(|a| {
            a.iter()
                .map(|l| {
                    (
                        l[0].as_str().unwrap_or("").to_string(),
                        l[1].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default())
}

/// The CSS of relation `label`'s group of controls in the claim form.
pub fn link_group(label: &str) -> String {
    format!(r#"#mg-panel .mg-links[aria-labelledby="mg-link-{label}-title"]"#)
}

/// The "Pick in text" button of relation `label`.
pub fn pick_button(label: &str) -> String {
    format!("{} button[aria-pressed]", link_group(label))
}

/// The "Add" button of relation `label`.
pub fn add_button(label: &str) -> String {
    format!("{} .mg-row button:not([aria-pressed])", link_group(label))
}

/// What is drawn as linked to the selected span: the span numbers of the
/// tags with `mg-related`, and the text of the runs with it.
pub async fn related(b: &Browser) -> Result<(Vec<String>, Vec<String>)> {
    let v = b
        .execute(
            "return [
                 Array.from(document.querySelectorAll('#mg-article .mg-tag.mg-related')).map(t => t.dataset.span),
                 Array.from(document.querySelectorAll('#mg-article .mg-run.mg-related')).map(r => r.textContent),
             ];",
            vec![],
        )
        .await?;
    let strings = |x: &Value| -> Vec<String> {
        x.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    Ok((strings(&v[0]), strings(&v[1])))
}

/// Whether a real click at the centre of span `n`'s tag would reach the
/// tag (nothing drawn over it), after scrolling it into view.
pub async fn tag_is_clickable(b: &Browser, n: &str) -> Result<bool> {
    let v = b
        .execute(
            "const t = document.getElementById('mg-tag-' + arguments[0]);
             if (!t) return false;
             t.scrollIntoView({block: 'center'});
             const r = t.getBoundingClientRect();
             if (r.width === 0 || r.height === 0) return false;
             const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
             return hit === t || t.contains(hit);",
            vec![json!(n)],
        )
        .await?;
    Ok(v == Value::Bool(true))
}

/// Presses Tab until the focused element matches `css` (at most `max` times).
pub async fn tab_until(b: &Browser, css: &str, max: usize) -> Result<usize> {
    let js = "return !!document.activeElement && document.activeElement.matches(arguments[0]);";
    for n in 1..=max {
        b.press("Tab").await?;
        if b.execute(js, vec![json!(css)]).await? == Value::Bool(true) {
            return Ok(n);
        }
    }
    let now = b
        .execute(
            "const a = document.activeElement; return a ? a.outerHTML.slice(0, 120) : '';",
            vec![],
        )
        .await?;
    Err(format!("`{css}` did not get focus after {max} Tab presses (focus is on {now})").into())
}

/// Chooses `value` in the `<select>` matching `css` with the mouse (a
/// click on the select, then on the option).
pub async fn choose(b: &Browser, css: &str, value: &str) -> Result {
    let select = b.wait_for(css).await?;
    select
        .select_by_value(value)
        .await
        .map_err(|e| format!("cannot choose {value:?} in `{css}`: {e}").into())
}

/// The `value` of the form control matching `css` (`checked` for a checkbox).
pub async fn control_value(b: &Browser, css: &str) -> Result<Value> {
    b.execute(
        "const el = document.querySelector(arguments[0]);
         if (!el) throw new Error('no element matches ' + arguments[0]);
         return el.type === 'checkbox' ? el.checked : el.value;",
        vec![json!(css)],
    )
    .await
}

/// Scrolls the element matching `css` to the middle of the viewport, then
/// clicks it, as a person brings a thing into view before clicking it
/// (WebDriver alone scrolls it to an edge, under the sticky header or
/// status bar).
pub async fn click_in_view(b: &Browser, css: &str) -> Result {
    b.wait_for(css).await?;
    b.execute(
        "document.querySelector(arguments[0]).scrollIntoView({block: 'center', inline: 'nearest'});",
        vec![json!(css)],
    )
    .await?;
    b.click(css).await
}

/// Opens `text` as document `id` through the handle, as a host page does,
/// and waits until it is drawn.
pub async fn set_article(b: &Browser, id: &str, text: &str) -> Result {
    b.execute("window.marginalia.setArticle({ id: arguments[0], title: 'D', text: arguments[1] });", vec![json!(id), json!(text)]).await?;
    let drawn = format!(
        "return window.marginalia.getAnnotations().text === {text}
             && Array.from(document.querySelectorAll('#mg-article .mg-par .mg-run')).map(r => r.textContent).join('') === {text};",
        text = json!(text)
    );
    b.wait_until(&drawn, WAIT).await?;
    Ok(())
}

/// The standalone page's start (`src/standalone.rs`): a part that page
/// fetches with its first load, and a host never does.
pub const START_PART: &str = "split_standalone.wasm";

/// The code files the standalone page preloads beside the first wasm: its
/// start and the chunks that start needs (`cargo xtask build` writes the
/// lines into `index.html`).
pub fn start_files() -> Vec<String> {
    let page = std::fs::read_to_string(marginalia_e2e::dist_dir().join("index.html")).expect("the built index.html");
    page.split("<link rel=\"preload\" href=\"/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter_map(|path| path.rsplit('/').next())
        .filter(|file| *file != "main_bg.wasm")
        .map(String::from)
        .collect()
}

/// The URLs of every part of the app fetched on first use: its wasm
/// files, and the pack of those fetched after the first paint with its
/// reader; not those of the standalone page's start ([`start_files`]),
/// which that page needs to start at all.
pub fn part_urls() -> Vec<String> {
    let dist = marginalia_e2e::dist_dir();
    let code = dist.join(marginalia_e2e::code_dir(&dist).expect("dist/code-<hash>/"));
    let start = start_files();
    assert!(start.iter().any(|f| f == START_PART), "index.html preloads no {START_PART}: {start:?}");
    let mut urls: Vec<String> = std::fs::read_dir(code)
        .expect("the code directory")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| (name.ends_with(".wasm") && name != "main_bg.wasm") || name == "ahead.pack" || name == "ahead.js")
        .filter(|name| !start.contains(name))
        .map(|name| format!("*/{name}"))
        .collect();
    urls.sort();
    urls
}

/// Blocks (or, with `false`, lets through again) every part fetched on
/// first use and every shared chunk ([`part_urls`]), in the tab in front
/// (Chromium's network emulation: a request for one fails as offline).
pub async fn block_parts(b: &Browser, blocked: bool) -> Result {
    b.cdp("Network.enable", json!({})).await?;
    let urls = if blocked { json!(part_urls()) } else { json!([]) };
    b.cdp("Network.setBlockedURLs", json!({ "urls": urls })).await?;
    Ok(())
}
