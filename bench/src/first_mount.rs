//! `--first-mount`: what a host pays the first time (issue 20). A fresh
//! page that imports the widget and mounts it with the workload, Marginalia
//! through `marginalia.js` (`bench/pages/marginalia-mount.html`, with the
//! preloads the docs give) and Recogito from its UMD build, side by side in
//! one run:
//!
//! - from navigation start to every span in view painted, unthrottled, cold
//!   cache (a fresh browser profile), at every size;
//! - from the `mount()` call to the same, warm HTTP cache (the page opened
//!   once before in the same session);
//! - from navigation start to the first highlight painted, 2k words, cold,
//!   on 4G (9 Mbps) and Fast 3G (1.6 Mbps), each request +150 ms (Chromium's
//!   network emulation; every file served as a CDN would, Brotli to a browser
//!   that accepts it, else gzip).
//!
//! Medians of `--runs`; the table goes between the `first-mount` markers
//! of BENCHMARKS.md, raw runs to `target/first-mount-results.json`.

use crate::markers::{FIRST_MOUNT_END, FIRST_MOUNT_START};
use crate::report::{machine_info, median, today};
use crate::{err, wait_status, Result};
use marginalia_e2e::{json, Browser, Value};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

/// (id, name, page)
const WIDGETS: &[(&str, &str, &str)] = &[
    ("marginalia", "Marginalia (`mount()`)", "marginalia-mount.html"),
    ("recogito", "@recogito/text-annotator 4.1.1", "recogito.html"),
];

/// A throttled network: latency added to each request, bytes per second.
#[derive(Clone, Copy)]
struct Network {
    name: &'static str,
    latency_ms: f64,
    down: f64,
    up: f64,
}

const FOUR_G: Network = Network { name: "4G (9 Mbps, +150 ms)", latency_ms: 150.0, down: 9e6 / 8.0, up: 9e6 / 8.0 };
const FAST_3G: Network = Network { name: "Fast 3G (1.6 Mbps, +150 ms)", latency_ms: 150.0, down: 1.6e6 / 8.0, up: 0.75e6 / 8.0 };

/// One measurement: the page, warm or cold, on a network.
#[derive(Clone, Copy)]
struct Case {
    label: &'static str,
    size: &'static str,
    network: Option<Network>,
    warm: bool,
    /// The reading: a field of the page's `__bench.load`, minus `from`.
    reading: &'static str,
    from: Option<&'static str>,
    target: Target,
}

/// Issue 20's target for a case: a ratio to Recogito, or milliseconds.
#[derive(Clone, Copy)]
enum Target {
    Ratio(f64),
    Ms(f64),
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for size in ["2k", "20k", "50k"] {
        let target = Target::Ratio(0.5);
        out.push(Case { label: "navigation → every span in view painted, cold", size, network: None, warm: false, reading: "paint2", from: None, target });
    }
    for (size, ms) in [("2k", 60.0), ("20k", 120.0), ("50k", 250.0)] {
        let target = Target::Ms(ms);
        out.push(Case { label: "`mount()` → every span in view painted, warm cache", size, network: None, warm: true, reading: "paint2", from: Some("api_start"), target });
    }
    for (network, ratio) in [(FOUR_G, 1.0), (FAST_3G, 1.5)] {
        let target = Target::Ratio(ratio);
        out.push(Case { label: "navigation → first highlight painted, cold", size: "2k", network: Some(network), warm: false, reading: "first_paint1", from: None, target });
    }
    out
}

/// One run in a fresh browser session: the page's `__bench.load`.
async fn run(url: &str, case: &Case, timeout: Duration) -> Result<Value> {
    let b = tokio::time::timeout(Duration::from_secs(60), Browser::new()).await.map_err(|_| err("no browser session in 60 s"))??;
    let out = drive(&b, url, case, timeout).await;
    let _ = tokio::time::timeout(Duration::from_secs(20), b.close()).await;
    out
}

async fn drive(b: &Browser, url: &str, case: &Case, timeout: Duration) -> Result<Value> {
    b.cdp("Network.enable", json!({})).await?;
    if let Some(n) = case.network {
        b.cdp(
            "Network.emulateNetworkConditions",
            json!({ "offline": false, "latency": n.latency_ms, "downloadThroughput": n.down, "uploadThroughput": n.up }),
        )
        .await?;
    }
    if case.warm {
        b.goto(url).await?;
        wait_status(b, &["loaded"], timeout, "the warming load").await?;
    }
    b.goto(url).await?;
    wait_status(b, &["loaded"], timeout, "load").await?;
    Ok(b.execute(
        "return Object.assign({}, window.__bench.load, { resources: performance.getEntriesByType('resource').map((e) => \
         [e.name.split('/').pop(), Math.round(e.startTime), Math.round(e.responseEnd), e.transferSize]) });",
        vec![],
    )
    .await?)
}

fn reading(load: &Value, case: &Case) -> f64 {
    let at = load[case.reading].as_f64().unwrap_or(f64::NAN);
    match case.from {
        Some(from) => at - load[from].as_f64().unwrap_or(f64::NAN),
        None => at,
    }
}

pub async fn measure(base: &str, runs: usize, timeout: Duration, root: &Path, write: bool) -> Result {
    let started = Instant::now();
    let load_start = crate::load_average();
    let mut rows = Vec::new();
    let mut raw = Vec::new();
    for case in cases() {
        let mut medians = Vec::new();
        for &(wid, _, page) in WIDGETS {
            let url = format!("{base}{page}?size={}&loadOnly=1", case.size);
            let mut values = Vec::new();
            for i in 0..runs {
                match run(&url, &case, timeout).await {
                    Ok(load) => {
                        let v = reading(&load, &case);
                        eprintln!("  first mount: {wid:<10} {:<48} {:>3} run {}/{runs}: {v:>8.1} ms", short(&case), case.size, i + 1);
                        raw.push(json!({ "widget": wid, "case": case.label, "size": case.size, "network": case.network.map(|n| n.name), "load": load }));
                        values.push(v);
                    }
                    Err(e) => {
                        eprintln!("  first mount: {wid:<10} {} {} run {}/{runs}: FAILED: {e}", short(&case), case.size, i + 1);
                        break;
                    }
                }
            }
            medians.push((!values.is_empty()).then(|| median(&values)));
        }
        rows.push((case, medians));
    }
    let load_end = crate::load_average();
    let results = json!({ "date": today(), "runs": runs, "raw": raw, "machine": machine_info(load_start.clone()) });
    fs::write(root.join("target/first-mount-results.json"), serde_json::to_string_pretty(&results)?)?;
    let mut table = table(&rows, runs, &load_start, &load_end, started.elapsed());
    table.push_str(&bytes_received(&raw));
    table.push_str(&mount_resolved(&raw));
    println!("{table}");
    if write {
        let path = root.join("BENCHMARKS.md");
        let doc = fs::read_to_string(&path).unwrap_or_default();
        fs::write(&path, with_block(&doc, &table))?;
        eprintln!("  wrote the first-mount section of {}", path.display());
    }
    Ok(())
}

/// The bytes each widget's page had received (Resource Timing's transfer
/// sizes: compressed bodies and headers) by its first highlight on each
/// throttled network, medians over the runs: what the slow rows wait for.
fn bytes_received(raw: &[Value]) -> String {
    throttled_medians(raw, "Received by the first highlight", |load| received_by(load, "first_paint1"), |kb| format!("{:.1} KB", kb / 1000.0))
}

/// When `mount()` resolved on each throttled network (the app's first
/// render in the page, its handle usable), medians over the same runs:
/// what a first highlight shown earlier than the app (a painting) would
/// cost the app is read here.
fn mount_resolved(raw: &[Value]) -> String {
    throttled_medians(raw, "Navigation → `mount()` resolved (the app in the page)", |load| load["api_return"].as_f64(), |ms| format!("{ms:.0} ms"))
}

/// A line per throttled network: `what` on it, each widget's median of
/// `reading` over its runs' loads, written by `unit`.
fn throttled_medians(raw: &[Value], what: &str, reading: impl Fn(&Value) -> Option<f64>, unit: impl Fn(f64) -> String) -> String {
    let mut md = String::new();
    for network in [FOUR_G, FAST_3G] {
        let per_widget: Vec<String> = WIDGETS
            .iter()
            .filter_map(|&(wid, name, _)| {
                let runs: Vec<f64> =
                    raw.iter().filter(|r| r["widget"] == wid && r["network"] == network.name).filter_map(|r| reading(&r["load"])).collect();
                (!runs.is_empty()).then(|| format!("{name} {}", unit(median(&runs))))
            })
            .collect();
        if !per_widget.is_empty() {
            let _ = write!(md, "\n{what} on {}: {}.\n", network.name, per_widget.join(", "));
        }
    }
    md
}

/// The sum of the transfer sizes of the resources that ended by `load[at]`.
fn received_by(load: &Value, at: &str) -> Option<f64> {
    let at = load[at].as_f64()?;
    let resources = load["resources"].as_array()?;
    Some(resources.iter().filter(|r| r[2].as_f64().is_some_and(|end| end <= at)).filter_map(|r| r[3].as_f64()).sum())
}

fn short(case: &Case) -> String {
    match case.network {
        Some(n) => format!("first highlight, {}", n.name.split(' ').next().unwrap_or("")),
        None if case.warm => "mount → painted, warm".into(),
        None => "navigation → painted, cold".into(),
    }
}

fn ms(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() => format!("{v:.0} ms"),
        _ => "failed".into(),
    }
}

fn table(rows: &[(Case, Vec<Option<f64>>)], runs: usize, load_start: &str, load_end: &str, took: Duration) -> String {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "\nMeasured on {} by `cargo run --release -p marginalia-bench -- --first-mount` (medians of {runs} runs, each in a fresh \
         browser session; load average {load_start} at the start, {load_end} at the end; {:.0} s). A fresh page imports the \
         widget and mounts it with the workload's text and spans: Marginalia through `marginalia.js` with the preload lines \
         of docs/EMBEDDING.md, Recogito from its UMD build. Every file is served as a CDN serves it: its Brotli sibling \
         (Chromium accepts Brotli on localhost as over HTTPS), else its gzip one. Ratio = Marginalia ÷ Recogito.\n",
        today(),
        took.as_secs_f64()
    );
    let _ = writeln!(md, "| reading | size | network | Marginalia | Recogito | ratio | target |");
    let _ = writeln!(md, "|---|---|---|---|---|---|---|");
    for (case, m) in rows {
        let ratio = match (m[0], m[1]) {
            (Some(a), Some(b)) if b > 0.0 => Some(a / b),
            _ => None,
        };
        let met = |ok: bool| if ok { "✅" } else { "❌" };
        let target = match (case.target, ratio, m[0]) {
            (Target::Ratio(t), Some(r), _) => format!("{} ≤ {t}×", met(r <= t)),
            (Target::Ms(t), _, Some(v)) => format!("{} ≤ {t:.0} ms", met(v <= t)),
            _ => "–".into(),
        };
        let ratio = ratio.map_or("–".into(), |r| format!("{r:.2}×"));
        let network = case.network.map_or("none", |n| n.name);
        let _ = writeln!(md, "| {} | {} | {network} | {} | {} | {ratio} | {target} |", case.label, case.size, ms(m[0]), ms(m[1]));
    }
    md
}

/// `doc` with the table between the first-mount markers (put before the
/// load section when they are missing).
fn with_block(doc: &str, table: &str) -> String {
    let block = format!("{FIRST_MOUNT_START}{table}{FIRST_MOUNT_END}");
    if let (Some(i), Some(j)) = (doc.find(FIRST_MOUNT_START), doc.find(FIRST_MOUNT_END)) {
        return format!("{}{block}{}", &doc[..i], &doc[j + FIRST_MOUNT_END.len()..]);
    }
    let section = format!("## First use: what a host pays (issue 20)\n\n{block}\n\n");
    match doc.find("## Load: until every span") {
        Some(i) => format!("{}{section}{}", &doc[..i], &doc[i..]),
        None => format!("{doc}\n{section}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_is_replaced_or_put_before_the_load_section() {
        let doc = "# B\n\n## Load: until every span (in view)\n";
        let once = with_block(doc, "\n| a |\n");
        assert!(once.contains("## First use: what a host pays (issue 20)\n\n<!-- first-mount -->\n| a |\n<!-- /first-mount -->\n\n## Load"), "{once}");
        let twice = with_block(&once, "\n| b |\n");
        assert!(twice.contains("<!-- first-mount -->\n| b |\n<!-- /first-mount -->") && !twice.contains("| a |"), "{twice}");
        assert_eq!(twice.matches("## First use").count(), 1);
    }

    #[test]
    fn bytes_received_count_what_ended_before_the_first_highlight() {
        let load = json!({ "first_paint1": 500.0, "resources": [["a.js", 10, 200, 1000], ["b.wasm", 10, 499, 2500], ["c.wasm", 400, 650, 9000]] });
        assert_eq!(received_by(&load, "first_paint1"), Some(3500.0));
        let raw = [
            json!({ "widget": "marginalia", "network": FOUR_G.name, "load": load }),
            json!({ "widget": "recogito", "network": FAST_3G.name, "load": { "first_paint1": 100.0, "resources": [["r.js", 0, 90, 20000]] } }),
        ];
        let md = bytes_received(&raw);
        assert!(md.contains("on 4G (9 Mbps, +150 ms): Marginalia (`mount()`) 3.5 KB."), "{md}");
        assert!(md.contains("on Fast 3G (1.6 Mbps, +150 ms): @recogito/text-annotator 4.1.1 20.0 KB."), "{md}");
    }

    #[test]
    fn mount_resolved_is_the_median_of_each_widgets_runs() {
        let run = |wid: &str, at: f64| json!({ "widget": wid, "network": FOUR_G.name, "load": { "api_return": at } });
        let raw = [run("marginalia", 700.0), run("marginalia", 900.0), run("marginalia", 650.0), run("recogito", 540.0)];
        let md = mount_resolved(&raw);
        assert_eq!(
            md,
            "\nNavigation → `mount()` resolved (the app in the page) on 4G (9 Mbps, +150 ms): Marginalia (`mount()`) 700 ms, @recogito/text-annotator 4.1.1 540 ms.\n"
        );
    }
}
