//! Staff pages for records: the list, the staff view of a record's current revision, and the
//! edit form for new and existing records (issue 7, points 3 and 5).
//!
//! The form edits every field of a record without JavaScript: lists of rows (facet rows,
//! sections under other headings, references, studies and their outcomes, age limits by
//! format) show their rows and a blank one, and "Add another …" buttons show the form again
//! with one more. "Preview" shows the public page the submitted record would make, "Save"
//! (with a change summary) stores it as a draft through [`Store::save_record`]. What was
//! typed is never lost: a problem shows the form again (400) with a summary linking to each
//! field at fault, and a save that started from a revision someone else has replaced since
//! shows both versions side by side with the form again (409), ready to overwrite on purpose.
//!
//! Who may do what: anyone signed in sees the list and the staff view (the confidential
//! address only with [`Permission::ViewConfidential`]); the form needs
//! [`Permission::ProposeChanges`], and then [`Staff::edit_right`] for both the stored record's
//! organisation and the one submitted (a provider: their own organisation's records only).
//!
//! [`Store::save_record`]: preventory_store::Store::save_record
//! [`Staff::edit_right`]: preventory_core::accounts::Staff::edit_right

mod browse;
mod codec;
mod data;
mod edit;
mod lines;
mod widgets;

use super::{Access, AdminRoute};
use axum::http::Method;
use axum::routing::on;
use preventory_core::accounts::Permission;

/// The address of a record's staff view. Slugs are checked by the store (lowercase letters,
/// digits, hyphens), so they need no encoding.
fn view_href(slug: &str) -> String {
    format!("/admin/records/{slug}")
}

/// The routes of this part of the staff pages.
pub(super) const ROUTES: &[AdminRoute] = &[
    AdminRoute {
        method: Method::GET,
        path: "/admin/records",
        access: Access::Staff(Permission::AccessAdmin),
        handler: |m| on(m, browse::list),
    },
    AdminRoute {
        method: Method::GET,
        path: "/admin/records/new",
        access: Access::Staff(Permission::ProposeChanges),
        handler: |m| on(m, edit::new_form),
    },
    AdminRoute {
        method: Method::POST,
        path: "/admin/records/new",
        access: Access::Staff(Permission::ProposeChanges),
        handler: |m| on(m, edit::new_submit),
    },
    AdminRoute {
        method: Method::GET,
        path: "/admin/records/{slug}",
        access: Access::Staff(Permission::AccessAdmin),
        handler: |m| on(m, browse::view),
    },
    AdminRoute {
        method: Method::GET,
        path: "/admin/records/{slug}/edit",
        access: Access::Staff(Permission::ProposeChanges),
        handler: |m| on(m, edit::edit_form),
    },
    AdminRoute {
        method: Method::POST,
        path: "/admin/records/{slug}/edit",
        access: Access::Staff(Permission::ProposeChanges),
        handler: |m| on(m, edit::edit_submit),
    },
];
