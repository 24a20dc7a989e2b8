//! End-to-end harness: drives the Trunk-built app in headless Chromium through
//! WebDriver (fantoccini → Debian's `/usr/bin/chromedriver`) as a person would.
//!
//! Per test binary, lazily and once: the team server over the app's `dist/`
//! on `127.0.0.1:<free port>` (the real server, as `cargo xtask serve` runs
//! it, with test-only stand-ins for a CMS and a model on the same origin:
//! `servers.rs`, [`Server::save_endpoint`]) and one chromedriver on a free
//! port. Chromedriver (and every Chromium it
//! started) dies with the test process, however that ends: it runs under a
//! small `sh` watchdog in its own process group, which waits for EOF on a pipe
//! that only this process holds open and then kills the group.
//!
//! Each [`Browser`] is a fresh WebDriver session with a fresh profile (so a
//! fresh `localStorage`) and its own download directory; both are removed
//! when it is closed or dropped.
//!
//! Environment:
//! - `MARGINALIA_DIST` — the built app (default `<workspace>/dist`);
//! - `MARGINALIA_AXE` — `axe.min.js` (default `<workspace>/.tools/node_modules/axe-core/axe.min.js`);
//! - `MARGINALIA_CHROMIUM`, `MARGINALIA_CHROMEDRIVER` — browser and driver
//!   (default `/usr/bin/chromium`, `/usr/bin/chromedriver`).
//!
//! Units: code-point offsets (`cp`) are offsets into the article text, as in
//! `data-s`/`data-e` of `span.mg-run` and in the saved JSON; the harness
//! converts them to UTF-16 DOM offsets inside each run's single text node.
//!
//! ```ignore
//! use marginalia_e2e::{Browser, Mod, Result};
//!
//! #[tokio::test]
//! async fn tag_a_person() -> Result {
//!     let b = Browser::new().await?;
//!     b.goto_app().await?;
//!     b.drag_select(0, 5).await?;
//!     b.press("p").await?;
//!     b.wait_for(".mg-tag[data-span]").await?;
//!     b.press_with(&[Mod::Ctrl], "z").await?;
//!     b.close().await
//! }
//! ```

mod reply;
mod save_stand_in;
mod servers;
mod suggest_stand_in;
mod unanswered;
pub use save_stand_in::{Hang, PutLog, SaveEndpoint};
pub use servers::{Server, Site};

pub use fantoccini;
pub use serde_json::{self, json, Value};

use fantoccini::actions::{
    InputSource, KeyAction, KeyActions, MouseActions, PointerAction, MOUSE_BUTTON_LEFT,
};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use std::fmt;
use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Any error: WebDriver, I/O, a failed expectation with a readable message.
pub type Error = Box<dyn std::error::Error + Send + Sync + 'static>;
pub type Result<T = (), E = Error> = std::result::Result<T, E>;

/// How long `wait_for` and friends wait by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);
/// How long `goto_app` waits for the first paragraph (wasm compile on a busy CI).
pub const APP_TIMEOUT: Duration = Duration::from_secs(40);

/// The Chromium flags for every session (a fresh `--user-data-dir` is added).
pub const CHROMIUM_ARGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--window-size=1280,900",
];

macro_rules! bail {
    ($($t:tt)*) => { return Err(format!($($t)*).into()) };
}

// ------------------------------------------------------------------ paths

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// `tests/fixtures/<name>` as an absolute path.
pub fn fixture(name: &str) -> PathBuf {
    workspace_root().join("tests/fixtures").join(name)
}

/// The built app: `$MARGINALIA_DIST` or `<workspace>/dist`.
pub fn dist_dir() -> PathBuf {
    std::env::var_os("MARGINALIA_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("dist"))
}

/// The name of the release build's code directory in `dist`
/// (`code-<hash>`, named by its content).
pub fn code_dir(dist: &Path) -> Result<String> {
    fs::read_dir(dist)?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("code-"))
        .ok_or_else(|| format!("{} has no code-<hash> directory (build with `cargo xtask build`)", dist.display()).into())
}

/// axe-core's `axe.min.js`: `$MARGINALIA_AXE` or the copy `cargo xtask setup` installs.
pub fn axe_path() -> PathBuf {
    std::env::var_os("MARGINALIA_AXE")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".tools/node_modules/axe-core/axe.min.js"))
}

fn chromium_path() -> PathBuf {
    std::env::var_os("MARGINALIA_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or("/usr/bin/chromium".into())
}

fn chromedriver_path() -> PathBuf {
    std::env::var_os("MARGINALIA_CHROMEDRIVER")
        .map(PathBuf::from)
        .unwrap_or("/usr/bin/chromedriver".into())
}

/// A fresh directory under the system temp dir, unique in this process.
fn fresh_temp_dir(tag: &str) -> Result<PathBuf> {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!(
        "marginalia-e2e-{}-{n}-{nanos}-{tag}",
        std::process::id()
    ));
    fs::create_dir_all(&dir)?;
    Ok(dir)
}

// ------------------------------------------------------------------ chromedriver

struct Driver {
    addr: SocketAddr,
    log: PathBuf,
    /// The watchdog's stdin. Never written; closed by the OS when this process
    /// exits, which makes the watchdog kill chromedriver's process group.
    _lifeline: Mutex<ChildStdin>,
}

/// Shell run in its own process group: starts chromedriver, waits for EOF on
/// stdin (this process has gone), then kills the whole group (chromedriver,
/// every Chromium it started, and at last itself) and removes the log's
/// directory. `$0` chromedriver, `$1` port, `$2` log file in a directory of its own.
const WATCHDOG: &str = r#"
"$0" --port="$1" --allowed-ips=127.0.0.1 --log-level=WARNING >"$2" 2>&1 </dev/null &
while read -r _; do :; done
trap '' TERM
kill -TERM 0 2>/dev/null
sleep 1
rm -rf "$(dirname "$2")"
kill -KILL 0 2>/dev/null
"#;

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn driver() -> Result<&'static Driver> {
    static DRIVER: OnceLock<std::result::Result<Driver, String>> = OnceLock::new();
    DRIVER
        .get_or_init(|| start_driver().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| format!("chromedriver did not start: {e}").into())
}

fn start_driver() -> Result<Driver> {
    use std::os::unix::process::CommandExt;
    let chromedriver = chromedriver_path();
    if !chromedriver.exists() {
        bail!(
            "{} is missing: run `cargo xtask setup`",
            chromedriver.display()
        );
    }
    let port = free_port()?;
    let log = fresh_temp_dir("chromedriver")?.join("chromedriver.log");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(WATCHDOG)
        .arg(&chromedriver)
        .arg(port.to_string())
        .arg(&log)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()?;
    let lifeline = child.stdin.take().expect("piped stdin");
    // The child is reaped by nobody while we live; that's fine for one process.
    std::mem::forget(child);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(body) = http_request(addr, "GET", "/status", None) {
            if body.contains("\"ready\"") {
                break;
            }
        }
        if Instant::now() > deadline {
            let text = fs::read_to_string(&log).unwrap_or_default();
            bail!("chromedriver on port {port} not ready after 20 s; its log:\n{text}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(Driver {
        addr,
        log,
        _lifeline: Mutex::new(lifeline),
    })
}

/// A minimal blocking HTTP/1.1 request to chromedriver; returns the body.
fn http_request(addr: SocketAddr, method: &str, path: &str, body: Option<&str>) -> Result<String> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let body = body.unwrap_or("");
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    // Chromedriver keeps the connection open: read the head, then Content-Length bytes.
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = s.read(&mut chunk)?;
        if n == 0 {
            bail!("connection closed before the response head");
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let len = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>())
        })
        .transpose()?;
    let mut body = buf[head_end..].to_vec();
    match len {
        Some(len) => {
            while body.len() < len {
                let n = s.read(&mut chunk)?;
                if n == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..n]);
            }
        }
        None => {
            s.read_to_end(&mut body)?;
        }
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// Chromedriver-specific endpoints (`goog/cdp/execute`, `se/log`).
#[derive(Debug)]
struct SessionPost {
    path: &'static str,
    body: Value,
}

impl WebDriverCompatibleCommand for SessionPost {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> std::result::Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/{}", session.unwrap_or(""), self.path))
    }
    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}

// ------------------------------------------------------------------ keys

/// A modifier key held during a key press or a drag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mod {
    Ctrl,
    Shift,
    Alt,
    Meta,
}

impl Mod {
    fn key(self) -> char {
        match self {
            Mod::Ctrl => Key::Control.into(),
            Mod::Shift => Key::Shift.into(),
            Mod::Alt => Key::Alt.into(),
            Mod::Meta => Key::Meta.into(),
        }
    }
}

/// A key by its DOM `key` name (`"ArrowRight"`, `"Delete"`, `"Backspace"`,
/// `"Escape"`, `"Enter"`, `"Tab"`, `"Home"`, `"End"`, `"PageUp"`, `"PageDown"`,
/// `"ArrowLeft"`…, `"Space"`, `"F1"`–`"F12"`, `"Control"`…) or a single character.
pub fn key_char(name: &str) -> Result<char> {
    let k = match name {
        "ArrowRight" | "Right" => Key::Right,
        "ArrowLeft" | "Left" => Key::Left,
        "ArrowUp" | "Up" => Key::Up,
        "ArrowDown" | "Down" => Key::Down,
        "Delete" | "Del" => Key::Delete,
        "Backspace" => Key::Backspace,
        "Escape" | "Esc" => Key::Escape,
        "Enter" | "Return" => Key::Enter,
        "Tab" => Key::Tab,
        "Home" => Key::Home,
        "End" => Key::End,
        "PageUp" => Key::PageUp,
        "PageDown" => Key::PageDown,
        "Insert" => Key::Insert,
        "Space" => Key::Space,
        "Control" | "Ctrl" => Key::Control,
        "Shift" => Key::Shift,
        "Alt" => Key::Alt,
        "Meta" => Key::Meta,
        "F1" => Key::F1,
        "F2" => Key::F2,
        "F3" => Key::F3,
        "F4" => Key::F4,
        "F5" => Key::F5,
        "F6" => Key::F6,
        "F7" => Key::F7,
        "F8" => Key::F8,
        "F9" => Key::F9,
        "F10" => Key::F10,
        "F11" => Key::F11,
        "F12" => Key::F12,
        _ => {
            let mut chars = name.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => return Ok(c),
                _ => bail!("unknown key `{name}`: use a DOM key name or one character"),
            }
        }
    };
    Ok(k.into())
}

// ------------------------------------------------------------------ browser

/// A point in viewport (CSS pixel) coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// A file the browser downloaded.
#[derive(Clone, Debug)]
pub struct Download {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

impl Download {
    /// The contents as UTF-8 (an error if they are not).
    pub fn text(&self) -> Result<String> {
        Ok(String::from_utf8(self.bytes.clone())?)
    }
    /// The contents parsed as JSON.
    pub fn json(&self) -> Result<Value> {
        Ok(serde_json::from_slice(&self.bytes)?)
    }
}

/// One accessibility rule broken on the page (axe-core), serious or critical.
#[derive(Clone, Debug)]
pub struct AxeViolation {
    pub id: String,
    pub impact: String,
    pub help: String,
    pub help_url: String,
    /// CSS selectors of the offending nodes, each with its HTML snippet.
    pub nodes: Vec<String>,
}

/// axe-core's serious and critical violations.
#[derive(Clone, Debug, Default)]
pub struct AxeReport {
    pub violations: Vec<AxeViolation>,
}

impl AxeReport {
    pub fn is_clean(&self) -> bool {
        self.violations.is_empty()
    }
    /// Whether a rule (e.g. `"color-contrast"`) is among the violations.
    pub fn has(&self, rule_id: &str) -> bool {
        self.violations.iter().any(|v| v.id == rule_id)
    }
}

impl fmt::Display for AxeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.violations.is_empty() {
            return write!(f, "axe: no serious or critical violations");
        }
        writeln!(
            f,
            "axe: {} serious/critical violation(s):",
            self.violations.len()
        )?;
        for v in &self.violations {
            writeln!(f, "- [{}] {}: {} ({})", v.impact, v.id, v.help, v.help_url)?;
            for n in v.nodes.iter().take(5) {
                writeln!(f, "    at {n}")?;
            }
            if v.nodes.len() > 5 {
                writeln!(f, "    … and {} more", v.nodes.len() - 5)?;
            }
        }
        Ok(())
    }
}

/// One WebDriver session on a fresh headless Chromium profile.
pub struct Browser {
    client: Client,
    session_id: String,
    driver: &'static Driver,
    temp: PathBuf,
    downloads: PathBuf,
    closed: bool,
}

/// JS: code point `cp` of the article → the DOM (text node, UTF-16 offset)
/// of the character there, via `span.mg-run[data-s][data-e]`.
const JS_CP_HELPERS: &str = r#"
const root = document.querySelector(arguments[0]);
if (!root) throw new Error('no element matches ' + arguments[0]);
function runAt(cp) {
  for (const r of root.querySelectorAll('.mg-run')) {
    const s = Number(r.dataset.s), e = Number(r.dataset.e);
    if (s <= cp && cp < e) return r;
  }
  throw new Error('no .mg-run holds code point ' + cp);
}
function u16(text, k) {
  let i = 0;
  for (let n = 0; n < k; n++) {
    if (i >= text.length) throw new Error('code point ' + k + ' is past the run text');
    i += text.codePointAt(i) > 0xffff ? 2 : 1;
  }
  return i;
}
function charRange(cp) {
  const run = runAt(cp);
  const node = run.firstChild;
  if (!node || node.nodeType !== Node.TEXT_NODE) throw new Error('run ' + run.dataset.s + ' has no text node');
  const k = cp - Number(run.dataset.s);
  const range = document.createRange();
  range.setStart(node, u16(node.data, k));
  range.setEnd(node, u16(node.data, k + 1));
  return [run, range];
}
"#;

impl Browser {
    /// A new session: fresh profile, fresh download directory.
    pub async fn new() -> Result<Browser> {
        let driver = driver()?;
        let chromium = chromium_path();
        if !chromium.exists() {
            bail!("{} is missing: run `cargo xtask setup`", chromium.display());
        }
        let temp = fresh_temp_dir("session")?;
        let profile = temp.join("profile");
        let downloads = temp.join("downloads");
        fs::create_dir_all(&profile)?;
        fs::create_dir_all(&downloads)?;
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|s| s.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": args,
                "prefs": {
                    "download.default_directory": downloads,
                    "download.prompt_for_download": false,
                    "download.directory_upgrade": true,
                    "safebrowsing.enabled": false,
                },
            },
            "goog:loggingPrefs": { "browser": "ALL" },
        });
        let Value::Object(caps) = caps else {
            unreachable!()
        };
        let caps: Capabilities = caps;
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://{}", driver.addr))
            .await
            .map_err(|e| {
                let log = fs::read_to_string(&driver.log).unwrap_or_default();
                format!("cannot start a Chromium session: {e}\nchromedriver log:\n{log}")
            })?;
        let session_id = client.session_id().await?.unwrap_or_default();
        let browser = Browser {
            client,
            session_id,
            driver,
            temp,
            downloads,
            closed: false,
        };
        // The prefs above suffice for headless=new (checked with Chromium 156);
        // this is a best-effort second line for versions that ignore them.
        let _ = browser
            .cdp(
                "Browser.setDownloadBehavior",
                json!({ "behavior": "allow", "downloadPath": browser.downloads, "eventsEnabled": false }),
            )
            .await;
        Ok(browser)
    }

    /// The fantoccini client, for anything the helpers do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Ends the session and removes its profile and downloads.
    pub async fn close(mut self) -> Result {
        self.closed = true;
        let r = self.client.clone().close().await;
        let _ = fs::remove_dir_all(&self.temp);
        Ok(r?)
    }

    // -------------------------------------------------------------- navigation

    /// The app's URL (`http://127.0.0.1:PORT/`).
    pub fn app_url(&self) -> String {
        Server::app().url()
    }

    /// Opens `url`.
    pub async fn goto(&self, url: &str) -> Result {
        Ok(self.client.goto(url).await?)
    }

    /// Opens the app and waits until `#mg-article .mg-par` exists (or fails
    /// at once when `#mg-crash` shows).
    pub async fn goto_app(&self) -> Result {
        self.goto(&self.app_url()).await?;
        self.wait_for_app().await
    }

    /// Opens `path` (e.g. `"?doc=x"` or `"other.html"`) relative to the app's
    /// URL, without waiting for the article.
    pub async fn goto_app_path(&self, path: &str) -> Result {
        let url = format!("{}{}", self.app_url(), path.trim_start_matches('/'));
        self.goto(&url).await
    }

    /// Waits until the article has a paragraph; an error if the crash banner shows.
    pub async fn wait_for_app(&self) -> Result {
        let deadline = Instant::now() + APP_TIMEOUT;
        loop {
            let state = self
                .execute(
                    "const c = document.getElementById('mg-crash');
                     if (c && !c.hidden && c.textContent.trim()) return 'crash: ' + c.textContent;
                     // The standalone page's API comes with its first render.
                     const api = document.getElementById('mg-root') && window.marginalia;
                     if (api && typeof api.getAnnotations !== 'function') return 'wait';
                     return document.querySelector('#mg-article .mg-par') ? 'ready' : 'wait';",
                    vec![],
                )
                .await?;
            match state.as_str() {
                Some("ready") => return Ok(()),
                Some(s) if s.starts_with("crash") => bail!("the app crashed: {s}"),
                _ => {}
            }
            if Instant::now() > deadline {
                let console = self.console_messages().await.unwrap_or_default().join("\n");
                bail!(
                    "`#mg-article .mg-par` did not appear in {APP_TIMEOUT:?}; console:\n{console}"
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Reloads the page (the session, profile and localStorage stay).
    pub async fn reload(&self) -> Result {
        Ok(self.client.refresh().await?)
    }

    /// Reloads and waits for the app's article, like [`Browser::goto_app`].
    pub async fn reload_app(&self) -> Result {
        self.reload().await?;
        self.wait_for_app().await
    }

    // -------------------------------------------------------------- finding

    /// Waits (up to [`DEFAULT_TIMEOUT`]) for an element matching `css`.
    pub async fn wait_for(&self, css: &str) -> Result<Element> {
        self.wait_for_within(css, DEFAULT_TIMEOUT).await
    }

    pub async fn wait_for_within(&self, css: &str, timeout: Duration) -> Result<Element> {
        self.client
            .wait()
            .at_most(timeout)
            .every(Duration::from_millis(50))
            .for_element(Locator::Css(css))
            .await
            .map_err(|e| format!("no element matches `{css}` after {timeout:?}: {e}").into())
    }

    /// Waits until no element matches `css`.
    pub async fn wait_for_gone(&self, css: &str) -> Result {
        let js = format!("return !document.querySelector({});", json!(css));
        self.wait_until(&js, DEFAULT_TIMEOUT)
            .await
            .map(|_| ())
            .map_err(|_| format!("`{css}` still present after {DEFAULT_TIMEOUT:?}").into())
    }

    /// Polls the JS function body `js` (it must `return` a value) until it
    /// returns something truthy; returns that value.
    pub async fn wait_until(&self, js: &str, timeout: Duration) -> Result<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let v = self.execute(js, vec![]).await?;
            let truthy = match &v {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::Number(n) => n.as_f64() != Some(0.0),
                Value::String(s) => !s.is_empty(),
                _ => true,
            };
            if truthy {
                return Ok(v);
            }
            if Instant::now() > deadline {
                bail!("condition not met after {timeout:?}: {js}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The first element matching `css`, now (no waiting).
    pub async fn find(&self, css: &str) -> Result<Element> {
        self.client
            .find(Locator::Css(css))
            .await
            .map_err(|e| format!("no element matches `{css}`: {e}").into())
    }

    /// How many elements match `css` now.
    pub async fn count(&self, css: &str) -> Result<usize> {
        Ok(self.client.find_all(Locator::Css(css)).await?.len())
    }

    /// The rendered text (`innerText`) of the first element matching `css` (waits for it).
    pub async fn text_of(&self, css: &str) -> Result<String> {
        Ok(self.wait_for(css).await?.text().await?)
    }

    /// The rendered texts of all elements matching `css` now, in document order.
    pub async fn texts_of(&self, css: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for e in self.client.find_all(Locator::Css(css)).await? {
            out.push(e.text().await?);
        }
        Ok(out)
    }

    /// An attribute of the first element matching `css` (waits for it).
    pub async fn attr(&self, css: &str, name: &str) -> Result<Option<String>> {
        Ok(self.wait_for(css).await?.attr(name).await?)
    }

    // -------------------------------------------------------------- input

    /// Clicks the first element matching `css` (waits for it) with a real
    /// WebDriver click at its centre.
    pub async fn click(&self, css: &str) -> Result {
        self.wait_for(css)
            .await?
            .click()
            .await
            .map_err(|e| format!("cannot click `{css}`: {e}").into())
    }

    /// Presses and releases one key (see [`key_char`] for names).
    pub async fn press(&self, key: &str) -> Result {
        self.press_with(&[], key).await
    }

    /// Presses `key` while holding `mods` (e.g. `&[Mod::Ctrl, Mod::Shift], "z"`).
    pub async fn press_with(&self, mods: &[Mod], key: &str) -> Result {
        let k = key_char(key)?;
        let mut seq = KeyActions::new("keyboard".into());
        for m in mods {
            seq = seq.then(KeyAction::Down { value: m.key() });
        }
        seq = seq
            .then(KeyAction::Down { value: k })
            .then(KeyAction::Up { value: k });
        for m in mods.iter().rev() {
            seq = seq.then(KeyAction::Up { value: m.key() });
        }
        self.client.perform_actions(seq).await?;
        Ok(self.client.release_actions().await?)
    }

    /// Types `text` into whatever has focus, one key per character.
    pub async fn type_text(&self, text: &str) -> Result {
        let mut seq = KeyActions::new("keyboard".into());
        for c in text.chars() {
            seq = seq
                .then(KeyAction::Down { value: c })
                .then(KeyAction::Up { value: c });
        }
        self.client.perform_actions(seq).await?;
        Ok(self.client.release_actions().await?)
    }

    /// Types `text` into the element matching `css` (WebDriver Send Keys: it
    /// focuses the element first).
    pub async fn send_keys(&self, css: &str, text: &str) -> Result {
        Ok(self.wait_for(css).await?.send_keys(text).await?)
    }

    /// Sets the file of `<input type=file>` matching `input_css` (the input
    /// may be hidden), as a person choosing it in the file dialog.
    pub async fn upload_file(&self, input_css: &str, path: impl AsRef<Path>) -> Result {
        let path = path.as_ref();
        let abs = path
            .canonicalize()
            .map_err(|e| format!("cannot upload {}: {e}", path.display()))?;
        let input = self.find(input_css).await?;
        input
            .send_keys(&abs.to_string_lossy())
            .await
            .map_err(|e| format!("cannot set file on `{input_css}`: {e}").into())
    }

    // -------------------------------------------------------------- mouse & selection

    /// Viewport points for selecting article code points `start_cp..end_cp`
    /// inside the element matching `root_css`: a point in the left quarter of
    /// the character at `start_cp`, and one in the right quarter of the
    /// character at `end_cp - 1`. Clears the current selection (a press inside
    /// it would drag the selected text) and scrolls the start into view first.
    pub async fn selection_points(
        &self,
        root_css: &str,
        start_cp: usize,
        end_cp: usize,
    ) -> Result<(Point, Point)> {
        if end_cp <= start_cp {
            bail!("empty selection {start_cp}..{end_cp}");
        }
        let js = format!(
            "{JS_CP_HELPERS}
            // Pressing inside an existing selection would drag that text instead.
            if (arguments[3]) window.getSelection().removeAllRanges();
            const [startRun, a] = charRange(arguments[1]);
            startRun.scrollIntoView({{block: 'center', inline: 'nearest'}});
            const [, b] = charRange(arguments[2] - 1);
            const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
            const inView = r => r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth;
            if (!inView(ra) || !inView(rb)) throw new Error('selection ' + arguments[1] + '..' + arguments[2] + ' does not fit in the viewport');
            return [ra.left + ra.width * 0.25, ra.top + ra.height / 2, rb.right - rb.width * 0.25, rb.top + rb.height / 2];"
        );
        let v = self
            .execute(
                &js,
                vec![json!(root_css), json!(start_cp), json!(end_cp), json!(true)],
            )
            .await?;
        let n: Vec<f64> = v
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default();
        if n.len() != 4 {
            bail!("unexpected selection points {v}");
        }
        Ok((Point { x: n[0], y: n[1] }, Point { x: n[2], y: n[3] }))
    }

    /// Drags the mouse from `from` to `to` (press, move in steps, release),
    /// holding `mods` throughout.
    pub async fn drag(&self, from: Point, to: Point, mods: &[Mod]) -> Result {
        const STEPS: usize = 5;
        let step = Some(Duration::from_millis(25));
        let pause = || PointerAction::Pause {
            duration: Duration::ZERO,
        };
        // Tick by tick, the keyboard presses each modifier while the mouse
        // waits, both act in the middle, and the keyboard releases the
        // modifiers after the button is up.
        let mut mouse = MouseActions::new("mouse".into());
        for _ in mods {
            mouse = mouse.then(pause());
        }
        mouse = mouse
            .then(PointerAction::MoveTo {
                duration: Some(Duration::ZERO),
                x: from.x,
                y: from.y,
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            });
        for i in 1..=STEPS {
            let t = i as f64 / STEPS as f64;
            mouse = mouse.then(PointerAction::MoveTo {
                duration: step,
                x: from.x + (to.x - from.x) * t,
                y: from.y + (to.y - from.y) * t,
            });
        }
        mouse = mouse.then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
        for _ in mods {
            mouse = mouse.then(pause());
        }
        let mut actions = fantoccini::actions::Actions::from(mouse);
        if !mods.is_empty() {
            let mut keys = KeyActions::new("keyboard".into());
            for m in mods {
                keys = keys.then(KeyAction::Down { value: m.key() });
            }
            for _ in 0..STEPS + 3 {
                keys = keys.then(KeyAction::Pause {
                    duration: Duration::ZERO,
                });
            }
            for m in mods.iter().rev() {
                keys = keys.then(KeyAction::Up { value: m.key() });
            }
            actions = actions.and(keys);
        }
        self.client.perform_actions(actions).await?;
        Ok(self.client.release_actions().await?)
    }

    /// Selects article code points `start_cp..end_cp` with the real mouse
    /// (within `#mg-article`).
    pub async fn drag_select(&self, start_cp: usize, end_cp: usize) -> Result {
        self.drag_select_with(&[], start_cp, end_cp).await
    }

    /// [`Browser::drag_select`] with Alt held (character precision in the app).
    pub async fn drag_select_with_alt(&self, start_cp: usize, end_cp: usize) -> Result {
        self.drag_select_with(&[Mod::Alt], start_cp, end_cp).await
    }

    /// [`Browser::drag_select`] holding any modifiers.
    pub async fn drag_select_with(&self, mods: &[Mod], start_cp: usize, end_cp: usize) -> Result {
        self.drag_select_in("#mg-article", mods, start_cp, end_cp)
            .await
    }

    /// Drag-selects code points `start_cp..end_cp` of the `.mg-run`s inside
    /// the element matching `root_css` (for pages other than the app).
    pub async fn drag_select_in(
        &self,
        root_css: &str,
        mods: &[Mod],
        start_cp: usize,
        end_cp: usize,
    ) -> Result {
        let (a, b) = self.selection_points(root_css, start_cp, end_cp).await?;
        self.drag(a, b, mods).await
    }

    /// `window.getSelection().toString()`.
    pub async fn selection_text(&self) -> Result<String> {
        let v = self
            .execute("return window.getSelection().toString();", vec![])
            .await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    // -------------------------------------------------------------- scripts

    /// Runs the JS function body `js` (use `arguments[i]`, `return`) and
    /// returns its JSON result.
    pub async fn execute(&self, js: &str, args: Vec<Value>) -> Result<Value> {
        Ok(self.client.execute(js, args).await?)
    }

    /// Runs async JS: the body gets a callback as its last argument.
    pub async fn execute_async(&self, js: &str, args: Vec<Value>) -> Result<Value> {
        Ok(self.client.execute_async(js, args).await?)
    }

    /// Sends a Chrome DevTools Protocol command through chromedriver.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Result<Value> {
        Ok(self
            .client
            .issue_cmd(SessionPost {
                path: "goog/cdp/execute",
                body: json!({ "cmd": cmd, "params": params }),
            })
            .await?)
    }

    /// The browser console messages since the last call (`LEVEL message`).
    pub async fn console_messages(&self) -> Result<Vec<String>> {
        let v = self
            .client
            .issue_cmd(SessionPost {
                path: "se/log",
                body: json!({ "type": "browser" }),
            })
            .await?;
        Ok(v.as_array()
            .map(|a| {
                a.iter()
                    .map(|e| {
                        format!(
                            "{} {}",
                            e["level"].as_str().unwrap_or("?"),
                            e["message"].as_str().unwrap_or("")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Saves a PNG screenshot of the viewport to `path`.
    pub async fn screenshot(&self, path: impl AsRef<Path>) -> Result {
        let png = self.client.screenshot().await?;
        Ok(fs::write(path, png)?)
    }

    // -------------------------------------------------------------- downloads

    /// This session's download directory.
    pub fn download_dir(&self) -> &Path {
        &self.downloads
    }

    /// Waits for a completed download whose file name matches `name_glob`
    /// (`*` and `?` wildcards) and returns it.
    pub async fn downloaded_file(&self, name_glob: &str, timeout: Duration) -> Result<Download> {
        let deadline = Instant::now() + timeout;
        let mut last_size: Option<(PathBuf, u64)> = None;
        loop {
            let mut found = None;
            for entry in fs::read_dir(&self.downloads)? {
                let entry = entry?;
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.ends_with(".crdownload") || name.starts_with(".com.google.Chrome") {
                    continue;
                }
                if glob_match(name_glob, &name) {
                    found = Some((entry.path(), entry.metadata()?.len()));
                    break;
                }
            }
            if let Some((path, size)) = found {
                // Done when the size held still for one poll.
                if last_size.as_ref() == Some(&(path.clone(), size)) {
                    let bytes = fs::read(&path)?;
                    return Ok(Download { path, bytes });
                }
                last_size = Some((path, size));
            }
            if Instant::now() > deadline {
                let names: Vec<String> = fs::read_dir(&self.downloads)?
                    .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
                    .collect();
                bail!("no download matching `{name_glob}` after {timeout:?}; download dir holds {names:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    // -------------------------------------------------------------- accessibility

    /// Runs axe-core on the page; returns the serious and critical violations.
    pub async fn run_axe(&self) -> Result<AxeReport> {
        self.run_axe_with(json!(null)).await
    }

    /// [`Browser::run_axe`] with axe `options` (e.g. `{"rules": {"region": {"enabled": false}}}`),
    /// and `context` (axe's include/exclude) to check part of the page.
    pub async fn run_axe_with(&self, options: Value) -> Result<AxeReport> {
        let has_axe = self
            .execute("return typeof window.axe === 'object';", vec![])
            .await?;
        if has_axe != Value::Bool(true) {
            let path = axe_path();
            let src = fs::read_to_string(&path).map_err(|e| {
                format!(
                    "cannot read axe-core at {}: {e} (run `cargo xtask setup`)",
                    path.display()
                )
            })?;
            self.execute(&format!("{src}\n;return typeof window.axe;"), vec![])
                .await?;
        }
        let v = self
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const opts = Object.assign({resultTypes: ['violations']}, arguments[0] || {});
                 // `context` (axe's include/exclude) limits the check to part of the page.
                 const context = opts.context || document;
                 delete opts.context;
                 axe.run(context, opts).then(r => done(r.violations.map(v => ({
                     id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
                     nodes: v.nodes.map(n => n.target.join(' ') + '  ' + n.html.slice(0, 120)),
                 })))).catch(e => done({error: String(e)}));",
                vec![options],
            )
            .await?;
        if let Some(e) = v.get("error") {
            bail!("axe failed: {e}");
        }
        let violations = v
            .as_array()
            .ok_or_else(|| format!("unexpected axe result {v}"))?
            .iter()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
            .map(|v| AxeViolation {
                id: v["id"].as_str().unwrap_or("").into(),
                impact: v["impact"].as_str().unwrap_or("").into(),
                help: v["help"].as_str().unwrap_or("").into(),
                help_url: v["helpUrl"].as_str().unwrap_or("").into(),
                nodes: v["nodes"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|n| n.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect();
        Ok(AxeReport { violations })
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.closed && !self.session_id.is_empty() {
            // Blocking and best effort: end the session so its Chromium quits now.
            let _ = http_request(
                self.driver.addr,
                "DELETE",
                &format!("/session/{}", self.session_id),
                None,
            );
        }
        let _ = fs::remove_dir_all(&self.temp);
    }
}

/// Shell-style glob with `*` (any run) and `?` (one character).
pub fn glob_match(glob: &str, name: &str) -> bool {
    let g: Vec<char> = glob.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut gi, mut ni) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ni < n.len() {
        if gi < g.len() && (g[gi] == '?' || g[gi] == n[ni]) {
            gi += 1;
            ni += 1;
        } else if gi < g.len() && g[gi] == '*' {
            star = Some(gi);
            mark = ni;
            gi += 1;
        } else if let Some(s) = star {
            gi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    g[gi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("*.marginalia.json", "doc-1.marginalia.json"));
        assert!(glob_match("a?c", "abc"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("*.json", "x.json.crdownload"));
        assert!(!glob_match("a?c", "ac"));
    }

    #[test]
    fn keys() {
        assert_eq!(key_char("ArrowRight").unwrap(), '\u{e014}');
        assert_eq!(key_char("Delete").unwrap(), '\u{e017}');
        assert_eq!(key_char("p").unwrap(), 'p');
        assert!(key_char("Nope").is_err());
    }
}
