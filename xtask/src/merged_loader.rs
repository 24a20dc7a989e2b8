//! The splitter's loader inside the bindings' module: one script less on
//! the first load's path.
//!
//! wasm-bindgen's `main.js` imports the splitter's loader (`__wasm_split.js`,
//! once per split point: `import * as import1 from "./__wasm_split.js"`),
//! and the loader imports `initSync` back from `main.js`. Two modules, two
//! requests before the first wasm can be instantiated; over HTTP/1.1 (six
//! connections a host) the second one also holds a connection the host
//! page's own scripts wait for. This writes the loader into `main.js`, in
//! a function scope of its own (its names cannot meet the bindings'), run
//! once as the module is evaluated: it only defines loaders then, and calls
//! `initSync` (hoisted) when a part is first loaded.
//!
//! Invariants: the loader imports nothing but `initSync` from `./main.js`
//! and exports only `const`s; `main.js` names `__wasm_split_loader` nowhere else
//! and imports the loader only as namespaces at its top. The build fails,
//! naming this file, when either is written another way.

use crate::{step, Result};
use std::fs;
use std::path::Path;

/// The loader's file, which the merge removes.
pub const LOADER: &str = "__wasm_split.js";

/// What the loader's namespace is called inside `main.js`.
const NAMESPACE: &str = "__wasm_split_loader";

/// Writes the loader at `work/__wasm_split.js` into `work/pkg/main.js` and
/// removes it.
pub fn merge(work: &Path) -> Result {
    step("the splitter's loader written into main.js (merged_loader.rs)");
    let (loader_path, bindings_path) = (work.join(LOADER), work.join("pkg/main.js"));
    let read = |p: &Path| fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()));
    let merged = merged(&read(&bindings_path)?, &read(&loader_path)?)?;
    fs::write(&bindings_path, merged).map_err(|e| format!("cannot write {}: {e}", bindings_path.display()))?;
    fs::remove_file(&loader_path).map_err(|e| format!("cannot remove {}: {e}", loader_path.display()))
}

/// `bindings` with the loader in place of its imports of it.
fn merged(bindings: &str, loader: &str) -> Result<String> {
    let unexpected = |what: &str| format!("{what}: update xtask/src/merged_loader.rs");
    if bindings.contains(NAMESPACE) {
        return Err(unexpected("main.js already names __wasm_split_loader"));
    }
    let mut namespaces = Vec::new();
    let mut rest = bindings;
    while let Some(line) = rest.lines().next().filter(|l| l.starts_with("import ")) {
        let name = line
            .strip_prefix("import * as ")
            .and_then(|l| l.strip_suffix(&format!(" from \"./{LOADER}\"")).or_else(|| l.strip_suffix(&format!(" from \"./{LOADER}\";"))))
            .ok_or_else(|| unexpected(&format!("main.js imports something else: {line}")))?;
        namespaces.push(name.to_string());
        rest = rest[line.len()..].strip_prefix('\n').unwrap_or(&rest[line.len()..]);
    }
    if namespaces.is_empty() || rest.lines().any(|l| l.starts_with("import ")) {
        return Err(unexpected("main.js does not import the loader as namespaces at its top, and only there"));
    }
    let (body, exports) = loader_body(loader).map_err(|e| unexpected(&e))?;
    Ok(format!(
        "const {NAMESPACE} = (() => {{\n{body}return {{ {} }};\n}})();\nconst {};\n{rest}",
        exports.join(", "),
        namespaces.iter().map(|n| format!("{n} = {NAMESPACE}")).collect::<Vec<_>>().join(", ")
    ))
}

/// The loader without its import of `initSync` and with its exports made
/// local, and the exported names.
fn loader_body(loader: &str) -> std::result::Result<(String, Vec<String>), String> {
    let mut body = String::with_capacity(loader.len());
    let mut exports = Vec::new();
    let mut imported = false;
    for line in loader.split_inclusive('\n') {
        if line.trim_end() == "import { initSync } from \"./main.js\";" && !imported {
            imported = true;
        } else if let Some(definition) = line.strip_prefix("export const ") {
            let name = definition.split_once(" = ").map(|(n, _)| n).ok_or("an export the loader writes another way")?;
            exports.push(name.to_string());
            body.push_str("const ");
            body.push_str(definition);
        } else if line.starts_with("import ") || line.starts_with("export ") {
            return Err(format!("the loader has a line it is not known to have: {}", line.trim_end()));
        } else {
            body.push_str(line);
        }
    }
    if !imported || exports.is_empty() {
        return Err("the loader does not import initSync from ./main.js, or exports nothing".into());
    }
    Ok((body, exports))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BINDINGS: &str = "import * as import1 from \"./__wasm_split.js\"\nimport * as import2 from \"./__wasm_split.js\"\n\nexport function mount(e, o) { return wasm.mount(e, o); }\nfunction __wbg_get_imports() {\n    return { \"./__wasm_split.js\": import1, \"./__wasm_split.js\": import2 };\n}\nfunction initSync(m) { return m; }\n";

    const LOADER_JS: &str = "import { initSync } from \"./main.js\";\n\nlet sharedImports = undefined;\nfunction getSharedImports() { return initSync(undefined); }\nconst __chunk_12 = makeLoad(fetcher(new URL(\"./chunk_12.wasm\", import.meta.url)), []);\nexport const __wasm_split_load_formats = wrapAsyncCb(makeLoad(fetcher(new URL(\"./split_formats.wasm\", import.meta.url)), [__chunk_12]));\nexport const __wasm_split_load_review = wrapAsyncCb(makeLoad(fetcher(new URL(\"./split_review.wasm\", import.meta.url)), []));\n";

    #[test]
    fn the_loader_runs_in_its_own_scope_before_the_bindings_and_is_their_namespace() {
        let out = merged(BINDINGS, LOADER_JS).unwrap();
        assert!(out.starts_with("const __wasm_split_loader = (() => {\n\nlet sharedImports = undefined;\n"), "{out}");
        assert!(out.contains("\nconst __wasm_split_load_formats = wrapAsyncCb("), "{out}");
        assert!(out.contains("return { __wasm_split_load_formats, __wasm_split_load_review };\n})();\nconst import1 = __wasm_split_loader, import2 = __wasm_split_loader;\n\nexport function mount"), "{out}");
        assert!(!out.contains("import ") && !out.contains("export const"), "{out}");
        assert!(out.contains("return { \"./__wasm_split.js\": import1, \"./__wasm_split.js\": import2 };"), "the import object keeps its module names");
    }

    #[test]
    fn bindings_or_a_loader_written_another_way_stop_the_build() {
        let other_import = BINDINGS.replacen("import * as import2 from \"./__wasm_split.js\"", "import * as import2 from \"./snippets/x.js\"", 1);
        assert!(merged(&other_import, LOADER_JS).unwrap_err().contains("imports something else"));
        assert!(merged("export function mount() {}\n", LOADER_JS).is_err());
        assert!(merged(&format!("{BINDINGS}const __wasm_split_loader = 1;\n"), LOADER_JS).unwrap_err().contains("already names"));
        let exported_function = LOADER_JS.replacen("let sharedImports", "export function sharedImports() {}\nlet x", 1);
        assert!(merged(BINDINGS, &exported_function).unwrap_err().contains("not known"));
        assert!(merged(BINDINGS, &LOADER_JS.replacen("import { initSync } from \"./main.js\";\n", "", 1)).is_err());
    }
}
