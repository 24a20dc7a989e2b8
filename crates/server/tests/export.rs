//! Gold versions and the project's dataset export, on every database: gold
//! where there is one, else every annotator's latest save; all saves; one
//! annotator's; each format the CLI writes as one stream.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const FIRST: &str = "Ana 👩‍💻 met 東京 officials.";
const SECOND: &str = "مرحبا from Cafe\u{301} Bamako.";

fn span_of(text: &str, needle: &str, label: &'static str) -> (usize, usize, &'static str) {
    let start = text[..text.find(needle).unwrap()].chars().count();
    (start, start + needle.chars().count(), label)
}

async fn put(b: &mut Browser, path: &str, body: &str, precondition: (&str, &str)) -> StatusCode {
    b.send(Method::PUT, path, Some(body.as_bytes().to_vec()), &[("Content-Type", "application/json"), precondition]).await.status
}

async fn export_lines(b: &mut Browser, query: &str) -> Vec<Value> {
    let a = b.get(&format!("/api/projects/p/export?{query}")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    a.body.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).expect("one JSON document per line")).collect()
}

fn labelled(lines: &[Value]) -> Vec<(String, Vec<String>)> {
    lines
        .iter()
        .map(|l| {
            let text = l["text"].as_str().unwrap().to_string();
            let chars: Vec<char> = text.chars().collect();
            let spans = l["spans"].as_array().unwrap().iter().map(|s| {
                let (start, end) = (s["start"].as_u64().unwrap() as usize, s["end"].as_u64().unwrap() as usize);
                format!("{}:{}", chars[start..end].iter().collect::<String>(), s["label"].as_str().unwrap())
            });
            (text, spans.collect())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_export_takes_gold_where_there_is_one_else_every_annotators_save() {
    for db in databases().await {
        let server = start(&db.url).await;
        let mut editor = admin(&server).await;
        project_with(&mut editor, "p", 2, &[FIRST, SECOND]).await;
        let mut ann = join(&mut editor, "p", "ann", "annotator").await;
        let mut bob = join(&mut editor, "p", "bob", "annotator").await;
        let mut rita = join(&mut editor, "p", "rita", "reviewer").await;
        for (who, label) in [(&mut ann, "PERSON"), (&mut bob, "ORG")] {
            for _ in 0..2 {
                let next = who.post("/api/projects/p/queue/next", json!({})).await.json();
                let (text, save, id) = (next["document"]["text"].as_str().unwrap().to_string(), next["document"]["save"].as_str().unwrap().to_string(), next["document"]["id"].as_i64().unwrap());
                let needle = if text == FIRST { "Ana" } else { "Cafe\u{301}" };
                assert_eq!(put(who, &save, &record(&text, &[span_of(&text, needle, label)]), ("If-None-Match", "*")).await, StatusCode::CREATED);
                who.post(&format!("/api/projects/p/documents/{id}/status"), json!({ "state": "done" })).await;
            }
        }
        let first_id = editor.get("/api/projects/p/documents").await.json()["documents"][0]["id"].as_i64().unwrap();
        let gold = format!("/api/projects/p/documents/{first_id}/gold");
        let decided = record(FIRST, &[span_of(FIRST, "Ana", "PERSON"), span_of(FIRST, "東京", "GPE")]);
        assert_eq!(put(&mut ann, &gold, &decided, ("If-None-Match", "*")).await, StatusCode::FORBIDDEN, "{}: annotators do not write gold", db.name);
        assert_eq!(put(&mut rita, &gold, &decided, ("If-None-Match", "*")).await, StatusCode::CREATED, "{}", db.name);
        assert_eq!(put(&mut rita, &gold, &decided, ("If-None-Match", "*")).await, StatusCode::PRECONDITION_FAILED);
        assert_eq!(rita.get(&gold).await.body, decided);

        let gold_else_all = labelled(&export_lines(&mut rita, "format=marginalia").await);
        assert_eq!(
            gold_else_all,
            [
                (FIRST.to_string(), vec!["Ana:PERSON".to_string(), "東京:GPE".to_string()]),
                (SECOND.to_string(), vec!["Cafe\u{301}:PERSON".to_string()]),
                (SECOND.to_string(), vec!["Cafe\u{301}:ORG".to_string()]),
            ],
            "{}",
            db.name
        );
        assert_eq!(export_lines(&mut rita, "format=spacy&take=all").await.len(), 4);
        let ann_id = ann.get("/api/session").await.json()["user"]["id"].as_i64().unwrap();
        let anns = labelled(&export_lines(&mut editor, &format!("format=spacy&take=annotator&user={ann_id}")).await);
        assert!(anns.iter().all(|(_, spans)| spans.iter().all(|s| s.ends_with(":PERSON"))) && anns.len() == 2, "{}: {anns:?}", db.name);
        // Every other format streams too; brat is refused with the way round.
        let ls = rita.get("/api/projects/p/export?format=label-studio").await;
        let tasks: Value = serde_json::from_str(&ls.body).expect("Label Studio's export is one JSON array");
        assert_eq!(tasks.as_array().unwrap().len(), 3);
        let conll = rita.get("/api/projects/p/export?format=iob2").await;
        assert!(conll.body.contains("B-GPE"), "{}", conll.body);
        assert_eq!(rita.get("/api/projects/p/export?format=brat").await.status, StatusCode::BAD_REQUEST);
        assert_eq!(ann.get("/api/projects/p/export?format=spacy").await.status, StatusCode::FORBIDDEN);
    }
}
