//! The life of a record: `draft` → `in_review` → `published` → `discontinued`, who may move
//! it along, and the four-eyes rule for publishing.
//!
//! Pure functions: the store calls [`check_transition`] inside the transaction that changes
//! the status, so the check and the change see the same record.

use crate::accounts::{Permission, Role, Staff, UserId};
use crate::vocab::{vocabulary, Vocabulary};

vocabulary! {
    /// Where a record is in its life.
    Status, "status" {
        /// Being written or changed; staff only.
        Draft => "draft", "Draft";
        /// Waiting for a reviewer; staff only.
        InReview => "in_review", "In review";
        /// Public.
        Published => "published", "Published";
        /// The service no longer runs: kept and marked, left out of default searches, never
        /// deleted.
        Discontinued => "discontinued", "Discontinued";
    }
}

impl Status {
    /// Whether the public may see the record at all: published and discontinued records
    /// (the latter marked as such); drafts and records in review never.
    pub fn is_public(self) -> bool {
        matches!(self, Status::Published | Status::Discontinued)
    }

    /// Whether the record belongs in a search nobody narrowed: published ones only.
    pub fn in_default_search(self) -> bool {
        self == Status::Published
    }
}

/// A move from one status to another that the lifecycle allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transition {
    /// `draft` → `in_review`: ready for a reviewer.
    Submit,
    /// `in_review` → `draft`: sent back for more work.
    Return,
    /// `in_review` → `published`: made public, by someone other than its last author.
    Publish,
    /// `published` → `discontinued`: the service no longer runs.
    Discontinue,
    /// `discontinued` → `draft`: the service runs again; it goes through review again.
    Reinstate,
}

impl Transition {
    /// Every transition.
    pub const ALL: [Transition; 5] = [
        Transition::Submit,
        Transition::Return,
        Transition::Publish,
        Transition::Discontinue,
        Transition::Reinstate,
    ];

    /// The transition from `from` to `to`, if the lifecycle has one.
    pub fn between(from: Status, to: Status) -> Option<Transition> {
        Transition::ALL
            .into_iter()
            .find(|t| t.from() == from && t.to() == to)
    }

    /// The status it starts from.
    pub fn from(self) -> Status {
        match self {
            Transition::Submit => Status::Draft,
            Transition::Return | Transition::Publish => Status::InReview,
            Transition::Discontinue => Status::Published,
            Transition::Reinstate => Status::Discontinued,
        }
    }

    /// The status it leads to.
    pub fn to(self) -> Status {
        match self {
            Transition::Submit => Status::InReview,
            Transition::Return | Transition::Reinstate => Status::Draft,
            Transition::Publish => Status::Published,
            Transition::Discontinue => Status::Discontinued,
        }
    }

    /// A stable snake_case name, for the audit log.
    pub fn id(self) -> &'static str {
        match self {
            Transition::Submit => "submit",
            Transition::Return => "return",
            Transition::Publish => "publish",
            Transition::Discontinue => "discontinue",
            Transition::Reinstate => "reinstate",
        }
    }
}

/// What the rules need to know about the record being moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RecordContext<'a> {
    /// The account that last changed the record's content; `None` when no account did
    /// (imported records).
    pub last_author: Option<UserId>,
    /// The record's contact organisation, for providers.
    pub organisation: Option<&'a str>,
}

/// Why a status change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The lifecycle has no such step (including staying where it is).
    #[error("a record cannot go from {} to {}", from.id(), to.id())]
    NotAllowed {
        /// The current status.
        from: Status,
        /// The status asked for.
        to: Status,
    },
    /// The step exists but this role may not take it.
    #[error("a{} {} may not {} this record", if role.id().starts_with(['a', 'e']) { "n" } else { "" }, role.id(), transition.id())]
    Forbidden {
        /// The role of the person asking.
        role: Role,
        /// The step asked for.
        transition: Transition,
    },
    /// The last author of a record may not publish it: someone else must look at it first.
    #[error("the last author of a record may not publish it: another reviewer must")]
    FourEyes,
}

/// Whether `publisher` may publish a record last changed by `last_author`: anyone but the
/// last author. A record no account changed (an import) has no author to exclude.
pub fn four_eyes(publisher: UserId, last_author: Option<UserId>) -> bool {
    last_author != Some(publisher)
}

/// Whether `by` may move a record from `from` to `to`, and which step that is.
///
/// - submit: editors and admins, or a provider for their own organisation's record;
/// - return to draft: editors, reviewers and admins;
/// - publish: reviewers and admins who are not the record's last author ([`four_eyes`]);
/// - discontinue: reviewers and admins;
/// - reinstate: editors and admins.
pub fn check_transition(
    by: &Staff,
    from: Status,
    to: Status,
    record: &RecordContext<'_>,
) -> Result<Transition, TransitionError> {
    let transition =
        Transition::between(from, to).ok_or(TransitionError::NotAllowed { from, to })?;
    let allowed = match transition {
        Transition::Submit => {
            by.can(Permission::EditRecords)
                || (by.can(Permission::ProposeChanges) && by.owns(record.organisation))
        }
        Transition::Return => by.can(Permission::EditRecords) || by.can(Permission::Review),
        Transition::Publish | Transition::Discontinue => by.can(Permission::Publish),
        Transition::Reinstate => by.can(Permission::EditRecords),
    };
    if !allowed {
        return Err(TransitionError::Forbidden {
            role: by.role,
            transition,
        });
    }
    if transition == Transition::Publish && !four_eyes(by.id, record.last_author) {
        return Err(TransitionError::FourEyes);
    }
    Ok(transition)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lifecycle_has_exactly_these_steps() {
        use Status::*;
        let allowed = [
            (Draft, InReview, Transition::Submit),
            (InReview, Draft, Transition::Return),
            (InReview, Published, Transition::Publish),
            (Published, Discontinued, Transition::Discontinue),
            (Discontinued, Draft, Transition::Reinstate),
        ];
        for from in Status::all() {
            for to in Status::all() {
                let expected = allowed
                    .iter()
                    .find(|(f, t, _)| *f == from && *t == to)
                    .map(|(_, _, step)| *step);
                assert_eq!(Transition::between(from, to), expected, "{from:?} → {to:?}");
            }
        }
        for step in Transition::ALL {
            assert_eq!(Transition::between(step.from(), step.to()), Some(step));
        }
    }

    #[test]
    fn only_published_and_discontinued_records_are_public() {
        let table = [
            (Status::Draft, false, false),
            (Status::InReview, false, false),
            (Status::Published, true, true),
            (Status::Discontinued, true, false),
        ];
        for (status, public, searched) in table {
            assert_eq!(status.is_public(), public, "{status:?}");
            assert_eq!(status.in_default_search(), searched, "{status:?}");
        }
        assert_eq!(Status::from_id("in_review"), Some(Status::InReview));
    }

    #[test]
    fn four_eyes_excludes_only_the_last_author() {
        let cases = [
            (UserId(1), Some(UserId(1)), false),
            (UserId(1), Some(UserId(2)), true),
            (UserId(1), None, true),
        ];
        for (publisher, last_author, expected) in cases {
            assert_eq!(
                four_eyes(publisher, last_author),
                expected,
                "{publisher:?} {last_author:?}"
            );
        }
    }

    fn staff(id: i64, role: Role) -> Staff {
        Staff {
            id: UserId(id),
            role,
            organisation: (role == Role::Provider).then(|| "Fictional Trust".to_string()),
        }
    }

    /// Who may take each step, for a record of the provider's organisation last changed by
    /// account 9 (not any of the people below).
    #[test]
    fn who_may_take_each_step() {
        use Role::*;
        let table: [(Transition, &[Role]); 5] = [
            (Transition::Submit, &[Admin, Editor, Provider]),
            (Transition::Return, &[Admin, Editor, Reviewer]),
            (Transition::Publish, &[Admin, Reviewer]),
            (Transition::Discontinue, &[Admin, Reviewer]),
            (Transition::Reinstate, &[Admin, Editor]),
        ];
        let record = RecordContext {
            last_author: Some(UserId(9)),
            organisation: Some("Fictional Trust"),
        };
        for (step, roles) in table {
            for role in Role::all() {
                let result = check_transition(&staff(1, role), step.from(), step.to(), &record);
                if roles.contains(&role) {
                    assert_eq!(result, Ok(step), "{role:?} {step:?}");
                } else {
                    assert_eq!(
                        result,
                        Err(TransitionError::Forbidden {
                            role,
                            transition: step
                        }),
                        "{role:?} {step:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_provider_submits_only_their_own_organisations_records() {
        let provider = staff(3, Role::Provider);
        let other = RecordContext {
            last_author: None,
            organisation: Some("Another Fictional Service"),
        };
        assert_eq!(
            check_transition(&provider, Status::Draft, Status::InReview, &other),
            Err(TransitionError::Forbidden {
                role: Role::Provider,
                transition: Transition::Submit
            })
        );
        let unnamed = RecordContext::default();
        assert!(check_transition(&provider, Status::Draft, Status::InReview, &unnamed).is_err());
        let own = RecordContext {
            last_author: Some(UserId(3)),
            organisation: Some("fictional trust"),
        };
        assert_eq!(
            check_transition(&provider, Status::Draft, Status::InReview, &own),
            Ok(Transition::Submit)
        );
    }

    #[test]
    fn the_last_author_cannot_publish_even_as_admin() {
        for role in [Role::Reviewer, Role::Admin] {
            let me = staff(5, role);
            let mine = RecordContext {
                last_author: Some(UserId(5)),
                organisation: None,
            };
            assert_eq!(
                check_transition(&me, Status::InReview, Status::Published, &mine),
                Err(TransitionError::FourEyes),
                "{role:?}"
            );
            // Four eyes is about publishing only: the author may still discontinue or return.
            assert!(check_transition(&me, Status::InReview, Status::Draft, &mine).is_ok());
            assert!(check_transition(&me, Status::Published, Status::Discontinued, &mine).is_ok());
            let theirs = RecordContext {
                last_author: Some(UserId(6)),
                organisation: None,
            };
            assert_eq!(
                check_transition(&me, Status::InReview, Status::Published, &theirs),
                Ok(Transition::Publish)
            );
        }
    }

    #[test]
    fn steps_outside_the_lifecycle_are_refused_for_everyone() {
        let admin = staff(1, Role::Admin);
        let cases = [
            (Status::Draft, Status::Published),
            (Status::Draft, Status::Draft),
            (Status::Published, Status::Draft),
            (Status::Published, Status::InReview),
            (Status::Discontinued, Status::Published),
            (Status::InReview, Status::Discontinued),
        ];
        for (from, to) in cases {
            assert_eq!(
                check_transition(&admin, from, to, &RecordContext::default()),
                Err(TransitionError::NotAllowed { from, to })
            );
        }
    }

    #[test]
    fn refusals_read_well() {
        let e = TransitionError::Forbidden {
            role: Role::Editor,
            transition: Transition::Publish,
        };
        assert_eq!(e.to_string(), "an editor may not publish this record");
        let e = TransitionError::Forbidden {
            role: Role::Provider,
            transition: Transition::Submit,
        };
        assert_eq!(e.to_string(), "a provider may not submit this record");
        let e = TransitionError::NotAllowed {
            from: Status::Draft,
            to: Status::Published,
        };
        assert_eq!(e.to_string(), "a record cannot go from draft to published");
    }
}
