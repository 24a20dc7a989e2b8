// `node brotli_siblings.mjs DIR…` writes `x.br` beside every script,
// stylesheet, wasm, page and JSON file under each DIR: Brotli at its
// highest quality, the form a CDN sends to a browser that accepts it (every
// browser does, over HTTPS and on localhost). A file whose `.br` is newer
// than it is left alone. Node's zlib carries the reference Brotli library,
// so the build needs no other tool for it (`cargo xtask build`, and the
// benchmark's site for every widget alike).
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";

const SERVED = /\.(js|css|wasm|json|html)$/;
const TEXT = /\.(js|css|json|html)$/;

function compress(file) {
  const sibling = file + ".br";
  try {
    if (statSync(sibling).mtimeMs >= statSync(file).mtimeMs) return;
  } catch {
    // no sibling yet
  }
  const bytes = readFileSync(file);
  const params = {
    [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
    [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    [constants.BROTLI_PARAM_MODE]: TEXT.test(file) ? constants.BROTLI_MODE_TEXT : constants.BROTLI_MODE_GENERIC,
  };
  writeFileSync(sibling, brotliCompressSync(bytes, { params }));
}

function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (SERVED.test(entry.name)) compress(path);
  }
}

for (const dir of process.argv.slice(2)) walk(dir);
