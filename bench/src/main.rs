//! The browser benchmark: Marginalia side by side with
//! `@recogito/text-annotator` 4.1.1 and the Label Studio frontend 1.8.0 in
//! headless Chromium, on the same deterministic workloads (issue 3).
//!
//! `cargo run --release -p marginalia-bench [-- options]`:
//!
//! 1. installs the peers into `.tools/bench/` when missing ([`peers`]);
//! 2. writes the site into `target/bench-site/` (workloads, one page per
//!    widget, the bundles) and serves it on 127.0.0.1 ([`site`]);
//! 3. runs every widget × size `--runs` times (default 5), each in a fresh
//!    browser session (fresh profile, empty cache), and reads what the page
//!    measured (`bench/pages/bench-common.js`) plus the JS heap over CDP;
//! 4. writes `target/bench-results.json` and `BENCHMARKS.md` ([`report`]).
//!
//! Options:
//! - `--runs N` (default 5), `--sizes 2k,20k,50k`, `--widgets marginalia,recogito,labelstudio`;
//! - `--timeout SECS`: per run and phase (default 120);
//! - `--no-write`: leave BENCHMARKS.md alone (the JSON is still written);
//! - `--no-profile`: skip the profile run (by default, one extra Marginalia
//!   run at the largest size, of a build that keeps the wasm function names,
//!   under the V8 sampling profiler, plus a size breakdown of the wasm by
//!   crate and by Marginalia's own modules);
//! - `--report-only`: measure nothing, rewrite BENCHMARKS.md from
//!   `target/bench-results.json` (add `--profile` to redo just the profile);
//! - `--inspect PAGE`: debugging, open one page (e.g. `marginalia.html?size=2k`),
//!   print its state and console.
//!
//! Environment: `MARGINALIA_DIST`, the built app (default `dist/`);
//! `MARGINALIA_PROFILE_DIST`, a names-keeping build for the profile (default:
//! built with cargo + wasm-bindgen into `target/bench-profile-dist/`).

mod first_mount;
mod markers;
mod peers;
mod report;
mod site;

use marginalia_e2e::{json, Browser, Server, Value};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub type Error = Box<dyn std::error::Error + Send + Sync + 'static>;
pub type Result<T = (), E = Error> = std::result::Result<T, E>;

pub fn err(msg: impl Into<String>) -> Error {
    msg.into().into()
}

/// (id, name in the report, page)
pub const WIDGETS: &[(&str, &str, &str)] = &[
    ("marginalia", "Marginalia", "marginalia.html"),
    ("recogito", "@recogito/text-annotator 4.1.1", "recogito.html"),
    ("labelstudio", "Label Studio frontend 1.8.0", "labelstudio.html"),
];

struct Options {
    runs: usize,
    sizes: Vec<String>,
    widgets: Vec<String>,
    timeout: Duration,
    write: bool,
    profile: bool,
    /// Open one page (`marginalia.html?size=2k`), wait, print its state and console.
    inspect: Option<String>,
    /// Run nothing (but the profile, with `--profile`): rewrite BENCHMARKS.md
    /// from target/bench-results.json.
    report_only: bool,
    /// What a host pays on first use instead (`first_mount.rs`).
    first_mount: bool,
}

fn parse_args() -> Result<Options> {
    let mut o = Options {
        runs: 5,
        sizes: site::SIZES.iter().map(|s| s.0.to_string()).collect(),
        widgets: WIDGETS.iter().map(|w| w.0.to_string()).collect(),
        timeout: Duration::from_secs(120),
        write: true,
        profile: true,
        inspect: None,
        report_only: false,
        first_mount: false,
    };
    let mut profile_flag = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| err(format!("{a} needs a value")));
        match a.as_str() {
            "--runs" => o.runs = value()?.parse()?,
            "--sizes" => o.sizes = value()?.split(',').map(str::to_string).collect(),
            "--widgets" => o.widgets = value()?.split(',').map(str::to_string).collect(),
            "--timeout" => o.timeout = Duration::from_secs(value()?.parse()?),
            "--no-write" => o.write = false,
            "--profile" => profile_flag = Some(true),
            "--no-profile" => profile_flag = Some(false),
            "--report-only" => o.report_only = true,
            "--first-mount" => o.first_mount = true,
            "--inspect" => o.inspect = Some(value()?),
            "-h" | "--help" => {
                println!("{}", HELP);
                std::process::exit(0);
            }
            _ => return Err(err(format!("unknown argument `{a}`\n{HELP}"))),
        }
    }
    // A profile run by default, but not when only rewriting the report.
    o.profile = profile_flag.unwrap_or(!o.report_only);
    for s in &o.sizes {
        if !site::SIZES.iter().any(|x| x.0 == s) {
            return Err(err(format!("unknown size `{s}` (2k, 20k, 50k)")));
        }
    }
    for w in &o.widgets {
        if !WIDGETS.iter().any(|x| x.0 == w) {
            return Err(err(format!("unknown widget `{w}` (marginalia, recogito, labelstudio)")));
        }
    }
    Ok(o)
}

const HELP: &str = "usage: cargo run --release -p marginalia-bench -- [--runs N] [--sizes 2k,20k,50k] \
[--widgets marginalia,recogito,labelstudio] [--timeout SECS] [--no-write] [--no-profile] [--report-only] \
[--inspect PAGE] [--first-mount (what a host pays on first use: cold, warm, 4G, Fast 3G; its own section)]";

pub fn root() -> PathBuf {
    marginalia_e2e::workspace_root()
}

fn dist_dir() -> PathBuf {
    std::env::var_os("MARGINALIA_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("dist"))
}

#[tokio::main]
async fn main() {
    eprintln!(
        "marginalia-bench: Marginalia vs @recogito/text-annotator and Label Studio in headless Chromium \
         (about 15–20 min for the full run; `--help` for options; results → BENCHMARKS.md)"
    );
    let started = Instant::now();
    match run().await {
        Ok(()) => eprintln!("marginalia-bench: done in {:.0} s", started.elapsed().as_secs_f64()),
        Err(e) => {
            eprintln!("marginalia-bench: error: {e}");
            std::process::exit(1);
        }
    }
}

async fn run() -> Result {
    let o = parse_args()?;
    let root = root();
    let dist = dist_dir();
    if !dist.join("index.html").is_file() {
        return Err(err(format!(
            "{} has no index.html: build the app first (`cargo xtask build`) or set MARGINALIA_DIST",
            dist.display()
        )));
    }
    eprintln!("  app: {}", dist.display());
    let peers = peers::ensure(&root)?;
    let site_dir = root.join("target/bench-site");
    site::build(&site_dir, &dist, &peers)?;
    let server = Server::serve(&site_dir);
    let base = server.url();
    eprintln!("  site: {} served at {base}", site_dir.display());

    if let Some(page) = &o.inspect {
        return inspect(&format!("{base}{page}"), o.timeout).await;
    }
    if o.first_mount {
        let cdn = Server::serve_as_a_cdn(&site_dir).url();
        return first_mount::measure(&cdn, o.runs, o.timeout, &root, o.write).await;
    }

    let out = root.join("target/bench-results.json");
    let mut results = if o.report_only {
        let text = fs::read_to_string(&out).map_err(|e| err(format!("--report-only needs {}: {e}", out.display())))?;
        serde_json::from_str::<Value>(&text)?
    } else {
        measure(&o, &site_dir, &base, &root).await?
    };

    if o.profile {
        // Never fatal: the measurements above are kept whatever happens here.
        match profile(&o, &root, &dist, &peers).await {
            Ok(p) => results["profile"] = p,
            Err(e) => eprintln!("  profile skipped: {e}"),
        }
    }

    fs::create_dir_all(out.parent().unwrap())?;
    fs::write(&out, serde_json::to_string_pretty(&results)?)?;
    eprintln!("  raw results: {}", out.display());
    report::print_summary(&results);
    if o.write {
        let md = root.join("BENCHMARKS.md");
        let previous = fs::read_to_string(&md).unwrap_or_default();
        fs::write(&md, report::markdown(&results, &previous))?;
        eprintln!("  wrote {}", md.display());
    }
    Ok(())
}

/// One extra Marginalia run at the largest size asked for, of a build that
/// keeps function names, under the V8 sampling profiler.
async fn profile(o: &Options, root: &Path, dist: &Path, peers: &peers::Peers) -> Result<Value> {
    let size = o.sizes.last().cloned().unwrap_or_else(|| "50k".into());
    eprintln!("  profiling Marginalia at {size}: a release build that keeps function names (no wasm-opt)…");
    let prof_dist = match std::env::var_os("MARGINALIA_PROFILE_DIST") {
        Some(d) => PathBuf::from(d),
        None => profiling_dist(root, dist)?,
    };
    let prof_site = root.join("target/bench-site-profile");
    site::build(&prof_site, &prof_dist, peers)?;
    let prof_base = Server::serve(&prof_site).url();
    eprintln!("  profiling Marginalia at {size} (V8 sampling profiler, one extra run)…");
    let r = run_once(
        &format!("{prof_base}marginalia.html?size={size}&hold=1"),
        o.timeout,
        true,
    )
    .await?;
    let mut profile = r["profile"].clone();
    profile["size"] = json!(size);
    profile["twiggy"] = twiggy_top(&prof_dist);
    report::print_profile(&profile);
    Ok(profile)
}

/// Every widget × size, `o.runs` times; the results without the profile.
async fn measure(o: &Options, site_dir: &Path, base: &str, root: &Path) -> Result<Value> {
    let machine = report::machine_info(load_average());
    let started = Instant::now();
    let mut cells: Vec<Value> = Vec::new();
    let mut chromium = String::new();
    for &(wid, wname, page) in WIDGETS {
        if !o.widgets.iter().any(|w| w == wid) {
            continue;
        }
        for &(size, words, spans) in site::SIZES {
            if !o.sizes.iter().any(|s| s == size) {
                continue;
            }
            let url = format!("{base}{page}?size={size}");
            let mut runs = Vec::new();
            let mut failure: Option<String> = None;
            for i in 0..o.runs {
                let t = Instant::now();
                match run_once(&url, o.timeout, false).await {
                    Ok(r) => {
                        if chromium.is_empty() {
                            chromium = r["browser_version"]
                                .as_str()
                                .or(r["user_agent"].as_str())
                                .unwrap_or("")
                                .to_string();
                        }
                        eprintln!(
                            "  {wid:<11} {size:>3} run {}/{}: load {:>8.1} ms from navigation, {:>8.1} ms from the API call; adds p95 {:>6.1} ms painted ({:.0} s)",
                            i + 1,
                            o.runs,
                            r["load"]["nav_to_paint2"].as_f64().unwrap_or(f64::NAN),
                            r["load"]["api_to_paint2"].as_f64().unwrap_or(f64::NAN),
                            report::percentile(&report::add_samples(std::slice::from_ref(&r), "paint2"), 95.0),
                            t.elapsed().as_secs_f64()
                        );
                        runs.push(r);
                    }
                    Err(e) => {
                        let msg = e.to_string();
                        eprintln!("  {wid:<11} {size:>3} run {}/{}: FAILED: {msg}", i + 1, o.runs);
                        failure = Some(msg);
                        // A size a widget cannot finish is not tried again.
                        break;
                    }
                }
            }
            let bundle = match runs.first() {
                Some(r) => bundle(site_dir, r)?,
                None => Value::Null,
            };
            cells.push(json!({
                "widget": wid, "widget_name": wname, "size": size, "words": words, "spans": spans,
                "runs": runs, "failure": failure, "bundle": bundle,
            }));
        }
    }

    Ok(json!({
        "date": report::today(),
        "machine": machine,
        "chromium": chromium,
        "source": source_revision(root),
        "load_average_end": load_average(),
        "duration_s": started.elapsed().as_secs_f64(),
        "runs_per_cell": o.runs,
        "timeout_s": o.timeout.as_secs(),
        "cells": cells,
        "profile": Value::Null,
    }))
}

pub fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// One run in a fresh browser session. Returns what the page measured plus
/// the heap readings, the resources it loaded and the user agent.
async fn run_once(url: &str, timeout: Duration, profile: bool) -> Result<Value> {
    let browser = tokio::time::timeout(Duration::from_secs(60), Browser::new())
        .await
        .map_err(|_| err("no browser session in 60 s"))??;
    let result = drive(&browser, url, timeout, profile).await;
    // Best effort: a page stuck in a long task may not let the session end politely.
    let _ = tokio::time::timeout(Duration::from_secs(20), browser.close()).await;
    result
}

/// Runs `js` with a deadline (a page busy in one long task answers late).
async fn exec(b: &Browser, js: &str, within: Duration) -> Result<Value> {
    tokio::time::timeout(within, b.execute(js, vec![]))
        .await
        .map_err(|_| err(format!("the page did not answer in {within:?}")))?
}

/// Polls the page's `__bench.status` until it is one of `want` (or 'error').
pub async fn wait_status(b: &Browser, want: &[&str], timeout: Duration, phase: &str) -> Result<String> {
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(err(format!(
                "{phase}: not finished in {} s (time limit)",
                timeout.as_secs()
            )));
        }
        let v = exec(
            b,
            "return window.__bench ? [window.__bench.status, window.__bench.error || ''] : ['absent', ''];",
            left.min(Duration::from_secs(30)),
        )
        .await;
        match v {
            Ok(v) => {
                let status = v[0].as_str().unwrap_or("").to_string();
                if status == "error" {
                    return Err(err(format!(
                        "{phase}: the page reported: {}",
                        v[1].as_str().unwrap_or("")
                    )));
                }
                if want.contains(&status.as_str()) {
                    return Ok(status);
                }
            }
            Err(e) if Instant::now() >= deadline => return Err(e),
            Err(_) => {}
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// After a full garbage collection: the JS heap in use (CDP
/// `Runtime.getHeapUsage`) and `performance.memory.usedJSHeapSize`.
async fn heap(b: &Browser) -> Result<Value> {
    let within = Duration::from_secs(60);
    for _ in 0..2 {
        tokio::time::timeout(within, b.cdp("HeapProfiler.collectGarbage", json!({})))
            .await
            .map_err(|_| err("GC did not finish in 60 s"))??;
    }
    let usage = tokio::time::timeout(within, b.cdp("Runtime.getHeapUsage", json!({})))
        .await
        .map_err(|_| err("getHeapUsage did not answer in 60 s"))??;
    let perf = exec(
        b,
        "return performance.memory ? performance.memory.usedJSHeapSize : null;",
        within,
    )
    .await?;
    Ok(json!({
        "js_heap_used": usage["usedSize"],
        "js_heap_total": usage["totalSize"],
        "embedder_heap_used": usage["embedderHeapUsedSize"],
        "backing_storage": usage["backingStorageSize"],
        "performance_memory_used": perf,
    }))
}

async fn drive(b: &Browser, url: &str, timeout: Duration, profile: bool) -> Result<Value> {
    let mut metrics: Vec<Value> = Vec::new();
    tokio::time::timeout(timeout, b.goto(url)).await.map_err(|_| {
        err(format!(
            "not rendered in {} s: the page's main thread stayed busy (no load event)",
            timeout.as_secs()
        ))
    })??;
    if profile {
        // The page holds before its API call until `go` is set.
        wait_status(b, &["holding"], timeout, "startup").await?;
        b.cdp("Performance.enable", json!({})).await?;
        metrics.push(b.cdp("Performance.getMetrics", json!({})).await?);
        b.cdp("Profiler.enable", json!({})).await?;
        b.cdp("Profiler.setSamplingInterval", json!({ "interval": 100 }))
            .await?;
        b.cdp("Profiler.start", json!({})).await?;
        exec(b, "window.__bench.go = true; return true;", Duration::from_secs(30)).await?;
    }
    wait_status(b, &["loaded"], timeout, "load").await?;
    let mut prof_load = Value::Null;
    if profile {
        prof_load = b.cdp("Profiler.stop", json!({})).await?;
        metrics.push(b.cdp("Performance.getMetrics", json!({})).await?);
        b.cdp("Profiler.start", json!({})).await?;
    }
    let heap_load = heap(b).await?;
    exec(
        b,
        "window.__bench.proceed = true; return true;",
        Duration::from_secs(30),
    )
    .await?;
    wait_status(b, &["done"], timeout, "adding 50 spans").await?;
    let mut prof_adds = Value::Null;
    if profile {
        prof_adds = b.cdp("Profiler.stop", json!({})).await?;
        metrics.push(b.cdp("Performance.getMetrics", json!({})).await?);
    }
    let heap_end = heap(b).await?;
    let version = b.cdp("Browser.getVersion", json!({})).await.unwrap_or(Value::Null);
    let page = exec(
        b,
        "const B = window.__bench;
         return {
           load: B.load, adds: B.adds, counts: B.counts, final_count: B.final_count ?? null,
           api_ready: B.api_ready ?? null, wasm_bytes_end: B.wasm_bytes_end ?? null,
           user_agent: navigator.userAgent,
           resources: performance.getEntriesByType('resource').map(e => ({
             url: e.name, type: e.initiatorType, transfer: e.transferSize, decoded: e.decodedBodySize })),
           measures: performance.getEntriesByType('mark').map(m => [m.name, m.startTime]),
           loaf: B.loaf,
         };",
        Duration::from_secs(60),
    )
    .await?;
    let l = &page["load"];
    let f = |k: &str| l[k].as_f64().unwrap_or(f64::NAN);
    let load = json!({
        "api_start": f("api_start"),
        "api_return": f("api_return"),
        "nav_to_dom": f("dom"),
        "nav_to_paint1": f("paint1"),
        "nav_to_paint2": f("paint2"),
        "api_to_dom": f("dom") - f("api_start"),
        "api_to_paint1": f("paint1") - f("api_start"),
        "api_to_paint2": f("paint2") - f("api_start"),
        "api_call": f("api_return") - f("api_start"),
        "in_view": l["in_view"],
        "verify": l["verify"],
        "dom_elements": l["dom_elements"],
        "wasm_bytes": l["wasm_bytes"],
    });
    let mut out = json!({
        "load": load,
        "adds": page["adds"],
        "counts": page["counts"],
        "final_count": page["final_count"],
        "api_ready": page["api_ready"],
        "memory_after_load": heap_load,
        "memory_after_adds": heap_end,
        "wasm_bytes_after_adds": page["wasm_bytes_end"],
        "resources": page["resources"],
        "marks": page["measures"],
        "user_agent": page["user_agent"],
        "browser_version": version["product"],
    });
    if profile {
        out["profile"] = json!({
            "load": report::profile_top(&prof_load["profile"], 80),
            "adds": report::profile_top(&prof_adds["profile"], 80),
            "frames_load": report::loaf_summary(&page["loaf"], f("api_start"), f("paint2")),
            "frames_adds": report::loaf_summary(&page["loaf"], f("paint2"), f64::INFINITY),
            "metrics_load": report::metrics_delta(&metrics[0], &metrics[1]),
            "metrics_adds": report::metrics_delta(&metrics[1], &metrics[2]),
        });
    }
    Ok(out)
}

/// Gzipped (-9) bytes of the JS, wasm and CSS files the page loaded (the
/// harness's own `bench-*.js` and the workload excluded).
fn bundle(site_dir: &Path, run: &Value) -> Result<Value> {
    let mut files = Vec::new();
    let (mut raw_total, mut gz_total) = (0u64, 0u64);
    let mut seen = std::collections::HashSet::new();
    for r in run["resources"].as_array().into_iter().flatten() {
        let url = r["url"].as_str().unwrap_or("");
        let Some(file) = site::file_for_url(site_dir, url) else {
            continue;
        };
        let name = file
            .strip_prefix(site_dir)
            .unwrap_or(&file)
            .to_string_lossy()
            .into_owned();
        let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "js" | "wasm" | "css") || name.starts_with("bench-") || !seen.insert(name.clone()) {
            continue;
        }
        let raw = fs::metadata(&file)?.len();
        let gz = gzip_len(&file)?;
        raw_total += raw;
        gz_total += gz;
        files.push(json!({ "file": name, "raw": raw, "gzip": gz }));
    }
    Ok(json!({ "files": files, "raw": raw_total, "gzip": gz_total }))
}

fn gzip_len(path: &Path) -> Result<u64> {
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .map_err(|e| err(format!("cannot run gzip: {e}")))?;
    if !out.status.success() {
        return Err(err(format!("gzip failed on {}", path.display())));
    }
    Ok(out.stdout.len() as u64)
}

/// Debugging aid: opens one page, waits up to `timeout` for the load, and
/// prints the page's `__bench` state and console.
async fn inspect(url: &str, timeout: Duration) -> Result {
    let b = Browser::new().await?;
    b.goto(url).await?;
    let r = wait_status(&b, &["loaded"], timeout, "load").await;
    eprintln!("  load: {r:?}");
    if r.is_ok() {
        exec(&b, "window.__bench.proceed = true; return 1;", Duration::from_secs(30)).await?;
        eprintln!("  adds: {:?}", wait_status(&b, &["done"], timeout, "adds").await);
    }
    let state = exec(
        &b,
        "const B = window.__bench || {};
         return JSON.stringify({
           status: B.status, error: B.error, load: B.load, counts: B.counts, final: B.final_count,
           adds: (B.adds || []).slice(0, 5), log: B.log,
           marks: performance.getEntriesByType('mark').map(m => m.name + '@' + m.startTime.toFixed(1)),
         });",
        Duration::from_secs(30),
    )
    .await;
    eprintln!(
        "  state: {}",
        state.map(|v| v.to_string()).unwrap_or_else(|e| e.to_string())
    );
    for m in b.console_messages().await.unwrap_or_default().iter().take(60) {
        eprintln!("  console: {}", m.chars().take(400).collect::<String>());
    }
    let _ = b.close().await;
    Ok(())
}

/// For `--profile`: the app built for release but with the wasm `name`
/// section kept (cargo + wasm-bindgen, no wasm-opt), so the profiler names
/// Rust functions. Written to `target/bench-profile-dist/`.
fn profiling_dist(root: &Path, dist: &Path) -> Result<PathBuf> {
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .current_dir(root)
        .args([
            "build",
            // The web app's release profile (see the workspace Cargo.toml).
            "--profile",
            "wasm-release",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "marginalia-web",
        ])
        .env("CARGO_TARGET_DIR", &target_dir)
        .status()?;
    if !status.success() {
        return Err(err("cargo build of marginalia-web for wasm32 failed"));
    }
    let wasm = target_dir.join("wasm32-unknown-unknown/wasm-release/marginalia-web.wasm");
    let out = root.join("target/bench-profile-dist");
    let _ = fs::remove_dir_all(&out);
    fs::create_dir_all(&out)?;
    let bindgen = std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join(".cargo/bin/wasm-bindgen"))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| "wasm-bindgen".into());
    let status = Command::new(bindgen)
        .args([
            "--target",
            "web",
            "--no-typescript",
            "--out-name",
            "marginalia-web",
            "--out-dir",
        ])
        .arg(&out)
        .arg(&wasm)
        .status()?;
    if !status.success() {
        return Err(err("wasm-bindgen failed"));
    }
    let mut css_links = String::new();
    for entry in fs::read_dir(dist)? {
        let p = entry?.path();
        if p.extension().is_some_and(|e| e == "css") {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            fs::copy(&p, out.join(&name))?;
            css_links.push_str(&format!("    <link rel=\"stylesheet\" href=\"/{name}\" />\n"));
        }
    }
    fs::write(
        out.join("index.html"),
        format!(
            "<!doctype html>\n<html lang=\"en\">\n  <head>\n    <meta charset=\"utf-8\" />\n    <title>Marginalia (profiling build)</title>\n{css_links}    \
             <script type=\"module\">import init from '/marginalia-web.js'; await init({{ module_or_path: '/marginalia-web_bg.wasm' }});</script>\n  </head>\n  \
             <body>\n    <div id=\"mg-crash\" role=\"alert\" hidden></div>\n    <div id=\"mg-root\"></div>\n  </body>\n</html>\n"
        ),
    )?;
    Ok(out)
}

/// The commit measured, with a note when the app's sources differ from it.
fn source_revision(root: &Path) -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .current_dir(root)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let Some(head) = git(&["rev-parse", "--short", "HEAD"]) else {
        return "unknown".into();
    };
    let dirty = git(&[
        "status",
        "--porcelain",
        "--",
        "src",
        "crates",
        "styles",
        "index.html",
        "Cargo.toml",
    ])
    .is_some_and(|s| !s.is_empty());
    if dirty {
        format!("{head} + uncommitted changes to the app")
    } else {
        head
    }
}

/// Where the wasm bytes go, by crate, from the names-keeping build
/// (`twiggy top` over every item, when twiggy is installed). Sizes are
/// before wasm-opt and without the name section, so only the proportions
/// carry over to the shipped bundle.
fn twiggy_top(prof_dist: &Path) -> Value {
    let wasm = prof_dist.join("marginalia-web_bg.wasm");
    let twiggy = std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join(".cargo/bin/twiggy"))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| "twiggy".into());
    let Some(items) = Command::new(twiggy)
        .args(["top", "-n", "1000000", "-f", "json"])
        .arg(&wasm)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| serde_json::from_slice::<Value>(&o.stdout).ok())
    else {
        return Value::Null;
    };
    let mut by_crate: std::collections::HashMap<String, u64> = Default::default();
    let mut by_module: std::collections::HashMap<String, u64> = Default::default();
    let mut total = 0u64;
    for item in items.as_array().into_iter().flatten() {
        let name = item["name"].as_str().unwrap_or("");
        let size = item["shallow_size"].as_u64().unwrap_or(0);
        if name.contains("\"function names\" subsection") || name.contains("\"local names\" subsection") {
            continue;
        }
        total += size;
        *by_crate.entry(report::crate_of(name)).or_default() += size;
        if let Some(module) = report::own_module_of(name) {
            *by_module.entry(module).or_default() += size;
        }
    }
    let mut modules: Vec<(String, u64)> = by_module.into_iter().collect();
    modules.sort_by_key(|(_, bytes)| std::cmp::Reverse(*bytes));
    let mut v: Vec<(String, u64)> = by_crate.into_iter().collect();
    v.sort_by_key(|(_, bytes)| std::cmp::Reverse(*bytes));
    json!({
        "total_bytes": total,
        "by_crate": v.into_iter().take(20).map(|(c, b)| json!({ "crate": c, "bytes": b })).collect::<Vec<_>>(),
        "by_own_module": modules.into_iter().take(25).map(|(m, b)| json!({ "module": m, "bytes": b })).collect::<Vec<_>>(),
    })
}
