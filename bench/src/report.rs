//! Statistics over the runs, the console summary and `BENCHMARKS.md`.

use serde_json::{json, Value};
use std::collections::HashMap;
use std::fmt::Write as _;

pub use crate::markers::{
    kept_between, BUILD_OPTIONS_END, BUILD_OPTIONS_START, CORE_END, CORE_START, COST_END, COST_START, DATASETS_END,
    DATASETS_START, FIRST_MOUNT_END, FIRST_MOUNT_START, FIRST_USE_NOTES_END, FIRST_USE_NOTES_START,
};

/// (size, load target ms, add-until-painted target ms, memory target MB)
const TARGETS: &[(&str, f64, f64, f64)] = &[
    ("2k", 60.0, 20.0, 5.0),
    ("20k", 120.0, 20.0, 10.0),
    ("50k", 250.0, 20.0, 20.0),
];
const BUNDLE_TARGET_KB: f64 = 200.0;

pub fn today() -> String {
    std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

pub fn machine_info(load_average: String) -> Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|r| r.trim_start_matches([' ', '\t', ':']).trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_gb = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|r| r.split_whitespace().next()?.parse::<f64>().ok())
        .map(|kb| kb / 1024.0 / 1024.0);
    let os = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME=").map(|v| v.trim_matches('"').to_string()))
        })
        .unwrap_or_default();
    json!({
        "nproc": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "cpu": cpu,
        "memory_gb": mem_gb,
        "os": os,
        "load_average_start": load_average,
    })
}

pub fn median(v: &[f64]) -> f64 {
    percentile(v, 50.0)
}

/// Nearest-rank percentile (NaN when empty).
pub fn percentile(v: &[f64], p: f64) -> f64 {
    let mut v: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
    v[rank.min(v.len()) - 1]
}

/// Every add of every run: the field `key` (`dom`, `paint1`, `paint2`, `call`).
pub fn add_samples(runs: &[Value], key: &str) -> Vec<f64> {
    runs.iter()
        .flat_map(|r| r["adds"].as_array().cloned().unwrap_or_default())
        .filter_map(|a| a[key].as_f64())
        .collect()
}

fn load_values(runs: &[Value], key: &str) -> Vec<f64> {
    runs.iter().filter_map(|r| r["load"][key].as_f64()).collect()
}

/// JS heap (after GC, CDP) + wasm memory, bytes, per run.
fn memory_values(runs: &[Value], when: &str) -> (Vec<f64>, Vec<f64>) {
    let js = runs
        .iter()
        .filter_map(|r| r[format!("memory_after_{when}")]["js_heap_used"].as_f64())
        .collect();
    let wasm = runs
        .iter()
        .map(|r| {
            let v = if when == "load" {
                &r["load"]["wasm_bytes"]
            } else {
                &r["wasm_bytes_after_adds"]
            };
            v.as_f64().unwrap_or(0.0)
        })
        .collect();
    (js, wasm)
}

fn cells(results: &Value) -> Vec<&Value> {
    results["cells"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

fn cell<'a>(results: &'a Value, widget: &str, size: &str) -> Option<&'a Value> {
    cells(results)
        .into_iter()
        .find(|c| c["widget"] == widget && c["size"] == size)
}

fn runs(c: &Value) -> Vec<Value> {
    c["runs"].as_array().cloned().unwrap_or_default()
}

fn ms(v: f64) -> String {
    if !v.is_finite() {
        "–".into()
    } else if v >= 1000.0 {
        group(v.round() as u64)
    } else if v >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        #[allow(clippy::manual_is_multiple_of)] // is_multiple_of is newer than our rust-version
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn mb(bytes: f64) -> String {
    if bytes.is_finite() {
        format!("{:.1} MB", bytes / 1e6)
    } else {
        "–".into()
    }
}

fn kb(bytes: f64) -> String {
    format!("{:.1} KB", bytes / 1e3)
}

fn ratio(m: f64, p: f64) -> String {
    if m.is_finite() && p.is_finite() && p > 0.0 {
        format!("{:.2}×", m / p)
    } else {
        "–".into()
    }
}

fn failure_note(c: &Value) -> Option<String> {
    c["failure"].as_str().map(|f| {
        let n = runs(c).len();
        if n == 0 {
            format!("failed: {f}")
        } else {
            format!("{n} run(s), then failed: {f}")
        }
    })
}

fn widgets_in(results: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for c in cells(results) {
        let id = c["widget"].as_str().unwrap_or("").to_string();
        if !out.iter().any(|(w, _)| *w == id) {
            out.push((id, c["widget_name"].as_str().unwrap_or("").to_string()));
        }
    }
    out
}

fn sizes_in(results: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in cells(results) {
        let s = c["size"].as_str().unwrap_or("").to_string();
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// The head of a table with a column per widget (`name{widget_suffix}`)
/// and, with Marginalia measured, a ratio column per peer.
fn widget_table_head(widgets: &[(String, String)], peers: &[&(String, String)], has_m: bool, widget_suffix: &str, ratio_suffix: &str) -> String {
    let mut head = String::from("| workload | target |");
    let mut sep = String::from("|---|---|");
    for (_, name) in widgets {
        let _ = write!(head, " {name}{widget_suffix} |");
        sep.push_str("---|");
    }
    if has_m {
        for (_, name) in peers {
            let _ = write!(head, " ratio vs {}{ratio_suffix} |", short(name));
            sep.push_str("---|");
        }
    }
    format!("{head}\n{sep}\n")
}

fn size_label(c: &Value) -> String {
    format!(
        "{} words / {} spans",
        group(c["words"].as_u64().unwrap_or(0)),
        group(c["spans"].as_u64().unwrap_or(0))
    )
}

fn target(size: &str) -> Option<(f64, f64, f64)> {
    TARGETS.iter().find(|t| t.0 == size).map(|t| (t.1, t.2, t.3))
}

pub fn print_summary(results: &Value) {
    eprintln!("\n  median load (nav → painted / API → painted), add p95 painted, JS heap + wasm after load:");
    for c in cells(results) {
        let r = runs(c);
        let (js, wasm) = memory_values(&r, "load");
        let mem: Vec<f64> = js.iter().zip(&wasm).map(|(a, b)| a + b).collect();
        eprintln!(
            "  {:<11} {:>3}: {:>9} ms / {:>9} ms   add p95 {:>7} ms   {:>8}   {}",
            c["widget"].as_str().unwrap_or(""),
            c["size"].as_str().unwrap_or(""),
            ms(median(&load_values(&r, "nav_to_paint2"))),
            ms(median(&load_values(&r, "api_to_paint2"))),
            ms(percentile(&add_samples(&r, "paint2"), 95.0)),
            mb(median(&mem)),
            failure_note(c).unwrap_or_default()
        );
    }
}

/// The whole BENCHMARKS.md; the core-benches section of `previous` is kept.
pub fn markdown(results: &Value, previous: &str) -> String {
    let mut md = String::new();
    let m = &results["machine"];
    let widgets = widgets_in(results);
    let sizes = sizes_in(results);
    let peers: Vec<&(String, String)> = widgets.iter().filter(|(w, _)| w != "marginalia").collect();
    let has_m = widgets.iter().any(|(w, _)| w == "marginalia");

    let _ = writeln!(md, "# Benchmarks\n");
    let _ = writeln!(
        md,
        "Marginalia side by side with its peer widgets, in the same headless Chromium run, on the same \
         text and spans (issue 3). Generated by `cargo run --release -p marginalia-bench` \
         (`cargo xtask bench`); raw numbers in `target/bench-results.json`.\n"
    );
    let _ = writeln!(md, "- **Date:** {}", results["date"].as_str().unwrap_or(""));
    let _ = writeln!(
        md,
        "- **Machine:** {} cores (`nproc`), {}, {:.0} GB RAM, {}",
        m["nproc"],
        m["cpu"].as_str().unwrap_or(""),
        m["memory_gb"].as_f64().unwrap_or(0.0),
        m["os"].as_str().unwrap_or("")
    );
    let _ = writeln!(
        md,
        "- **Marginalia measured:** commit {} (release build)",
        results["source"].as_str().unwrap_or("unknown")
    );
    let _ = writeln!(
        md,
        "- **Browser:** {} (headless, `--disable-gpu`, window 1280×900)",
        chromium_version(results)
    );
    let _ = writeln!(
        md,
        "- **Load on the machine:** load average {} at the start, {} at the end. The machine is shared \
         with other builds (cargo, Trunk) running at the same time, so absolute numbers are noisy; the \
         ratios, taken in the same run, are the steadier reading.",
        m["load_average_start"].as_str().unwrap_or("?"),
        results["load_average_end"].as_str().unwrap_or("?")
    );
    let _ = writeln!(
        md,
        "- **Runs:** {} per widget and size, medians; each run in a fresh browser session (fresh profile, \
         empty cache). Time limit {} s per phase. Whole benchmark: {:.0} s.\n",
        results["runs_per_cell"],
        results["timeout_s"],
        results["duration_s"].as_f64().unwrap_or(0.0)
    );

    if has_m {
        at_a_glance(&mut md, results, &sizes);
    }
    md.push_str(&first_mount_section(previous));

    // ---- load
    let _ = writeln!(md, "## Load: until every span (in view) is in the DOM and painted\n");
    let _ = writeln!(
        md,
        "Median ms, from navigation start / from the widget API call. Painted = the in-DOM moment, then \
         two `requestAnimationFrame`s and a `setTimeout(0)`. Ratio = Marginalia ÷ peer (below 1: Marginalia is faster).\n"
    );
    md.push_str(&widget_table_head(&widgets, &peers, has_m, ": nav / API", " (nav / API)"));
    for s in &sizes {
        let any = widgets.iter().find_map(|(w, _)| cell(results, w, s)).unwrap();
        let t = target(s).map(|t| format!("≤ {} ms", t.0)).unwrap_or_default();
        let mut row = format!("| {} | {t} |", size_label(any));
        let med = |w: &str, k: &str| {
            cell(results, w, s)
                .map(|c| median(&load_values(&runs(c), k)))
                .unwrap_or(f64::NAN)
        };
        for (w, _) in &widgets {
            let c = cell(results, w, s);
            let note = c.and_then(failure_note);
            let n = med(w, "nav_to_paint2");
            if !n.is_finite() {
                let _ = write!(row, " {} |", note.unwrap_or_else(|| "–".into()));
            } else {
                let _ = write!(
                    row,
                    " {} / {} ms{} |",
                    ms(n),
                    ms(med(w, "api_to_paint2")),
                    note.map(|n| format!(" ({n})")).unwrap_or_default()
                );
            }
        }
        if has_m {
            for (p, _) in &peers {
                let _ = write!(
                    row,
                    " {} / {} |",
                    ratio(med("marginalia", "nav_to_paint2"), med(p, "nav_to_paint2")),
                    ratio(med("marginalia", "api_to_paint2"), med(p, "api_to_paint2"))
                );
            }
        }
        let _ = writeln!(md, "{row}");
    }
    let _ = writeln!(md);
    // Detail: the phases of the load.
    let _ = writeln!(
        md,
        "Phases (medians, ms from navigation start): API call starts → API call returns → in DOM → next frame painted \
         (one rAF + `setTimeout(0)`) → painted (two rAFs). Spans in view = the spans the check waited for. The last column checks, after the \
         clock stopped, that each waited-for highlight covers the span's text (Label Studio: its first 200 regions).\n"
    );
    let _ = writeln!(md, "| widget | workload | API call starts | API call returns | in DOM | next frame | painted | spans in view | highlights hold the right text |");
    let _ = writeln!(md, "|---|---|---|---|---|---|---|---|---|");
    for (w, name) in &widgets {
        for s in &sizes {
            let Some(c) = cell(results, w, s) else { continue };
            let r = runs(c);
            if r.is_empty() {
                continue;
            }
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                name,
                s,
                ms(median(&load_values(&r, "api_start"))),
                ms(median(&load_values(&r, "api_return"))),
                ms(median(&load_values(&r, "nav_to_dom"))),
                ms(median(&load_values(&r, "nav_to_paint1"))),
                ms(median(&load_values(&r, "nav_to_paint2"))),
                r[0]["load"]["in_view"]
                    .as_u64()
                    .map(group)
                    .unwrap_or_else(|| "–".into()),
                r[0]["load"]["verify"].as_str().unwrap_or("–").replace('|', "\\|"),
            );
        }
    }
    let _ = writeln!(md);

    // ---- adds
    let _ = writeln!(md, "## Add one span through the API (50 per run)\n");
    let _ = writeln!(
        md,
        "p50 / p95 over every add of every run, ms from the API call: until the highlight is in the DOM, \
         until the next frame is painted (one rAF + `setTimeout(0)`) and until painted (two rAFs + \
         `setTimeout(0)`, which adds one frame, about 16.7 ms, to any widget). Target: ≤ 20 ms until painted \
         (\"the next frame\"), p95.\n"
    );
    let _ = writeln!(
        md,
        "| widget | workload | in DOM p50 / p95 | next frame p50 / p95 | painted p50 / p95 | target (p95) |"
    );
    let _ = writeln!(md, "|---|---|---|---|---|---|");
    for s in &sizes {
        for (w, name) in &widgets {
            let Some(c) = cell(results, w, s) else { continue };
            let r = runs(c);
            if r.is_empty() {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | | | |",
                    name,
                    s,
                    failure_note(c).unwrap_or_default()
                );
                continue;
            }
            let pp = |k: &str| {
                let v = add_samples(&r, k);
                format!("{} / {}", ms(percentile(&v, 50.0)), ms(percentile(&v, 95.0)))
            };
            let t = target(s).map(|t| format!("≤ {} ms", t.1)).unwrap_or_default();
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} |",
                name,
                s,
                pp("dom"),
                pp("paint1"),
                pp("paint2"),
                t
            );
        }
    }
    if has_m {
        let _ = writeln!(md, "\nRatio Marginalia ÷ peer, p95 until painted:\n");
        let mut head = String::from("| workload |");
        let mut sep = String::from("|---|");
        for (_, name) in &peers {
            let _ = write!(head, " vs {} |", short(name));
            sep.push_str("---|");
        }
        let _ = writeln!(md, "{head}\n{sep}");
        for s in &sizes {
            let p95 = |w: &str| {
                cell(results, w, s)
                    .map(|c| percentile(&add_samples(&runs(c), "paint2"), 95.0))
                    .unwrap_or(f64::NAN)
            };
            let mut row = format!("| {s} |");
            for (p, _) in &peers {
                let _ = write!(row, " {} |", ratio(p95("marginalia"), p95(p)));
            }
            let _ = writeln!(md, "{row}");
        }
    }
    let _ = writeln!(md);

    // ---- memory
    let _ = writeln!(md, "## Memory: JS heap + WebAssembly memory\n");
    let _ = writeln!(
        md,
        "Medians after a forced full GC (CDP `HeapProfiler.collectGarbage`, then `Runtime.getHeapUsage().usedSize`), \
         plus the wasm linear memory (`window.marginalia.memoryBytes()`; the peers have none). \
         After load / after the 50 adds. MB = 10⁶ bytes.\n"
    );
    md.push_str(&widget_table_head(&widgets, &peers, has_m, "", ""));
    for s in &sizes {
        let any = widgets.iter().find_map(|(w, _)| cell(results, w, s)).unwrap();
        let t = target(s).map(|t| format!("≤ {} MB", t.2)).unwrap_or_default();
        let mut row = format!("| {} | {t} |", size_label(any));
        let total = |w: &str, when: &str| -> (f64, f64, f64) {
            let Some(c) = cell(results, w, s) else {
                return (f64::NAN, f64::NAN, f64::NAN);
            };
            let (js, wasm) = memory_values(&runs(c), when);
            let sum: Vec<f64> = js.iter().zip(&wasm).map(|(a, b)| a + b).collect();
            (median(&sum), median(&js), median(&wasm))
        };
        for (w, _) in &widgets {
            let (t_load, js, wasm) = total(w, "load");
            let (t_end, _, _) = total(w, "adds");
            if !t_load.is_finite() {
                let _ = write!(
                    row,
                    " {} |",
                    cell(results, w, s).and_then(failure_note).unwrap_or_else(|| "–".into())
                );
            } else if wasm > 0.0 {
                let _ = write!(
                    row,
                    " {} ({} JS + {} wasm) / {} |",
                    mb(t_load),
                    mb(js),
                    mb(wasm),
                    mb(t_end)
                );
            } else {
                let _ = write!(row, " {} / {} |", mb(t_load), mb(t_end));
            }
        }
        if has_m {
            for (p, _) in &peers {
                let _ = write!(row, " {} |", ratio(total("marginalia", "load").0, total(p, "load").0));
            }
        }
        let _ = writeln!(md, "{row}");
    }
    let _ = writeln!(md);

    // DOM size, for the record.
    let _ = writeln!(
        md,
        "DOM after load (medians): elements in the page, and Blink's own heap (CDP `embedderHeapUsedSize`: \
         DOM and layout objects, not counted above).\n"
    );
    let mut head = String::from("| workload |");
    let mut sep = String::from("|---|");
    for (_, name) in &widgets {
        let _ = write!(head, " {name} |");
        sep.push_str("---|");
    }
    let _ = writeln!(md, "{head}\n{sep}");
    for s in &sizes {
        let mut row = format!("| {s} |");
        for (w, _) in &widgets {
            let r = cell(results, w, s).map(runs).unwrap_or_default();
            let el: Vec<f64> = r.iter().filter_map(|r| r["load"]["dom_elements"].as_f64()).collect();
            let bl: Vec<f64> = r
                .iter()
                .filter_map(|r| r["memory_after_load"]["embedder_heap_used"].as_f64())
                .collect();
            if el.is_empty() {
                row.push_str(" – |");
            } else {
                let _ = write!(row, " {} elements, {} |", group(median(&el) as u64), mb(median(&bl)));
            }
        }
        let _ = writeln!(md, "{row}");
    }
    let _ = writeln!(md);

    // ---- bundle
    let _ = writeln!(md, "## Bundle: JS + wasm + CSS the page loads (gzip -9)\n");
    let _ = writeln!(
        md,
        "Target for Marginalia: ≤ {BUNDLE_TARGET_KB} KB gzipped. (KB = 10³ bytes.)\n"
    );
    let _ = writeln!(md, "| widget | gzip | raw | files (gzip) | ratio Marginalia ÷ widget |");
    let _ = writeln!(md, "|---|---|---|---|---|");
    let bundle_of = |w: &str| {
        cells(results)
            .into_iter()
            .find(|c| c["widget"] == w && c["bundle"]["gzip"].as_f64().is_some())
            .map(|c| c["bundle"].clone())
    };
    let m_gz = bundle_of("marginalia")
        .and_then(|b| b["gzip"].as_f64())
        .unwrap_or(f64::NAN);
    for (w, name) in &widgets {
        let Some(b) = bundle_of(w) else {
            let _ = writeln!(md, "| {name} | – | – | not loaded | |");
            continue;
        };
        let files: Vec<String> = b["files"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| {
                format!(
                    "`{}` {}",
                    f["file"].as_str().unwrap_or(""),
                    kb(f["gzip"].as_f64().unwrap_or(0.0))
                )
            })
            .collect();
        let gz = b["gzip"].as_f64().unwrap_or(f64::NAN);
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} |",
            name,
            kb(gz),
            kb(b["raw"].as_f64().unwrap_or(0.0)),
            files.join(", "),
            if w == "marginalia" {
                String::new()
            } else {
                ratio(m_gz, gz)
            }
        );
    }
    let _ = writeln!(md);
    md.push_str(&build_options_section(previous));

    // ---- failures
    let failed: Vec<&Value> = cells(results)
        .into_iter()
        .filter(|c| c["failure"].is_string())
        .collect();
    if !failed.is_empty() {
        let _ = writeln!(md, "## Failures\n");
        for c in failed {
            let _ = writeln!(
                md,
                "- {} at {}: {}",
                c["widget_name"].as_str().unwrap_or(""),
                size_label(c),
                failure_note(c).unwrap_or_default()
            );
        }
        let _ = writeln!(md);
    }

    // ---- profile
    if results["profile"].is_object() {
        let p = &results["profile"];
        let _ = writeln!(
            md,
            "## Where Marginalia spends the time ({} workload)\n",
            p["size"].as_str().unwrap_or("")
        );
        let _ = writeln!(
            md,
            "One extra run (`--profile`), not counted above, of a release build that keeps the wasm function \
             names (cargo + wasm-bindgen, no wasm-opt), under the V8 sampling profiler (100 µs) — which slows \
             the page down. Main-thread time from CDP `Performance.getMetrics` (differences over the phase); long \
             frames from the Long Animation Frames API (frames over 50 ms only).\n"
        );
        let _ = writeln!(md, "| phase | main-thread tasks | script | style (recalcs) | layout (layouts) | long frames: total = script + rendering | DOM nodes after |");
        let _ = writeln!(md, "|---|---|---|---|---|---|---|");
        for (phase, title) in [("load", "load (setDocument → painted)"), ("adds", "50 adds")] {
            let m = &p[format!("metrics_{phase}")];
            let f = &p[format!("frames_{phase}")];
            let g = |v: &Value, k: &str| ms(v[k].as_f64().unwrap_or(f64::NAN));
            let _ = writeln!(
                md,
                "| {title} | {} ms | {} ms | {} ms ({}) | {} ms ({}) | {} frames: {} = {} + {} ms | {} |",
                g(m, "task_ms"),
                g(m, "script_ms"),
                g(m, "style_ms"),
                m["style_count"].as_f64().unwrap_or(0.0),
                g(m, "layout_ms"),
                m["layout_count"].as_f64().unwrap_or(0.0),
                f["frames"],
                g(f, "total_ms"),
                g(f, "script_ms"),
                g(f, "render_ms"),
                group(m["dom_nodes_after"].as_f64().unwrap_or(0.0) as u64),
            );
        }
        let _ = writeln!(md);
        for (phase, title) in [("load", "Load"), ("adds", "The 50 adds")] {
            let _ = writeln!(
                md,
                "{title}: {} ms sampled busy (besides {} ms idle); % of the busy time.\n",
                ms(p[phase]["total_ms"].as_f64().unwrap_or(f64::NAN)),
                ms(p[phase]["idle_ms"].as_f64().unwrap_or(f64::NAN))
            );
            let _ = writeln!(md, "| top self time | ms | % |\n|---|---|---|");
            for f in p[phase]["self"].as_array().into_iter().flatten().take(12) {
                let _ = writeln!(
                    md,
                    "| `{}` | {} | {:.1} |",
                    short_fn(f["name"].as_str().unwrap_or("")),
                    ms(f["ms"].as_f64().unwrap_or(0.0)),
                    f["pct"].as_f64().unwrap_or(0.0)
                );
            }
            let _ = writeln!(
                md,
                "\n| Marginalia and Yew functions, total (inclusive) time | ms | % |\n|---|---|---|"
            );
            for f in p[phase]["total"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|f| {
                    let n = f["name"].as_str().unwrap_or("");
                    n.starts_with("marginalia_")
                        || n.starts_with("yew::dom_bundle")
                        || n.starts_with("<yew::html::component::lifecycle")
                })
                .take(14)
            {
                let _ = writeln!(
                    md,
                    "| `{}` | {} | {:.1} |",
                    short_fn(f["name"].as_str().unwrap_or("")),
                    ms(f["ms"].as_f64().unwrap_or(0.0)),
                    f["pct"].as_f64().unwrap_or(0.0)
                );
            }
            let _ = writeln!(md);
        }
        if let Some(crates) = p["twiggy"]["by_crate"].as_array() {
            let total = p["twiggy"]["total_bytes"].as_f64().unwrap_or(0.0);
            let _ = writeln!(
                md,
                "Where the wasm bytes go, by crate (`twiggy top` over the names-keeping build: {} before \
                 wasm-opt, name section left out; the shipped file is smaller, the proportions are what carries over):\n",
                kb(total)
            );
            let _ = writeln!(md, "| crate | share |\n|---|---|");
            for c in crates.iter().take(15) {
                let b = c["bytes"].as_f64().unwrap_or(0.0);
                let _ = writeln!(
                    md,
                    "| `{}` | {:.1} % |",
                    c["crate"].as_str().unwrap_or(""),
                    100.0 * b / total.max(1.0)
                );
            }
            let _ = writeln!(md);
        }
        if let Some(modules) = p["twiggy"]["by_own_module"].as_array() {
            let total = p["twiggy"]["total_bytes"].as_f64().unwrap_or(0.0);
            let _ = writeln!(
                md,
                "Marginalia's own code by module (the same build; the library code generic over our types, \
                 such as serde's and the standard collections', counts for its library above):\n"
            );
            let _ = writeln!(md, "| module | KB | share |\n|---|---|---|");
            for m in modules {
                let b = m["bytes"].as_f64().unwrap_or(0.0);
                let _ = writeln!(
                    md,
                    "| `{}` | {} | {:.1} % |",
                    m["module"].as_str().unwrap_or(""),
                    kb(b),
                    100.0 * b / total.max(1.0)
                );
            }
            let _ = writeln!(md);
        }
    }

    md.push_str(HOW);
    md.push('\n');
    md.push_str(&core_section(previous));
    md.push_str(&cost_section(previous));
    md.push_str(&datasets_section(previous));
    md.push_str(&after_datasets(previous));
    md
}

/// Marginalia against the issue's targets, computed from the numbers below.
fn at_a_glance(md: &mut String, results: &Value, sizes: &[String]) {
    let _ = writeln!(md, "## Marginalia against the targets (issue 3)\n");
    let _ = writeln!(
        md,
        "| workload | load, API → painted (nav → painted) | add one span, p95 until next frame / until painted | JS heap + wasm after load (after the 50 adds) |"
    );
    let _ = writeln!(md, "|---|---|---|---|");
    let verdict = |v: f64, t: f64| {
        if !v.is_finite() {
            "–"
        } else if v <= t {
            "✅"
        } else {
            "❌"
        }
    };
    for s in sizes {
        let Some(c) = cell(results, "marginalia", s) else {
            continue;
        };
        let Some((t_load, t_add, t_mem)) = target(s) else {
            continue;
        };
        let r = runs(c);
        if r.is_empty() {
            let _ = writeln!(
                md,
                "| {} | {} | | |",
                size_label(c),
                failure_note(c).unwrap_or_default()
            );
            continue;
        }
        let api = median(&load_values(&r, "api_to_paint2"));
        let nav = median(&load_values(&r, "nav_to_paint2"));
        let p1 = percentile(&add_samples(&r, "paint1"), 95.0);
        let p2 = percentile(&add_samples(&r, "paint2"), 95.0);
        let mem = |when: &str| {
            let (js, wasm) = memory_values(&r, when);
            median(&js.iter().zip(&wasm).map(|(a, b)| a + b).collect::<Vec<_>>())
        };
        let (m_load, m_end) = (mem("load"), mem("adds"));
        let _ = writeln!(
            md,
            "| {} | {} {} ms ({} ms) vs ≤ {t_load} | {} {} / {} {} ms vs ≤ {t_add} | {} {} ({} {}) vs ≤ {t_mem} MB |",
            size_label(c),
            verdict(api, t_load),
            ms(api),
            ms(nav),
            verdict(p1, t_add),
            ms(p1),
            verdict(p2, t_add),
            ms(p2),
            verdict(m_load / 1e6, t_mem),
            mb(m_load),
            verdict(m_end / 1e6, t_mem),
            mb(m_end),
        );
    }
    let m_gz = cells(results)
        .into_iter()
        .find(|c| c["widget"] == "marginalia" && c["bundle"]["gzip"].as_f64().is_some())
        .and_then(|c| c["bundle"]["gzip"].as_f64())
        .unwrap_or(f64::NAN);
    let _ = writeln!(
        md,
        "\nBundle: {} {} gzipped vs ≤ {BUNDLE_TARGET_KB} KB. (The load target is read here against the time from the \
         API call; from navigation start it also counts the wasm start-up and the default article's first render.)\n",
        verdict(m_gz / 1e3, BUNDLE_TARGET_KB),
        kb(m_gz)
    );
}

/// A profiler function name without the Rust hash, crate disambiguators and file.
fn short_fn(name: &str) -> String {
    let mut out = String::new();
    let mut rest = name;
    // `crate[0123abcd]` → `crate`
    while let Some(i) = rest.find('[') {
        out.push_str(&rest[..i]);
        match rest[i..].find(']') {
            Some(j) if rest[i + 1..i + j].chars().all(|c| c.is_ascii_hexdigit()) => rest = &rest[i + j + 1..],
            _ => {
                out.push('[');
                rest = &rest[i + 1..];
            }
        }
    }
    out.push_str(rest);
    let out = out.replace(" (marginalia-web_bg.wasm)", "");
    // `::h0123456789abcdef`
    let out = match out.rfind("::h") {
        Some(i) if out[i + 3..].len() >= 16 && out[i + 3..i + 19].chars().all(|c| c.is_ascii_hexdigit()) => {
            format!("{}{}", &out[..i], &out[i + 19..])
        }
        _ => out,
    };
    out.replace('|', "\\|")
}

fn short(name: &str) -> &str {
    if name.contains("recogito") {
        "Recogito"
    } else if name.contains("Label Studio") {
        "Label Studio"
    } else {
        name
    }
}

fn chromium_version(results: &Value) -> String {
    let ua = results["chromium"].as_str().unwrap_or("");
    ua.split_whitespace()
        .find_map(|t| t.strip_prefix("HeadlessChrome/").or_else(|| t.strip_prefix("Chrome/")))
        .or_else(|| ua.strip_prefix("HeadlessChrome/"))
        .map(|v| format!("Chromium {v}"))
        .unwrap_or_else(|| ua.to_string())
}

/// The lead's criterion results: whatever lies between the markers in the
/// previous file (or after the start marker when there is no end marker).
fn core_section(previous: &str) -> String {
    let body = kept_between(previous, CORE_START, CORE_END).unwrap_or_else(|| {
        "\n_Not run yet: paste the criterion results of `cargo bench -p marginalia-core` here \
         (tokenising, run layout of a paragraph with many overlapping spans, save/load, each export)._\n"
            .to_string()
    });
    format!("## Core (host) benchmarks: `cargo bench -p marginalia-core`\n\n{CORE_START}{body}{CORE_END}\n")
}

/// What a host pays on first use (`--first-mount`, `first_mount.rs`), kept
/// as that run wrote it, with the notes written by hand under it.
pub fn first_mount_section(previous: &str) -> String {
    let body = kept_between(previous, FIRST_MOUNT_START, FIRST_MOUNT_END).unwrap_or_else(|| {
        "\n_Not run yet: `cargo run --release -p marginalia-bench -- --first-mount`._\n".to_string()
    });
    let notes = kept_between(previous, FIRST_USE_NOTES_START, FIRST_USE_NOTES_END)
        .map(|notes| format!("{FIRST_USE_NOTES_START}{notes}{FIRST_USE_NOTES_END}\n\n"))
        .unwrap_or_default();
    format!("## First use: what a host pays (issue 20)\n\n{FIRST_MOUNT_START}{body}{FIRST_MOUNT_END}\n\n{notes}")
}

/// What other compiler and optimiser settings would make of the same code:
/// measured by hand (some need unstable flags), kept as it was.
fn build_options_section(previous: &str) -> String {
    let body = kept_between(previous, BUILD_OPTIONS_START, BUILD_OPTIONS_END).unwrap_or_else(|| {
        "\n_Not measured yet: the shipped wasm rebuilt with other compiler and wasm-opt settings._\n".to_string()
    });
    format!("### What other build settings would make of the same code\n\n{BUILD_OPTIONS_START}{body}{BUILD_OPTIONS_END}\n\n")
}

/// The core's bounded-cost benchmark (issue 16), pasted by hand, kept as it was.
fn cost_section(previous: &str) -> String {
    let body = kept_between(previous, COST_START, COST_END).unwrap_or_else(|| {
        "\n_Not run yet: `cargo bench -p marginalia-core --bench cost`._\n".to_string()
    });
    format!("## Bounded cost (issue 16, case 6): `cargo bench -p marginalia-core --bench cost`\n\n{COST_START}{body}{COST_END}\n\n")
}

/// What other runs wrote after the dataset section (the team server's load
/// benchmark, `cargo xtask load`), kept as it was.
fn after_datasets(previous: &str) -> String {
    let Some(i) = previous.find(DATASETS_END) else { return String::new() };
    let rest = previous[i + DATASETS_END.len()..].trim_start_matches('\n');
    if rest.trim().is_empty() {
        String::new()
    } else {
        format!("\n{rest}")
    }
}

/// The command-line throughput section (written by the `datasets` binary),
/// kept as it was.
fn datasets_section(previous: &str) -> String {
    let body = kept_between(previous, DATASETS_START, DATASETS_END).unwrap_or_else(|| {
        "\n_Not run yet: `cargo run --release -p marginalia-bench --bin datasets`._\n".to_string()
    });
    format!("## Dataset conversion (command line): `cargo run --release -p marginalia-bench --bin datasets`\n\n{DATASETS_START}{body}{DATASETS_END}\n")
}

const HOW: &str = r#"## How to run / what is measured

```sh
cargo xtask build                       # the release bundle into dist/ (or set MARGINALIA_DIST)
cargo run --release -p marginalia-bench # or `cargo xtask bench`; about 15–20 min
# options: --runs N  --sizes 2k,20k  --widgets marginalia,recogito  --timeout 120  --no-write
#          --no-profile (skip the profile run)  --report-only (rewrite this file from target/bench-results.json)
```

- **Peers**, installed on first use into `.tools/bench/` (gitignored): `@recogito/text-annotator@4.1.1`
  from npm (its self-contained UMD build); the Label Studio frontend 1.8.0 from the PyPI wheel
  `label-studio==1.8.0` (`label_studio/frontend/dist/lsf/`; the npm package `@heartexlabs/label-studio@1.8.0`
  holds no build).
- **Workloads**: `marginalia_core::workload::generate(words, spans)` — the default article's paragraphs
  repeated to 2,000 / 20,000 / 50,000 words with 100 / 1,000 / 5,000 spans on token boundaries, about one
  in eight nested in or crossing a neighbour. The same text and spans go to every widget, as
  `target/bench-site/workloads/*.json`; the 50 added spans are whole words, then word pairs, in the first
  800 code points (the first screenful of every widget), none equal to an existing span.
- **Pages** (`bench/pages/`): one per widget, served from 127.0.0.1 by the e2e harness (axum, ServeDir),
  driven by chromedriver through the e2e harness; each run is a fresh browser session. The page fetches its
  workload, then calls the widget's API. Data preparation (unit conversion, building the peers' annotation
  objects) happens before the clock starts.
  - Marginalia: the release `dist/` page; waits for `window.marginalia`, then
    `setDocument({id, title, text, spans})`. Loaded = every span in view has its label tag `#mg-tag-<n>`
    (in view: it ends in a paragraph that intersects the viewport and the article's box; Marginalia
    decorates a window of paragraphs around the viewport and leaves the rest as plain text). Note that
    "from navigation" includes the wasm start-up and the first render of the built-in default article
    before `setDocument`.
    Added: `addSpan(start, end, label)`, in DOM = its `#mg-tag-<n>`.
  - Recogito: the text as one `<p>` per paragraph, then `createTextAnnotator(el, {style})` and
    `setAnnotations` (selectors `{quote, start, end}` in UTF-16 offsets of the container text; the page's
    text insertion counts in the API time). It draws only highlights in the viewport, as
    `span.r6o-annotation[data-annotation]` in its highlight layer: loaded = the layer holds an element for
    every annotation that `state.store.getIntersecting(getViewportBounds(el))` reports (the query its
    renderer draws from). Added: `addAnnotation`, in DOM = its `[data-annotation]` element.
  - Label Studio: `new LabelStudio(el, {config, interfaces, task})` with a `<Labels>` of the 8 labels and a
    `<Text>`, the spans as the task annotation's `labels` results (`value.start/end` are code points, each
    newline counting one, so the workload offsets go in unchanged). Loaded = every region's highlight
    (`_spans`) is inside the visible text node (it highlights everything). Added the way its `<Text>` tag adds a
    selection: `annotation.createResult(…)`, `updateGlobalOffsets`, `applyHighlight()`; in DOM = the region's
    first highlight span is in the visible node.
- **Times** (`performance.now()`, ms since navigation start): *in DOM* is the first check that passes,
  checks running as zero-delay tasks between the widget's own tasks and frames; *next frame* is one
  `requestAnimationFrame` + `setTimeout(0)` after that; *painted* is two rAFs + `setTimeout(0)` (one frame
  more, the conservative reading). Adds run one after another, each after the previous one's paint plus
  100 ms and a deterministic jitter of up to one frame (so adds do not start phase-locked to the frame clock).
- **Memory**: after load and after the adds, a forced full GC over CDP, then `Runtime.getHeapUsage`
  (`usedSize`, the JS heap; DOM/C++ memory is not in it) + the wasm memory (`memoryBytes()`, which never
  shrinks: it is the high-water mark).
- **Bundle**: the JS, wasm and CSS files the page actually loaded (Resource Timing), each `gzip -9`'d;
  the harness's `bench-*.js` and the workload are not counted.
- **Peer quirks**: Recogito's UMD build keeps one `process.env.NODE_ENV` check (from nanostores), so its page
  defines `window.process = {env: {NODE_ENV: 'production'}}` first. Label Studio 1.8.0 needs `user.id` (its
  README's `{pk, firstName, lastName}` alone throws "Instance identifier 'id' for type 'UserExtended'").
- A widget that does not finish a phase within the time limit is recorded as failed for that size and not
  retried. The benchmark never runs in `cargo xtask test`.

"#;

// ------------------------------------------------------------------ profiles

/// The crate a wasm item belongs to, from its (demangled) name: `data`,
/// `wasm-bindgen glue`, or the first path segment (`yew`, `marginalia_core`, …).
pub fn crate_of(name: &str) -> String {
    if name.starts_with("data segment") || name.starts_with("data[") {
        return "data (strings, tables)".into();
    }
    if name.contains("__wbindgen")
        || name.contains("__wbg_")
        || name.starts_with("import ")
        || name.starts_with("export ")
    {
        return "wasm-bindgen glue, imports, exports".into();
    }
    if name.starts_with("code[") || name.starts_with("elem") || name.starts_with("type[") || name.starts_with("table") {
        return "unnamed items, types, tables".into();
    }
    let mut n = name
        .trim_start_matches(['<', '&', '*', ' '])
        .trim_start_matches("mut ")
        .trim_start_matches("dyn ");
    // `<T as alloc::…>::f`, `<[T] as core::…>::f`: the trait's crate.
    if let Some((ty, rest)) = n.split_once(" as ") {
        if !ty.contains("::") {
            n = rest;
        }
    }
    let first = n.split("::").next().unwrap_or(n);
    let first = first.split(['[', '<', ' ', '(']).next().unwrap_or(first);
    if first.is_empty() {
        "other".into()
    } else {
        first.to_string()
    }
}

/// The module of Marginalia's own crates an item belongs to
/// (`marginalia_core::formats`), or `None` for any other crate's item.
/// Generic library code instantiated for our types counts for the library.
pub fn own_module_of(name: &str) -> Option<String> {
    let krate = crate_of(name);
    if !krate.starts_with("marginalia_") {
        return None;
    }
    let from = name.find(&krate)?;
    let mut parts: Vec<&str> = name[from..].split("::").collect();
    // Legacy symbol names end in the hash (`h` and 16 hex digits).
    if parts.last().is_some_and(|h| h.len() == 17 && h.starts_with('h')) {
        parts.pop();
    }
    // One path segment after the crate: an item at the crate root.
    if parts.len() < 3 {
        return Some(format!("{krate} (root)"));
    }
    let module = parts[1].split(['<', ' ', '>', '(', '{']).next().unwrap_or("");
    Some(format!("{krate}::{module}"))
}

/// The top functions of a V8 CPU profile by self time (and by total time),
/// idle time left out (it is reported apart).
pub fn profile_top(profile: &Value, n: usize) -> Value {
    let Some(nodes) = profile["nodes"].as_array() else {
        return Value::Null;
    };
    let samples: Vec<i64> = profile["samples"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_i64)
        .collect();
    let deltas: Vec<f64> = profile["timeDeltas"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_f64)
        .collect();
    let mut key_of: HashMap<i64, String> = HashMap::new();
    let mut parent: HashMap<i64, i64> = HashMap::new();
    for node in nodes {
        let id = node["id"].as_i64().unwrap_or(-1);
        let cf = &node["callFrame"];
        let name = cf["functionName"].as_str().unwrap_or("");
        let url = cf["url"].as_str().unwrap_or("");
        let file = url.rsplit('/').next().unwrap_or("");
        let name = if name.is_empty() { "(anonymous)" } else { name };
        let key = if file.is_empty() {
            name.to_string()
        } else {
            format!("{name} ({file})")
        };
        key_of.insert(id, key);
        for c in node["children"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_i64)
        {
            parent.insert(c, id);
        }
    }
    let mut self_ms: HashMap<String, f64> = HashMap::new();
    let mut total_ms: HashMap<String, f64> = HashMap::new();
    let (mut total, mut idle) = (0.0, 0.0);
    for (i, &s) in samples.iter().enumerate() {
        // timeDeltas[i+1] is the time until the next sample: the time of sample i.
        let dt = deltas.get(i + 1).copied().unwrap_or(0.0) / 1000.0;
        let key = key_of.get(&s).cloned().unwrap_or_default();
        if key == "(idle)" {
            idle += dt;
            continue;
        }
        total += dt;
        *self_ms.entry(key).or_default() += dt;
        let mut seen = std::collections::HashSet::new();
        let mut cur = Some(s);
        while let Some(id) = cur {
            if let Some(k) = key_of.get(&id) {
                if seen.insert(k.clone()) {
                    *total_ms.entry(k.clone()).or_default() += dt;
                }
            }
            cur = parent.get(&id).copied();
        }
    }
    let top = |m: HashMap<String, f64>| -> Vec<Value> {
        let mut v: Vec<(String, f64)> = m.into_iter().collect();
        v.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap());
        v.into_iter()
            .take(n)
            .map(|(name, ms)| json!({ "name": name, "ms": ms, "pct": if total > 0.0 { 100.0 * ms / total } else { 0.0 } }))
            .collect()
    };
    total_ms.remove("(root)");
    json!({ "total_ms": total, "idle_ms": idle, "self": top(self_ms), "total": top(total_ms) })
}

/// Long animation frames (over 50 ms) overlapping `[from, to)`: how
/// much of them was script, and how much rendering (from
/// `styleAndLayoutStart` to the frame's end: style, layout, paint on the
/// main thread), plus forced (synchronous) style and layout inside scripts.
pub fn loaf_summary(loaf: &Value, from: f64, to: f64) -> Value {
    let (mut n, mut total, mut script, mut render, mut forced) = (0, 0.0, 0.0, 0.0, 0.0);
    for e in loaf.as_array().into_iter().flatten() {
        let start = e["start"].as_f64().unwrap_or(f64::NAN);
        let dur = e["duration"].as_f64().unwrap_or(0.0);
        // Frames overlapping the phase (the frame holding the API call starts a little before it).
        if !(start < to && start + dur > from) {
            continue;
        }
        n += 1;
        total += dur;
        let sl = e["styleAndLayoutStart"].as_f64().unwrap_or(0.0);
        if sl > 0.0 {
            render += start + dur - sl;
        }
        for x in e["scripts"].as_array().into_iter().flatten() {
            script += x["duration"].as_f64().unwrap_or(0.0);
            forced += x["forcedStyleAndLayout"].as_f64().unwrap_or(0.0);
        }
    }
    json!({ "frames": n, "total_ms": total, "script_ms": script, "render_ms": render, "forced_style_layout_ms": forced })
}

/// Differences of CDP `Performance.getMetrics` readings: the main thread's
/// time in script, style, layout and tasks (ms), and the counts.
pub fn metrics_delta(a: &Value, b: &Value) -> Value {
    let get = |v: &Value, name: &str| -> f64 {
        v["metrics"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|m| m["name"] == name)
            .and_then(|m| m["value"].as_f64())
            .unwrap_or(f64::NAN)
    };
    let d = |name: &str| get(b, name) - get(a, name);
    json!({
        "task_ms": d("TaskDuration") * 1000.0,
        "script_ms": d("ScriptDuration") * 1000.0,
        "style_ms": d("RecalcStyleDuration") * 1000.0,
        "layout_ms": d("LayoutDuration") * 1000.0,
        "style_count": d("RecalcStyleCount"),
        "layout_count": d("LayoutCount"),
        "dom_nodes_after": get(b, "Nodes"),
    })
}

pub fn print_profile(p: &Value) {
    for phase in ["load", "adds"] {
        let m = &p[format!("metrics_{phase}")];
        eprintln!(
            "  main thread, {phase}: tasks {} ms = script {} ms + style {} ms ({} recalcs) + layout {} ms ({} layouts) + other; {} DOM nodes after",
            ms(m["task_ms"].as_f64().unwrap_or(f64::NAN)),
            ms(m["script_ms"].as_f64().unwrap_or(f64::NAN)),
            ms(m["style_ms"].as_f64().unwrap_or(f64::NAN)),
            m["style_count"],
            ms(m["layout_ms"].as_f64().unwrap_or(f64::NAN)),
            m["layout_count"],
            m["dom_nodes_after"],
        );
        let f = &p[format!("frames_{phase}")];
        eprintln!(
            "  long frames (>50 ms), {phase}: {} frames, {} ms = script {} ms + rendering (style/layout/paint) {} ms; forced style/layout in scripts {} ms",
            f["frames"],
            ms(f["total_ms"].as_f64().unwrap_or(f64::NAN)),
            ms(f["script_ms"].as_f64().unwrap_or(f64::NAN)),
            ms(f["render_ms"].as_f64().unwrap_or(f64::NAN)),
            ms(f["forced_style_layout_ms"].as_f64().unwrap_or(f64::NAN)),
        );
    }
    for phase in ["load", "adds"] {
        eprintln!(
            "  profile, {phase}: {} ms sampled; top self time:",
            ms(p[phase]["total_ms"].as_f64().unwrap_or(f64::NAN))
        );
        for f in p[phase]["self"].as_array().into_iter().flatten().take(12) {
            eprintln!(
                "    {:>8} ms {:>5.1}%  {}",
                ms(f["ms"].as_f64().unwrap_or(0.0)),
                f["pct"].as_f64().unwrap_or(0.0),
                f["name"].as_str().unwrap_or("")
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_kept_sections_survive_a_rewrite() {
        let previous = "x\n<!-- cost-benches -->\n| cost |\n<!-- /cost-benches -->\n<!-- dataset-benches -->\nd\n<!-- /dataset-benches -->\n\n## Team server under load\n\n| load |\n";
        assert!(cost_section(previous).contains("<!-- cost-benches -->\n| cost |\n<!-- /cost-benches -->"));
        assert_eq!(after_datasets(previous), "\n## Team server under load\n\n| load |\n");
        assert_eq!(after_datasets("<!-- /dataset-benches -->\n\n"), "");
        assert!(cost_section("").contains("Not run yet"));
    }

    #[test]
    fn percentiles() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 95.0), 95.0);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn keeps_the_core_section() {
        let prev = format!("x\n{CORE_START}\n| bench | 1 ms |\n{CORE_END}\nrest");
        assert!(core_section(&prev).contains("| bench | 1 ms |"));
        assert!(core_section("").contains("Not run yet"));
        let open = format!("{CORE_START}\nkept to the end\n");
        assert!(core_section(&open).contains("kept to the end"));
    }

    #[test]
    fn keeps_the_first_mount_table_and_the_notes_under_it() {
        let prev = format!("x\n{FIRST_MOUNT_START}\n| 2k | 48 ms |\n{FIRST_MOUNT_END}\n\n{FIRST_USE_NOTES_START}\nFound: the bars.\n{FIRST_USE_NOTES_END}\nrest");
        let section = first_mount_section(&prev);
        assert!(section.contains("| 2k | 48 ms |") && section.contains("Found: the bars."), "{section}");
        assert!(!first_mount_section(&format!("{FIRST_MOUNT_START}\nt\n{FIRST_MOUNT_END}")).contains(FIRST_USE_NOTES_START));
    }

    #[test]
    fn keeps_the_build_options_section() {
        let prev = format!("x\n{BUILD_OPTIONS_START}\n| opt-level s | 580 KB |\n{BUILD_OPTIONS_END}\nrest");
        assert!(build_options_section(&prev).contains("| opt-level s | 580 KB |"));
        assert!(build_options_section("").contains("Not measured yet"));
    }

    #[test]
    fn crates_of_wasm_items() {
        assert_eq!(crate_of("<yew::html::Foo as core::fmt::Debug>::fmt::h0123"), "yew");
        assert_eq!(
            crate_of("marginalia_core::tokenize::tokenize_chunk::habc"),
            "marginalia_core"
        );
        assert_eq!(crate_of("core[c5930c85a12de822]::str::iter"), "core");
        assert_eq!(
            crate_of("<T as alloc::slice::<impl [T]>::to_vec_in::ConvertVec>::to_vec::h1"),
            "alloc"
        );
        assert_eq!(crate_of("data segment \".rodata\""), "data (strings, tables)");
        assert_eq!(
            own_module_of("<marginalia_core::formats::Format as core::fmt::Display>::fmt::h0123456789abcdef").as_deref(),
            Some("marginalia_core::formats")
        );
        assert_eq!(
            own_module_of("marginalia_web::app::App::run::{{closure}}::h0123456789abcdef").as_deref(),
            Some("marginalia_web::app")
        );
        assert_eq!(own_module_of("marginalia_web::main::h0123456789abcdef").as_deref(), Some("marginalia_web (root)"));
        assert_eq!(own_module_of("core::slice::sort::stable::drift::sort::h0123456789abcdef"), None);
        assert_eq!(
            crate_of("__wbg_set_nodeValue_7e92"),
            "wasm-bindgen glue, imports, exports"
        );
    }

    #[test]
    fn shortens_function_names() {
        assert_eq!(
            short_fn("<core[c5930c85a12de822]::str::iter::Chars as core[c5930c85a12de822]::iter::Iterator>::next (marginalia-web_bg.wasm)"),
            "<core::str::iter::Chars as core::iter::Iterator>::next"
        );
        assert_eq!(
            short_fn("marginalia_web::app::persist::ha59423ca5c218359 (marginalia-web_bg.wasm)"),
            "marginalia_web::app::persist"
        );
        assert_eq!(short_fn("(program)"), "(program)");
    }
}
