//! An article a host gives (`mount` options, `setArticle`, a
//! `marginalia:load` message, `?article=`): plain text as given, or HTML
//! reduced to its article text through the inert parser of `html_import`.

use crate::html_import::import_html;
use marginalia_core::article::Article;
use marginalia_core::embed::ArticleInput;
use marginalia_core::record::default_doc_id;

pub fn article_from(input: &ArticleInput) -> Result<Article, String> {
    let (text, page_title) = match (&input.text, &input.html) {
        (Some(text), None) => (text.clone(), None),
        (None, Some(html)) => {
            let page = import_html(html).map_err(|e| format!("the article's HTML cannot be used: {e}"))?;
            (page.text, Some(page.title).filter(|t| !t.is_empty()))
        }
        (Some(_), Some(_)) => return Err("give the article's `text` or its `html`, not both".into()),
        (None, None) => return Err("the article has neither `text` nor `html`".into()),
    };
    let id = input.id.clone().filter(|i| !i.is_empty()).unwrap_or_else(|| default_doc_id(&text));
    let title = input.title.clone().or(page_title).unwrap_or_else(|| id.clone());
    Article::new(id, title, text).map_err(|e| format!("the article cannot be opened: {e}"))
}
