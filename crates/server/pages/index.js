// /team/: sign in (or create the server's first account), then the
// projects the person belongs to, each with what their role lets them do.

import { api, say, el, showUser } from "./api.js";

const $ = (id) => document.getElementById(id);

async function start() {
  let session;
  try {
    session = await api("GET", "/api/session");
  } catch (e) {
    say(e.message, { error: true });
    return;
  }
  if (session.user) {
    await showProjects(session.user);
  } else {
    showSignIn(session.setup_needed);
  }
}

function showSignIn(setupNeeded) {
  const form = $("mg-team-signin");
  form.hidden = false;
  $("mg-team-projects").hidden = true;
  $("mg-team-setup-hint").hidden = !setupNeeded;
  $("mg-team-signin-title").textContent = setupNeeded ? "Create the first account" : "Sign in";
  $("mg-team-signin-submit").textContent = setupNeeded ? "Create account" : "Sign in";
  $("mg-team-password").autocomplete = setupNeeded ? "new-password" : "current-password";
  form.onsubmit = async (event) => {
    event.preventDefault();
    const body = { name: $("mg-team-name").value, password: $("mg-team-password").value };
    try {
      const answer = await api("POST", setupNeeded ? "/api/setup" : "/api/signin", body);
      $("mg-team-password").value = "";
      form.hidden = true;
      say("");
      await showProjects(answer.user);
    } catch (e) {
      say(e.message, { error: true });
      $("mg-team-password").focus();
    }
  };
  $("mg-team-name").focus();
}

async function showProjects(user) {
  showUser(user);
  const signOut = $("mg-team-signout");
  signOut.hidden = false;
  signOut.onclick = async () => {
    try {
      await api("POST", "/api/signout", {});
    } finally {
      location.assign("/team/");
    }
  };
  const { projects } = await api("GET", "/api/projects");
  const list = $("mg-team-project-list");
  list.replaceChildren(
    ...projects.map((p) =>
      el(
        "li",
        { class: "mg-team-project" },
        el("span", { class: "mg-team-project-name" }, p.name),
        el("span", { class: "mg-team-role" }, p.role),
        p.role !== "reviewer" ? el("a", { href: `/team/p/${encodeURIComponent(p.slug)}/annotate`, class: "mg-team-button mg-team-primary" }, `Annotate ${p.name}`) : null,
        p.role !== "annotator" ? el("a", { href: `/team/p/${encodeURIComponent(p.slug)}`, class: "mg-team-button" }, `Manage ${p.name}`) : null,
      ),
    ),
  );
  if (projects.length === 0) list.replaceChildren(el("li", {}, "You are in no project yet: ask an admin for an invitation link, or create one below."));
  $("mg-team-projects").hidden = false;
  $("mg-team-new-project").onsubmit = async (event) => {
    event.preventDefault();
    const body = { name: $("mg-team-project-name").value, slug: $("mg-team-project-slug").value, overlap: Number($("mg-team-project-overlap").value) };
    try {
      await api("POST", "/api/projects", body);
      say(`Project “${body.name}” created.`);
      event.target.reset();
      await showProjects(user);
    } catch (e) {
      say(e.message, { error: true });
    }
  };
}

start();
