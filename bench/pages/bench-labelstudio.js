// The Label Studio frontend 1.8.0 under the benchmark (`LabelStudio` global
// from lsf/js/main.js, the build shipped in the `label-studio==1.8.0` wheel),
// embedded as its README shows: a <Labels>+<Text> config with the 8 labels,
// the task's annotation holding the spans as `labels` results.
//
// Offsets: for <Text>, `value.start/end` are code point offsets into the
// text, each newline counting one (LSF renders "\n" as <br/> and counts a
// <br/> as one; see utils/selection-tools.js findOnPosition) — the
// workload's own units, passed unchanged.
//
// Load is done when every region of the selected annotation has its
// highlight (`span.htx-highlight`, the region's `_spans`) inside the visible
// text node. LSF highlights every region (no windowing).
//
// A span is added the way LSF's own <Text> tag adds a selected range
// (RichTextModel.addRegion): annotation.createResult(…) with the Labels
// control, then the region's global offsets and applyHighlight().
(function () {
  'use strict';
  const B = window.__bench;
  const LABELS = {
    PERSON: '#2563eb', ORG: '#16a34a', GPE: '#d97706', LOC: '#9333ea',
    NORP: '#db2777', DATE: '#0891b2', EVENT: '#dc2626', MISC: '#4b5563',
  };
  const config =
    '<View>\n  <Labels name="label" toName="text">\n' +
    Object.entries(LABELS).map(([v, c]) => `    <Label value="${v}" background="${c}"/>\n`).join('') +
    '  </Labels>\n  <Text name="text" value="$text"/>\n</View>';
  let task = null;
  let total = 0;
  let chars = null;

  const store = () => window.Htx;
  const selected = () => store() && store().annotationStore && store().annotationStore.selected;
  function textTag(ann) { return ann.names.get('text'); }
  function visibleRoot(ann) { return textTag(ann).visibleNodeRef.current; }

  B.run({
    prepare(wl) {
      if (typeof window.LabelStudio !== 'function') throw new Error('LabelStudio did not load');
      chars = [...wl.text];
      total = wl.spans.length;
      task = {
        id: 1,
        data: { text: wl.text },
        annotations: [{
          id: 1,
          result: wl.spans.map((s, i) => ({
            id: 'r' + (i + 1),
            from_name: 'label',
            to_name: 'text',
            type: 'labels',
            value: { start: s.start, end: s.end, text: chars.slice(s.start, s.end).join(''), labels: [s.label] },
          })),
        }],
        predictions: [],
      };
    },
    load() {
      window.ls = new window.LabelStudio('label-studio', {
        config,
        interfaces: ['panel', 'update', 'submit', 'controls', 'side-column', 'annotations:menu',
          'annotations:add-new', 'annotations:delete', 'predictions:menu'],
        user: { id: 1, pk: 1, firstName: 'Bench', lastName: 'Mark' },
        task,
      });
    },
    loadedInView() {
      const ann = selected();
      if (!ann || !ann.regionStore) return false;
      const regions = ann.regionStore.regions;
      if (regions.length !== total) return false;
      const root = visibleRoot(ann);
      if (!root) return false;
      for (const r of regions) {
        const s = r._spans && r._spans[0];
        if (!s || !root.contains(s)) return false;
      }
      return true;
    },
    inView() {
      return total;
    },
    verify(wl) {
      // Each region's highlighted range against the workload's text.
      return selected().regionStore.regions.slice(0, 200).map((r) => {
        const i = Number(String(r.id).replace(/#.*/, '').slice(1)) - 1;
        const range = r.getRangeToHighlight && r.getRangeToHighlight();
        // (A range's text leaves out the <br/>s that stand for newlines.)
        return [i, B.quote(wl, wl.spans[i]).replace(/\n/g, ''), range ? range.toString() : null];
      });
    },
    add(a) {
      const ann = selected();
      const area = ann.createResult(
        { start: '', end: '', startOffset: a.start, endOffset: a.end, isText: true, text: chars.slice(a.start, a.end).join('') },
        { labels: [a.label] },
        ann.names.get('label'),
        textTag(ann),
      );
      area.updateGlobalOffsets(a.start, a.end);
      area.applyHighlight();
      area.notifyDrawingFinished();
      return area;
    },
    addedInDom(area) {
      const s = area._spans && area._spans[0];
      return !!(s && visibleRoot(selected()).contains(s));
    },
    count() {
      return selected().regionStore.regions.length;
    },
  });
})();
