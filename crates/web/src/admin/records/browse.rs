//! The record list and the staff view of one record.

use super::lines::{lines, Line};
use super::view_href;
use crate::admin::SignedIn;
use crate::error::WebError;
use crate::pages::{display_title, record_href, Chrome};
use crate::state::AppState;
use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::response::Html;
use preventory_core::accounts::{EditRight, Permission};
use preventory_core::slug::is_valid_slug;
use preventory_core::Vocabulary;

/// Records a page of the list shows.
const PAGE_SIZE: usize = 100;

/// One line of the list.
struct ListRow {
    slug: String,
    title: String,
    status: &'static str,
    public: &'static str,
    revision: i64,
    correct_at: String,
}

#[derive(Template)]
#[template(path = "admin_records.html")]
struct ListPage {
    chrome: Chrome,
    q: String,
    rows: Vec<ListRow>,
    total: usize,
    first: usize,
    last: usize,
    previous: Option<String>,
    next: Option<String>,
    can_propose: bool,
}

/// The list's address for a search and page.
fn list_href(q: &str, page: usize) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if !q.is_empty() {
        query.append_pair("q", q);
    }
    if page > 1 {
        query.append_pair("page", &page.to_string());
    }
    let query = query.finish();
    if query.is_empty() {
        "/admin/records".to_string()
    } else {
        format!("/admin/records?{query}")
    }
}

/// `GET /admin/records`: every record (current revision) by title, a page at a time, with
/// a plain filter on title and slug.
pub(super) async fn list(
    State(state): State<AppState>,
    signed_in: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Html<String>, WebError> {
    let mut q = String::new();
    let mut page = 1usize;
    for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match name.as_ref() {
            "q" => q = value.trim().to_string(),
            "page" => page = value.trim().parse().unwrap_or(1).max(1),
            _ => {}
        }
    }
    let needle = q.to_lowercase();
    let staff = signed_in.staff();
    let items: Vec<_> = state
        .store()
        .review_items()
        .await?
        .into_iter()
        .filter(|item| staff.may_read(item.organisation.as_deref()))
        .filter(|item| {
            needle.is_empty()
                || item.title.to_lowercase().contains(&needle)
                || item.slug.contains(&needle)
        })
        .collect();
    let total = items.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = page.min(pages);
    let start = (page - 1) * PAGE_SIZE;
    let rows: Vec<ListRow> = items
        .into_iter()
        .skip(start)
        .take(PAGE_SIZE)
        .map(|item| ListRow {
            title: display_title(&item.title),
            status: item.status.label(),
            public: item.public_status.map_or("Not public", |s| s.label()),
            revision: item.revision,
            correct_at: item.information_correct_at.unwrap_or_default(),
            slug: item.slug,
        })
        .collect();
    Ok(Html(
        ListPage {
            chrome: Chrome::new("Records"),
            first: if rows.is_empty() { 0 } else { start + 1 },
            last: start + rows.len(),
            rows,
            total,
            previous: (page > 1).then(|| list_href(&q, page - 1)),
            next: (page < pages).then(|| list_href(&q, page + 1)),
            q,
            can_propose: signed_in
                .session
                .user
                .staff()
                .can(Permission::ProposeChanges),
        }
        .render()?,
    ))
}

#[derive(Template)]
#[template(path = "admin_record.html")]
struct ViewPage {
    chrome: Chrome,
    title: String,
    slug: String,
    status: &'static str,
    public: &'static str,
    public_href: Option<String>,
    revision: i64,
    updated_at: String,
    edit_href: Option<String>,
    history_href: String,
    organisation: Option<String>,
    /// The postal address as the person may see it.
    address: Option<String>,
    address_confidential: bool,
    lines: Vec<Line>,
}

/// `GET /admin/records/{slug}`: the current revision, every field, with the confidential
/// address for those allowed to see it.
pub(super) async fn view(
    State(state): State<AppState>,
    signed_in: SignedIn,
    slug: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, WebError> {
    let Path(slug) = slug.map_err(|_| WebError::NotFound)?;
    if !is_valid_slug(&slug) {
        return Err(WebError::NotFound);
    }
    let stored = signed_in.readable_record(&state, &slug).await?;
    let staff = signed_in.staff();
    let public = state.store().get_public(&slug).await?;
    let see = staff.can(Permission::ViewConfidential);
    let record = &stored.record;
    let contact = &record.contact;
    let may_edit = staff.can(Permission::ProposeChanges)
        && staff.edit_right(contact.organisation.as_deref()) != EditRight::None;
    let address = contact.address.clone().map(|a| {
        if contact.address_confidential && !see {
            super::lines::HIDDEN.to_string()
        } else {
            a
        }
    });
    Ok(Html(
        ViewPage {
            chrome: Chrome::new(&display_title(&record.title)),
            title: display_title(&record.title),
            status: stored.status.label(),
            public: public.as_ref().map_or("Not public", |p| p.status.label()),
            public_href: public.map(|_| record_href(&slug)),
            revision: stored.revision,
            updated_at: stored.updated_at.clone(),
            edit_href: may_edit.then(|| format!("{}/edit", view_href(&slug))),
            history_href: format!("{}/history", view_href(&slug)),
            organisation: contact.organisation.clone(),
            address,
            address_confidential: contact.address_confidential,
            lines: lines(record, see),
            slug,
        }
        .render()?,
    ))
}
