// @recogito/text-annotator 4.1.1 under the benchmark (its UMD build, global
// `RecogitoJS`), default renderer ('SPANS': it draws only the highlights in
// the viewport, as absolutely positioned `span.r6o-annotation[data-annotation]`
// in `.r6o-span-highlight-layer`).
//
// The text is put in the page as one <p> per paragraph; Recogito's offsets
// are UTF-16 offsets into the container's text (paragraphs concatenated),
// converted from the workload's code points before the clock starts.
//
// Load is done when the highlight layer holds an element for every
// annotation the store reports in the viewport (`store.getIntersecting` over
// `getViewportBounds(container)`, the very query its renderer draws from).
(function () {
  'use strict';
  const B = window.__bench;
  const R = window.RecogitoJS;
  const container = document.getElementById('text');
  const COLORS = {
    PERSON: '#2563eb', ORG: '#16a34a', GPE: '#d97706', LOC: '#9333ea',
    NORP: '#db2777', DATE: '#0891b2', EVENT: '#dc2626', MISC: '#4b5563',
  };
  let anno = null;
  let layer = null;
  let paragraphs = [];
  let annotations = [];
  let toOffset = null;

  function annotation(id, s, label, text) {
    const start = toOffset(s.start), end = toOffset(s.end);
    return {
      id,
      bodies: [{ id: id + '-b', annotation: id, purpose: 'tagging', value: label }],
      target: { annotation: id, selector: [{ quote: text.slice(start, end), start, end }] },
    };
  }

  function visibleIds() {
    const b = R.getViewportBounds(container);
    return anno.state.store.getIntersecting(b.minX, b.minY, b.maxX, b.maxY).map((r) => r.annotation.id);
  }
  function drawnIds() {
    const ids = new Set();
    if (!layer) layer = container.querySelector('.r6o-span-highlight-layer');
    if (!layer) return ids;
    for (const el of layer.children) ids.add(el.dataset.annotation);
    return ids;
  }

  B.run({
    prepare(wl) {
      if (!R || !R.createTextAnnotator) throw new Error('RecogitoJS did not load');
      paragraphs = B.paragraphs(wl.text);
      // Code point offset in the workload text → UTF-16 offset in the
      // container's text (the paragraphs without the blank lines between them).
      const u16 = B.cpToU16(wl.text);
      const parStartsCp = [];
      let cp = 0;
      for (const p of paragraphs) { parStartsCp.push(cp); cp += [...p].length + 2; }
      toOffset = (o) => {
        let lo = 0, hi = parStartsCp.length - 1;
        while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (parStartsCp[mid] <= o) lo = mid; else hi = mid - 1; }
        return u16[o] - 2 * lo;
      };
      const flat = paragraphs.join('');
      annotations = wl.spans.map((s, i) => annotation('a' + (i + 1), s, s.label, flat));
      B.flat = flat;
    },
    load() {
      // The text into the page, then the annotator and the annotations.
      const frag = document.createDocumentFragment();
      for (const p of paragraphs) {
        const el = document.createElement('p');
        el.textContent = p;
        frag.appendChild(el);
      }
      container.appendChild(frag);
      anno = R.createTextAnnotator(container, {
        style: (a) => ({ fill: COLORS[a.bodies[0] && a.bodies[0].value] || '#4b5563', fillOpacity: 0.25 }),
      });
      anno.setAnnotations(annotations);
      window.anno = anno;
    },
    firstDrawn() {
      return drawnIds().size > 0;
    },
    loadedInView() {
      const want = visibleIds();
      if (!want.length) return false;
      const have = drawnIds();
      return want.every((id) => have.has(id));
    },
    inView() {
      return visibleIds().length;
    },
    verify(wl) {
      const out = [];
      for (const id of visibleIds()) {
        const i = Number(id.slice(1)) - 1;
        const a = anno.state.store.getAnnotation(id);
        out.push([i, B.quote(wl, wl.spans[i]), a.target.selector[0].range.toString()]);
      }
      return out;
    },
    add(a, i) {
      const id = 'n' + (i + 1);
      anno.addAnnotation(annotation(id, a, a.label, B.flat));
      return id;
    },
    addedInDom(id) {
      if (!layer) layer = container.querySelector('.r6o-span-highlight-layer');
      return !!(layer && layer.querySelector('[data-annotation="' + id + '"]'));
    },
    count() {
      return anno.getAnnotations().length;
    },
  });
})();
