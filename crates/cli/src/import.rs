//! `marginalia import --server URL --project P FILES…`: articles and
//! annotations into a team server's project. `.txt` articles, `.html` pages and JSON or
//! JSONL files (`{"text", "meta"}` lines, or annotations in any JSON format)
//! go as they are, and the server reads them as its import page does;
//! anything else the CLI reads (brat folders, W3C on a `--text`, a tool's
//! own `--label-config`) is read here and sent as Marginalia records, their
//! spans kept as pre-annotations. The server recognises a text it already
//! has and does not store it twice.

use crate::input::{self, for_each_document};
use crate::{Failure, InputArgs};
use clap::Args;
use serde_json::Value;
use std::path::Path;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct ImportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The server, e.g. http://127.0.0.1:8080
    #[arg(long, value_name = "URL")]
    pub server: String,
    /// The project's short name
    #[arg(long, value_name = "SLUG")]
    pub project: String,
    /// An API token of a project admin (the server's account page makes one)
    #[arg(long, value_name = "TOKEN", env = "MARGINALIA_TOKEN", hide_env_values = true)]
    pub token: String,
}

/// What the server said of one upload.
struct Counts {
    imported: u64,
    duplicates: u64,
}

pub fn run(args: ImportArgs) -> Result<ExitCode, Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    let client = reqwest::Client::new();
    let endpoint = format!("{}/api/projects/{}/documents", args.server.trim_end_matches('/'), args.project);
    let (mut imported, mut duplicates, mut failed) = (0, 0, 0);
    let mut report = |file: &str, outcome: Result<Counts, String>| match outcome {
        Ok(c) => {
            eprintln!("{file}: {} imported, {} already there", c.imported, c.duplicates);
            imported += c.imported;
            duplicates += c.duplicates;
        }
        Err(e) => {
            eprintln!("{file}: {e}");
            failed += 1;
        }
    };
    let upload = |name: &str, body: Vec<u8>| runtime.block_on(send(&client, &endpoint, &args.token, name, body));
    let sent_as_is = args.input.format.is_none() && args.input.text.is_none() && args.input.label_config.is_none();
    let mut rest = Vec::new();
    for path in &args.input.files {
        let name = path.display().to_string();
        if sent_as_is && is_raw(path) {
            report(&name, std::fs::read(path).map_err(|e| input::io_message(&e)).and_then(|body| upload(&file_name(path), body)));
        } else {
            rest.push(path.clone());
        }
    }
    if !rest.is_empty() {
        let args = InputArgs { files: rest, ..args.input.clone() };
        let schema = input::import_schema(&input::schema_option(&args)?);
        let mut lines = Vec::new();
        for_each_document(&args, &schema, |doc| {
            let place = doc.place();
            match doc.record {
                Ok(record) => lines.push(record.to_json()),
                Err(e) => report(&place, Err(e)),
            }
            Ok(())
        })?;
        if !lines.is_empty() {
            let records: Vec<String> = lines.iter().map(|l| compact(l)).collect();
            report("(annotation files)", upload("records.jsonl", records.join("\n").into_bytes()));
        }
    }
    eprintln!("marginalia import: {imported} imported, {duplicates} already in the project, {failed} not imported");
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Files the server reads itself.
fn is_raw(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    matches!(ext.as_str(), "txt" | "html" | "htm" | "json" | "jsonl" | "ndjson")
}

fn file_name(path: &Path) -> String {
    path.file_name().and_then(|n| n.to_str()).unwrap_or("upload.txt").to_string()
}

/// One JSON line of a pretty-printed record.
fn compact(json: &str) -> String {
    serde_json::from_str::<Value>(json).map_or_else(|_| json.to_string(), |v| v.to_string())
}

async fn send(client: &reqwest::Client, endpoint: &str, token: &str, name: &str, body: Vec<u8>) -> Result<Counts, String> {
    let response = client
        .post(endpoint)
        .query(&[("name", name)])
        .bearer_auth(token)
        .body(body)
        .send()
        .await
        .map_err(|e| format!("the server did not answer: {e}"))?;
    let status = response.status();
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        let why = answer["error"].as_str().unwrap_or("no reason given");
        return Err(format!("refused by the server ({status}): {why}"));
    }
    let count = |k: &str| answer[k].as_u64().ok_or_else(|| format!("the server's answer lacks `{k}`"));
    Ok(Counts { imported: count("imported")?, duplicates: count("duplicates")? })
}
