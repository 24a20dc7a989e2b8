//! The parts fetched ahead, in one file. Once the first frame is painted the
//! app fetches three parts (`side_panel`, `flows`, `text_search`: see
//! `src/app/side_panel_part.rs`), and the splitter's loader fetches each
//! with the shared chunks it needs: 25 files, most under 2 KB. Over
//! HTTP/1.1 (six connections) that is four or five round trips; compressed
//! one by one they share nothing. `ahead.pack` holds those files end to end
//! and `ahead.js` hands them out: one request for the reader, one for the
//! pack, one Brotli stream.
//!
//! Units: byte offsets into `ahead.pack`, the end exclusive. Invariants:
//! every packed file is removed from the build; the loader marks its URL
//! (`./chunk_12.wasm#ahead`) and its one fetch site (`split_loader.rs`)
//! sends a marked URL to
//! `ahead.js`, imported then, with its own request for the pack started
//! beside the import (so the first load carries only the marks and that
//! line: the index and the reader are not the first paint's); the build
//! fails if the splitter's loader no longer has either.

use crate::split_loader::FETCH_SITE;
use crate::Result;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// The parts the app fetches once the first frame is painted.
pub const AHEAD: [&str; 3] = ["side_panel", "flows", "text_search"];

/// The part the standalone page fetches as it starts (`src/standalone.rs`).
/// Its file and its chunks stay out of the pack, which the page would
/// otherwise wait for whole before it could start: the page preloads them
/// (`bundle.rs`), and a part fetched ahead that shares one of those chunks
/// asks for it on its own.
pub const AT_START: &str = "standalone";

/// The pack's name, beside the loader.
pub const PACK: &str = "ahead.pack";

/// The module that hands the packed files out, beside the loader.
pub const READER: &str = "ahead.js";

/// What marks a packed file's URL in the loader.
const MARK: &str = "#ahead";


/// Writes `ahead.pack` and `ahead.js` in `work` from the parts in
/// [`AHEAD`] and their chunks, removes the packed files, and has
/// `__wasm_split.js` take them through `ahead.js`. Returns the files of
/// the part [`AT_START`], which stay as they are.
pub fn write(work: &Path) -> Result<Vec<String>> {
    let loader_path = work.join("__wasm_split.js");
    let mut loader = fs::read_to_string(&loader_path).map_err(|e| format!("cannot read {}: {e}", loader_path.display()))?;
    let at_start = part_files(&loader, AT_START)?;
    let mut pack = Vec::new();
    let mut index = Vec::new();
    for file in packed_files(&loader, &at_start)? {
        let path = work.join(&file);
        let bytes = fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        loader = marked(&loader, &file)?;
        index.push(format!("\"{file}\":[{},{}]", pack.len(), pack.len() + bytes.len()));
        pack.extend_from_slice(&bytes);
        fs::remove_file(&path).map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
    }
    fs::write(work.join(PACK), &pack).map_err(|e| format!("cannot write {PACK}: {e}"))?;
    fs::write(work.join(READER), reader(&index)).map_err(|e| format!("cannot write {READER}: {e}"))?;
    fs::write(&loader_path, with_reader(&loader)?).map_err(|e| format!("cannot write {}: {e}", loader_path.display()))?;
    Ok(at_start)
}

/// The loader with `file`'s one URL marked as packed.
fn marked(loader: &str, file: &str) -> Result<String> {
    let url = format!("new URL(\"./{file}\", import.meta.url)");
    if loader.matches(&url).count() != 1 {
        return Err(format!("the splitter's loader does not name {file} once as `{url}`: update xtask/src/ahead_pack.rs"));
    }
    Ok(loader.replacen(&url, &format!("new URL(\"./{file}{MARK}\", import.meta.url)"), 1))
}

/// The files of the parts in [`AHEAD`] and of the chunks they load, each
/// once, in the loader's order, but those in `at_start` (the files of the
/// part [`AT_START`]).
fn packed_files(loader: &str, at_start: &[String]) -> Result<Vec<String>> {
    let mut files = Vec::new();
    for part in AHEAD {
        for file in part_files(loader, part)? {
            if !files.contains(&file) && !at_start.contains(&file) {
                files.push(file);
            }
        }
    }
    Ok(files)
}

/// The files `part` is loaded from: its chunks', in the loader's order,
/// then its own.
fn part_files(loader: &str, part: &str) -> Result<Vec<String>> {
    let chunks = chunk_files(loader);
    let (file, deps) = part_line(loader, part)?;
    let mut files = Vec::new();
    for dep in deps {
        let chunk = chunks.get(dep.as_str()).ok_or_else(|| format!("the loader names {dep} for {part} but never defines it"))?;
        files.push(chunk.clone());
    }
    files.push(file);
    Ok(files)
}

/// `const __chunk_12 = makeLoad(fetcher(new URL("./chunk_12.wasm", …` → name → file.
fn chunk_files(loader: &str) -> BTreeMap<String, String> {
    loader
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("const ")?;
            let (name, rest) = rest.split_once(" = makeLoad(fetcher(new URL(\"./")?;
            let (file, _) = rest.split_once('"')?;
            Some((name.to_string(), file.to_string()))
        })
        .collect()
}

/// `export const __wasm_split_load_<part> = wrapAsyncCb(makeLoad(fetcher(new
/// URL("./split_<part>.wasm", import.meta.url)), [__chunk_12, …]));` → the
/// part's file and its chunks' names.
fn part_line(loader: &str, part: &str) -> Result<(String, Vec<String>)> {
    let prefix = format!("export const __wasm_split_load_{part} = wrapAsyncCb(makeLoad(fetcher(new URL(\"./");
    let missing = || format!("the splitter's loader has no part {part:?} (are `ahead_pack::AHEAD` and `AT_START` still the app's split points?)");
    let line = loader.lines().find_map(|l| l.strip_prefix(prefix.as_str())).ok_or_else(missing)?;
    let (file, rest) = line.split_once('"').ok_or_else(missing)?;
    let deps = rest.split_once('[').and_then(|(_, r)| r.split_once(']')).map(|(d, _)| d).ok_or_else(missing)?;
    let deps = deps.split(',').map(str::trim).filter(|d| !d.is_empty()).map(String::from).collect();
    Ok((file.to_string(), deps))
}

/// The loader with its one fetch site sending a marked URL to `ahead.js`,
/// and asking for the pack as it imports `ahead.js` (not once `ahead.js`
/// is there: a round trip less, 150 ms on a slow line); `ahead.js` takes
/// that first answer. A request that failed is forgotten (the next load
/// asks again), and `ahead.js` asks itself when it was given none.
fn with_reader(loader: &str) -> Result<String> {
    if loader.matches(FETCH_SITE).count() != 1 {
        return Err(format!("the splitter's loader no longer has `{FETCH_SITE}` once: update xtask/src/ahead_pack.rs"));
    }
    let site = format!(
        "const src = url.hash ? ((aheadPack ??= fetch(new URL(\"./{PACK}\", import.meta.url)).catch(() => (aheadPack = undefined))), import(\"./{READER}\").then((m) => m.take(url, aheadPack))) : fetch(url);"
    );
    Ok(format!("let aheadPack;\n{}", loader.replacen(FETCH_SITE, &site, 1)))
}

/// `ahead.js`: the index (file → start, end) and `take(url, started)`, a
/// Response with the file's bytes (`started`: the loader's request for the
/// pack, used the first time). A failed fetch of the pack is not kept: the
/// next load asks again, as the loader does for its own modules. Once every
/// file has been handed out the bytes are let go (each module is
/// instantiated once; a load retried after that fetches the pack again,
/// from the HTTP cache).
fn reader(index: &[String]) -> String {
    format!(
        r##"// Hands out the files of {PACK} (written by `cargo xtask build`: xtask/src/ahead_pack.rs).
const PACKED = {{{entries}}};
let pack, early, unclaimed = {count};
export function take(url, started) {{
    const [start, end] = PACKED[url.pathname.slice(url.pathname.lastIndexOf("/") + 1)];
    if (early === undefined) early = started ?? null;
    const loading = pack ??= Promise.resolve(early).then((r) => r || fetch(new URL("./{PACK}", import.meta.url))).then((r) => r.ok ? r.arrayBuffer() : Promise.reject(new Error(`{PACK}: HTTP ${{r.status}}`)));
    early = null;
    loading.catch(() => {{ if (pack === loading) pack = undefined; }});
    return loading.then((bytes) => {{
        if (!--unclaimed) pack = undefined;
        return new Response(bytes.slice(start, end), {{ headers: {{ "Content-Type": "application/wasm" }} }});
    }});
}}
"##,
        entries = index.join(","),
        count = index.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOADER: &str = r#"import { initSync } from "./main.js";
function fetcher(url) {
    return () => {
        const src = fetch(url);
        return src;
    }
}
const __chunk_12 = makeLoad(fetcher(new URL("./chunk_12.wasm", import.meta.url)), []);
const __chunk_13 = makeLoad(fetcher(new URL("./chunk_13.wasm", import.meta.url)), []);
const __chunk_14 = makeLoad(fetcher(new URL("./chunk_14.wasm", import.meta.url)), []);
const __chunk_15 = makeLoad(fetcher(new URL("./chunk_15.wasm", import.meta.url)), []);
export const __wasm_split_load_text_search = wrapAsyncCb(makeLoad(fetcher(new URL("./split_text_search.wasm", import.meta.url)), [__chunk_13]));
export const __wasm_split_load_side_panel = wrapAsyncCb(makeLoad(fetcher(new URL("./split_side_panel.wasm", import.meta.url)), [__chunk_12, __chunk_13]));
export const __wasm_split_load_formats = wrapAsyncCb(makeLoad(fetcher(new URL("./split_formats.wasm", import.meta.url)), [__chunk_12, __chunk_14]));
export const __wasm_split_load_flows = wrapAsyncCb(makeLoad(fetcher(new URL("./split_flows.wasm", import.meta.url)), []));
export const __wasm_split_load_standalone = wrapAsyncCb(makeLoad(fetcher(new URL("./split_standalone.wasm", import.meta.url)), [__chunk_13, __chunk_15]));
"#;

    #[test]
    fn the_parts_fetched_ahead_and_their_chunks_are_packed_once_each_but_what_the_start_needs() {
        let at_start = part_files(LOADER, AT_START).unwrap();
        assert_eq!(at_start, ["chunk_13.wasm", "chunk_15.wasm", "split_standalone.wasm"]);
        let files = packed_files(LOADER, &at_start).unwrap();
        assert_eq!(files, ["chunk_12.wasm", "split_side_panel.wasm", "split_flows.wasm", "split_text_search.wasm"]);
    }

    #[test]
    fn a_part_the_loader_lacks_or_a_chunk_it_never_defines_stops_the_build() {
        let without = LOADER.replace("__wasm_split_load_flows", "__wasm_split_load_other");
        assert!(packed_files(&without, &[]).unwrap_err().contains("\"flows\""));
        let without_start = LOADER.replace("__wasm_split_load_standalone", "__wasm_split_load_other");
        assert!(part_files(&without_start, AT_START).unwrap_err().contains("\"standalone\""));
        let undefined = LOADER.replace("const __chunk_13 =", "const __chunk_99 =");
        assert!(packed_files(&undefined, &[]).unwrap_err().contains("__chunk_13"));
    }

    #[test]
    fn the_loader_sends_marked_urls_to_the_reader_at_its_one_fetch_site() {
        let named = marked(LOADER, "chunk_12.wasm").unwrap();
        assert!(named.contains(r#"const __chunk_12 = makeLoad(fetcher(new URL("./chunk_12.wasm#ahead", import.meta.url)), []);"#), "{named}");
        let out = with_reader(&named).unwrap();
        assert!(
            out.contains(r#"const src = url.hash ? ((aheadPack ??= fetch(new URL("./ahead.pack", import.meta.url)).catch(() => (aheadPack = undefined))), import("./ahead.js").then((m) => m.take(url, aheadPack))) : fetch(url);"#),
            "{out}"
        );
        assert!(out.starts_with("let aheadPack;\n"), "{out}");
        assert!(!out.contains("const src = fetch(url);"));
        let changed = LOADER.replace("const src = fetch(url);", "const src = fetch(url, opts);");
        assert!(with_reader(&changed).unwrap_err().contains("no longer has"));
        assert!(marked(LOADER, "chunk_99.wasm").unwrap_err().contains("chunk_99.wasm"));
    }

    #[test]
    fn the_pack_holds_the_files_end_to_end_and_they_are_gone_from_the_build() {
        let dir = std::env::temp_dir().join(format!("ahead-pack-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("__wasm_split.js"), LOADER).unwrap();
        for (file, bytes) in [("chunk_12.wasm", &b"\0asm12"[..]), ("chunk_13.wasm", b"\0asm13"), ("chunk_14.wasm", b"\0asm14"), ("split_side_panel.wasm", b"SP"), ("split_flows.wasm", b"F"), ("split_text_search.wasm", b"TS"), ("split_formats.wasm", b"FMT"), ("chunk_15.wasm", b"\0asm15"), ("split_standalone.wasm", b"ST")] {
            fs::write(dir.join(file), bytes).unwrap();
        }
        assert_eq!(write(&dir).unwrap(), ["chunk_13.wasm", "chunk_15.wasm", "split_standalone.wasm"]);
        assert_eq!(fs::read(dir.join(PACK)).unwrap(), b"\0asm12SPFTS");
        let left: Vec<String> = {
            let mut l: Vec<String> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
            l.sort();
            l
        };
        assert_eq!(left, ["__wasm_split.js", "ahead.js", "ahead.pack", "chunk_13.wasm", "chunk_14.wasm", "chunk_15.wasm", "split_formats.wasm", "split_standalone.wasm"]);
        let loader = fs::read_to_string(dir.join("__wasm_split.js")).unwrap();
        assert!(loader.contains(r#"__wasm_split_load_side_panel = wrapAsyncCb(makeLoad(fetcher(new URL("./split_side_panel.wasm#ahead", import.meta.url)), [__chunk_12, __chunk_13]))"#), "{loader}");
        assert!(loader.contains(r#"new URL("./split_formats.wasm", import.meta.url)"#) && loader.contains(r#"new URL("./chunk_14.wasm", import.meta.url)"#), "{loader}");
        assert!(loader.contains(r#"new URL("./chunk_13.wasm", import.meta.url)"#) && loader.contains(r#"new URL("./split_standalone.wasm", import.meta.url)"#), "{loader}");
        let reader = fs::read_to_string(dir.join(READER)).unwrap();
        assert!(reader.contains(r#"const PACKED = {"chunk_12.wasm":[0,6],"split_side_panel.wasm":[6,8],"split_flows.wasm":[8,9],"split_text_search.wasm":[9,11]};"#), "{reader}");
        assert!(reader.contains("let pack, early, unclaimed = 4;"), "{reader}");
        fs::remove_dir_all(&dir).unwrap();
    }
}
