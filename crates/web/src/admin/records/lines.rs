//! A record as labelled lines of text, field by field: the staff view shows them all, and the
//! merge page sets the stored version's lines beside the editor's where they differ.
//!
//! Values are plain text (the templates escape them); list items and sub-fields go on lines
//! of their own. Eligibility and studies are spelled out per field, so nothing a record holds
//! is missing from either page.

use preventory_core::record::section;
use preventory_core::{Intervention, Term, Vocabulary};

/// One labelled field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    /// Stable across versions of a record, to pair them up.
    pub key: String,
    pub label: String,
    pub value: String,
    /// The value is confidential: staff with the right to see it only.
    pub confidential: bool,
}

/// One field whose stored value differs from the editor's.
pub(crate) struct Difference {
    pub label: String,
    pub stored: String,
    pub yours: String,
}

/// Shown instead of a confidential value to people who may not see it.
pub(super) const HIDDEN: &str = "(confidential: your role cannot see it)";

fn terms<T: Vocabulary>(terms: &[Term<T>]) -> String {
    terms.iter().map(Term::label).collect::<Vec<_>>().join("\n")
}

fn term<T: Vocabulary>(term: Option<&Term<T>>) -> &str {
    term.map_or("", Term::label)
}

fn yes(flag: bool) -> String {
    if flag { "Yes" } else { "No" }.to_string()
}

/// A JSON value as text: strings as they are, lists one item a line, nothing as "Not known".
fn json_text(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => "Not known".into(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => yes(*b),
        Value::Number(n) => n.to_string(),
        Value::Array(items) if items.is_empty() => "None".into(),
        Value::Array(items) => items.iter().map(json_text).collect::<Vec<_>>().join("\n"),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{k}: {}", json_text(v).replace('\n', ", ")))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// Every field of `record`, in the form's order. A confidential address is shown only when
/// `see_confidential`.
pub(crate) fn lines(record: &Intervention, see_confidential: bool) -> Vec<Line> {
    let mut out = Vec::new();
    let mut add = |key: String, label: String, value: String| {
        out.push(Line {
            key,
            label,
            value,
            confidential: false,
        })
    };
    add("slug".into(), "Slug".into(), record.slug.clone());
    add("title".into(), "Title".into(), record.title.clone());
    add(
        "summary".into(),
        "Summary".into(),
        record.summary.clone().unwrap_or_default(),
    );
    add(
        "information_correct_at".into(),
        "Information correct at".into(),
        record
            .information_correct_at
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    add(
        "needs_review".into(),
        "Needs an editor's review".into(),
        yes(record.needs_review),
    );
    add(
        "intervention_types".into(),
        "Types of intervention".into(),
        terms(&record.intervention_types),
    );
    add(
        "countries".into(),
        "Countries".into(),
        terms(&record.countries),
    );
    for (i, row) in record.facet_rows.iter().enumerate() {
        let value = [
            ("Target group", term(row.target_group.as_ref()).to_string()),
            (
                "Prevention level",
                term(row.prevention_level.as_ref()).to_string(),
            ),
            ("Age groups", terms(&row.age_groups)),
            ("Genders", terms(&row.genders)),
            ("Type of intervention", terms(&row.delivery)),
            ("Sub-groups", terms(&row.subgroups)),
            ("Languages", terms(&row.languages)),
        ]
        .into_iter()
        .map(|(name, value)| format!("{name}: {}", value.replace('\n', ", ")))
        .collect::<Vec<_>>()
        .join("\n");
        add(format!("facet-{i}"), format!("Facet row {}", i + 1), value);
    }
    for (key, body) in record.sections_in_order() {
        add(
            format!("section:{key}"),
            format!("Section: {}", section::heading(key)),
            body.to_string(),
        );
    }
    for (i, r) in record.references.iter().enumerate() {
        let mut value = r.text.clone();
        if !r.authors.is_empty() {
            value.push_str(&format!("\nAuthors: {}", r.authors.join("; ")));
        }
        if let Some(year) = r.year {
            value.push_str(&format!("\nYear: {year}"));
        }
        if let Some(title) = &r.title {
            value.push_str(&format!("\nTitle: {title}"));
        }
        add(
            format!("reference-{i}"),
            format!("Reference {}", i + 1),
            value,
        );
    }
    let c = &record.contact;
    add(
        "contact-organisation".into(),
        "Organisation".into(),
        c.organisation.clone().unwrap_or_default(),
    );
    add(
        "contact-phones".into(),
        "Phone numbers".into(),
        c.phones.join("\n"),
    );
    add(
        "contact-emails".into(),
        "Email addresses".into(),
        c.emails.join("\n"),
    );
    add(
        "contact-websites".into(),
        "Websites".into(),
        c.websites.join("\n"),
    );
    add(
        "contact-notes".into(),
        "Other contact lines".into(),
        c.notes.join("\n"),
    );
    add(
        "rating".into(),
        "Rating".into(),
        record.rating.map_or("Not rated", |r| r.label()).to_string(),
    );
    add(
        "rating_justification".into(),
        "Reason for the rating".into(),
        record.rating_justification.clone().unwrap_or_default(),
    );
    add(
        "critical_by_treaty".into(),
        "Deemed critical by international treaties".into(),
        yes(record.critical_by_treaty),
    );
    for (i, study) in record.studies.iter().enumerate() {
        let value = serde_json::to_value(study)
            .map(|v| json_text(&v))
            .unwrap_or_default();
        add(format!("study-{i}"), format!("Study {}", i + 1), value);
    }
    if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(&record.eligibility) {
        for (name, value) in fields {
            add(
                format!("eligibility:{name}"),
                format!("Eligibility: {}", name.replace('_', " ")),
                json_text(&value),
            );
        }
    }
    // The address last among the contact lines' neighbours, marked when confidential.
    let address = c.address.clone().unwrap_or_default();
    let position = out
        .iter()
        .position(|l| l.key == "contact-phones")
        .unwrap_or(out.len());
    let (label, value) = if c.address_confidential {
        (
            "Postal address (confidential: staff only)".to_string(),
            if see_confidential || address.is_empty() {
                address
            } else {
                HIDDEN.to_string()
            },
        )
    } else {
        ("Postal address".to_string(), address)
    };
    out.insert(
        position,
        Line {
            key: "contact-address".into(),
            label,
            value,
            confidential: c.address_confidential,
        },
    );
    out
}

/// The fields whose values differ between the stored version and the editor's, in the
/// editor's order, then fields only the stored version has.
pub(crate) fn differences(stored: &[Line], yours: &[Line]) -> Vec<Difference> {
    let value = |lines: &[Line], key: &str| {
        lines
            .iter()
            .find(|l| l.key == key)
            .map(|l| l.value.clone())
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    let only_stored = stored
        .iter()
        .filter(|l| !yours.iter().any(|y| y.key == l.key));
    for line in yours.iter().chain(only_stored) {
        let (s, y) = (value(stored, &line.key), value(yours, &line.key));
        if s != y {
            out.push(Difference {
                label: line.label.clone(),
                stored: s,
                yours: y,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_confidential_address_is_marked_and_hidden_from_those_who_may_not_see_it() {
        let mut r = Intervention {
            slug: "fictional".into(),
            ..Intervention::default()
        };
        r.contact.address = Some("7 Secret Fictional Lane".into());
        r.contact.address_confidential = true;
        let staff = lines(&r, true);
        let line = staff
            .iter()
            .find(|l| l.key == "contact-address")
            .expect("address line");
        assert!(line.confidential && line.label.contains("confidential: staff only"));
        assert_eq!(line.value, "7 Secret Fictional Lane");
        let other = lines(&r, false);
        assert!(other.iter().all(|l| !l.value.contains("Secret")));
    }

    #[test]
    fn only_differing_fields_are_listed() {
        let a = Intervention {
            slug: "fictional".into(),
            title: "Old".into(),
            ..Intervention::default()
        };
        let mut b = a.clone();
        b.title = "New".into();
        b.sections.insert("description".into(), "Added".into());
        let diff = differences(&lines(&a, true), &lines(&b, true));
        let labels: Vec<&str> = diff.iter().map(|d| d.label.as_str()).collect();
        assert_eq!(
            labels,
            vec!["Title", "Section: Description of the intervention"]
        );
        assert_eq!(diff[0].stored, "Old");
        assert_eq!(diff[1].yours, "Added");
    }
}
