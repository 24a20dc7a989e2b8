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
//! The parts are read as the splitter wrote them (with names), through
//! binaryen's `wasm-dis`.

use crate::{tool_cmd, Result};
use std::path::Path;

/// What a shim's target is named when wasm-bindgen rewrites it.
const REWRITTEN: &[&str] = &["wasm_bindgen4__rt8wbg_cast", "wasm_bindgen::__rt::wbg_cast"];

/// Fails naming every part (and the function) that calls a rewritten one.
pub fn check(parts: &[&Path]) -> Result {
    let mut found = Vec::new();
    for part in parts {
        let out = tool_cmd("wasm-dis").arg(part).output().map_err(|e| format!("cannot run wasm-dis: {e}"))?;
        if !out.status.success() {
            return Err(format!("wasm-dis failed on {}", part.display()));
        }
        let name = part.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        found.extend(calls_into_rewritten(&String::from_utf8_lossy(&out.stdout)).into_iter().map(|f| format!("{name}: {f}")));
    }
    if found.is_empty() {
        return Ok(());
    }
    Err(format!(
        "a part converts a Rust value to a JS one itself, which fails at run time once wasm-bindgen has rewritten \
         the first load; do it through a function the first load also uses (src/console.rs, src/deadline.rs): {}",
        found.join("; ")
    ))
}

/// The shims in a part's text (`wasm-dis`) whose target wasm-bindgen rewrites.
fn calls_into_rewritten(wat: &str) -> Vec<String> {
    wat.lines()
        .filter_map(|line| line.trim_start().strip_prefix("(func $"))
        .filter(|f| f.contains("indirect_call_shim") && REWRITTEN.iter().any(|r| f.contains(r)))
        .map(|f| f.trim_matches('"').split(' ').next().unwrap_or(f).trim_matches('"').to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shim_into_a_value_conversion_is_found_and_others_are_not() {
        let wat = r#"(module
 (func $"_ZN12wasm_bindgen4__rt8wbg_cast17breaks_if_inlined17h76bdc6acda3f5731E indirect_call_shim" (param $0 i32)
  (call_indirect $timport$0 (type $9) (local.get $0) (i32.const 12))
 )
 (func $"_ZN10serde_core3ser12SerializeMap15serialize_entry17h7ac5ab988b110dc2E indirect_call_shim" (param $0 i32)
 )
 (func $_ZN12wasm_bindgen4__rt8wbg_cast17breaks_if_inlined17h0000000000000000E (param $0 i32)
 )
)"#;
        assert_eq!(calls_into_rewritten(wat), vec!["_ZN12wasm_bindgen4__rt8wbg_cast17breaks_if_inlined17h76bdc6acda3f5731E".to_string()]);
        assert!(calls_into_rewritten("(module)").is_empty());
    }
}
