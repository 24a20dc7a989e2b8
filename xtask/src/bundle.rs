//! After the release build: the two ways in to the built app.
//!
//! - The standalone page loads through `start.js` (no inline script, so the
//!   page runs under a Content-Security-Policy without `'unsafe-inline'`,
//!   only `'wasm-unsafe-eval'`, which WebAssembly needs); `index.html`
//!   preloads the first load's bindings and wasm, and the files of the
//!   page's own start (`src/standalone.rs`, a part a host never fetches),
//!   so none waits for the one before it to ask.
//! - `marginalia.js` is the ES module a host page imports: `mount(element,
//!   options)`. Importing it starts fetching and compiling the wasm at once
//!   (`WebAssembly.compileStreaming`), so the first `mount()` waits only for
//!   what is left; the widget's stylesheet is added once per document.
//! - `MARGINALIA_PAGE_CONFIG=<file>` puts a deployment's configuration (the
//!   origins allowed to embed the page…) in `index.html`'s `#mg-config`, so
//!   it survives every build.
//! - `package.json` and `marginalia.d.ts` (from `assets/embed/`) make `dist/`
//!   a package a host installs: `import { mount } from "marginalia-widget"`,
//!   typed.

use std::fs;
use std::path::Path;

/// The first load's bindings and wasm in a code directory (`release.rs`).
const BINDINGS: &str = "main.js";
const WASM: &str = "main_bg.wasm";

/// The text between `start` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = text.find(start)? + start.len();
    let j = text[i..].find(end)? + i;
    Some(&text[i..j])
}

/// Rewrites `dist/index.html` and writes `start.js` and `marginalia.js` for
/// the code in `dist/<code_dir>/`; `at_start`: the files there of the
/// standalone page's start (`ahead_pack::AT_START`).
pub fn finish(dist: &Path, code_dir: &str, at_start: &[String]) -> Result<(), String> {
    let index_path = dist.join("index.html");
    let index = fs::read_to_string(&index_path).map_err(|e| format!("cannot read {}: {e}", index_path.display()))?;
    // Trunk writes the page minified (unquoted attributes) in release builds.
    let css = between(&index, "href=\"/app", ".css\"")
        .or_else(|| between(&index, "href=/app", ".css"))
        .map(|hash| format!("app{hash}.css"))
        .ok_or("index.html links no app*.css")?;
    let mut page = with_loader(&index, code_dir, at_start)?;
    if let Some(path) = std::env::var_os("MARGINALIA_PAGE_CONFIG").filter(|p| !p.is_empty()) {
        let path = crate::root().join(path);
        let json = fs::read_to_string(&path).map_err(|e| format!("MARGINALIA_PAGE_CONFIG: cannot read {}: {e}", path.display()))?;
        page = with_config(&page, &json).map_err(|e| format!("MARGINALIA_PAGE_CONFIG ({}): {e}", path.display()))?;
        println!("    the page's configuration: {}", path.display());
    }
    write(&dist.join("start.js"), &start_script(code_dir))?;
    write(&dist.join("marginalia.js"), &host_module(code_dir, &css))?;
    write(&dist.join("package.json"), &package_json(&css))?;
    let types = crate::root().join("assets/embed/marginalia.d.ts");
    fs::copy(&types, dist.join("marginalia.d.ts")).map_err(|e| format!("cannot copy {}: {e}", types.display()))?;
    write(&index_path, &page)
}

/// The package a host installs from `dist/` (its version the workspace's).
fn package_json(css: &str) -> String {
    format!(
        r#"{{
  "name": "marginalia-widget",
  "version": "{version}",
  "description": "Marginalia: annotate entities and claims in news articles, in the browser (WebAssembly)",
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "main": "./marginalia.js",
  "types": "./marginalia.d.ts",
  "exports": {{
    ".": {{ "types": "./marginalia.d.ts", "import": "./marginalia.js" }},
    "./styles.css": "./{css}"
  }},
  "sideEffects": false
}}
"#,
        version = env!("CARGO_PKG_VERSION")
    )
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The page with `start.js` and the preloads of what it will ask for: the
/// first load, then the files of its start (asked for as the splitter's
/// loader asks: `fetch` with its defaults, which `crossorigin` matches).
fn with_loader(index: &str, code_dir: &str, at_start: &[String]) -> Result<String, String> {
    let head_end = index.find("</head>").ok_or("index.html has no </head>")?;
    let wasm_preload = |file: &str| format!("<link rel=\"preload\" href=\"/{code_dir}/{file}\" as=\"fetch\" type=\"application/wasm\" crossorigin />\n    ");
    let start: String = at_start.iter().map(|file| wasm_preload(file)).collect();
    let loader = format!(
        "    <link rel=\"modulepreload\" href=\"/{code_dir}/{BINDINGS}\" />\n    {}{start}<script type=\"module\" src=\"/start.js\"></script>\n  ",
        wasm_preload(WASM)
    );
    Ok(format!("{}{loader}{}", &index[..head_end], &index[head_end..]))
}

/// The page with `json` as its `#mg-config` block (read as data by
/// `src/page_config.rs`, never run). `<` is written `\u003c`, which JSON
/// reads back the same, so nothing in it can close the script element.
fn with_config(page: &str, json: &str) -> Result<String, String> {
    let json = json.trim();
    if !(json.starts_with('{') && json.ends_with('}')) {
        return Err("the configuration must be one JSON object, like {\"allowedOrigins\": [\"https://cms.example\"]}".into());
    }
    let head_end = page.find("</head>").ok_or("index.html has no </head>")?;
    let block = format!("  <script type=\"application/json\" id=\"mg-config\">{}</script>\n  ", json.replace('<', "\\u003c"));
    Ok(format!("{}{block}{}", &page[..head_end], &page[head_end..]))
}

fn start_script(code_dir: &str) -> String {
    format!(
        r#"// The standalone page's loader (written by `cargo xtask build`).
import init from "./{code_dir}/{BINDINGS}";
await init({{ module_or_path: new URL("./{code_dir}/{WASM}", import.meta.url) }});
"#
    )
}

/// What the module does, said here rather than in its text (every host
/// downloads that): fetching and compiling the wasm start as it is
/// imported, before the bindings (imported dynamically: a static import
/// would hold the whole module, and so the compilation, until `main.js`
/// had arrived), and so do instantiation and the stylesheet's download (it
/// styles only `.mg-app`; not linked twice when the page links it); if
/// streaming compilation fails (a server without the `application/wasm`
/// type), `init()` fetches the file itself; a start that failed (the
/// network) is tried again by the next `mount()`. The wasm's request is
/// `fetch`'s default, credentials "same-origin": what the documented
/// `<link rel="preload" … crossorigin>` asks, so the two are one download.
fn host_module(code_dir: &str, css: &str) -> String {
    format!(
        r#"// Marginalia (written by `cargo xtask build`): see docs/EMBEDDING.md.
const wasmUrl = new URL("{code_dir}/{WASM}", import.meta.url);
const compiling = WebAssembly.compileStreaming(fetch(wasmUrl)).catch(() => wasmUrl);
let bindings, started = start();
if (typeof document !== "undefined" && document.head) addStyles(document);

function start() {{
  const importing = (bindings ??= import("./{code_dir}/{BINDINGS}"));
  const starting = Promise.all([importing, compiling]).then(([b, module_or_path]) => b.default({{ module_or_path }}));
  starting.catch(() => {{
    if (started === starting) started = undefined;
    if (bindings === importing) bindings = undefined;
  }});
  return starting;
}}

function addStyles(doc) {{
  const href = new URL("{css}", import.meta.url).href;
  if ([...doc.querySelectorAll('link[rel="stylesheet"]')].some((l) => l.href === href)) return;
  const link = doc.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  doc.head.append(link);
}}

/** Mounts an instance in `element`; resolves to its handle once its first render is in the page. */
export async function mount(element, options) {{
  started ??= start();
  await started;
  addStyles(element.ownerDocument);
  return (await bindings).mount(element, options);
}}
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deployments_configuration_goes_in_the_page_as_data() {
        let page = with_config("<head>\n</head>", r#"{ "allowedOrigins": ["https://cms.example"], "note": "</script><script>alert(1)" }"#).unwrap();
        assert!(page.contains(r#"<script type="application/json" id="mg-config">{ "allowedOrigins": ["https://cms.example"], "note": "\u003c/script>\u003cscript>alert(1)" }</script>"#), "{page}");
        assert_eq!(page.matches("</script>").count(), 1, "{page}");
        assert!(with_config("<head></head>", "[1]").is_err());
        assert!(with_config("<head></head>", "").is_err());
    }

    #[test]
    fn the_page_loads_through_start_js_and_the_module_names_the_built_files() {
        let dir = std::env::temp_dir().join(format!("xtask-bundle-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let index = "<head><link rel=\"stylesheet\" href=\"/app-1a2b.css\" integrity=\"x\"/>\n</head><body></body>";
        fs::write(dir.join("index.html"), index).unwrap();
        finish(&dir, "code-0123", &["chunk_7.wasm".into(), "split_standalone.wasm".into()]).unwrap();
        let page = fs::read_to_string(dir.join("index.html")).unwrap();
        assert!(page.contains("<script type=\"module\" src=\"/start.js\"></script>\n  </head>"), "{page}");
        assert!(page.contains("<link rel=\"modulepreload\" href=\"/code-0123/main.js\" />"), "{page}");
        assert!(!page.contains("__wasm_split.js"), "the loader is inside main.js: {page}");
        assert!(page.contains("href=\"/code-0123/main_bg.wasm\" as=\"fetch\""), "{page}");
        assert!(
            page.contains("<link rel=\"preload\" href=\"/code-0123/chunk_7.wasm\" as=\"fetch\" type=\"application/wasm\" crossorigin />\n    <link rel=\"preload\" href=\"/code-0123/split_standalone.wasm\" as=\"fetch\" type=\"application/wasm\" crossorigin />\n    <script type=\"module\" src=\"/start.js\">"),
            "the start's files are preloaded after the first load's: {page}"
        );
        let module = fs::read_to_string(dir.join("marginalia.js")).unwrap();
        assert!(!module.contains("split_standalone"), "a host never fetches the page's start: {module}");
        let start = fs::read_to_string(dir.join("start.js")).unwrap();
        assert!(start.contains("import init from \"./code-0123/main.js\";"), "{start}");
        assert!(start.contains("new URL(\"./code-0123/main_bg.wasm\", import.meta.url)"), "{start}");
        let module = fs::read_to_string(dir.join("marginalia.js")).unwrap();
        assert!(module.contains("import(\"./code-0123/main.js\")"), "{module}");
        assert!(!module.contains("from \"./code-0123/main.js\""), "a static import would hold the compilation back: {module}");
        assert!(module.contains("new URL(\"code-0123/main_bg.wasm\", import.meta.url)"), "{module}");
        assert!(module.contains("new URL(\"app-1a2b.css\", import.meta.url)"), "{module}");
        assert!(module.contains("WebAssembly.compileStreaming"));
        let package = fs::read_to_string(dir.join("package.json")).unwrap();
        assert!(package.contains(r#"".": { "types": "./marginalia.d.ts", "import": "./marginalia.js" }"#), "{package}");
        assert!(package.contains(r#""./styles.css": "./app-1a2b.css""#), "{package}");
        assert!(fs::read_to_string(dir.join("marginalia.d.ts")).unwrap().contains("export function mount("));
        fs::remove_dir_all(&dir).unwrap();
    }
}
