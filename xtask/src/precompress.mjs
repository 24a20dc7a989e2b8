// `node precompress.mjs DIR…` writes the precompressed siblings of every
// file served under each DIR (scripts, stylesheets, wasm and the pack of
// the parts fetched ahead, pages, JSON):
// `x.gz` (`gzip -9 -n`) and `x.br` (Brotli at its highest quality), the
// forms a CDN sends to a browser that accepts them (Brotli first). The one
// list of what is served, for `cargo xtask build` and the benchmark's site
// (every widget alike). A sibling newer than its file is left alone; one no
// smaller than its file is not kept (a module of a few dozen bytes), so the
// file itself is sent, as a CDN would send it. Node's
// zlib carries the reference Brotli library, so the build needs no other
// tool for it; gzip is the system's, as the sizes the build prints are.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";

const SERVED = /\.(js|css|wasm|pack|json|html)$/;
const TEXT = /\.(js|css|json|html)$/;

function fresh(file, sibling) {
  try {
    return statSync(sibling).mtimeMs >= statSync(file).mtimeMs;
  } catch {
    return false;
  }
}

// Drops `sibling` when compressing did not make `file` smaller.
function keepIfSmaller(file, sibling) {
  if (statSync(sibling).size >= statSync(file).size) rmSync(sibling);
}

function gzip(file) {
  if (fresh(file, file + ".gz")) return;
  execFileSync("gzip", ["-9", "-n", "-k", "-f", file]);
  keepIfSmaller(file, file + ".gz");
}

function brotli(file) {
  const sibling = file + ".br";
  if (fresh(file, sibling)) return;
  const bytes = readFileSync(file);
  const params = {
    [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
    [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    [constants.BROTLI_PARAM_MODE]: TEXT.test(file) ? constants.BROTLI_MODE_TEXT : constants.BROTLI_MODE_GENERIC,
  };
  writeFileSync(sibling, brotliCompressSync(bytes, { params }));
  keepIfSmaller(file, sibling);
}

function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (SERVED.test(entry.name)) {
      gzip(path);
      brotli(path);
    }
  }
}

for (const dir of process.argv.slice(2)) walk(dir);
