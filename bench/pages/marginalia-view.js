// What Marginalia draws, as both Marginalia pages of the benchmark read it
// (the standalone page's, bench-marginalia.js, and a host's mount,
// bench-marginalia-mount.js): `window.__marginaliaView`.
//
// Load is done when every span whose paragraph is rendered has its label tag
// (`#mg-tag-<n>`, drawn after the run where the span ends; spans given
// without ids, or a record's s1, s2…, are numbered in order) — with
// windowing, every span in the rendered paragraphs; without, every span.
(function () {
  'use strict';
  const B = window.__bench;

  // [start, end) code point ranges of the paragraphs in view (on screen and
  // inside the article's own box, should it scroll), in order.
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
  // How many of `spans` are in view, or null while one of them lacks its tag.
  function expectedTags(spans) {
    const ranges = visibleRanges();
    if (!ranges.length) return null;
    let expected = 0;
    for (let i = 0; i < spans.length; i++) {
      if (!inRanges(ranges, spans[i].end - 1)) continue;
      expected++;
      if (!document.getElementById('mg-tag-' + (i + 1))) return null;
    }
    return expected;
  }
  // The runs carrying each span in view, concatenated, against its text.
  function verify(wl) {
    const ranges = visibleRanges();
    const out = [];
    wl.spans.forEach((s, i) => {
      if (!inRanges(ranges, s.end - 1) || !inRanges(ranges, s.start)) return;
      const runs = document.querySelectorAll('#mg-article .mg-run[data-spans~="' + (i + 1) + '"]');
      out.push([i, B.quote(wl, s), [...runs].map((r) => r.textContent).join('')]);
    });
    return out;
  }

  window.__marginaliaView = {
    expectedTags,
    verify,
    loadedInView: (spans) => { const n = expectedTags(spans); return n !== null && n > 0; },
    addedInDom: (id) => !!document.getElementById('mg-tag-' + String(id).replace(/^s/, '')),
    count: () => document.querySelectorAll('#mg-article .mg-tag').length,
  };
})();
