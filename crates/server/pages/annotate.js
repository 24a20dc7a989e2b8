// /team/p/{slug}/annotate: the queue's next document in the widget. The
// widget saves to the server (its remote-save contract, with this
// session's CSRF token), and its own Document status control is the
// queue's: once a save with Done, Skipped or Flagged is acknowledged, the
// next document opens. The project's schema and guidelines come from the
// server.

import { api, say, csrfToken, signedIn } from "./api.js";
import { renderMarkdown } from "./guidelines.js";

const $ = (id) => document.getElementById(id);
const slug = decodeURIComponent(location.pathname.split("/")[3] || "");
let handle = null;
let project = null;
let user = null;
let opening = false;

async function start() {
  try {
    user = await signedIn({ elseGoTo: "/team/" });
    if (!user) return;
    project = await api("GET", `/api/projects/${encodeURIComponent(slug)}`);
  } catch (e) {
    say(e.message, { error: true });
    return;
  }
  $("mg-team-project").textContent = project.name;
  document.title = `${project.name} — Marginalia`;
  showGuidelines(project.guidelines);
  if (project.role === "reviewer") {
    say("Reviewers do not take documents from the queue: open the project's page to review.", { error: true });
    return;
  }
  await openNext();
}

function showGuidelines(markdown) {
  if (!markdown || !markdown.trim()) return;
  const toggle = $("mg-team-guidelines-toggle");
  const panel = $("mg-team-guidelines");
  $("mg-team-guidelines-body").replaceChildren(...renderMarkdown(markdown));
  toggle.hidden = false;
  toggle.onclick = () => {
    const open = panel.hidden;
    panel.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    if (open) $("mg-team-guidelines-title").focus?.();
  };
}

function showProgress(progress) {
  const { done, skipped, flagged, documents } = progress;
  const more = [skipped && `${skipped} skipped`, flagged && `${flagged} flagged`].filter(Boolean).join(", ");
  $("mg-team-progress").textContent = `${done} of ${documents} done${more ? ` (${more})` : ""}`;
}

/** Closes the document open now (its work is written through) and opens the next one. */
async function openNext() {
  if (opening) return;
  opening = true;
  try {
    const { document: doc, progress } = await api("POST", `/api/projects/${encodeURIComponent(slug)}/queue/next`, {});
    showProgress(progress);
    if (handle) {
      handle.destroy();
      handle = null;
    }
    if (!doc) {
      $("mg-team-doc-title").textContent = "Nothing left to annotate";
      say("The queue has no more documents for you in this project. Thank you!");
      return;
    }
    $("mg-team-doc-title").textContent = doc.title;
    const { mount } = await import("/marginalia.js");
    const options = {
      article: { id: `${slug}-${doc.id}`, title: doc.title, text: doc.text },
      schema: project.schema,
      annotator: user.name,
      endpoints: { save: doc.save, saveHeaders: { "X-CSRF-Token": csrfToken() } },
    };
    if (doc.record) options.annotations = doc.record;
    handle = await mount($("mg-team-widget"), options);
    handle.on("save", (record) => {
      const state = record && record.status && record.status.state;
      if (state) {
        say(`“${doc.title}” saved as ${state}. The next document opens.`);
        openNext();
      }
    });
  } catch (e) {
    say(e.message, { error: true });
  } finally {
    opening = false;
  }
}

start();
