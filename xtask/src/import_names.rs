//! The first load's imports under short names.
//!
//! wasm-bindgen names every function the first wasm imports from its
//! bindings `__wbg_<name>_<16 hex digits>` (289 of them, 9.9 KB), and the
//! names are written twice: in the wasm's import section and as the keys
//! of the import object in `main.js`. The hex digits do not compress: the
//! two files were 9.4 KB larger gzipped than with short names (measured on
//! the build of f019da3: 330,467 → 324,645 B of wasm, 9,571 → 5,993 B of
//! `main.js`). This gives each of them a name of one or two letters, in
//! both files, after wasm-bindgen.
//!
//! Invariants: only the imports of the bindings' module ([`BINDINGS`]) are
//! renamed, each to a distinct name; every other byte of the wasm stays as
//! it was; each old name is an identifier of `main.js` exactly once (its
//! key), or the build fails naming it.

use crate::wasm_reader::Reader;
use crate::Result;
use std::fs;
use std::path::Path;

/// The module name the first wasm imports its bindings from.
const BINDINGS: &[u8] = b"./main_bg.js";

/// Renames the bindings' imports of `wasm` and their keys in `js`, in place.
pub fn shorten(wasm: &Path, js: &Path) -> Result {
    let bytes = fs::read(wasm).map_err(|e| format!("cannot read {}: {e}", wasm.display()))?;
    let text = fs::read_to_string(js).map_err(|e| format!("cannot read {}: {e}", js.display()))?;
    let (bytes, renames) = renamed_imports(&bytes).map_err(|e| format!("{}: {e}", wasm.display()))?;
    let text = renamed_keys(&text, &renames).map_err(|e| format!("{}: {e}", js.display()))?;
    fs::write(wasm, bytes).map_err(|e| format!("cannot write {}: {e}", wasm.display()))?;
    fs::write(js, text).map_err(|e| format!("cannot write {}: {e}", js.display()))
}

/// The module with its bindings' imports renamed, and each (old, new) name.
fn renamed_imports(bytes: &[u8]) -> Result<(Vec<u8>, Vec<(String, String)>)> {
    if bytes.len() < 8 || &bytes[..4] != b"\0asm" {
        return Err("not a wasm module".into());
    }
    let mut out = bytes[..8].to_vec();
    let mut renames = Vec::new();
    let mut r = Reader { bytes, at: 8 };
    while r.at < bytes.len() {
        let start = r.at;
        let id = r.byte()?;
        let size = r.u32()? as usize;
        let body = r.take(size)?;
        if id != 2 {
            out.extend_from_slice(&bytes[start..r.at]);
            continue;
        }
        let section = import_section(body, &mut renames)?;
        out.push(2);
        leb(section.len(), &mut out);
        out.extend(section);
    }
    Ok((out, renames))
}

/// The import section `body` written again, the bindings' imports renamed.
fn import_section(body: &[u8], renames: &mut Vec<(String, String)>) -> Result<Vec<u8>> {
    let mut s = Reader { bytes: body, at: 0 };
    let mut out = Vec::with_capacity(body.len());
    let count = s.u32()?;
    leb(count as usize, &mut out);
    for _ in 0..count {
        let module_len = s.u32()? as usize;
        let module = s.take(module_len)?;
        let name_len = s.u32()? as usize;
        let name = s.take(name_len)?;
        let descriptor = s.at;
        match s.byte()? {
            0 => {
                s.u32()?;
            }
            1 => {
                s.byte()?;
                s.limits()?;
            }
            2 => s.limits()?,
            3 => {
                s.take(2)?;
            }
            kind => return Err(format!("an import of kind {kind}")),
        }
        leb(module.len(), &mut out);
        out.extend_from_slice(module);
        let name = if module == BINDINGS {
            let new = short_name(renames.len());
            renames.push((String::from_utf8(name.to_vec()).map_err(|_| "an import name is not UTF-8")?, new.clone()));
            new.into_bytes()
        } else {
            name.to_vec()
        };
        leb(name.len(), &mut out);
        out.extend(name);
        out.extend_from_slice(&body[descriptor..s.at]);
    }
    if s.at != body.len() {
        return Err("the import section has bytes after its imports".into());
    }
    Ok(out)
}

/// `js` with each old name, found once as an identifier, replaced.
fn renamed_keys(js: &str, renames: &[(String, String)]) -> Result<String> {
    let mut out = js.to_string();
    for (old, new) in renames {
        let found: Vec<usize> = identifiers(&out, old).collect();
        let [at] = found[..] else {
            return Err(format!("the import {old} is named {} times, not once: update xtask/src/import_names.rs", found.len()));
        };
        out.replace_range(at..at + old.len(), new);
    }
    Ok(out)
}

/// Where `name` occurs in `js` as a whole identifier.
fn identifiers<'a>(js: &'a str, name: &'a str) -> impl Iterator<Item = usize> + 'a {
    let part = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    js.match_indices(name).map(|(at, _)| at).filter(move |&at| !part(js[..at].chars().next_back()) && !part(js[at + name.len()..].chars().next()))
}

/// `a`…`z`, `A`…`Z`, then `aa`, `ba`…: distinct for distinct `k`.
fn short_name(mut k: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut name = String::new();
    loop {
        name.push(LETTERS[k % LETTERS.len()] as char);
        k /= LETTERS.len();
        if k == 0 {
            return name;
        }
        k -= 1;
    }
}

/// Appends `n` as unsigned LEB128.
fn leb(mut n: usize, out: &mut Vec<u8>) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn name(out: &mut Vec<u8>, s: &str) {
        leb(s.len(), out);
        out.extend_from_slice(s.as_bytes());
    }

    /// A module importing `imports` (module, name) as functions of type 0,
    /// a memory from the split loader, then a type and a custom section.
    fn module(imports: &[(&str, &str)]) -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend([1, 4, 1, 0x60, 0, 0]);
        let mut section = Vec::new();
        leb(imports.len() + 1, &mut section);
        for (module, field) in imports {
            name(&mut section, module);
            name(&mut section, field);
            section.extend([0, 0]);
        }
        name(&mut section, "__wasm_split");
        name(&mut section, "memory");
        section.extend([2, 1, 17, 200, 1]);
        m.push(2);
        leb(section.len(), &mut m);
        m.extend(section);
        m.extend([0, 4, 3, b'a', b'b', b'c']);
        m
    }

    #[test]
    fn the_bindings_imports_get_short_names_in_the_wasm_and_in_main_js() {
        let long = "__wbg_addEventListener_f2d27251d333a631";
        let cast = "__wbindgen_cast_0000000000000001";
        let wasm = module(&[("./main_bg.js", long), ("./__wasm_split.js", "__wasm_split_load_formats"), ("./main_bg.js", cast)]);
        let (out, renames) = renamed_imports(&wasm).unwrap();
        assert_eq!(renames, [(long.to_string(), "a".to_string()), (cast.to_string(), "b".to_string())]);
        assert_eq!(out, module(&[("./main_bg.js", "a"), ("./__wasm_split.js", "__wasm_split_load_formats"), ("./main_bg.js", "b")]));
        let js = format!("const x = {{ __proto__: null, {long}: function() {{}}, {cast}: function(a) {{ return a; }} }};\nconst {long}_other = 1; // {long}x");
        let renamed = renamed_keys(&js, &renames).unwrap();
        assert_eq!(renamed, format!("const x = {{ __proto__: null, a: function() {{}}, b: function(a) {{ return a; }} }};\nconst {long}_other = 1; // {long}x"));
    }

    #[test]
    fn a_name_main_js_holds_twice_or_never_stops_the_build() {
        let renames = [("__wbg_f_1".to_string(), "a".to_string())];
        assert!(renamed_keys("{__wbg_f_1: 1, y: __wbg_f_1}", &renames).unwrap_err().contains("2 times"));
        assert!(renamed_keys("{__wbg_f_12: 1}", &renames).unwrap_err().contains("0 times"));
    }

    #[test]
    fn short_names_are_distinct() {
        let names: BTreeSet<String> = (0..52 * 53 + 5).map(short_name).collect();
        assert_eq!(names.len(), 52 * 53 + 5);
        assert_eq!((short_name(0), short_name(51), short_name(52), short_name(53)), ("a".into(), "Z".into(), "aa".into(), "ba".into()));
    }

    #[test]
    fn a_truncated_or_foreign_file_is_an_error() {
        let m = module(&[("./main_bg.js", "__wbg_f_1")]);
        for cut in 8..m.len() {
            let _ = renamed_imports(&m[..cut]);
        }
        assert!(renamed_imports(&m[..20]).is_err(), "cut inside the import section");
        assert!(renamed_imports(b"not wasm").is_err());
        // One byte more at the end of the import section (its id at 14, after the type section).
        let mut extra = m.clone();
        let size = extra[15] as usize;
        extra.insert(16 + size, 0);
        extra[15] += 1;
        assert!(renamed_imports(&extra).unwrap_err().contains("after its imports"));
    }
}
