//! Articles into a project. One request carries one file, named by the
//! `name` query parameter: a `.txt` article, an `.html` page (reduced to
//! its article text, `html_pages`), a `.json`/`.jsonl` file of
//! `{"text", "meta"}` lines, or annotations in any format the CLI reads
//! (their spans become pre-annotations the annotator starts from). Each
//! document is kept with the SHA-256 of its text: the same text imported
//! again is recognised and counted, never stored twice.

use crate::audit;
use crate::auth::Caller;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::html_pages;
use crate::roles::{Membership, Role};
use crate::Server;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::Json;
use marginalia_core::article::{decode_text_file, sha256_hex, Article};
use marginalia_core::formats::detect::read_documents;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::Record;
use serde::Deserialize;
use serde_json::json;
use sqlx::Row;

/// The largest file one import request may carry.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

/// A document read from a file, ready to store.
#[derive(Debug)]
pub struct Incoming {
    pub external_id: String,
    pub title: String,
    pub text: String,
    /// The record it came with, when it has annotations.
    pub record: Option<Record>,
}

#[derive(Deserialize)]
pub struct FileName {
    pub name: String,
}

/// Imports one file (admins): `{imported, duplicates}`.
pub async fn import(
    State(server): State<Server>,
    caller: Caller,
    Path(slug): Path<String>,
    Query(file): Query<FileName>,
    body: Bytes,
) -> ApiResult<Json<serde_json::Value>> {
    let member = Membership::of(&server, &slug, caller.user_id).await?;
    member.require_admin("import documents")?;
    let schema = project_schema(&server, member.project_id).await?;
    let incoming = read_file(&file.name, &body, &schema).map_err(|e| ApiError::bad_request(format!("“{}” was not imported: {e}", file.name)))?;
    let (imported, duplicates) = store(&server, member.project_id, &incoming).await?;
    audit::record(&server.db.pool, Some(caller.user_id), Some(member.project_id), "imported", json!({ "file": file.name, "imported": imported, "duplicates": duplicates }))
        .await?;
    Ok(Json(json!({ "imported": imported, "duplicates": duplicates })))
}

pub async fn project_schema(server: &Server, project_id: i64) -> ApiResult<LabelSchema> {
    let json: String = sqlx::query("SELECT schema_json FROM projects WHERE id = $1").bind(project_id).fetch_one(&server.db.pool).await?.try_get("schema_json")?;
    LabelSchema::from_json(&json).map_err(|e| ApiError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, format!("the project's schema: {e}")))
}

/// Stores documents in one transaction: (new, already there).
pub async fn store(server: &Server, project_id: i64, docs: &[Incoming]) -> ApiResult<(u64, u64)> {
    let mut tx = server.db.write().await?;
    let counts = store_in(&mut tx, project_id, docs).await?;
    tx.commit().await?;
    Ok(counts)
}

/// Stores documents within `tx`: (new, already there).
pub async fn store_in(tx: &mut crate::db::WriteTx, project_id: i64, docs: &[Incoming]) -> Result<(u64, u64), sqlx::Error> {
    let now = now_ms();
    let mut imported = 0;
    for doc in docs {
        let record_json = doc.record.as_ref().map(Record::to_json);
        imported += sqlx::query(
            "INSERT INTO documents (project_id, external_id, title, text, sha256, record_json, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (project_id, sha256) DO NOTHING",
        )
        .bind(project_id)
        .bind(&doc.external_id)
        .bind(&doc.title)
        .bind(&doc.text)
        .bind(sha256_hex(&doc.text))
        .bind(record_json)
        .bind(now)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    }
    Ok((imported, docs.len() as u64 - imported))
}

/// The documents of one file, or why none can be taken.
pub fn read_file(name: &str, bytes: &[u8], schema: &LabelSchema) -> Result<Vec<Incoming>, String> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(format!("it is larger than {} MB", MAX_IMPORT_BYTES / (1024 * 1024)));
    }
    let lower = name.to_ascii_lowercase();
    let text = decode_text_file(bytes).map_err(|e| e.to_string())?;
    if lower.ends_with(".html") || lower.ends_with(".htm") {
        let page = html_pages::reduce(&text)?;
        return Ok(vec![article(stem(name), Some(page.title).filter(|t| !t.is_empty()), page.text)?]);
    }
    if lower.ends_with(".json") || lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
        read_json(&text, schema)
    } else {
        Ok(vec![article(stem(name), None, text)?])
    }
}

fn read_json(text: &str, schema: &LabelSchema) -> Result<Vec<Incoming>, String> {
    if let Some(plain) = plain_lines(text) {
        return plain;
    }
    let records = read_documents(text, schema)?;
    records
        .into_iter()
        .enumerate()
        .map(|(i, record)| {
            let id = if record.meta.doc_id.is_empty() { format!("doc-{}", i + 1) } else { record.meta.doc_id.clone() };
            let title = Some(record.meta.title.clone()).filter(|t| !t.is_empty());
            let has_work = !record.spans.is_empty() || !record.relations.is_empty() || !record.document_labels.is_empty();
            let mut doc = article(id, title, record.text.clone())?;
            doc.record = has_work.then_some(record);
            Ok(doc)
        })
        .collect()
}

/// JSONL whose every line is `{"text": …, "meta": {…}}` and nothing else
/// (the shape Prodigy and spaCy read raw texts from), or `None`.
fn plain_lines(text: &str) -> Option<Result<Vec<Incoming>, String>> {
    let mut docs = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let value: serde_json::Value = serde_json::from_str(line).ok()?;
        let object = value.as_object()?;
        if object.keys().any(|k| k != "text" && k != "meta") {
            return None;
        }
        let body = object.get("text")?.as_str()?.to_string();
        let meta = object.get("meta").and_then(|m| m.as_object());
        let field = |key: &str| meta.and_then(|m| m.get(key)).and_then(|v| v.as_str()).map(str::to_string);
        let id = field("doc_id").or_else(|| field("id")).unwrap_or_else(|| format!("line-{}", i + 1));
        match article(id, field("title"), body) {
            Ok(doc) => docs.push(doc),
            Err(e) => return Some(Err(format!("line {}: {e}", i + 1))),
        }
    }
    Some(Ok(docs))
}

/// A document with `text`, titled by `title` or else its first line.
fn article(external_id: String, title: Option<String>, text: String) -> Result<Incoming, String> {
    let title = title.unwrap_or_else(|| first_line(&text));
    let checked = Article::new(external_id.clone(), title.clone(), text).map_err(|e| e.to_string())?;
    Ok(Incoming { external_id, title, text: checked.text().to_string(), record: None })
}

fn first_line(text: &str) -> String {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    let mut title: String = line.chars().take(120).collect();
    if line.chars().count() > 120 {
        title.push('…');
    }
    title
}

fn stem(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.rsplit_once('.').map_or(base, |(stem, _)| stem).to_string()
}

/// The project's documents with how far each is (admins and reviewers).
pub async fn list(State(server): State<Server>, caller: Caller, Path(slug): Path<String>) -> ApiResult<Json<serde_json::Value>> {
    let member = Membership::of(&server, &slug, caller.user_id).await?;
    member.require(Role::sees_all, "list every document")?;
    let rows = sqlx::query(
        "SELECT d.id, d.external_id, d.title, \
         (SELECT COUNT(*) FROM assignments a WHERE a.document_id = d.id AND a.state = 'done') AS done, \
         (SELECT COUNT(*) FROM assignments a WHERE a.document_id = d.id AND a.state = 'open') AS open, \
         (SELECT COUNT(*) FROM assignments a WHERE a.document_id = d.id AND a.state = 'skipped') AS skipped, \
         (SELECT COUNT(*) FROM assignments a WHERE a.document_id = d.id AND a.state = 'flagged') AS flagged \
         FROM documents d WHERE d.project_id = $1 ORDER BY d.id",
    )
    .bind(member.project_id)
    .fetch_all(&server.db.pool)
    .await?;
    let docs: Result<Vec<_>, sqlx::Error> = rows
        .iter()
        .map(|r| {
            Ok(json!({
                "id": r.try_get::<i64, _>("id")?,
                "external_id": r.try_get::<String, _>("external_id")?,
                "title": r.try_get::<String, _>("title")?,
                "done": r.try_get::<i64, _>("done")?,
                "open": r.try_get::<i64, _>("open")?,
                "skipped": r.try_get::<i64, _>("skipped")?,
                "flagged": r.try_get::<i64, _>("flagged")?,
            }))
        })
        .collect();
    Ok(Json(json!({ "documents": docs? })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> LabelSchema {
        LabelSchema::news_default()
    }

    #[test]
    fn a_text_file_is_one_article_titled_by_its_first_line() {
        let docs = read_file("dir/mali.txt", "\n  Mali and Wagner 👩‍💻\nBody.".as_bytes(), &schema()).unwrap();
        assert_eq!((docs[0].external_id.as_str(), docs[0].title.as_str()), ("mali", "Mali and Wagner 👩‍💻"));
        assert!(docs[0].record.is_none());
    }

    #[test]
    fn plain_jsonl_lines_keep_their_meta() {
        let file = "{\"text\": \"東京 in Japan\", \"meta\": {\"id\": \"a1\", \"title\": \"Tokyo\"}}\n\n{\"text\": \"مرحبا\"}\n";
        let docs = read_file("texts.jsonl", file.as_bytes(), &schema()).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!((docs[0].external_id.as_str(), docs[0].title.as_str()), ("a1", "Tokyo"));
        assert_eq!((docs[1].external_id.as_str(), docs[1].text.as_str()), ("line-3", "مرحبا"));
    }

    #[test]
    fn annotated_records_become_pre_annotations() {
        let file = r#"{"text": "Wagner in Mali", "spans": [{"start": 10, "end": 14, "label": "GPE"}], "tokens": []}"#;
        let docs = read_file("prodigy.jsonl", file.as_bytes(), &schema()).unwrap();
        let record = docs[0].record.as_ref().expect("pre-annotations");
        assert_eq!((record.spans[0].start, record.spans[0].end), (10, 14));
    }

    #[test]
    fn broken_and_foreign_files_are_refused_with_a_reason() {
        assert!(read_file("x.json", b"{\"text\": ", &schema()).is_err());
        assert!(read_file("x.html", b"<nav>menu</nav>", &schema()).unwrap_err().contains("no article text"));
        assert!(read_file("x.txt", b"", &schema()).is_err(), "an empty text is no article");
    }
}
