//! A tiny static file server over one directory, std only.
//!
//! Used by `cargo xtask serve` to serve Trunk's `dist/`, and compiled into the
//! end-to-end harness (`tests/e2e/src/lib.rs` includes this very file with
//! `#[path]`), so the app is served the same way by hand and under test.
//!
//! - Binds where it is told (tests use `127.0.0.1:0`, a free port); serves
//!   `GET` and `HEAD`; one thread per connection; `Connection: close`.
//! - `/` and directories map to their `index.html`; the query and fragment are
//!   ignored; percent-escapes are decoded; a path that leaves the root (`..`)
//!   or names a missing file is a 404.
//! - Content types come from the extension, `.wasm` as `application/wasm`
//!   (required by `WebAssembly.instantiateStreaming`); nothing is cached.
//! - The server lives until the process exits: there is nothing to shut down.
//! - An optional [`ApiHandler`] answers requests first (any method, with
//!   headers and body); what it declines is served from the directory. The
//!   reference save endpoint (`save_endpoint.rs`) is mounted this way, on
//!   the app's own origin.

// Shared by two crates, each of which uses part of it.
#![allow(dead_code)]

use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// A request as an [`ApiHandler`] sees it. Header names are lower case.
#[derive(Debug, Clone)]
pub struct HttpRequest {
    pub method: String,
    /// The path and query, as sent (`/api/annotations/doc1?x=1`).
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split(['?', '#']).next().unwrap_or("")
    }

    /// A query parameter's raw value.
    pub fn query(&self, name: &str) -> Option<&str> {
        let query = self.target.split_once('?')?.1;
        query.split('&').find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
    }
}

/// An [`ApiHandler`]'s answer. `status == 0` closes the connection without
/// a response, as a network failure would.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        HttpResponse { status, headers: vec![("Content-Type".into(), content_type.into())], body: body.into() }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// Answers the requests it owns (`Some`), declines the rest (`None`).
pub type ApiHandler = Arc<dyn Fn(&HttpRequest) -> Option<HttpResponse> + Send + Sync>;

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        428 => "Precondition Required",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// The largest request body read (a record of a long article fits easily).
const MAX_BODY: usize = 32 * 1024 * 1024;

/// A running server. Dropping it does not stop it.
#[derive(Debug, Clone)]
pub struct StaticServer {
    addr: SocketAddr,
    root: PathBuf,
}

impl StaticServer {
    /// Serves `root` on `bind` (e.g. `"127.0.0.1:0"` for a free port) from a
    /// background thread. With `log`, each request is printed to stderr.
    pub fn start(root: impl Into<PathBuf>, bind: &str, log: bool) -> io::Result<StaticServer> {
        Self::start_with_api(root, bind, log, None)
    }

    /// Like [`StaticServer::start`], with `api` answering first.
    pub fn start_with_api(
        root: impl Into<PathBuf>,
        bind: &str,
        log: bool,
        api: Option<ApiHandler>,
    ) -> io::Result<StaticServer> {
        let root: PathBuf = root.into();
        let root = root.canonicalize().map_err(|e| {
            io::Error::new(e.kind(), format!("cannot serve {}: {e}", root.display()))
        })?;
        let listener = TcpListener::bind(bind)?;
        let addr = listener.local_addr()?;
        let served = root.clone();
        thread::Builder::new()
            .name(format!("static-server-{}", addr.port()))
            .spawn(move || {
                for stream in listener.incoming() {
                    let Ok(stream) = stream else { continue };
                    let root = served.clone();
                    let api = api.clone();
                    let _ = thread::Builder::new()
                        .name("static-conn".into())
                        .spawn(move || {
                            let _ = handle(stream, &root, log, api.as_ref());
                        });
                }
            })?;
        Ok(StaticServer { addr, root })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `http://127.0.0.1:PORT/` (always with the trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }
}

/// The `Content-Type` for a file, by extension.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "jsonld" => "application/ld+json",
        "webmanifest" => "application/manifest+json",
        "txt" | "md" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        _ => "application/octet-stream",
    }
}

/// Maps a request target (`/a/b%20c.js?x#y`) to a file under `root`, or `None`
/// when it would leave the root or does not exist.
pub fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path)?;
    let mut out = root.to_path_buf();
    for comp in Path::new(decoded.trim_start_matches('/')).components() {
        match comp {
            Component::Normal(c) => out.push(c),
            Component::CurDir => {}
            // `..`, a second root or a prefix: never leave the served directory.
            _ => return None,
        }
    }
    if out.is_dir() {
        out.push("index.html");
    }
    out.is_file().then_some(out)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let out = String::from_utf8(out).ok()?;
    (!out.contains('\0')).then_some(out)
}

fn handle(stream: TcpStream, root: &Path, log: bool, api: Option<&ApiHandler>) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Read the headers (bounded).
    let mut headers = Vec::new();
    let mut header_bytes = 0usize;
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line)?;
        header_bytes += n;
        if n == 0 || line == "\r\n" || line == "\n" || header_bytes > 64 * 1024 {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let mut stream = stream;

    if let Some(api) = api {
        let length = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.parse::<usize>().ok())
            .unwrap_or(0);
        if length > MAX_BODY {
            return respond(&mut stream, method, &HttpResponse::new(413, "text/plain; charset=utf-8", "too large\n"));
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        let request = HttpRequest { method: method.to_string(), target: target.to_string(), headers, body };
        if let Some(response) = api(&request) {
            if log {
                eprintln!("{method} {target} -> {}", response.status);
            }
            return respond(&mut stream, method, &response);
        }
    }

    let (status, ctype, body): (&str, &str, Vec<u8>) = if method != "GET" && method != "HEAD" {
        (
            "405 Method Not Allowed",
            "text/plain; charset=utf-8",
            b"method not allowed\n".to_vec(),
        )
    } else {
        match resolve(root, target).map(|p| (fs::read(&p), p)) {
            Some((Ok(bytes), p)) => ("200 OK", content_type(&p), bytes),
            Some((Err(_), _)) => (
                "500 Internal Server Error",
                "text/plain; charset=utf-8",
                b"cannot read file\n".to_vec(),
            ),
            None => (
                "404 Not Found",
                "text/plain; charset=utf-8",
                b"not found\n".to_vec(),
            ),
        }
    };
    if log {
        eprintln!("{method} {target} -> {status}");
    }
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    stream.flush()
}

fn respond(stream: &mut TcpStream, method: &str, response: &HttpResponse) -> io::Result<()> {
    if response.status == 0 {
        // A network failure: no response at all.
        return stream.shutdown(std::net::Shutdown::Both);
    }
    let mut head = format!("HTTP/1.1 {} {}\r\n", response.status, reason(response.status));
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        response.body.len()
    ));
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&response.body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn tempdir(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("static-server-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(d.join("sub dir")).unwrap();
        fs::write(d.join("index.html"), "<p>home</p>").unwrap();
        fs::write(d.join("app_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
        fs::write(d.join("sub dir").join("a.js"), "export {}").unwrap();
        d
    }

    fn get(server: &StaticServer, target: &str) -> String {
        let mut s = TcpStream::connect(server.addr()).unwrap();
        write!(s, "GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).unwrap();
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn serves_files_with_content_types() {
        let dir = tempdir("types");
        let server = StaticServer::start(&dir, "127.0.0.1:0", false).unwrap();
        let index = get(&server, "/?q=1");
        assert!(index.starts_with("HTTP/1.1 200 OK"), "{index}");
        assert!(index.contains("text/html"), "{index}");
        assert!(index.ends_with("<p>home</p>"), "{index}");
        let wasm = get(&server, "/app_bg.wasm");
        assert!(wasm.contains("Content-Type: application/wasm"), "{wasm}");
        let js = get(&server, "/sub%20dir/a.js");
        assert!(js.contains("text/javascript"), "{js}");
        assert!(get(&server, "/nope.js").starts_with("HTTP/1.1 404"));
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn never_leaves_the_root() {
        let dir = tempdir("root");
        assert!(resolve(&dir, "/../etc/passwd").is_none());
        assert!(resolve(&dir, "/%2e%2e/etc/passwd").is_none());
        assert!(resolve(&dir, "/sub%20dir/../index.html").is_none());
        assert!(resolve(&dir, "/a%00b").is_none());
        assert!(resolve(&dir, "/%zz").is_none());
        assert_eq!(resolve(&dir, "/"), Some(dir.join("index.html")));
        fs::remove_dir_all(dir).unwrap();
    }
}
