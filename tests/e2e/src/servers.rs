//! The HTTP servers of a test process, started on first use on
//! `127.0.0.1:<free port>` and kept until the process ends:
//! - the app: the real team server (`marginalia_server`, on SQLite in a
//!   temporary directory, with its demo project) serving the built widget
//!   at `/` and its pages at `/team/` — what `cargo xtask serve` runs;
//! - any other directory (host pages, the benchmark's site), served by
//!   tower-http's `ServeDir`, never cached.
//!
//! Both carry the test-only stand-ins on their own origin: a CMS's storage
//! at `/api/annotations/` (`save_stand_in.rs`, shared by every server of
//! the process, see [`Server::save_endpoint`]) and a model's suggestions at
//! `/api/suggest` (`suggest_stand_in.rs`). They run on a runtime of their
//! own, since each test's runtime ends with the test.

use crate::save_stand_in::{self, SaveEndpoint};
use crate::suggest_stand_in;
use axum::http::{header, HeaderValue};
use axum::response::Response;
use axum::Router;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use tower_http::services::ServeDir;

/// A running server. Dropping it does not stop it.
#[derive(Debug, Clone)]
pub struct Site {
    addr: SocketAddr,
    root: PathBuf,
}

impl Site {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The directory served at `/`.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `http://127.0.0.1:PORT/` (always with the trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }
}

/// The HTTP servers of this test process.
pub struct Server;

impl Server {
    /// `dir` served as a CDN serves a widget: each file's precompressed
    /// sibling to a browser that accepts it (`x.js.br`, Brotli, before
    /// `x.js.gz`), cacheable for an hour,
    /// open to every origin. The benchmark's first-mount runs use it, for
    /// every widget alike.
    pub fn serve_as_a_cdn(dir: impl AsRef<Path>) -> &'static Site {
        static SERVERS: Servers = OnceLock::new();
        serve_once(&SERVERS, dir.as_ref(), |dir| {
            let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
            Router::new().fallback_service(files).layer(axum::middleware::map_response(cached_an_hour))
        })
    }

    /// The team server over the built app (`dist_dir()`), started on first
    /// use. Panics with a hint when the app has not been built.
    pub fn app() -> &'static Site {
        static APP: OnceLock<Site> = OnceLock::new();
        APP.get_or_init(|| {
            let dist = crate::dist_dir();
            assert!(
                dist.join("index.html").is_file(),
                "{} has no index.html: build the app first (`cargo xtask build`, or \
                 `cargo xtask test`, which sets MARGINALIA_DIST)",
                dist.display()
            );
            start_team(&dist).unwrap_or_else(|e| panic!("the team server did not start: {e}"))
        })
    }

    /// The CMS stand-in mounted at `/api/annotations/` on every server of
    /// this process (same origin as the app). Tests share it: each uses its
    /// own document path.
    pub fn save_endpoint() -> &'static Arc<SaveEndpoint> {
        static ENDPOINT: OnceLock<Arc<SaveEndpoint>> = OnceLock::new();
        ENDPOINT.get_or_init(SaveEndpoint::new)
    }

    /// A server over any directory (one per directory per process), started
    /// on first use.
    pub fn serve(dir: impl AsRef<Path>) -> &'static Site {
        static SERVERS: Servers = OnceLock::new();
        serve_once(&SERVERS, dir.as_ref(), |dir| {
            let files = Router::new().fallback_service(ServeDir::new(dir)).layer(axum::middleware::map_response(never_cached));
            stand_ins().merge(files)
        })
    }
}

async fn cached_an_hour(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    response
}

/// Servers started so far, one per directory.
type Servers = OnceLock<Mutex<HashMap<PathBuf, &'static Site>>>;

/// The server `servers` holds for `dir`, started with `app(dir)` the first
/// time.
fn serve_once(servers: &'static Servers, dir: &Path, app: impl FnOnce(&Path) -> Router) -> &'static Site {
    let key = dir.canonicalize().unwrap_or_else(|e| panic!("cannot serve {}: {e}", dir.display()));
    let mut servers = servers.get_or_init(Default::default).lock().unwrap();
    servers.entry(key.clone()).or_insert_with(|| {
        let addr = listen(app(&key)).unwrap_or_else(|e| panic!("cannot serve {}: {e}", key.display()));
        Box::leak(Box::new(Site { addr, root: key.clone() }))
    })
}

/// The test-only routes every server carries.
fn stand_ins() -> Router {
    save_stand_in::routes(Server::save_endpoint().clone()).merge(suggest_stand_in::routes())
}

async fn never_cached(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The runtime the servers run on, for the whole process.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("e2e-servers")
            .enable_all()
            .build()
            .expect("a runtime for the test servers")
    })
}

/// A listener on a free port of 127.0.0.1, for the servers' runtime.
fn bind() -> std::io::Result<tokio::net::TcpListener> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let _entered = runtime().enter();
    tokio::net::TcpListener::from_std(listener)
}

/// Serves `app` on a free port until the process ends.
fn listen(app: Router) -> std::io::Result<SocketAddr> {
    let listener = bind()?;
    let addr = listener.local_addr()?;
    runtime().spawn(serve_until_exit(listener, app));
    Ok(addr)
}

async fn serve_until_exit(listener: tokio::net::TcpListener, app: Router) {
    let addr = listener.local_addr();
    if let Err(e) = axum::serve(listener, app).await {
        eprintln!("the test server on {addr:?} stopped: {e}");
    }
}

/// The team server (a new SQLite database, with the demo project) serving
/// `dist` at `/`, and the stand-ins.
fn start_team(dist: &Path) -> crate::Result<Site> {
    let listener = bind()?;
    let addr = listener.local_addr()?;
    let url = marginalia_server::db::sqlite_url(&team_database()?);
    let settings = marginalia_server::Settings { static_dir: Some(dist.to_path_buf()), ..Default::default() };
    let (tx, rx) = std::sync::mpsc::channel();
    runtime().spawn(async move {
        match marginalia_server::open(&url).await {
            Ok(db) => {
                let _ = tx.send(Ok(()));
                serve_until_exit(listener, stand_ins().merge(marginalia_server::app(db, settings, addr))).await;
            }
            Err(e) => {
                let _ = tx.send(Err(e));
            }
        }
    });
    rx.recv()??;
    Ok(Site { addr, root: dist.to_path_buf() })
}

/// A new database file for this process's team server, in a directory
/// named after the process; directories of processes that have ended are
/// removed first (a server lives as long as its process, so nothing else
/// removes them).
fn team_database() -> crate::Result<PathBuf> {
    const PREFIX: &str = "marginalia-e2e-team-";
    let temp = std::env::temp_dir();
    for entry in std::fs::read_dir(&temp)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let ended = name.strip_prefix(PREFIX).is_some_and(|pid| !Path::new("/proc").join(pid).exists());
        if ended {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    let dir = temp.join(format!("{PREFIX}{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir.join("team.db"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Hang;
    use std::io::{Read, Write};
    use std::time::{Duration, Instant};

    /// A site over a small directory of its own.
    fn site() -> &'static Site {
        let dir = crate::fresh_temp_dir("site").unwrap();
        std::fs::write(dir.join("index.html"), "<p>home</p>").unwrap();
        std::fs::write(dir.join("app_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
        Server::serve(&dir)
    }

    /// Everything the server sends back for one request (the connection is closed after it).
    fn exchange(site: &Site, method: &str, target: &str) -> String {
        let mut stream = std::net::TcpStream::connect(site.addr()).unwrap();
        write!(stream, "{method} {target} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        String::from_utf8_lossy(&answer).into_owned()
    }

    #[test]
    fn serves_files_with_content_types_never_cached() {
        let site = site();
        let index = exchange(site, "GET", "/?q=1");
        assert!(index.starts_with("HTTP/1.1 200 OK"), "{index}");
        assert!(index.contains("content-type: text/html"), "{index}");
        assert!(index.contains("cache-control: no-store"), "{index}");
        assert!(index.ends_with("<p>home</p>"), "{index}");
        assert!(exchange(site, "GET", "/app_bg.wasm").contains("content-type: application/wasm"));
        assert!(exchange(site, "GET", "/nope.js").starts_with("HTTP/1.1 404"));
        assert!(exchange(site, "GET", "/../etc/passwd").starts_with("HTTP/1.1 404"));
    }

    #[test]
    fn the_stand_ins_answer_on_the_same_origin() {
        let site = site();
        assert!(exchange(site, "GET", "/api/annotations/servers-none").starts_with("HTTP/1.1 404"));
        assert!(exchange(site, "POST", "/api/suggest").starts_with("HTTP/1.1 400"), "not JSON");
    }

    #[test]
    fn a_failure_with_status_0_closes_the_connection_with_no_answer() {
        let site = site();
        assert!(exchange(site, "POST", "/api/annotations/__fail?status=0&doc=servers-closed").starts_with("HTTP/1.1 200"));
        assert_eq!(exchange(site, "GET", "/api/annotations/servers-closed"), "", "not a byte");
        assert!(exchange(site, "GET", "/api/annotations/servers-closed").starts_with("HTTP/1.1 404"), "once");
    }

    #[test]
    fn a_held_request_is_closed_unanswered_when_the_hang_is_lifted() {
        let site = site();
        let endpoint = Server::save_endpoint();
        endpoint.hang(Some("servers-held"), Hang::Hold);
        let held = std::thread::spawn(|| exchange(site, "GET", "/api/annotations/servers-held"));
        let deadline = Instant::now() + Duration::from_secs(20);
        while endpoint.held() == 0 {
            assert!(Instant::now() < deadline, "the request never reached the stand-in");
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(!held.is_finished(), "held with no answer");
        endpoint.hang(Some("servers-held"), Hang::Off);
        assert_eq!(held.join().unwrap(), "", "closed with not a byte");
        assert!(exchange(site, "GET", "/api/annotations/servers-held").starts_with("HTTP/1.1 404"), "answering again");
    }
}
