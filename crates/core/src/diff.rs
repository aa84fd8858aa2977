//! What changed between two versions of a record, field by field, with word-level detail.
//!
//! Every field is first put into words the way staff read it ([`display`]: vocabulary labels,
//! one list item per line, "Yes"/"No"), and the two texts are then compared word by word.
//! Comparing the displayed texts rather than the values keeps one simple, robust path for
//! every field (a new field on [`Intervention`] needs one line here), and what the diff
//! shows is exactly what differs on the page. Free text that matched no vocabulary entry is
//! marked as such, so a known value and free text with the same words still differ.
//!
//! The segments of a field always put back both texts exactly: the equal and deleted ones
//! give the old text, the equal and inserted ones the new (a property test checks it). Pages
//! render them as plain text, deleted ones in `<del>` and inserted ones in `<ins>`.
//!
//! Fields that neither version has (an unknown minimum IQ in both, say) are left out.
//! Pure: no I/O, no clock.

use crate::eligibility::Eligibility;
use crate::evidence::{Outcome, Study};
use crate::record::{section, Contact, FacetRow, Reference};
use crate::vocab::{Term, Vocabulary};
use crate::Intervention;
use similar::{ChangeTag, TextDiff};

/// How a field changed from the old version to the new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The same text in both.
    Unchanged,
    /// Only the new version has it.
    Added,
    /// Only the old version has it.
    Removed,
    /// Both have it, with different text.
    Changed,
}

impl Change {
    /// A stable snake_case name.
    pub fn id(self) -> &'static str {
        match self {
            Change::Unchanged => "unchanged",
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
        }
    }

    /// The word people read.
    pub fn label(self) -> &'static str {
        match self {
            Change::Unchanged => "Unchanged",
            Change::Added => "Added",
            Change::Removed => "Removed",
            Change::Changed => "Changed",
        }
    }
}

/// What a piece of text is in a word-level diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentKind {
    /// In both texts.
    Equal,
    /// Only in the new text.
    Inserted,
    /// Only in the old text.
    Deleted,
}

/// A run of text of one kind. Adjacent segments never have the same kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Equal, inserted or deleted.
    pub kind: SegmentKind,
    /// The text, exactly as in the field (whitespace and line breaks included).
    pub text: String,
}

impl Segment {
    /// In both texts.
    pub fn is_equal(&self) -> bool {
        self.kind == SegmentKind::Equal
    }

    /// Only in the new text.
    pub fn is_inserted(&self) -> bool {
        self.kind == SegmentKind::Inserted
    }

    /// Only in the old text.
    pub fn is_deleted(&self) -> bool {
        self.kind == SegmentKind::Deleted
    }
}

/// One field compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDiff {
    /// A stable name: `title`, `contact.phones`, `section.description`, `facet_row.2`,
    /// `study.<id>`, `eligibility.age_min`, …
    pub key: String,
    /// The field's name as people read it.
    pub label: String,
    /// How it changed.
    pub change: Change,
    /// The old version's text; `None` when it did not have the field.
    pub old: Option<String>,
    /// The new version's text; `None` when it does not have the field.
    pub new: Option<String>,
    /// The word-level diff from the old text to the new (a missing text counts as empty).
    pub segments: Vec<Segment>,
}

impl FieldDiff {
    /// Whether the field differs between the two versions.
    pub fn is_changed(&self) -> bool {
        self.change != Change::Unchanged
    }
}

/// Two versions of a record compared: every field either version has, in the record's order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecordDiff {
    /// The fields.
    pub fields: Vec<FieldDiff>,
}

impl RecordDiff {
    /// The fields that differ, in the record's order.
    pub fn changed(&self) -> impl Iterator<Item = &FieldDiff> {
        self.fields.iter().filter(|f| f.is_changed())
    }

    /// The fields that are the same in both.
    pub fn unchanged(&self) -> impl Iterator<Item = &FieldDiff> {
        self.fields.iter().filter(|f| !f.is_changed())
    }

    /// Whether nothing differs.
    pub fn is_empty(&self) -> bool {
        self.changed().next().is_none()
    }
}

/// Above this many words and spaces in the two texts together, a field is compared by its
/// common beginning and end only (one deletion and one insertion between them): a full
/// comparison of very long texts can take time that grows with the product of their lengths.
pub const MAX_DIFF_TOKENS: usize = 8_000;

/// The word-level diff from `old` to `new`. Words and the whitespace between them are the
/// units; a changed word is one deletion followed by one insertion.
pub fn diff_text(old: &str, new: &str) -> Vec<Segment> {
    diff_text_limited(old, new, MAX_DIFF_TOKENS)
}

fn token_count(text: &str) -> usize {
    // A word and the space after it: about two tokens per whitespace run.
    text.split_whitespace().count() * 2 + 1
}

fn diff_text_limited(old: &str, new: &str, max_tokens: usize) -> Vec<Segment> {
    let mut out = Vec::new();
    if old == new {
        push(&mut out, SegmentKind::Equal, old);
        return out;
    }
    if token_count(old) + token_count(new) > max_tokens {
        return coarse_diff(old, new);
    }
    let diff = TextDiff::configure().diff_words(old, new);
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Equal => SegmentKind::Equal,
            ChangeTag::Insert => SegmentKind::Inserted,
            ChangeTag::Delete => SegmentKind::Deleted,
        };
        push(&mut out, kind, change.value());
    }
    tidy(out)
}

/// The common beginning and end (on character boundaries), and between them the old middle
/// deleted and the new one inserted.
fn coarse_diff(old: &str, new: &str) -> Vec<Segment> {
    let prefix: usize = old
        .chars()
        .zip(new.chars())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum();
    let (old_rest, new_rest) = (&old[prefix..], &new[prefix..]);
    let suffix: usize = old_rest
        .chars()
        .rev()
        .zip(new_rest.chars().rev())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum();
    let mut out = Vec::new();
    push(&mut out, SegmentKind::Equal, &old[..prefix]);
    push(
        &mut out,
        SegmentKind::Deleted,
        &old_rest[..old_rest.len() - suffix],
    );
    push(
        &mut out,
        SegmentKind::Inserted,
        &new_rest[..new_rest.len() - suffix],
    );
    push(
        &mut out,
        SegmentKind::Equal,
        &old_rest[old_rest.len() - suffix..],
    );
    out
}

/// Appends `text` as `kind`, joining it to the last segment when that is of the same kind.
fn push(out: &mut Vec<Segment>, kind: SegmentKind, text: &str) {
    if text.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(last) if last.kind == kind => last.text.push_str(text),
        _ => out.push(Segment {
            kind,
            text: text.to_string(),
        }),
    }
}

/// Folds whitespace-only equal runs between two changes into the changes around them, so
/// "a b c" → "x y z" reads as one deletion and one insertion rather than three pairs; each
/// run of changes comes out as its deleted text, then its inserted text.
fn tidy(segments: Vec<Segment>) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut deleted = String::new();
    let mut inserted = String::new();
    // Whitespace seen after a change, kept back until we know whether another change follows.
    let mut space = String::new();
    for segment in segments {
        match segment.kind {
            SegmentKind::Deleted | SegmentKind::Inserted => {
                deleted.push_str(&space);
                inserted.push_str(&space);
                space.clear();
                if segment.kind == SegmentKind::Deleted {
                    deleted.push_str(&segment.text);
                } else {
                    inserted.push_str(&segment.text);
                }
            }
            SegmentKind::Equal => {
                let in_a_change = !(deleted.is_empty() && inserted.is_empty());
                if in_a_change && segment.text.chars().all(char::is_whitespace) {
                    space.push_str(&segment.text);
                } else {
                    flush(&mut out, &mut deleted, &mut inserted, &mut space);
                    push(&mut out, SegmentKind::Equal, &segment.text);
                }
            }
        }
    }
    flush(&mut out, &mut deleted, &mut inserted, &mut space);
    out
}

/// Writes out a run of changes and the whitespace after it.
fn flush(out: &mut Vec<Segment>, deleted: &mut String, inserted: &mut String, space: &mut String) {
    push(out, SegmentKind::Deleted, deleted);
    push(out, SegmentKind::Inserted, inserted);
    push(out, SegmentKind::Equal, space);
    deleted.clear();
    inserted.clear();
    space.clear();
}

/// The old text the segments were made from.
pub fn old_text(segments: &[Segment]) -> String {
    segments
        .iter()
        .filter(|s| s.kind != SegmentKind::Inserted)
        .map(|s| s.text.as_str())
        .collect()
}

/// The new text the segments were made from.
pub fn new_text(segments: &[Segment]) -> String {
    segments
        .iter()
        .filter(|s| s.kind != SegmentKind::Deleted)
        .map(|s| s.text.as_str())
        .collect()
}

/// Compares one field's texts.
pub fn diff_field(
    key: impl Into<String>,
    label: impl Into<String>,
    old: Option<String>,
    new: Option<String>,
) -> FieldDiff {
    let change = match (&old, &new) {
        (None, None) => Change::Unchanged,
        (None, Some(_)) => Change::Added,
        (Some(_), None) => Change::Removed,
        (Some(a), Some(b)) if a == b => Change::Unchanged,
        (Some(_), Some(_)) => Change::Changed,
    };
    let segments = diff_text(
        old.as_deref().unwrap_or_default(),
        new.as_deref().unwrap_or_default(),
    );
    FieldDiff {
        key: key.into(),
        label: label.into(),
        change,
        old,
        new,
        segments,
    }
}

/// Every field of two versions of a record compared, in the record's order (see the module's
/// documentation). Fields neither version has are left out.
pub fn diff_records(old: &Intervention, new: &Intervention) -> RecordDiff {
    let (a, b) = (display(old), display(new));
    let fields = pair_by_key(a, b)
        .into_iter()
        .filter(|(_, _, o, n)| o.is_some() || n.is_some())
        .map(|(key, label, o, n)| diff_field(key, label, o, n))
        .collect();
    RecordDiff { fields }
}

/// One field of a record as text: its key, its label and its text (`None`: not there).
pub type DisplayField = (String, String, Option<String>);

/// Pairs the fields of two displays by key: the new display's order, with each field only
/// the old one has put after the field that came before it there.
fn pair_by_key(
    old: Vec<DisplayField>,
    new: Vec<DisplayField>,
) -> Vec<(String, String, Option<String>, Option<String>)> {
    let new_keys: std::collections::HashSet<String> =
        new.iter().map(|(k, _, _)| k.clone()).collect();
    let mut old_texts: std::collections::HashMap<String, Option<String>> = old
        .iter()
        .filter(|(k, _, _)| new_keys.contains(k))
        .map(|(k, _, t)| (k.clone(), t.clone()))
        .collect();
    // Old-only fields, grouped under the nearest earlier field both have (`None`: the start).
    let mut removed_after: Vec<(Option<String>, DisplayField)> = Vec::new();
    let mut anchor: Option<String> = None;
    for (key, label, text) in old {
        if new_keys.contains(&key) {
            anchor = Some(key);
        } else {
            removed_after.push((anchor.clone(), (key, label, text)));
        }
    }
    let mut out = Vec::new();
    let take_removed = |anchor: Option<&str>, out: &mut Vec<_>| {
        for (_, (k, l, t)) in removed_after.iter().filter(|(a, _)| a.as_deref() == anchor) {
            out.push((k.clone(), l.clone(), t.clone(), None));
        }
    };
    take_removed(None, &mut out);
    for (key, label, text) in new {
        let old_text = old_texts.remove(&key).flatten();
        out.push((key.clone(), label, old_text, text));
        take_removed(Some(&key), &mut out);
    }
    out
}

/// A vocabulary value as people read it; free text is marked, so it never looks like the
/// vocabulary's own value.
fn term<T: Vocabulary>(t: &Term<T>) -> String {
    match t {
        Term::Known(v) => v.label().to_string(),
        Term::Other(text) => format!("{text} (free text)"),
    }
}

/// One item per line; `None` for no items.
fn lines(items: impl IntoIterator<Item = String>) -> Option<String> {
    let items: Vec<String> = items.into_iter().collect();
    (!items.is_empty()).then(|| items.join("\n"))
}

fn yes_no(value: bool) -> String {
    if value { "Yes" } else { "No" }.to_string()
}

/// A list of terms on one line.
fn inline_terms<T: Vocabulary>(items: &[Term<T>]) -> String {
    items.iter().map(term).collect::<Vec<_>>().join("; ")
}

/// A list whose absence means "not known": `None` unknown, an empty list "(none)".
fn known_list<T>(items: &Option<Vec<T>>, show: impl Fn(&T) -> String) -> Option<String> {
    items.as_ref().map(|items| {
        if items.is_empty() {
            "(none)".to_string()
        } else {
            items.iter().map(show).collect::<Vec<_>>().join("\n")
        }
    })
}

fn facet_row(row: &FacetRow) -> String {
    let mut out = Vec::new();
    if let Some(t) = &row.target_group {
        out.push(format!("Target group: {}", term(t)));
    }
    if let Some(t) = &row.prevention_level {
        out.push(format!("Prevention level: {}", term(t)));
    }
    for (name, text) in [
        ("Age groups", inline_terms(&row.age_groups)),
        ("Genders", inline_terms(&row.genders)),
        ("Types of intervention", inline_terms(&row.delivery)),
        ("Sub-groups", inline_terms(&row.subgroups)),
        ("Languages", inline_terms(&row.languages)),
    ] {
        if !text.is_empty() {
            out.push(format!("{name}: {text}"));
        }
    }
    if out.is_empty() {
        "(no facets)".to_string()
    } else {
        out.join("\n")
    }
}

fn reference(r: &Reference) -> String {
    let mut out = vec![r.text.clone()];
    if !r.authors.is_empty() {
        out.push(format!("  Authors: {}", r.authors.join("; ")));
    }
    if let Some(year) = r.year {
        out.push(format!("  Year: {year}"));
    }
    if let Some(title) = &r.title {
        out.push(format!("  Title: {title}"));
    }
    out.join("\n")
}

fn outcome(o: &Outcome) -> String {
    let mut parts = vec![format!("{}: {}", term(&o.outcome), o.direction.label())];
    parts.push(match o.significant {
        Some(true) => "significant".to_string(),
        Some(false) => "not significant".to_string(),
        None => "significance not stated".to_string(),
    });
    if let Some(m) = o.magnitude {
        parts.push(format!("{} effect", m.label()));
    }
    if let Some(e) = &o.effect_size {
        parts.push(format!("effect: {e}"));
    }
    if let Some(n) = &o.note {
        parts.push(format!("note: {n}"));
    }
    format!("  Outcome: {}", parts.join(", "))
}

fn study(s: &Study) -> String {
    let mut out = vec![
        format!("Reference: {}", s.reference),
        format!("Design: {}", s.design.label()),
        format!("Evaluates: {}", s.evaluates.label()),
    ];
    if s.meta_analysis {
        out.push("Meta-analysis: Yes".to_string());
    }
    if let Some(n) = s.sample_size {
        out.push(format!("Sample size: {n}"));
    }
    if let Some(c) = &s.country {
        out.push(format!("Country: {}", term(c)));
    }
    if let Some(p) = &s.population {
        out.push(format!("Population: {p}"));
    }
    if let Some(m) = s.follow_up_months {
        out.push(format!("Follow-up: {m} months"));
    }
    if let Some(q) = s.quality {
        out.push(format!("Quality: {}", q.label()));
    }
    if let Some(q) = &s.quality_note {
        out.push(format!("Quality note: {q}"));
    }
    if let Some(q) = &s.summary {
        out.push(format!("Summary: {q}"));
    }
    out.extend(s.outcomes.iter().map(outcome));
    out.join("\n")
}

fn contact(c: &Contact) -> Vec<DisplayField> {
    vec![
        field(
            "contact.organisation",
            "Contact: organisation",
            c.organisation.clone(),
        ),
        field("contact.address", "Contact: address", c.address.clone()),
        field(
            "contact.address_confidential",
            "Contact: address is confidential",
            Some(yes_no(c.address_confidential)),
        ),
        field(
            "contact.phones",
            "Contact: telephone numbers",
            lines(c.phones.iter().cloned()),
        ),
        field(
            "contact.emails",
            "Contact: email addresses",
            lines(c.emails.iter().cloned()),
        ),
        field(
            "contact.websites",
            "Contact: websites",
            lines(c.websites.iter().cloned()),
        ),
        field(
            "contact.notes",
            "Contact: other details",
            lines(c.notes.iter().cloned()),
        ),
    ]
}

fn age_range(min: Option<u8>, max: Option<u8>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        (Some(a), None) => format!("from {a}"),
        (None, Some(b)) => format!("up to {b}"),
        (None, None) => "no limits stated".to_string(),
    }
}

fn eligibility(e: &Eligibility) -> Vec<DisplayField> {
    let number = |n: Option<u8>| n.map(|n| n.to_string());
    let flag = |b: Option<bool>| b.map(yes_no);
    vec![
        field(
            "eligibility.age_min",
            "Eligibility: youngest age",
            number(e.age_min),
        ),
        field(
            "eligibility.age_max",
            "Eligibility: oldest age",
            number(e.age_max),
        ),
        field(
            "eligibility.formats",
            "Eligibility: ages by format",
            lines(
                e.formats
                    .iter()
                    .map(|f| format!("{}: {}", term(&f.delivery), age_range(f.age_min, f.age_max))),
            ),
        ),
        field(
            "eligibility.genders",
            "Eligibility: genders",
            known_list(&e.genders, |g| g.label().to_string()),
        ),
        field(
            "eligibility.iq_min",
            "Eligibility: minimum IQ",
            number(e.iq_min),
        ),
        field(
            "eligibility.learning_needs",
            "Eligibility: learning needs",
            e.learning_needs.clone(),
        ),
        field(
            "eligibility.serves",
            "Eligibility: accepts enquiries from",
            known_list(&e.serves, |v| v.label().to_string()),
        ),
        field(
            "eligibility.situations",
            "Eligibility: situations",
            known_list(&e.situations, |v| v.label().to_string()),
        ),
        field(
            "eligibility.justice_stages",
            "Eligibility: justice stages",
            known_list(&e.justice_stages, |v| v.label().to_string()),
        ),
        field(
            "eligibility.referral_routes",
            "Eligibility: referral routes",
            known_list(&e.referral_routes, |v| v.label().to_string()),
        ),
        field(
            "eligibility.anonymous",
            "Eligibility: anonymous help",
            flag(e.anonymous),
        ),
        field(
            "eligibility.cost",
            "Eligibility: cost",
            known_list(&e.cost, |v| v.label().to_string()),
        ),
        field(
            "eligibility.remote",
            "Eligibility: remote help",
            flag(e.remote),
        ),
        field(
            "eligibility.in_person_areas",
            "Eligibility: areas for in-person help",
            known_list(&e.in_person_areas, Clone::clone),
        ),
        field(
            "eligibility.languages",
            "Eligibility: languages",
            known_list(&e.languages, |v| v.label().to_string()),
        ),
        field(
            "eligibility.exclusions",
            "Eligibility: exclusions",
            lines(e.exclusions.iter().cloned()),
        ),
    ]
}

fn field(key: &str, label: &str, text: Option<String>) -> DisplayField {
    (key.to_string(), label.to_string(), text)
}

/// Keys made unique: a repeated key (two studies with one id, which validation refuses but
/// a stored record might still hold) gets `#2`, `#3`, … so nothing is paired twice.
fn unique_keys(fields: Vec<DisplayField>) -> Vec<DisplayField> {
    let mut seen: Vec<String> = Vec::new();
    fields
        .into_iter()
        .map(|(key, label, text)| {
            let n = seen.iter().filter(|k| **k == key).count();
            seen.push(key.clone());
            if n == 0 {
                (key, label, text)
            } else {
                (
                    format!("{key}#{}", n + 1),
                    format!("{label} ({})", n + 1),
                    text,
                )
            }
        })
        .collect()
}

/// Every field of a record as staff read it, in the record's order: key, label and text
/// (`None` when the record does not have it).
pub fn display(r: &Intervention) -> Vec<DisplayField> {
    let mut out = vec![
        field("title", "Title", Some(r.title.clone())),
        field("slug", "Slug", Some(r.slug.clone())),
        field("summary", "Summary", r.summary.clone()),
        field("needs_review", "Needs review", Some(yes_no(r.needs_review))),
        field(
            "rating",
            "Evidence rating",
            r.rating.map(|x| x.label().to_string()),
        ),
        field(
            "rating_justification",
            "Reason for the rating",
            r.rating_justification.clone(),
        ),
        field(
            "critical_by_treaty",
            "Deemed critical by international treaties",
            Some(yes_no(r.critical_by_treaty)),
        ),
        field(
            "information_correct_at",
            "Information correct at",
            r.information_correct_at.map(|d| d.to_string()),
        ),
        field(
            "intervention_types",
            "Types of intervention",
            lines(r.intervention_types.iter().map(term)),
        ),
        field(
            "countries",
            "Countries",
            lines(r.countries.iter().map(term)),
        ),
    ];
    out.extend(r.facet_rows.iter().enumerate().map(|(i, row)| {
        field(
            &format!("facet_row.{}", i + 1),
            &format!("Facet row {}", i + 1),
            Some(facet_row(row)),
        )
    }));
    out.extend(r.sections_in_order().into_iter().map(|(key, text)| {
        field(
            &format!("section.{key}"),
            &format!("Section: {}", section::heading(key)),
            Some(text.to_string()),
        )
    }));
    out.push(field(
        "references",
        "References",
        lines(r.references.iter().map(reference)),
    ));
    out.extend(contact(&r.contact));
    out.extend(eligibility(&r.eligibility));
    out.extend(r.studies.iter().map(|s| {
        field(
            &format!("study.{}", s.id),
            &format!("Study {}", s.id),
            Some(study(s)),
        )
    }));
    unique_keys(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{Direction, OutcomeKind, StudyDesign};
    use crate::vocab::{Gender, TargetGroup};
    use crate::Rating;
    use proptest::prelude::*;

    fn base() -> Intervention {
        let mut r = Intervention {
            slug: "fictional-service".into(),
            title: "Fictional Service".into(),
            summary: Some("A fictional service for tests.".into()),
            rating: Some(Rating::Prudent),
            ..Intervention::default()
        };
        r.sections.insert(
            section::DESCRIPTION.into(),
            "The quick brown fox jumps over the lazy dog.".into(),
        );
        r.contact.phones = vec!["0800 000 000".into()];
        r
    }

    fn kinds(segments: &[Segment]) -> Vec<(SegmentKind, &str)> {
        segments.iter().map(|s| (s.kind, s.text.as_str())).collect()
    }

    #[test]
    fn identical_records_have_no_changes() {
        let d = diff_records(&base(), &base());
        assert!(d.is_empty());
        assert!(d.fields.iter().all(|f| f.change == Change::Unchanged));
        assert!(d.fields.iter().any(|f| f.key == "section.description"));
        // Fields neither version has are left out.
        assert!(!d.fields.iter().any(|f| f.key == "eligibility.iq_min"));
    }

    #[test]
    fn a_changed_word_is_one_deletion_and_one_insertion() {
        use SegmentKind::*;
        let s = diff_text("The quick brown fox", "The slow brown fox");
        assert_eq!(
            kinds(&s),
            vec![
                (Equal, "The "),
                (Deleted, "quick"),
                (Inserted, "slow"),
                (Equal, " brown fox")
            ]
        );
    }

    #[test]
    fn neighbouring_changed_words_read_as_one_change() {
        use SegmentKind::*;
        let s = diff_text("one two three four", "one five six four");
        assert_eq!(
            kinds(&s),
            vec![
                (Equal, "one "),
                (Deleted, "two three"),
                (Inserted, "five six"),
                (Equal, " four")
            ]
        );
    }

    #[test]
    fn fields_say_how_they_changed() {
        let old = base();
        let mut new = base();
        new.title = "Fictional Service Renamed".into();
        new.summary = None;
        new.rating_justification = Some("A fictional reason.".into());
        new.contact.address_confidential = true;
        new.eligibility.iq_min = Some(80);
        new.facet_rows.push(FacetRow {
            target_group: Some(Term::Known(TargetGroup::PotentialOffenders)),
            genders: vec![Term::Known(Gender::Male), Term::Other("Fictional".into())],
            ..FacetRow::default()
        });
        let d = diff_records(&old, &new);
        let get = |key: &str| {
            d.fields
                .iter()
                .find(|f| f.key == key)
                .unwrap_or_else(|| panic!("no field {key}"))
        };
        assert_eq!(get("title").change, Change::Changed);
        assert_eq!(get("summary").change, Change::Removed);
        assert_eq!(get("rating_justification").change, Change::Added);
        assert_eq!(get("contact.address_confidential").change, Change::Changed);
        assert_eq!(
            get("contact.address_confidential").old.as_deref(),
            Some("No")
        );
        assert_eq!(get("eligibility.iq_min").new.as_deref(), Some("80"));
        let row = get("facet_row.1");
        assert_eq!(row.change, Change::Added);
        assert_eq!(
            row.new.as_deref(),
            Some("Target group: (Potential) Offenders\nGenders: Male; Fictional (free text)")
        );
        assert_eq!(get("rating").change, Change::Unchanged);
        assert_eq!(d.changed().count(), 6);
    }

    #[test]
    fn sections_and_studies_pair_by_key_and_keep_their_place() {
        let old = base();
        let mut new = base();
        new.sections.remove(section::DESCRIPTION);
        new.sections
            .insert(section::EVALUATION.into(), "Fictional evaluation.".into());
        let mut s = Study::new("fictional-2020", "Fictional, A. (2020).", StudyDesign::Rct);
        s.outcomes.push(Outcome::new(
            Term::Known(OutcomeKind::Knowledge),
            Direction::Positive,
        ));
        new.studies.push(s.clone());
        let d = diff_records(&old, &new);
        let keys: Vec<&str> = d.fields.iter().map(|f| f.key.as_str()).collect();
        let at = |k: &str| keys.iter().position(|x| *x == k).unwrap_or(usize::MAX);
        assert!(
            at("section.description") < at("section.evaluation"),
            "{keys:?}"
        );
        assert!(at("section.evaluation") < at("references"), "{keys:?}");
        let study = &d.fields[at("study.fictional-2020")];
        assert_eq!(study.change, Change::Added);
        assert!(study
            .new
            .as_deref()
            .is_some_and(|t| t.contains("Outcome: Knowledge: Positive")));

        // A study changed in place is one changed field.
        let mut newer = new.clone();
        newer.studies[0].sample_size = Some(120);
        let d = diff_records(&new, &newer);
        let changed: Vec<&str> = d.changed().map(|f| f.key.as_str()).collect();
        assert_eq!(changed, vec!["study.fictional-2020"]);
    }

    #[test]
    fn reordered_and_removed_fields_appear_once_each() {
        let study = |id: &str| Study::new(id, "Fictional, A. (2020).", StudyDesign::Rct);
        let mut old = base();
        old.studies = vec![study("a"), study("b"), study("c")];
        let mut new = base();
        new.studies = vec![study("c"), study("a")];
        let d = diff_records(&old, &new);
        let keys: Vec<&str> = d
            .fields
            .iter()
            .filter(|f| f.key.starts_with("study."))
            .map(|f| f.key.as_str())
            .collect();
        assert_eq!(keys, vec!["study.c", "study.a", "study.b"]);
        let changed: Vec<(&str, Change)> =
            d.changed().map(|f| (f.key.as_str(), f.change)).collect();
        assert_eq!(changed, vec![("study.b", Change::Removed)]);
    }

    #[test]
    fn free_text_differs_from_the_vocabulary_value_of_the_same_words() {
        let mut old = base();
        old.countries = vec![Term::Other("Germany".into())];
        let mut new = base();
        new.countries = vec![Term::from_id("DE")];
        assert!(!diff_records(&old, &new).is_empty());
    }

    #[test]
    fn very_long_texts_fall_back_to_a_coarse_diff_that_still_puts_both_back() {
        let old = "a ".repeat(50) + "middle " + &"z ".repeat(50);
        let new = "a ".repeat(50) + "centre " + &"z ".repeat(50);
        let s = diff_text_limited(&old, &new, 10);
        assert_eq!(old_text(&s), old);
        assert_eq!(new_text(&s), new);
        assert_eq!(s.len(), 4, "{s:?}");
        // Multi-byte characters are cut on their boundaries.
        let s = diff_text_limited("ääx", "äöx", 1);
        assert_eq!(old_text(&s), "ääx");
        assert_eq!(new_text(&s), "äöx");
    }

    fn check(old: &str, new: &str, segments: &[Segment]) -> Result<(), TestCaseError> {
        prop_assert_eq!(old_text(segments), old);
        prop_assert_eq!(new_text(segments), new);
        for pair in segments.windows(2) {
            prop_assert_ne!(pair[0].kind, pair[1].kind);
        }
        prop_assert!(segments.iter().all(|s| !s.text.is_empty()));
        Ok(())
    }

    fn text() -> impl Strategy<Value = String> {
        // Few distinct words, so texts share some and differ in others; with line breaks,
        // runs of spaces and non-ASCII letters.
        proptest::collection::vec(
            prop_oneof![
                Just("fox".to_string()),
                Just("dog".to_string()),
                Just("Zürich".to_string()),
                Just(" ".to_string()),
                Just("  ".to_string()),
                Just("\n".to_string()),
                Just("<b>".to_string()),
                "[a-z]{1,3}",
                "\\PC{0,4}",
            ],
            0..40,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #[test]
        fn segments_put_back_both_texts(old in text(), new in text()) {
            check(&old, &new, &diff_text(&old, &new))?;
            check(&old, &new, &diff_text_limited(&old, &new, 4))?;
        }

        #[test]
        fn every_field_of_a_record_diff_puts_back_both_texts(
            title in text(),
            summary in proptest::option::of(text()),
            description in text(),
            phones in proptest::collection::vec(text(), 0..3),
            other_key in "[a-z_]{1,8}",
            other_text in text(),
        ) {
            let old = base();
            let mut new = base();
            new.title = title;
            new.summary = summary;
            new.sections.insert(section::DESCRIPTION.into(), description);
            new.sections.insert(other_key, other_text);
            new.contact.phones = phones;
            for (a, b) in [(&old, &new), (&new, &old), (&new, &new)] {
                let d = diff_records(a, b);
                for f in &d.fields {
                    check(
                        f.old.as_deref().unwrap_or_default(),
                        f.new.as_deref().unwrap_or_default(),
                        &f.segments,
                    )?;
                    prop_assert_eq!(f.change == Change::Unchanged, f.old == f.new);
                }
                prop_assert_eq!(d.is_empty(), display(a) == display(b));
            }
        }
    }
}
