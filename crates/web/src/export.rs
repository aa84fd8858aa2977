//! Downloads of the gap map and of one cell's studies: CSV (for spreadsheets) and RIS (for
//! reference managers).
//!
//! Record text is hostile: a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@`
//! (or a tab or carriage return) as a formula, so every such text cell gets a leading
//! apostrophe, which spreadsheets show as text. RIS fields are one line each, so line breaks
//! in record text become spaces.

use crate::error::WebError;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use preventory_core::evidence::{Study, StudyQuality};
use preventory_core::gaps::GapMap;
use preventory_core::{Facet, Intervention, Reference, Vocabulary};
use std::borrow::Cow;

/// The media type of CSV downloads.
pub(crate) const CSV_TYPE: &str = "text/csv; charset=utf-8";
/// The media type of RIS downloads.
pub(crate) const RIS_TYPE: &str = "application/x-research-info-systems";

/// The columns of the gap map's CSV, one line per cell.
pub(crate) const MAP_COLUMNS: [&str; 11] = [
    "row_id",
    "row_label",
    "col_id",
    "col_label",
    "count",
    "effective",
    "promising",
    "prudent",
    "pioneering",
    "unrated",
    "coverage",
];

/// The columns of a cell's CSV, one line per outcome of each study.
pub(crate) const CELL_COLUMNS: [&str; 10] = [
    "slug",
    "title",
    "rating",
    "study_id",
    "design",
    "sample_size",
    "quality",
    "outcome",
    "direction",
    "significant",
];

/// `text` as a spreadsheet will show it rather than run it: a leading apostrophe when it
/// starts with a character that makes a formula.
pub(crate) fn spreadsheet_safe(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

fn csv_error(e: impl std::error::Error + Send + Sync + 'static) -> WebError {
    WebError::Io(std::io::Error::other(e))
}

/// A CSV document: the header, then every row, every field made [`spreadsheet_safe`].
fn csv_document(header: &[&str], rows: Vec<Vec<String>>) -> Result<Vec<u8>, WebError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).map_err(csv_error)?;
    for row in rows {
        writer
            .write_record(row.iter().map(|field| spreadsheet_safe(field).into_owned()))
            .map_err(csv_error)?;
    }
    writer.into_inner().map_err(|e| csv_error(e.into_error()))
}

/// The gap map as CSV: a header, then one line per cell, row by row.
pub(crate) fn map_csv(map: &GapMap) -> Result<Vec<u8>, WebError> {
    let rows = map
        .cells
        .iter()
        .map(|cell| {
            let b = &cell.by_rating;
            vec![
                cell.row.clone(),
                map.row_facet.label_of(&cell.row),
                cell.col.clone(),
                map.col_facet.label_of(&cell.col),
                cell.count.to_string(),
                b.effective.to_string(),
                b.promising.to_string(),
                b.prudent.to_string(),
                b.pioneering.to_string(),
                b.unrated.to_string(),
                cell.coverage().id().to_string(),
            ]
        })
        .collect();
    csv_document(&MAP_COLUMNS, rows)
}

fn quality_id(quality: Option<StudyQuality>) -> String {
    quality.map(|q| q.id().to_string()).unwrap_or_default()
}

/// A cell's studies as CSV: a header, then one line per outcome of each study (a study
/// without outcomes takes one line with those fields empty, and so does an intervention
/// without studies, so every intervention of the cell appears).
pub(crate) fn cell_csv(records: &[Intervention]) -> Result<Vec<u8>, WebError> {
    let mut rows = Vec::new();
    for record in records {
        let start = || {
            vec![
                record.slug.clone(),
                record.title.trim().to_string(),
                Facet::Rating.ids_of(record).join(" "),
            ]
        };
        if record.studies.is_empty() {
            let mut row = start();
            row.extend(std::iter::repeat_n(String::new(), 7));
            rows.push(row);
        }
        for study in &record.studies {
            let mut row = start();
            row.extend([
                study.id.clone(),
                study.design.id().to_string(),
                study.sample_size.map(|n| n.to_string()).unwrap_or_default(),
                quality_id(study.quality),
            ]);
            if study.outcomes.is_empty() {
                let mut row = row.clone();
                row.extend(std::iter::repeat_n(String::new(), 3));
                rows.push(row);
            }
            for outcome in &study.outcomes {
                let mut row = row.clone();
                row.extend([
                    outcome.outcome.id(),
                    outcome.direction.id().to_string(),
                    outcome
                        .significant
                        .map(|s| s.to_string())
                        .unwrap_or_default(),
                ]);
                rows.push(row);
            }
        }
    }
    csv_document(&CELL_COLUMNS, rows)
}

/// A citation compared loosely: lower case, single spaces, no final full stop.
fn normalised(citation: &str) -> String {
    citation
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches('.')
        .to_lowercase()
}

/// The record's parsed reference whose citation is the study's.
fn matching_reference<'a>(record: &'a Intervention, study: &Study) -> Option<&'a Reference> {
    let wanted = normalised(&study.reference);
    record
        .references
        .iter()
        .find(|r| !wanted.is_empty() && normalised(&r.text) == wanted)
}

/// The number of ASCII digits from `i` on.
fn digits_from(chars: &[char], i: usize) -> usize {
    chars.get(i..).map_or(0, |rest| {
        rest.iter().take_while(|c| c.is_ascii_digit()).count()
    })
}

/// Whether a citation reads like a journal article: it names a journal, or gives a volume
/// with an issue (`36(2)`) or with pages (`36, 865-891`).
pub(crate) fn looks_like_journal(citation: &str) -> bool {
    let lower = citation.to_lowercase();
    if lower.contains("journal") || lower.contains(" j. ") {
        return true;
    }
    let chars: Vec<char> = citation.chars().collect();
    for i in 0..chars.len() {
        let starts_number = chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_digit());
        if !starts_number {
            continue;
        }
        let end = i + digits_from(&chars, i);
        // volume(issue)
        if chars.get(end) == Some(&'(') {
            let n = digits_from(&chars, end + 1);
            if n > 0 && chars.get(end + 1 + n) == Some(&')') && (i == 0 || chars[i - 1] != '(') {
                return true;
            }
        }
        // volume, first page-last page
        if chars.get(end) == Some(&',') && chars.get(end + 1) == Some(&' ') {
            let n = digits_from(&chars, end + 2);
            let dash = end + 2 + n;
            if n > 0
                && matches!(chars.get(dash), Some('-' | '–'))
                && digits_from(&chars, dash + 1) > 0
            {
                return true;
            }
        }
    }
    false
}

/// One RIS field: `TAG  - value`, the value on one line.
fn ris_field(out: &mut String, tag: &str, value: &str) {
    let value = value
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if !value.is_empty() {
        out.push_str(&format!("{tag}  - {value}\r\n"));
    }
}

/// A cell's studies as RIS: one record per study, an article (`JOUR`) or a report (`RPRT`)
/// as the citation reads. Title, authors and year come from the record's parsed reference
/// when the study cites one of them; otherwise the citation is the title (`T1`).
pub(crate) fn cell_ris(records: &[Intervention]) -> String {
    let mut out = String::new();
    for record in records {
        for study in &record.studies {
            let kind = if looks_like_journal(&study.reference) {
                "JOUR"
            } else {
                "RPRT"
            };
            out.push_str(&format!("TY  - {kind}\r\n"));
            let reference = matching_reference(record, study);
            match reference.and_then(|r| r.title.as_deref()) {
                Some(title) if !title.trim().is_empty() => ris_field(&mut out, "TI", title),
                _ => ris_field(&mut out, "T1", &study.reference),
            }
            if let Some(reference) = reference {
                for author in &reference.authors {
                    ris_field(&mut out, "AU", author);
                }
                if let Some(year) = reference.year {
                    ris_field(&mut out, "PY", &year.to_string());
                }
            }
            let quality = study.quality.map_or("not judged", |q| match q {
                StudyQuality::High => "high",
                StudyQuality::Moderate => "moderate",
                StudyQuality::Low => "low",
            });
            ris_field(
                &mut out,
                "N1",
                &format!("Design: {}. Quality: {quality}.", study.design.label()),
            );
            if let Some(n) = study.sample_size {
                ris_field(&mut out, "N1", &format!("Participants: {n}."));
            }
            ris_field(
                &mut out,
                "N1",
                &format!(
                    "A study of the intervention “{}” (Preventory record {}).",
                    record.title.trim(),
                    record.slug
                ),
            );
            ris_field(&mut out, "ID", &format!("{}/{}", record.slug, study.id));
            out.push_str("ER  - \r\n");
        }
    }
    out
}

/// A download: the body with its media type, as an attachment with a fixed file name.
pub(crate) fn download(
    content_type: &'static str,
    file_name: &'static str,
    body: impl Into<axum::body::Body>,
) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        body.into(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use preventory_core::evidence::StudyDesign;

    #[test]
    fn formulas_are_neutralised() {
        for text in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(spreadsheet_safe(text), format!("'{text}"));
        }
        assert_eq!(spreadsheet_safe("Fictional = plain"), "Fictional = plain");
        assert_eq!(spreadsheet_safe(""), "");
    }

    #[test]
    fn journals_and_reports_are_told_apart() {
        assert!(looks_like_journal(
            "Hanson, R.K. (2009). Title. Criminal Justice and Behavior, 36, 865-891."
        ));
        assert!(looks_like_journal(
            "Example, A. (2019). Title. Fictional Studies, 1(2), 3–4."
        ));
        assert!(looks_like_journal(
            "Marshall (2003). Int. J. of Offender Therapy, 47"
        ));
        assert!(!looks_like_journal(
            "Hedderman, C. (1996). Home Office Research Study, no. 45. London: Home Office."
        ));
        assert!(!looks_like_journal("Fictional, A. (2020). A report."));
    }

    #[test]
    fn ris_uses_the_parsed_reference_when_it_matches() {
        let mut record = Intervention {
            slug: "fictional".into(),
            title: "Fictional\nProgramme".into(),
            ..Intervention::default()
        };
        record.references.push(Reference {
            text: "Example, A. (2019). A fictional trial. Journal of Fiction, 1(2), 3-4.".into(),
            authors: vec!["Example, A.".into()],
            year: Some(2019),
            title: Some("A fictional trial".into()),
        });
        let mut matched = Study::new(
            "a",
            "Example, A.  (2019). A fictional trial. Journal of Fiction, 1(2), 3-4",
            StudyDesign::Rct,
        );
        matched.sample_size = Some(40);
        let unmatched = Study::new(
            "b",
            "Other, B. (2020).\nA report.",
            StudyDesign::ExpertOpinion,
        );
        record.studies = vec![matched, unmatched];
        let ris = cell_ris(&[record]);
        let records: Vec<&str> = ris.split("ER  - \r\n").collect();
        assert_eq!(records.len(), 3, "{ris}");
        assert!(
            records[0].starts_with(
                "TY  - JOUR\r\nTI  - A fictional trial\r\nAU  - Example, A.\r\nPY  - 2019\r\n"
            ),
            "{ris}"
        );
        assert!(records[0].contains("N1  - Participants: 40.\r\n"));
        assert!(
            records[1].starts_with("TY  - RPRT\r\nT1  - Other, B. (2020). A report.\r\n"),
            "{ris}"
        );
        assert!(records[1].contains("“Fictional Programme”"), "{ris}");
        assert_eq!(records[2], "");
    }
}
