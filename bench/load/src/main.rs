//! The team server's load generator. It talks only to 127.0.0.1 and is
//! bounded: a fixed number of simulated annotators for a fixed time.
//!
//! `run`: N annotators, each with an account made through the API (the first
//! by `POST /api/setup`, the rest by invitation, concurrently; timed apart
//! from the measured phase). In the measured phase each annotator takes the
//! next document, saves it every 2–5 s (uniform jitter, as the widget's
//! autosave fires a few seconds after an edit), one more span per save, and
//! after 3–5 saves marks it done and takes the next. Latencies of save and
//! next are kept per request (microseconds); an error is any non-2xx answer
//! or a request that takes over 10 s.
//!
//! `import`: N generated articles as JSONL `{"text","meta"}` in chunks.
//! `export`: the project's spaCy export (`take=all`), timed, while the
//! server's RSS is sampled.
//!
//! The server's CPU time (utime + stime of `/proc/PID/stat`, in ticks of
//! 1/100 s) and RSS (`VmRSS`, sampled every 100 ms; `VmHWM`) are read for
//! the PIDs given with `--pids`. Results go to stdout as one JSON line
//! prefixed `RESULT `, for the driver (`cargo xtask load`).

use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

const TIMEOUT: Duration = Duration::from_secs(10);
const LABELS: [&str; 3] = ["PERSON", "ORG", "GPE"];

type Res<T> = Result<T, String>;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&Opts::parse(&args[1..])).await,
        Some("import") => import(&Opts::parse(&args[1..])).await,
        Some("export") => export(&Opts::parse(&args[1..])).await,
        _ => Err("usage: marginalia-load run|import|export --base URL[,URL] [--annotators N] [--seconds S] [--articles N] [--pids P[,P]]".into()),
    };
    if let Err(e) = result {
        eprintln!("marginalia-load: {e}");
        std::process::exit(1);
    }
}

struct Opts {
    bases: Vec<String>,
    annotators: usize,
    seconds: u64,
    articles: usize,
    chunk: usize,
    pids: Vec<u32>,
    project: String,
}

impl Opts {
    fn parse(args: &[String]) -> Opts {
        let mut o = Opts { bases: vec![], annotators: 100, seconds: 60, articles: 100_000, chunk: 5_000, pids: vec![], project: "load".into() };
        let mut it = args.iter();
        while let (Some(k), Some(v)) = (it.next(), it.next()) {
            match k.as_str() {
                "--base" => o.bases = v.split(',').map(String::from).collect(),
                "--annotators" => o.annotators = v.parse().expect("--annotators N"),
                "--seconds" => o.seconds = v.parse().expect("--seconds S"),
                "--articles" => o.articles = v.parse().expect("--articles N"),
                "--chunk" => o.chunk = v.parse().expect("--chunk N"),
                "--project" => o.project = v.clone(),
                "--pids" => o.pids = v.split(',').map(|p| p.parse().expect("--pids P,P")).collect(),
                other => panic!("unknown option {other}"),
            }
        }
        for b in &o.bases {
            assert!(b.starts_with("http://127.0.0.1:"), "the load generator talks only to 127.0.0.1, not {b}");
        }
        o
    }
}

/// One signed-in person: session cookie and CSRF token.
#[derive(Clone)]
struct Session {
    base: String,
    cookie: String,
    csrf: String,
}

/// An answer: status, ETag and body.
struct Answer {
    status: u16,
    etag: Option<String>,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

async fn send(http: &reqwest::Client, s: Option<&Session>, base: &str, method: reqwest::Method, path: &str, body: Option<Vec<u8>>, extra: &[(&str, &str)]) -> Res<Answer> {
    let mut r = http.request(method, format!("{base}{path}")).timeout(TIMEOUT);
    if let Some(s) = s {
        r = r.header("Cookie", &s.cookie).header("X-CSRF-Token", &s.csrf);
    }
    for (k, v) in extra {
        r = r.header(*k, *v);
    }
    if let Some(b) = body {
        r = r.body(b);
    }
    let resp = r.send().await.map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let etag = resp.headers().get("etag").and_then(|v| v.to_str().ok()).map(String::from);
    let body = resp.bytes().await.map_err(|e| e.to_string())?.to_vec();
    Ok(Answer { status, etag, body })
}

fn session_cookie(resp: &reqwest::Response) -> Option<String> {
    resp.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find_map(|c| {
        let pair = c.split(';').next()?;
        pair.starts_with("mg_session=").then(|| pair.to_string())
    })
}

/// Posts JSON and, from the answer, the session it signs in.
async fn sign_in(http: &reqwest::Client, base: &str, path: &str, body: Value) -> Res<Session> {
    let resp = http.post(format!("{base}{path}")).json(&body).timeout(Duration::from_secs(120)).send().await.map_err(|e| e.to_string())?;
    let cookie = session_cookie(&resp).ok_or_else(|| format!("{path}: no session cookie (status {})", resp.status()))?;
    let v: Value = resp.json().await.map_err(|e| e.to_string())?;
    let csrf = v["csrf"].as_str().ok_or(format!("{path}: no csrf in {v}"))?.to_string();
    Ok(Session { base: base.to_string(), cookie, csrf })
}

/// The first account, or a sign-in when the server already has it.
async fn admin(http: &reqwest::Client, base: &str) -> Res<Session> {
    let who = json!({ "name": "load-admin", "password": "load-admin-password" });
    match sign_in(http, base, "/api/setup", who.clone()).await {
        Ok(s) => Ok(s),
        Err(_) => sign_in(http, base, "/api/signin", who).await,
    }
}

async fn post_json(http: &reqwest::Client, s: &Session, path: &str, body: Value) -> Res<Answer> {
    send(http, Some(s), &s.base, reqwest::Method::POST, path, Some(body.to_string().into_bytes()), &[("Content-Type", "application/json")]).await
}

/// A news-like article of about 3 KB: mixed scripts, so code-point offsets
/// differ from byte offsets.
fn article(i: usize) -> String {
    let mut t = format!("Article {i}. ");
    let phrases = [
        "The council of Tōkyō met on Tuesday to discuss the budget. ",
        "Ana García said the plan was \"unworkable\" 🙂 and left early. ",
        "In القاهرة the ministry announced new rules for reporters. ",
        "東京都の予算案について議会が審議した。 ",
        "Café owners in Zürich welcomed the decision. ",
        "The Øresund bridge was closed for three hours after the storm. ",
    ];
    let mut k = i;
    while t.chars().count() < 3000 {
        t.push_str(phrases[k % phrases.len()]);
        k = k.wrapping_mul(31).wrapping_add(7);
    }
    t
}

// ---------------------------------------------------------------- setup

struct Setup {
    project: String,
    annotators: Vec<Session>,
    seconds: f64,
}

async fn setup(http: &reqwest::Client, o: &Opts) -> Res<Setup> {
    let started = Instant::now();
    let admin = admin(http, &o.bases[0]).await?;
    let project = o.project.clone();
    let a = post_json(http, &admin, "/api/projects", json!({ "slug": project, "name": "Load", "overlap": 1 })).await?;
    if !a.ok() {
        return Err(format!("create project: {} {}", a.status, String::from_utf8_lossy(&a.body)));
    }
    // Enough documents that nobody runs out: a document lasts 6–25 s.
    let documents = o.annotators * (o.seconds as usize / 6 + 2);
    import_articles(http, &admin, &project, 0, documents, 1_000).await?;
    let gate = Arc::new(Semaphore::new(8));
    let mut tasks = Vec::new();
    for i in 0..o.annotators {
        let (http, admin, project, gate) = (http.clone(), admin.clone(), project.clone(), gate.clone());
        // The annotators split across the instances.
        let base = o.bases[i % o.bases.len()].clone();
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire().await;
            let inv = post_json(&http, &admin, &format!("/api/projects/{project}/invitations"), json!({ "role": "annotator" })).await?;
            let secret = inv.json()["invitation"].as_str().ok_or("no invitation")?.to_string();
            let name = format!("{project}-ann{i}");
            sign_in(&http, &base, &format!("/api/invitations/{secret}/accept"), json!({ "name": name, "password": format!("{name}-password") })).await
        }));
    }
    let mut annotators = Vec::new();
    for t in tasks {
        annotators.push(t.await.map_err(|e| e.to_string())??);
    }
    Ok(Setup { project, annotators, seconds: started.elapsed().as_secs_f64() })
}

async fn import_articles(http: &reqwest::Client, admin: &Session, project: &str, from: usize, count: usize, chunk: usize) -> Res<usize> {
    let mut imported = 0;
    let mut start = from;
    while start < from + count {
        let end = (start + chunk).min(from + count);
        let mut body = String::new();
        for i in start..end {
            body.push_str(&json!({ "text": article(i), "meta": { "id": i } }).to_string());
            body.push('\n');
        }
        let a = send(http, Some(admin), &admin.base, reqwest::Method::POST, &format!("/api/projects/{project}/documents?name=chunk.jsonl"), Some(body.into_bytes()), &[]).await?;
        if !a.ok() {
            return Err(format!("import: {} {}", a.status, String::from_utf8_lossy(&a.body)));
        }
        imported += a.json()["imported"].as_u64().unwrap_or(0) as usize;
        start = end;
    }
    Ok(imported)
}

// ---------------------------------------------------------------- the measured phase

#[derive(Default)]
struct Tally {
    save_us: Vec<u32>,
    next_us: Vec<u32>,
    done: usize,
    errors: usize,
    first_error: Option<String>,
}

impl Tally {
    fn error(&mut self, what: String) {
        self.errors += 1;
        self.first_error.get_or_insert(what);
    }
    fn merge(&mut self, o: Tally) {
        self.save_us.extend(o.save_us);
        self.next_us.extend(o.next_us);
        self.done += o.done;
        self.errors += o.errors;
        if self.first_error.is_none() {
            self.first_error = o.first_error;
        }
    }
}

/// A small deterministic generator per annotator (xorshift).
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn record(text: &str, spans: usize) -> Vec<u8> {
    let len = text.chars().count();
    // Spans of 5 code points every 20: never overlapping, always inside.
    let spans: Vec<Value> = (0..spans).filter(|k| k * 20 + 5 <= len).map(|k| json!({ "start": k * 20, "end": k * 20 + 5, "label": LABELS[k % 3] })).collect();
    json!({ "text": text, "spans": spans, "format_version": 1 }).to_string().into_bytes()
}

async fn annotator(http: reqwest::Client, s: Session, project: String, seed: u64, until: Instant) -> Tally {
    let mut t = Tally::default();
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    // Annotators do not all start at the same instant.
    tokio::time::sleep(Duration::from_millis(rng.below(5_000))).await;
    'docs: while Instant::now() < until {
        let started = Instant::now();
        let next = post_json(&http, &s, &format!("/api/projects/{project}/queue/next"), json!({})).await;
        t.next_us.push(started.elapsed().as_micros() as u32);
        let next = match next {
            Ok(a) if a.ok() => a.json(),
            Ok(a) => return fail(t, format!("next: {} {}", a.status, String::from_utf8_lossy(&a.body))),
            Err(e) => return fail(t, format!("next: {e}")),
        };
        let Some(doc) = next["document"].as_object() else { return fail(t, "next: the queue ran dry".into()) };
        let id = doc["id"].as_i64().unwrap_or(0);
        let text = doc["text"].as_str().unwrap_or("").to_string();
        let path = format!("/api/projects/{project}/documents/{id}/save");
        let mut etag: Option<String> = None;
        let saves = 3 + rng.below(3) as usize;
        for k in 1..=saves {
            let pause = Duration::from_millis(2_000 + rng.below(3_001));
            if Instant::now() + pause >= until {
                break 'docs;
            }
            tokio::time::sleep(pause).await;
            let cond = match &etag {
                None => ("If-None-Match", "*".to_string()),
                Some(e) => ("If-Match", e.clone()),
            };
            let started = Instant::now();
            let a = send(&http, Some(&s), &s.base, reqwest::Method::PUT, &path, Some(record(&text, k)), &[("Content-Type", "application/json"), (cond.0, &cond.1)]).await;
            t.save_us.push(started.elapsed().as_micros() as u32);
            match a {
                Ok(a) if a.ok() => etag = a.etag,
                Ok(a) => return fail(t, format!("save: {} {}", a.status, String::from_utf8_lossy(&a.body))),
                Err(e) => return fail(t, format!("save: {e}")),
            }
        }
        match post_json(&http, &s, &format!("/api/projects/{project}/documents/{id}/status"), json!({ "state": "done" })).await {
            Ok(a) if a.ok() => t.done += 1,
            Ok(a) => return fail(t, format!("done: {} {}", a.status, String::from_utf8_lossy(&a.body))),
            Err(e) => return fail(t, format!("done: {e}")),
        }
    }
    t
}

/// An annotator stops at their first error (a real one would reload).
fn fail(mut t: Tally, what: String) -> Tally {
    t.error(what);
    t
}

// ---------------------------------------------------------------- the server's resources

fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which is in parentheses.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 here.
    f.get(11).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0) + f.get(12).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
}

fn status_kb(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix(key)?.trim().strip_suffix("kB")?.trim().parse().ok()).unwrap_or(0)
}

/// Samples the servers' RSS every 100 ms until stopped: the peak, in KB.
fn rss_sampler(pids: Vec<u32>) -> (tokio::sync::oneshot::Sender<()>, tokio::task::JoinHandle<u64>) {
    let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(async move {
        let mut peak = 0;
        loop {
            peak = peak.max(pids.iter().map(|p| status_kb(*p, "VmRSS:")).sum());
            tokio::select! {
                _ = &mut stopped => return peak,
                _ = tokio::time::sleep(Duration::from_millis(100)) => {}
            }
        }
    });
    (stop, handle)
}

fn percentile(sorted: &[u32], p: usize) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() * p).div_ceil(100)).saturating_sub(1).min(sorted.len() - 1);
    sorted[i] as f64 / 1000.0
}

// ---------------------------------------------------------------- commands

async fn run(o: &Opts) -> Res<()> {
    let http = reqwest::Client::builder().pool_max_idle_per_host(usize::MAX).build().map_err(|e| e.to_string())?;
    let setup = setup(&http, o).await?;
    eprintln!("setup: {} accounts in {:.1} s", setup.annotators.len(), setup.seconds);
    let cpu_before: u64 = o.pids.iter().map(|p| cpu_ticks(*p)).sum();
    let rss_before: u64 = o.pids.iter().map(|p| status_kb(*p, "VmRSS:")).sum();
    let (stop, sampler) = rss_sampler(o.pids.clone());
    let started = Instant::now();
    let until = started + Duration::from_secs(o.seconds);
    let tasks: Vec<_> = setup.annotators.into_iter().enumerate().map(|(i, s)| tokio::spawn(annotator(http.clone(), s, setup.project.clone(), i as u64 + 1, until))).collect();
    let mut tally = Tally::default();
    for t in tasks {
        tally.merge(t.await.map_err(|e| e.to_string())?);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let _ = stop.send(());
    let rss_peak = sampler.await.map_err(|e| e.to_string())?;
    let cpu = (o.pids.iter().map(|p| cpu_ticks(*p)).sum::<u64>() - cpu_before) as f64 / 100.0;
    tally.save_us.sort_unstable();
    tally.next_us.sort_unstable();
    let result = json!({
        "annotators": o.annotators, "instances": o.bases.len(), "setup_s": setup.seconds, "seconds": elapsed,
        "saves": tally.save_us.len(), "saves_per_s": tally.save_us.len() as f64 / elapsed, "nexts": tally.next_us.len(), "done": tally.done,
        "save_ms": [percentile(&tally.save_us, 50), percentile(&tally.save_us, 95), percentile(&tally.save_us, 99)],
        "next_ms": [percentile(&tally.next_us, 50), percentile(&tally.next_us, 95), percentile(&tally.next_us, 99)],
        "errors": tally.errors, "first_error": tally.first_error,
        "cpu_s": cpu, "cpu_share": cpu / elapsed, "rss_before_mb": rss_before as f64 / 1024.0, "rss_peak_mb": rss_peak as f64 / 1024.0,
        "hwm_mb": o.pids.iter().map(|p| status_kb(*p, "VmHWM:")).sum::<u64>() as f64 / 1024.0,
    });
    println!("RESULT {result}");
    Ok(())
}

async fn import(o: &Opts) -> Res<()> {
    let http = reqwest::Client::new();
    let admin = admin(&http, &o.bases[0]).await?;
    let a = post_json(&http, &admin, "/api/projects", json!({ "slug": o.project, "name": "Import", "overlap": 1 })).await?;
    if !a.ok() {
        return Err(format!("create project: {}", a.status));
    }
    let cpu_before: u64 = o.pids.iter().map(|p| cpu_ticks(*p)).sum();
    let (stop, sampler) = rss_sampler(o.pids.clone());
    let started = Instant::now();
    let imported = import_articles(&http, &admin, &o.project, 1_000_000, o.articles, o.chunk).await?;
    let elapsed = started.elapsed().as_secs_f64();
    let _ = stop.send(());
    let rss_peak = sampler.await.map_err(|e| e.to_string())?;
    let cpu = (o.pids.iter().map(|p| cpu_ticks(*p)).sum::<u64>() - cpu_before) as f64 / 100.0;
    let bytes: usize = (0..o.articles.min(1000)).map(|i| article(1_000_000 + i).len()).sum::<usize>() * o.articles / o.articles.min(1000).max(1);
    println!("RESULT {}", json!({ "articles": o.articles, "imported": imported, "chunk": o.chunk, "seconds": elapsed, "articles_per_s": imported as f64 / elapsed, "text_mb": bytes as f64 / 1e6, "cpu_s": cpu, "rss_peak_mb": rss_peak as f64 / 1024.0 }));
    Ok(())
}

async fn export(o: &Opts) -> Res<()> {
    let http = reqwest::Client::new();
    let admin = admin(&http, &o.bases[0]).await?;
    let project = &o.project;
    let rss_before: u64 = o.pids.iter().map(|p| status_kb(*p, "VmRSS:")).sum();
    let (stop, sampler) = rss_sampler(o.pids.clone());
    let started = Instant::now();
    let mut resp = http
        .get(format!("{}/api/projects/{project}/export?format=spacy&take=all", admin.base))
        .header("Cookie", &admin.cookie)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !resp.status().is_success() {
        return Err(format!("export: {}", resp.status()));
    }
    let mut bytes = 0usize;
    let mut lines = 0usize;
    while let Some(chunk) = resp.chunk().await.map_err(|e| e.to_string())? {
        bytes += chunk.len();
        lines += chunk.iter().filter(|b| **b == b'\n').count();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let _ = stop.send(());
    let rss_peak = sampler.await.map_err(|e| e.to_string())?;
    println!("RESULT {}", json!({ "project": project, "mb": bytes as f64 / 1e6, "lines": lines, "seconds": elapsed, "mb_per_s": bytes as f64 / 1e6 / elapsed, "rss_before_mb": rss_before as f64 / 1024.0, "rss_peak_mb": rss_peak as f64 / 1024.0 }));
    Ok(())
}
