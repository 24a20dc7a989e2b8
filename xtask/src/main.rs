//! `cargo xtask <command>` — Marginalia's developer tasks (std only).
//!
//! ```text
//! cargo xtask setup              install every tool, each skipped when present
//! cargo xtask build              setup (toolchain) + the release build (release.rs), gzip and Brotli sizes, the first load's budget
//! cargo xtask serve [--port N]   build the widget and the CLI, then run the team server
//!                                (`marginalia serve`, SQLite in marginalia.db) on http://127.0.0.1:N/
//!                                (default 8080): the widget at /, the team pages at /team/
//! cargo xtask test               setup, host tests, web unit tests, fuzz, bundle rules, release build, end-to-end, interop
//! cargo xtask fuzz [--seconds N] [--jobs N] [TARGET…]  the fuzz targets: replay, then libFuzzer (docs/FUZZING.md)
//! cargo xtask bench              build, then the browser benchmark against the peer widgets
//! ```
//!
//! Every child process gets `.tools/node_modules/.bin` and cargo's bin
//! directory first on its `PATH`, so Trunk (with `offline = true`) finds the
//! pinned `wasm-opt` and `wasm-bindgen`.

mod ahead_pack;
mod binding_names;
mod budget;
mod bundle;
mod fuzz;
mod load;
mod merged_loader;
mod part_calls;
mod postgres;
mod release;
mod setup;
mod split_loader;
mod wasm_reader;
mod wasm_table;

use setup::Parts;
use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

pub type Result<T = ()> = std::result::Result<T, String>;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  setup              install the toolchain, Chromium, npm tools and the Python venv
                     (each step skipped when already present)
  build              setup (toolchain) then the release build into dist/ (the page by Trunk,
                     the wasm split into a first load and parts fetched on first use);
                     fails when the first load passes its budget (xtask/src/budget.rs)
  serve [--port N]   build the widget and the CLI, then run the team server on
                     http://127.0.0.1:N/ (default 8080): the widget with the default
                     article at /, the team pages with a demo project at /team/
                     (SQLite in marginalia.db; Ctrl+C stops it)
  test               setup, host tests, web unit tests, fuzz, bundle rules (clippy), release build,
                     end-to-end tests, interop tests
  fuzz [--seconds N] [--jobs N] [TARGET...]
                     replay the fuzz corpora, then run every fuzz target under libFuzzer
                     for N seconds (default 15) on a fixed seed, two at a time (nightly;
                     without it, a deterministic mutation loop); see docs/FUZZING.md
  bench              build, then Marginalia side by side with its peer widgets in
                     headless Chromium (results into BENCHMARKS.md); never part of `test`
  load [--annotators N,N] [--seconds S] [--databases sqlite,postgres,postgres2] [--no-import]
                     the team server's load benchmark: the server built in the `server`
                     profile, N simulated annotators (default 100,1000,5000) for S seconds
                     (default 60) on SQLite, PostgreSQL and two instances on PostgreSQL
                     (DATABASE_URL, else a throwaway cluster), then import and export;
                     results into target/load/results.jsonl; never part of `test`
";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => no_more_args(&args).and_then(|_| setup::setup(Parts::ALL)),
        Some("build") => no_more_args(&args).and_then(|_| build()),
        Some("serve") => parse_port(&args[1..]).and_then(serve),
        Some("test") => no_more_args(&args).and_then(|_| test()),
        Some("fuzz") => fuzz::parse_args(&args[1..]).and_then(|o| fuzz::fuzz(&o)),
        Some("bench") => no_more_args(&args).and_then(|_| bench()),
        Some("load") => load::parse_args(&args[1..]).and_then(|o| load::load(&o)),
        Some("help" | "-h" | "--help") => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
        None => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn no_more_args(args: &[String]) -> Result {
    match args.get(1) {
        None => Ok(()),
        Some(a) => Err(format!("unexpected argument `{a}`\n\n{USAGE}")),
    }
}

fn parse_port(args: &[String]) -> Result<u16> {
    let mut port = 8080;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let value = if a == "--port" || a == "-p" {
            it.next().ok_or("--port needs a value")?.clone()
        } else if let Some(v) = a.strip_prefix("--port=") {
            v.to_string()
        } else {
            return Err(format!("unexpected argument `{a}`\n\n{USAGE}"));
        };
        port = value.parse().map_err(|_| format!("bad port `{value}`"))?;
    }
    Ok(port)
}

// ---------------------------------------------------------------- paths & processes

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace root")
        .to_path_buf()
}

pub fn cargo_bin_dir() -> PathBuf {
    match env::var_os("CARGO_HOME") {
        Some(h) if !h.is_empty() => PathBuf::from(h).join("bin"),
        _ => {
            PathBuf::from(env::var_os("HOME").unwrap_or_else(|| "/root".into())).join(".cargo/bin")
        }
    }
}

/// `PATH` with the project's tool directories first.
fn child_path() -> OsString {
    let mut paths = setup::extra_path();
    if let Some(p) = env::var_os("PATH") {
        paths.extend(env::split_paths(&p));
    }
    env::join_paths(paths).expect("PATH entries without ':'")
}

/// A command for `program`, run in the workspace root with the project `PATH`
/// (also used to look `program` up, so tools in `.tools` or `~/.cargo/bin` are found).
pub fn tool_cmd(program: &str) -> Command {
    let path = child_path();
    let resolved = env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from(program));
    let mut cmd = Command::new(resolved);
    cmd.current_dir(root());
    cmd
}

fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        let a = a.to_string_lossy();
        if a.is_empty() || a.contains(char::is_whitespace) {
            s += &format!(" '{a}'");
        } else {
            s += &format!(" {a}");
        }
    }
    s
}

/// Runs `cmd` (printing it), inheriting stdio; fails on a non-zero exit.
pub fn run(cmd: &mut Command) -> Result {
    let code = run_status(cmd)?;
    if code == 0 {
        Ok(())
    } else {
        Err(format!("`{}` failed (exit code {code})", describe(cmd)))
    }
}

/// Runs `cmd` (printing it) and returns its exit code (-1 when killed by a signal).
pub fn run_status(cmd: &mut Command) -> Result<i32> {
    cmd.env("PATH", child_path());
    if cmd.get_current_dir().is_none() {
        cmd.current_dir(root());
    }
    println!("    $ {}", describe(cmd));
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run `{}`: {e}", describe(cmd)))?;
    Ok(status.code().unwrap_or(-1))
}

/// Runs `cmd` quietly and returns its stdout, or an error when it cannot run
/// or exits non-zero.
pub fn output(cmd: &mut Command) -> Result<String> {
    cmd.env("PATH", child_path());
    let out = cmd
        .stderr(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run `{}`: {e}", describe(cmd)))?;
    if !out.status.success() {
        return Err(format!("`{}` exited with {}", describe(cmd), out.status));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

pub fn step(what: &str) {
    println!("==> {what}");
}

fn fmt_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

// ---------------------------------------------------------------- build & serve

pub fn dist_dir() -> PathBuf {
    root().join("dist")
}

/// Trunk.toml's `[tools] wasm_bindgen` must equal the crate in Cargo.lock, or
/// Trunk (offline) fails with a less helpful message.
fn check_trunk_toml() -> Result {
    let want = setup::locked_wasm_bindgen_version()?;
    let trunk_toml = fs::read_to_string(root().join("Trunk.toml")).unwrap_or_default();
    let pinned = trunk_toml.lines().find_map(|l| {
        let l = l.trim();
        let v = l
            .strip_prefix("wasm_bindgen")?
            .trim_start()
            .strip_prefix('=')?
            .trim();
        Some(v.trim_matches('"').to_string())
    });
    match pinned {
        Some(v) if v != want => Err(format!(
            "Trunk.toml pins wasm_bindgen = \"{v}\" but Cargo.lock has wasm-bindgen {want}: make them equal"
        )),
        _ => Ok(()),
    }
}

/// The browser benchmark: a release build, then `marginalia-bench`, which
/// installs the peers it compares with under `.tools/bench/`.
fn bench() -> Result {
    setup::setup(Parts::ALL)?;
    release_build()?;
    step("marginalia-bench");
    run(tool_cmd("cargo").args(["run", "--release", "-p", "marginalia-bench"]))
}

fn release_build() -> Result {
    check_trunk_toml()?;
    release::build()?;
    let first_load = print_sizes(&dist_dir())?;
    budget::check(first_load)
}

fn gzip_len(path: &Path) -> Result<u64> {
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run gzip: {e}"))?;
    if !out.status.success() {
        return Err(format!("gzip failed on {}", path.display()));
    }
    Ok(out.stdout.len() as u64)
}

/// Prints raw, gzipped (-9) and Brotli sizes of what the widget loads: the
/// first load (every script and stylesheet, and the first wasm), then the
/// chunks fetched on first use. Returns the first load's gzipped size (the
/// budget's measure; Brotli is what a browser is sent where it can be).
fn print_sizes(dist: &Path) -> Result<u64> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dist).map_err(|e| format!("cannot read {}: {e}", dist.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() && path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("code-")) {
            files.extend(fs::read_dir(&path).map_err(|e| e.to_string())?.filter_map(|e| e.ok().map(|e| e.path())));
        } else if path.is_file() {
            files.push(path);
        }
    }
    files.retain(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("wasm" | "js" | "css" | "pack")));
    files.sort();
    if files.is_empty() {
        return Err(format!("{} has no wasm/js/css files", dist.display()));
    }
    let (first, later): (Vec<PathBuf>, Vec<PathBuf>) =
        files.into_iter().partition(|p| {
            (matches!(p.extension().and_then(|e| e.to_str()), Some("js" | "css")) && !p.ends_with(ahead_pack::READER)) || p.ends_with("main_bg.wasm")
        });
    println!("    bundle size (raw -> gzip -9 / Brotli):");
    let first = print_group("first load", &first)?;
    let later = print_group("fetched on first use", &later)?;
    println!(
        "      {:>22} {:>8} B / {:>8} B  everything ({:.1} KiB gzipped)",
        "",
        first.gzip + later.gzip,
        first.brotli + later.brotli,
        (first.gzip + later.gzip) as f64 / 1024.0
    );
    Ok(first.gzip)
}

/// A group of files' compressed sizes, bytes.
struct Compressed {
    gzip: u64,
    brotli: u64,
}

/// Prints each file's sizes and the group's total. Brotli's is its `.br`
/// sibling's (`precompress.mjs` writes them), or the file's own when it has
/// none (compressing did not make it smaller: it is sent as it is).
fn print_group(title: &str, files: &[PathBuf]) -> Result<Compressed> {
    let (mut raw_total, mut total) = (0, Compressed { gzip: 0, brotli: 0 });
    for f in files {
        let raw = fs::metadata(f).map(|m| m.len()).unwrap_or(0);
        let gz = gzip_len(f)?;
        let mut sibling = f.clone().into_os_string();
        sibling.push(".br");
        let br = match fs::metadata(&sibling) {
            Ok(m) => m.len(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => raw,
            Err(e) => return Err(format!("{}: {e}", PathBuf::from(sibling).display())),
        };
        raw_total += raw;
        total.gzip += gz;
        total.brotli += br;
        let name = f.file_name().unwrap_or_default().to_string_lossy();
        println!("      {:>9} B -> {:>8} B / {:>8} B  {name}", raw, gz, br);
    }
    println!(
        "      {:>9} B -> {:>8} B / {:>8} B  {title} ({:.1} KiB gzipped, {:.1} KiB Brotli)",
        raw_total,
        total.gzip,
        total.brotli,
        total.gzip as f64 / 1024.0,
        total.brotli as f64 / 1024.0
    );
    Ok(total)
}

fn build() -> Result {
    setup::setup(Parts::TOOLCHAIN)?;
    release_build()
}

/// The team server's database under `cargo xtask serve` (in the
/// workspace root, ignored by git; delete it to start again).
const SERVE_DATABASE: &str = "marginalia.db";

/// `cargo xtask serve`: what users run, the real server (`marginalia
/// serve`) over the built widget.
fn serve(port: u16) -> Result {
    build()?;
    step("cargo build -p marginalia-cli");
    run(tool_cmd("cargo").args(["build", "-p", "marginalia-cli"]))?;
    let marginalia = target_dir().join("debug/marginalia");
    step("marginalia serve");
    print_serve_greeting(port);
    run(Command::new(marginalia)
        .arg("serve")
        .args(["--database", &format!("sqlite:{SERVE_DATABASE}")])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args(["--static", "dist"]))
}

fn print_serve_greeting(port: u16) {
    let base = format!("http://127.0.0.1:{port}");
    println!("    the widget, with the default article:  {base}/");
    println!("    the team pages, with a demo project:   {base}/team/");
    println!("    first time: open {base}/team/ and create the first account there; it becomes");
    println!("    the admin of every project, the demo among them (docs/SERVER.md).");
    println!("    the database: {SERVE_DATABASE} in the workspace root (delete it to start again); Ctrl+C stops the server");
}

/// Cargo's target directory: `$CARGO_TARGET_DIR` (relative to the
/// workspace root) or `target/`.
pub fn target_dir() -> PathBuf {
    match env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root().join(dir),
        _ => root().join("target"),
    }
}

// ---------------------------------------------------------------- test

/// True when `dir` holds a pytest test file (`test_*.py` or `*_test.py`), recursively.
fn has_python_tests(dir: &Path) -> bool {
    let Ok(entries) = fs::read_dir(dir) else {
        return false;
    };
    entries.filter_map(|e| e.ok()).any(|e| {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p.is_dir() {
            !name.starts_with('.') && name != "__pycache__" && has_python_tests(&p)
        } else {
            name.ends_with(".py") && (name.starts_with("test_") || name.ends_with("_test.py"))
        }
    })
}

fn test() -> Result {
    let started = Instant::now();
    let mut done: Vec<(String, Duration)> = Vec::new();
    let mut timed = |name: &str, f: &mut dyn FnMut() -> Result| -> Result {
        let t = Instant::now();
        let r = f();
        let d = t.elapsed();
        match &r {
            Ok(()) => done.push((name.to_string(), d)),
            Err(_) => eprintln!(
                "xtask test: FAILED at step `{name}` after {}",
                fmt_duration(started.elapsed())
            ),
        }
        r
    };

    timed("setup", &mut || setup::setup(Parts::ALL))?;

    timed("host tests", &mut || {
        // The team server's tests run on SQLite and on this PostgreSQL.
        let postgres = postgres::TestPostgres::start()?;
        step("host tests: every workspace crate but the web app and the browser tests (server: SQLite and PostgreSQL)");
        run(tool_cmd("cargo")
            .args(["test", "--workspace", "--exclude", "marginalia-web", "--exclude", "marginalia-e2e"])
            .env("MARGINALIA_TEST_POSTGRES", postgres.url())
            .env("MARGINALIA_REQUIRE_POSTGRES", "1"))
    })?;

    timed("fuzz", &mut || {
        fuzz::fuzz(&fuzz::Options { seconds: fuzz::TEST_SECONDS, jobs: None, targets: Vec::new(), fresh: true })
    })?;

    timed("web unit tests", &mut || {
        // The web app's pure parts (reducer, keymap, view model, markup)
        // compile natively: yew, web-sys and wasm-bindgen build on the host,
        // and only calling into the browser would fail, which these tests never do.
        step("web unit tests: the web app's pure modules, natively");
        run(tool_cmd("cargo").args(["test", "-p", "marginalia-web", "--bins"]))
    })?;

    timed("bundle rules", &mut || {
        // clippy.toml states the bundle rules of docs/ARCHITECTURE.md; only
        // those two lints are errors, and only for the code in the bundle.
        step("bundle rules: clippy's disallowed methods/types on the core and the web app (wasm)");
        run(tool_cmd("cargo").args([
            "clippy",
            "-p",
            "marginalia-core",
            "-p",
            "marginalia-web",
            "--target",
            setup::WASM_TARGET,
            "--",
            "-D",
            "clippy::disallowed_methods",
            "-D",
            "clippy::disallowed_types",
        ]))
    })?;

    timed("release build", &mut release_build)?;

    timed("end-to-end tests", &mut || {
        step("end-to-end tests: the built app in headless Chromium");
        run(tool_cmd("cargo")
            .args(["test", "-p", "marginalia-e2e", "--", "--test-threads=2"])
            .env("MARGINALIA_DIST", dist_dir())
            .env(
                "MARGINALIA_AXE",
                setup::tools_dir().join("node_modules/axe-core/axe.min.js"),
            ))
    })?;

    timed("interop tests", &mut || {
        step("interop tests: exports read by spaCy, seqeval, PyLD");
        let dir = root().join("tests/interop");
        let has_tests = has_python_tests(&dir);
        let code = run_status(
            Command::new(root().join(".venv/bin/python"))
                .args(["-m", "pytest", "tests/interop", "-q"])
                .current_dir(root()),
        )?;
        match code {
            0 => Ok(()),
            // pytest's "no tests collected": fine while there are no test files.
            5 if !has_tests => {
                println!("    no interop test files yet: nothing to run");
                Ok(())
            }
            5 => Err("pytest collected no tests although tests/interop has test files".into()),
            c => Err(format!("interop tests failed (pytest exit code {c})")),
        }
    })?;

    let steps: Vec<String> = done
        .iter()
        .map(|(n, d)| format!("{n} {}", fmt_duration(*d)))
        .collect();
    println!(
        "xtask test: OK, all {} steps succeeded in {} ({})",
        done.len(),
        fmt_duration(started.elapsed()),
        steps.join(", ")
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ports() {
        assert_eq!(parse_port(&[]), Ok(8080));
        assert_eq!(parse_port(&["--port".into(), "9000".into()]), Ok(9000));
        assert_eq!(parse_port(&["--port=9001".into()]), Ok(9001));
        assert!(parse_port(&["--port".into()]).is_err());
        assert!(parse_port(&["--port=x".into()]).is_err());
        assert!(parse_port(&["--nope".into()]).is_err());
    }

    #[test]
    fn finds_python_test_files() {
        let d = env::temp_dir().join(format!("xtask-pytests-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(d.join("sub")).unwrap();
        fs::write(d.join("requirements.txt"), "").unwrap();
        fs::write(d.join("conftest.py"), "").unwrap();
        assert!(!has_python_tests(&d));
        fs::write(d.join("sub/test_spacy.py"), "").unwrap();
        assert!(has_python_tests(&d));
        fs::remove_dir_all(&d).unwrap();
    }
}
