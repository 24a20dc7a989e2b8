// /team/p/{slug}: the editor's project page (admins and reviewers).
// Progress per annotator and per document is derived from the project's
// assignments (GET /api/projects/{p}/assignments): an assignment's time is
// from its claim to its last save or last change of state, whichever is
// later. Skipped and flagged documents come back here with their notes.

import { api, say, el, signedIn } from "./api.js";

const $ = (id) => document.getElementById(id);
const slug = decodeURIComponent(location.pathname.split("/")[3] || "");
const base = `/api/projects/${encodeURIComponent(slug)}`;
const FORMATS = ["marginalia", "spacy", "iob2", "bilou", "w3c", "label-studio", "doccano"];

/** Milliseconds as "1 h 05 min", "3 min 20 s". */
export function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h} h ${String(m).padStart(2, "0")} min`;
  if (m > 0) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  return `${s} s`;
}

function spent(a) {
  const end = Math.max(a.updated_at, a.last_save ?? 0);
  return Math.max(0, end - a.claimed_at);
}

async function start() {
  let project;
  try {
    if (!(await signedIn())) return;
    project = await api("GET", base);
  } catch (e) {
    say(e.message, { error: true });
    return;
  }
  $("mg-team-title").textContent = project.name;
  document.title = `Marginalia — ${project.name}`;
  if (project.role === "annotator") {
    say("This page is for the project's admins and reviewers: an annotator is not allowed to see everyone's work.", { error: true });
    $("mg-team-message").append(" ", el("a", { href: `/team/p/${encodeURIComponent(slug)}/annotate` }, "Annotate instead"));
    return;
  }
  $("mg-project").hidden = false;
  const admin = project.role === "admin";
  $("mg-import-section").hidden = !admin;
  $("mg-invite").hidden = !admin;
  await refresh(admin);
  setUpImport();
  setUpInvite();
}

async function refresh(admin) {
  try {
    const [{ assignments }, { documents }, { members }, agreement] = await Promise.all([
      api("GET", `${base}/assignments`),
      api("GET", `${base}/documents`),
      api("GET", `${base}/members`),
      api("GET", `${base}/agreement`),
    ]);
    showAgreement(agreement);
    showAnnotators(assignments);
    showDocuments(documents, assignments);
    showMembers(members, admin);
    showExport(members);
  } catch (e) {
    say(e.message, { error: true });
  }
}

function showAnnotators(assignments) {
  const by = new Map();
  for (const a of assignments) {
    const row = by.get(a.user) ?? { name: a.name, done: 0, skipped: 0, flagged: 0, open: 0, time: 0 };
    if (a.state in row) row[a.state] += 1;
    row.time += spent(a);
    by.set(a.user, row);
  }
  const rows = [...by.values()].map((r) =>
    el("tr", {}, el("th", { scope: "row" }, r.name), el("td", {}, r.done), el("td", {}, r.skipped), el("td", {}, r.flagged), el("td", {}, r.open), el("td", {}, duration(r.time))),
  );
  $("mg-annotators").tBodies[0].replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { colspan: 6 }, "Nobody has taken a document yet."))]));
}

function showDocuments(documents, assignments) {
  const rows = documents.map((d) => {
    const holders = assignments.filter((a) => a.document === d.id).map((a) => `${a.name}: ${a.state}`);
    return el(
      "tr",
      { "data-document": d.id },
      el("th", { scope: "row" }, d.title || d.external_id),
      el("td", {}, holders.length ? holders.join(", ") : "nobody yet"),
      el("td", {}, el("a", { href: `/team/p/${encodeURIComponent(slug)}/review/${d.id}` }, `Review ${d.title || d.external_id}`)),
    );
  });
  $("mg-documents").tBodies[0].replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { colspan: 3 }, "No document yet."))]));
  const back = assignments.filter((a) => a.state === "skipped" || a.state === "flagged");
  $("mg-back").replaceChildren(
    ...(back.length
      ? back.map((a) => el("li", {}, el("strong", {}, a.title), ` — ${a.state} by ${a.name}`, a.note ? `: “${a.note}”` : " (no note)"))
      : [el("li", {}, "Nothing skipped or flagged.")]),
  );
}

const percent = (x) => (x === null || x === undefined ? "—" : `${Math.round(x * 100)} %`);

function showAgreement(report) {
  const rows = report.pairs.flatMap((p) =>
    p.labels.map((l) =>
      el("tr", {}, el("td", {}, `${p.a} ↔ ${p.b}`), el("th", { scope: "row" }, l.label), el("td", {}, `${l.spans_a} / ${l.spans_b}`), el("td", {}, percent(l.exact.f1)), el("td", {}, percent(l.partial.f1))),
    ),
  );
  $("mg-agreement").tBodies[0].replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { colspan: 5 }, "No document has been saved by two annotators yet."))]));
}

function showMembers(members, admin) {
  $("mg-members").tBodies[0].replaceChildren(
    ...members.map((m) => {
      let role = m.role;
      if (admin) {
        const select = el("select", { "aria-label": `Role of ${m.name}` }, ...["admin", "annotator", "reviewer"].map((r) => el("option", { value: r, selected: r === m.role }, r)));
        select.onchange = async () => {
          try {
            await api("PUT", `${base}/members/${m.id}`, { role: select.value });
            say(`${m.name} is now ${select.value}.`);
          } catch (e) {
            select.value = m.role;
            say(e.message, { error: true });
          }
        };
        role = select;
      }
      return el("tr", {}, el("th", { scope: "row" }, m.name), el("td", {}, role));
    }),
  );
}

function showExport(members) {
  const take = $("mg-export-take");
  const current = take.value;
  take.replaceChildren(
    el("option", { value: "take=gold" }, "gold where there is one, else every annotator's"),
    el("option", { value: "take=all" }, "every annotator's"),
    ...members.map((m) => el("option", { value: `take=annotator&user=${m.id}` }, `${m.name}'s only`)),
  );
  if (current) take.value = current;
  const links = () =>
    $("mg-export").replaceChildren(...FORMATS.map((f) => el("li", {}, el("a", { class: "mg-team-button", href: `${base}/export?format=${f}&${take.value}`, download: "" }, `Export ${f}`))));
  take.onchange = links;
  links();
}

/** What the server imports; anything else in a dropped folder is left out. */
const IMPORTABLE = /\.(txt|html?|json|jsonl|ndjson)$/i;

async function importFiles(files) {
  const chosen = files.filter((f) => IMPORTABLE.test(f.name));
  const left = files.length - chosen.length;
  let imported = 0, duplicates = 0;
  for (const [i, file] of chosen.entries()) {
    say(`Importing ${file.name} (${i + 1} of ${chosen.length})…`);
    try {
      const answer = await api("POST", `${base}/documents?name=${encodeURIComponent(file.name)}`, file, { raw: true });
      imported += answer.imported;
      duplicates += answer.duplicates;
    } catch (e) {
      say(`${file.name}: ${e.message} (${imported} document(s) imported before it)`, { error: true });
      await refresh(true);
      return;
    }
  }
  const notes = [duplicates ? `${duplicates} already there` : "", left ? `${left} file(s) of other kinds left out` : ""].filter(Boolean);
  say(`Imported ${imported} document(s)${notes.length ? `; ${notes.join("; ")}` : ""}.`);
  await refresh(true);
}

/** The files of a drop, folders walked through (in name order). */
async function droppedFiles(dataTransfer) {
  const entries = [...dataTransfer.items].map((item) => item.webkitGetAsEntry && item.webkitGetAsEntry()).filter(Boolean);
  if (entries.length === 0) return [...dataTransfer.files];
  const files = [];
  for (const entry of entries) await collect(entry, files);
  return files;
}

async function collect(entry, files) {
  if (entry.isFile) {
    files.push(await new Promise((resolve, reject) => entry.file(resolve, reject)));
    return;
  }
  const reader = entry.createReader();
  const children = [];
  for (;;) {
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    children.push(...batch);
  }
  children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const child of children) await collect(child, files);
}

function setUpImport() {
  const drop = $("mg-drop");
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("mg-drop-over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("mg-drop-over"));
  drop.addEventListener("drop", async (e) => {
    e.preventDefault();
    drop.classList.remove("mg-drop-over");
    importFiles(await droppedFiles(e.dataTransfer));
  });
  for (const id of ["mg-import-files", "mg-import-folder"]) {
    $(id).addEventListener("change", (e) => {
      importFiles([...e.target.files]);
      e.target.value = "";
    });
  }
}

function setUpInvite() {
  $("mg-invite").onsubmit = async (event) => {
    event.preventDefault();
    try {
      const answer = await api("POST", `${base}/invitations`, { role: $("mg-invite-role").value });
      const link = $("mg-invite-link");
      link.value = new URL(answer.path, location.origin).href;
      link.focus();
      link.select();
      say("Invitation link made: it works once. Copy it and send it to one person.");
    } catch (e) {
      say(e.message, { error: true });
    }
  };
}

start();
