// Marginalia under the benchmark: the built app (dist/index.html) with this
// script added. Everything goes through `window.marginalia`; what is drawn
// is read by marginalia-view.js.
(function () {
  'use strict';
  const B = window.__bench;
  const V = window.__marginaliaView;
  let spans = [];

  B.run({
    async prepare(wl) {
      spans = wl.spans;
      await B.waitFor(() => window.marginalia && typeof window.marginalia.setDocument === 'function');
      B.mark('api-ready');
      B.api_ready = B.now();
    },
    load(wl) {
      window.marginalia.setDocument({ id: 'bench-' + wl.size, title: 'Benchmark ' + wl.size, text: wl.text, spans: wl.spans });
    },
    loadedInView: () => V.loadedInView(spans),
    inView: () => V.expectedTags(spans),
    verify: (wl) => V.verify(wl),
    add(a) {
      return window.marginalia.addSpan(a.start, a.end, a.label);
    },
    addedInDom: V.addedInDom,
    memory() {
      return window.marginalia.memoryBytes();
    },
    count: V.count,
  });
})();
