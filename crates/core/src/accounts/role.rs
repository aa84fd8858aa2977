//! Roles and what each may do.

use super::UserId;
use crate::vocab::vocabulary;

vocabulary! {
    /// What a staff account is for. Every account has exactly one role.
    Role, "role" {
        /// Everything, including accounts and the audit log.
        Admin => "admin", "Administrator";
        /// Edits records and turns public submissions into drafts.
        Editor => "editor", "Editor";
        /// Checks records in review and publishes them (never their own edits).
        Reviewer => "reviewer", "Reviewer";
        /// Staff of a service: proposes changes to their own organisation's records, which
        /// become drafts for review.
        Provider => "provider", "Service provider";
    }
}

/// Something a role may or may not do. Finer rules (whose records, four eyes) come on top:
/// see [`Staff::edit_right`] and [`crate::lifecycle::check_transition`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Sign in and see the staff pages under `/admin`.
    AccessAdmin,
    /// See confidential details (addresses marked confidential) of every record.
    ViewConfidential,
    /// Change any record directly.
    EditRecords,
    /// Propose changes (drafts) to the records of one's own organisation.
    ProposeChanges,
    /// Send records in review back to draft, and see the review queue.
    Review,
    /// Publish a record in review (subject to four eyes) and discontinue published ones.
    Publish,
    /// Turn public submissions into drafts, or reject them.
    HandleSubmissions,
    /// Add accounts, change roles, disable accounts.
    ManageUsers,
    /// Read and export the audit log.
    ViewAudit,
}

impl Permission {
    /// Every permission, for table tests and route checks.
    pub const ALL: [Permission; 9] = [
        Permission::AccessAdmin,
        Permission::ViewConfidential,
        Permission::EditRecords,
        Permission::ProposeChanges,
        Permission::Review,
        Permission::Publish,
        Permission::HandleSubmissions,
        Permission::ManageUsers,
        Permission::ViewAudit,
    ];
}

impl Role {
    /// Whether this role has a permission at all. For a provider,
    /// [`Permission::ProposeChanges`] holds only for their own organisation's records
    /// ([`Staff::edit_right`]).
    pub fn allows(self, permission: Permission) -> bool {
        use Permission as P;
        match self {
            Role::Admin => true,
            Role::Editor => matches!(
                permission,
                P::AccessAdmin
                    | P::ViewConfidential
                    | P::EditRecords
                    | P::ProposeChanges
                    | P::HandleSubmissions
            ),
            Role::Reviewer => matches!(
                permission,
                P::AccessAdmin | P::ViewConfidential | P::Review | P::Publish
            ),
            Role::Provider => matches!(permission, P::AccessAdmin | P::ProposeChanges),
        }
    }

    /// Whether an account of this role belongs to an organisation (only providers do).
    pub fn has_organisation(self) -> bool {
        self == Role::Provider
    }
}

/// Longest organisation name accepted for a provider, in characters.
pub const MAX_ORGANISATION_CHARS: usize = 300;

/// Why a role and organisation do not go together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoleError {
    /// A provider without an organisation could propose changes to nothing.
    #[error("a provider account needs an organisation")]
    ProviderNeedsOrganisation,
    /// Only providers are tied to an organisation.
    #[error("only provider accounts have an organisation (this one is {0})")]
    OrganisationOnlyForProviders(Role),
    /// Longer than [`MAX_ORGANISATION_CHARS`], or with control characters.
    #[error("the organisation name is too long or has control characters")]
    BadOrganisation,
}

/// Checks that a role and an organisation go together, and tidies the organisation's name
/// (trimmed; empty means none).
pub fn role_organisation(
    role: Role,
    organisation: Option<&str>,
) -> Result<Option<String>, RoleError> {
    let organisation = organisation.map(str::trim).filter(|o| !o.is_empty());
    match (role.has_organisation(), organisation) {
        (true, None) => Err(RoleError::ProviderNeedsOrganisation),
        (false, Some(_)) => Err(RoleError::OrganisationOnlyForProviders(role)),
        (false, None) => Ok(None),
        (true, Some(name)) => {
            if name.chars().count() > MAX_ORGANISATION_CHARS || name.chars().any(char::is_control) {
                return Err(RoleError::BadOrganisation);
            }
            Ok(Some(name.to_string()))
        }
    }
}

/// Whether two organisation names are the same organisation: equal ignoring case and
/// spacing. An empty name matches nothing.
pub fn same_organisation(a: &str, b: &str) -> bool {
    fn key(name: &str) -> String {
        name.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    }
    let a = key(a);
    !a.is_empty() && a == key(b)
}

/// How far someone may change a given record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditRight {
    /// Save changes to the record.
    Direct,
    /// Save changes only as a draft, for review.
    DraftOnly,
    /// Not at all.
    None,
}

/// A signed-in staff member as the rules see them: who, in what role, for which organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    /// The account.
    pub id: UserId,
    /// The account's role.
    pub role: Role,
    /// For a provider, the organisation whose records they may propose changes to.
    pub organisation: Option<String>,
}

impl Staff {
    /// Whether the role has a permission (see [`Role::allows`]).
    pub fn can(&self, permission: Permission) -> bool {
        self.role.allows(permission)
    }

    /// How far this person may change a record whose contact organisation is
    /// `record_organisation` (for a new record: the organisation it names). Editors and
    /// admins edit anything; a provider only drafts changes to their own organisation's
    /// records; reviewers edit nothing.
    pub fn edit_right(&self, record_organisation: Option<&str>) -> EditRight {
        if self.can(Permission::EditRecords) {
            return EditRight::Direct;
        }
        if self.role == Role::Provider && self.owns(record_organisation) {
            return EditRight::DraftOnly;
        }
        EditRight::None
    }

    /// Whether this person may read a record's current (possibly unpublished) version and
    /// its history: every role but a provider, and a provider only for their own
    /// organisation's records. Providers are staff of outside organisations: other services'
    /// drafts and editors' names are not theirs to read.
    pub fn may_read(&self, record_organisation: Option<&str>) -> bool {
        self.role != Role::Provider || self.owns(record_organisation)
    }

    /// Whether the record belongs to this person's organisation.
    pub fn owns(&self, record_organisation: Option<&str>) -> bool {
        match (self.organisation.as_deref(), record_organisation) {
            (Some(mine), Some(theirs)) => same_organisation(mine, theirs),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Vocabulary;

    /// Each role's permissions, spelled out in full: a change to [`Role::allows`] must change
    /// this table too.
    #[test]
    fn permissions_by_role() {
        use Permission as P;
        let table: [(Role, &[Permission]); 4] = [
            (Role::Admin, &Permission::ALL),
            (
                Role::Editor,
                &[
                    P::AccessAdmin,
                    P::ViewConfidential,
                    P::EditRecords,
                    P::ProposeChanges,
                    P::HandleSubmissions,
                ],
            ),
            (
                Role::Reviewer,
                &[P::AccessAdmin, P::ViewConfidential, P::Review, P::Publish],
            ),
            (Role::Provider, &[P::AccessAdmin, P::ProposeChanges]),
        ];
        assert_eq!(table.len(), Role::all().len());
        for (role, allowed) in table {
            for permission in Permission::ALL {
                assert_eq!(
                    role.allows(permission),
                    allowed.contains(&permission),
                    "{role:?} {permission:?}"
                );
            }
        }
        // The rules of the issue, said once more in their own words.
        assert!(
            !Role::Editor.allows(P::Publish),
            "publishing needs a reviewer"
        );
        assert!(
            !Role::Reviewer.allows(P::EditRecords),
            "editing needs an editor"
        );
        for role in [Role::Editor, Role::Reviewer, Role::Provider] {
            assert!(!role.allows(P::ManageUsers), "{role:?}");
            assert!(!role.allows(P::ViewAudit), "{role:?}");
        }
    }

    #[test]
    fn roles_have_ids_and_labels() {
        let ids: Vec<&str> = Role::all().iter().map(|r| r.id()).collect();
        assert_eq!(ids, ["admin", "editor", "reviewer", "provider"]);
        assert_eq!(Role::from_id("reviewer"), Some(Role::Reviewer));
        assert_eq!(Role::from_id("Reviewer"), None);
        assert_eq!(Role::Provider.label(), "Service provider");
    }

    fn staff(role: Role, organisation: Option<&str>) -> Staff {
        Staff {
            id: UserId(1),
            role,
            organisation: organisation.map(str::to_string),
        }
    }

    #[test]
    fn providers_read_only_their_own_organisations_records() {
        let own = Some("Fictional Trust");
        let other = Some("Other Fictional Charity");
        for role in [Role::Admin, Role::Editor, Role::Reviewer] {
            let person = staff(role, None);
            assert!(person.may_read(own) && person.may_read(other) && person.may_read(None));
        }
        let provider = staff(Role::Provider, Some("fictional  trust"));
        assert!(provider.may_read(own));
        assert!(!provider.may_read(other));
        assert!(!provider.may_read(None));
    }

    #[test]
    fn edit_rights_by_role_and_organisation() {
        let own = Some("Fictional Trust");
        let cases = [
            (Role::Admin, None, own, EditRight::Direct),
            (Role::Admin, None, None, EditRight::Direct),
            (Role::Editor, None, own, EditRight::Direct),
            (Role::Editor, None, None, EditRight::Direct),
            (Role::Reviewer, None, own, EditRight::None),
            (Role::Provider, own, own, EditRight::DraftOnly),
            (
                Role::Provider,
                own,
                Some("  fictional   TRUST "),
                EditRight::DraftOnly,
            ),
            (
                Role::Provider,
                own,
                Some("Fictional Trust North"),
                EditRight::None,
            ),
            (Role::Provider, own, None, EditRight::None),
            (Role::Provider, None, own, EditRight::None),
            (Role::Provider, Some("  "), Some(" "), EditRight::None),
        ];
        for (role, mine, record, expected) in cases {
            assert_eq!(
                staff(role, mine).edit_right(record),
                expected,
                "{role:?} of {mine:?} on a record of {record:?}"
            );
        }
    }

    #[test]
    fn only_providers_have_an_organisation() {
        assert_eq!(
            role_organisation(Role::Provider, Some("  Fictional Trust ")),
            Ok(Some("Fictional Trust".to_string()))
        );
        assert_eq!(
            role_organisation(Role::Provider, None),
            Err(RoleError::ProviderNeedsOrganisation)
        );
        assert_eq!(
            role_organisation(Role::Provider, Some("   ")),
            Err(RoleError::ProviderNeedsOrganisation)
        );
        assert_eq!(
            role_organisation(Role::Editor, Some("Fictional Trust")),
            Err(RoleError::OrganisationOnlyForProviders(Role::Editor))
        );
        assert_eq!(role_organisation(Role::Editor, Some(" ")), Ok(None));
        assert_eq!(role_organisation(Role::Admin, None), Ok(None));
        assert_eq!(
            role_organisation(Role::Provider, Some("a\u{0}b")),
            Err(RoleError::BadOrganisation)
        );
        let long = "x".repeat(MAX_ORGANISATION_CHARS + 1);
        assert_eq!(
            role_organisation(Role::Provider, Some(&long)),
            Err(RoleError::BadOrganisation)
        );
    }
}
