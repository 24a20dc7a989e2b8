//! A check of the split, run by `cargo xtask build`: no part calls a
//! function of the first load whose signature wasm-bindgen rewrites.
//!
//! The splitter makes a part call the first load through the function
//! table, each call through a shim it names `<target> indirect_call_shim`.
//! wasm-bindgen then processes the first load alone and gives its value
//! conversions (`wasm_bindgen::__rt::wbg_cast`, behind every
//! `JsValue::from(…)` and `.into()` to a JS value) another signature, so
//! such a call from a part fails at run time with "function signature
//! mismatch" — and only when that line runs, which a test may never reach.
//! Which functions are retyped is read, not assumed: each table slot of the
//! first load before and after wasm-bindgen (`wasm_table.rs`). The parts
//! are read as the splitter wrote them (with names), through binaryen's
//! `wasm-dis`.

use crate::wasm_table;
use crate::{tool_cmd, Result};
use std::path::Path;

/// Fails naming every part (and the function) that calls a function of the
/// first load whose signature wasm-bindgen changed: `before` and `after`
/// are the first load before and after wasm-bindgen.
pub fn check(parts: &[&Path], before: &Path, after: &Path) -> Result {
    let read = |p: &Path| std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display())).and_then(|b| wasm_table::read(&b).map_err(|e| format!("{}: {e}", p.display())));
    let retyped = wasm_table::retyped(&read(before)?, &read(after)?);
    let mut found = Vec::new();
    for part in parts {
        let out = tool_cmd("wasm-dis").arg(part).output().map_err(|e| format!("cannot run wasm-dis: {e}"))?;
        if !out.status.success() {
            return Err(format!("wasm-dis failed on {}", part.display()));
        }
        let name = part.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        found.extend(calls_into(&String::from_utf8_lossy(&out.stdout), &retyped).into_iter().map(|f| format!("{name}: {f}")));
    }
    if found.is_empty() {
        return Ok(());
    }
    Err(format!(
        "a part calls a function of the first load that wasm-bindgen gives another signature (a conversion to a JS \
         value: `JsValue::from`, `.into()`), which fails at run time; do it through a function the first load also \
         uses (src/console.rs, src/deadline.rs): {}",
        found.join("; ")
    ))
}

/// The shims in a part's text (`wasm-dis`) whose target is one of `retyped`.
fn calls_into(wat: &str, retyped: &[String]) -> Vec<String> {
    wat.lines()
        .filter_map(|line| line.trim_start().strip_prefix("(func $"))
        .filter_map(|f| f.trim_start_matches('"').split(" indirect_call_shim").next().filter(|_| f.contains(" indirect_call_shim")))
        .filter(|target| retyped.iter().any(|r| r == target))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shim_into_a_retyped_function_is_found_and_others_are_not() {
        let wat = r#"(module
 (func $"_ZN12wasm_bindgen4__rt8wbg_cast17breaks_if_inlined17h76bdc6acda3f5731E indirect_call_shim" (param $0 i32)
  (call_indirect $timport$0 (type $9) (local.get $0) (i32.const 12))
 )
 (func $"_ZN10serde_core3ser12SerializeMap15serialize_entry17h7ac5ab988b110dc2E indirect_call_shim" (param $0 i32)
 )
 (func $_ZN12wasm_bindgen4__rt8wbg_cast17breaks_if_inlined17h76bdc6acda3f5731E (param $0 i32)
 )
)"#;
        let retyped = vec!["_ZN12wasm_bindgen4__rt8wbg_cast17breaks_if_inlined17h76bdc6acda3f5731E".to_string()];
        assert_eq!(calls_into(wat, &retyped), retyped);
        assert!(calls_into(wat, &[]).is_empty());
        assert!(calls_into("(module)", &retyped).is_empty());
    }
}
