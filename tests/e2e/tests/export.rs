//! Exports from the format menu, on the Unicode fixture: each format's file
//! is downloaded, holds the annotator's spans at Python's code-point offsets
//! (doccano's at UTF-16 offsets), says what it could not hold, and opens
//! again — in a fresh page, on the same article — to the same spans, which a
//! reload keeps.

mod support;

use marginalia_e2e::{json, workspace_root, Browser, Result};
use std::path::Path;
use support::*;

const ARTICLE: &str = include_str!("../../../assets/articles/unicode-stress.txt");
const FAMILY: &str = "👨‍👩‍👧‍👦";

/// Entities, labelled with the mouse and the keys: (text, key, label).
const ENTITIES: [(&str, &str, &str); 4] =
    [("Zoë Nguyễn", "1", "PERSON"), ("国際協力機構", "2", "ORG"), ("الجزيرة", "2", "ORG"), (FAMILY, "8", "MISC")];

async fn open_unicode_article() -> Result<Browser> {
    let b = open_app().await?;
    open_file(&b, workspace_root().join("assets/articles/unicode-stress.txt")).await?;
    b.wait_until("return window.marginalia.getAnnotations().meta.doc_id === 'unicode-stress';", WAIT).await?;
    Ok(b)
}

/// The first line of the article, which holds a flag and "Bamako".
fn claim_text() -> &'static str {
    ARTICLE.lines().find(|l| l.contains("Zoë Nguyễn")).expect("the fixture names Zoë Nguyễn")
}

async fn annotate(b: &Browser) -> Result {
    for (n, (needle, key, _)) in ENTITIES.iter().enumerate() {
        let (s, e) = range_of(ARTICLE, needle);
        b.drag_select(s, e).await?;
        assert_eq!(wait_pending(b).await?, *needle);
        b.press(key).await?;
        wait_span_count(b, n + 1).await?;
    }
    // A claim over the whole line that names Zoë Nguyễn: it nests the
    // PERSON span, so token tags cannot hold it.
    let (s, e) = range_of(ARTICLE, claim_text());
    b.drag_select(s, e).await?;
    wait_pending(b).await?;
    b.press("c").await?;
    wait_span_count(b, ENTITIES.len() + 1).await?;
    b.press("Escape").await?;
    Ok(())
}

/// Chooses `format` in the menu with the keyboard's help (the menu's own
/// value) and presses Export; returns the downloaded file.
async fn export(b: &Browser, format: &str, file: &str) -> Result<std::path::PathBuf> {
    clear_downloads(b)?;
    b.find("#mg-export-format").await?.select_by_value(format).await?;
    b.click("#mg-export").await?;
    Ok(b.downloaded_file(file, WAIT).await?.path)
}

/// Removes earlier downloads, so that a name is never `name (1)`.
fn clear_downloads(b: &Browser) -> Result {
    if let Ok(entries) = std::fs::read_dir(b.download_dir()) {
        for entry in entries {
            // A partial download may be renamed meanwhile.
            let _ = std::fs::remove_file(entry?.path());
        }
    }
    Ok(())
}

/// Python (std only): the spans a file of `format` holds, as
/// `[[text, label], …]` sliced from the article by the file's own offsets.
const PY_SPANS_OF: &str = r#"
import json, sys, unicodedata
fmt, path, text = sys.argv[1], sys.argv[2], open(sys.argv[3], encoding='utf-8').read()
raw = open(path, encoding='utf-8').read()
def utf16_slice(s, a, b):
    return s.encode('utf-16-le')[2 * a:2 * b].decode('utf-16-le')
out = []
if fmt == 'spacy':
    task = json.loads(raw.splitlines()[0])
    assert task['text'] == text
    out = [[text[s['start']:s['end']], s['label']] for s in task['spans']]
elif fmt == 'doccano':
    task = json.loads(raw.splitlines()[0])
    out = [[utf16_slice(task['text'], a, b), l] for a, b, l in task['label']]
elif fmt == 'label-studio':
    task = json.loads(raw)[0]
    for r in task['annotations'][0]['result']:
        if r['type'] == 'labels':
            out.append([task['data']['text'][r['value']['start']:r['value']['end']], r['value']['labels'][0]])
elif fmt == 'w3c':
    doc = json.loads(raw.splitlines()[0])
    for a in doc['first']['items']:
        sel = {s['type']: s for s in a['target']['selector']} if isinstance(a.get('target'), dict) and 'selector' in a['target'] else {}
        pos = sel.get('TextPositionSelector')
        if pos:
            tags = [b['value'] for b in a['body'] if b.get('purpose') == 'tagging']
            out.append([text[pos['start']:pos['end']], tags[0]])
elif fmt == 'brat':
    for line in raw.splitlines():
        if line.startswith('T'):
            _, kind, quoted = line.split('\t')
            label, rest = kind.split(' ', 1)
            frags = [tuple(map(int, f.split())) for f in rest.split(';')]
            out.append([text[frags[0][0]:frags[-1][1]], label])
elif fmt == 'iob2':
    chunks, cur = [], None
    for line in raw.splitlines():
        cols = line.split(' ')
        if len(cols) < 4 or cols[0] == '-DOCSTART-':
            cur = None
            continue
        tok, tag = cols[0], cols[-1]
        if tag.startswith('B-'):
            cur = [tok, tag[2:]]
            chunks.append(cur)
        elif tag.startswith('I-') and cur and cur[1] == tag[2:]:
            # Characters of a script written without spaces are a token each
            # (as spaCy's Chinese pipeline cuts them): joined as written.
            unspaced = lambda c: unicodedata.name(c, '').startswith(('CJK', 'HIRAGANA', 'KATAKANA', 'THAI'))
            cur[0] += ('' if unspaced(cur[0][-1]) and unspaced(tok[0]) else ' ') + tok
        else:
            cur = None
    out = chunks
print(json.dumps(sorted(out), ensure_ascii=False))
"#;

fn spans_in_file(format: &str, path: &Path) -> Result<Vec<(String, String)>> {
    let article = workspace_root().join("assets/articles/unicode-stress.txt");
    let out = std::process::Command::new("python3").arg("-c").arg(PY_SPANS_OF).arg(format).arg(path).arg(&article).output()?;
    if !out.status.success() {
        return Err(format!("python could not read the {format} export {}: {}", path.display(), String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(serde_json::from_slice(&out.stdout)?)
}

fn expected(with_claim: bool) -> Vec<(String, String)> {
    let mut want: Vec<(String, String)> = ENTITIES.iter().map(|(t, _, l)| (t.to_string(), l.to_string())).collect();
    if with_claim {
        want.push((claim_text().to_string(), "CLAIM".into()));
    }
    want.sort();
    want
}

#[tokio::test]
async fn every_format_exports_the_spans_at_their_offsets_and_reopens_to_them() -> Result {
    let b = open_unicode_article().await?;
    annotate(&b).await?;
    let original = spans(&b).await?;
    assert_eq!(original.len(), ENTITIES.len() + 1);

    // (menu value, downloaded file, holds claims)
    let formats = [
        ("spacy", "unicode-stress.spacy.jsonl", true),
        ("label-studio", "unicode-stress.label-studio.json", true),
        ("doccano", "unicode-stress.doccano.jsonl", true),
        ("w3c", "unicode-stress.w3c.jsonld", true),
        ("brat", "unicode-stress.ann", true),
        ("iob2", "unicode-stress.iob2.conll", false),
    ];
    let mut files = Vec::new();
    for (format, file, with_claim) in formats {
        let path = export(&b, format, file).await?;
        assert_eq!(spans_in_file(format, &path)?, expected(with_claim), "{format}: the spans in {file}");
        if format == "brat" {
            // brat keeps the text beside the annotations.
            let txt = b.downloaded_file("unicode-stress.txt", WAIT).await?;
            assert_eq!(txt.text()?, ARTICLE, "brat's .txt is the article exactly");
        }
        // Kept apart: the next export clears the download directory.
        let kept = temp_dir(format).join(path.file_name().unwrap());
        std::fs::copy(&path, &kept)?;
        files.push((format, kept));
    }
    // Token tags cannot hold the claim: the page says so.
    let said = wait_notice(&b, "warning").await?;
    assert!(said.contains("CoNLL IOB2") && said.contains("claim"), "the CoNLL export must say the claim was left out: {said}");
    b.close().await?;

    // Each readable file opens onto the bare article to the same spans.
    for (format, path) in files.into_iter().filter(|(f, _)| *f != "iob2") {
        let b = open_unicode_article().await?;
        assert_eq!(spans(&b).await?.len(), 0, "a fresh page starts without spans");
        open_file(&b, &path).await?;
        wait_span_count(&b, original.len()).await?;
        assert_eq!(spans(&b).await?, original, "{format}: the spans opened from {}", path.display());
        b.reload_app().await?;
        wait_span_count(&b, original.len()).await?;
        assert_eq!(spans(&b).await?, original, "{format}: the spans after a reload");
        b.close().await?;
    }
    Ok(())
}

#[tokio::test]
async fn the_export_menu_is_named_and_works_from_the_keyboard() -> Result {
    let b = open_unicode_article().await?;
    let (s, e) = range_of(ARTICLE, "Zoë Nguyễn");
    b.drag_select(s, e).await?;
    b.press("1").await?;
    wait_span_count(&b, 1).await?;
    clear_downloads(&b)?;
    // Tab to the menu, pick spaCy with the arrow key, export with Enter.
    tab_to(&b, "mg-export-format", 40).await?;
    let name = b.execute("return document.getElementById('mg-export-format').labels[0].textContent;", vec![]).await?;
    assert_eq!(name, json!("Export format"));
    let value = "return document.getElementById('mg-export-format').value;";
    assert_eq!(b.execute(value, vec![]).await?, json!("marginalia"), "the menu starts at Marginalia's own format");
    b.press("ArrowDown").await?;
    assert_eq!(b.execute(value, vec![]).await?, json!("spacy"));
    b.press("Enter").await?;
    let file = b.downloaded_file("unicode-stress.spacy.jsonl", WAIT).await?;
    assert_eq!(spans_in_file("spacy", &file.path)?, vec![("Zoë Nguyễn".to_string(), "PERSON".to_string())]);
    let report = b.run_axe().await?;
    assert!(report.is_clean(), "axe: {report:?}");
    b.close().await
}
