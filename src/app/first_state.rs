//! An instance's first state: the request it starts with (the host's
//! article, or on the standalone page the document open last in this
//! browser), opened as every later one is (`document_session.rs`), else
//! the default article. Problems with the options are said in a notice.
//!
//! Built before the first render (`mount.rs`), so that re-anchoring's part
//! (`on_demand/anchoring.rs`) is fetched first when the host's annotations
//! or the stored work were made on an earlier version of the text, and the
//! HTML reader's (`on_demand/html_import.rs`) when the article is a page.

use crate::article_input::article_from;
use crate::clock;
use crate::document_session;
use crate::host::Host;
use crate::document_session::NotOpened;
use crate::anchoring::IfAbsent;
use crate::on_demand;
use crate::opening::{Announce, Given, Request};
use crate::state::{AppState, Notice, NoticeKind};
use crate::storage;
use marginalia_core::article::Article;
use marginalia_core::editor::Editor;
use marginalia_core::record::{Record, SaveInfo};
use std::sync::Arc;

const DEFAULT_ID: &str = "mali-russia-wagner";
const DEFAULT_TITLE: &str = "The foreign minister of Mali confirms the continuation of military cooperation with Russia";
const DEFAULT_TEXT: &str = include_str!("../../assets/articles/mali-russia-wagner.txt");

/// The instance's first request: the article its host gives (with the
/// annotations it gives, which work stored in this browser wins over —
/// `opening.rs`), or on the standalone page the document open last in this
/// browser (and the time its work began). Problems are said in a notice.
async fn first_request(host: &Host, problems: &mut Vec<String>) -> Option<(Request, Option<String>)> {
    let options = &host.options;
    let request = |article, given| Request {
        read_only: Some(options.read_only),
        annotator: options.annotator.clone(),
        ..Request::new(article, given, Announce::Starting)
    };
    if let Some(input) = &options.article {
        let article = article_from(input).await.map_err(|e| problems.push(format!("The article given was not opened: {e}"))).ok()?;
        return Some((request(article, Given::Nothing), None));
    }
    if !host.standalone {
        return None;
    }
    let record = storage::load_current()?;
    let article = record.article().ok()?;
    Some((request(article, Given::Nothing), record.created_at))
}

/// The host's annotations as `mount` read them (`None`: none given).
pub type GivenAnnotations = Option<Result<Vec<Record>, String>>;

/// The first state of an instance: its first request opened as every later
/// one is (`document_session.rs`), else the default article. Options that
/// cannot be used are said in a notice. Re-anchoring's part is fetched
/// first when the host's annotations or the stored work need it.
pub async fn first_state(host: &Host, given: GivenAnnotations) -> AppState {
    let options = &host.options;
    let mut problems: Vec<String> = host.startup_error.iter().chain(&host.schema_problem).cloned().collect();
    let schema = host.schema.clone();
    let (mut request, created_at) = first_request(host, &mut problems).await.unwrap_or_else(|| {
        (Request { read_only: Some(options.read_only), ..Request::new(default_article(), Given::Nothing, Announce::Starting) }, None)
    });
    if let Some(read) = given.filter(|_| options.article.is_some()) {
        if let Ok(records) = &read {
            on_demand::anchoring::ready_for(records, request.article.text()).await;
        }
        match read.and_then(|records| document_session::host_work(records, &request.article, &schema)) {
            Ok(work) => request.given = Given::Host(work),
            Err(e) => problems.push(format!("The annotations given were not used: {e}")),
        }
    }
    let opening = match document_session::opening_for(request, &schema, IfAbsent::Wait) {
        Err(NotOpened::AwaitingAnchoring(request)) => document_session::opening_after_anchoring(*request, &schema).await,
        Err(NotOpened::Refused(e)) => Err(e),
        Ok(opening) => Ok(opening),
    };
    let info = SaveInfo { annotator: options.annotator.clone(), created_at: created_at.or_else(|| Some(clock::now_iso())), updated_at: None, task: Default::default() };
    // The default article only when nothing else opens: building it and its
    // views to throw them away cost every start.
    let mut state = match opening {
        Ok(opening) => {
            let mut state = AppState::undrawn(Editor::new(opening.article.clone(), schema.clone()), info);
            state.open_document(&opening);
            state
        }
        Err(e) => {
            problems.push(e);
            AppState::new(Editor::new(Arc::new(default_article()), schema.clone()), info)
        }
    };
    if !problems.is_empty() {
        let said = state.notice.take().map(|n| format!(" {}", n.text)).unwrap_or_default();
        state.notice = Some(Notice { kind: NoticeKind::Error, text: format!("{}{said}", problems.join(" ")), offer: None });
    }
    state
}

fn default_article() -> Article {
    Article::new(DEFAULT_ID, DEFAULT_TITLE, DEFAULT_TEXT).expect("the default article is valid")
}

/// The default article alone, for a root component rendered without a
/// first state (never: `mount.rs` builds it before the first render; kept
/// so that an instance always has one).
pub fn fallback(host: &Host) -> AppState {
    let info = SaveInfo { annotator: host.options.annotator.clone(), created_at: Some(clock::now_iso()), updated_at: None, task: Default::default() };
    AppState::new(Editor::new(Arc::new(default_article()), host.schema.clone()), info)
}
