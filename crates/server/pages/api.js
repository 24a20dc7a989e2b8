// What every team page shares: calls to the server's JSON API with the
// session's CSRF token on every change, and the page's message line.

/** The CSRF token the server set for this session (double-submit cookie). */
export function csrfToken() {
  const pair = document.cookie.split("; ").find((c) => c.startsWith("mg_csrf="));
  return pair ? decodeURIComponent(pair.slice("mg_csrf=".length)) : "";
}

/** An API error: the server's words, and the status. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * Calls the API. `body` is sent as JSON (or as is when it is a Blob,
 * ArrayBuffer or string with `raw`); resolves to the parsed answer (null
 * for an empty one), rejects with an ApiError carrying the server's words.
 */
export async function api(method, path, body, { raw = false, headers = {} } = {}) {
  const init = { method, headers: { ...headers }, credentials: "same-origin" };
  if (method !== "GET" && method !== "HEAD") init.headers["X-CSRF-Token"] = csrfToken();
  if (body !== undefined) {
    if (raw) {
      init.body = body;
    } else {
      init.body = JSON.stringify(body);
      init.headers["Content-Type"] = "application/json";
    }
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, "The server cannot be reached. Your work in this page is kept; try again.");
  }
  const text = await response.text();
  let answer = null;
  try {
    answer = text ? JSON.parse(text) : null;
  } catch {
    answer = null;
  }
  if (!response.ok) {
    const said = answer && typeof answer.error === "string" ? answer.error : `the server answered ${response.status}`;
    throw new ApiError(response.status, said.charAt(0).toUpperCase() + said.slice(1) + ".");
  }
  return answer;
}

/**
 * Who is signed in: their name is shown in the page's header. Nobody: the
 * page goes to `elseGoTo` if given, else says to sign in (with a link) and
 * gives null. A server error throws.
 */
export async function signedIn({ elseGoTo = null } = {}) {
  const session = await api("GET", "/api/session");
  if (session.user) {
    showUser(session.user);
    return session.user;
  }
  if (elseGoTo) {
    location.assign(elseGoTo);
  } else {
    say("Sign in first.", { error: true });
    document.getElementById("mg-team-message").append(" ", el("a", { href: "/team/" }, "Sign in"));
  }
  return null;
}

/** Names the signed-in person in the page's header. */
export function showUser(user) {
  document.getElementById("mg-team-user").textContent = `Signed in as ${user.name}`;
}

/** Shows `text` in the page's status line (role=status, or alert for errors). */
export function say(text, { error = false } = {}) {
  const line = document.getElementById("mg-team-message");
  if (!line) return;
  line.textContent = text;
  line.setAttribute("role", error ? "alert" : "status");
  line.classList.toggle("mg-team-error", error);
}

/** An element with text content only (never markup from data). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (value !== false && value !== undefined && value !== null) node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}
