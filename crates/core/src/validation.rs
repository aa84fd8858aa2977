//! Checks a record must pass before it is stored, whatever its source.

use crate::record::Intervention;
use crate::slug::is_valid_slug;

/// Longest title accepted.
pub const MAX_TITLE_LEN: usize = 500;

/// One problem with a record, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationIssue {
    /// The field at fault (`slug`, `eligibility.age_min`, …).
    pub field: String,
    /// What is wrong, in plain words.
    pub message: String,
}

fn issue(field: &str, message: impl Into<String>) -> ValidationIssue {
    ValidationIssue {
        field: field.to_string(),
        message: message.into(),
    }
}

/// Every problem that stops a record from being stored. Empty means it may be stored.
pub fn validate(record: &Intervention) -> Vec<ValidationIssue> {
    let mut issues = Vec::new();
    if !is_valid_slug(&record.slug) {
        issues.push(issue(
            "slug",
            format!(
                "{:?} is not a slug (lowercase letters, digits and single hyphens, at most {} characters)",
                record.slug,
                crate::slug::MAX_SLUG_LEN
            ),
        ));
    }
    if record.title.trim().is_empty() && !record.needs_review {
        issues.push(issue(
            "title",
            "a record needs a title, or must be marked needs_review",
        ));
    }
    if record.title.chars().count() > MAX_TITLE_LEN {
        issues.push(issue(
            "title",
            format!("longer than {MAX_TITLE_LEN} characters"),
        ));
    }
    let e = &record.eligibility;
    if let (Some(min), Some(max)) = (e.age_min, e.age_max) {
        if min > max {
            issues.push(issue(
                "eligibility.age_min",
                format!("{min} is above age_max {max}"),
            ));
        }
    }
    for (i, f) in e.formats.iter().enumerate() {
        if let (Some(min), Some(max)) = (f.age_min, f.age_max) {
            if min > max {
                issues.push(issue(
                    &format!("eligibility.formats[{i}].age_min"),
                    format!("{min} is above age_max {max}"),
                ));
            }
        }
    }
    for (i, r) in record.references.iter().enumerate() {
        if r.text.trim().is_empty() {
            issues.push(issue(
                &format!("references[{i}].text"),
                "a reference needs its text",
            ));
        }
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_record_passes_and_bad_fields_are_named() {
        let mut r = Intervention {
            slug: "ok-slug".into(),
            title: "A title".into(),
            ..Intervention::default()
        };
        assert!(validate(&r).is_empty());
        r.slug = "Not OK".into();
        r.eligibility.age_min = Some(30);
        r.eligibility.age_max = Some(20);
        let fields: Vec<_> = validate(&r).into_iter().map(|i| i.field).collect();
        assert_eq!(fields, vec!["slug", "eligibility.age_min"]);
    }
}
