// The review page's history: every revision of the document's saves,
// newest first per annotator (GET …/revisions). Each can be compared with
// the one before it (…/compare) and, by an admin, restored as the newest
// (…/restore: the history only grows, and the annotator's widget is told
// at its next save that the server's copy changed).

import { api, say, el } from "./api.js";

const $ = (id) => document.getElementById(id);

/** Shows the history of `documentId` in project `base` (`/api/projects/p`). */
export async function showHistory(base, documentId, { canRestore }) {
  const { revisions } = await api("GET", `${base}/documents/${encodeURIComponent(documentId)}/revisions`);
  $("mg-history-section").hidden = revisions.length === 0;
  $("mg-history").querySelector("tbody").replaceChildren(
    ...revisions.map((r, i) => {
      const previous = revisions[i + 1] && revisions[i + 1].user.id === r.user.id ? revisions[i + 1] : null;
      const label = `${r.user.name}'s revision ${r.revision}`;
      return el(
        "tr",
        { "data-revision": r.id },
        el("th", { scope: "row" }, r.user.name),
        el("td", {}, String(r.revision), r.restored_from ? ` (restored from an earlier one)` : ""),
        el("td", {}, new Date(r.created_at).toLocaleString()),
        el(
          "td",
          { class: "mg-team-inline" },
          previous
            ? el("button", { type: "button", class: "mg-team-button", "aria-label": `Compare with the one before: ${label} against ${previous.revision}`, onclick: () => compare(base, previous, r) }, "Compare with the one before")
            : null,
          canRestore && i > 0 && revisions[i - 1].user.id === r.user.id
            ? el("button", { type: "button", class: "mg-team-button", "aria-label": `Restore ${label}`, onclick: () => restore(base, documentId, r, canRestore) }, "Restore")
            : null,
        ),
      );
    }),
  );
}

async function compare(base, older, newer) {
  try {
    const d = await api("GET", `${base}/revisions/${older.id}/compare/${newer.id}`);
    const span = (s) => `“${s.text}” ${s.label}`;
    const parts = [
      d.only_in_second.length ? `added ${d.only_in_second.map(span).join(", ")}` : "",
      d.only_in_first.length ? `removed ${d.only_in_first.map(span).join(", ")}` : "",
      d.relations_differ ? "relations changed" : "",
      d.document_labels_differ ? "document labels changed" : "",
      d.status_differs ? "status changed" : "",
    ].filter(Boolean);
    $("mg-history-compare").textContent = `${newer.user.name}'s revision ${newer.revision} against ${older.revision}: ${parts.length ? parts.join("; ") : "no difference"}.`;
  } catch (e) {
    say(e.message, { error: true });
  }
}

async function restore(base, documentId, r, canRestore) {
  try {
    const answer = await api("POST", `${base}/revisions/${r.id}/restore`, {});
    say(`${r.user.name}'s revision ${r.revision} is restored as revision ${answer.revision}. Reload the page to review with it.`);
    await showHistory(base, documentId, { canRestore });
  } catch (e) {
    say(e.message, { error: true });
  }
}
