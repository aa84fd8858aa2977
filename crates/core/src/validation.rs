//! Checks a record must pass before it is stored, whatever its source.

use crate::evidence::{compare, Study};
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
    issues.extend(validate_studies(&record.studies));
    issues
}

/// Problems with a record's studies, with fields named as in the record
/// (`studies[2].reference`). Used by [`validate`] and by readers of studies files.
pub fn validate_studies(studies: &[Study]) -> Vec<ValidationIssue> {
    let mut issues = Vec::new();
    for (i, study) in studies.iter().enumerate() {
        if study.id.trim().is_empty() {
            issues.push(issue(&format!("studies[{i}].id"), "a study needs an id"));
        } else if let Some(first) = studies[..i].iter().position(|s| s.id == study.id) {
            // Reasons and warnings name studies by id, so two with one id would be confused.
            issues.push(issue(
                &format!("studies[{i}].id"),
                format!("duplicate study id {:?} (also studies[{first}])", study.id),
            ));
        }
        if study.reference.trim().is_empty() {
            issues.push(issue(
                &format!("studies[{i}].reference"),
                "a study needs its reference",
            ));
        }
        if study.sample_size == Some(0) {
            issues.push(issue(
                &format!("studies[{i}].sample_size"),
                "0 participants: leave the sample size out when it is not known",
            ));
        }
    }
    issues
}

/// True when the record's rating differs from the one its studies suggest and no editor has
/// written why. Imports accept such records (the database's ratings predate the studies
/// recorded here); an editor's save should ask for a justification instead.
pub fn rating_needs_justification(record: &Intervention) -> bool {
    let unjustified = record
        .rating_justification
        .as_deref()
        .is_none_or(|text| text.trim().is_empty());
    unjustified && compare(record.rating, &record.assessment()).is_some()
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

    #[test]
    fn bad_studies_are_named_by_index_and_field() {
        use crate::evidence::StudyDesign;
        let mut r = Intervention {
            slug: "ok-slug".into(),
            title: "A title".into(),
            ..Intervention::default()
        };
        r.studies = vec![
            Study::new("a-2001", "A. (2001).", StudyDesign::Rct),
            Study::new("a-2001", "  ", StudyDesign::Rct),
            Study::new(" ", "B. (2002).", StudyDesign::Rct),
        ];
        r.studies[0].sample_size = Some(0);
        let issues = validate(&r);
        let fields: Vec<_> = issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "studies[0].sample_size",
                "studies[1].id",
                "studies[1].reference",
                "studies[2].id"
            ]
        );
        assert!(issues[1].message.contains("studies[0]"), "{}", issues[1]);
        r.studies[0].sample_size = Some(12);
        r.studies[1].id = "b-2002".into();
        r.studies[1].reference = "B. (2002).".into();
        r.studies[2].id = "c-2003".into();
        assert!(validate(&r).is_empty());
    }

    #[test]
    fn a_differing_rating_needs_a_justification_but_a_matching_one_does_not() {
        use crate::evidence::StudyDesign;
        use crate::rating::Rating;
        let mut r = Intervention {
            slug: "ok-slug".into(),
            title: "A title".into(),
            ..Intervention::default()
        };
        // Not rated, nothing recorded: they agree.
        assert!(!rating_needs_justification(&r));
        r.rating = Some(Rating::Promising);
        assert!(rating_needs_justification(&r));
        r.rating_justification = Some("   ".into());
        assert!(
            rating_needs_justification(&r),
            "blank text justifies nothing"
        );
        r.rating_justification = Some("A fictional trial is under review.".into());
        assert!(!rating_needs_justification(&r));
        // The rating matches the suggestion: no justification needed.
        r.rating_justification = None;
        r.rating = Some(Rating::Pioneering);
        r.studies = vec![Study::new(
            "op-2020",
            "Op. (2020).",
            StudyDesign::ExpertOpinion,
        )];
        assert!(!rating_needs_justification(&r));
        // A differing rating without justification never fails validation (imports).
        r.rating = Some(Rating::Effective);
        assert!(rating_needs_justification(&r));
        assert!(validate(&r).is_empty());
    }
}
