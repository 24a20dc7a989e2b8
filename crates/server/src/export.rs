//! A project as a dataset, streamed: rows are read from the database a few
//! at a time, each document is written in the chosen format by the core's
//! `StreamWriter`, and the bytes go out in chunks through a bounded channel,
//! so a project of any size is exported in constant memory.
//!
//! What is taken (`take`): `gold` (default) — each document's latest gold
//! version where there is one, else every annotator's latest save; `all` —
//! every annotator's latest save; `annotator` with `user=ID` — that
//! annotator's latest saves. Formats that hold accepted annotations only
//! leave out tasks answered otherwise (as `marginalia convert` does).
//! brat, one `.txt` and one `.ann` per document, is not one stream: export
//! Marginalia JSONL and `marginalia convert --to brat` it.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::roles::{Membership, Role};
use crate::Server;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::TryStreamExt;
use marginalia_core::formats::answers::{left_out, Answers};
use marginalia_core::formats::stream::StreamWriter;
use marginalia_core::formats::Format;
use marginalia_core::record::Record;
use serde::Deserialize;
use sqlx::Row;
use tokio::sync::mpsc;

/// Bytes gathered before a chunk is sent.
const CHUNK_BYTES: usize = 64 * 1024;
/// Chunks in flight: with the chunk size, the most an export holds.
const CHUNKS_IN_FLIGHT: usize = 4;

#[derive(Deserialize)]
pub struct ExportQuery {
    pub format: String,
    #[serde(default = "gold")]
    pub take: String,
    pub user: Option<i64>,
}

fn gold() -> String {
    "gold".into()
}

/// Which saves an export takes.
#[derive(Clone, Copy, Debug)]
enum Take {
    GoldElseAll,
    All,
    Annotator(i64),
}

/// The export as a download (admins and reviewers).
pub async fn export(State(server): State<Server>, caller: Caller, Path(slug): Path<String>, Query(q): Query<ExportQuery>) -> ApiResult<Response> {
    let member = Membership::of(&server, &slug, caller.user_id).await?;
    member.require(Role::sees_all, "export the project")?;
    let format = Format::from_name(&q.format).ok_or_else(|| ApiError::bad_request(format!("unknown format {:?}", q.format)))?;
    if format == Format::Brat {
        return Err(ApiError::bad_request("brat standoff is one .txt and one .ann per document: export marginalia and run `marginalia convert --to brat`"));
    }
    let take = match (q.take.as_str(), q.user) {
        ("gold", _) => Take::GoldElseAll,
        ("all", _) => Take::All,
        ("annotator", Some(user)) => Take::Annotator(user),
        _ => return Err(ApiError::bad_request("take is gold, all, or annotator with user=ID")),
    };
    let (tx, rx) = mpsc::channel::<Vec<u8>>(CHUNKS_IN_FLIGHT);
    let project_id = member.project_id;
    tokio::spawn(async move {
        if let Err(e) = write_export(&server, project_id, format, take, tx).await {
            // The status is sent already: the download ends short, and the
            // log says why.
            eprintln!("marginalia serve: an export of project {project_id} stopped: {e}");
        }
    });
    let body = Body::from_stream(futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|chunk| (Ok::<_, std::io::Error>(chunk), rx)) }));
    let name = format!("{slug}.{}", format.extension());
    Ok((
        [(header::CONTENT_TYPE, format.media_type().to_string()), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\""))],
        body,
    )
        .into_response())
}

/// The condition that keeps, of the saves `s`, each annotator's latest
/// revision of each document.
macro_rules! latest_of_each_annotator {
    () => {
        "s.revision = (SELECT MAX(s2.revision) FROM saves s2 WHERE s2.document_id = s.document_id AND s2.user_id = s.user_id) "
    };
}

/// The rows to export, in document order.
fn query(take: Take) -> &'static str {
    match take {
        Take::GoldElseAll => concat!(
            "SELECT g.document_id, g.user_id, g.body FROM gold_saves g WHERE g.project_id = $1 ",
            "AND g.revision = (SELECT MAX(g2.revision) FROM gold_saves g2 WHERE g2.document_id = g.document_id) ",
            "UNION ALL SELECT s.document_id, s.user_id, s.body FROM saves s WHERE s.project_id = $2 ",
            "AND NOT EXISTS (SELECT 1 FROM gold_saves g3 WHERE g3.document_id = s.document_id) AND ",
            latest_of_each_annotator!(),
            "ORDER BY document_id, user_id"
        ),
        Take::All => concat!(
            "SELECT s.document_id, s.body FROM saves s WHERE s.project_id = $1 AND ",
            latest_of_each_annotator!(),
            "ORDER BY s.document_id, s.user_id"
        ),
        Take::Annotator(_) => concat!(
            "SELECT s.document_id, s.body FROM saves s WHERE s.project_id = $1 AND s.user_id = $2 AND ",
            latest_of_each_annotator!(),
            "ORDER BY s.document_id"
        ),
    }
}

async fn write_export(server: &Server, project_id: i64, format: Format, take: Take, tx: mpsc::Sender<Vec<u8>>) -> Result<(), String> {
    let mut writer = StreamWriter::new(format, Vec::with_capacity(CHUNK_BYTES * 2))?;
    let sql = query(take);
    let q = sqlx::query(sql).bind(project_id);
    let q = match take {
        Take::GoldElseAll => q.bind(project_id),
        Take::All => q,
        Take::Annotator(user) => q.bind(user),
    };
    let mut rows = q.fetch(&server.db.pool);
    while let Some(row) = rows.try_next().await.map_err(|e| e.to_string())? {
        let body: String = row.try_get("body").map_err(|e| e.to_string())?;
        let record = Record::parse(&body).map_err(|e| format!("a stored save: {e}"))?;
        if left_out(format, &record, Answers::Accepted).is_some() {
            continue;
        }
        writer.write(&record).map_err(|e| e.to_string())?;
        if writer.get_ref().len() >= CHUNK_BYTES {
            let chunk = std::mem::take(writer.get_mut());
            tx.send(chunk).await.map_err(|_| "the client went away".to_string())?;
        }
    }
    let rest = writer.finish().map_err(|e| e.to_string())?;
    if !rest.is_empty() {
        tx.send(rest).await.map_err(|_| "the client went away".to_string())?;
    }
    Ok(())
}
