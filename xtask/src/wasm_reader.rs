//! Just enough of a reader for the wasm binary format: LEB128 numbers,
//! names, limits and constant expressions, each checked against the
//! input's length (a malformed module is an error, never a panic). Shared
//! by the table's reader (`wasm_table.rs`) and the renaming of the names
//! between the first wasm and its bindings (`binding_names.rs`).

/// Reads `bytes` from `at` on.
pub struct Reader<'a> {
    pub bytes: &'a [u8],
    pub at: usize,
}

impl<'a> Reader<'a> {
    pub fn byte(&mut self) -> Result<u8, String> {
        let b = *self.bytes.get(self.at).ok_or("the module ends early")?;
        self.at += 1;
        Ok(b)
    }

    pub fn u32(&mut self) -> Result<u32, String> {
        let mut value: u64 = 0;
        for shift in (0..35).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return u32::try_from(value).map_err(|_| "a number does not fit 32 bits".to_string());
            }
        }
        Err("a number runs past 5 bytes".into())
    }

    /// A signed LEB128 (an `i32.const`), kept only when it is not negative.
    pub fn i32_offset(&mut self) -> Result<u32, String> {
        let mut value: i64 = 0;
        let mut shift = 0;
        loop {
            let b = self.byte()?;
            value |= i64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                if shift < 64 && b & 0x40 != 0 {
                    value |= -1 << shift;
                }
                return u32::try_from(value).map_err(|_| "a negative table offset".to_string());
            }
            if shift > 35 {
                return Err("a number runs past 5 bytes".into());
            }
        }
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len()).ok_or("the module ends early")?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    pub fn name(&mut self) -> Result<String, String> {
        let n = self.u32()? as usize;
        Ok(String::from_utf8_lossy(self.take(n)?).into_owned())
    }

    pub fn limits(&mut self) -> Result<(), String> {
        let flags = self.byte()?;
        self.u32()?;
        if flags & 1 != 0 {
            self.u32()?;
        }
        Ok(())
    }

    /// An import's descriptor (after its module and name): the type of an
    /// imported function, `None` for a table, a memory or a global.
    pub fn import_descriptor(&mut self) -> Result<Option<u32>, String> {
        match self.byte()? {
            0 => return self.u32().map(Some),
            1 => {
                self.byte()?;
                self.limits()?;
            }
            2 => self.limits()?,
            3 => {
                self.take(2)?;
            }
            kind => return Err(format!("an import of kind {kind}")),
        }
        Ok(None)
    }

    /// A constant expression up to its `end`; its value when it is `i32.const`.
    pub fn offset(&mut self) -> Result<Option<u32>, String> {
        let op = self.byte()?;
        let value = if op == 0x41 { Some(self.i32_offset()?) } else { None };
        while self.byte()? != 0x0b {}
        Ok(value)
    }
}
