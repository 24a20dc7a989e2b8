//! The team server for end-to-end tests: the real server in-process (on
//! SQLite in a temporary directory, serving the built widget), and its API
//! called as the editor would, to set a project up.

use marginalia_e2e::{dist_dir, json, Browser, Result, Value};
use marginalia_server::Settings;
use std::net::SocketAddr;

pub struct Team {
    pub base: String,
    pub http: reqwest::Client,
    /// The editor's session: (cookie header, CSRF token).
    pub editor: (String, String),
    _dir: tempfile::TempDir,
}

/// A new server with its first account ("editor", admin of the demo).
pub async fn start() -> Result<Team> {
    let dir = tempfile::tempdir()?;
    let url = marginalia_server::db::sqlite_url(&dir.path().join("team.db"));
    let (tx, rx) = tokio::sync::oneshot::channel();
    let settings = Settings { static_dir: Some(dist_dir()), ..Settings::default() };
    tokio::spawn(async move {
        let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
        if let Err(e) = marginalia_server::serve(&url, addr, settings, move |a| { let _ = tx.send(a); }).await {
            eprintln!("the team server stopped: {e}");
        }
    });
    let base = format!("http://{}", rx.await?);
    let http = reqwest::Client::new();
    let answer = http.post(format!("{base}/api/setup")).json(&json!({ "name": "editor", "password": "editor-password" })).send().await?;
    let editor = session_of(answer).await?;
    Ok(Team { base, http, editor, _dir: dir })
}

/// The session a sign-in answer started: (cookie header, CSRF token).
async fn session_of(answer: reqwest::Response) -> Result<(String, String)> {
    let cookie = answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("mg_session=").map(|v| v.split(';').next().unwrap_or("").to_string()))
        .ok_or("no session cookie")?;
    let body: Value = answer.json().await?;
    Ok((format!("mg_session={cookie}"), body["csrf"].as_str().ok_or("no CSRF token")?.to_string()))
}

impl Team {
    /// A call as the editor.
    pub async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Result<Value> {
        let mut request = self.http.request(method, format!("{}{path}", self.base)).header("Cookie", &self.editor.0).header("X-CSRF-Token", &self.editor.1);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer = request.send().await?;
        let status = answer.status();
        let text = answer.text().await?;
        if !status.is_success() {
            return Err(format!("{path}: {status}: {text}").into());
        }
        Ok(if text.is_empty() { Value::Null } else { serde_json::from_str(&text)? })
    }

    /// A project with these texts (JSONL import) and overlap.
    pub async fn project(&self, slug: &str, overlap: i64, texts: &[&str]) -> Result {
        self.call(reqwest::Method::POST, "/api/projects", Some(json!({ "slug": slug, "name": format!("Project {slug}"), "overlap": overlap, "guidelines": "# Names\n\nTag **every** person by the *fullest* name.\n\n- Titles stay outside\n- <script>alert(1)</script> is text" }))).await?;
        let lines: Vec<String> = texts.iter().enumerate().map(|(i, t)| json!({ "text": t, "meta": { "id": format!("d{i}"), "title": format!("Document {}", i + 1) } }).to_string()).collect();
        let answer = self
            .http
            .post(format!("{}/api/projects/{slug}/documents?name=texts.jsonl", self.base))
            .header("Cookie", &self.editor.0)
            .header("X-CSRF-Token", &self.editor.1)
            .body(lines.join("\n"))
            .send()
            .await?;
        if !answer.status().is_success() {
            return Err(format!("import: {}", answer.text().await?).into());
        }
        Ok(())
    }

    /// A new member with `role`, by invitation (their password: name + "-password").
    pub async fn member(&self, slug: &str, name: &str, role: &str) -> Result {
        let invitation = self.call(reqwest::Method::POST, &format!("/api/projects/{slug}/invitations"), Some(json!({ "role": role }))).await?;
        let secret = invitation["invitation"].as_str().ok_or("no invitation")?;
        let answer = self.http.post(format!("{}/api/invitations/{secret}/accept", self.base)).json(&json!({ "name": name, "password": format!("{name}-password") })).send().await?;
        if !answer.status().is_success() {
            return Err(format!("accept: {}", answer.text().await?).into());
        }
        Ok(())
    }
}

/// Signs in on /team/ with the form, as a person does.
pub async fn sign_in(b: &Browser, team: &Team, name: &str) -> Result {
    b.goto(&format!("{}/team/", team.base)).await?;
    b.wait_for("#mg-team-signin:not([hidden])").await?;
    b.send_keys("#mg-team-name", name).await?;
    b.send_keys("#mg-team-password", &format!("{name}-password")).await?;
    b.press("Enter").await?;
    b.wait_for("#mg-team-projects:not([hidden])").await?;
    Ok(())
}
