// Marginalia as a host page uses it (docs/EMBED.md): the module imported,
// then `mount(element, { article, annotations })` on a fresh page, the
// workload's spans given as a Marginalia record. The clock covers the
// module's import (the wasm's download and compilation start there), the
// mount and the first render: what a newsroom pays on first use.
import { mount } from './marginalia.js';

const B = window.__bench;
let spans = [];
let handle = null;

// The paragraphs in view, as bench-marginalia.js reads them.
function visibleRanges() {
  const art = document.getElementById('mg-article');
  if (!art) return [];
  const box = art.getBoundingClientRect();
  const top = Math.max(0, box.top), bottom = Math.min(window.innerHeight, box.bottom);
  const out = [];
  for (const p of art.getElementsByClassName('mg-par')) {
    const r = p.getBoundingClientRect();
    if (r.top >= bottom) break;
    if (r.bottom <= top) continue;
    const runs = p.getElementsByClassName('mg-run');
    if (!runs.length) continue;
    out.push([Number(p.dataset.start), Number(runs[runs.length - 1].dataset.e)]);
  }
  return out;
}
function inRanges(ranges, cp) {
  let lo = 0, hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < ranges[mid][0]) hi = mid - 1;
    else if (cp >= ranges[mid][1]) lo = mid + 1;
    else return true;
  }
  return false;
}
function expectedTags() {
  const ranges = visibleRanges();
  if (!ranges.length) return null;
  let expected = 0;
  for (let i = 0; i < spans.length; i++) {
    if (!inRanges(ranges, spans[i].end - 1)) continue;
    expected++;
    // The record's spans are s1, s2, … in order.
    if (!document.getElementById('mg-tag-' + (i + 1))) return null;
  }
  return expected;
}

B.run({
  prepare(wl) {
    spans = wl.spans;
  },
  async load(wl) {
    const element = document.getElementById('annotator');
    handle = await mount(element, {
      article: { id: 'bench-' + wl.size, title: 'Benchmark ' + wl.size, text: wl.text },
      annotations: wl.record,
    });
  },
  firstDrawn() {
    return !!document.querySelector('#mg-article .mg-tag');
  },
  loadedInView() {
    const n = expectedTags();
    return n !== null && n > 0;
  },
  inView() {
    return expectedTags();
  },
  verify(wl) {
    const ranges = visibleRanges();
    const out = [];
    wl.spans.forEach((s, i) => {
      if (!inRanges(ranges, s.end - 1) || !inRanges(ranges, s.start)) return;
      const runs = document.querySelectorAll('#mg-article .mg-run[data-spans~="' + (i + 1) + '"]');
      out.push([i, B.quote(wl, s), [...runs].map((r) => r.textContent).join('')]);
    });
    return out;
  },
  add(a) {
    return handle.addSpan(a.start, a.end, a.label);
  },
  addedInDom(id) {
    return !!document.getElementById('mg-tag-' + String(id).replace(/^s/, ''));
  },
  memory() {
    return handle.memoryBytes();
  },
  count() {
    return document.querySelectorAll('#mg-article .mg-tag').length;
  },
});
