//! Helpers for the tests that save to the CMS stand-in
//! (`/api/annotations/<doc>`): opening the app with a save endpoint, what the
//! server holds, and waiting for the CMS status line or the server's copy.

use super::*;
use marginalia_e2e::{PutLog, SaveEndpoint, Server};
use std::time::Instant;

/// Retries back off (1 s, 2 s, 4 s…) and deadlines add up while an endpoint
/// fails or hangs, so recovery may take a while.
pub const SYNC_WAIT: Duration = Duration::from_secs(40);

pub fn endpoint() -> &'static SaveEndpoint {
    Server::save_endpoint()
}

/// The app saving to `/api/annotations/<doc>`; `query` adds URL parameters
/// (`&timeout=1500`).
pub async fn open_with_save(doc: &str, query: &str) -> Result<Browser> {
    let b = Browser::new().await?;
    b.goto_app_path(&format!("?save=/api/annotations/{doc}{query}")).await?;
    b.wait_for_app().await?;
    Ok(b)
}

/// The document as the server holds it, parsed.
pub fn server_record(doc: &str) -> Option<Value> {
    endpoint().document(doc).map(|(_, body)| serde_json::from_str(&body).expect("the server holds JSON"))
}

/// Spans in document order (then by label), to compare as sets.
pub fn sorted(mut spans: Vec<SpanSummary>) -> Vec<SpanSummary> {
    spans.sort();
    spans
}

/// Waits until the server's copy has exactly these spans.
pub async fn wait_server_spans(doc: &str, want: &[SpanSummary]) -> Result {
    let want = sorted(want.to_vec());
    let deadline = Instant::now() + SYNC_WAIT;
    loop {
        let got = sorted(server_record(doc).map(|r| summarize(&r)).unwrap_or_default());
        if got == want {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("the server holds {got:?}, expected {want:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the CMS status has `state` (`saved`, `failed`, `timeout`,
/// `conflict`…) and its text contains `part` (`""`: any text); returns the text.
pub async fn wait_remote(b: &Browser, state: &str, part: &str) -> Result<String> {
    let js = format!(
        "const r = document.getElementById('mg-remote');
         return r && !r.hidden && r.dataset.state === '{state}' && r.textContent.includes({part:?}) ? r.textContent : '';"
    );
    match b.wait_until(&js, SYNC_WAIT).await {
        Ok(v) => Ok(v.as_str().unwrap_or_default().to_string()),
        Err(_) => {
            let now = b.text_of("#mg-remote").await.unwrap_or_default();
            Err(format!("the CMS status never became `{state}` with {part:?}; it says {now:?}").into())
        }
    }
}

/// Every PUT the server received for `doc`.
pub fn puts_for(doc: &str) -> Vec<PutLog> {
    endpoint().puts().into_iter().filter(|p| p.doc == doc).collect()
}

/// With the keyboard: Tab to the article, → to “Home”, ↓ to “The”, →×4 to
/// the headline's “Mali”, and `3` (GPE). First in a test: the caret starts
/// at the top.
pub async fn label_mali_with_keys(b: &Browser) -> Result {
    tab_to(b, "mg-article", 40).await?;
    b.press("ArrowRight").await?;
    assert_eq!(wait_pending(b).await?, "Home");
    b.press("ArrowDown").await?;
    for _ in 0..4 {
        b.press("ArrowRight").await?;
    }
    assert_eq!(pending_text(b).await?, "Mali");
    let before = record(b).await?["spans"].as_array().map_or(0, Vec::len);
    b.press("3").await?;
    wait_span_count(b, before + 1).await
}
