//! An article a host gives (`mount` options, `setArticle`, a
//! `marginalia:load` message, `?article=`): plain text as given, or HTML
//! reduced to its article text through the inert parser of `html_import`
//! (a part, fetched the first time an article comes as HTML).

use crate::on_demand;
use marginalia_core::article::Article;
use marginalia_core::embed::ArticleInput;
use marginalia_core::record::default_doc_id;

/// The article of `input` at once, or `None` when it is HTML: read that
/// with [`article_from`].
pub fn article_now(input: &ArticleInput) -> Option<Result<Article, String>> {
    Some(match (&input.text, &input.html) {
        (Some(text), None) => article(input, text.clone(), None),
        (None, Some(_)) => return None,
        (Some(_), Some(_)) => Err("give the article's `text` or its `html`, not both".into()),
        (None, None) => Err("the article has neither `text` nor `html`".into()),
    })
}

pub async fn article_from(input: &ArticleInput) -> Result<Article, String> {
    if let Some(now) = article_now(input) {
        return now;
    }
    let html = input.html.clone().unwrap_or_default();
    let read = on_demand::html_import::page_text_of(html).await.map_err(|unavailable| unavailable.message())?;
    let page = read.map_err(|e| format!("the article's HTML cannot be used: {e}"))?;
    article(input, page.text, Some(page.title).filter(|t| !t.is_empty()))
}

fn article(input: &ArticleInput, text: String, page_title: Option<String>) -> Result<Article, String> {
    let id = input.id.clone().filter(|i| !i.is_empty()).unwrap_or_else(|| default_doc_id(&text));
    let title = input.title.clone().or(page_title).unwrap_or_else(|| id.clone());
    Article::new(id, title, text).map_err(|e| format!("the article cannot be opened: {e}"))
}
