//! The home page: every record, ordered by title.

use super::{display_title, record_href, Chrome, Freshness, RatingView};
use crate::error::WebError;
use crate::records;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Html;

/// One record in the list.
struct ListItem {
    href: String,
    title: String,
    summary: Option<String>,
    rating: Option<RatingView>,
    freshness: Freshness,
}

#[derive(Template)]
#[template(path = "list.html")]
struct ListPage {
    chrome: Chrome,
    items: Vec<ListItem>,
}

/// `GET /`: the list of all records.
pub(crate) async fn handler(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    let today = state.today();
    let items = records::all_by_title(state.store())
        .await?
        .into_iter()
        .map(|r| ListItem {
            href: record_href(&r.slug),
            title: display_title(&r.title),
            summary: r.summary.filter(|s| !s.trim().is_empty()),
            rating: RatingView::of(r.rating),
            freshness: Freshness::of(r.information_correct_at, today),
        })
        .collect();
    let page = ListPage {
        chrome: Chrome::new("Interventions"),
        items,
    };
    Ok(Html(page.render()?))
}
