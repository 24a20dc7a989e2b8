//! The names between the first wasm and its bindings, made short.
//!
//! wasm-bindgen names every function the first wasm imports from its
//! bindings `__wbg_<name>_<16 hex digits>` (289 of them, 9.9 KB), and the
//! closures' entry points it exports keep their Rust symbol's hash
//! (`…invoke__h<16 hex digits>`, 13 of them). Each name is written twice:
//! in the wasm and in `main.js` (an import as a key of its import object,
//! an export where it is called). The hex digits do not compress: the two
//! files were 9.9 KB larger gzipped than with short names (measured on the
//! builds of f019da3 and 13f921b: the imports 9.4 KB, the exports 0.5 KB).
//! This gives each of them a name of one or two letters (the exports `_`
//! and letters), in both files, after wasm-bindgen.
//!
//! Invariants: only the imports of the bindings' module ([`BINDINGS`]) and
//! the exports named with a symbol hash are renamed, each to a distinct
//! name no other export has; every other byte of the wasm stays as it was;
//! an import's old name is an identifier of `main.js` exactly once (its
//! key), an export's is read as a property exactly once, or the build fails
//! naming it.

use crate::wasm_reader::Reader;
use crate::Result;
use std::fs;
use std::path::Path;

/// The module name the first wasm imports its bindings from.
const BINDINGS: &[u8] = b"./main_bg.js";

/// A name given anew, and how `main.js` writes it.
#[derive(Debug, PartialEq)]
struct Rename {
    old: String,
    new: String,
    /// An import is a key of the import object (the name once in all of
    /// `main.js`); an export is read as a property (`wasm.<name>`, once:
    /// the bindings' own wrapper may share its name, and keeps it).
    export: bool,
}

/// Renames the bindings' imports and the hashed exports of `wasm`, and
/// their names in `js`, in place.
pub fn shorten(wasm: &Path, js: &Path) -> Result {
    let bytes = fs::read(wasm).map_err(|e| format!("cannot read {}: {e}", wasm.display()))?;
    let text = fs::read_to_string(js).map_err(|e| format!("cannot read {}: {e}", js.display()))?;
    let (bytes, renames) = renamed(&bytes).map_err(|e| format!("{}: {e}", wasm.display()))?;
    let text = renamed_in_js(&text, &renames).map_err(|e| format!("{}: {e}", js.display()))?;
    fs::write(wasm, bytes).map_err(|e| format!("cannot write {}: {e}", wasm.display()))?;
    fs::write(js, text).map_err(|e| format!("cannot write {}: {e}", js.display()))
}

/// The module with its bindings' imports and its hashed exports renamed,
/// and each renaming.
fn renamed(bytes: &[u8]) -> Result<(Vec<u8>, Vec<Rename>)> {
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
        let section = match id {
            2 => import_section(body, &mut renames)?,
            7 => export_section(body, &mut renames)?,
            _ => {
                out.extend_from_slice(&bytes[start..r.at]);
                continue;
            }
        };
        out.push(id);
        leb(section.len(), &mut out);
        out.extend(section);
    }
    Ok((out, renames))
}

/// The export section `body` written again, the exports whose name ends in
/// a symbol hash renamed `_a`, `_b`, … (no other export starts with `_`
/// and a letter alone).
fn export_section(body: &[u8], renames: &mut Vec<Rename>) -> Result<Vec<u8>> {
    let mut s = Reader { bytes: body, at: 0 };
    let count = s.u32()?;
    let mut exports = Vec::new();
    for _ in 0..count {
        let name_len = s.u32()? as usize;
        let name = String::from_utf8(s.take(name_len)?.to_vec()).map_err(|_| "an export name is not UTF-8")?;
        let descriptor = s.at;
        s.byte()?;
        s.u32()?;
        exports.push((name, &body[descriptor..s.at]));
    }
    if s.at != body.len() {
        return Err("the export section has bytes after its exports".into());
    }
    let mut out = Vec::with_capacity(body.len());
    leb(exports.len(), &mut out);
    let mut hashed = 0;
    for (name, descriptor) in &exports {
        let name = if ends_in_symbol_hash(name) {
            let new = format!("_{}", short_name(hashed));
            hashed += 1;
            if exports.iter().any(|(other, _)| *other == new) {
                return Err(format!("an export is already named {new}"));
            }
            renames.push(Rename { old: name.clone(), new: new.clone(), export: true });
            new
        } else {
            name.clone()
        };
        leb(name.len(), &mut out);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(descriptor);
    }
    Ok(out)
}

/// `…__h0123456789abcdef`: a Rust symbol's hash, as wasm-bindgen leaves it
/// in the names of the closures' entry points.
fn ends_in_symbol_hash(name: &str) -> bool {
    name.len() > 19 && name.is_char_boundary(name.len() - 19) && {
        let (_, hash) = name.split_at(name.len() - 19);
        hash.starts_with("__h") && hash[3..].bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    }
}

/// The import section `body` written again, the bindings' imports renamed.
fn import_section(body: &[u8], renames: &mut Vec<Rename>) -> Result<Vec<u8>> {
    let mut s = Reader { bytes: body, at: 0 };
    let mut out = Vec::with_capacity(body.len());
    let count = s.u32()?;
    leb(count as usize, &mut out);
    let mut renamed = 0;
    for _ in 0..count {
        let module_len = s.u32()? as usize;
        let module = s.take(module_len)?;
        let name_len = s.u32()? as usize;
        let name = s.take(name_len)?;
        let descriptor = s.at;
        s.import_descriptor()?;
        leb(module.len(), &mut out);
        out.extend_from_slice(module);
        let name = if module == BINDINGS {
            let new = short_name(renamed);
            renamed += 1;
            renames.push(Rename { old: String::from_utf8(name.to_vec()).map_err(|_| "an import name is not UTF-8")?, new: new.clone(), export: false });
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

/// `js` with each old name replaced where it is found once: an import's
/// as an identifier, an export's as a property read.
fn renamed_in_js(js: &str, renames: &[Rename]) -> Result<String> {
    let mut out = js.to_string();
    for Rename { old, new, export } in renames {
        let found: Vec<usize> = identifiers(&out, old).filter(|&at| !export || out[..at].ends_with('.')).collect();
        let [at] = found[..] else {
            return Err(format!("the name {old} is in main.js {} times, not once: update xtask/src/binding_names.rs", found.len()));
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
        let (out, renames) = renamed(&wasm).unwrap();
        let import = |old: &str, new: &str| Rename { old: old.into(), new: new.into(), export: false };
        assert_eq!(renames, [import(long, "a"), import(cast, "b")]);
        assert_eq!(out, module(&[("./main_bg.js", "a"), ("./__wasm_split.js", "__wasm_split_load_formats"), ("./main_bg.js", "b")]));
        let js = format!("const x = {{ __proto__: null, {long}: function() {{}}, {cast}: function(a) {{ return a; }} }};\nconst {long}_other = 1; // {long}x");
        let renamed = renamed_in_js(&js, &renames).unwrap();
        assert_eq!(renamed, format!("const x = {{ __proto__: null, a: function() {{}}, b: function(a) {{ return a; }} }};\nconst {long}_other = 1; // {long}x"));
    }

    /// A module exporting `exports` as function 0 (not checked: only the
    /// export section is read).
    fn exporting(exports: &[&str]) -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        let mut section = Vec::new();
        leb(exports.len(), &mut section);
        for export in exports {
            name(&mut section, export);
            section.extend([0, 0]);
        }
        m.push(7);
        leb(section.len(), &mut m);
        m.extend(section);
        m
    }

    #[test]
    fn the_exports_named_with_a_symbol_hash_get_short_names() {
        let invoke = "wasm_bindgen__convert__closures_____invoke__h837d3ee8dc2e0fb3";
        let other = "closure__invoke__h24a661bbdf0ee996";
        let wasm = exporting(&["mount", invoke, "memory", "not_a_hash__hXYZ4a661bbdf0ee99", other]);
        let (out, renames) = renamed(&wasm).unwrap();
        let export = |old: &str, new: &str| Rename { old: old.into(), new: new.into(), export: true };
        assert_eq!(renames, [export(invoke, "_a"), export(other, "_b")]);
        assert_eq!(out, exporting(&["mount", "_a", "memory", "not_a_hash__hXYZ4a661bbdf0ee99", "_b"]));
        // wasm-bindgen's wrapper of an export may bear its name: it keeps it.
        let js = format!("export function mount() {{ return wasm.mount(); }}\nfunction {invoke}(a) {{ wasm.{invoke}(a); wasm.{other}(a); }}\nmake({invoke});");
        assert_eq!(
            renamed_in_js(&js, &renames).unwrap(),
            format!("export function mount() {{ return wasm.mount(); }}\nfunction {invoke}(a) {{ wasm._a(a); wasm._b(a); }}\nmake({invoke});")
        );
        assert!(renamed(&exporting(&[invoke, "_a"])).unwrap_err().contains("already named _a"));
        assert!(!ends_in_symbol_hash("__h837d3ee8dc2e0fb3") && !ends_in_symbol_hash("x__h837D3EE8DC2E0FB3") && ends_in_symbol_hash("x__h837d3ee8dc2e0fb3"));
    }

    #[test]
    fn a_name_main_js_holds_twice_or_never_stops_the_build() {
        let renames = [Rename { old: "__wbg_f_1".into(), new: "a".into(), export: false }];
        assert!(renamed_in_js("{__wbg_f_1: 1, y: __wbg_f_1}", &renames).unwrap_err().contains("2 times"));
        assert!(renamed_in_js("{__wbg_f_12: 1}", &renames).unwrap_err().contains("0 times"));
        let read_twice = [Rename { old: "f__h0123456789abcdef".into(), new: "_a".into(), export: true }];
        assert!(renamed_in_js("wasm.f__h0123456789abcdef(); wasm.f__h0123456789abcdef();", &read_twice).unwrap_err().contains("2 times"));
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
            let _ = renamed(&m[..cut]);
        }
        assert!(renamed(&m[..20]).is_err(), "cut inside the import section");
        assert!(renamed(b"not wasm").is_err());
        // One byte more at the end of the import section (its id at 14, after the type section).
        let mut extra = m.clone();
        let size = extra[15] as usize;
        extra.insert(16 + size, 0);
        extra[15] += 1;
        assert!(renamed(&extra).unwrap_err().contains("after its imports"));
    }
}
