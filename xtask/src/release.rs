//! The release build of the widget, `cargo xtask build`, into `dist/`.
//!
//! Trunk cannot split a wasm (its issue #1022), so it builds only the page
//! (`index.html` without its Rust link: the stylesheets with their hashes,
//! the CMS example) and this runs the code's pipeline itself:
//!
//! 1. cargo builds `marginalia-web` with the feature `split` and
//!    `--emit-relocs` (the splitter needs the linker's relocations);
//! 2. `wasm-split-cli` cuts it at the split points of `src/on_demand/` into
//!    the first load (`main.wasm`) and chunks fetched on first use, with
//!    `__wasm_split.js`, their loader (given one fetch site:
//!    `split_loader.rs`, and written into the bindings' module once they
//!    exist: `merged_loader.rs`); it runs twice and the two outputs must be equal
//!    byte for byte, so one source always gives one `code-<hash>/`;
//! 3. `wasm-bindgen` writes the first load's bindings (`main.js`), keeping
//!    the exports the chunks link against; the names it gives with hashes
//!    (the first wasm's imports, the closures' entry points) are made short
//!    in both files (`binding_names.rs`);
//! 4. `wasm-opt` shrinks every module (`-Oz`, then once more after
//!    flattening and re-looping its control flow, and after merging
//!    functions that differ only in constants; told that the first KiB of
//!    memory is unused), and terser minifies the scripts of the code (and, once
//!    `bundle.rs` has written them, `marginalia.js` and `start.js`);
//! 5. all of it goes into `dist/code-<hash>/`, named by its content so a
//!    CDN may cache it forever; `bundle.rs` writes the two ways in;
//! 6. every script, stylesheet, wasm and page gets a `.br` sibling (Brotli at
//!    its highest quality, on Node's zlib) and a `.gz` one (gzip -9), both by
//!    `precompress.mjs`: `marginalia serve --static` sends the first the
//!    browser accepts, Brotli before gzip, as a CDN does (Brotli is 20 %
//!    smaller on the first wasm, measured: 265 KB against 332 KB).
//!
//! `trunk serve` still builds one unsplit module for development.

use crate::{ahead_pack, binding_names, bundle, dist_dir, merged_loader, part_calls, root, run, split_loader, step, target_dir, tool_cmd, Result};
use std::fs;
use std::path::{Path, PathBuf};

/// The crate, binary and profile that make the widget (as in `index.html`).
const PACKAGE: &str = "marginalia-web";
const PROFILE: &str = "wasm-release";

pub fn build() -> Result {
    let dist = dist_dir();
    page(&dist)?;
    let wasm = compile()?;
    let work = target_dir().join("split");
    let _ = fs::remove_dir_all(&work);
    split(&wasm, &work)?;
    split_loader::rewrite(&work.join("__wasm_split.js"))?;
    bindgen(&work)?;
    step("the names between the first wasm and its bindings made short (binding_names.rs)");
    binding_names::shorten(&work.join("pkg/main_bg.wasm"), &work.join("pkg/main.js"))?;
    optimize(&work)?;
    step("ahead.pack and ahead.js (the parts fetched after the first paint, in one file)");
    let at_start = ahead_pack::write(&work)?;
    merged_loader::merge(&work)?;
    minify(&work)?;
    let code_dir = place(&work, &dist)?;
    bundle::finish(&dist, &code_dir, &at_start)?;
    step("terser (the two ways in: marginalia.js, start.js)");
    for script in [dist.join("marginalia.js"), dist.join("start.js")] {
        terser(&script)?;
    }
    precompress(&dist)
}

/// Writes `x.gz` and `x.br` beside every file served under `dir`
/// (`precompress.mjs` holds the list).
fn precompress(dir: &Path) -> Result {
    step("gzip -9 and Brotli (quality 11): the precompressed siblings of every file served");
    run(tool_cmd("node").arg("xtask/src/precompress.mjs").arg(dir))
}

/// Trunk on a copy of `index.html` without the Rust link, in a directory
/// without `Cargo.toml` (else Trunk builds the crate it finds there).
fn page(dist: &Path) -> Result {
    step("trunk build --release (the page: styles, the CMS example)");
    let dir = target_dir().join("page");
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let index = fs::read_to_string(root().join("index.html")).map_err(|e| format!("cannot read index.html: {e}"))?;
    let page = page_without_code(&index, &relative_root(&dir)?)?;
    let page_path = dir.join("index.html");
    fs::write(&page_path, page).map_err(|e| format!("cannot write {}: {e}", page_path.display()))?;
    run(tool_cmd("trunk").args(["build", "--release", "--dist"]).arg(dist).arg(&page_path))
}

/// `../..` from `dir` back to the workspace root.
fn relative_root(dir: &Path) -> Result<String> {
    let rest = dir.strip_prefix(root()).map_err(|_| format!("{} is outside the workspace", dir.display()))?;
    Ok(rest.components().map(|_| "..").collect::<Vec<_>>().join("/"))
}

/// `index.html` without its `rel="rust"` link, each `href` of a Trunk link
/// made relative to `up` (the way back to the workspace root).
fn page_without_code(index: &str, up: &str) -> Result<String> {
    let mut out = String::new();
    let mut removed = false;
    for line in index.lines() {
        if line.contains("data-trunk") && line.contains("rel=\"rust\"") {
            removed = true;
            continue;
        }
        if line.contains("data-trunk") {
            out.push_str(&line.replacen("href=\"", &format!("href=\"{up}/"), 1));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    if !removed {
        return Err("index.html has no `data-trunk rel=\"rust\"` link".into());
    }
    Ok(out)
}

/// The linked, unsplit wasm with its relocations.
fn compile() -> Result<PathBuf> {
    step("cargo build (marginalia-web, feature split, --emit-relocs)");
    run(tool_cmd("cargo")
        .args(["build", "--target", crate::setup::WASM_TARGET, "--profile", PROFILE])
        .args(["-p", PACKAGE, "--bin", PACKAGE, "--features", "split"])
        // Its own target directory: other RUSTFLAGS would rebuild what
        // `trunk serve` and the host tests keep in `target/`.
        .env("CARGO_TARGET_DIR", split_target_dir())
        .env("RUSTFLAGS", rustflags()))?;
    Ok(split_target_dir().join(crate::setup::WASM_TARGET).join(PROFILE).join(format!("{PACKAGE}.wasm")))
}

/// The linker keeps the relocations; the source paths that panic
/// locations carry lose the machine's prefixes (the registry's and the
/// workspace's), which every build would otherwise ship as data.
fn rustflags() -> String {
    // Crates from a registry live under `registry/src/<index>/`.
    let registries = fs::read_dir(crate::cargo_bin_dir().with_file_name("registry").join("src"))
        .map(|dirs| dirs.filter_map(|d| d.ok()).map(|d| (d.path(), "")).collect::<Vec<_>>())
        .unwrap_or_default();
    let mut flags = vec!["-Clink-args=--emit-relocs".to_string()];
    for (dir, name) in registries.into_iter().chain([(root(), "marginalia")]) {
        // A prefix with a space could not be passed through RUSTFLAGS.
        if let Some(d) = dir.to_str().filter(|d| !d.contains(' ')) {
            flags.push(format!("--remap-path-prefix={d}={name}"));
        }
    }
    flags.join(" ")
}

fn split_target_dir() -> PathBuf {
    target_dir().join("wasm-split")
}

/// Splits `wasm` into `work`, twice: a splitter whose output depends on
/// anything but its input would give each build of one source another
/// `code-<hash>/` (every returning annotator downloading the whole widget
/// again after a deployment that changed nothing), as 0.2.2 did.
fn split(wasm: &Path, work: &Path) -> Result {
    step("wasm-split-cli (first load + chunks fetched on first use), twice, compared");
    let again = work.with_extension("again");
    let _ = fs::remove_dir_all(&again);
    run(tool_cmd("wasm-split-cli").arg(wasm).arg(work))?;
    run(tool_cmd("wasm-split-cli").arg(wasm).arg(&again))?;
    let differing = differing_files(work, &again)?;
    fs::remove_dir_all(&again).map_err(|e| format!("cannot remove {}: {e}", again.display()))?;
    if !differing.is_empty() {
        return Err(format!("the splitter wrote different files from one input ({}): the release would not be reproducible", differing.join(", ")));
    }
    Ok(())
}

/// The names of the files that are not the same in `a` and `b` (present in
/// one only, or with other bytes).
fn differing_files(a: &Path, b: &Path) -> Result<Vec<String>> {
    let listing = |dir: &Path| -> Result<std::collections::BTreeMap<String, Vec<u8>>> {
        let mut files = std::collections::BTreeMap::new();
        for path in files_with_any_extension(dir)? {
            let bytes = fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            files.insert(path.file_name().unwrap_or_default().to_string_lossy().into_owned(), bytes);
        }
        Ok(files)
    };
    let (a, b) = (listing(a)?, listing(b)?);
    let names: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    Ok(names.into_iter().filter(|n| a.get(*n) != b.get(*n)).cloned().collect())
}

fn bindgen(work: &Path) -> Result {
    step("wasm-bindgen (the first load's bindings)");
    run(tool_cmd("wasm-bindgen")
        .arg(work.join("main.wasm"))
        .args(["--out-dir"])
        .arg(work.join("pkg"))
        .args(["--target", "web", "--no-typescript", "--keep-lld-exports"]))?;
    step("checking what the parts call in the first load");
    let parts: Vec<PathBuf> = files_with(work, "wasm")?.into_iter().filter(|p| !p.ends_with("main.wasm")).collect();
    part_calls::check(&parts.iter().map(PathBuf::as_path).collect::<Vec<_>>(), &work.join("main.wasm"), &work.join("pkg/main_bg.wasm"))?;
    fs::remove_file(work.join("main.wasm")).map_err(|e| format!("cannot remove main.wasm: {e}"))
}

/// What `wasm-opt` runs over every module: `-Oz`, then flattened and
/// re-looped (`--flatten --rereloop`) and `-Oz` again, which finds what the
/// first pass left (3.8 KB of the first load, gzipped); functions that
/// differ only in constants merged into one, then `-Oz` once more (0.7 KB);
/// last, the custom sections no browser reads (the producers and the target
/// features: about 290 B in each of the 40-odd modules) are dropped.
///
/// `--low-memory-unused` lets it fold an added constant below 1 KiB into
/// the offset of a load or store (2.2 KB of the first load, gzipped). The
/// two differ only where the sum wraps past 4 GiB into the first KiB, which
/// no address of ours does: on `wasm32-unknown-unknown` the linker puts the
/// stack first, growing down from 1 MiB, and the data above it.
const WASM_OPT_ARGS: [&str; 9] = [
    "--low-memory-unused",
    "-Oz",
    "--flatten",
    "--rereloop",
    "-Oz",
    "--merge-similar-functions",
    "-Oz",
    "--strip-producers",
    "--strip-target-features",
];

/// `wasm-opt` over the first load and every chunk, in place ([`WASM_OPT_ARGS`]).
fn optimize(work: &Path) -> Result {
    step(&format!("wasm-opt {} (every module)", WASM_OPT_ARGS.join(" ")));
    for wasm in files_with(work, "wasm")?.into_iter().chain(files_with(&work.join("pkg"), "wasm")?) {
        run(tool_cmd("wasm-opt").args(WASM_OPT_ARGS).arg(&wasm).arg("-o").arg(&wasm))?;
    }
    Ok(())
}

/// terser over the code's scripts (the bindings and the chunks' loader), in
/// place, as ES modules: their exports keep their names. 2.5 KB of the first
/// load, gzipped.
fn minify(work: &Path) -> Result {
    step("terser (the code's scripts)");
    for script in files_with(work, "js")?.into_iter().chain(files_with(&work.join("pkg"), "js")?) {
        terser(&script)?;
    }
    Ok(())
}

/// Minifies an ES module in place (its exports keep their names).
fn terser(script: &Path) -> Result {
    run(tool_cmd("terser").arg(script).args(["--module", "--compress", "--mangle", "--output"]).arg(script))
}

fn files_with(dir: &Path, extension: &str) -> Result<Vec<PathBuf>> {
    Ok(files_with_any_extension(dir)?.into_iter().filter(|p| p.extension().and_then(|e| e.to_str()) == Some(extension)).collect())
}

/// The files directly in `dir`, sorted.
fn files_with_any_extension(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// Moves the code into `dist/code-<hash>/` (every file of it side by side,
/// as the loaders expect) and returns that directory's name.
fn place(work: &Path, dist: &Path) -> Result<String> {
    let mut files = files_with(&work.join("pkg"), "wasm")?;
    files.extend(files_with(&work.join("pkg"), "js")?);
    files.extend(files_with(work, "wasm")?);
    files.extend(files_with(work, "js")?);
    files.extend(files_with(work, "pack")?);
    let mut hash = Fnv::default();
    for file in &files {
        hash.write(file.file_name().unwrap_or_default().as_encoded_bytes());
        hash.write(&fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?);
    }
    let name = format!("code-{:016x}", hash.0);
    let out = dist.join(&name);
    fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    for file in &files {
        let to = out.join(file.file_name().unwrap_or_default());
        fs::copy(file, &to).map_err(|e| format!("cannot copy {} to {}: {e}", file.display(), to.display()))?;
    }
    Ok(name)
}

/// FNV-1a, 64 bits: a name that changes with the content (not a security
/// hash; xtask stays free of dependencies).
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_keeps_its_assets_relative_to_the_root_and_drops_the_code() {
        let index = "<head>\n<link data-trunk rel=\"css\" href=\"styles/app.css\" />\n<link data-trunk rel=\"rust\" data-bin=\"x\" />\n<meta charset=\"utf-8\">\n</head>\n";
        let page = page_without_code(index, "../..").unwrap();
        assert!(page.contains("href=\"../../styles/app.css\""), "{page}");
        assert!(!page.contains("rel=\"rust\""), "{page}");
        assert!(page.contains("<meta charset=\"utf-8\">"));
        assert!(page_without_code("<head></head>", "..").is_err());
    }

    #[test]
    fn two_outputs_differ_by_a_byte_or_by_a_file() {
        let root = std::env::temp_dir().join(format!("split-twice-{}", std::process::id()));
        let (a, b) = (root.join("a"), root.join("b"));
        for dir in [&a, &b] {
            fs::create_dir_all(dir).unwrap();
            fs::write(dir.join("main.wasm"), b"\0asm1").unwrap();
            fs::write(dir.join("chunk_12.wasm"), b"\0asm2").unwrap();
        }
        assert!(differing_files(&a, &b).unwrap().is_empty());
        fs::write(b.join("chunk_12.wasm"), b"\0asm3").unwrap();
        fs::write(a.join("chunk_13.wasm"), b"\0asm4").unwrap();
        assert_eq!(differing_files(&a, &b).unwrap(), ["chunk_12.wasm", "chunk_13.wasm"]);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_content_hash_changes_with_any_byte() {
        let (mut a, mut b) = (Fnv::default(), Fnv::default());
        a.write(b"main_bg.wasm\0asm");
        b.write(b"main_bg.wasm\0asn");
        assert_ne!(a.0, b.0);
    }
}
