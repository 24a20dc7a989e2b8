//! `cargo xtask load`: the team server's load benchmark (never part of
//! `test`). Builds the server and the load generator (`bench/load`) in the
//! `server` profile, then for each scenario starts the real binary
//! (`marginalia serve --database … --listen 127.0.0.1:PORT`) on a fresh
//! database and runs the generator against it: N annotators on SQLite, on
//! PostgreSQL with one instance, and with two instances (the annotators
//! split across them); then the import of 100,000 articles and the export
//! of the largest project. Each result is a JSON line, printed and appended
//! to `target/load/results.jsonl`; BENCHMARKS.md is written from them.

use crate::postgres::TestPostgres;
use crate::{run, step, target_dir, tool_cmd, Result};
use std::fs;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Options {
    pub annotators: Vec<usize>,
    pub seconds: u64,
    pub databases: Vec<String>,
    pub import: bool,
}

pub fn parse_args(args: &[String]) -> Result<Options> {
    let mut o = Options { annotators: vec![100, 1000, 5000], seconds: 60, databases: vec!["sqlite".into(), "postgres".into(), "postgres2".into()], import: true };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--annotators" => o.annotators = value()?.split(',').map(|n| n.parse().map_err(|_| format!("bad number `{n}`"))).collect::<Result<_>>()?,
            "--seconds" => o.seconds = value()?.parse().map_err(|_| "bad --seconds")?,
            "--databases" => o.databases = value()?.split(',').map(String::from).collect(),
            "--no-import" => o.import = false,
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    Ok(o)
}

/// One running server instance; killed when dropped.
struct Instance {
    child: Child,
    base: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(bin: &Path, database: &str) -> Result<Instance> {
    let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
    let child = Command::new(bin)
        .args(["serve", "--database", database, "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    let mut instance = Instance { child, base: format!("http://127.0.0.1:{port}") };
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline || matches!(instance.child.try_wait(), Ok(Some(_))) {
            return Err(format!("the server on port {port} did not start"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(instance)
}

/// Runs the generator and keeps its `RESULT` line, tagged with the scenario.
fn generate(load: &Path, command: &str, instances: &[Instance], extra: &[String], tag: &str, out: &mut fs::File) -> Result {
    let bases: Vec<&str> = instances.iter().map(|i| i.base.as_str()).collect();
    let pids: Vec<String> = instances.iter().map(|i| i.child.id().to_string()).collect();
    let mut cmd = Command::new(load);
    cmd.args([command, "--base", &bases.join(","), "--pids", &pids.join(",")]).args(extra);
    println!("    $ {} {}", command, extra.join(" "));
    let output = cmd.stderr(Stdio::inherit()).output().map_err(|e| format!("cannot run the load generator: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let Some(result) = stdout.lines().find_map(|l| l.strip_prefix("RESULT ")) else {
        return Err(format!("{tag}: the load generator gave no result ({})", output.status));
    };
    let line = format!("{{\"scenario\":\"{tag}\",\"result\":{result}}}");
    println!("    {line}");
    writeln!(out, "{line}").map_err(|e| e.to_string())
}

pub fn load(o: &Options) -> Result {
    step("build the server and the load generator (profile `server`)");
    run(tool_cmd("cargo").args(["build", "--profile", "server", "-p", "marginalia-cli", "-p", "marginalia-load"]))?;
    let target = target_dir().join("server");
    let (bin, load) = (target.join("marginalia"), target.join("marginalia-load"));
    let dir = target_dir().join("load");
    fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    // Appended to, so that scenarios may be run one invocation at a time.
    let mut out = fs::OpenOptions::new().create(true).append(true).open(dir.join("results.jsonl")).map_err(|e| e.to_string())?;
    let seconds = o.seconds.to_string();
    let postgres = if o.databases.iter().any(|d| d.starts_with("postgres")) { Some(TestPostgres::start()?) } else { None };
    for db in &o.databases {
        for &n in &o.annotators {
            let tag = format!("{db}-{n}");
            step(&format!("load: {n} annotators, {db}"));
            let instances = match db.as_str() {
                "sqlite" => vec![start(&bin, &sqlite(&dir, &format!("{tag}-{}", std::process::id())))?],
                "postgres" | "postgres2" => {
                    let url = postgres.as_ref().map(|p| p.url()).ok_or("no PostgreSQL")?;
                    let first = start(&bin, url)?;
                    if db == "postgres2" {
                        let second = start(&bin, url)?;
                        vec![first, second]
                    } else {
                        vec![first]
                    }
                }
                other => return Err(format!("unknown database `{other}` (sqlite, postgres, postgres2)")),
            };
            // One PostgreSQL database holds every PostgreSQL scenario: each has its own project.
            let project = format!("load-{tag}");
            let args = vec!["--annotators".into(), n.to_string(), "--seconds".into(), seconds.clone(), "--project".into(), project.clone()];
            generate(&load, "run", &instances, &args, &tag, &mut out)?;
            if n == *o.annotators.iter().max().unwrap_or(&0) {
                step(&format!("export: the {tag} project"));
                generate(&load, "export", &instances[..1], &["--project".into(), project], &format!("export-{tag}"), &mut out)?;
            }
        }
    }
    if o.import {
        for db in &o.databases {
            if db == "postgres2" {
                continue;
            }
            step(&format!("import: 100,000 articles, {db}"));
            let instance = match db.as_str() {
                "sqlite" => start(&bin, &sqlite(&dir, &format!("import-{}", std::process::id())))?,
                _ => start(&bin, postgres.as_ref().map(|p| p.url()).ok_or("no PostgreSQL")?)?,
            };
            let args = vec!["--articles".into(), "100000".into(), "--chunk".into(), "1000".into(), "--project".into(), format!("import-{db}")];
            generate(&load, "import", std::slice::from_ref(&instance), &args, &format!("import-{db}"), &mut out)?;
        }
    }
    println!("results: {}", dir.join("results.jsonl").display());
    Ok(())
}

fn sqlite(dir: &Path, tag: &str) -> String {
    let file: PathBuf = dir.join(format!("{tag}.db"));
    // `sqlite:PATH` alone does not create a missing file: `mode=rwc` does.
    format!("sqlite://{}?mode=rwc", file.display())
}
