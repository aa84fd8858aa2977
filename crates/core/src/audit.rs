//! What the audit log records: the kinds of event, and how their subjects are named.

use crate::accounts::UserId;
use crate::vocab::vocabulary;

vocabulary! {
    /// A kind of event in the audit log.
    AuditAction, "audit_action" {
        /// An account was added.
        UserCreated => "user_created", "Account added";
        /// An account's role (or organisation) changed.
        UserRoleChanged => "user_role_changed", "Role changed";
        /// An account was disabled; its sessions ended.
        UserDisabled => "user_disabled", "Account disabled";
        /// A disabled account was enabled again.
        UserEnabled => "user_enabled", "Account enabled";
        /// An account's password was set anew; its sessions ended.
        PasswordChanged => "password_changed", "Password changed";
        /// Someone signed in.
        LoginSucceeded => "login_succeeded", "Signed in";
        /// A sign-in failed (wrong password, unknown or disabled account).
        LoginFailed => "login_failed", "Sign-in failed";
        /// Someone signed out.
        Logout => "logout", "Signed out";
        /// A record's lifecycle status changed.
        StatusChanged => "status_changed", "Status changed";
        /// A record's content changed (a new revision).
        RecordChanged => "record_changed", "Record changed";
        /// Records were imported.
        RecordsImported => "records_imported", "Records imported";
        /// An editor confirmed a record unchanged ("reviewed, no change").
        RecordReviewed => "record_reviewed", "Reviewed, no change";
        /// A submission arrived from the public form.
        SubmissionReceived => "submission_received", "Submission received";
        /// A submission became a draft.
        SubmissionAccepted => "submission_accepted", "Submission turned into a draft";
        /// A submission was rejected, with a reason.
        SubmissionRejected => "submission_rejected", "Submission rejected";
    }
}

/// The subject of an event about an account: `user:12`.
pub fn user_subject(id: UserId) -> String {
    format!("user:{id}")
}

/// The subject of an event about a record: `intervention:some-slug`.
pub fn record_subject(slug: &str) -> String {
    format!("intervention:{slug}")
}

/// The subject of an event about a public submission: `submission:7`.
pub fn submission_subject(id: i64) -> String {
    format!("submission:{id}")
}

/// The subject of a failed sign-in for which no account was found.
pub const LOGIN_SUBJECT: &str = "login";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Vocabulary;

    #[test]
    fn actions_have_stable_snake_case_ids() {
        for action in AuditAction::all() {
            assert!(action
                .id()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_'));
            assert_eq!(AuditAction::from_id(action.id()), Some(action));
        }
        assert_eq!(user_subject(UserId(3)), "user:3");
        assert_eq!(record_subject("a-b"), "intervention:a-b");
    }
}
