// The benchmark harness shared by every widget page (not part of any widget's
// bundle). A page calls `window.__bench.run(widget)` with
//   prepare(wl)       data preparation, before the clock starts (optional)
//   load(wl)          the widget's API call(s) that load text and spans
//   loadedInView()    true once every span in view is drawn
//   firstDrawn()      true once any highlight is drawn (optional: the first
//                     highlight's reading, `first_dom`/`first_paint1`)
//   inView(), verify(wl), memory(), count()   readings taken off the clock (optional)
//   add(span, i)      adds one span through the API, returns a handle
//   addedInDom(h)     true once that span is drawn
// and the Rust driver (bench/src/main.rs) reads `window.__bench`.
//
// Protocol with the driver:
//   status 'starting' → ('holding' with ?hold=1: the driver starts its
//   profiler, then sets B.go) → 'loaded' (B.load filled; the driver takes a
//   heap reading, then sets B.proceed) → 'done' (B.adds filled), or 'error'
//   (B.error) at any point.
//
// Clocks: performance.now() is ms since navigation start.
// "In DOM": the first check that passes (checks run as zero-delay tasks, so
// they interleave with the widget's own tasks and frames).
// "Painted": from the in-DOM moment, requestAnimationFrame then setTimeout(0)
// (`paint1`: the frame holding the change has been rendered) and a second
// requestAnimationFrame then setTimeout(0) (`paint2`: one more frame, the
// conservative "double rAF" reading).
(function () {
  'use strict';
  const B = (window.__bench = { status: 'starting', log: [] });
  const params = new URLSearchParams(location.search);
  B.size = params.get('size') || '2k';
  B.widget = document.documentElement.dataset.widget || 'unknown';
  // Start the workload download at once, in parallel with the widget's bundle.
  B.workload = fetch('workloads/' + B.size + '.json', { cache: 'no-store' }).then((r) => {
    if (!r.ok) throw new Error('workload ' + B.size + ': HTTP ' + r.status);
    return r.json();
  });

  const now = () => performance.now();
  const mark = (name) => {
    try { performance.mark('bench:' + name); } catch (_) { /* ignore */ }
    return now();
  };

  // A zero-delay task (no 4 ms clamping, unlike nested setTimeout(0)).
  const channel = new MessageChannel();
  const queue = [];
  channel.port1.onmessage = () => { const f = queue.shift(); if (f) f(); };
  const nextTask = () => new Promise((res) => { queue.push(res); channel.port2.postMessage(0); });

  // Resolves with now() when check() first returns truthy (checked at once,
  // then once per zero-delay task).
  async function waitFor(check) {
    for (;;) {
      if (check()) return now();
      await nextTask();
    }
  }

  // The two "painted" readings, from now on.
  function paints() {
    return new Promise((res) => {
      let p1 = null;
      requestAnimationFrame(() => {
        setTimeout(() => { p1 = now(); }, 0);
        requestAnimationFrame(() => {
          setTimeout(() => {
            const p2 = now();
            // p1's timeout ran before the second frame (same task queue order).
            res({ p1: p1 === null ? p2 : p1, p2 });
          }, 0);
        });
      });
    });
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  B.waitFor = waitFor;
  B.nextTask = nextTask;
  B.paints = paints;
  B.now = now;
  B.mark = mark;

  // Code point offsets → UTF-16 offsets of `text` (an Uint32Array, length cps + 1).
  B.cpToU16 = function (text) {
    const out = [];
    let u = 0;
    for (const ch of text) { out.push(u); u += ch.length; }
    out.push(u);
    return Uint32Array.from(out);
  };
  // The text's paragraphs, as every widget page shows them: split on blank lines.
  B.paragraphs = (text) => text.split('\n\n');

  // [[index, expected, got]…] → 'ok (n checked)' or the first mismatches.
  function verifyReport(checks) {
    const bad = checks.filter(([, want, got]) => want !== got);
    if (!bad.length) return 'ok (' + checks.length + ' checked)';
    return bad.length + ' of ' + checks.length + ' differ, e.g. ' + JSON.stringify(bad.slice(0, 3));
  }
  B.quote = (wl, s) => {
    if (!B._chars) B._chars = [...wl.text];
    return B._chars.slice(s.start, s.end).join('');
  };

  // Profiling runs: Long Animation Frames (frames over 50 ms) with their
  // split into scripts / rendering (style, layout, paint on the main thread).
  B.loaf = [];
  if (params.get('hold') && window.PerformanceObserver &&
      (PerformanceObserver.supportedEntryTypes || []).includes('long-animation-frame')) {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        B.loaf.push({
          start: e.startTime, duration: e.duration, renderStart: e.renderStart,
          styleAndLayoutStart: e.styleAndLayoutStart, blocking: e.blockingDuration,
          scripts: e.scripts.map((x) => ({
            invoker: x.invoker, fn: x.sourceFunctionName, duration: x.duration,
            forcedStyleAndLayout: x.forcedStyleAndLayoutDuration,
          })),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  }

  B.run = async function (w) {
    try {
      const wl = await B.workload;
      B.counts = { spans: wl.spans.length, adds: wl.adds.length, words: wl.words };
      if (w.prepare) await w.prepare(wl);
      if (params.get('hold')) {
        // The driver starts the profiler, then lets the page go on.
        B.status = 'holding';
        while (!B.go) await sleep(5);
      }
      // (a) load
      const apiStart = mark('api-start');
      // The first highlight, watched beside the load (it may come before
      // the call returns: a mount that paints before it resolves).
      const first = w.firstDrawn
        ? waitFor(w.firstDrawn).then(async (t) => ({ dom: t, paint1: (await paints()).p1 }))
        : null;
      await w.load(wl);
      const apiReturn = mark('api-return');
      const dom = await waitFor(w.loadedInView);
      mark('load-dom');
      const p = await paints();
      mark('load-painted');
      B.load = {
        api_start: apiStart,
        api_return: apiReturn,
        dom: dom,
        paint1: p.p1,
        paint2: p.p2,
      };
      if (first) {
        const f = await first;
        B.load.first_dom = f.dom;
        B.load.first_paint1 = f.paint1;
      }
      if (params.get('loadOnly')) {
        B.status = 'loaded';
        return;
      }
      if (w.inView) B.load.in_view = w.inView();
      B.load.dom_elements = document.getElementsByTagName('*').length;
      // Not timed: do the drawn highlights hold the right text?
      if (w.verify) B.load.verify = verifyReport(w.verify(wl));
      if (w.memory) B.load.wasm_bytes = w.memory();
      B.status = 'loaded';
      while (!B.proceed) await sleep(10);
      // (b) 50 spans, one at a time
      B.adds = [];
      // Between adds: 100 ms of quiet plus a deterministic jitter of up to one
      // frame, so the adds do not start phase-locked to the frame clock
      // (right after a frame, which would make "next frame" a full frame away).
      let seed = 12345;
      const jitter = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return (seed / 2147483648) * 16.7; };
      for (let i = 0; i < wl.adds.length; i++) {
        await sleep(100 + jitter());
        const a = wl.adds[i];
        const t0 = mark('add-' + i);
        const handle = await w.add(a, i);
        const tr = now();
        const dom = await waitFor(() => w.addedInDom(handle, a));
        const q = await paints();
        B.adds.push({ call: tr - t0, dom: dom - t0, paint1: q.p1 - t0, paint2: q.p2 - t0 });
      }
      if (w.memory) B.wasm_bytes_end = w.memory();
      if (w.count) B.final_count = w.count();
      B.status = 'done';
    } catch (e) {
      B.error = String((e && e.stack) || e);
      B.status = 'error';
    }
  };

  window.addEventListener('error', (e) => {
    B.log.push('error: ' + e.message);
    if (B.status === 'starting' && /marginalia|RecogitoJS|LabelStudio/.test(e.message)) {
      B.error = e.message;
      B.status = 'error';
    }
  });
})();
