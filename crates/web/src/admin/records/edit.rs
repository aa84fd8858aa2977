//! The edit form: showing it, previewing, adding rows, saving, and the merge page when
//! someone else saved first.

use super::codec::{parse, to_form, FieldError};
use super::data::{field_id, FormData};
use super::lines::{differences, lines, Difference};
use super::view_href;
use super::widgets::{add_blank_rows, add_row, parts, Field, Part, Row, TextArea, Widget};
use crate::admin::SignedIn;
use crate::error::WebError;
use crate::pages::ErrorLink;
use crate::pages::{display_title, Chrome};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use preventory_core::accounts::{EditRight, Permission, Staff};
use preventory_core::slug::{is_valid_slug, slugify};
use preventory_core::{Intervention, Vocabulary};
use preventory_store::editing::RecordEdit;
use preventory_store::{StoreError, StoredRecord};

/// Shown to a provider who tries to change another organisation's record (reading it is
/// refused with [`crate::admin::NOT_YOUR_RECORD`]).
const NOT_YOURS_TO_CHANGE: &str = "This record belongs to another organisation. As a service provider you can only change your own organisation's records; ask an editor to make this change.";

/// Beside the organisation when the submitted one is not the person's.
const NOT_YOUR_ORGANISATION: &str = "You can only save records of your own organisation: enter your organisation's name as it appears on your account.";

/// Someone else's revision that replaced the one the editor started from.
struct Conflict {
    base: String,
    revision: i64,
    author: String,
    at: String,
    summary: String,
    differences: Vec<Difference>,
}

#[derive(Template)]
#[template(path = "admin_record_form.html")]
struct FormPage {
    chrome: Chrome,
    heading: String,
    action: String,
    back_href: String,
    csrf: String,
    base_revision: String,
    errors: Vec<ErrorLink>,
    conflict: Option<Conflict>,
    /// The public page's content as our own template rendered it (every record text
    /// escaped by askama), placed with `|safe`.
    preview: Option<String>,
    parts: Vec<Part>,
    change_summary: Widget,
}

/// Which record the form is about.
enum Target {
    /// A record not stored yet.
    New,
    /// The record as stored now.
    Existing(Box<StoredRecord>),
}

/// What the form page needs besides the fields.
struct Page<'a> {
    signed_in: &'a SignedIn,
    target: &'a Target,
    data: &'a FormData,
    errors: &'a [FieldError],
    conflict: Option<Conflict>,
    preview: Option<String>,
}

/// Whether the person may not see this record's stored address (confidential, and the role
/// lacks [`Permission::ViewConfidential`]). Their form then leaves the address box empty,
/// and an empty box keeps the stored address.
fn address_hidden(staff: &Staff, target: &Target) -> bool {
    match target {
        Target::New => false,
        Target::Existing(stored) => {
            let c = &stored.record.contact;
            c.address_confidential
                && c.address.is_some()
                && !staff.can(Permission::ViewConfidential)
        }
    }
}

/// The label of the control named `name`, with its row's legend, for the error summary.
fn label_of(parts: &[Part], name: &str) -> Option<String> {
    fn in_widgets(widgets: &[Widget], name: &str) -> Option<String> {
        widgets.iter().find_map(|w| {
            let field: &Field = match w {
                Widget::Text(t) => &t.field,
                Widget::Area(t) => &t.field,
                Widget::Check(c) => &c.field,
                Widget::Select(s) => &s.field,
                Widget::Checks(g) => &g.field,
                Widget::Fixed(_) | Widget::Hidden(..) => return None,
            };
            (field.name == name).then(|| field.label.clone())
        })
    }
    fn in_rows(rows: &[Row], name: &str) -> Option<String> {
        rows.iter().find_map(|row| {
            in_widgets(&row.widgets, name)
                .or_else(|| in_rows(&row.children, name))
                .map(|label| format!("{}: {label}", row.legend))
        })
    }
    parts
        .iter()
        .find_map(|p| in_widgets(&p.widgets, name).or_else(|| in_rows(&p.rows, name)))
}

fn suggestion(record: &Intervention) -> String {
    match record.assessment().suggested {
        Some(rating) => format!(
            "The studies recorded below suggest the rating {}.",
            rating.label()
        ),
        None => "No studies are recorded below, so they suggest no rating.".to_string(),
    }
}

fn render(page: Page<'_>, status: StatusCode) -> Result<Response, WebError> {
    let staff = page.signed_in.staff();
    let new = matches!(page.target, Target::New);
    let suggested = suggestion(&parse(page.data).record);
    let mut parts = parts(page.data, page.errors, new, &suggested);
    if address_hidden(&staff, page.target) {
        for part in &mut parts {
            for w in &mut part.widgets {
                if let Widget::Area(a) = w {
                    if a.field.name == "contact-address" {
                        a.field.hint = Some("This record's address is confidential and your role cannot see it. Leave the box empty to keep it, or type a new address to replace it.".into());
                    }
                }
            }
        }
    }
    let (heading, action, back_href) = match page.target {
        Target::New => (
            "New record".to_string(),
            "/admin/records/new".to_string(),
            "/admin/records".to_string(),
        ),
        Target::Existing(stored) => {
            let href = view_href(&stored.record.slug);
            (
                format!("Edit: {}", display_title(&stored.record.title)),
                format!("{href}/edit"),
                href,
            )
        }
    };
    let summary_error = page
        .errors
        .iter()
        .find(|e| e.name == "change_summary")
        .map(|e| e.message.clone());
    let change_summary = Widget::Area(TextArea {
        field: Field {
            id: field_id("change_summary"),
            name: "change_summary".into(),
            label: "What did you change?".into(),
            hint: Some("Required to save: a few words for the record's history, e.g. \u{201c}New phone number\u{201d}.".into()),
            error: summary_error,
        },
        value: page.data.get("change_summary").to_string(),
        rows: 2,
    });
    let errors = page
        .errors
        .iter()
        .map(|e| {
            let label = if e.name == "change_summary" {
                Some("What did you change?".to_string())
            } else {
                label_of(&parts, &e.name)
            };
            match label {
                Some(label) => ErrorLink {
                    href: format!("#{}", field_id(&e.name)),
                    text: format!("{label}: {}", e.message),
                },
                None => ErrorLink {
                    href: "#record-form".into(),
                    text: e.message.clone(),
                },
            }
        })
        .collect();
    let html = FormPage {
        chrome: Chrome::new(&heading),
        heading,
        action,
        back_href,
        csrf: page.signed_in.session.csrf_token.clone(),
        base_revision: page.data.get("base_revision").to_string(),
        errors,
        conflict: page.conflict,
        preview: page.preview,
        parts,
        change_summary,
    }
    .render()?;
    Ok((status, Html(html)).into_response())
}

/// The stored record at `slug`, if the person may change it.
async fn editable(
    state: &AppState,
    signed_in: &SignedIn,
    slug: Result<Path<String>, PathRejection>,
) -> Result<Box<StoredRecord>, WebError> {
    let Path(slug) = slug.map_err(|_| WebError::NotFound)?;
    if !is_valid_slug(&slug) {
        return Err(WebError::NotFound);
    }
    let stored = state.store().get(&slug).await?.ok_or(WebError::NotFound)?;
    let organisation = stored.record.contact.organisation.as_deref();
    if signed_in.staff().edit_right(organisation) == EditRight::None {
        return Err(WebError::Forbidden(NOT_YOURS_TO_CHANGE));
    }
    Ok(Box::new(stored))
}

/// `GET /admin/records/new`: an empty form (a provider's organisation filled in).
pub(super) async fn new_form(signed_in: SignedIn) -> Result<Response, WebError> {
    let mut data = FormData::default();
    if let Some(organisation) = &signed_in.session.user.organisation {
        data.set("contact-organisation", organisation.clone());
    }
    add_blank_rows(&mut data);
    let target = Target::New;
    render(
        Page {
            signed_in: &signed_in,
            target: &target,
            data: &data,
            errors: &[],
            conflict: None,
            preview: None,
        },
        StatusCode::OK,
    )
}

/// `GET /admin/records/{slug}/edit`: the form filled from the current revision.
pub(super) async fn edit_form(
    State(state): State<AppState>,
    signed_in: SignedIn,
    slug: Result<Path<String>, PathRejection>,
) -> Result<Response, WebError> {
    let stored = editable(&state, &signed_in, slug).await?;
    let mut data = to_form(&stored.record);
    data.set("base_revision", stored.revision.to_string());
    let target = Target::Existing(stored);
    if address_hidden(&signed_in.staff(), &target) {
        data.set("contact-address", "");
    }
    add_blank_rows(&mut data);
    render(
        Page {
            signed_in: &signed_in,
            target: &target,
            data: &data,
            errors: &[],
            conflict: None,
            preview: None,
        },
        StatusCode::OK,
    )
}

/// `POST /admin/records/new`.
pub(super) async fn new_submit(
    State(state): State<AppState>,
    signed_in: SignedIn,
    body: Bytes,
) -> Result<Response, WebError> {
    let mut data = FormData::from_body(&body);
    if data.get("slug").trim().is_empty() && !data.get("title").trim().is_empty() {
        let slug = slugify(data.get("title"));
        data.set("slug", slug);
    }
    submit(&state, &signed_in, Target::New, data).await
}

/// `POST /admin/records/{slug}/edit`.
pub(super) async fn edit_submit(
    State(state): State<AppState>,
    signed_in: SignedIn,
    slug: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<Response, WebError> {
    let stored = editable(&state, &signed_in, slug).await?;
    let mut data = FormData::from_body(&body);
    // The address names the record; a slug in the body is not asked for and not used.
    data.set("slug", stored.record.slug.clone());
    submit(&state, &signed_in, Target::Existing(stored), data).await
}

fn error(name: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        name: name.to_string(),
        message: message.into(),
    }
}

/// What every button of the form does: add a row, preview or save.
async fn submit(
    state: &AppState,
    signed_in: &SignedIn,
    target: Target,
    mut data: FormData,
) -> Result<Response, WebError> {
    let action = data.get("action").to_string();
    if add_row(&mut data, &action) {
        return render(
            Page {
                signed_in,
                target: &target,
                data: &data,
                errors: &[],
                conflict: None,
                preview: None,
            },
            StatusCode::OK,
        );
    }

    let staff = signed_in.staff();
    let parsed = parse(&data);
    let mut record = parsed.record;
    let mut errors = parsed.errors;
    if let (true, Target::Existing(stored)) = (address_hidden(&staff, &target), &target) {
        if record.contact.address.is_none() {
            // Kept as stored: the person could not see it, so could not have meant to clear it.
            record.contact.address = stored.record.contact.address.clone();
            record.contact.address_confidential = true;
        }
    }
    let saving = action == "save";
    let mut status = StatusCode::BAD_REQUEST;
    if saving {
        if data.get("change_summary").trim().is_empty() {
            errors.push(error(
                "change_summary",
                "Say in a few words what you changed",
            ));
        }
        if staff.edit_right(record.contact.organisation.as_deref()) == EditRight::None {
            errors.insert(0, error("contact-organisation", NOT_YOUR_ORGANISATION));
            status = StatusCode::FORBIDDEN;
        }
    }
    if !errors.is_empty() {
        return render(
            Page {
                signed_in,
                target: &target,
                data: &data,
                errors: &errors,
                conflict: None,
                preview: None,
            },
            status,
        );
    }

    if !saving {
        let preview = crate::pages::record::preview_html(&record, state.today())?;
        return render(
            Page {
                signed_in,
                target: &target,
                data: &data,
                errors: &[],
                conflict: None,
                preview: Some(preview),
            },
            StatusCode::OK,
        );
    }

    let base_revision = match (&target, data.get("base_revision").trim()) {
        (Target::New, _) => None,
        (Target::Existing(_), text) => match text.parse::<i64>() {
            Ok(revision) => Some(revision),
            Err(_) => {
                return Err(WebError::BadRequest(
                    "The form was incomplete. Open the record's edit page again.".into(),
                ))
            }
        },
    };
    let slug = record.slug.clone();
    let edit = RecordEdit {
        record,
        base_revision,
        summary: data.get("change_summary").to_string(),
    };
    let editor = signed_in.editor();
    let (errors, status) = match state.store().save_record(&edit, &editor).await {
        Ok(_) => return Ok(Redirect::to(&view_href(&slug)).into_response()),
        Err(StoreError::Conflict { base, current, .. }) => {
            return conflict(state, signed_in, &target, data, &edit.record, base, current).await;
        }
        Err(StoreError::SlugTaken(_)) => (
            vec![error(
                "slug",
                "Another record has this slug already: choose another",
            )],
            StatusCode::CONFLICT,
        ),
        Err(StoreError::NotAllowed(_)) => (
            vec![error("contact-organisation", NOT_YOUR_ORGANISATION)],
            StatusCode::FORBIDDEN,
        ),
        Err(StoreError::Incomplete(message)) => (
            vec![error("change_summary", message)],
            StatusCode::BAD_REQUEST,
        ),
        Err(StoreError::Invalid { message, .. }) => (
            vec![error(
                "record",
                format!("The record could not be saved: {message}"),
            )],
            StatusCode::BAD_REQUEST,
        ),
        Err(e) => return Err(e.into()),
    };
    render(
        Page {
            signed_in,
            target: &target,
            data: &data,
            errors: &errors,
            conflict: None,
            preview: None,
        },
        status,
    )
}

/// The merge page (409): the revision now stored beside what the editor sent, field by
/// field, then the editor's form again, now based on the current revision so that saving it
/// replaces that revision on purpose.
async fn conflict(
    state: &AppState,
    signed_in: &SignedIn,
    target: &Target,
    mut data: FormData,
    yours: &Intervention,
    base: i64,
    current: i64,
) -> Result<Response, WebError> {
    let slug = yours.slug.as_str();
    let revisions = state.store().revisions(slug).await?;
    let Some(now) = revisions.into_iter().rev().find(|r| r.number == current) else {
        return Err(WebError::Store(StoreError::UnknownRecord(slug.to_string())));
    };
    let see = signed_in.staff().can(Permission::ViewConfidential);
    let conflict = Conflict {
        base: base.to_string(),
        revision: now.number,
        author: now.author,
        at: now.created_at,
        summary: now.summary,
        differences: differences(&lines(&now.record, see), &lines(yours, see)),
    };
    data.set("base_revision", current.to_string());
    render(
        Page {
            signed_in,
            target,
            data: &data,
            errors: &[],
            conflict: Some(conflict),
            preview: None,
        },
        StatusCode::CONFLICT,
    )
}
