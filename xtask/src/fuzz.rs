//! `cargo xtask fuzz [--seconds N] [--jobs N] [TARGET…]`, also a step of `cargo xtask
//! test`: the fuzz targets of `fuzz/` (docs/FUZZING.md).
//!
//! 1. The stable replay, always: `cargo test` of the fuzz crate runs every
//!    target on its seeds and on the regression corpus (`fuzz/regressions/`).
//! 2. With a nightly toolchain (installed here when missing, if rustup can),
//!    libFuzzer runs every target for `N` seconds on a fixed `-seed`, two
//!    at a time, built with the sanitizer-coverage flags cargo-fuzz uses
//!    (no cargo-fuzz install needed). A crash fails the step and names the
//!    input libFuzzer wrote, and the command that replays it.
//! 3. Without nightly, it says so and runs the deterministic mutation loop
//!    of `marginalia-fuzz mutate` instead.

use crate::{fmt_duration, output, root, run, step, tool_cmd, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Seconds each target runs under libFuzzer in `cargo xtask test`: 17
/// targets two at a time make about two minutes, plus one build.
pub const TEST_SECONDS: u64 = 15;
/// libFuzzer's `-seed`: the same mutation sequence on every run.
const SEED: &str = "1";
/// The mutation loop's inputs per target when there is no nightly.
const STABLE_ITERATIONS: &str = "3000";
/// How long installing the nightly toolchain may take before giving up.
const INSTALL_LIMIT: Duration = Duration::from_secs(300);

/// The sanitizer-coverage flags of cargo-fuzz (`cargo fuzz build` without
/// AddressSanitizer: the core has no unsafe code, and ASan would halve the
/// executions per second). `--cfg fuzzing` as cargo-fuzz sets it.
const RUSTFLAGS: &[&str] = &[
    "-Cpasses=sancov-module",
    "-Cllvm-args=-sanitizer-coverage-level=4",
    "-Cllvm-args=-sanitizer-coverage-inline-8bit-counters",
    "-Cllvm-args=-sanitizer-coverage-pc-table",
    "-Cllvm-args=-sanitizer-coverage-trace-compares",
    "-Cllvm-args=-sanitizer-coverage-stack-depth",
    "--cfg",
    "fuzzing",
];

/// Options of `cargo xtask fuzz`.
#[derive(Debug, PartialEq, Eq)]
pub struct Options {
    pub seconds: u64,
    /// Fuzzers at a time (default: the cores, at most two).
    pub jobs: Option<usize>,
    /// Targets to run (all when empty).
    pub targets: Vec<String>,
    /// Start from the seeds and the regression corpus alone, forgetting what
    /// earlier runs on this machine collected: the test command's run then
    /// explores the same inputs here as on a fresh clone in CI.
    pub fresh: bool,
}

pub fn parse_args(args: &[String]) -> Result<Options> {
    let mut options = Options { seconds: TEST_SECONDS, jobs: None, targets: Vec::new(), fresh: false };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (name, value) = match a.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (a.as_str(), None),
        };
        if !matches!(name, "--seconds" | "--jobs") {
            if a.starts_with('-') {
                return Err(format!("unexpected argument `{a}`"));
            }
            options.targets.push(a.clone());
            continue;
        }
        let value = match value {
            Some(v) => v,
            None => it.next().ok_or(format!("{name} needs a value"))?.clone(),
        };
        let number = value.parse().ok().filter(|n| *n > 0).ok_or(format!("bad {name} `{value}`"))?;
        match name {
            "--seconds" => options.seconds = number,
            _ => options.jobs = Some(number as usize),
        }
    }
    Ok(options)
}

fn fuzz_dir() -> PathBuf {
    root().join("fuzz")
}

fn manifest() -> PathBuf {
    fuzz_dir().join("Cargo.toml")
}

/// The targets: the `[[bin]]`s of fuzz/Cargo.toml that have a file in
/// `fuzz/fuzz_targets/`.
pub fn all_targets(dir: &Path) -> Result<Vec<String>> {
    let mut names: Vec<String> = fs::read_dir(dir.join("fuzz_targets"))
        .map_err(|e| format!("cannot read fuzz/fuzz_targets: {e}"))?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str()?.strip_suffix(".rs").map(str::to_string))
        .collect();
    names.sort();
    Ok(names)
}

pub fn fuzz(options: &Options) -> Result {
    let targets = if options.targets.is_empty() { all_targets(&fuzz_dir())? } else { options.targets.clone() };
    let known = all_targets(&fuzz_dir())?;
    if let Some(t) = targets.iter().find(|t| !known.contains(t)) {
        return Err(format!("no fuzz target `{t}` (targets: {})", known.join(", ")));
    }

    step("fuzz: every target on its seeds and the regression corpus (stable replay)");
    run(tool_cmd("cargo").args(["test", "--manifest-path"]).arg(manifest()))?;

    if !nightly_available() {
        println!("    no nightly toolchain: trying `rustup toolchain install nightly --profile minimal`");
        install_nightly();
    }
    if !nightly_available() {
        println!("    no nightly toolchain (libFuzzer needs one): running the deterministic mutation loop instead");
        return stable_loop(&targets);
    }
    if output(Command::new("c++").arg("--version")).is_err() {
        println!("    no C++ compiler (`c++`) to build libFuzzer: running the deterministic mutation loop instead");
        return stable_loop(&targets);
    }
    libfuzzer(&targets, options)
}

fn nightly_available() -> bool {
    output(Command::new("rustup").args(["run", "nightly", "rustc", "--version"])).is_ok()
}

/// Tries to install nightly, giving up after [`INSTALL_LIMIT`] (a machine
/// without internet access must not hang the test command).
fn install_nightly() {
    let child = Command::new("rustup")
        .args(["toolchain", "install", "nightly", "--profile", "minimal"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    match child.map(|c| wait_at_most(c, INSTALL_LIMIT)) {
        Ok(Some(true)) => println!("    installed the nightly toolchain"),
        Ok(Some(false)) | Err(_) => println!("    could not install the nightly toolchain"),
        Ok(None) => println!("    installing the nightly toolchain took over {}s: stopped", INSTALL_LIMIT.as_secs()),
    }
}

/// `Some(success)` when `child` ends within `limit`, else kills it.
fn wait_at_most(mut child: Child, limit: Duration) -> Option<bool> {
    let started = Instant::now();
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status.success());
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn stable_loop(targets: &[String]) -> Result {
    step("fuzz: the deterministic mutation loop (stable)");
    run(tool_cmd("cargo")
        .args(["run", "--quiet", "--manifest-path"])
        .arg(manifest())
        .args(["--", "mutate", "--iterations", STABLE_ITERATIONS])
        .args(targets))
}

fn host_triple() -> Result<String> {
    let info = output(Command::new("rustup").args(["run", "nightly", "rustc", "-vV"]))?;
    info.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_string)
        .ok_or_else(|| "`rustc -vV` names no host".to_string())
}

fn libfuzzer(targets: &[String], options: &Options) -> Result {
    let seconds = options.seconds;
    let triple = host_triple()?;
    let target_dir = fuzz_dir().join("target/libfuzzer");
    step("fuzz: build the targets for libFuzzer (nightly, sanitizer coverage)");
    // `--target` keeps the flags off build scripts and proc macros, as
    // cargo-fuzz does.
    let mut build = tool_cmd("rustup");
    build
        .args(["run", "nightly", "cargo", "build", "--release", "--features", "libfuzzer", "--manifest-path"])
        .arg(manifest())
        .args(["--target", &triple, "--target-dir"])
        .arg(&target_dir)
        .env("RUSTFLAGS", RUSTFLAGS.join(" "));
    for t in targets {
        build.args(["--bin", t]);
    }
    run(&mut build)?;

    let work = fuzz_dir().join("target/run");
    if options.fresh {
        let _ = fs::remove_dir_all(work.join("corpus"));
    }
    let seeds = work.join("seeds");
    let _ = fs::remove_dir_all(&seeds);
    run(tool_cmd("cargo")
        .args(["run", "--quiet", "--manifest-path"])
        .arg(manifest())
        .args(["--", "seeds"])
        .arg(&seeds))?;

    let jobs = options.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 2));
    step(&format!("fuzz: libFuzzer, {seconds}s per target, -seed={SEED}, {jobs} at a time"));
    let bin_dir = target_dir.join(&triple).join("release");
    let started = Instant::now();
    let mut waiting: Vec<&String> = targets.iter().rev().collect();
    let mut running: Vec<Running> = Vec::new();
    let mut crashed: Vec<String> = Vec::new();
    while !waiting.is_empty() || !running.is_empty() {
        while running.len() < jobs {
            let Some(t) = waiting.pop() else { break };
            running.push(Running::start(&bin_dir, &work, &seeds, t, seconds)?);
        }
        std::thread::sleep(Duration::from_millis(200));
        let mut still = Vec::new();
        for mut r in running {
            match r.child.try_wait() {
                Ok(Some(status)) => {
                    if let Some(report) = r.finish(status.success()) {
                        crashed.push(report);
                    }
                }
                Ok(None) => still.push(r),
                Err(e) => return Err(format!("cannot wait for the fuzzer of `{}`: {e}", r.target)),
            }
        }
        running = still;
    }
    println!("    {} targets in {}", targets.len(), fmt_duration(started.elapsed()));
    if crashed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "libFuzzer found {} crashing target(s):\n{}\nAfter the fix, keep each input in fuzz/regressions/<target>/ (docs/FUZZING.md).",
            crashed.len(),
            crashed.join("\n")
        ))
    }
}

/// One libFuzzer process: its target, log and where it writes crashes.
struct Running {
    target: String,
    child: Child,
    log: PathBuf,
    artifacts: PathBuf,
}

impl Running {
    fn start(bin_dir: &Path, work: &Path, seeds: &Path, target: &str, seconds: u64) -> Result<Running> {
        let corpus = work.join("corpus").join(target);
        let artifacts = work.join("artifacts").join(target);
        let _ = fs::remove_dir_all(&artifacts);
        for dir in [&corpus, &artifacts] {
            fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let log = work.join(format!("{target}.log"));
        let file = fs::File::create(&log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let err = file.try_clone().map_err(|e| e.to_string())?;
        // The first directory collects new inputs; the seeds and the
        // regression corpus are read only.
        let mut cmd = Command::new(bin_dir.join(target));
        cmd.arg(&corpus)
            .arg(seeds.join(target))
            .arg(fuzz_dir().join("regressions").join(target))
            .arg(format!("-seed={SEED}"))
            .arg(format!("-max_total_time={seconds}"))
            .args(["-timeout=10", "-rss_limit_mb=2048", "-max_len=16384", "-print_final_stats=1"])
            .arg(format!("-dict={}", fuzz_dir().join("fuzz.dict").display()))
            .arg(format!("-artifact_prefix={}/", artifacts.display()))
            .current_dir(root())
            .stdout(file)
            .stderr(err);
        fs::create_dir_all(fuzz_dir().join("regressions").join(target)).map_err(|e| e.to_string())?;
        let child = cmd.spawn().map_err(|e| format!("cannot run the fuzzer of `{target}`: {e}"))?;
        Ok(Running { target: target.to_string(), child, log, artifacts })
    }

    /// Prints the run's figures; a report when it crashed.
    fn finish(&self, success: bool) -> Option<String> {
        let log = fs::read_to_string(&self.log).unwrap_or_default();
        let figures = Figures::of(&log);
        println!(
            "    {:<13} {:>9} runs  {:>6}/s  coverage {:>5}  {}",
            self.target,
            figures.runs,
            figures.per_second,
            figures.coverage,
            if success { "ok" } else { "CRASH" }
        );
        if success {
            return None;
        }
        let input = crash_input(&log)
            .or_else(|| fs::read_dir(&self.artifacts).ok()?.filter_map(|e| e.ok()).map(|e| e.path().display().to_string()).next())
            .unwrap_or_else(|| "(no input written)".into());
        Some(format!(
            "  {}: {}\n    input: {input}\n    log:   {}\n    replay: cargo run --manifest-path fuzz/Cargo.toml -- replay {} {input}",
            self.target,
            crash_cause(&log),
            self.log.display(),
            self.target
        ))
    }
}

/// What a libFuzzer log says about its run (`?` where it says nothing).
#[derive(Debug, PartialEq, Eq)]
struct Figures {
    runs: String,
    per_second: String,
    coverage: String,
}

impl Figures {
    fn of(log: &str) -> Figures {
        let stat = |name: &str| {
            let prefix = format!("stat::{name}:");
            log.lines().find_map(|l| l.strip_prefix(&prefix).map(|v| v.trim().to_string())).unwrap_or_else(|| "?".into())
        };
        let coverage = log.lines().rev().find_map(|l| l.split("cov: ").nth(1)?.split_whitespace().next()).unwrap_or("?");
        Figures { runs: stat("number_of_executed_units"), per_second: stat("average_exec_per_sec"), coverage: coverage.to_string() }
    }
}

/// The input libFuzzer wrote when the target crashed.
fn crash_input(log: &str) -> Option<String> {
    log.lines().find_map(|l| l.split("Test unit written to ").nth(1)).map(|p| p.trim().to_string())
}

/// The panic's first line, or libFuzzer's own error (timeout, out of memory).
fn crash_cause(log: &str) -> String {
    let lines: Vec<&str> = log.lines().collect();
    if let Some(i) = lines.iter().position(|l| l.contains("panicked at")) {
        let message = lines.get(i + 1).map_or("", |m| m.trim());
        return format!("{} {message}", lines[i].trim());
    }
    lines
        .iter()
        .find(|l| l.starts_with("==") && l.contains("ERROR: libFuzzer"))
        .map_or_else(|| "see the log".to_string(), |l| l.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_seconds_and_targets() {
        let o = parse_args(&[]).unwrap();
        assert_eq!(o, Options { seconds: TEST_SECONDS, jobs: None, targets: vec![], fresh: false });
        let o = parse_args(&["--seconds".into(), "60".into(), "record".into(), "--jobs=1".into()]).unwrap();
        assert_eq!(o, Options { seconds: 60, jobs: Some(1), targets: vec!["record".into()], fresh: false });
        assert_eq!(parse_args(&["--seconds=5".into()]).unwrap().seconds, 5);
        assert!(parse_args(&["--seconds".into()]).is_err());
        assert!(parse_args(&["--seconds=0".into()]).is_err());
        assert!(parse_args(&["--seed=3".into()]).is_err());
    }

    const CRASH_LOG: &str = "\
INFO: Seed: 1
#1024\tpulse  cov: 3421 ft: 5120 corp: 700/90Kb exec/s: 512 rss: 60Mb
thread '<unnamed>' panicked at crates/core/src/command.rs:152:24:
attempt to add with overflow
==2745== ERROR: libFuzzer: deadly signal
MS: 1 ChangeASCIIInt-; base unit: 0
artifact_prefix='fuzz/target/run/artifacts/record/'; Test unit written to fuzz/target/run/artifacts/record/crash-9a2b
stat::number_of_executed_units: 1500
stat::average_exec_per_sec:     750
";

    #[test]
    fn reads_the_figures_and_the_crash_from_a_libfuzzer_log() {
        let f = Figures::of(CRASH_LOG);
        assert_eq!(f, Figures { runs: "1500".into(), per_second: "750".into(), coverage: "3421".into() });
        assert_eq!(crash_input(CRASH_LOG).as_deref(), Some("fuzz/target/run/artifacts/record/crash-9a2b"));
        assert_eq!(
            crash_cause(CRASH_LOG),
            "thread '<unnamed>' panicked at crates/core/src/command.rs:152:24: attempt to add with overflow"
        );
        let timeout = "==9== ERROR: libFuzzer: timeout after 10 seconds\n";
        assert_eq!(crash_cause(timeout), "==9== ERROR: libFuzzer: timeout after 10 seconds");
        assert_eq!(Figures::of("").runs, "?");
    }

    #[test]
    fn every_target_file_is_a_bin_of_the_fuzz_crate() {
        let dir = root().join("fuzz");
        let manifest = fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        let targets = all_targets(&dir).unwrap();
        assert!(targets.len() >= 17, "{targets:?}");
        for t in targets {
            assert!(manifest.contains(&format!("name = \"{t}\"\npath = \"fuzz_targets/{t}.rs\"")), "fuzz/Cargo.toml has no [[bin]] {t}");
        }
    }
}
