//! The splitter's loader (`__wasm_split.js`) with one fetch site.
//!
//! `wasm-split-cli` 0.2.4 writes every module's fetch as its own inline
//! closure (53 of them, four lines each). This rewrites each into a call of
//! one `fetcher(url)` defined once, so the loader is smaller and
//! `ahead_pack.rs` has a single place to send the packed files through.
//! The URLs keep the form `new URL("./<file>", import.meta.url)`, which
//! bundlers recognise.
//!
//! Invariants: every module the loader fetches goes through `fetcher`, and
//! [`FETCH_SITE`] occurs once; the build fails (naming this file) when the
//! splitter writes its loader another way.

use crate::{step, Result};
use std::fs;
use std::path::Path;

/// The one line of the loader that fetches a module (`url`: a `URL`).
pub const FETCH_SITE: &str = "const src = fetch(url);";

/// How `wasm-split-cli` opens a module's load: the closure, then the file.
const OPEN: &str = "makeLoad(() => {\n    const src = fetch(new URL(\"./";

/// The rest of the closure after the file's name, up to its dependencies.
const CLOSE: &str = "\", import.meta.url));\n    src.catch(() => {});\n    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));\n}\n, [";

/// Rewrites the loader at `path` with one fetch site.
pub fn rewrite(path: &Path) -> Result {
    step("the splitter's loader given one fetch site (split_loader.rs)");
    let text = fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    fs::write(path, with_one_fetch_site(&text)?).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The loader with every inline fetch replaced by `fetcher(new URL(…))`
/// and `fetcher` defined before the first module.
fn with_one_fetch_site(loader: &str) -> Result<String> {
    let mut out = String::with_capacity(loader.len());
    let mut rest = loader;
    let mut modules = 0;
    while let Some(at) = rest.find(OPEN) {
        out.push_str(&rest[..at]);
        let after = &rest[at + OPEN.len()..];
        let file = after.split_once('"').map(|(f, _)| f).filter(|f| !f.contains('\n')).ok_or_else(unexpected)?;
        let tail = after[file.len()..].strip_prefix(CLOSE).ok_or_else(unexpected)?;
        out.push_str(&format!("makeLoad(fetcher(new URL(\"./{file}\", import.meta.url)), ["));
        rest = tail;
        modules += 1;
    }
    out.push_str(rest);
    if modules == 0 || out.contains("fetch(") {
        return Err(unexpected());
    }
    let first = out.find("\nconst __chunk_").or_else(|| out.find("\nexport const ")).ok_or_else(unexpected)?;
    out.insert_str(first + 1, &fetcher());
    Ok(out)
}

/// Fetches as the splitter's closures did: at once, a failure observed
/// (the load reports it), instantiated once the dependencies are in.
fn fetcher() -> String {
    format!(
        "function fetcher(url) {{\n    return () => {{\n        {FETCH_SITE}\n        src.catch(() => {{}});\n        return async (imports) => WebAssembly.instantiateStreaming(src, imports);\n    }};\n}}\n"
    )
}

fn unexpected() -> String {
    "the splitter's loader (__wasm_split.js) no longer fetches its modules as xtask/src/split_loader.rs expects: update it".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As `wasm-split-cli` 0.2.4 writes it (shortened: two chunks, two parts).
    pub const LOADER: &str = r#"import { initSync } from "./main.js";

function makeLoad(fetcher, deps) {
    return deps;
}
/* formats, side_panel */
const __chunk_12 = makeLoad(() => {
    const src = fetch(new URL("./chunk_12.wasm", import.meta.url));
    src.catch(() => {});
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
}
, []);
/* formats */
const __chunk_13 = makeLoad(() => {
    const src = fetch(new URL("./chunk_13.wasm", import.meta.url));
    src.catch(() => {});
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
}
, []);
export const __wasm_split_load_side_panel = wrapAsyncCb(makeLoad(() => {
    const src = fetch(new URL("./split_side_panel.wasm", import.meta.url));
    src.catch(() => {});
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
}
, [__chunk_12]));
export const __wasm_split_load_formats = wrapAsyncCb(makeLoad(() => {
    const src = fetch(new URL("./split_formats.wasm", import.meta.url));
    src.catch(() => {});
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
}
, [__chunk_12, __chunk_13]));
"#;

    #[test]
    fn every_module_is_fetched_through_the_one_site() {
        let out = with_one_fetch_site(LOADER).unwrap();
        assert!(out.contains("const __chunk_12 = makeLoad(fetcher(new URL(\"./chunk_12.wasm\", import.meta.url)), []);"), "{out}");
        assert!(out.contains(
            "export const __wasm_split_load_formats = wrapAsyncCb(makeLoad(fetcher(new URL(\"./split_formats.wasm\", import.meta.url)), [__chunk_12, __chunk_13]));"
        ));
        assert_eq!(out.matches("fetch(").count(), 1, "{out}");
        assert_eq!(out.matches(FETCH_SITE).count(), 1);
        assert!(out.find("function fetcher(url)").unwrap() < out.find("const __chunk_12").unwrap());
        assert!(out.len() < LOADER.len());
    }

    #[test]
    fn a_loader_written_another_way_stops_the_build() {
        let other = LOADER.replacen("src.catch(() => {});", "src.catch(console.error);", 1);
        assert!(with_one_fetch_site(&other).unwrap_err().contains("split_loader.rs"));
        let unknown = format!("{LOADER}const x = fetch(\"./other.wasm\");\n");
        assert!(with_one_fetch_site(&unknown).is_err());
        assert!(with_one_fetch_site("import { initSync } from \"./main.js\";\n").is_err());
    }
}
