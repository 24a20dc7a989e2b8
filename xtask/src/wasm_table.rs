//! Just enough of the wasm binary format to read a module's function table:
//! for each table slot, the function there (its name, from the name
//! section) and its signature (parameter and result bytes). Used by the
//! check of the parts (`part_calls.rs`) to see which functions wasm-bindgen
//! gives another signature. Everything read is checked against the input's
//! length (`wasm_reader.rs`): a malformed module is an error, never a panic.

use crate::wasm_reader::Reader;
use std::collections::BTreeMap;

/// Slot → (function name, signature as its parameter and result bytes).
pub type Table = BTreeMap<u32, (String, Vec<u8>)>;

/// The function table of the module `bytes`.
pub fn read(bytes: &[u8]) -> Result<Table, String> {
    if bytes.len() < 8 || &bytes[..4] != b"\0asm" {
        return Err("not a wasm module".into());
    }
    let mut r = Reader { bytes, at: 8 };
    let mut types: Vec<Vec<u8>> = Vec::new();
    let mut functions: Vec<u32> = Vec::new(); // type of every function, imports first
    let mut slots: BTreeMap<u32, u32> = BTreeMap::new();
    let mut names: BTreeMap<u32, String> = BTreeMap::new();
    while r.at < bytes.len() {
        let id = r.byte()?;
        let size = r.u32()? as usize;
        let mut s = Reader { bytes: r.take(size)?, at: 0 };
        match id {
            1 => {
                for _ in 0..s.u32()? {
                    s.byte()?; // 0x60
                    let params = s.u32()? as usize;
                    let mut signature = s.take(params)?.to_vec();
                    signature.push(b'>');
                    let results = s.u32()? as usize;
                    signature.extend_from_slice(s.take(results)?);
                    types.push(signature);
                }
            }
            2 => {
                for _ in 0..s.u32()? {
                    s.name()?;
                    s.name()?;
                    if let Some(ty) = s.import_descriptor()? {
                        functions.push(ty);
                    }
                }
            }
            3 => {
                for _ in 0..s.u32()? {
                    functions.push(s.u32()?);
                }
            }
            9 => {
                for _ in 0..s.u32()? {
                    let flags = s.u32()?;
                    if flags & 0b011 == 0b010 {
                        s.u32()?; // table index
                    }
                    let start = if flags & 1 == 0 { s.offset()? } else { None };
                    if flags & 0b011 != 0 {
                        s.byte()?; // element kind or reference type
                    }
                    for k in 0..s.u32()? {
                        let function = if flags & 0b100 != 0 {
                            let op = s.byte()?;
                            let f = if op == 0xd2 { Some(s.u32()?) } else { s.u32().map(|_| None)? };
                            while s.byte()? != 0x0b {}
                            f
                        } else {
                            Some(s.u32()?)
                        };
                        if let (Some(start), Some(f)) = (start, function) {
                            slots.insert(start + k, f);
                        }
                    }
                }
            }
            0 => {
                if s.name()? == "name" {
                    while s.at < s.bytes.len() {
                        let sub = s.byte()?;
                        let len = s.u32()? as usize;
                        let mut n = Reader { bytes: s.take(len)?, at: 0 };
                        if sub == 1 {
                            for _ in 0..n.u32()? {
                                let index = n.u32()?;
                                names.insert(index, n.name()?);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    slots
        .into_iter()
        .map(|(slot, f)| {
            let ty = functions.get(f as usize).and_then(|&t| types.get(t as usize)).ok_or(format!("slot {slot} names no function"))?;
            Ok((slot, (names.get(&f).cloned().unwrap_or_else(|| format!("function {f}")), ty.clone())))
        })
        .collect()
}

/// The names of the functions whose signature differs between `before`
/// and `after` in the same table slot.
pub fn retyped(before: &Table, after: &Table) -> Vec<String> {
    before
        .iter()
        .filter(|(slot, (_, ty))| after.get(slot).is_some_and(|(_, t)| t != ty))
        .map(|(_, (name, _))| name.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module with one type per entry of `sigs`, one function per type,
    /// a table `[f0, f1, …]` from slot 1, and the functions named `f<i>`.
    fn module(sigs: &[(&[u8], &[u8])]) -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        let section = |m: &mut Vec<u8>, id: u8, body: Vec<u8>| {
            m.push(id);
            m.push(body.len() as u8);
            m.extend(body);
        };
        let mut types = vec![sigs.len() as u8];
        for (p, r) in sigs {
            types.push(0x60);
            types.push(p.len() as u8);
            types.extend_from_slice(p);
            types.push(r.len() as u8);
            types.extend_from_slice(r);
        }
        section(&mut m, 1, types);
        let mut funcs = vec![sigs.len() as u8];
        funcs.extend((0..sigs.len() as u8).collect::<Vec<_>>());
        section(&mut m, 3, funcs);
        let mut elem = vec![1, 0, 0x41, 1, 0x0b, sigs.len() as u8];
        elem.extend((0..sigs.len() as u8).collect::<Vec<_>>());
        section(&mut m, 9, elem);
        let mut names = vec![4, b'n', b'a', b'm', b'e', 1];
        let mut sub = vec![sigs.len() as u8];
        for i in 0..sigs.len() as u8 {
            sub.extend([i, 2, b'f', b'0' + i]);
        }
        names.push(sub.len() as u8);
        names.extend(sub);
        section(&mut m, 0, names);
        m
    }

    #[test]
    fn a_function_given_another_signature_in_its_slot_is_named() {
        let before = read(&module(&[(&[0x7f], &[0x7f]), (&[0x7f, 0x7f], &[])])).unwrap();
        assert_eq!(before[&1], ("f0".to_string(), vec![0x7f, b'>', 0x7f]));
        assert_eq!(before[&2].0, "f1");
        // The second function now takes a reference (externref) instead of a number.
        let after = read(&module(&[(&[0x7f], &[0x7f]), (&[0x6f, 0x7f], &[])])).unwrap();
        assert_eq!(retyped(&before, &after), vec!["f1".to_string()]);
        assert!(retyped(&before, &before).is_empty());
    }

    #[test]
    fn a_truncated_or_foreign_file_is_an_error() {
        let m = module(&[(&[0x7f], &[0x7f])]);
        // Cut anywhere: an error or (at a section's end) a shorter table, never a panic.
        for cut in 0..m.len() {
            let _ = read(&m[..cut]);
        }
        assert!(read(&m[..12]).is_err(), "cut inside the type section");
        assert!(read(b"not wasm").is_err());
    }
}
