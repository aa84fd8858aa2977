//! The audit log for administrators: `GET /admin/audit` (filters by kind and subject, older
//! events a page at a time) and its exports, `GET /admin/audit.csv` and `GET /admin/audit.json`.
//!
//! The exports hold the whole log (or the events matching the same filters), oldest first.
//! They are streamed a store page at a time ([`MAX_AUDIT_PAGE`] events), walking with
//! `after_id`, so a long log is never held in memory. A store failure half-way aborts the
//! response instead of ending it cleanly, so a client can never take a cut-off file for the
//! whole log. CSV cells that a spreadsheet would run as a formula get a leading apostrophe
//! ([`spreadsheet_safe`]).

use super::fields;
use crate::admin::SignedIn;
use crate::error::WebError;
use crate::export::{spreadsheet_safe, CSV_TYPE};
use crate::pages::Chrome;
use crate::state::AppState;
use askama::Template;
use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use preventory_core::accounts::Actor;
use preventory_core::audit::AuditAction;
use preventory_core::Vocabulary as _;
use preventory_store::accounts::{AuditEntry, AuditQuery, MAX_AUDIT_PAGE};
use std::collections::HashMap;

/// Events on one page of the audit log.
const PAGE: usize = 100;

/// The longest subject accepted in the filter (subjects are short names like `user:12`).
const MAX_SUBJECT: usize = 500;

/// The columns of the CSV export.
pub(crate) const AUDIT_COLUMNS: [&str; 6] = ["id", "at", "actor", "action", "subject", "detail"];

/// The filters of the page and the exports, from the query string.
#[derive(Debug, Default, PartialEq)]
struct Filters {
    action: Option<AuditAction>,
    subject: Option<String>,
    before: Option<i64>,
}

impl Filters {
    /// Reads `action`, `subject` and `before`; empty fields mean no filter. An unknown kind
    /// or a malformed cursor is a 400.
    fn parse(query: Option<&str>) -> Result<Filters, WebError> {
        let f = fields(query.unwrap_or_default().as_bytes());
        let value = |name: &str| f.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
        let action = value("action")
            .map(|a| {
                AuditAction::from_id(a)
                    .ok_or_else(|| WebError::BadRequest("unknown kind of event".to_string()))
            })
            .transpose()?;
        let subject = value("subject").map(str::to_string);
        if subject
            .as_ref()
            .is_some_and(|s| s.chars().count() > MAX_SUBJECT)
        {
            return Err(WebError::BadRequest("the subject is too long".to_string()));
        }
        let before = value("before")
            .map(|b| {
                b.parse::<i64>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| WebError::BadRequest("before must be an event number".into()))
            })
            .transpose()?;
        Ok(Filters {
            action,
            subject,
            before,
        })
    }

    /// The query string of these filters with another cursor (for the "older" link and the
    /// export links), without the leading `?`.
    fn query_with(&self, before: Option<i64>) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        if let Some(action) = self.action {
            s.append_pair("action", action.id());
        }
        if let Some(subject) = &self.subject {
            s.append_pair("subject", subject);
        }
        if let Some(before) = before {
            s.append_pair("before", &before.to_string());
        }
        s.finish()
    }
}

/// One event as shown.
struct AuditRow {
    id: i64,
    at: String,
    actor: String,
    action: String,
    subject: String,
    detail: String,
}

/// An option of the kind filter.
struct ActionOption {
    id: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    chrome: Chrome,
    rows: Vec<AuditRow>,
    actions: Vec<ActionOption>,
    subject: String,
    filtered: bool,
    /// The query string of the next (older) page, when there is one.
    older: Option<String>,
    /// The query string of the export links: the same filters, no cursor.
    export_query: String,
}

/// The detail of an event as one line: nothing for an empty object.
fn detail_text(detail: &serde_json::Value) -> String {
    match detail {
        serde_json::Value::Object(map) if map.is_empty() => String::new(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `GET /admin/audit`: the newest events matching the filters, [`PAGE`] at a time.
pub(super) async fn audit_page(
    State(state): State<AppState>,
    _: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Html<String>, WebError> {
    let filters = Filters::parse(query.as_deref())?;
    let mut entries = state
        .store()
        .list_audit(&AuditQuery {
            action: filters.action,
            subject: filters.subject.clone(),
            before_id: filters.before,
            limit: PAGE + 1,
            ..AuditQuery::default()
        })
        .await?;
    let more = entries.len() > PAGE;
    entries.truncate(PAGE);
    let older = if more {
        entries.last().map(|e| filters.query_with(Some(e.id)))
    } else {
        None
    };
    let emails: HashMap<_, _> = state
        .store()
        .list_users()
        .await?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    let rows = entries
        .into_iter()
        .map(|e| AuditRow {
            id: e.id,
            actor: match e.actor {
                Actor::User(id) => match emails.get(&id) {
                    Some(email) => format!("{} ({email})", e.actor),
                    None => e.actor.to_string(),
                },
                other => other.to_string(),
            },
            action: AuditAction::from_id(&e.action)
                .map(|a| a.label().to_string())
                .unwrap_or(e.action),
            at: e.at,
            subject: e.subject,
            detail: detail_text(&e.detail),
        })
        .collect();
    let actions = AuditAction::all()
        .into_iter()
        .map(|a| ActionOption {
            id: a.id(),
            label: a.label(),
            selected: filters.action == Some(a),
        })
        .collect();
    Ok(Html(
        AuditPage {
            chrome: Chrome::new("Audit log"),
            rows,
            actions,
            subject: filters.subject.clone().unwrap_or_default(),
            filtered: filters.action.is_some()
                || filters.subject.is_some()
                || filters.before.is_some(),
            older,
            export_query: filters.query_with(None),
        }
        .render()?,
    ))
}

/// One page of an export turned into bytes; `first` says whether it is the first page.
type Encode = fn(&[AuditEntry], bool) -> Result<Vec<u8>, std::io::Error>;

/// Where a streamed export is.
enum Walk {
    /// The next page starts after this event (`None`: from the first).
    Next(Option<i64>, bool),
    /// The closing bytes are sent; nothing follows.
    Done,
}

/// The whole log (matching `filters`, cursor ignored) as a streamed attachment: `encode`
/// writes each page, `closing` ends the document.
fn export(
    state: AppState,
    filters: Filters,
    content_type: &'static str,
    filename: &'static str,
    encode: Encode,
    closing: &'static [u8],
) -> Response {
    let stream = futures_util::stream::unfold(Walk::Next(None, true), move |walk| {
        let state = state.clone();
        let query = AuditQuery {
            action: filters.action,
            subject: filters.subject.clone(),
            oldest_first: true,
            limit: MAX_AUDIT_PAGE,
            ..AuditQuery::default()
        };
        async move {
            let Walk::Next(after, first) = walk else {
                return None;
            };
            let page = match state
                .store()
                .list_audit(&AuditQuery {
                    after_id: after,
                    ..query
                })
                .await
            {
                Ok(page) => page,
                Err(e) => {
                    tracing::error!(error = %e, "audit export failed");
                    return Some((
                        Err(std::io::Error::other("audit export failed")),
                        Walk::Done,
                    ));
                }
            };
            let Some(last) = page.last().map(|e| e.id) else {
                let mut end = if first {
                    encode(&[], true).unwrap_or_default()
                } else {
                    Vec::new()
                };
                end.extend_from_slice(closing);
                return Some((Ok(Bytes::from(end)), Walk::Done));
            };
            match encode(&page, first) {
                Ok(bytes) => Some((Ok(Bytes::from(bytes)), Walk::Next(Some(last), false))),
                Err(e) => {
                    tracing::error!(error = %e, "audit export failed");
                    Some((Err(e), Walk::Done))
                }
            }
        }
    });
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// A page of events as CSV rows (after the header on the first page), every cell made
/// [`spreadsheet_safe`].
fn csv_page(entries: &[AuditEntry], first: bool) -> Result<Vec<u8>, std::io::Error> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    if first {
        writer
            .write_record(AUDIT_COLUMNS)
            .map_err(std::io::Error::other)?;
    }
    for e in entries {
        let row = [
            e.id.to_string(),
            e.at.clone(),
            e.actor.to_string(),
            e.action.clone(),
            e.subject.clone(),
            detail_text(&e.detail),
        ];
        writer
            .write_record(row.iter().map(|cell| spreadsheet_safe(cell).into_owned()))
            .map_err(std::io::Error::other)?;
    }
    writer
        .into_inner()
        .map_err(|e| std::io::Error::other(e.into_error()))
}

/// A page of events as part of one JSON array: the opening bracket on the first page, and
/// a comma before every event but the very first.
fn json_page(entries: &[AuditEntry], first: bool) -> Result<Vec<u8>, std::io::Error> {
    let mut out = Vec::new();
    if first {
        out.push(b'[');
    }
    for (i, e) in entries.iter().enumerate() {
        if !(first && i == 0) {
            out.push(b',');
        }
        out.push(b'\n');
        serde_json::to_writer(&mut out, e)?;
    }
    Ok(out)
}

/// `GET /admin/audit.csv`: the log, oldest first, as CSV.
pub(super) async fn audit_csv(
    State(state): State<AppState>,
    _: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let filters = Filters::parse(query.as_deref())?;
    Ok(export(
        state,
        filters,
        CSV_TYPE,
        "preventory-audit-log.csv",
        csv_page,
        b"",
    ))
}

/// `GET /admin/audit.json`: the log, oldest first, as one JSON array of events.
pub(super) async fn audit_json(
    State(state): State<AppState>,
    _: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let filters = Filters::parse(query.as_deref())?;
    Ok(export(
        state,
        filters,
        "application/json",
        "preventory-audit-log.json",
        json_page,
        b"\n]\n",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use preventory_core::accounts::UserId;

    fn entry(id: i64, subject: &str) -> AuditEntry {
        AuditEntry {
            id,
            at: "2024-06-01T00:00:00Z".to_string(),
            actor: Actor::User(UserId(2)),
            action: "record_changed".to_string(),
            subject: subject.to_string(),
            detail: serde_json::json!({"summary": "=1+1"}),
        }
    }

    #[test]
    fn csv_pages_have_one_header_and_neutralise_formulas() {
        let mut bytes = csv_page(&[entry(1, "=HYPERLINK(\"x\")")], true).unwrap_or_default();
        bytes.extend(csv_page(&[entry(2, "-2"), entry(3, "@a")], false).unwrap_or_default());
        let text = String::from_utf8(bytes).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "id,at,actor,action,subject,detail");
        assert_eq!(lines.len(), 4, "{text}");
        assert!(lines[1].contains(",\"'=HYPERLINK(\"\"x\"\")\","), "{text}");
        assert!(lines[2].contains(",'-2,"), "{text}");
        assert!(lines[3].contains(",'@a,"), "{text}");
        assert!(!text.contains(",=") && !text.contains(",\"="), "{text}");
    }

    #[test]
    fn json_pages_join_into_one_array() {
        for pages in [
            vec![],
            vec![vec![entry(1, "a")]],
            vec![vec![entry(1, "a"), entry(2, "b")], vec![entry(3, "c")]],
        ] {
            let mut bytes = Vec::new();
            if pages.is_empty() {
                bytes.extend(json_page(&[], true).unwrap_or_default());
            }
            for (i, page) in pages.iter().enumerate() {
                bytes.extend(json_page(page, i == 0).unwrap_or_default());
            }
            bytes.extend_from_slice(b"\n]\n");
            let parsed: Vec<serde_json::Value> =
                serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}: {bytes:?}"));
            assert_eq!(parsed.len(), pages.iter().map(Vec::len).sum::<usize>());
        }
    }

    #[test]
    fn filters_are_read_strictly_and_written_back() {
        let f = Filters::parse(Some(
            "action=status_changed&subject=intervention%3Aa-b&before=40",
        ));
        let f = f.unwrap_or_default();
        assert_eq!(f.action, Some(AuditAction::StatusChanged));
        assert_eq!(f.subject.as_deref(), Some("intervention:a-b"));
        assert_eq!(f.before, Some(40));
        assert_eq!(
            f.query_with(Some(7)),
            "action=status_changed&subject=intervention%3Aa-b&before=7"
        );
        assert_eq!(
            Filters::parse(Some("action=&subject=+")).ok(),
            Some(Filters::default())
        );
        for bad in ["action=made_up", "before=x", "before=0"] {
            assert!(Filters::parse(Some(bad)).is_err(), "{bad}");
        }
    }
}
