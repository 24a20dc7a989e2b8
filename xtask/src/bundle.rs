//! After Trunk: the two ways in to the built app.
//!
//! - The standalone page loads through `start.js` instead of the inline
//!   module script Trunk writes into `index.html`, so the page runs under a
//!   Content-Security-Policy without `'unsafe-inline'` (only
//!   `'wasm-unsafe-eval'`, which WebAssembly needs).
//! - `marginalia.js` is the ES module a host page imports: `mount(element,
//!   options)`, which loads the wasm and the widget's stylesheet once.

use std::fs;
use std::path::Path;

const LOADER_OPEN: &str = "<script type=\"module\">";

/// The text between `start` and the next `end` after it, with its position.
fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<(usize, &'a str)> {
    let i = text.find(start)? + start.len();
    let j = text[i..].find(end)? + i;
    Some((i, &text[i..j]))
}

/// Rewrites `dist/index.html` and writes `start.js` and `marginalia.js`.
pub fn finish(dist: &Path) -> Result<(), String> {
    let index_path = dist.join("index.html");
    let index = fs::read_to_string(&index_path).map_err(|e| format!("cannot read {}: {e}", index_path.display()))?;
    let (at, loader) = between(&index, LOADER_OPEN, "</script>").ok_or("dist/index.html has no Trunk loader script")?;
    let loader = loader.to_string();
    let script = format!("{LOADER_OPEN}{loader}</script>");
    let rewritten = index.replacen(&script, "<script type=\"module\" src=\"/start.js\"></script>", 1);
    debug_assert!(at > 0);
    // The names Trunk gave the bindings, the wasm and the widget's styles.
    let js = between(&loader, "from '/", "'").ok_or("the loader imports no bindings")?.1.to_string();
    let wasm = between(&loader, "module_or_path: '/", "'").ok_or("the loader names no wasm file")?.1.to_string();
    let css = between(&index, "href=\"/app", ".css\"").map(|(_, hash)| format!("app{hash}.css")).ok_or("index.html links no app*.css")?;

    let start = format!("// The standalone page's loader (written by `cargo xtask build` from Trunk's).\n{}\n", loader.trim());
    let module = format!(
        r#"// Marginalia as an ES module (written by `cargo xtask build`):
//   import {{ mount }} from "https://…/marginalia.js";
//   const handle = await mount(element, {{ article: {{ id, title, text }} }});
// See docs/EMBEDDING.md.
import init, {{ mount as mountInstance }} from "./{js}";

const base = new URL(".", import.meta.url);
let started;

function addStyles(doc) {{
  if (doc.querySelector("link[data-marginalia-styles]")) return;
  const link = doc.createElement("link");
  link.rel = "stylesheet";
  link.href = new URL("{css}", base).href;
  link.dataset.marginaliaStyles = "";
  doc.head.append(link);
}}

/** Mounts an instance in `element`; resolves to its handle once it is ready. */
export async function mount(element, options) {{
  started ??= init({{ module_or_path: new URL("{wasm}", base) }});
  await started;
  addStyles(element.ownerDocument);
  return mountInstance(element, options);
}}
"#
    );
    fs::write(dist.join("start.js"), start).map_err(|e| format!("cannot write start.js: {e}"))?;
    fs::write(dist.join("marginalia.js"), module).map_err(|e| format!("cannot write marginalia.js: {e}"))?;
    fs::write(&index_path, rewritten).map_err(|e| format!("cannot write {}: {e}", index_path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loader_moves_out_of_the_page_and_the_module_names_the_built_files() {
        let dir = std::env::temp_dir().join(format!("xtask-bundle-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let index = "<head><link rel=\"stylesheet\" href=\"/app-1a2b.css\" integrity=\"x\"/>\n<script type=\"module\">\nimport init, * as bindings from '/marginalia-web-abc.js';\nconst wasm = await init({ module_or_path: '/marginalia-web-abc_bg.wasm' });\n</script></head><body></body>";
        fs::write(dir.join("index.html"), index).unwrap();
        finish(&dir).unwrap();
        let page = fs::read_to_string(dir.join("index.html")).unwrap();
        assert!(!page.contains("<script type=\"module\">"), "{page}");
        assert!(page.contains("<script type=\"module\" src=\"/start.js\"></script>"));
        assert!(fs::read_to_string(dir.join("start.js")).unwrap().contains("await init({ module_or_path: '/marginalia-web-abc_bg.wasm' });"));
        let module = fs::read_to_string(dir.join("marginalia.js")).unwrap();
        assert!(module.contains("from \"./marginalia-web-abc.js\""));
        assert!(module.contains("new URL(\"marginalia-web-abc_bg.wasm\", base)"));
        assert!(module.contains("new URL(\"app-1a2b.css\", base)"));
        fs::remove_dir_all(&dir).unwrap();
    }
}
