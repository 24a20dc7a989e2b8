// /team/p/{slug}/review/{doc}: every annotator's latest save of the
// document loaded into the widget's review (handle.review), starting from
// the gold version saved before if there is one, and the gold version it
// makes saved back with If-None-Match: * or If-Match.

import { api, say, csrfToken, signedIn } from "./api.js";
import { showHistory } from "./history.js";

const $ = (id) => document.getElementById(id);
const parts = location.pathname.split("/");
const slug = decodeURIComponent(parts[3] || "");
const documentId = decodeURIComponent(parts[5] || "");
const base = `/api/projects/${encodeURIComponent(slug)}`;
const goldPath = `${base}/documents/${encodeURIComponent(documentId)}/gold`;

let etag = null;
/** The name the earlier gold version goes by in the review. */
const EARLIER_GOLD = "earlier gold";

async function loadGold() {
  const response = await fetch(goldPath, { credentials: "same-origin" });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`The gold version could not be read (the server answered ${response.status}).`);
  etag = response.headers.get("ETag");
  return response.json();
}

async function saveGold(handle) {
  const record = handle.getAnnotations();
  const headers = etag ? { "If-Match": etag } : { "If-None-Match": "*" };
  const response = await fetch(goldPath, {
    method: "PUT",
    credentials: "same-origin",
    headers: { ...headers, "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
    body: JSON.stringify(record),
  });
  if (response.status === 412) {
    say("Someone saved another gold version of this document meanwhile. Reload the page to see it; your decisions here are not saved.", { error: true });
    return;
  }
  if (!response.ok) {
    say(`The gold version was not saved: the server answered ${response.status}.`, { error: true });
    return;
  }
  etag = response.headers.get("ETag");
  say(`Gold version saved (${etag}).`);
}

async function start() {
  $("mg-review-back").href = `/team/p/${encodeURIComponent(slug)}`;
  let data, gold, project;
  try {
    if (!(await signedIn())) return;
    data = await api("GET", `${base}/documents/${encodeURIComponent(documentId)}/saves`);
    gold = await loadGold();
    project = await api("GET", base);
  } catch (e) {
    say(e.message, { error: true });
    return;
  }
  $("mg-team-title").textContent = `Review: ${data.document.title}`;
  document.title = `Marginalia — review ${data.document.title}`;
  const { mount } = await import("/marginalia.js");
  const handle = await mount($("mg-review-widget"), {
    article: { id: `team-${slug}-${data.document.id}-gold`, title: data.document.title, text: data.document.text },
  });
  const saves = data.saves.map((s) => ({ ...s.record, annotator: s.record.annotator || s.name }));
  if (gold) saves.push({ ...gold, annotator: EARLIER_GOLD });
  if (data.saves.length === 0) {
    $("mg-review-who").textContent = "No annotator has saved this document yet.";
  } else {
    $("mg-review-who").textContent = `Saves of ${data.saves.map((s) => `${s.name} (revision ${s.revision})`).join(", ")}.`;
  }
  if (saves.length > 0) {
    // An earlier gold is where the review goes on from: its decisions stand,
    // and what differs from it is listed with each annotator's version.
    handle.review(saves, gold ? { startFrom: EARLIER_GOLD } : undefined);
  }
  if (gold) say(`The review goes on from the gold version saved before (${etag}); what the annotators did differently is listed.`);
  const button = $("mg-review-save");
  button.hidden = false;
  button.onclick = () => saveGold(handle);
  try {
    await showHistory(base, documentId, { canRestore: project.role === "admin" });
  } catch (e) {
    say(e.message, { error: true });
  }
}

start();
