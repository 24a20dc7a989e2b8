//! The widget's files (`--static dist`), on every database: a host page on
//! another origin imports `marginalia.js` and fetches the wasm, so they
//! carry `Access-Control-Allow-Origin: *` (module scripts and `fetch` are
//! CORS requests), the wasm its streaming type, sent as its precompressed
//! sibling the browser accepts (Brotli first, then gzip), as it is when
//! no sibling is there; what is named by its content is kept for good,
//! the rest asked for again; the API stays same-origin.

mod common;

use common::*;
use reqwest::Method;

fn widget_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("marginalia-widget-files-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("code-0123456789abcdef")).unwrap();
    std::fs::write(dir.join("marginalia.js"), "export function mount() {}\n").unwrap();
    std::fs::write(dir.join("app-1512561c6bd61841.css"), ".mg-app {}\n").unwrap();
    std::fs::write(dir.join("code-0123456789abcdef/main_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(dir.join("code-0123456789abcdef/main_bg.wasm.gz"), b"gzipped wasm").unwrap();
    std::fs::write(dir.join("code-0123456789abcdef/main_bg.wasm.br"), b"brotli wasm").unwrap();
    std::fs::write(dir.join("code-0123456789abcdef/split_x.wasm"), b"\0asm\x01\0\0\0x").unwrap();
    std::fs::write(dir.join("code-0123456789abcdef/split_x.wasm.gz"), b"gzipped part").unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_on_another_origin_may_load_the_widget_but_not_call_the_api() {
    let dir = widget_dir();
    for db in databases().await {
        let settings = marginalia_server::Settings { static_dir: Some(dir.clone()), ..Default::default() };
        let server = start_with(&db.url, settings).await;
        let mut cms = Browser::new(&server);
        let from_cms = [("Origin", "https://cms.example")];
        let module = cms.send(Method::GET, "/marginalia.js", None, &from_cms).await;
        assert_eq!(module.status, 200, "{}", db.name);
        assert_eq!(module.header("access-control-allow-origin").as_deref(), Some("*"), "{}", db.name);
        let wasm = cms.send(Method::GET, "/code-0123456789abcdef/main_bg.wasm", None, &from_cms).await;
        assert_eq!(wasm.header("content-type").as_deref(), Some("application/wasm"), "{}", db.name);
        assert_eq!(wasm.header("access-control-allow-origin").as_deref(), Some("*"), "{}", db.name);
        assert_eq!(wasm.body.as_bytes(), b"\0asm\x01\0\0\0", "{}: no gzip asked for, none sent", db.name);
        let gzip = [("Origin", "https://cms.example"), ("Accept-Encoding", "gzip")];
        let wasm = cms.send(Method::GET, "/code-0123456789abcdef/main_bg.wasm", None, &gzip).await;
        assert_eq!(wasm.header("content-encoding").as_deref(), Some("gzip"), "{}", db.name);
        assert_eq!(wasm.header("content-type").as_deref(), Some("application/wasm"), "{}", db.name);
        assert_eq!(wasm.body.as_bytes(), b"gzipped wasm", "{}", db.name);
        // What Chromium sends, on localhost as over HTTPS: Brotli wins.
        let browser = [("Origin", "https://cms.example"), ("Accept-Encoding", "gzip, deflate, br, zstd")];
        let wasm = cms.send(Method::GET, "/code-0123456789abcdef/main_bg.wasm", None, &browser).await;
        assert_eq!(wasm.header("content-encoding").as_deref(), Some("br"), "{}", db.name);
        assert_eq!(wasm.header("content-type").as_deref(), Some("application/wasm"), "{}", db.name);
        assert_eq!(wasm.body.as_bytes(), b"brotli wasm", "{}", db.name);
        // A file without a Brotli sibling: its gzip one.
        let part = cms.send(Method::GET, "/code-0123456789abcdef/split_x.wasm", None, &browser).await;
        assert_eq!(part.header("content-encoding").as_deref(), Some("gzip"), "{}", db.name);
        assert_eq!(part.body.as_bytes(), b"gzipped part", "{}", db.name);
        // Named by its content: kept a year, never asked for again. The
        // module and a missing file: asked for again (or not cached).
        assert_eq!(part.header("cache-control").as_deref(), Some("public, max-age=31536000, immutable"), "{}", db.name);
        let css = cms.send(Method::GET, "/app-1512561c6bd61841.css", None, &browser).await;
        assert_eq!(css.status, 200, "{}", db.name);
        assert_eq!(css.header("cache-control").as_deref(), Some("public, max-age=31536000, immutable"), "{}", db.name);
        assert_eq!(module.header("cache-control").as_deref(), Some("no-cache"), "{}", db.name);
        let missing = cms.send(Method::GET, "/code-0123456789abcdef/split_gone.wasm", None, &browser).await;
        assert_eq!(missing.status, 404, "{}", db.name);
        assert_eq!(missing.header("cache-control"), None, "{}: a 404 is not kept", db.name);
        let api = cms.send(Method::GET, "/api/session", None, &from_cms).await;
        assert_eq!(api.header("access-control-allow-origin"), None, "{}: the API is not shared", db.name);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
