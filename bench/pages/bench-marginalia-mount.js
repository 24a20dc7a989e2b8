// Marginalia as a host page uses it (docs/EMBED.md): the module imported,
// then `mount(element, { article, annotations })` on a fresh page, the
// workload's spans given as a Marginalia record. The clock covers the
// module's import (the wasm's download and compilation start there), the
// mount and the first render: what a newsroom pays on first use. What is
// drawn is read by marginalia-view.js.
import { mount } from './marginalia.js';

const B = window.__bench;
const V = window.__marginaliaView;
let spans = [];
let handle = null;

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
  firstDrawn: () => !!document.querySelector('#mg-article .mg-tag'),
  loadedInView: () => V.loadedInView(spans),
  inView: () => V.expectedTags(spans),
  verify: (wl) => V.verify(wl),
  add(a) {
    return handle.addSpan(a.start, a.end, a.label);
  },
  addedInDom: V.addedInDom,
  memory() {
    return handle.memoryBytes();
  },
  count: V.count,
});
