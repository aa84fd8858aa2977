//! The types of the editing part of the storage port: saving a record from the edit form
//! with its base revision (no lost updates), the re-review queue, and public submissions
//! (see the editing methods of [`crate::Store`]).

use preventory_core::accounts::UserId;
use preventory_core::lifecycle::Status;
use preventory_core::Intervention;
use serde::Serialize;
use std::time::Duration;

/// A record saved from the edit form (or a revert, or an accepted submission).
#[derive(Debug, Clone)]
pub struct RecordEdit {
    /// The record as the editor left it. Its slug names the record.
    pub record: Intervention,
    /// The revision the editor started from; `None` for a new record. A save whose base is
    /// not the current revision is refused with [`crate::StoreError::Conflict`].
    pub base_revision: Option<i64>,
    /// What changed, in the editor's words (required, so history explains itself).
    pub summary: String,
}

/// The person saving, as the revision and the audit log name them.
#[derive(Debug, Clone)]
pub struct Editor {
    /// The account, with its role and organisation.
    pub staff: preventory_core::accounts::Staff,
    /// The account's address, written on the revision as its author.
    pub email: String,
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Saved {
    /// The record's current revision now (unchanged when the content was identical).
    pub revision: i64,
    /// Whether a new revision was written (false: the content was identical).
    pub changed: bool,
    /// The record's status now: every saved change leaves the record in draft.
    pub status: Status,
}

/// A record's line in the staff record list and the re-review queue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewItem {
    /// The slug.
    pub slug: String,
    /// The title (of the current revision).
    pub title: String,
    /// Where the current revision is in its life.
    pub status: Status,
    /// What the public sees: published or discontinued, or `None` when never published.
    pub public_status: Option<Status>,
    /// "YYYY-MM" or "YYYY": when the information was last confirmed by the provider.
    pub information_correct_at: Option<String>,
    /// When an editor last marked it "reviewed, no change", RFC 3339 UTC.
    pub reviewed_at: Option<String>,
    /// When its content last changed, RFC 3339 UTC.
    pub updated_at: String,
    /// The current revision.
    pub revision: i64,
    /// The organisation the current revision names, for whose records a provider may see.
    pub organisation: Option<String>,
}

/// The public side's view of what changed since a reader last looked
/// ([`crate::Store::public_changes_since`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PublicChanges {
    /// Public records whose public version or status changed: their public versions.
    pub visible: Vec<crate::StoredRecord>,
    /// Records that changed but are not public: to be left out (or removed) by the reader.
    pub hidden: Vec<String>,
}

/// What a public submission proposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionKind {
    /// A service not yet listed.
    NewService,
    /// A correction to the listed record named by `record_slug`.
    Correction,
}

impl SubmissionKind {
    /// The stored name.
    pub fn id(self) -> &'static str {
        match self {
            SubmissionKind::NewService => "new_service",
            SubmissionKind::Correction => "correction",
        }
    }

    /// The kind with this stored name.
    pub fn from_id(id: &str) -> Option<SubmissionKind> {
        match id {
            "new_service" => Some(SubmissionKind::NewService),
            "correction" => Some(SubmissionKind::Correction),
            _ => None,
        }
    }
}

/// A proposal from the public, as sent (already checked for size by the web layer; stored
/// exactly as typed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSubmission {
    /// New service or correction.
    pub kind: SubmissionKind,
    /// For a correction, the record's slug.
    pub record_slug: Option<String>,
    /// The service's name.
    pub service_name: String,
    /// The organisation running it.
    pub organisation: Option<String>,
    /// What to add or correct.
    pub details: String,
    /// Whom to reply to, if they want a reply.
    pub contact_name: Option<String>,
    /// The address to reply to, if any.
    pub contact_email: Option<String>,
}

/// Where a submission is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionState {
    /// Waiting for an editor.
    Pending,
    /// Turned into a draft.
    Accepted,
    /// Rejected, with a reason.
    Rejected,
}

impl SubmissionState {
    /// The stored name.
    pub fn id(self) -> &'static str {
        match self {
            SubmissionState::Pending => "pending",
            SubmissionState::Accepted => "accepted",
            SubmissionState::Rejected => "rejected",
        }
    }

    /// The state with this stored name.
    pub fn from_id(id: &str) -> Option<SubmissionState> {
        match id {
            "pending" => Some(SubmissionState::Pending),
            "accepted" => Some(SubmissionState::Accepted),
            "rejected" => Some(SubmissionState::Rejected),
            _ => None,
        }
    }
}

/// A stored submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Submission {
    /// Its number.
    pub id: i64,
    /// When it arrived, RFC 3339 UTC.
    pub received_at: String,
    /// New service or correction.
    pub kind: SubmissionKind,
    /// For a correction, the record's slug.
    pub record_slug: Option<String>,
    /// The service's name.
    pub service_name: String,
    /// The organisation.
    pub organisation: Option<String>,
    /// What to add or correct.
    pub details: String,
    /// Whom to reply to.
    pub contact_name: Option<String>,
    /// The address to reply to.
    pub contact_email: Option<String>,
    /// Pending, accepted or rejected.
    pub state: SubmissionState,
    /// When an editor dealt with it.
    pub resolved_at: Option<String>,
    /// Who dealt with it.
    pub resolved_by: Option<UserId>,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// The draft it became.
    pub draft_slug: Option<String>,
}

/// How an editor dealt with a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// It became (or was applied to) the draft with this slug.
    Accepted {
        /// The draft's slug.
        draft_slug: String,
    },
    /// Rejected for this reason (required).
    Rejected {
        /// Why.
        reason: String,
    },
}

/// How many submissions one client may send, and over what time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubmissionLimit {
    /// At most this many…
    pub max: u32,
    /// …within this long.
    pub window: Duration,
}

/// The default: five submissions an hour from one client. Providers rarely send more than one
/// or two; a bot sending more is stopped without any third-party service.
pub const SUBMISSION_LIMIT: SubmissionLimit = SubmissionLimit {
    max: 5,
    window: Duration::from_secs(60 * 60),
};

/// How long a record may go unconfirmed before it is due for review: 24 months. The rule
/// lives in the core ([`preventory_core::review`]); this is the same constant.
pub const REVIEW_DUE_MONTHS: u32 = preventory_core::review::REVIEW_DUE_MONTHS;
