// A mock CMS page: the article editor beside Marginalia, embedded both ways.
// Only the public API is used: `mount` from marginalia.js, the handle, the
// `marginalia:*` DOM events, and the iframe's postMessage protocol.
import { mount } from "/marginalia.js";

const $ = (id) => document.getElementById(id);
// The CMS's document id (`?doc=` picks another, e.g. to start afresh).
const docId = new URLSearchParams(location.search).get("doc") || "cms-article-42";
const article = () => ({ id: docId, title: $("cms-title").value, text: $("cms-body").value });

function log(source, type, detail) {
  const item = document.createElement("li");
  const spans = detail && detail.spans ? ` — ${detail.spans.length} span(s)` : "";
  const message = detail && detail.message ? ` — ${detail.message}` : "";
  item.textContent = `${source}: ${type}${spans}${message}`;
  $("cms-log").prepend(item);
}

// 1. The iframe: the standalone page, driven by messages to its origin only.
// (Listening before anything is awaited: the frame may be ready first.)
const frame = $("cms-iframe");
const frameOrigin = new URL(frame.src, location.href).origin;
window.addEventListener("message", (e) => {
  if (e.source !== frame.contentWindow || e.origin !== frameOrigin) return;
  window.cmsFrameMessages = (window.cmsFrameMessages || []).concat([e.data]);
  log("iframe", e.data.type, e.data.annotations || e.data);
  const ready = e.data.type === "marginalia:ready" || (e.data.type === "marginalia:annotations" && e.data.request_id === "hello");
  if (ready && !window.cmsFrameLoaded) {
    window.cmsFrameLoaded = true;
    frame.contentWindow.postMessage({ type: "marginalia:load", options: { article: { ...article(), id: `${docId}-frame` } } }, frameOrigin);
  }
});
// The frame may have said "ready" before this script ran: ask it too.
frame.contentWindow.postMessage({ type: "marginalia:get-annotations", request_id: "hello" }, frameOrigin);

// 2. The ES module: mount in an element, listen to its DOM events.
const host = $("cms-annotator");
for (const type of ["ready", "change", "save", "error"]) {
  host.addEventListener(`marginalia:${type}`, (e) => log("module", type, e.detail));
}
// Saved to the CMS as well as in the browser. `cargo xtask serve` has no CMS storage at
// /api/annotations/ (the widget says it cannot save there); the end-to-end tests mount a stand-in.
const handle = await mount(host, { article: article(), annotator: "cms-editor", endpoints: { save: `/api/annotations/${docId}` } });
window.cmsHandle = handle;
$("cms-send").addEventListener("click", () => handle.setArticle(article()));
