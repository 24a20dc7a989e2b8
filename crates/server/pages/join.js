// /team/join/{secret}: accepts an invitation, as the signed-in person or
// with a new account, then goes to /team/.

import { api, say, showUser } from "./api.js";

const $ = (id) => document.getElementById(id);
const secret = decodeURIComponent(location.pathname.split("/").pop() || "");

async function accept(body) {
  try {
    await api("POST", `/api/invitations/${encodeURIComponent(secret)}/accept`, body);
    say("You joined the project.");
    location.assign("/team/");
  } catch (e) {
    say(e.message, { error: true });
  }
}

async function start() {
  let session;
  try {
    session = await api("GET", "/api/session");
  } catch (e) {
    say(e.message, { error: true });
    return;
  }
  if (session.user) {
    showUser(session.user);
    const button = $("mg-join-as-me");
    button.textContent = `Join as ${session.user.name}`;
    $("mg-join-signed-in").hidden = false;
    button.onclick = () => accept({});
    button.focus();
  } else {
    const form = $("mg-join-new");
    form.hidden = false;
    form.onsubmit = (event) => {
      event.preventDefault();
      accept({ name: $("mg-join-name").value, password: $("mg-join-password").value });
    };
    $("mg-join-name").focus();
  }
}

start();
