//! The served benchmark site (`target/bench-site/`): the workloads as JSON,
//! one page per widget (sources in `bench/pages/`), Marginalia's dist at the
//! root (its index.html uses absolute paths) and the peers' bundles under
//! `peers/`.

use crate::peers::Peers;
use crate::{err, Result};
use marginalia_core::article::Article;
use marginalia_core::formats::{new_record, new_span};
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::span::SpanId;
use marginalia_core::workload::{generate, Workload};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

/// (name, words, spans)
pub const SIZES: &[(&str, usize, usize)] = &[("2k", 2_000, 100), ("20k", 20_000, 1_000), ("50k", 50_000, 5_000)];
/// How many spans each run adds, one at a time.
pub const ADDS: usize = 50;
/// The added spans lie in the first this many code points: the first
/// screenful of every widget at 1280×900 (about 25 lines of 80–90 characters).
pub const FIRST_SCREEN_CPS: usize = 800;
const LABELS: &[&str] = &["PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "EVENT", "MISC"];

const COMMON_JS: &str = include_str!("../pages/bench-common.js");
const MARGINALIA_JS: &str = include_str!("../pages/bench-marginalia.js");
const VIEW_JS: &str = include_str!("../pages/marginalia-view.js");
const MOUNT_HTML: &str = include_str!("../pages/marginalia-mount.html");
const MOUNT_JS: &str = include_str!("../pages/bench-marginalia-mount.js");
const RECOGITO_HTML: &str = include_str!("../pages/recogito.html");
const RECOGITO_JS: &str = include_str!("../pages/bench-recogito.js");
const LABELSTUDIO_HTML: &str = include_str!("../pages/labelstudio.html");
const LABELSTUDIO_JS: &str = include_str!("../pages/bench-labelstudio.js");

/// The spans each run adds: whole words (then pairs of words) in the first
/// screenful, none equal to a workload span or to another added span.
pub fn adds(w: &Workload) -> Vec<(usize, usize, &'static str)> {
    let article = Article::new("bench", "bench", w.text.clone()).expect("workload text is valid");
    let existing: HashSet<(usize, usize)> = w.spans.iter().map(|s| (s.start, s.end)).collect();
    let words: Vec<(usize, usize)> = article
        .tokens()
        .iter()
        .filter(|t| t.end <= FIRST_SCREEN_CPS)
        .filter(|t| {
            article
                .slice(t.start, t.end)
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric)
        })
        .map(|t| (t.start, t.end))
        .collect();
    let mut out = Vec::with_capacity(ADDS);
    let mut taken = existing;
    let singles = words.iter().copied();
    let pairs = words.windows(2).map(|p| (p[0].0, p[1].1));
    for (start, end) in singles.chain(pairs) {
        if out.len() == ADDS {
            break;
        }
        if taken.insert((start, end)) {
            out.push((start, end, LABELS[out.len() % LABELS.len()]));
        }
    }
    assert_eq!(out.len(), ADDS, "not enough free words in the first screenful");
    out
}

pub fn workload_json(name: &str, words: usize, w: &Workload) -> Value {
    json!({
        "size": name,
        "words": words,
        "text": w.text,
        "spans": w.spans.iter().map(|s| json!({"start": s.start, "end": s.end, "label": s.label})).collect::<Vec<_>>(),
        "adds": adds(w).iter().map(|(s, e, l)| json!({"start": s, "end": e, "label": l})).collect::<Vec<_>>(),
        "record": record(name, w),
    })
}

/// The workload as a Marginalia record (spans `s1`, `s2`… in order): what a
/// host hands `mount` as its annotations.
fn record(name: &str, w: &Workload) -> Value {
    let schema = LabelSchema::news_default();
    let chars: Vec<char> = w.text.chars().collect();
    let mut record = new_record(w.text.clone(), format!("bench-{name}"));
    for (i, s) in w.spans.iter().enumerate() {
        let mut span = new_span(&chars, s.start, s.end, &s.label, &schema).expect("workload spans lie in the text");
        span.id = Some(SpanId(i as u32 + 1));
        record.spans.push(span);
    }
    serde_json::from_str(&record.to_json()).expect("a record is JSON")
}

/// Writes the whole site afresh into `site`.
pub fn build(site: &Path, dist: &Path, peers: &Peers) -> Result {
    let _ = fs::remove_dir_all(site);
    fs::create_dir_all(site.join("workloads"))?;
    for &(name, words, spans) in SIZES {
        let w = generate(words, spans);
        let json = workload_json(name, words, &w);
        fs::write(site.join(format!("workloads/{name}.json")), serde_json::to_vec(&json)?)?;
    }

    // Marginalia: its dist at the root, index.html → marginalia.html with the harness.
    let index = fs::read_to_string(dist.join("index.html")).map_err(|e| {
        err(format!(
            "cannot read {}: {e} (build the app first: `cargo xtask build`)",
            dist.join("index.html").display()
        ))
    })?;
    // Everything but the page (the code directory, marginalia.js, the styles).
    copy_tree(dist, site, &|p: &Path| p.file_name().is_none_or(|n| n != "index.html" && n != "index.html.gz"))?;
    // The harness goes first in the head. Trunk's release build minifies the
    // page and leaves out the optional `<head>` tag: then right after `<html …>`.
    let head_at = match (index.find("<head>"), index.find("<html")) {
        (Some(i), _) => Some(i + "<head>".len()),
        (None, Some(i)) => index[i..].find('>').map(|end| i + end + 1),
        (None, None) => None,
    };
    let body_end = "</body>";
    let Some(head_at) = head_at.filter(|_| index.contains(body_end)) else {
        return Err(err(format!("{} has no <html> or </body>", dist.join("index.html").display())));
    };
    let harness = "\n    <script>document.documentElement.dataset.widget = 'marginalia';</script>\n    <script src=\"bench-common.js\"></script>";
    let page = format!("{}{harness}{}", &index[..head_at], &index[head_at..])
        .replacen(body_end, "  <script src=\"marginalia-view.js\"></script>\n  <script src=\"bench-marginalia.js\"></script>\n  </body>", 1);
    fs::write(site.join("marginalia.html"), page)?;
    fs::write(site.join("bench-common.js"), COMMON_JS)?;
    fs::write(site.join("bench-marginalia.js"), MARGINALIA_JS)?;
    fs::write(site.join("marginalia-view.js"), VIEW_JS)?;
    // A host page mounting it (docs/EMBED.md), with the preloads the docs give.
    // (The profiling build has one module and no code directory: no such page.)
    if let Ok(code) = marginalia_e2e::code_dir(dist) {
        fs::write(site.join("marginalia-mount.html"), MOUNT_HTML.replace("{CODE}", &code).replace("{CSS}", &stylesheet(dist)?))?;
        fs::write(site.join("bench-marginalia-mount.js"), MOUNT_JS)?;
    }

    // Recogito: its UMD build (dependencies bundled) and CSS.
    let rec = site.join("peers/recogito");
    fs::create_dir_all(&rec)?;
    for f in ["text-annotator.umd.js", "text-annotator.css"] {
        fs::copy(peers.recogito_dist.join(f), rec.join(f))?;
    }
    fs::write(site.join("recogito.html"), RECOGITO_HTML)?;
    fs::write(site.join("bench-recogito.js"), RECOGITO_JS)?;

    // Label Studio: lsf/ without source maps.
    copy_tree(&peers.lsf, &site.join("peers/lsf"), &|p: &Path| {
        p.extension().is_none_or(|e| e != "map")
    })?;
    fs::write(site.join("labelstudio.html"), LABELSTUDIO_HTML)?;
    fs::write(site.join("bench-labelstudio.js"), LABELSTUDIO_JS)?;
    precompress(site)
}

/// The widget's stylesheet (`app-<hash>.css`).
fn stylesheet(dist: &Path) -> Result<String> {
    fs::read_dir(dist)?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("app-") && n.ends_with(".css"))
        .ok_or_else(|| err(format!("{} has no app-<hash>.css", dist.display())))
}

/// A gzip -9 and a Brotli sibling of every script, stylesheet, wasm, page
/// and workload (`xtask/src/precompress.mjs`, as the build writes them):
/// the site's server sends the one a browser accepts (Brotli first), as a
/// CDN would, for every widget alike.
fn precompress(site: &Path) -> Result {
    let script = crate::root().join("xtask/src/precompress.mjs");
    let ok = std::process::Command::new("node").arg(&script).arg(site).status()?.success();
    if !ok {
        return Err(err(format!("{} failed on {}", script.display(), site.display())));
    }
    Ok(())
}

fn copy_tree(from: &Path, to: &Path, keep: &dyn Fn(&Path) -> bool) -> Result {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let p = entry?.path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_tree(&p, &dest, keep)?;
        } else if keep(&p) {
            fs::copy(&p, &dest)?;
        }
    }
    Ok(())
}

/// The file a URL of the site names, if any.
pub fn file_for_url(site: &Path, url: &str) -> Option<PathBuf> {
    let rest = url.split("://").nth(1)?;
    let path = rest.find('/').map(|i| &rest[i..]).unwrap_or("/");
    let path = path.split(['?', '#']).next()?.trim_start_matches('/');
    if path.split('/').any(|c| c == "..") {
        return None;
    }
    let f = site.join(path);
    f.is_file().then_some(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_are_fresh_words_in_the_first_screen() {
        for &(_, words, spans) in SIZES {
            let w = generate(words, spans);
            let a = adds(&w);
            assert_eq!(a.len(), ADDS);
            let existing: HashSet<(usize, usize)> = w.spans.iter().map(|s| (s.start, s.end)).collect();
            let mut seen = HashSet::new();
            for &(s, e, _) in &a {
                assert!(e <= FIRST_SCREEN_CPS && s < e);
                assert!(!existing.contains(&(s, e)));
                assert!(seen.insert((s, e)));
            }
        }
    }

    #[test]
    fn urls_map_to_site_files() {
        let dir = std::env::temp_dir().join(format!("mg-bench-site-{}", std::process::id()));
        fs::create_dir_all(dir.join("peers")).unwrap();
        fs::write(dir.join("peers/a.js"), "x").unwrap();
        assert_eq!(
            file_for_url(&dir, "http://127.0.0.1:1/peers/a.js?x=1"),
            Some(dir.join("peers/a.js"))
        );
        assert_eq!(file_for_url(&dir, "http://127.0.0.1:1/../etc/passwd"), None);
        assert_eq!(file_for_url(&dir, "http://127.0.0.1:1/missing.js"), None);
        fs::remove_dir_all(dir).unwrap();
    }
}
